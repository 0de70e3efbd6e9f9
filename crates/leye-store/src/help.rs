//! Help for people who struggle, the SQL side: hard-to-employ status (就业困难人员认定) with its
//! append-only history, zero-employment households (零就业家庭) as dated spells, assistance
//! cases (帮扶) with contacts, and the coverage figures computed from them.

use crate::sql::{Arg, RowExt, Where, q, ts};
use crate::{Actor, StoreError, Tx, audit};
use leye_domain::{FieldError, Regions, Scope};

/// A person's hard-to-employ status.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HteRecord {
    pub person_id: i64,
    pub person_name: String,
    pub region: String,
    /// proposed, confirmed, ended, dismissed
    pub state: String,
    /// Category codes, `;`-separated
    pub categories: String,
    pub proposed_on: String,
    pub confirmed_on: Option<String>,
    pub ended_on: Option<String>,
    pub reason: String,
    #[serde(skip)]
    pub decision_json: String,
}

/// A change of hard-to-employ status, decided by the caller.
#[derive(Debug, Clone)]
pub struct HteChange {
    pub state: String,
    pub categories: String,
    pub on: String,
    pub reason: String,
    pub decision_json: String,
    /// Set `confirmed_on`/`confirmed_by` (confirmation by an officer)
    pub confirm: bool,
}

const HTE_COLS: &str = "s.person_id, p.name AS person_name, p.residence_region AS region, s.state, s.categories, \
    s.proposed_on, s.confirmed_on, s.ended_on, s.reason, s.decision_json";

fn hte_from_row(r: &sqlx::any::AnyRow) -> Result<HteRecord, sqlx::Error> {
    Ok(HteRecord {
        person_id: r.int("person_id")?,
        person_name: r.text("person_name")?,
        region: r.text("region")?,
        state: r.text("state")?,
        categories: r.text("categories")?,
        proposed_on: r.text("proposed_on")?,
        confirmed_on: r.opt_text("confirmed_on")?,
        ended_on: r.opt_text("ended_on")?,
        reason: r.text("reason")?,
        decision_json: r.text("decision_json")?,
    })
}

fn region_scope(scope: &Scope, col: &str, person_col: Option<&str>) -> Where {
    let mut w = Where::default();
    w.scope(scope.filter(Regions::huzhou()), col, person_col, None);
    w
}

/// The hard-to-employ status of a person (no scope: for the identification job).
pub async fn hte_of(tx: &mut Tx, person_id: i64) -> Result<Option<HteRecord>, StoreError> {
    let sql = format!(
        "SELECT {HTE_COLS} FROM hte_status s JOIN persons p ON p.id = s.person_id WHERE s.person_id = $1"
    );
    crate::sql::one(tx, q(sql, &[Arg::Int(person_id)]), hte_from_row).await
}

/// Write a person's status and append the change to its history; audited.
pub async fn set_hte(
    tx: &mut Tx,
    person_id: i64,
    c: &HteChange,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let at = ts(now);
    let ended = matches!(c.state.as_str(), "ended" | "dismissed").then_some(c.on.as_str());
    sqlx::query(
        "INSERT INTO hte_status (person_id, state, categories, proposed_on, confirmed_on, confirmed_by, ended_on, \
         reason, decision_json, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (person_id) DO UPDATE SET state = excluded.state, categories = excluded.categories, \
         proposed_on = CASE WHEN excluded.state = 'proposed' THEN excluded.proposed_on ELSE hte_status.proposed_on END, \
         confirmed_on = CASE WHEN excluded.confirmed_on IS NOT NULL THEN excluded.confirmed_on \
           WHEN excluded.state = 'proposed' THEN NULL ELSE hte_status.confirmed_on END, \
         confirmed_by = CASE WHEN excluded.confirmed_on IS NOT NULL THEN excluded.confirmed_by \
           WHEN excluded.state = 'proposed' THEN NULL ELSE hte_status.confirmed_by END, \
         ended_on = excluded.ended_on, reason = excluded.reason, decision_json = excluded.decision_json, \
         updated_at = excluded.updated_at",
    )
    .bind(person_id)
    .bind(&c.state)
    .bind(&c.categories)
    .bind(&c.on)
    .bind(c.confirm.then_some(c.on.as_str()))
    .bind(if c.confirm { actor.user_id } else { None })
    .bind(ended)
    .bind(&c.reason)
    .bind(&c.decision_json)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO hte_events (person_id, on_date, state, reason, by_name, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(person_id)
    .bind(&c.on)
    .bind(&c.state)
    .bind(&c.reason)
    .bind(&actor.name)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "hard_to_employ",
        "persons",
        person_id,
        &format!("就业困难人员认定: {} {}", c.state, c.reason),
    )
    .await
}

/// Statuses in scope (by the person's residence), optionally in one state.
pub async fn list_hte(
    tx: &mut Tx,
    scope: &Scope,
    state: Option<&str>,
) -> Result<Vec<HteRecord>, StoreError> {
    let mut w = region_scope(scope, "p.residence_region", Some("p.id = {}"));
    if let Some(s) = state {
        w.and(Arg::Text(s.into()), |ph| format!("s.state = {ph}"));
    }
    let sql = format!(
        "SELECT {HTE_COLS} FROM hte_status s JOIN persons p ON p.id = s.person_id{} \
         ORDER BY s.proposed_on, s.person_id LIMIT 1000",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), hte_from_row).await
}

/// One line of a person's status history.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HteEvent {
    pub on_date: String,
    pub state: String,
    pub reason: String,
    pub by_name: String,
}

/// A person's status history, oldest first.
pub async fn hte_history(tx: &mut Tx, person_id: i64) -> Result<Vec<HteEvent>, StoreError> {
    crate::sql::all(tx, sqlx::query(
        "SELECT on_date, state, reason, by_name FROM hte_events WHERE person_id = $1 ORDER BY id",
    )
    .bind(person_id), |r| {
            Ok::<_, sqlx::Error>(HteEvent {
                on_date: r.text("on_date")?,
                state: r.text("state")?,
                reason: r.text("reason")?,
                by_name: r.text("by_name")?,
            })
        }).await
}

/// An open or cleared zero-employment spell.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ZeroRecord {
    pub id: i64,
    pub household_id: i64,
    pub head_name: Option<String>,
    pub region: String,
    pub identified_on: String,
    pub deadline: String,
    pub cleared_on: Option<String>,
    pub clear_reason: Option<String>,
}

const ZERO_COLS: &str = "z.id, z.household_id, (SELECT p.name FROM household_members m JOIN persons p ON p.id = m.person_id \
    WHERE m.household_id = z.household_id AND m.relation = 'head') AS head_name, z.region, z.identified_on, z.deadline, \
    z.cleared_on, z.clear_reason";

fn zero_from_row(r: &sqlx::any::AnyRow) -> Result<ZeroRecord, sqlx::Error> {
    Ok(ZeroRecord {
        id: r.int("id")?,
        household_id: r.int("household_id")?,
        head_name: r.opt_text("head_name")?,
        region: r.text("region")?,
        identified_on: r.text("identified_on")?,
        deadline: r.text("deadline")?,
        cleared_on: r.opt_text("cleared_on")?,
        clear_reason: r.opt_text("clear_reason")?,
    })
}

/// The open zero-employment spell of a household, if any.
pub async fn open_zero(tx: &mut Tx, household_id: i64) -> Result<Option<ZeroRecord>, StoreError> {
    let sql = format!("SELECT {ZERO_COLS} FROM zero_households z WHERE z.open_key = $1");
    crate::sql::one(tx, q(sql, &[Arg::Int(household_id)]), zero_from_row).await
}

/// Open a spell (a household just became zero-employment); audited.
pub async fn enter_zero(
    tx: &mut Tx,
    household_id: i64,
    region: &str,
    on: &str,
    deadline: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO zero_households (household_id, region, identified_on, deadline, open_key) VALUES ($1, $2, $3, $4, $1)",
    )
    .bind(household_id)
    .bind(region)
    .bind(on)
    .bind(deadline)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "zero_household_enter",
        "households",
        household_id,
        &format!("认定为零就业家庭({on}),清零时限{deadline}"),
    )
    .await
}

/// Close the open spell (a member is employed, or the household no longer qualifies); audited.
pub async fn clear_zero(
    tx: &mut Tx,
    household_id: i64,
    on: &str,
    reason: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE zero_households SET cleared_on = $2, clear_reason = $3, open_key = NULL WHERE open_key = $1",
    )
    .bind(household_id)
    .bind(on)
    .bind(reason)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "zero_household_clear",
        "households",
        household_id,
        &format!("零就业家庭清零({on}): {reason}"),
    )
    .await
}

/// Spells in scope: the open ones (oldest first), or all.
pub async fn list_zero(
    tx: &mut Tx,
    scope: &Scope,
    open_only: bool,
) -> Result<Vec<ZeroRecord>, StoreError> {
    let mut w = region_scope(scope, "z.region", None);
    if open_only {
        w.and_raw("z.cleared_on IS NULL");
    }
    let sql = format!(
        "SELECT {ZERO_COLS} FROM zero_households z{} ORDER BY z.identified_on, z.id LIMIT 1000",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), zero_from_row).await
}

/// An assistance case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseRecord {
    pub id: i64,
    /// person or household
    pub kind: String,
    pub person_id: Option<i64>,
    pub household_id: Option<i64>,
    /// The person's name, or the household head's
    pub name: Option<String>,
    pub region: String,
    pub helper_id: Option<i64>,
    pub helper_name: Option<String>,
    /// Service codes, `;`-separated
    pub services: String,
    pub opened_on: String,
    pub closed_on: Option<String>,
    pub outcome: Option<String>,
    pub last_contact: Option<String>,
}

const CASE_COLS: &str = "c.id, c.kind, c.person_id, c.household_id, \
    COALESCE((SELECT p.name FROM persons p WHERE p.id = c.person_id), \
             (SELECT p.name FROM household_members m JOIN persons p ON p.id = m.person_id \
              WHERE m.household_id = c.household_id AND m.relation = 'head')) AS name, \
    c.region, c.helper_id, u.display_name AS helper_name, c.services, c.opened_on, c.closed_on, c.outcome, \
    (SELECT MAX(k.on_date) FROM case_contacts k WHERE k.case_id = c.id) AS last_contact";
const CASE_FROM: &str = "assistance_cases c LEFT JOIN users u ON u.id = c.helper_id";

fn case_from_row(r: &sqlx::any::AnyRow) -> Result<CaseRecord, sqlx::Error> {
    Ok(CaseRecord {
        id: r.int("id")?,
        kind: r.text("kind")?,
        person_id: r.opt_int("person_id")?,
        household_id: r.opt_int("household_id")?,
        name: r.opt_text("name")?,
        region: r.text("region")?,
        helper_id: r.opt_int("helper_id")?,
        helper_name: r.opt_text("helper_name")?,
        services: r.text("services")?,
        opened_on: r.text("opened_on")?,
        closed_on: r.opt_text("closed_on")?,
        outcome: r.opt_text("outcome")?,
        last_contact: r.opt_text("last_contact")?,
    })
}

/// Open a case for `key` (`p12` or `h34`) unless one is open; returns its id.
pub async fn open_case(
    tx: &mut Tx,
    key: &str,
    region: &str,
    on: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    if let Some(r) = sqlx::query("SELECT id FROM assistance_cases WHERE open_key = $1")
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?
    {
        return Ok(r.int("id")?);
    }
    let (kind, person, household) = match key.split_at(1) {
        ("p", id) => ("person", id.parse::<i64>().ok(), None),
        (_, id) => ("household", None, id.parse::<i64>().ok()),
    };
    let at = ts(now);
    let id = sqlx::query(
        "INSERT INTO assistance_cases (kind, person_id, household_id, region, opened_on, open_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(kind)
    .bind(person)
    .bind(household)
    .bind(region)
    .bind(on)
    .bind(key)
    .bind(&at)
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(
        tx,
        now,
        actor,
        "case_open",
        "assistance_cases",
        id,
        &format!("开立帮扶档案 {key}"),
    )
    .await?;
    Ok(id)
}

/// Close the open case of `key`, if any, with an outcome; audited.
pub async fn close_case_of(
    tx: &mut Tx,
    key: &str,
    on: &str,
    outcome: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let Some(r) = sqlx::query("SELECT id FROM assistance_cases WHERE open_key = $1")
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(());
    };
    let id = r.int("id")?;
    sqlx::query(
        "UPDATE assistance_cases SET closed_on = $2, outcome = $3, open_key = NULL, updated_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(on)
    .bind(outcome)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "case_close",
        "assistance_cases",
        id,
        &format!("结案({on}): {outcome}"),
    )
    .await
}

fn case_scope(scope: &Scope) -> Where {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "c.region",
        Some("c.person_id = {}"),
        None,
    );
    w
}

/// One case in scope.
pub async fn get_case(tx: &mut Tx, scope: &Scope, id: i64) -> Result<CaseRecord, StoreError> {
    let mut w = case_scope(scope);
    w.and(Arg::Int(id), |ph| format!("c.id = {ph}"));
    let sql = format!("SELECT {CASE_COLS} FROM {CASE_FROM}{}", w.sql());
    match q(sql, &w.args).fetch_optional(&mut **tx).await? {
        Some(r) => Ok(case_from_row(&r)?),
        None => {
            let exists = sqlx::query("SELECT 1 AS x FROM assistance_cases WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
            Err(if exists.is_some() {
                StoreError::OutOfScope {
                    entity: "帮扶档案"
                }
            } else {
                StoreError::NotFound {
                    entity: "帮扶档案"
                }
            })
        }
    }
}

/// Open cases in scope (or all), with the last contact.
pub async fn list_cases(
    tx: &mut Tx,
    scope: &Scope,
    open_only: bool,
) -> Result<Vec<CaseRecord>, StoreError> {
    let mut w = case_scope(scope);
    if open_only {
        w.and_raw("c.closed_on IS NULL");
    }
    let sql = format!(
        "SELECT {CASE_COLS} FROM {CASE_FROM}{} ORDER BY c.opened_on, c.id LIMIT 2000",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), case_from_row).await
}

/// Change a case's helper and planned services (an open case in scope); audited.
pub async fn update_case(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    helper_id: Option<i64>,
    services: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let c = get_case(tx, scope, id).await?;
    if c.closed_on.is_some() {
        return Err(StoreError::Invalid(FieldError::new(
            "case",
            "closed",
            "该帮扶档案已结案",
        )));
    }
    sqlx::query(
        "UPDATE assistance_cases SET helper_id = $2, services = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(helper_id)
    .bind(services)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "case_update",
        "assistance_cases",
        id,
        &format!("帮扶责任人#{} 服务: {services}", helper_id.unwrap_or(0)),
    )
    .await
}

/// Close a case by hand with an outcome (an open case in scope); audited.
pub async fn close_case(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    on: &str,
    outcome: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let c = get_case(tx, scope, id).await?;
    if c.closed_on.is_some() {
        return Err(StoreError::Invalid(FieldError::new(
            "case",
            "closed",
            "该帮扶档案已结案",
        )));
    }
    let key = match (c.person_id, c.household_id) {
        (Some(p), _) if c.kind == "person" => format!("p{p}"),
        (_, Some(h)) => format!("h{h}"),
        _ => String::new(),
    };
    close_case_of(tx, &key, on, outcome, actor, now).await
}

/// One contact with the person or household of a case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ContactRecord {
    pub on_date: String,
    pub channel: String,
    pub note: String,
    pub by_name: String,
}

/// Record a contact (on an open case in scope); audited.
#[allow(clippy::too_many_arguments)]
pub async fn add_contact(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    on: &str,
    channel: &str,
    note: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let c = get_case(tx, scope, id).await?;
    if c.closed_on.is_some() {
        return Err(StoreError::Invalid(FieldError::new(
            "case",
            "closed",
            "该帮扶档案已结案",
        )));
    }
    sqlx::query(
        "INSERT INTO case_contacts (case_id, on_date, channel, note, by_name, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(on)
    .bind(channel)
    .bind(note)
    .bind(&actor.name)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "case_contact",
        "assistance_cases",
        id,
        &format!("联系 {on} {channel}"),
    )
    .await
}

/// The contacts of a case, newest first.
pub async fn contacts_of(tx: &mut Tx, id: i64) -> Result<Vec<ContactRecord>, StoreError> {
    crate::sql::all(tx, sqlx::query(
        "SELECT on_date, channel, note, by_name FROM case_contacts WHERE case_id = $1 ORDER BY on_date DESC, id DESC",
    )
    .bind(id), |r| {
            Ok::<_, sqlx::Error>(ContactRecord {
                on_date: r.text("on_date")?,
                channel: r.text("channel")?,
                note: r.text("note")?,
                by_name: r.text("by_name")?,
            })
        }).await
}

/// Coverage of one village: who needs help (confirmed hard-to-employ people and open
/// zero-employment households), how many have an open case, a named helper, and a contact on
/// or after `since`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CoverageRow {
    pub region: String,
    pub need: i64,
    pub with_case: i64,
    pub with_helper: i64,
    pub covered: i64,
}

/// Coverage per village in scope, computed from the needs, cases and contacts themselves.
pub async fn coverage(
    tx: &mut Tx,
    scope: &Scope,
    since: &str,
) -> Result<Vec<CoverageRow>, StoreError> {
    let mut w = region_scope(scope, "n.region", None);
    let ph = w.arg(Arg::Text(since.into()));
    let sql = format!(
        "SELECT n.region, COUNT(*) AS need, \
         SUM(CASE WHEN c.id IS NOT NULL THEN 1 ELSE 0 END) AS with_case, \
         SUM(CASE WHEN c.helper_id IS NOT NULL THEN 1 ELSE 0 END) AS with_helper, \
         SUM(CASE WHEN c.helper_id IS NOT NULL AND k.last_contact >= {ph} THEN 1 ELSE 0 END) AS covered \
         FROM (SELECT p.residence_region AS region, 'p' || CAST(p.id AS TEXT) AS need_key \
               FROM hte_status s JOIN persons p ON p.id = s.person_id WHERE s.state = 'confirmed' \
               UNION ALL SELECT z.region, 'h' || CAST(z.household_id AS TEXT) FROM zero_households z \
               WHERE z.cleared_on IS NULL) n \
         LEFT JOIN assistance_cases c ON c.open_key = n.need_key \
         LEFT JOIN (SELECT case_id, MAX(on_date) AS last_contact FROM case_contacts GROUP BY case_id) k \
           ON k.case_id = c.id{} GROUP BY n.region ORDER BY n.region",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), |r| {
        Ok::<_, sqlx::Error>(CoverageRow {
            region: r.text("region")?,
            need: r.int("need")?,
            with_case: r.int("with_case")?,
            with_helper: r.int("with_helper")?,
            covered: r.int("covered")?,
        })
    })
    .await
}

/// The statuses of many persons at once (for whole-registry refreshes).
pub async fn hte_of_many(
    tx: &mut Tx,
    person_ids: &[i64],
) -> Result<std::collections::HashMap<i64, HteRecord>, StoreError> {
    let mut out = std::collections::HashMap::new();
    for chunk in person_ids.chunks(500) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        // Integers only: formatted from i64 values, never from input text.
        let sql = format!(
            "SELECT {HTE_COLS} FROM hte_status s JOIN persons p ON p.id = s.person_id WHERE s.person_id IN ({list})"
        );
        for r in q(sql, &[]).fetch_all(&mut **tx).await? {
            let h = hte_from_row(&r)?;
            out.insert(h.person_id, h);
        }
    }
    Ok(out)
}

/// Which of these households have an open zero-employment spell.
pub async fn open_zero_of_many(
    tx: &mut Tx,
    household_ids: &[i64],
) -> Result<std::collections::HashSet<i64>, StoreError> {
    let mut out = std::collections::HashSet::new();
    for chunk in household_ids.chunks(500) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!("SELECT open_key FROM zero_households WHERE open_key IN ({list})");
        for r in q(sql, &[]).fetch_all(&mut **tx).await? {
            out.insert(r.int("open_key")?);
        }
    }
    Ok(out)
}

/// 特殊群体: a group of people the plan names, as a condition on the registry. Dates are
/// birth-date bounds computed by the caller from its parameters.
#[derive(Debug, Clone)]
pub enum PersonGroup {
    /// 退役军人
    Veteran,
    /// 残疾人 (certificate holders)
    Disabled,
    /// 妇女 of working age: born in `(born_after, born_before]`
    Women {
        born_after: String,
        born_before: String,
    },
    /// 大龄劳动者: women born on or before `female_before`, men on or before `male_before`, and
    /// born after `born_after` (not past working age)
    Older {
        female_before: String,
        male_before: String,
        born_after: String,
    },
    /// 对口帮扶地区劳动力: hukou in one of these region prefixes
    Paired { prefixes: Vec<String> },
    /// 农村富余劳动力: rural, of working age, not working
    Surplus {
        born_after: String,
        born_before: String,
    },
}

fn group_where(scope: &Scope, g: &PersonGroup) -> Where {
    let mut w = region_scope(scope, "p.residence_region", Some("p.id = {}"));
    w.and_raw("(p.labour_status IS NULL OR p.labour_status <> 'retired')");
    match g {
        PersonGroup::Veteran => w.and_raw("p.veteran = 1"),
        PersonGroup::Disabled => w.and_raw("p.disability_grade IS NOT NULL"),
        PersonGroup::Women {
            born_after,
            born_before,
        } => {
            w.and_raw("p.sex = 'F'");
            w.and(Arg::Text(born_after.clone()), |ph| {
                format!("p.birth_date > {ph}")
            });
            w.and(Arg::Text(born_before.clone()), |ph| {
                format!("p.birth_date <= {ph}")
            });
        }
        PersonGroup::Older {
            female_before,
            male_before,
            born_after,
        } => {
            let f = w.arg(Arg::Text(female_before.clone()));
            let m = w.arg(Arg::Text(male_before.clone()));
            w.and_raw(&format!(
                "((p.sex = 'F' AND p.birth_date <= {f}) OR (p.sex = 'M' AND p.birth_date <= {m}))"
            ));
            w.and(Arg::Text(born_after.clone()), |ph| {
                format!("p.birth_date > {ph}")
            });
        }
        PersonGroup::Paired { prefixes } => {
            let mut parts = Vec::new();
            for p in prefixes {
                let ph = w.arg(Arg::Text(format!("{p}%")));
                parts.push(format!("p.hukou_region LIKE {ph}"));
            }
            if parts.is_empty() {
                w.and_raw("1 = 0");
            } else {
                w.and_raw(&format!("({})", parts.join(" OR ")));
            }
        }
        PersonGroup::Surplus {
            born_after,
            born_before,
        } => {
            w.and_raw("p.urban = 0");
            w.and_raw("p.labour_status IN ('unemployed', 'out_of_labour_force')");
            w.and(Arg::Text(born_after.clone()), |ph| {
                format!("p.birth_date > {ph}")
            });
            w.and(Arg::Text(born_before.clone()), |ph| {
                format!("p.birth_date <= {ph}")
            });
        }
    }
    w
}

/// How many people of a group in scope: in all, registered unemployed, employed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GroupCount {
    pub total: i64,
    pub unemployed: i64,
    pub employed: i64,
}

/// Count a group in scope.
pub async fn group_count(
    tx: &mut Tx,
    scope: &Scope,
    g: &PersonGroup,
) -> Result<GroupCount, StoreError> {
    let w = group_where(scope, g);
    let sql = format!(
        "SELECT COUNT(*) AS n, \
         COALESCE(SUM(CASE WHEN p.labour_status = 'unemployed' THEN 1 ELSE 0 END), 0) AS u, \
         COALESCE(SUM(CASE WHEN p.labour_status = 'employed' THEN 1 ELSE 0 END), 0) AS e \
         FROM persons p{}",
        w.sql()
    );
    let r = q(sql, &w.args).fetch_one(&mut **tx).await?;
    Ok(GroupCount {
        total: r.int("n")?,
        unemployed: r.int("u")?,
        employed: r.int("e")?,
    })
}

/// A person of a group, as the group view lists them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GroupMember {
    pub person_id: i64,
    pub name: String,
    pub region: String,
    pub birth_date: String,
    pub labour_status: Option<String>,
    pub hte_state: Option<String>,
}

/// The first `limit` people of a group in scope (not working first).
pub async fn group_members(
    tx: &mut Tx,
    scope: &Scope,
    g: &PersonGroup,
    limit: i64,
) -> Result<Vec<GroupMember>, StoreError> {
    let mut w = group_where(scope, g);
    let lim = w.arg(Arg::Int(limit.clamp(1, 1000)));
    let sql = format!(
        "SELECT p.id, p.name, p.residence_region, p.birth_date, p.labour_status, s.state AS hte_state \
         FROM persons p LEFT JOIN hte_status s ON s.person_id = p.id{} \
         ORDER BY CASE WHEN p.labour_status = 'employed' THEN 1 ELSE 0 END, p.id LIMIT {lim}",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), |r| {
        Ok(GroupMember {
            person_id: r.int("id")?,
            name: r.text("name")?,
            region: r.text("residence_region")?,
            birth_date: r.text("birth_date")?,
            labour_status: r.opt_text("labour_status")?,
            hte_state: r.opt_text("hte_state")?,
        })
    })
    .await
}

/// A service station (人社驿站) or gig market (零工市场).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StationRecord {
    pub id: i64,
    pub name: String,
    /// station or gig_market
    pub kind: String,
    pub region: String,
    pub address: String,
    pub hours: String,
    /// Services logged in the last 30 days (as of the date the caller asked for)
    pub recent_services: i64,
}

/// A new station.
#[derive(Debug, Clone)]
pub struct NewStation {
    pub name: String,
    pub kind: String,
    pub region: String,
    pub address: String,
    pub hours: String,
}

/// Register a station in the caller's area; audited.
pub async fn create_station(
    tx: &mut Tx,
    scope: &Scope,
    s: &NewStation,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    crate::sql::ensure_covers(scope, &s.region)?;
    let id = sqlx::query(
        "INSERT INTO stations (name, kind, region, address, hours, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&s.name)
    .bind(&s.kind)
    .bind(&s.region)
    .bind(&s.address)
    .bind(&s.hours)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(tx, now, actor, "station_create", "stations", id, &s.name).await?;
    Ok(id)
}

/// Stations in scope, with the services logged since `since`.
pub async fn list_stations(
    tx: &mut Tx,
    scope: &Scope,
    since: &str,
) -> Result<Vec<StationRecord>, StoreError> {
    let mut w = region_scope(scope, "t.region", None);
    let ph = w.arg(Arg::Text(since.into()));
    let sql = format!(
        "SELECT t.id, t.name, t.kind, t.region, t.address, t.hours, \
         (SELECT COUNT(*) FROM station_services v WHERE v.station_id = t.id AND v.on_date >= {ph}) AS recent \
         FROM stations t{} ORDER BY t.region, t.id",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), |r| {
        Ok(StationRecord {
            id: r.int("id")?,
            name: r.text("name")?,
            kind: r.text("kind")?,
            region: r.text("region")?,
            address: r.text("address")?,
            hours: r.text("hours")?,
            recent_services: r.int("recent")?,
        })
    })
    .await
}

/// Log a service a station gave (to a registered person or an unregistered visitor).
#[allow(clippy::too_many_arguments)]
pub async fn log_service(
    tx: &mut Tx,
    scope: &Scope,
    station_id: i64,
    on: &str,
    person_id: Option<i64>,
    service: &str,
    outcome: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let mut w = region_scope(scope, "t.region", None);
    w.and(Arg::Int(station_id), |ph| format!("t.id = {ph}"));
    let found = q(format!("SELECT t.id FROM stations t{}", w.sql()), &w.args)
        .fetch_optional(&mut **tx)
        .await?;
    if found.is_none() {
        return Err(StoreError::NotFound { entity: "驿站" });
    }
    if let Some(p) = person_id {
        crate::persons::get_person(tx, scope, p).await?;
    }
    sqlx::query(
        "INSERT INTO station_services (station_id, on_date, person_id, service, outcome, by_name, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(station_id)
    .bind(on)
    .bind(person_id)
    .bind(service)
    .bind(outcome)
    .bind(&actor.name)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "station_service",
        "stations",
        station_id,
        &format!("{on} {service}"),
    )
    .await
}

/// A household tracked to move into the middle-income band (扩中家庭).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExpandMiddleRow {
    pub household_id: i64,
    pub head_name: Option<String>,
    pub region: String,
    pub income_band: String,
    pub members: i64,
    pub employed: i64,
}

/// 扩中家庭 in scope: households in `bands`, with how many members work; the count of all such
/// households, and the first `limit` (those with nobody at work first).
pub async fn expand_middle_households(
    tx: &mut Tx,
    scope: &Scope,
    bands: &[String],
    limit: i64,
) -> Result<(i64, i64, Vec<ExpandMiddleRow>), StoreError> {
    let mut w = region_scope(scope, "h.region", None);
    let mut parts = Vec::new();
    for b in bands {
        parts.push(w.arg(Arg::Text(b.clone())));
    }
    if parts.is_empty() {
        w.and_raw("1 = 0");
    } else {
        w.and_raw(&format!("h.income_band IN ({})", parts.join(", ")));
    }
    let from = format!(
        "FROM (SELECT h.id, h.region, h.income_band, \
         (SELECT COUNT(*) FROM household_members m WHERE m.household_id = h.id) AS members, \
         (SELECT COUNT(*) FROM household_members m JOIN persons p ON p.id = m.person_id \
          WHERE m.household_id = h.id AND p.labour_status = 'employed') AS employed, \
         (SELECT p.name FROM household_members m JOIN persons p ON p.id = m.person_id \
          WHERE m.household_id = h.id AND m.relation = 'head') AS head_name \
         FROM households h{}) x",
        w.sql()
    );
    let totals = q(
        format!(
            "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN x.employed > 0 THEN 1 ELSE 0 END), 0) AS w {from}"
        ),
        &w.args,
    )
    .fetch_one(&mut **tx)
    .await?;
    let lim = w.arg(Arg::Int(limit.clamp(1, 1000)));
    let rows = crate::sql::all(
        tx,
        q(
            format!("SELECT x.* {from} ORDER BY CASE WHEN x.employed > 0 THEN 1 ELSE 0 END, x.id LIMIT {lim}"),
            &w.args,
        ),
        |r| {
            Ok(ExpandMiddleRow {
                household_id: r.int("id")?,
                head_name: r.opt_text("head_name")?,
                region: r.text("region")?,
                income_band: r.text("income_band")?,
                members: r.int("members")?,
                employed: r.int("employed")?,
            })
        },
    )
    .await?;
    Ok((totals.int("n")?, totals.int("w")?, rows))
}

/// Keep a proposal's categories and decision current (the status itself does not change).
pub async fn refresh_hte_categories(
    tx: &mut Tx,
    person_id: i64,
    categories: &str,
    decision_json: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE hte_status SET categories = $2, decision_json = $3, updated_at = $4 \
         WHERE person_id = $1 AND state = 'proposed'",
    )
    .bind(person_id)
    .bind(categories)
    .bind(decision_json)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
