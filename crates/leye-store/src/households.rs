//! Households (户) and their members.

use crate::sql::{Arg, RowExt, Where, ensure_covers, q, ts};
use crate::{Actor, Page, Paging, StoreError, Tx, audit};
use chrono::{DateTime, Utc};
use leye_domain::household::HouseholdFacts;
use leye_domain::{FieldError, Regions, Scope};
use sqlx::any::AnyRow;

/// A member as stored, with the person's name for display.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MemberRecord {
    pub person_id: i64,
    pub name: String,
    pub relation: String,
    pub labour_status: Option<String>,
}

/// A stored household.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HouseholdRecord {
    pub id: i64,
    pub region: String,
    pub urban: bool,
    pub business_income: bool,
    pub income_band: String,
    pub members: Vec<MemberRecord>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// Filters for listing households.
#[derive(Debug, Clone, Default)]
pub struct HouseholdFilter {
    pub region: Option<String>,
    pub urban: Option<bool>,
}

fn scoped(scope: &Scope) -> Where {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "h.region",
        Some("h.id IN (SELECT household_id FROM household_members WHERE person_id = {})"),
        None,
    );
    w
}

/// Every member must be a person in scope who is not in another household.
async fn check_members(
    tx: &mut Tx,
    scope: &Scope,
    h: &HouseholdFacts,
    household_id: Option<i64>,
) -> Result<(), StoreError> {
    for (i, (pid, _)) in h.members.iter().enumerate() {
        if crate::persons::get_person(tx, scope, *pid).await.is_err() {
            return Err(StoreError::Invalid(FieldError::new(
                &format!("members[{i}].person_id"),
                "unknown_person",
                format!("人员{pid}不存在或不在您的数据范围内"),
            )));
        }
        let other = sqlx::query("SELECT household_id FROM household_members WHERE person_id = $1")
            .bind(*pid)
            .fetch_optional(&mut **tx)
            .await?;
        if let Some(r) = other {
            let hid = r.int("household_id")?;
            if Some(hid) != household_id {
                return Err(StoreError::Duplicate {
                    field: "members",
                    message: format!("人员{pid}已属于家庭{hid},请先将其移出"),
                });
            }
        }
    }
    Ok(())
}

async fn insert_members(tx: &mut Tx, id: i64, h: &HouseholdFacts) -> Result<(), StoreError> {
    for (pid, rel) in &h.members {
        sqlx::query(
            "INSERT INTO household_members (household_id, person_id, relation) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(*pid)
        .bind(rel.code())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Register a household with its members.
pub async fn create_household(
    tx: &mut Tx,
    scope: &Scope,
    actor: &Actor,
    h: &HouseholdFacts,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    ensure_covers(scope, h.region.as_str())?;
    check_members(tx, scope, h, None).await?;
    let row = sqlx::query(
        "INSERT INTO households (region, urban, business_income, income_band, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(h.region.as_str())
    .bind(i64::from(h.urban))
    .bind(i64::from(h.business_income))
    .bind(h.income_band.code())
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?;
    let id = row.int("id")?;
    insert_members(tx, id, h).await?;
    record_income(tx, id, h.income_band.code(), now).await?;
    let after = audit_json(&get_household(tx, &Scope::System, id).await?);
    let change = audit::Change {
        action: "create",
        entity: "household",
        entity_id: id,
        detail: h.region.as_str(),
        before: "",
        after: &after,
    };
    audit::append(tx, now, actor, change).await?;
    Ok(id)
}

/// Replace a household's facts and members.
pub async fn update_household(
    tx: &mut Tx,
    scope: &Scope,
    actor: &Actor,
    id: i64,
    h: &HouseholdFacts,
    now: DateTime<Utc>,
) -> Result<HouseholdRecord, StoreError> {
    let old = get_household(tx, scope, id).await?;
    ensure_covers(scope, &old.region)?;
    ensure_covers(scope, h.region.as_str())?;
    check_members(tx, scope, h, Some(id)).await?;
    sqlx::query(
        "UPDATE households SET region = $1, urban = $2, business_income = $3, income_band = $4, \
         updated_at = $5, version = version + 1 WHERE id = $6",
    )
    .bind(h.region.as_str())
    .bind(i64::from(h.urban))
    .bind(i64::from(h.business_income))
    .bind(h.income_band.code())
    .bind(ts(now))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM household_members WHERE household_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    insert_members(tx, id, h).await?;
    if old.income_band != h.income_band.code() {
        record_income(tx, id, h.income_band.code(), now).await?;
    }
    let new = get_household(tx, &Scope::System, id).await?;
    let (before, after) = (audit_json(&old), audit_json(&new));
    let change = audit::Change {
        action: "update",
        entity: "household",
        entity_id: id,
        detail: h.region.as_str(),
        before: &before,
        after: &after,
    };
    audit::append(tx, now, actor, change).await?;
    get_household(tx, scope, id).await
}

fn audit_json(h: &HouseholdRecord) -> String {
    let members: Vec<_> = h
        .members
        .iter()
        .map(|m| serde_json::json!({"person_id": m.person_id, "relation": m.relation}))
        .collect();
    serde_json::json!({
        "region": h.region, "urban": h.urban, "business_income": h.business_income,
        "income_band": h.income_band, "members": members,
    })
    .to_string()
}

fn household_from_row(r: &AnyRow) -> Result<HouseholdRecord, sqlx::Error> {
    Ok(HouseholdRecord {
        id: r.int("id")?,
        region: r.text("region")?,
        urban: r.flag("urban")?,
        business_income: r.flag("business_income")?,
        income_band: r.text("income_band")?,
        members: Vec::new(),
        created_at: r.text("created_at")?,
        updated_at: r.text("updated_at")?,
        version: r.int("version")?,
    })
}

const COLS: &str = "h.id, h.region, h.urban, h.business_income, h.income_band, h.created_at, h.updated_at, h.version";

async fn load_members(tx: &mut Tx, h: &mut HouseholdRecord) -> Result<(), StoreError> {
    let rows = sqlx::query(
        "SELECT m.person_id, p.name, m.relation, p.labour_status FROM household_members m \
         JOIN persons p ON p.id = m.person_id WHERE m.household_id = $1 \
         ORDER BY CASE WHEN m.relation = 'head' THEN 0 ELSE 1 END, m.person_id",
    )
    .bind(h.id)
    .fetch_all(&mut **tx)
    .await?;
    h.members = rows
        .iter()
        .map(|r| {
            Ok(MemberRecord {
                person_id: r.int("person_id")?,
                name: r.text("name")?,
                relation: r.text("relation")?,
                labour_status: r.opt_text("labour_status")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(())
}

/// One household in scope, with members.
pub async fn get_household(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
) -> Result<HouseholdRecord, StoreError> {
    let mut w = scoped(scope);
    w.and(Arg::Int(id), |ph| format!("h.id = {ph}"));
    let sql = format!("SELECT {COLS} FROM households h{}", w.sql());
    let row = q(sql, &w.args).fetch_optional(&mut **tx).await?;
    let mut h = match row {
        Some(r) => household_from_row(&r)?,
        None => return Err(crate::missing(tx, "households", "家庭", id).await),
    };
    load_members(tx, &mut h).await?;
    Ok(h)
}

/// A page of households in scope, newest first, with members.
pub async fn list_households(
    tx: &mut Tx,
    scope: &Scope,
    f: &HouseholdFilter,
    paging: Paging,
) -> Result<Page<HouseholdRecord>, StoreError> {
    let mut w = scoped(scope);
    if let Some(r) = &f.region {
        w.and(Arg::Text(format!("{r}%")), |ph| {
            format!("h.region LIKE {ph}")
        });
    }
    if let Some(u) = f.urban {
        w.and(Arg::Int(i64::from(u)), |ph| format!("h.urban = {ph}"));
    }
    let mut page = crate::sql::page(
        tx,
        COLS,
        &format!("households h{}", w.sql()),
        "h.id DESC",
        &w,
        paging,
        household_from_row,
    )
    .await?;
    for h in &mut page.items {
        load_members(tx, h).await?;
    }
    Ok(page)
}

pub(crate) async fn count(tx: &mut Tx, scope: &Scope) -> Result<i64, StoreError> {
    let w = scoped(scope);
    let sql = format!("SELECT COUNT(*) AS n FROM households h{}", w.sql());
    Ok(q(sql, &w.args).fetch_one(&mut **tx).await?.int("n")?)
}

/// The household a person belongs to, if any (whatever the caller's scope).
pub async fn household_of_person(tx: &mut Tx, person_id: i64) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query("SELECT household_id FROM household_members WHERE person_id = $1")
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|r| r.int("household_id")).transpose()?)
}

/// Note a household's income band from today (Huzhou's date of `now`): the history 扩中家庭
/// are followed by.
async fn record_income(
    tx: &mut Tx,
    id: i64,
    band: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO household_incomes (household_id, income_band, since, recorded_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(band)
    .bind(leye_domain::time::local_date(now).to_string())
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A household's income bands with the day each was recorded from, oldest first.
pub async fn income_history(tx: &mut Tx, id: i64) -> Result<Vec<(String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT since, income_band FROM household_incomes WHERE household_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| Ok((r.text("since")?, r.text("income_band")?)))
        .collect()
}
