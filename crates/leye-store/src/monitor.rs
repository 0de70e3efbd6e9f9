//! Monitoring's reads and writes: the records indicators are computed from (read in bulk, the
//! whole city: the caller is the monitoring job, never a user), the maintained indicator
//! figures, the imported surveyed unemployment rate, alerts with their notices, and the
//! progress notes of the plan's tasks.

use crate::jobs::invalid;
use crate::sql::{Arg, RowExt, Where, joined, packed_text, q, ts};
use crate::{Actor, Backend, StoreError, Tx, audit};
use chrono::{DateTime, Utc};
use leye_domain::Regions;
use leye_domain::scope::{RegionFilter, Scope};

/// People with id in `(after, after + span]`: `id|birth_date|residence_region|urban` lines, and
/// their labour events in order: `person|effective|status|industry|benefit_months` lines
/// (industry empty without a registered employer).
pub async fn monitor_labour_batch(
    tx: &mut Tx,
    backend: Backend,
    after: i64,
    span: i64,
) -> Result<(String, String), StoreError> {
    let args = [Arg::Int(after), Arg::Int(after + span)];
    let people = packed_text(
        tx,
        joined(
            backend,
            "CAST(id AS TEXT) || '|' || birth_date || '|' || residence_region || '|' || CAST(urban AS TEXT)",
            "FROM (SELECT id, birth_date, residence_region, urban FROM persons WHERE id > $1 AND id <= $2 ORDER BY id) p",
        ),
        &args,
    )
    .await?;
    let events = packed_text(
        tx,
        joined(
            backend,
            "CAST(person_id AS TEXT) || '|' || effective || '|' || status || '|' || COALESCE(industry, '') || '|' || COALESCE(CAST(benefit_months AS TEXT), '')",
            "FROM (SELECT e.person_id, e.effective, e.status, en.industry, e.benefit_months FROM labour_events e \
             LEFT JOIN enterprises en ON en.id = e.enterprise_id \
             WHERE e.person_id > $1 AND e.person_id <= $2 ORDER BY e.person_id, e.effective, e.id) x",
        ),
        &args,
    )
    .await?;
    Ok((people, events))
}

/// The highest person id (0 when there is nobody).
pub async fn max_person_id(tx: &mut Tx) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT COALESCE(MAX(id), 0) AS n FROM persons")
        .fetch_one(&mut **tx)
        .await?
        .int("n")?)
}

/// Postings: `region|published_on|last day live|headcount|quality` lines.
pub async fn monitor_postings(tx: &mut Tx, backend: Backend) -> Result<String, StoreError> {
    packed_text(
        tx,
        joined(
            backend,
            "region || '|' || published_on || '|' || (CASE WHEN closed_on IS NULL THEN valid_until ELSE closed_on END) || '|' || CAST(headcount AS TEXT) || '|' || CAST(quality AS TEXT)",
            "FROM postings",
        ),
        &[],
    )
    .await
}

/// Active job seekers: `region|registered_on` lines (registered_on may be empty).
pub async fn monitor_seekers(tx: &mut Tx, backend: Backend) -> Result<String, StoreError> {
    packed_text(
        tx,
        joined(
            backend,
            "region || '|' || COALESCE(registered_on, '')",
            "FROM job_seekers WHERE active = 1",
        ),
        &[],
    )
    .await
}

/// Recruitment events held (not cancelled): (region, first day).
pub async fn monitor_events(tx: &mut Tx) -> Result<Vec<(String, String)>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT region, starts_on FROM recruitment_events WHERE cancelled = 0".into(),
            &[],
        ),
        |r| Ok((r.text("region")?, r.text("starts_on")?)),
    )
    .await
}

/// Zero-employment spells: (household id, region, identified_on, deadline, cleared_on).
pub async fn monitor_zero_spells(
    tx: &mut Tx,
) -> Result<Vec<(i64, String, String, String, Option<String>)>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT household_id, region, identified_on, deadline, cleared_on FROM zero_households"
                .into(),
            &[],
        ),
        |r| {
            Ok((
                r.int("household_id")?,
                r.text("region")?,
                r.text("identified_on")?,
                r.text("deadline")?,
                r.opt_text("cleared_on")?,
            ))
        },
    )
    .await
}

/// Confirmed hard-to-employ spells: (person id, region, confirmed_on, ended_on).
pub async fn monitor_hard_to_employ(
    tx: &mut Tx,
) -> Result<Vec<(i64, String, String, Option<String>)>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT h.person_id, p.residence_region AS region, h.confirmed_on, h.ended_on FROM hte_status h \
             JOIN persons p ON p.id = h.person_id WHERE h.confirmed_on IS NOT NULL"
                .into(),
            &[],
        ),
        |r| {
            Ok((
                r.int("person_id")?,
                r.text("region")?,
                r.text("confirmed_on")?,
                r.opt_text("ended_on")?,
            ))
        },
    )
    .await
}

/// Assistance cases: (kind, person id, household id, opened_on, closed_on).
#[allow(clippy::type_complexity)]
pub async fn monitor_cases(
    tx: &mut Tx,
) -> Result<Vec<(String, Option<i64>, Option<i64>, String, Option<String>)>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT kind, person_id, household_id, opened_on, closed_on FROM assistance_cases"
                .into(),
            &[],
        ),
        |r| {
            Ok((
                r.text("kind")?,
                r.opt_int("person_id")?,
                r.opt_int("household_id")?,
                r.text("opened_on")?,
                r.opt_text("closed_on")?,
            ))
        },
    )
    .await
}

/// A month's headcount of an enterprise with what makes it a key enterprise.
#[derive(Debug, Clone)]
pub struct HeadcountRow {
    pub enterprise_id: i64,
    pub name: String,
    pub region: String,
    pub month: String,
    pub headcount: i64,
    pub investment_fen: i64,
    pub designated: bool,
    /// 减员原因 code, when reported.
    pub loss_cause: Option<String>,
}

/// Headcounts reported from `from_month` on (all enterprises, or one), oldest first.
pub async fn monitor_headcounts(
    tx: &mut Tx,
    from_month: &str,
    enterprise: Option<i64>,
) -> Result<Vec<HeadcountRow>, StoreError> {
    let mut w = Where::default();
    w.and(Arg::Text(from_month.into()), |p| format!("h.month >= {p}"));
    if let Some(id) = enterprise {
        w.and(Arg::Int(id), |p| format!("h.enterprise_id = {p}"));
    }
    crate::sql::all(
        tx,
        q(
            format!(
                "SELECT h.enterprise_id, e.name, e.region, h.month, h.headcount, h.loss_cause, e.registered_investment_fen, e.designated_key \
                 FROM enterprise_headcount h JOIN enterprises e ON e.id = h.enterprise_id{} ORDER BY h.enterprise_id, h.month",
                w.sql()
            ),
            &w.args,
        ),
        |r| {
            Ok(HeadcountRow {
                enterprise_id: r.int("enterprise_id")?,
                name: r.text("name")?,
                region: r.text("region")?,
                month: r.text("month")?,
                headcount: r.int("headcount")?,
                investment_fen: r.int("registered_investment_fen")?,
                designated: r.flag("designated_key")?,
                loss_cause: r.opt_text("loss_cause")?,
            })
        },
    )
    .await
}

/// Replace the figures of `from..=to` (months `YYYY-MM`) by `rows`, and log the run.
#[allow(clippy::too_many_arguments)]
pub async fn replace_indicator_values(
    tx: &mut Tx,
    from: &str,
    to: &str,
    rows: &[(String, String, String, i64, i64)],
    events: i64,
    millis: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM indicator_values WHERE month >= $1 AND month <= $2")
        .bind(from)
        .bind(to)
        .execute(&mut **tx)
        .await?;
    for chunk in rows.chunks(200) {
        let mut w = Where::default();
        let mut values = Vec::with_capacity(chunk.len());
        for (i, r, m, n, d) in chunk {
            let a = w.arg(Arg::Text(i.clone()));
            let b = w.arg(Arg::Text(r.clone()));
            let c = w.arg(Arg::Text(m.clone()));
            let e = w.arg(Arg::Int(*n));
            let f = w.arg(Arg::Int(*d));
            values.push(format!("({a}, {b}, {c}, {e}, {f})"));
        }
        q(
            format!(
                "INSERT INTO indicator_values (indicator, region, month, num, den) VALUES {}",
                values.join(", ")
            ),
            &w.args,
        )
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO indicator_runs (from_month, to_month, figures, events, millis, computed_at, computed_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(from)
    .bind(to)
    .bind(rows.len() as i64)
    .bind(events)
    .bind(millis)
    .bind(ts(now))
    .bind(&actor.name)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One stored figure.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndicatorValue {
    pub indicator: String,
    pub region: String,
    pub month: String,
    pub num: i64,
    pub den: i64,
}

/// Stored figures of some indicators (all when empty) for some regions (all when empty) over
/// `from..=to`.
pub async fn indicator_values(
    tx: &mut Tx,
    indicators: &[&str],
    regions: &[&str],
    from: &str,
    to: &str,
) -> Result<Vec<IndicatorValue>, StoreError> {
    let mut w = Where::default();
    w.and(Arg::Text(from.into()), |p| format!("month >= {p}"));
    w.and(Arg::Text(to.into()), |p| format!("month <= {p}"));
    for (col, list) in [("indicator", indicators), ("region", regions)] {
        if !list.is_empty() {
            let ps: Vec<String> = list
                .iter()
                .map(|v| w.arg(Arg::Text((*v).to_string())))
                .collect();
            w.and_raw(&format!("{col} IN ({})", ps.join(", ")));
        }
    }
    crate::sql::all(
        tx,
        q(
            format!(
                "SELECT indicator, region, month, num, den FROM indicator_values{} ORDER BY indicator, region, month",
                w.sql()
            ),
            &w.args,
        ),
        |r| {
            Ok(IndicatorValue {
                indicator: r.text("indicator")?,
                region: r.text("region")?,
                month: r.text("month")?,
                num: r.int("num")?,
                den: r.int("den")?,
            })
        },
    )
    .await
}

/// The last computation: (months, figures, events read, milliseconds, when, by whom).
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndicatorRun {
    pub from_month: String,
    pub to_month: String,
    pub figures: i64,
    pub events: i64,
    pub millis: i64,
    pub computed_at: String,
    pub computed_by: String,
}

pub async fn last_indicator_run(tx: &mut crate::Conn) -> Result<Option<IndicatorRun>, StoreError> {
    let r = sqlx::query(
        "SELECT from_month, to_month, figures, events, millis, computed_at, computed_by FROM indicator_runs ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(&mut *tx)
    .await?;
    r.map(|r| {
        Ok(IndicatorRun {
            from_month: r.text("from_month")?,
            to_month: r.text("to_month")?,
            figures: r.int("figures")?,
            events: r.int("events")?,
            millis: r.int("millis")?,
            computed_at: r.text("computed_at")?,
            computed_by: r.text("computed_by")?,
        })
    })
    .transpose()
}

/// One month of the surveyed unemployment rate.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SurveyedRate {
    pub month: String,
    pub region: String,
    pub rate_bp: i64,
    pub source: String,
}

/// Record (or correct) months of the surveyed rate; audited.
pub async fn set_surveyed_rates(
    tx: &mut Tx,
    rows: &[SurveyedRate],
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for r in rows {
        sqlx::query(
            "INSERT INTO surveyed_rates (month, region, rate_bp, source, imported_at, imported_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (month, region) DO UPDATE SET \
             rate_bp = excluded.rate_bp, source = excluded.source, imported_at = excluded.imported_at, \
             imported_by = excluded.imported_by",
        )
        .bind(&r.month)
        .bind(&r.region)
        .bind(r.rate_bp)
        .bind(&r.source)
        .bind(ts(now))
        .bind(&actor.name)
        .execute(&mut **tx)
        .await?;
    }
    let detail = rows
        .iter()
        .map(|r| format!("{} {} {}", r.month, r.region, r.rate_bp))
        .collect::<Vec<_>>()
        .join("; ");
    audit::record(tx, now, actor, "surveyed_rates", "monitor", 0, &detail).await?;
    Ok(())
}

/// Every month of the surveyed rate, oldest first.
pub async fn surveyed_rates(tx: &mut Tx) -> Result<Vec<SurveyedRate>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT month, region, rate_bp, source FROM surveyed_rates ORDER BY region, month"
                .into(),
            &[],
        ),
        |r| {
            Ok(SurveyedRate {
                month: r.text("month")?,
                region: r.text("region")?,
                rate_bp: r.int("rate_bp")?,
                source: r.text("source")?,
            })
        },
    )
    .await
}

/// An alert to raise.
#[derive(Debug, Clone)]
pub struct NewAlert {
    pub rule: &'static str,
    /// Unique per rule, subject and period: raising the same key again does nothing.
    pub key: String,
    pub severity: &'static str,
    pub region: String,
    pub owner: String,
    pub month: String,
    pub title: String,
    pub detail: String,
}

/// Raise an alert once: a new one gets an `alert` outbox task in the same transaction.
/// Returns the new id, or `None` when the key was raised before.
pub async fn raise_alert(
    tx: &mut Tx,
    a: &NewAlert,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query(
        "INSERT INTO alerts (rule, key, severity, region, owner, month, title, detail, raised_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING RETURNING id",
    )
    .bind(a.rule)
    .bind(&a.key)
    .bind(a.severity)
    .bind(&a.region)
    .bind(&a.owner)
    .bind(&a.month)
    .bind(&a.title)
    .bind(&a.detail)
    .bind(ts(now))
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id = row.int("id")?;
    crate::outbox_add(tx, "alert", &format!("alert:{id}"), &id.to_string(), now).await?;
    Ok(Some(id))
}

/// An alert as stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AlertRecord {
    pub id: i64,
    pub rule: String,
    pub severity: String,
    pub region: String,
    pub owner: String,
    pub month: String,
    pub title: String,
    pub detail: String,
    pub state: String,
    pub raised_at: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    pub resolution: Option<String>,
}

const ALERT_COLS: &str = "id, rule, severity, region, owner, month, title, detail, state, raised_at, \
    acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution";

fn alert_row(r: &sqlx::any::AnyRow) -> Result<AlertRecord, sqlx::Error> {
    Ok(AlertRecord {
        id: r.int("id")?,
        rule: r.text("rule")?,
        severity: r.text("severity")?,
        region: r.text("region")?,
        owner: r.text("owner")?,
        month: r.text("month")?,
        title: r.text("title")?,
        detail: r.text("detail")?,
        state: r.text("state")?,
        raised_at: r.text("raised_at")?,
        acknowledged_at: r.opt_text("acknowledged_at")?,
        acknowledged_by: r.opt_text("acknowledged_by")?,
        resolved_at: r.opt_text("resolved_at")?,
        resolved_by: r.opt_text("resolved_by")?,
        resolution: r.opt_text("resolution")?,
    })
}

/// Which alerts a scope sees: a region officer those of their region and below (the city sees
/// all, zones included), a responsible unit those it owns; nobody else any.
fn alert_scope(w: &mut Where, scope: &Scope, regions: &Regions) {
    match scope {
        Scope::ResponsibleUnit(unit) => w.and(Arg::Text(unit.clone()), |p| format!("owner = {p}")),
        _ => match scope.filter(regions) {
            RegionFilter::All => {}
            RegionFilter::Prefix(p) if p.len() < 6 => {}
            RegionFilter::Prefix(p) => {
                w.and(Arg::Text(format!("{p}%")), |ph| format!("region LIKE {ph}"))
            }
            _ => w.and_raw("1 = 0"),
        },
    }
}

/// May this scope see alerts at all?
pub fn sees_alerts(scope: &Scope, regions: &Regions) -> bool {
    match scope {
        Scope::ResponsibleUnit(_) => true,
        _ => matches!(
            scope.filter(regions),
            RegionFilter::All | RegionFilter::Prefix(_)
        ),
    }
}

/// Alerts in the caller's scope, newest first; `state` filters (`open`, `acknowledged`,
/// `resolved`; `active` = not resolved).
pub async fn list_alerts(
    tx: &mut crate::Conn,
    scope: &Scope,
    regions: &Regions,
    state: Option<&str>,
    limit: i64,
) -> Result<Vec<AlertRecord>, StoreError> {
    let mut w = Where::default();
    alert_scope(&mut w, scope, regions);
    match state {
        Some("active") => w.and_raw("state <> 'resolved'"),
        Some(s) => w.and(Arg::Text(s.into()), |p| format!("state = {p}")),
        None => {}
    }
    // A number, not a parameter (see `sql::page`).
    crate::sql::all(
        tx,
        q(
            format!(
                "SELECT {ALERT_COLS} FROM alerts{} ORDER BY id DESC LIMIT {limit}",
                w.sql()
            ),
            &w.args,
        ),
        alert_row,
    )
    .await
}

/// One alert, if the scope sees it.
pub async fn get_alert(
    tx: &mut Tx,
    scope: &Scope,
    regions: &Regions,
    id: i64,
) -> Result<AlertRecord, StoreError> {
    let mut w = Where::default();
    w.and(Arg::Int(id), |p| format!("id = {p}"));
    alert_scope(&mut w, scope, regions);
    let r = q(
        format!("SELECT {ALERT_COLS} FROM alerts{}", w.sql()),
        &w.args,
    )
    .fetch_optional(&mut **tx)
    .await?;
    match r {
        Some(r) => Ok(alert_row(&r)?),
        None => Err(StoreError::NotFound { entity: "预警" }),
    }
}

/// Acknowledge (`resolution` None) or resolve an alert the scope sees. Resolving an open alert
/// acknowledges it too. Refused once resolved.
pub async fn act_on_alert(
    tx: &mut Tx,
    scope: &Scope,
    regions: &Regions,
    id: i64,
    resolution: Option<&str>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<AlertRecord, StoreError> {
    let a = get_alert(tx, scope, regions, id).await?;
    if a.state == "resolved" {
        return Err(invalid("state", "resolved", "该预警已处置完毕"));
    }
    let at = ts(now);
    let done = match resolution {
        None => {
            if a.state != "open" {
                return Err(invalid("state", "acknowledged", "该预警已签收"));
            }
            sqlx::query(
                "UPDATE alerts SET state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3 \
                 WHERE id = $1 AND state = 'open'",
            )
            .bind(id)
            .bind(&at)
            .bind(&actor.name)
            .execute(&mut **tx)
            .await?
        }
        Some(text) => {
            let text = text.trim();
            if text.is_empty() {
                return Err(invalid("resolution", "required", "请填写处置情况"));
            }
            sqlx::query(
                "UPDATE alerts SET state = 'resolved', acknowledged_at = COALESCE(acknowledged_at, $2), \
                 acknowledged_by = COALESCE(acknowledged_by, $3), resolved_at = $2, resolved_by = $3, resolution = $4 \
                 WHERE id = $1 AND state <> 'resolved'",
            )
            .bind(id)
            .bind(&at)
            .bind(&actor.name)
            .bind(text.chars().take(1000).collect::<String>())
            .execute(&mut **tx)
            .await?
        }
    };
    if done.rows_affected() != 1 {
        return Err(invalid(
            "state",
            "changed",
            "预警状态已被他人更新,请刷新后重试",
        ));
    }
    audit::record(
        tx,
        now,
        actor,
        if resolution.is_some() {
            "alert_resolve"
        } else {
            "alert_acknowledge"
        },
        "alert",
        id,
        resolution.unwrap_or(""),
    )
    .await?;
    get_alert(tx, scope, regions, id).await
}

/// The users who should be told of an alert: active accounts of the city, of a region that
/// contains the alert's, or of the owning unit.
pub async fn alert_recipients(tx: &mut Tx, alert_id: i64) -> Result<Vec<i64>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT u.id FROM users u JOIN alerts a ON a.id = $1 WHERE u.disabled = 0 AND ( \
               u.role = 'city_admin' \
               OR (u.role IN ('county_officer', 'township_officer') AND a.region LIKE u.region_code || '%') \
               OR (u.role = 'unit_officer' AND u.unit = a.owner)) ORDER BY u.id"
                .into(),
            &[Arg::Int(alert_id)],
        ),
        |r| r.int("id"),
    )
    .await
}

/// Write the notices of an alert (once per user).
pub async fn add_alert_notices(
    tx: &mut Tx,
    alert_id: i64,
    users: &[i64],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut n = 0;
    for u in users {
        n += sqlx::query(
            "INSERT INTO alert_notices (alert_id, user_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (alert_id, user_id) DO NOTHING",
        )
        .bind(alert_id)
        .bind(*u)
        .bind(ts(now))
        .execute(&mut **tx)
        .await?
        .rows_affected() as usize;
    }
    Ok(n)
}

/// Unread alert notices of a user.
pub async fn unread_alert_notices(tx: &mut Tx, user_id: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM alert_notices WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?
    .int("n")?)
}

/// Mark a user's notices read.
pub async fn read_alert_notices(
    tx: &mut Tx,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE alert_notices SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id)
        .bind(ts(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A progress note on a task.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TaskNote {
    pub id: i64,
    pub clause: String,
    pub unit: String,
    pub on_date: String,
    pub progress: Option<i64>,
    pub note: String,
    pub by_name: String,
    pub at: String,
}

/// Record a progress note (append-only; audited).
#[allow(clippy::too_many_arguments)]
pub async fn add_task_note(
    tx: &mut Tx,
    clause: &str,
    unit: &str,
    on_date: &str,
    progress: Option<i64>,
    note: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let id = sqlx::query(
        "INSERT INTO task_notes (clause, unit, on_date, progress, note, by_name, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(clause)
    .bind(unit)
    .bind(on_date)
    .bind(progress)
    .bind(note)
    .bind(&actor.name)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(tx, now, actor, "task_note", "task", id, clause).await?;
    Ok(id)
}

/// Notes of every task (or one clause), newest first.
pub async fn task_notes(tx: &mut Tx, clause: Option<&str>) -> Result<Vec<TaskNote>, StoreError> {
    let mut w = Where::default();
    if let Some(c) = clause {
        w.and(Arg::Text(c.into()), |p| format!("clause = {p}"));
    }
    crate::sql::all(
        tx,
        q(
            format!(
                "SELECT id, clause, unit, on_date, progress, note, by_name, at FROM task_notes{} ORDER BY id DESC",
                w.sql()
            ),
            &w.args,
        ),
        |r| {
            Ok(TaskNote {
                id: r.int("id")?,
                clause: r.text("clause")?,
                unit: r.text("unit")?,
                on_date: r.text("on_date")?,
                progress: r.opt_int("progress")?,
                note: r.text("note")?,
                by_name: r.text("by_name")?,
                at: r.text("at")?,
            })
        },
    )
    .await
}

/// The benchmark's baseline (`leye bench indicators`, SQLite): load `(person, month, status,
/// region, urban)` rows into a scratch table, then compute with plain SQL what the fold
/// computes: flows per month, region and status, and the status held at each month's end
/// (a window function for the next event, changes summed by GROUP BY and accumulated over the
/// months). Returns (load seconds,
/// GROUP BY seconds, groups).
pub async fn bench_group_by(
    store: &crate::Store,
    rows: &[(u32, i32, u8, u32, bool)],
    from: i32,
    to: i32,
) -> Result<(f64, f64, i64), StoreError> {
    let t = std::time::Instant::now();
    let mut tx = store.begin().await?;
    sqlx::query(
        "CREATE TABLE bench_events (person INTEGER NOT NULL, month INTEGER NOT NULL, \
         status INTEGER NOT NULL, region INTEGER NOT NULL, urban INTEGER NOT NULL)",
    )
    .execute(&mut *tx)
    .await?;
    for chunk in rows.chunks(2_000) {
        // Integers only: formatted into the statement, nothing from a user.
        let values: Vec<String> = chunk
            .iter()
            .map(|(p, m, s, r, u)| format!("({p},{m},{s},{r},{})", i32::from(*u)))
            .collect();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO bench_events VALUES {}",
            values.join(",")
        )))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    let load = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let mut tx = store.begin_read().await?;
    let flows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) AS n FROM (SELECT month, region, status, COUNT(*) FROM bench_events \
         WHERE month BETWEEN {from} AND {to} GROUP BY month, region, status)"
    )))
    .fetch_one(&mut *tx)
    .await?
    .int("n")?;
    // Stocks: +1 when a status starts, -1 when the next event ends it, summed per month,
    // region and status, then accumulated over the months.
    let stocks = sqlx::query(sqlx::AssertSqlSafe(format!(
        "WITH spans AS (SELECT region, status, month AS a, \
             COALESCE(LEAD(month) OVER (PARTITION BY person ORDER BY month, rowid), {to} + 1) AS b \
             FROM bench_events), \
         deltas AS (SELECT MAX(a, {from}) AS m, region, status, 1 AS d FROM spans WHERE b > {from} AND a <= {to} \
             UNION ALL SELECT b AS m, region, status, -1 AS d FROM spans WHERE b > {from} AND b <= {to}), \
         g AS (SELECT m, region, status, SUM(d) AS d FROM deltas GROUP BY m, region, status) \
         SELECT COUNT(*) AS n FROM (SELECT m, region, status, \
             SUM(d) OVER (PARTITION BY region, status ORDER BY m) AS stock FROM g)"
    )))
    .fetch_one(&mut *tx)
    .await?
    .int("n")?;
    tx.commit().await?;
    Ok((load, t.elapsed().as_secs_f64(), flows + stocks))
}
