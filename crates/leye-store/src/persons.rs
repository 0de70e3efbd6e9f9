//! Persons (人员) and their labour-status history (就业状态变动).

use crate::sql::{Arg, RowExt, Where, ensure_covers, like_contains, q, ts};
use crate::{Actor, Page, Paging, StoreError, Tx, audit};
use chrono::{DateTime, NaiveDate, Utc};
use leye_domain::labour::{LabourEvent, LabourStatus, status_on};
use leye_domain::person::PersonFacts;
use leye_domain::{FieldError, Regions, Scope};
use sqlx::any::AnyRow;

/// A stored person with everything the registry knows (unmasked: the web layer masks).
/// Lists read it from JSON on SQLite ([`crate::sql::hot_page`]): the field names are the
/// columns'.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PersonRecord {
    pub id: i64,
    pub id_number: String,
    pub name: String,
    pub sex: String,
    pub birth_date: String,
    pub phone: Option<String>,
    pub hukou_region: Option<String>,
    pub residence_region: String,
    pub address: Option<String>,
    pub education: String,
    pub school: Option<String>,
    pub graduation_date: Option<String>,
    pub disability_grade: Option<i64>,
    #[serde(deserialize_with = "crate::sql::json_flag")]
    pub veteran: bool,
    #[serde(deserialize_with = "crate::sql::json_flag")]
    pub poverty_alleviated: bool,
    pub assistance: String,
    #[serde(deserialize_with = "crate::sql::json_flag")]
    pub urban: bool,
    pub labour_status: Option<String>,
    pub labour_since: Option<String>,
    pub household_id: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// Filters for listing persons.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Region code: the person lives in it or inside it.
    pub region: Option<String>,
    /// Part of the name.
    pub name: Option<String>,
    pub labour_status: Option<LabourStatus>,
    pub education: Option<String>,
    pub sex: Option<String>,
}

/// One stored labour-status event.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LabourEventRecord {
    pub id: i64,
    pub person_id: i64,
    pub status: String,
    pub effective: String,
    pub enterprise_id: Option<i64>,
    pub benefit_months: Option<i64>,
    pub note: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// The columns of a [`PersonRecord`] but the household (lists read them as JSON keys, see
/// [`crate::sql::hot_page`]).
const PERSON_OWN: &[&str] = &[
    "id",
    "id_number",
    "name",
    "sex",
    "birth_date",
    "phone",
    "hukou_region",
    "residence_region",
    "address",
    "education",
    "school",
    "graduation_date",
    "disability_grade",
    "veteran",
    "poverty_alleviated",
    "assistance",
    "urban",
    "labour_status",
    "labour_since",
    "created_at",
    "updated_at",
    "version",
];
/// A list's household column, computed for the page's rows only.
const PERSON_HOUSEHOLD: (&str, &str) = (
    "household_id",
    "(SELECT m.household_id FROM household_members m WHERE m.person_id = p.id)",
);
/// The select list of one [`PersonRecord`] (`p.id, …, (…) AS household_id`), made from the
/// two above.
static PERSON_COLS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| crate::sql::select_list((PERSON_OWN, &[PERSON_HOUSEHOLD])));

fn person_from_row(r: &AnyRow) -> Result<PersonRecord, sqlx::Error> {
    Ok(PersonRecord {
        id: r.int("id")?,
        id_number: r.text("id_number")?,
        name: r.text("name")?,
        sex: r.text("sex")?,
        birth_date: r.text("birth_date")?,
        phone: r.opt_text("phone")?,
        hukou_region: r.opt_text("hukou_region")?,
        residence_region: r.text("residence_region")?,
        address: r.opt_text("address")?,
        education: r.text("education")?,
        school: r.opt_text("school")?,
        graduation_date: r.opt_text("graduation_date")?,
        disability_grade: r.opt_int("disability_grade")?,
        veteran: r.flag("veteran")?,
        poverty_alleviated: r.flag("poverty_alleviated")?,
        assistance: r.text("assistance")?,
        urban: r.flag("urban")?,
        labour_status: r.opt_text("labour_status")?,
        labour_since: r.opt_text("labour_since")?,
        household_id: r.opt_int("household_id")?,
        created_at: r.text("created_at")?,
        updated_at: r.text("updated_at")?,
        version: r.int("version")?,
    })
}

fn scoped(scope: &Scope) -> Where {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "p.residence_region",
        Some("p.id = {}"),
        None,
    );
    w
}

async fn id_number_taken(
    tx: &mut Tx,
    id_number: &str,
    except: Option<i64>,
) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT id FROM persons WHERE id_number = $1")
        .bind(id_number)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(r) => Some(r.int("id")?) != except,
        None => false,
    })
}

fn duplicate_id_number() -> StoreError {
    StoreError::Duplicate {
        field: "id_number",
        message: "该身份证号已登记".into(),
    }
}

/// Bind a person's 16 facts as `$1`..`$16`, in the column order of the INSERT and UPDATE.
fn bind_facts<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    p: &'q PersonFacts,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    q.bind(p.id_number.as_str())
        .bind(&p.name)
        .bind(p.sex().code())
        .bind(p.birth_date().to_string())
        .bind(p.phone.as_ref().map(|x| x.as_str().to_string()))
        .bind(p.hukou_region.clone())
        .bind(p.residence_region.as_str())
        .bind(p.address.clone())
        .bind(p.education.code())
        .bind(p.school.clone())
        .bind(p.graduation_date.map(|d| d.to_string()))
        .bind(p.disability_grade.map(i64::from))
        .bind(i64::from(p.veteran))
        .bind(i64::from(p.poverty_alleviated))
        .bind(p.assistance.code())
        .bind(i64::from(p.urban))
}

/// Register a person. Fails with `Duplicate` when the ID number is already registered.
pub async fn create_person(
    tx: &mut Tx,
    scope: &Scope,
    actor: &Actor,
    p: &PersonFacts,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    ensure_covers(scope, p.residence_region.as_str())?;
    if id_number_taken(tx, p.id_number.as_str(), None).await? {
        return Err(duplicate_id_number());
    }
    let row = bind_facts(sqlx::query(
        "INSERT INTO persons (id_number, name, sex, birth_date, phone, hukou_region, residence_region, \
         address, education, school, graduation_date, disability_grade, veteran, poverty_alleviated, \
         assistance, urban, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
    ), p)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?;
    let id = row.int("id")?;
    let after = audit_json(&get_person(tx, &Scope::System, id).await?);
    let change = audit::Change {
        action: "create",
        entity: "person",
        entity_id: id,
        detail: p.residence_region.as_str(),
        before: "",
        after: &after,
    };
    audit::append(tx, now, actor, change).await?;
    Ok(id)
}

/// Replace a person's facts. The person must be in scope before and after.
pub async fn update_person(
    tx: &mut Tx,
    scope: &Scope,
    actor: &Actor,
    id: i64,
    p: &PersonFacts,
    now: DateTime<Utc>,
) -> Result<PersonRecord, StoreError> {
    let old = get_person(tx, scope, id).await?;
    ensure_covers(scope, p.residence_region.as_str())?;
    if id_number_taken(tx, p.id_number.as_str(), Some(id)).await? {
        return Err(duplicate_id_number());
    }
    bind_facts(
        sqlx::query(
            "UPDATE persons SET id_number = $1, name = $2, sex = $3, birth_date = $4, phone = $5, \
         hukou_region = $6, residence_region = $7, address = $8, education = $9, school = $10, \
         graduation_date = $11, disability_grade = $12, veteran = $13, poverty_alleviated = $14, \
         assistance = $15, urban = $16, updated_at = $17, version = version + 1 WHERE id = $18",
        ),
        p,
    )
    .bind(ts(now))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let new = get_person(tx, &Scope::System, id).await?;
    let (before, after) = (audit_json(&old), audit_json(&new));
    let change = audit::Change {
        action: "update",
        entity: "person",
        entity_id: id,
        detail: p.residence_region.as_str(),
        before: &before,
        after: &after,
    };
    audit::append(tx, now, actor, change).await?;
    get_person(tx, scope, id).await
}

/// One person in scope.
pub async fn get_person(tx: &mut Tx, scope: &Scope, id: i64) -> Result<PersonRecord, StoreError> {
    let mut w = scoped(scope);
    w.and(Arg::Int(id), |ph| format!("p.id = {ph}"));
    let sql = format!("SELECT {} FROM persons p{}", *PERSON_COLS, w.sql());
    let row = q(sql, &w.args).fetch_optional(&mut **tx).await?;
    match row {
        Some(r) => Ok(person_from_row(&r)?),
        None => Err(crate::missing(tx, "persons", "人员", id).await),
    }
}

/// The person with this ID number, if there is one in scope.
pub async fn find_person_by_id_number(
    tx: &mut Tx,
    scope: &Scope,
    id_number: &str,
) -> Result<Option<PersonRecord>, StoreError> {
    let mut w = scoped(scope);
    w.and(Arg::Text(id_number.to_string()), |ph| {
        format!("p.id_number = {ph}")
    });
    let sql = format!("SELECT {} FROM persons p{}", *PERSON_COLS, w.sql());
    let row = q(sql, &w.args).fetch_optional(&mut **tx).await?;
    Ok(row.map(|r| person_from_row(&r)).transpose()?)
}

/// A page of persons in scope, newest first.
pub async fn list_persons(
    tx: &mut crate::Conn,
    scope: &Scope,
    f: &PersonFilter,
    paging: Paging,
) -> Result<Page<PersonRecord>, StoreError> {
    let mut w = scoped(scope);
    if let Some(r) = &f.region {
        w.and(Arg::Text(format!("{r}%")), |ph| {
            format!("p.residence_region LIKE {ph}")
        });
    }
    if let Some(n) = f.name.as_deref().filter(|n| !n.is_empty()) {
        w.and(Arg::Text(like_contains(n)), |ph| {
            format!("p.name LIKE {ph} ESCAPE '\\'")
        });
    }
    if let Some(s) = f.labour_status {
        w.and(Arg::Text(s.code().into()), |ph| {
            format!("p.labour_status = {ph}")
        });
    }
    if let Some(e) = &f.education {
        w.and(Arg::Text(e.clone()), |ph| format!("p.education = {ph}"));
    }
    if let Some(s) = &f.sex {
        w.and(Arg::Text(s.clone()), |ph| format!("p.sex = {ph}"));
    }
    crate::sql::hot_page(
        tx,
        (PERSON_OWN, &[PERSON_HOUSEHOLD]),
        (&format!("persons p{}", w.sql()), "p.id DESC"),
        &w,
        paging,
        person_from_row,
    )
    .await
}

pub(crate) async fn count(tx: &mut Tx, scope: &Scope) -> Result<i64, StoreError> {
    let w = scoped(scope);
    let sql = format!("SELECT COUNT(*) AS n FROM persons p{}", w.sql());
    Ok(q(sql, &w.args).fetch_one(&mut **tx).await?.int("n")?)
}

fn event_from_row(r: &AnyRow) -> Result<LabourEventRecord, sqlx::Error> {
    Ok(LabourEventRecord {
        id: r.int("id")?,
        person_id: r.int("person_id")?,
        status: r.text("status")?,
        effective: r.text("effective")?,
        enterprise_id: r.opt_int("enterprise_id")?,
        benefit_months: r.opt_int("benefit_months")?,
        note: r.opt_text("note")?,
        recorded_at: r.text("recorded_at")?,
        recorded_by: r.text("recorded_by")?,
    })
}

/// A person's labour-status events in the order they took effect.
pub async fn labour_history(
    tx: &mut Tx,
    scope: &Scope,
    person_id: i64,
) -> Result<Vec<LabourEventRecord>, StoreError> {
    get_person(tx, scope, person_id).await?;
    let rows = sqlx::query(
        "SELECT id, person_id, status, effective, enterprise_id, benefit_months, note, recorded_at, recorded_by \
         FROM labour_events WHERE person_id = $1 ORDER BY effective, id",
    )
    .bind(person_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.iter().map(event_from_row).collect::<Result<_, _>>()?)
}

/// Append a labour-status event and refresh the person's current status as of `today`.
pub async fn append_labour_event(
    tx: &mut Tx,
    scope: &Scope,
    actor: &Actor,
    person_id: i64,
    e: &LabourEvent,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<LabourEventRecord, StoreError> {
    let person = get_person(tx, scope, person_id).await?;
    ensure_covers(scope, &person.residence_region)?;
    if let Some(eid) = e.enterprise_id {
        let exists = sqlx::query("SELECT id FROM enterprises WHERE id = $1")
            .bind(eid)
            .fetch_optional(&mut **tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::Invalid(FieldError::new(
                "enterprise_id",
                "unknown_enterprise",
                format!("用人单位{eid}不存在"),
            )));
        }
    }
    let row = sqlx::query(
        "INSERT INTO labour_events (person_id, status, effective, enterprise_id, benefit_months, note, recorded_at, recorded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(person_id)
    .bind(e.status.code())
    .bind(e.effective.to_string())
    .bind(e.enterprise_id)
    .bind(e.benefit_months.map(i64::from))
    .bind(e.note.clone())
    .bind(ts(now))
    .bind(&actor.name)
    .fetch_one(&mut **tx)
    .await?;
    let event_id = row.int("id")?;

    // The current status is derived from the whole history, so an event recorded late
    // (effective before others) lands in its right place.
    let history = labour_history(tx, scope, person_id).await?;
    let events: Vec<LabourEvent> = history
        .iter()
        .filter_map(|h| {
            Some(LabourEvent {
                status: LabourStatus::from_code(&h.status)?,
                effective: h.effective.parse().ok()?,
                enterprise_id: h.enterprise_id,
                benefit_months: h.benefit_months.map(|m| m as u32),
                note: None,
            })
        })
        .collect();
    let current = status_on(&events, today);
    sqlx::query("UPDATE persons SET labour_status = $1, labour_since = $2, version = version + 1 WHERE id = $3")
        .bind(current.map(|c| c.status.code()))
        .bind(current.map(|c| c.effective.to_string()))
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        now,
        actor,
        "labour_event",
        "person",
        person_id,
        e.status.code(),
    )
    .await?;
    history
        .into_iter()
        .find(|h| h.id == event_id)
        .ok_or(StoreError::NotFound {
            entity: "就业状态记录",
        })
}

/// The audited view of a person: personal data masked, so the audit log never holds it.
fn audit_json(p: &PersonRecord) -> String {
    use leye_domain::field::{mask_address, mask_phone};
    let id = leye_domain::field::mask_id_number(&p.id_number);
    serde_json::json!({
        "name": p.name, "id_number": id, "phone": p.phone.as_deref().map(mask_phone),
        "hukou_region": p.hukou_region, "residence_region": p.residence_region,
        "address": p.address.as_deref().map(mask_address), "education": p.education, "school": p.school,
        "graduation_date": p.graduation_date, "disability_grade": p.disability_grade, "veteran": p.veteran,
        "poverty_alleviated": p.poverty_alleviated, "assistance": p.assistance, "urban": p.urban,
    })
    .to_string()
}

/// Read a person's personal data in full: an explicit action with a reason, audited in the
/// same transaction. The caller checks that the role may do it; the store checks the scope.
pub async fn reveal_person(
    tx: &mut Tx,
    scope: &Scope,
    actor: &Actor,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<PersonRecord, StoreError> {
    let p = get_person(tx, scope, id).await?;
    let change = audit::Change {
        action: "reveal",
        entity: "person",
        entity_id: id,
        detail: reason,
        before: "",
        after: "",
    };
    audit::append(tx, now, actor, change).await?;
    Ok(p)
}

/// Persons in scope per county (6-digit code), for the home page chart.
pub async fn count_persons_by_county(
    tx: &mut Tx,
    scope: &Scope,
) -> Result<Vec<(String, i64)>, StoreError> {
    let w = scoped(scope);
    let sql = format!(
        "SELECT SUBSTR(p.residence_region, 1, 6) AS county, COUNT(*) AS n FROM persons p{} \
         GROUP BY SUBSTR(p.residence_region, 1, 6) ORDER BY county",
        w.sql()
    );
    let rows = q(sql, &w.args).fetch_all(&mut **tx).await?;
    rows.iter()
        .map(|r| Ok((r.text("county")?, r.int("n")?)))
        .collect()
}

/// Persons already registered under any of these ID numbers, wherever they live (an import
/// must know about a person out of the caller's scope to refuse the row instead of
/// registering the number twice). Reads nothing when the registry is empty.
pub async fn persons_by_id_numbers(
    tx: &mut Tx,
    id_numbers: &[&str],
) -> Result<std::collections::HashMap<String, PersonRecord>, StoreError> {
    let mut found = std::collections::HashMap::new();
    let any = sqlx::query("SELECT id FROM persons LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?;
    if any.is_none() {
        return Ok(found);
    }
    for part in id_numbers.chunks(500) {
        let mut w = Where::default();
        let list: Vec<String> = part
            .iter()
            .map(|n| w.arg(Arg::Text((*n).to_string())))
            .collect();
        let sql = format!(
            "SELECT {} FROM persons p WHERE p.id_number IN ({})",
            *PERSON_COLS,
            list.join(", ")
        );
        for r in q(sql, &w.args).fetch_all(&mut **tx).await? {
            let p = person_from_row(&r)?;
            found.insert(p.id_number.clone(), p);
        }
    }
    Ok(found)
}

/// Register many new persons at once (an import): many rows per statement, and one audit
/// row naming the import instead of one per person. The caller has checked scope and that
/// no ID number is registered; the database's unique constraint still refuses a duplicate.
pub async fn insert_persons_bulk(
    tx: &mut Tx,
    actor: &Actor,
    persons: &[&PersonFacts],
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use crate::bulk::{BulkTable, Cell, Stamps, insert_rows};
    let stamp = ts(now);
    let backend = crate::sql::backend_of(tx);
    for part in persons.chunks(10_000) {
        let rows: Vec<Vec<Cell>> = part
            .iter()
            .map(|p| {
                vec![
                    p.id_number.as_str().into(),
                    p.name.as_str().into(),
                    p.sex().code().into(),
                    p.birth_date().to_string().into(),
                    p.phone.as_ref().map(|x| x.as_str()).into(),
                    p.hukou_region.as_deref().into(),
                    p.residence_region.as_str().into(),
                    p.address.as_deref().into(),
                    p.education.code().into(),
                    p.school.as_deref().into(),
                    p.graduation_date.map(|d| d.to_string()).into(),
                    p.disability_grade.map(i64::from).into(),
                    p.veteran.into(),
                    p.poverty_alleviated.into(),
                    p.assistance.code().into(),
                    p.urban.into(),
                ]
            })
            .collect();
        let stamps = Stamps {
            now: &stamp,
            loader: &actor.name,
        };
        insert_rows(tx, backend, BulkTable::NewPersons, stamps, rows).await?;
    }
    audit::record(tx, now, actor, "import", "person", 0, detail).await
}
