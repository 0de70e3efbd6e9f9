//! Applications (申请), their transition log, attachments and budgets: the SQL side. The
//! decisions (which transition is allowed, what the policy engine says) are made by the
//! caller; what must never be broken is also a constraint in the schema (see migration 0004).

use crate::sql::{Arg, RowExt, Where, ensure_covers, q, ts};
use crate::{Actor, Page, Paging, StoreError, Tx, audit};
use leye_domain::application::application_number;
use leye_domain::{FieldError, Regions, Scope};
use sqlx::any::AnyRow;

/// A new application, decided by the policy engine.
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub measure: String,
    pub clause: String,
    pub subject: String,
    pub person_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// Where the case is handled (the person's residence or the enterprise's region)
    pub region: String,
    /// The county-level district whose budget pays
    pub district: String,
    pub fund: String,
    pub budget_year: i32,
    pub offer_id: Option<i64>,
    /// `self`, `officer` or `offer`
    pub channel: String,
    pub decision_status: String,
    pub decided_on: String,
    pub amount_fen: Option<i64>,
    pub period: Option<(String, String)>,
    pub decision_json: String,
    pub payee_name: String,
    pub payee_account: String,
}

/// A stored application.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApplicationRecord {
    pub id: i64,
    /// People-facing number, `SQ-2026-000123`
    pub number: String,
    pub measure: String,
    pub clause: String,
    pub subject: String,
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    pub region: String,
    pub district: String,
    pub fund: String,
    pub budget_year: i64,
    pub offer_id: Option<i64>,
    pub channel: String,
    pub state: String,
    pub state_since: String,
    pub due_on: Option<String>,
    pub decision_status: String,
    pub decided_on: String,
    pub amount_fen: Option<i64>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    #[serde(skip)]
    pub decision_json: String,
    pub payee_name: String,
    /// Masked (`6222********1234`) unless read for a payment file
    pub payee_account: String,
    pub submitted_by: Option<i64>,
    pub reviewed_by: Option<i64>,
    pub decided_by: Option<i64>,
    pub reject_reason: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

/// One line of the transition log.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TransitionRecord {
    pub from_state: Option<String>,
    pub to_state: String,
    pub action: String,
    pub by_name: String,
    pub at: String,
    pub reason: Option<String>,
    pub note: String,
}

/// An attachment without its content.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AttachmentMeta {
    pub id: i64,
    pub application_id: i64,
    pub name: String,
    pub kind: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// Filters for listing applications.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub state: Option<String>,
    pub measure: Option<String>,
    pub person_id: Option<i64>,
    /// Only applications whose current state's deadline is before this date
    pub overdue_on: Option<String>,
}

/// A change of state, as the caller decided it.
#[derive(Debug, Clone)]
pub struct StateChange {
    pub from: String,
    pub to: String,
    pub action: String,
    pub due_on: Option<String>,
    pub reason: Option<String>,
    pub note: String,
    /// Set `submitted_by` / `reviewed_by` / `decided_by` to the actor
    pub set_submitted: bool,
    pub set_reviewed: bool,
    pub set_decided: bool,
    /// New `live_key` (None keeps it; Some(None) clears it)
    pub live_key: Option<Option<String>>,
    /// Set `once_key` (approval of a once-only measure)
    pub once_key: Option<String>,
}

/// Mask a bank account: first 4 and last 4 digits.
pub fn mask_account(a: &str) -> String {
    let chars: Vec<char> = a.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

const APP_COLS: &str = "a.id, a.measure, a.clause, a.subject, a.person_id, p.name AS person_name, \
    a.enterprise_id, e.name AS enterprise_name, a.region, a.district, a.fund, a.budget_year, a.offer_id, \
    a.channel, a.state, a.state_since, a.due_on, a.decision_status, a.decided_on, a.amount_fen, \
    a.period_start, a.period_end, a.decision_json, a.payee_name, a.payee_account, a.submitted_by, \
    a.reviewed_by, a.decided_by, a.reject_reason, a.created_by, a.created_at";
const APP_FROM: &str = "applications a LEFT JOIN persons p ON p.id = a.person_id \
    LEFT JOIN enterprises e ON e.id = a.enterprise_id";

fn app_from_row(r: &AnyRow, masked: bool) -> Result<ApplicationRecord, sqlx::Error> {
    let id = r.int("id")?;
    let created_at = r.text("created_at")?;
    let year = created_at
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(0);
    let account = r.text("payee_account")?;
    Ok(ApplicationRecord {
        id,
        number: application_number(year, id),
        measure: r.text("measure")?,
        clause: r.text("clause")?,
        subject: r.text("subject")?,
        person_id: r.opt_int("person_id")?,
        person_name: r.opt_text("person_name")?,
        enterprise_id: r.opt_int("enterprise_id")?,
        enterprise_name: r.opt_text("enterprise_name")?,
        region: r.text("region")?,
        district: r.text("district")?,
        fund: r.text("fund")?,
        budget_year: r.int("budget_year")?,
        offer_id: r.opt_int("offer_id")?,
        channel: r.text("channel")?,
        state: r.text("state")?,
        state_since: r.text("state_since")?,
        due_on: r.opt_text("due_on")?,
        decision_status: r.text("decision_status")?,
        decided_on: r.text("decided_on")?,
        amount_fen: r.opt_int("amount_fen")?,
        period_start: r.opt_text("period_start")?,
        period_end: r.opt_text("period_end")?,
        decision_json: r.text("decision_json")?,
        payee_name: r.text("payee_name")?,
        payee_account: if masked {
            mask_account(&account)
        } else {
            account
        },
        submitted_by: r.opt_int("submitted_by")?,
        reviewed_by: r.opt_int("reviewed_by")?,
        decided_by: r.opt_int("decided_by")?,
        reject_reason: r.opt_text("reject_reason")?,
        created_by: r.text("created_by")?,
        created_at,
    })
}

pub(crate) fn app_scope(scope: &Scope) -> Where {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "a.region",
        Some("a.person_id = {}"),
        Some("a.enterprise_id = {}"),
    );
    w
}

/// The key that keeps one live application per measure, subject and period.
pub fn live_key(measure: &str, subject: &str, period_start: Option<&str>) -> String {
    format!("{measure}|{subject}|{}", period_start.unwrap_or(""))
}

/// The key that keeps a once-only measure from being approved twice for one person (or, for
/// measures paid to an enterprise alone, one enterprise).
pub fn once_key(measure: &str, person_id: Option<i64>, enterprise_id: Option<i64>) -> String {
    match (person_id, enterprise_id) {
        (Some(p), _) => format!("{measure}|p{p}"),
        (None, Some(e)) => format!("{measure}|e{e}"),
        (None, None) => format!("{measure}|?"),
    }
}

/// Insert an application in state `state` (draft or submitted), log its first transition and
/// audit it. A live application for the same measure, subject and period is refused.
pub async fn insert_application(
    tx: &mut Tx,
    scope: &Scope,
    a: &NewApplication,
    state: &str,
    due_on: Option<&str>,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    if !scope.covers_subject(Regions::huzhou(), &a.region, a.person_id, a.enterprise_id) {
        return Err(StoreError::OutOfScope {
            entity: "申请对象"
        });
    }
    let key = live_key(
        &a.measure,
        &a.subject,
        a.period.as_ref().map(|p| p.0.as_str()),
    );
    if let Some(r) = sqlx::query("SELECT id, created_at FROM applications WHERE live_key = $1")
        .bind(&key)
        .fetch_optional(&mut **tx)
        .await?
    {
        let year = r.text("created_at")?.get(..4).and_then(|y| y.parse().ok());
        return Err(StoreError::Duplicate {
            field: "measure",
            message: format!(
                "该对象已有一份在办的同类申请({}),不能重复申请",
                application_number(year.unwrap_or(0), r.int("id")?)
            ),
        });
    }
    let at = ts(now);
    let submitted = state == "submitted";
    let id = sqlx::query(
        "INSERT INTO applications (measure, clause, subject, person_id, enterprise_id, region, district, \
         fund, budget_year, offer_id, channel, state, state_since, due_on, decision_status, decided_on, \
         amount_fen, period_start, period_end, decision_json, payee_name, payee_account, submitted_by, \
         live_key, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
         $20, $21, $22, $23, $24, $25, $13, $13) RETURNING id",
    )
    .bind(&a.measure)
    .bind(&a.clause)
    .bind(&a.subject)
    .bind(a.person_id)
    .bind(a.enterprise_id)
    .bind(&a.region)
    .bind(&a.district)
    .bind(&a.fund)
    .bind(i64::from(a.budget_year))
    .bind(a.offer_id)
    .bind(&a.channel)
    .bind(state)
    .bind(&at)
    .bind(due_on)
    .bind(&a.decision_status)
    .bind(&a.decided_on)
    .bind(a.amount_fen)
    .bind(a.period.as_ref().map(|p| p.0.clone()))
    .bind(a.period.as_ref().map(|p| p.1.clone()))
    .bind(&a.decision_json)
    .bind(&a.payee_name)
    .bind(&a.payee_account)
    .bind(if submitted { actor.user_id } else { None })
    .bind(&key)
    .bind(&actor.name)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| live_conflict(e.into()))?
    .int("id")?;
    log_transition(
        tx,
        id,
        None,
        state,
        if submitted { "submit" } else { "create" },
        actor,
        &at,
        None,
        "",
    )
    .await?;
    if let Some(offer) = a.offer_id {
        sqlx::query(
            "UPDATE policy_offers SET status = 'applied', updated_at = $2 WHERE id = $1 AND status = 'open'",
        )
        .bind(offer)
        .bind(&at)
        .execute(&mut **tx)
        .await?;
    }
    let number = application_number(now.format("%Y").to_string().parse().unwrap_or(0), id);
    audit::record(
        tx,
        now,
        actor,
        "application_create",
        "applications",
        id,
        &format!("{number} {} {}", a.measure, a.subject),
    )
    .await?;
    Ok(id)
}

fn live_conflict(e: StoreError) -> StoreError {
    match e {
        StoreError::Duplicate { .. } => StoreError::Duplicate {
            field: "measure",
            message: "该对象已有一份在办的同类申请,不能重复申请".into(),
        },
        other => other,
    }
}

#[allow(clippy::too_many_arguments)]
async fn log_transition(
    tx: &mut Tx,
    id: i64,
    from: Option<&str>,
    to: &str,
    action: &str,
    actor: &Actor,
    at: &str,
    reason: Option<&str>,
    note: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO application_transitions (application_id, from_state, to_state, action, by_user, \
         by_name, at, reason, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(action)
    .bind(actor.user_id)
    .bind(&actor.name)
    .bind(at)
    .bind(reason)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One application in scope (payee account masked unless `full_account`).
pub async fn get_application(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    full_account: bool,
) -> Result<ApplicationRecord, StoreError> {
    let mut w = app_scope(scope);
    w.and(Arg::Int(id), |ph| format!("a.id = {ph}"));
    let sql = format!("SELECT {APP_COLS} FROM {APP_FROM}{}", w.sql());
    match q(sql, &w.args).fetch_optional(&mut **tx).await? {
        Some(r) => Ok(app_from_row(&r, !full_account)?),
        None => {
            let exists = sqlx::query("SELECT 1 AS x FROM applications WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
            Err(if exists.is_some() {
                StoreError::OutOfScope { entity: "申请" }
            } else {
                StoreError::NotFound { entity: "申请" }
            })
        }
    }
}

/// A page of applications in scope, newest first.
pub async fn list_applications(
    tx: &mut Tx,
    scope: &Scope,
    f: &ApplicationFilter,
    paging: Paging,
) -> Result<Page<ApplicationRecord>, StoreError> {
    let mut w = app_scope(scope);
    if let Some(s) = f.state.as_deref().filter(|s| !s.is_empty()) {
        w.and(Arg::Text(s.into()), |ph| format!("a.state = {ph}"));
    }
    if let Some(m) = f.measure.as_deref().filter(|m| !m.is_empty()) {
        w.and(Arg::Text(m.into()), |ph| format!("a.measure = {ph}"));
    }
    if let Some(p) = f.person_id {
        w.and(Arg::Int(p), |ph| format!("a.person_id = {ph}"));
    }
    if let Some(d) = f.overdue_on.as_deref() {
        w.and(Arg::Text(d.into()), |ph| format!("a.due_on < {ph}"));
    }
    let order = if f.overdue_on.is_some() {
        "a.due_on, a.id"
    } else {
        "a.id DESC"
    };
    crate::sql::page(
        tx,
        APP_COLS,
        &format!("{APP_FROM}{}", w.sql()),
        order,
        &w,
        paging,
        |r| app_from_row(r, true),
    )
    .await
}

/// The transition log of one application, oldest first.
pub async fn transitions_of(tx: &mut Tx, id: i64) -> Result<Vec<TransitionRecord>, StoreError> {
    crate::sql::all(tx, sqlx::query(
        "SELECT from_state, to_state, action, by_name, at, reason, note FROM application_transitions \
         WHERE application_id = $1 ORDER BY id",
    )
    .bind(id), |r| {
            Ok::<_, sqlx::Error>(TransitionRecord {
                from_state: r.opt_text("from_state")?,
                to_state: r.text("to_state")?,
                action: r.text("action")?,
                by_name: r.text("by_name")?,
                at: r.text("at")?,
                reason: r.opt_text("reason")?,
                note: r.text("note")?,
            })
        }).await
}

/// Move an application from `c.from` to `c.to`. The update only applies if the state is still
/// `c.from`, so two officers acting at once cannot both succeed.
pub async fn change_state(
    tx: &mut Tx,
    id: i64,
    c: &StateChange,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let at = ts(now);
    let mut sets = vec![
        "state = $3".to_string(),
        "state_since = $4".into(),
        "updated_at = $4".into(),
        "due_on = $5".into(),
        "reject_reason = COALESCE($6, reject_reason)".into(),
    ];
    let mut args = vec![
        Arg::Int(id),
        Arg::Text(c.from.clone()),
        Arg::Text(c.to.clone()),
        Arg::Text(at.clone()),
        Arg::OptText(c.due_on.clone()),
        Arg::OptText(c.reason.clone()),
    ];
    let mut push = |col: &str, a: Arg, sets: &mut Vec<String>| {
        args.push(a);
        sets.push(format!("{col} = ${}", args.len()));
    };
    if c.set_submitted {
        push("submitted_by", Arg::OptInt(actor.user_id), &mut sets);
    }
    if c.set_reviewed {
        push("reviewed_by", Arg::OptInt(actor.user_id), &mut sets);
    }
    if c.set_decided {
        push("decided_by", Arg::OptInt(actor.user_id), &mut sets);
    }
    if let Some(k) = &c.live_key {
        push("live_key", Arg::OptText(k.clone()), &mut sets);
    }
    if let Some(k) = &c.once_key {
        push("once_key", Arg::Text(k.clone()), &mut sets);
    }
    let sql = format!(
        "UPDATE applications SET {} WHERE id = $1 AND state = $2",
        sets.join(", ")
    );
    let done = q(sql, &args)
        .execute(&mut **tx)
        .await
        .map_err(|e| once_conflict(e.into()))?
        .rows_affected();
    if done != 1 {
        return Err(StoreError::Invalid(FieldError::new(
            "action",
            "stale_state",
            "申请状态已被他人更改,请刷新后重试",
        )));
    }
    log_transition(
        tx,
        id,
        Some(&c.from),
        &c.to,
        &c.action,
        actor,
        &at,
        c.reason.as_deref(),
        &c.note,
    )
    .await?;
    audit::record(
        tx,
        now,
        actor,
        &format!("application_{}", c.action),
        "applications",
        id,
        &format!("{} → {} {}", c.from, c.to, c.note),
    )
    .await
}

fn once_conflict(e: StoreError) -> StoreError {
    match e {
        StoreError::Duplicate { .. } => StoreError::Duplicate {
            field: "measure",
            message: "该补贴为一次性补贴,此人(单位)已获批准过,不能再次批准".into(),
        },
        other => other,
    }
}

/// The number of the application holding a once-only key, if any (checked before the
/// constraint, for a clear message).
pub async fn once_key_taken(tx: &mut Tx, key: &str) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT id, created_at FROM applications WHERE once_key = $1")
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(r) => {
            let year = r.text("created_at")?.get(..4).and_then(|y| y.parse().ok());
            Some(application_number(year.unwrap_or(0), r.int("id")?))
        }
        None => None,
    })
}

/// Store an attachment (already checked by [`leye_domain::attachment::check_attachment`]).
#[allow(clippy::too_many_arguments)]
pub async fn add_attachment(
    tx: &mut Tx,
    application_id: i64,
    name: &str,
    kind: &str,
    sha256: &str,
    bytes: &[u8],
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    let dup = sqlx::query("SELECT id FROM attachments WHERE application_id = $1 AND sha256 = $2")
        .bind(application_id)
        .bind(sha256)
        .fetch_optional(&mut **tx)
        .await?;
    if dup.is_some() {
        return Err(StoreError::Duplicate {
            field: "file",
            message: format!("附件“{name}”与已上传的文件内容相同"),
        });
    }
    let id = sqlx::query(
        "INSERT INTO attachments (application_id, name, kind, size, sha256, content, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(application_id)
    .bind(name)
    .bind(kind)
    .bind(bytes.len() as i64)
    .bind(sha256)
    .bind(bytes.to_vec())
    .bind(&actor.name)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(
        tx,
        now,
        actor,
        "attachment_add",
        "applications",
        application_id,
        &format!(
            "附件 {name} ({kind}, {} 字节, sha256 {sha256})",
            bytes.len()
        ),
    )
    .await?;
    Ok(id)
}

/// The attachments of an application (without content).
pub async fn attachments_of(
    tx: &mut Tx,
    application_id: i64,
) -> Result<Vec<AttachmentMeta>, StoreError> {
    crate::sql::all(tx, sqlx::query(
        "SELECT id, application_id, name, kind, size, sha256, uploaded_by, uploaded_at FROM attachments \
         WHERE application_id = $1 ORDER BY id",
    )
    .bind(application_id), attachment_from_row).await
}

fn attachment_from_row(r: &AnyRow) -> Result<AttachmentMeta, sqlx::Error> {
    Ok(AttachmentMeta {
        id: r.int("id")?,
        application_id: r.int("application_id")?,
        name: r.text("name")?,
        kind: r.text("kind")?,
        size: r.int("size")?,
        sha256: r.text("sha256")?,
        uploaded_by: r.text("uploaded_by")?,
        uploaded_at: r.text("uploaded_at")?,
    })
}

/// One attachment's content, if it belongs to `application_id`.
pub async fn attachment_content(
    tx: &mut Tx,
    application_id: i64,
    id: i64,
) -> Result<(AttachmentMeta, Vec<u8>), StoreError> {
    let r = sqlx::query(
        "SELECT id, application_id, name, kind, size, sha256, uploaded_by, uploaded_at, content \
         FROM attachments WHERE id = $1 AND application_id = $2",
    )
    .bind(id)
    .bind(application_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound { entity: "附件" })?;
    Ok((
        attachment_from_row(&r)?,
        sqlx::Row::try_get::<Vec<u8>, _>(&r, "content")?,
    ))
}

/// A budget line: a measure's money for one district and year.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Budget {
    pub measure: String,
    pub district: String,
    pub year: i64,
    pub amount_fen: i64,
    pub committed_fen: i64,
}

/// Set (create or change) a budget. It cannot drop below what is already committed.
pub async fn set_budget(
    tx: &mut Tx,
    scope: &Scope,
    b: &Budget,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    ensure_covers(scope, &b.district)?;
    let committed = sqlx::query(
        "SELECT committed_fen FROM budgets WHERE measure = $1 AND district = $2 AND year = $3",
    )
    .bind(&b.measure)
    .bind(&b.district)
    .bind(b.year)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| r.int("committed_fen"))
    .transpose()?
    .unwrap_or(0);
    if b.amount_fen < committed {
        return Err(StoreError::Invalid(FieldError::new(
            "amount",
            "below_committed",
            format!(
                "预算不能低于已批准金额{}元",
                leye_domain::Money::from_fen(committed)
            ),
        )));
    }
    sqlx::query(
        "INSERT INTO budgets (measure, district, year, amount_fen, committed_fen, updated_at) \
         VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (measure, district, year) \
         DO UPDATE SET amount_fen = excluded.amount_fen, updated_at = excluded.updated_at",
    )
    .bind(&b.measure)
    .bind(&b.district)
    .bind(b.year)
    .bind(b.amount_fen)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "budget_set",
        "budgets",
        0,
        &format!(
            "{} {} {}年 预算{}元",
            b.measure,
            b.district,
            b.year,
            leye_domain::Money::from_fen(b.amount_fen)
        ),
    )
    .await
}

/// Commit `amount_fen` of a budget to an approval, or say clearly why not. The check and the
/// update are one statement, so two approvals at once cannot both spend the last yuan.
pub async fn commit_budget(
    tx: &mut Tx,
    measure: &str,
    district: &str,
    year: i64,
    amount_fen: i64,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE budgets SET committed_fen = committed_fen + $4 \
         WHERE measure = $1 AND district = $2 AND year = $3 AND committed_fen + $4 <= amount_fen",
    )
    .bind(measure)
    .bind(district)
    .bind(year)
    .bind(amount_fen)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if done == 1 {
        return Ok(());
    }
    let name = Regions::huzhou().full_name(district);
    let why = match sqlx::query(
        "SELECT amount_fen, committed_fen FROM budgets WHERE measure = $1 AND district = $2 AND year = $3",
    )
    .bind(measure)
    .bind(district)
    .bind(year)
    .fetch_optional(&mut **tx)
    .await?
    {
        None => format!("{name}{year}年尚未安排该项补贴的预算,不能批准"),
        Some(r) => format!(
            "预算不足: {name}{year}年该项补贴预算{}元,已批准{}元,剩余{}元,本次需{}元",
            leye_domain::Money::from_fen(r.int("amount_fen")?),
            leye_domain::Money::from_fen(r.int("committed_fen")?),
            leye_domain::Money::from_fen(r.int("amount_fen")? - r.int("committed_fen")?),
            leye_domain::Money::from_fen(amount_fen)
        ),
    };
    Err(StoreError::Invalid(FieldError::new(
        "budget",
        "over_budget",
        why,
    )))
}

/// Budgets in scope.
pub async fn list_budgets(tx: &mut Tx, scope: &Scope) -> Result<Vec<Budget>, StoreError> {
    let mut w = Where::default();
    w.scope(scope.filter(Regions::huzhou()), "b.district", None, None);
    let sql = format!(
        "SELECT b.measure, b.district, b.year, b.amount_fen, b.committed_fen FROM budgets b{} \
         ORDER BY b.year DESC, b.district, b.measure",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), |r| {
        Ok::<_, sqlx::Error>(Budget {
            measure: r.text("measure")?,
            district: r.text("district")?,
            year: r.int("year")?,
            amount_fen: r.int("amount_fen")?,
            committed_fen: r.int("committed_fen")?,
        })
    })
    .await
}
