//! Enterprises (企业) and their monthly headcount history (用工人数).

use crate::sql::{Arg, RowExt, Where, like_contains, q, ts};
use crate::{Actor, Page, Paging, StoreError, Tx, audit};
use chrono::{DateTime, Utc};
use leye_domain::enterprise::{EnterpriseFacts, Headcount, KeyEnterpriseRule, KeyReason};
use leye_domain::{Money, Regions, Scope, YearMonth};
use sqlx::any::AnyRow;

/// A stored enterprise, with its latest headcount and key-enterprise status computed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EnterpriseRecord {
    pub id: i64,
    pub credit_code: String,
    pub name: String,
    pub industry: String,
    pub region: String,
    pub registered_investment_fen: i64,
    pub scale: String,
    pub designated_key: bool,
    pub designation_reason: Option<String>,
    pub latest_headcount: Option<Headcount>,
    /// Why it is a key enterprise (二(五)2); empty if it is not.
    pub key_reasons: Vec<KeyReason>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// Filters for listing enterprises.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    pub region: Option<String>,
    pub industry: Option<String>,
    pub name: Option<String>,
}

const COLS: &str = "e.id, e.credit_code, e.name, e.industry, e.region, e.registered_investment_fen, e.scale, \
    e.designated_key, e.designation_reason, e.created_at, e.updated_at, e.version, \
    (SELECT h.month FROM enterprise_headcount h WHERE h.enterprise_id = e.id ORDER BY h.month DESC LIMIT 1) AS hc_month, \
    (SELECT h.headcount FROM enterprise_headcount h WHERE h.enterprise_id = e.id ORDER BY h.month DESC LIMIT 1) AS hc";

fn from_row(r: &AnyRow) -> Result<EnterpriseRecord, sqlx::Error> {
    let latest_headcount = match (r.opt_text("hc_month")?, r.opt_int("hc")?) {
        (Some(m), Some(h)) => YearMonth::parse(&m).ok().map(|month| Headcount {
            month,
            headcount: u32::try_from(h).unwrap_or(u32::MAX),
            loss_cause: None,
        }),
        _ => None,
    };
    let investment = Money::from_fen(r.int("registered_investment_fen")?);
    let designated_key = r.flag("designated_key")?;
    let designation_reason = r.opt_text("designation_reason")?;
    let key_reasons = KeyEnterpriseRule::current().reasons(
        investment,
        latest_headcount.map(|h| h.headcount),
        designation_reason.as_deref().filter(|_| designated_key),
    );
    Ok(EnterpriseRecord {
        id: r.int("id")?,
        credit_code: r.text("credit_code")?,
        name: r.text("name")?,
        industry: r.text("industry")?,
        region: r.text("region")?,
        registered_investment_fen: investment.fen(),
        scale: r.text("scale")?,
        designated_key,
        designation_reason,
        latest_headcount,
        key_reasons,
        created_at: r.text("created_at")?,
        updated_at: r.text("updated_at")?,
        version: r.int("version")?,
    })
}

fn scoped(scope: &Scope) -> Where {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "e.region",
        None,
        Some("e.id = {}"),
    );
    w
}

fn ensure_covers(scope: &Scope, region: &str) -> Result<(), StoreError> {
    ensure_covers_id(scope, region, None)
}

/// Region scopes cover enterprises in their region; an employer covers its own enterprise.
fn ensure_covers_id(scope: &Scope, region: &str, id: Option<i64>) -> Result<(), StoreError> {
    if matches!((scope, id), (Scope::Enterprise(own), Some(i)) if *own == i) {
        Ok(())
    } else {
        crate::sql::ensure_covers(scope, region)
    }
}

async fn code_taken(tx: &mut Tx, code: &str, except: Option<i64>) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT id FROM enterprises WHERE credit_code = $1")
        .bind(code)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(r) => Some(r.int("id")?) != except,
        None => false,
    })
}

fn duplicate_code() -> StoreError {
    StoreError::Duplicate {
        field: "credit_code",
        message: "该统一社会信用代码已登记".into(),
    }
}

/// Register an enterprise.
pub async fn create_enterprise(
    tx: &mut Tx,
    scope: &Scope,
    actor: &Actor,
    e: &EnterpriseFacts,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    ensure_covers(scope, e.region.as_str())?;
    if code_taken(tx, e.credit_code.as_str(), None).await? {
        return Err(duplicate_code());
    }
    let row = sqlx::query(
        "INSERT INTO enterprises (credit_code, name, industry, region, registered_investment_fen, scale, \
         designated_key, designation_reason, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(e.credit_code.as_str())
    .bind(&e.name)
    .bind(e.industry.code())
    .bind(e.region.as_str())
    .bind(e.registered_investment.fen())
    .bind(e.scale.code())
    .bind(i64::from(e.designated_key))
    .bind(e.designation_reason.clone())
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?;
    let id = row.int("id")?;
    let after = audit_json(&get_enterprise(tx, &Scope::System, id).await?);
    let change = audit::Change {
        action: "create",
        entity: "enterprise",
        entity_id: id,
        detail: e.credit_code.as_str(),
        before: "",
        after: &after,
    };
    audit::append(tx, now, actor, change).await?;
    Ok(id)
}

/// Replace an enterprise's facts.
pub async fn update_enterprise(
    tx: &mut Tx,
    scope: &Scope,
    actor: &Actor,
    id: i64,
    e: &EnterpriseFacts,
    now: DateTime<Utc>,
) -> Result<EnterpriseRecord, StoreError> {
    let old = get_enterprise(tx, scope, id).await?;
    ensure_covers_id(scope, &old.region, Some(id))?;
    ensure_covers_id(scope, e.region.as_str(), Some(id))?;
    if code_taken(tx, e.credit_code.as_str(), Some(id)).await? {
        return Err(duplicate_code());
    }
    sqlx::query(
        "UPDATE enterprises SET credit_code = $1, name = $2, industry = $3, region = $4, \
         registered_investment_fen = $5, scale = $6, designated_key = $7, designation_reason = $8, \
         updated_at = $9, version = version + 1 WHERE id = $10",
    )
    .bind(e.credit_code.as_str())
    .bind(&e.name)
    .bind(e.industry.code())
    .bind(e.region.as_str())
    .bind(e.registered_investment.fen())
    .bind(e.scale.code())
    .bind(i64::from(e.designated_key))
    .bind(e.designation_reason.clone())
    .bind(ts(now))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if old.name != e.name {
        crate::jobs::requeue_postings_of(tx, id).await?;
    }
    let new = get_enterprise(tx, &Scope::System, id).await?;
    let (before, after) = (audit_json(&old), audit_json(&new));
    let change = audit::Change {
        action: "update",
        entity: "enterprise",
        entity_id: id,
        detail: e.credit_code.as_str(),
        before: &before,
        after: &after,
    };
    audit::append(tx, now, actor, change).await?;
    get_enterprise(tx, scope, id).await
}

/// One enterprise in scope.
pub async fn get_enterprise(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
) -> Result<EnterpriseRecord, StoreError> {
    let mut w = scoped(scope);
    w.and(Arg::Int(id), |ph| format!("e.id = {ph}"));
    let sql = format!("SELECT {COLS} FROM enterprises e{}", w.sql());
    match q(sql, &w.args).fetch_optional(&mut **tx).await? {
        Some(r) => Ok(from_row(&r)?),
        None => Err(crate::missing(tx, "enterprises", "企业", id).await),
    }
}

/// A page of enterprises in scope, newest first.
pub async fn list_enterprises(
    tx: &mut Tx,
    scope: &Scope,
    f: &EnterpriseFilter,
    paging: Paging,
) -> Result<Page<EnterpriseRecord>, StoreError> {
    let mut w = scoped(scope);
    if let Some(r) = &f.region {
        w.and(Arg::Text(format!("{r}%")), |ph| {
            format!("e.region LIKE {ph}")
        });
    }
    if let Some(i) = &f.industry {
        w.and(Arg::Text(i.clone()), |ph| format!("e.industry = {ph}"));
    }
    if let Some(n) = f.name.as_deref().filter(|n| !n.is_empty()) {
        w.and(Arg::Text(like_contains(n)), |ph| {
            format!("e.name LIKE {ph} ESCAPE '\\'")
        });
    }
    crate::sql::page(
        tx,
        COLS,
        &format!("enterprises e{}", w.sql()),
        "e.id DESC",
        &w,
        paging,
        from_row,
    )
    .await
}

pub(crate) async fn count(tx: &mut Tx, scope: &Scope) -> Result<i64, StoreError> {
    let w = scoped(scope);
    let sql = format!("SELECT COUNT(*) AS n FROM enterprises e{}", w.sql());
    Ok(q(sql, &w.args).fetch_one(&mut **tx).await?.int("n")?)
}

/// Record (or correct) the headcount of one month.
pub async fn set_headcount(
    tx: &mut Tx,
    scope: &Scope,
    actor: &Actor,
    enterprise_id: i64,
    h: Headcount,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let e = get_enterprise(tx, scope, enterprise_id).await?;
    ensure_covers_id(scope, &e.region, Some(enterprise_id))?;
    sqlx::query(
        "INSERT INTO enterprise_headcount (enterprise_id, month, headcount, loss_cause) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (enterprise_id, month) DO UPDATE SET headcount = excluded.headcount, loss_cause = excluded.loss_cause",
    )
    .bind(enterprise_id)
    .bind(h.month.to_string())
    .bind(i64::from(h.headcount))
    .bind(h.loss_cause.map(|c| c.code()))
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "headcount",
        "enterprise",
        enterprise_id,
        &format!(
            "{} {}{}",
            h.month,
            h.headcount,
            h.loss_cause
                .map(|c| format!(" {}", c.code()))
                .unwrap_or_default()
        ),
    )
    .await?;
    Ok(())
}

/// The headcount history of an enterprise, oldest first.
pub async fn headcount_history(
    tx: &mut Tx,
    scope: &Scope,
    enterprise_id: i64,
) -> Result<Vec<Headcount>, StoreError> {
    get_enterprise(tx, scope, enterprise_id).await?;
    let rows = sqlx::query(
        "SELECT month, headcount, loss_cause FROM enterprise_headcount WHERE enterprise_id = $1 ORDER BY month",
    )
    .bind(enterprise_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| {
            let m = r.text("month")?;
            let month = YearMonth::parse(&m).map_err(|e| StoreError::Config(e.to_string()))?;
            Ok(Headcount {
                month,
                headcount: u32::try_from(r.int("headcount")?).unwrap_or(u32::MAX),
                loss_cause: r
                    .opt_text("loss_cause")?
                    .and_then(|c| leye_domain::enterprise::LossCause::from_code(&c)),
            })
        })
        .collect()
}

fn audit_json(e: &EnterpriseRecord) -> String {
    serde_json::json!({
        "credit_code": e.credit_code, "name": e.name, "industry": e.industry, "region": e.region,
        "registered_investment_fen": e.registered_investment_fen, "scale": e.scale,
        "designated_key": e.designated_key, "designation_reason": e.designation_reason,
    })
    .to_string()
}

/// Ids of the enterprises registered under any of these credit codes, wherever they are (an
/// import must find an enterprise out of the caller's scope to refuse the row).
pub async fn enterprise_ids_by_credit_codes(
    tx: &mut Tx,
    codes: &[&str],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let mut found = std::collections::HashMap::new();
    for part in codes.chunks(500) {
        let mut w = Where::default();
        let list: Vec<String> = part
            .iter()
            .map(|c| w.arg(Arg::Text((*c).to_string())))
            .collect();
        let sql = format!(
            "SELECT id, credit_code FROM enterprises WHERE credit_code IN ({})",
            list.join(", ")
        );
        for r in q(sql, &w.args).fetch_all(&mut **tx).await? {
            found.insert(r.text("credit_code")?, r.int("id")?);
        }
    }
    Ok(found)
}

/// The headcount of one month, if recorded.
pub async fn headcount_of(
    tx: &mut Tx,
    enterprise_id: i64,
    month: YearMonth,
) -> Result<Option<u32>, StoreError> {
    let row = sqlx::query(
        "SELECT headcount FROM enterprise_headcount WHERE enterprise_id = $1 AND month = $2",
    )
    .bind(enterprise_id)
    .bind(month.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| Ok(u32::try_from(r.int("headcount")?).unwrap_or(u32::MAX)))
        .transpose()
}
