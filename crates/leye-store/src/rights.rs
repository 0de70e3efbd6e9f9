//! Labour rights, the SQL side: wage arrears cases (欠薪) and labour disputes (劳动争议), and
//! the headcount the 安薪指数 divides by.

use crate::sql::{Arg, RowExt, Where, ensure_covers, q, ts};
use crate::{Actor, StoreError, Tx, audit};
use leye_domain::{FieldError, Regions, Scope};

/// A new arrears case, checked by the caller.
#[derive(Debug, Clone)]
pub struct NewArrears {
    pub employer_name: String,
    pub enterprise_id: Option<i64>,
    pub project: String,
    pub department: String,
    pub source: String,
    /// The township (乡镇/街道) where it is handled
    pub region: String,
    pub workers: i64,
    pub claimed_fen: i64,
    pub route: String,
    pub opened_on: String,
    pub due_on: String,
}

/// A stored arrears case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ArrearsRecord {
    pub id: i64,
    pub employer_name: String,
    pub enterprise_id: Option<i64>,
    pub project: String,
    pub department: String,
    pub source: String,
    pub region: String,
    pub workers: i64,
    pub claimed_fen: i64,
    pub recovered_fen: i64,
    pub route: String,
    pub opened_on: String,
    pub due_on: String,
    pub closed_on: Option<String>,
}

const ARREARS_COLS: &str = "a.id, a.employer_name, a.enterprise_id, a.project, a.department, a.source, a.region, \
    a.workers, a.claimed_fen, a.recovered_fen, a.route, a.opened_on, a.due_on, a.closed_on";

fn arrears_from_row(r: &sqlx::any::AnyRow) -> Result<ArrearsRecord, sqlx::Error> {
    Ok(ArrearsRecord {
        id: r.int("id")?,
        employer_name: r.text("employer_name")?,
        enterprise_id: r.opt_int("enterprise_id")?,
        project: r.text("project")?,
        department: r.text("department")?,
        source: r.text("source")?,
        region: r.text("region")?,
        workers: r.int("workers")?,
        claimed_fen: r.int("claimed_fen")?,
        recovered_fen: r.int("recovered_fen")?,
        route: r.text("route")?,
        opened_on: r.text("opened_on")?,
        due_on: r.text("due_on")?,
        closed_on: r.opt_text("closed_on")?,
    })
}

fn scoped(scope: &Scope, col: &str) -> Where {
    let mut w = Where::default();
    w.scope(scope.filter(Regions::huzhou()), col, None, None);
    w
}

/// Record a case in the caller's area; audited.
pub async fn create_arrears(
    tx: &mut Tx,
    scope: &Scope,
    c: &NewArrears,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    ensure_covers(scope, &c.region)?;
    let id = sqlx::query(
        "INSERT INTO arrears_cases (employer_name, enterprise_id, project, department, source, region, workers, \
         claimed_fen, route, opened_on, due_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(&c.employer_name)
    .bind(c.enterprise_id)
    .bind(&c.project)
    .bind(&c.department)
    .bind(&c.source)
    .bind(&c.region)
    .bind(c.workers)
    .bind(c.claimed_fen)
    .bind(&c.route)
    .bind(&c.opened_on)
    .bind(&c.due_on)
    .bind(&actor.name)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(
        tx,
        now,
        actor,
        "arrears_create",
        "arrears_cases",
        id,
        &format!("{} {}人", c.employer_name, c.workers),
    )
    .await?;
    Ok(id)
}

/// Close a case with the amount recovered; audited.
pub async fn close_arrears(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    closed_on: &str,
    recovered_fen: i64,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let mut w = scoped(scope, "a.region");
    w.and(Arg::Int(id), |ph| format!("a.id = {ph}"));
    let sql = format!("SELECT {ARREARS_COLS} FROM arrears_cases a{}", w.sql());
    let c = crate::sql::one(tx, q(sql, &w.args), arrears_from_row)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "欠薪案件"
        })?;
    let bad = |field: &'static str, code: &'static str, m: String| {
        StoreError::Invalid(FieldError::new(field, code, m))
    };
    if c.closed_on.is_some() {
        return Err(bad("id", "closed", "该案件已办结".into()));
    }
    if closed_on < c.opened_on.as_str() {
        return Err(bad(
            "closed_on",
            "before_open",
            format!("办结日期不能早于立案日期{}", c.opened_on),
        ));
    }
    if recovered_fen < 0 || recovered_fen > c.claimed_fen {
        return Err(bad(
            "recovered",
            "out_of_range",
            format!(
                "追回金额应在0至涉及金额{}元之间",
                leye_domain::Money::from_fen(c.claimed_fen)
            ),
        ));
    }
    sqlx::query("UPDATE arrears_cases SET closed_on = $2, recovered_fen = $3 WHERE id = $1")
        .bind(id)
        .bind(closed_on)
        .bind(recovered_fen)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        now,
        actor,
        "arrears_close",
        "arrears_cases",
        id,
        &format!("办结 {closed_on} 追回{}分", recovered_fen),
    )
    .await
}

/// Cases in scope opened in `[from, to]` (dates), newest first.
pub async fn arrears_between(
    tx: &mut Tx,
    scope: &Scope,
    from: &str,
    to: &str,
) -> Result<Vec<ArrearsRecord>, StoreError> {
    let mut w = scoped(scope, "a.region");
    w.and(Arg::Text(from.into()), |ph| format!("a.opened_on >= {ph}"));
    w.and(Arg::Text(to.into()), |ph| format!("a.opened_on <= {ph}"));
    let sql = format!(
        "SELECT {ARREARS_COLS} FROM arrears_cases a{} ORDER BY a.opened_on DESC, a.id DESC",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), arrears_from_row).await
}

/// Open cases in scope, oldest deadline first.
pub async fn open_arrears(tx: &mut Tx, scope: &Scope) -> Result<Vec<ArrearsRecord>, StoreError> {
    let mut w = scoped(scope, "a.region");
    w.and_raw("a.closed_on IS NULL");
    let sql = format!(
        "SELECT {ARREARS_COLS} FROM arrears_cases a{} ORDER BY a.due_on, a.id LIMIT 1000",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), arrears_from_row).await
}

/// Headcount of enterprises in scope for a month (`YYYY-MM`), by the enterprise's region.
pub async fn headcount_by_region(
    tx: &mut Tx,
    scope: &Scope,
    month: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    let mut w = scoped(scope, "e.region");
    w.and(Arg::Text(month.into()), |ph| format!("h.month = {ph}"));
    let sql = format!(
        "SELECT e.region, CAST(SUM(h.headcount) AS BIGINT) AS n FROM enterprise_headcount h \
         JOIN enterprises e ON e.id = h.enterprise_id{} GROUP BY e.region",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), |r| {
        Ok((r.text("region")?, r.int("n")?))
    })
    .await
}

/// A new dispute, checked by the caller.
#[derive(Debug, Clone)]
pub struct NewDispute {
    pub kind: String,
    pub region: String,
    pub employer_name: String,
    pub claim_fen: i64,
    pub accepted_on: String,
    pub due_on: String,
}

/// A stored dispute.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DisputeRecord {
    pub id: i64,
    pub kind: String,
    pub region: String,
    pub employer_name: String,
    pub claim_fen: i64,
    pub accepted_on: String,
    pub due_on: String,
    pub extended: bool,
    pub closed_on: Option<String>,
    pub outcome: Option<String>,
}

const DISPUTE_COLS: &str = "d.id, d.kind, d.region, d.employer_name, d.claim_fen, d.accepted_on, d.due_on, \
    d.extended, d.closed_on, d.outcome";

fn dispute_from_row(r: &sqlx::any::AnyRow) -> Result<DisputeRecord, sqlx::Error> {
    Ok(DisputeRecord {
        id: r.int("id")?,
        kind: r.text("kind")?,
        region: r.text("region")?,
        employer_name: r.text("employer_name")?,
        claim_fen: r.int("claim_fen")?,
        accepted_on: r.text("accepted_on")?,
        due_on: r.text("due_on")?,
        extended: r.flag("extended")?,
        closed_on: r.opt_text("closed_on")?,
        outcome: r.opt_text("outcome")?,
    })
}

/// Record a dispute in the caller's area; audited.
pub async fn create_dispute(
    tx: &mut Tx,
    scope: &Scope,
    d: &NewDispute,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    ensure_covers(scope, &d.region)?;
    let id = sqlx::query(
        "INSERT INTO disputes (kind, region, employer_name, claim_fen, accepted_on, due_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&d.kind)
    .bind(&d.region)
    .bind(&d.employer_name)
    .bind(d.claim_fen)
    .bind(&d.accepted_on)
    .bind(&d.due_on)
    .bind(&actor.name)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(
        tx,
        now,
        actor,
        "dispute_create",
        "disputes",
        id,
        &d.employer_name,
    )
    .await?;
    Ok(id)
}

/// One dispute in scope.
pub async fn get_dispute(tx: &mut Tx, scope: &Scope, id: i64) -> Result<DisputeRecord, StoreError> {
    let mut w = scoped(scope, "d.region");
    w.and(Arg::Int(id), |ph| format!("d.id = {ph}"));
    let sql = format!("SELECT {DISPUTE_COLS} FROM disputes d{}", w.sql());
    crate::sql::one(tx, q(sql, &w.args), dispute_from_row)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "劳动争议案件",
        })
}

/// Change a dispute's deadline (extension) or close it; audited. The caller decides.
pub async fn update_dispute(
    tx: &mut Tx,
    id: i64,
    due_on: &str,
    extended: bool,
    closed: Option<(&str, &str)>,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE disputes SET due_on = $2, extended = $3, closed_on = $4, outcome = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(due_on)
    .bind(i64::from(extended))
    .bind(closed.map(|c| c.0))
    .bind(closed.map(|c| c.1))
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "dispute_update",
        "disputes",
        id,
        &format!("期限{due_on} {}", closed.map(|c| c.1).unwrap_or("")),
    )
    .await
}

/// Disputes in scope accepted in `[from, to]`.
pub async fn disputes_between(
    tx: &mut Tx,
    scope: &Scope,
    from: &str,
    to: &str,
) -> Result<Vec<DisputeRecord>, StoreError> {
    let mut w = scoped(scope, "d.region");
    w.and(Arg::Text(from.into()), |ph| {
        format!("d.accepted_on >= {ph}")
    });
    w.and(Arg::Text(to.into()), |ph| format!("d.accepted_on <= {ph}"));
    let sql = format!(
        "SELECT {DISPUTE_COLS} FROM disputes d{} ORDER BY d.accepted_on DESC, d.id DESC LIMIT 2000",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), dispute_from_row).await
}

/// One wage survey row, checked by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WageRow {
    pub year: i64,
    pub occupation: String,
    pub level: String,
    pub monthly_fen: i64,
    pub credit_code: Option<String>,
}

/// Replace a year's survey with these rows (one transaction; a re-import of the same file
/// gives the same table); audited.
pub async fn replace_wage_survey(
    tx: &mut Tx,
    year: i64,
    rows: &[WageRow],
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM wage_survey WHERE year = $1")
        .bind(year)
        .execute(&mut **tx)
        .await?;
    let at = ts(now);
    for r in rows {
        sqlx::query(
            "INSERT INTO wage_survey (year, occupation, level, monthly_fen, credit_code, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(r.year)
        .bind(&r.occupation)
        .bind(&r.level)
        .bind(r.monthly_fen)
        .bind(r.credit_code.as_deref())
        .bind(&at)
        .execute(&mut **tx)
        .await?;
    }
    audit::record(
        tx,
        now,
        actor,
        "wage_survey_import",
        "wage_survey",
        0,
        &format!("{year}年企业薪酬调查 {}行", rows.len()),
    )
    .await
}

/// The survey samples of a year: (occupation, level, monthly pay in fen).
pub async fn wage_samples(
    tx: &mut Tx,
    year: i64,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT occupation, level, monthly_fen FROM wage_survey WHERE year = $1 ORDER BY occupation, level"
                .into(),
            &[Arg::Int(year)],
        ),
        |r| Ok((r.text("occupation")?, r.text("level")?, r.int("monthly_fen")?)),
    )
    .await
}
