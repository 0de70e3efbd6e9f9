//! The job market, the SQL side: the occupation taxonomy, postings with their change feed,
//! job-seeker profiles, job applications (投递), push notifications and the outbox.

use crate::sql::{Arg, RowExt, Where, q, ts};
use crate::{Actor, Page, Paging, StoreError, Tx, audit};
use leye_domain::jobs::Occupation;
use leye_domain::{FieldError, Regions, Scope};

pub(crate) fn invalid(field: &'static str, code: &'static str, m: impl Into<String>) -> StoreError {
    StoreError::Invalid(FieldError::new(field, code, m.into()))
}

// ---------------------------------------------------------------- occupations

fn occupation_from_row(r: &sqlx::any::AnyRow) -> Result<Occupation, sqlx::Error> {
    Ok(Occupation {
        code: r.text("code")?,
        name: r.text("name")?,
        parent: r.opt_text("parent")?,
        digital: r.flag("digital")?,
        green: r.flag("green")?,
        deprecated: r.flag("deprecated")?,
        source: r.text("source")?,
    })
}

/// Insert or update taxonomy rows (parents before children). Returns (new, changed); one audit
/// row for the whole batch when anything changed. `seed` rows never overwrite existing ones.
pub async fn upsert_occupations(
    tx: &mut Tx,
    rows: &[Occupation],
    seed: bool,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(usize, usize), StoreError> {
    let existing: std::collections::HashMap<String, Occupation> = occupations(tx)
        .await?
        .into_iter()
        .map(|o| (o.code.clone(), o))
        .collect();
    let mut sorted: Vec<&Occupation> = rows.iter().collect();
    sorted.sort_by_key(|o| (o.code.len(), o.code.clone()));
    let (mut new, mut changed) = (0, 0);
    for o in sorted {
        match existing.get(&o.code) {
            Some(_) if seed => continue,
            Some(old) if old == o => continue,
            Some(_) => changed += 1,
            None => new += 1,
        }
        sqlx::query(
            "INSERT INTO occupations (code, name, parent, digital, green, deprecated, source) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO UPDATE SET name = excluded.name, \
             parent = excluded.parent, digital = excluded.digital, green = excluded.green, \
             deprecated = excluded.deprecated, source = excluded.source",
        )
        .bind(&o.code)
        .bind(&o.name)
        .bind(o.parent.as_deref())
        .bind(i64::from(o.digital))
        .bind(i64::from(o.green))
        .bind(i64::from(o.deprecated))
        .bind(&o.source)
        .execute(&mut **tx)
        .await?;
    }
    if !seed && new + changed > 0 {
        audit::record(
            tx,
            now,
            actor,
            "occupations_import",
            "occupations",
            0,
            &format!("新增{new}条, 更新{changed}条"),
        )
        .await?;
    }
    Ok((new, changed))
}

/// The whole taxonomy, by code.
pub async fn occupations(tx: &mut Tx) -> Result<Vec<Occupation>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT code, name, parent, digital, green, deprecated, source FROM occupations ORDER BY code"
                .into(),
            &[],
        ),
        occupation_from_row,
    )
    .await
}

// ---------------------------------------------------------------- postings

/// A posting as written (checked and priced by the caller).
#[derive(Debug, Clone)]
pub struct NewPosting {
    pub enterprise_id: i64,
    pub title: String,
    pub description: String,
    pub occupation: String,
    pub skill_level: Option<String>,
    pub headcount: i64,
    pub region: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub pay_unit: String,
    pub pay_min_fen: i64,
    pub pay_max_fen: i64,
    pub monthly_min_fen: i64,
    pub monthly_max_fen: i64,
    pub contract_type: String,
    pub contract_months: Option<i64>,
    pub social_insurance: bool,
    pub education: String,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    pub gig: bool,
    pub quality: bool,
    pub published_on: String,
    pub valid_until: String,
    /// 专项岗位 code, if any
    pub program: Option<String>,
}

/// A stored posting with its employer's name.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PostingRecord {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub title: String,
    pub description: String,
    pub occupation: String,
    pub skill_level: Option<String>,
    pub headcount: i64,
    pub region: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub pay_unit: String,
    pub pay_min_fen: i64,
    pub pay_max_fen: i64,
    pub monthly_min_fen: i64,
    pub monthly_max_fen: i64,
    pub contract_type: String,
    pub contract_months: Option<i64>,
    pub social_insurance: bool,
    pub education: String,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    pub gig: bool,
    pub quality: bool,
    pub status: String,
    pub published_on: String,
    pub valid_until: String,
    pub closed_on: Option<String>,
    pub seq: i64,
    /// 专项岗位: the programme it was published under (set once, at publishing).
    pub program: Option<String>,
}

impl PostingRecord {
    /// Open and not past its validity on `today`.
    pub fn is_live(&self, today: &str) -> bool {
        self.status == "open" && self.valid_until.as_str() >= today
    }
}

const POSTING_COLS: &str = "p.id, p.enterprise_id, e.name AS enterprise_name, p.title, p.description, \
    p.occupation, p.skill_level, p.headcount, p.region, p.address, p.lat, p.lon, p.pay_unit, p.pay_min_fen, \
    p.pay_max_fen, p.monthly_min_fen, p.monthly_max_fen, p.contract_type, p.contract_months, \
    p.social_insurance, p.education, p.age_min, p.age_max, p.gig, p.quality, p.status, p.published_on, \
    p.valid_until, p.closed_on, p.seq, p.program";

fn posting_from_row(r: &sqlx::any::AnyRow) -> Result<PostingRecord, sqlx::Error> {
    use sqlx::Row;
    Ok(PostingRecord {
        id: r.int("id")?,
        enterprise_id: r.int("enterprise_id")?,
        enterprise_name: r.text("enterprise_name")?,
        title: r.text("title")?,
        description: r.text("description")?,
        occupation: r.text("occupation")?,
        skill_level: r.opt_text("skill_level")?,
        headcount: r.int("headcount")?,
        region: r.text("region")?,
        address: r.text("address")?,
        lat: r.try_get("lat")?,
        lon: r.try_get("lon")?,
        pay_unit: r.text("pay_unit")?,
        pay_min_fen: r.int("pay_min_fen")?,
        pay_max_fen: r.int("pay_max_fen")?,
        monthly_min_fen: r.int("monthly_min_fen")?,
        monthly_max_fen: r.int("monthly_max_fen")?,
        contract_type: r.text("contract_type")?,
        contract_months: r.opt_int("contract_months")?,
        social_insurance: r.flag("social_insurance")?,
        education: r.text("education")?,
        age_min: r.opt_int("age_min")?,
        age_max: r.opt_int("age_max")?,
        gig: r.flag("gig")?,
        quality: r.flag("quality")?,
        status: r.text("status")?,
        published_on: r.text("published_on")?,
        valid_until: r.text("valid_until")?,
        closed_on: r.opt_text("closed_on")?,
        seq: r.int("seq")?,
        program: r.opt_text("program")?,
    })
}

/// Put an enterprise's open postings on the change feed again (its name changed: every
/// server's search index and posting records show it within a moment).
pub(crate) async fn requeue_postings_of(tx: &mut Tx, enterprise_id: i64) -> Result<(), StoreError> {
    let ids = crate::sql::all(
        tx,
        q(
            "SELECT id FROM postings WHERE enterprise_id = $1 AND status = 'open' ORDER BY id"
                .into(),
            &[Arg::Int(enterprise_id)],
        ),
        |r| r.int("id"),
    )
    .await?;
    for id in ids {
        let seq = next_seq(tx, "postings").await?;
        sqlx::query("UPDATE postings SET seq = $1 WHERE id = $2")
            .bind(seq)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Bump a change feed; the row lock is held to the commit, so feed order is commit order.
async fn next_seq(tx: &mut Tx, feed: &str) -> Result<i64, StoreError> {
    Ok(
        sqlx::query("UPDATE change_seq SET n = n + 1 WHERE name = $1 RETURNING n")
            .bind(feed)
            .fetch_one(&mut **tx)
            .await?
            .int("n")?,
    )
}

pub(crate) fn may_post(scope: &Scope, region: &str, enterprise_id: i64) -> Result<(), StoreError> {
    let regions = Regions::huzhou();
    if scope.covers_subject(regions, region, None, Some(enterprise_id)) {
        Ok(())
    } else {
        Err(StoreError::Forbidden(regions.full_name(region)))
    }
}

/// Publish a posting: audited, on the change feed, and a push task in the outbox — all in
/// the caller's transaction.
pub async fn create_posting(
    tx: &mut Tx,
    scope: &Scope,
    p: &NewPosting,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    may_post(scope, &p.region, p.enterprise_id)?;
    check_occupation(tx, "occupation", &p.occupation, false).await?;
    let seq = next_seq(tx, "postings").await?;
    let t = ts(now);
    let id = sqlx::query(
        "INSERT INTO postings (enterprise_id, title, description, occupation, skill_level, headcount, region, \
         address, lat, lon, pay_unit, pay_min_fen, pay_max_fen, monthly_min_fen, monthly_max_fen, contract_type, \
         contract_months, social_insurance, education, age_min, age_max, gig, quality, status, published_on, \
         valid_until, seq, created_by, created_at, updated_at, program) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, 'open', $24, $25, $26, $27, $28, $28, \
         $29) RETURNING id",
    )
    .bind(p.enterprise_id)
    .bind(&p.title)
    .bind(&p.description)
    .bind(&p.occupation)
    .bind(p.skill_level.as_deref())
    .bind(p.headcount)
    .bind(&p.region)
    .bind(&p.address)
    .bind(p.lat)
    .bind(p.lon)
    .bind(&p.pay_unit)
    .bind(p.pay_min_fen)
    .bind(p.pay_max_fen)
    .bind(p.monthly_min_fen)
    .bind(p.monthly_max_fen)
    .bind(&p.contract_type)
    .bind(p.contract_months)
    .bind(i64::from(p.social_insurance))
    .bind(&p.education)
    .bind(p.age_min)
    .bind(p.age_max)
    .bind(i64::from(p.gig))
    .bind(i64::from(p.quality))
    .bind(&p.published_on)
    .bind(&p.valid_until)
    .bind(seq)
    .bind(&actor.name)
    .bind(&t)
    .bind(p.program.as_deref())
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.message().to_lowercase().contains("foreign key") => invalid(
            "enterprise_id",
            "unknown_enterprise",
            "用人单位未登记",
        ),
        _ => e.into(),
    })?
    .int("id")?;
    audit::record(
        tx,
        now,
        actor,
        "posting_publish",
        "postings",
        id,
        &format!("{} {}人", p.title, p.headcount),
    )
    .await?;
    outbox_add(
        tx,
        "push_posting",
        &format!("push:{id}"),
        &id.to_string(),
        now,
    )
    .await?;
    Ok(id)
}

/// Close a posting on the change feed (the index drops it when it reads the feed).
async fn mark_closed(
    tx: &mut Tx,
    id: i64,
    today: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let seq = next_seq(tx, "postings").await?;
    sqlx::query(
        "UPDATE postings SET status = 'closed', closed_on = $2, seq = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(today)
    .bind(seq)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Close a posting (filled or withdrawn); it leaves the search index with the change feed.
pub async fn close_posting(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    today: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let p = get_posting(tx, id)
        .await?
        .ok_or(StoreError::NotFound { entity: "岗位" })?;
    may_post(scope, &p.region, p.enterprise_id)?;
    if p.status == "closed" {
        return Err(invalid("id", "closed", "该岗位已关闭"));
    }
    mark_closed(tx, id, today, now).await?;
    audit::record(tx, now, actor, "posting_close", "postings", id, &p.title).await
}

/// Close every open posting whose validity ended before `today` (a daily job); returns how many.
pub async fn expire_postings(
    tx: &mut Tx,
    today: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, StoreError> {
    let ids: Vec<i64> = crate::sql::all(
        tx,
        q(
            "SELECT id FROM postings WHERE status = 'open' AND valid_until < $1 ORDER BY id".into(),
            &[Arg::Text(today.into())],
        ),
        |r| r.int("id"),
    )
    .await?;
    for id in &ids {
        mark_closed(tx, *id, today, now).await?;
    }
    if !ids.is_empty() {
        audit::record(
            tx,
            now,
            actor,
            "postings_expire",
            "postings",
            0,
            &format!("到期关闭{}个岗位", ids.len()),
        )
        .await?;
    }
    Ok(ids.len())
}

/// One posting, whatever its state (postings are public notices).
pub async fn get_posting(tx: &mut Tx, id: i64) -> Result<Option<PostingRecord>, StoreError> {
    let sql = format!(
        "SELECT {POSTING_COLS} FROM postings p JOIN enterprises e ON e.id = p.enterprise_id WHERE p.id = $1"
    );
    crate::sql::one(tx, q(sql, &[Arg::Int(id)]), posting_from_row).await
}

/// Several postings by id, in the order of `ids` (missing ids are left out): one query for a
/// page of search results.
pub async fn get_postings(tx: &mut Tx, ids: &[i64]) -> Result<Vec<PostingRecord>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = Where::default();
    let list: Vec<String> = ids.iter().map(|id| w.arg(Arg::Int(*id))).collect();
    let sql = format!(
        "SELECT {POSTING_COLS} FROM postings p JOIN enterprises e ON e.id = p.enterprise_id WHERE p.id IN ({})",
        list.join(", ")
    );
    let mut found: std::collections::HashMap<i64, PostingRecord> =
        crate::sql::all(tx, q(sql, &w.args), posting_from_row)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// Postings in the caller's scope (an employer: its own), newest first.
pub async fn postings_in_scope(
    tx: &mut Tx,
    scope: &Scope,
    open_only: bool,
    paging: Paging,
) -> Result<Page<PostingRecord>, StoreError> {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "p.region",
        None,
        Some("p.enterprise_id = {}"),
    );
    if open_only {
        w.and_raw("p.status = 'open'");
    }
    let from = format!(
        "postings p JOIN enterprises e ON e.id = p.enterprise_id{}",
        w.sql()
    );
    crate::sql::page(
        tx,
        POSTING_COLS,
        &from,
        "p.id DESC",
        &w,
        paging,
        posting_from_row,
    )
    .await
}

/// Postings changed after `seq` (the index's change feed), in feed order.
pub async fn postings_changed_since(
    tx: &mut Tx,
    seq: i64,
    limit: i64,
) -> Result<Vec<PostingRecord>, StoreError> {
    let sql = format!(
        "SELECT {POSTING_COLS} FROM postings p JOIN enterprises e ON e.id = p.enterprise_id \
         WHERE p.seq > $1 ORDER BY p.seq LIMIT $2"
    );
    crate::sql::all(
        tx,
        q(sql, &[Arg::Int(seq), Arg::Int(limit)]),
        posting_from_row,
    )
    .await
}

/// Quality postings published in `[from, to]` and their total headcount (the 10万 target).
pub async fn quality_postings_between(
    tx: &mut Tx,
    scope: &Scope,
    from: &str,
    to: &str,
) -> Result<(i64, i64), StoreError> {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "p.region",
        None,
        Some("p.enterprise_id = {}"),
    );
    w.and(Arg::Text(from.into()), |ph| {
        format!("p.published_on >= {ph}")
    });
    w.and(Arg::Text(to.into()), |ph| format!("p.published_on <= {ph}"));
    w.and_raw("p.quality = 1");
    let sql = format!(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(p.headcount), 0) AS BIGINT) AS h FROM postings p{}",
        w.sql()
    );
    let r = q(sql, &w.args).fetch_one(&mut **tx).await?;
    Ok((r.int("n")?, r.int("h")?))
}

// ---------------------------------------------------------------- seekers

/// A job-seeker profile as written.
#[derive(Debug, Clone)]
pub struct SeekerRow {
    pub occupations: Vec<String>,
    pub skills: Vec<String>,
    pub skill_level: Option<String>,
    pub education: String,
    pub region: String,
    pub lat: f64,
    pub lon: f64,
    pub commute_km: i64,
    pub pay_wanted_fen: Option<i64>,
    pub available_from: Option<String>,
    pub gig_ok: bool,
    pub push_opt_in: bool,
}

/// A stored profile with the person's name, birth date and (full) phone. The phone is for the
/// SMS driver only; views mask it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SeekerRecord {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub birth_date: String,
    #[serde(skip)]
    pub phone: Option<String>,
    pub occupations: Vec<String>,
    pub skills: Vec<String>,
    pub skill_level: Option<String>,
    pub education: String,
    pub region: String,
    pub lat: f64,
    pub lon: f64,
    pub commute_km: i64,
    pub pay_wanted_fen: Option<i64>,
    pub available_from: Option<String>,
    pub gig_ok: bool,
    pub push_opt_in: bool,
    pub active: bool,
}

const SEEKER_COLS: &str = "s.id, s.person_id, pe.name, pe.birth_date, pe.phone, s.occupations, s.skills, \
    s.skill_level, s.education, s.region, s.lat, s.lon, s.commute_km, s.pay_wanted_fen, s.available_from, \
    s.gig_ok, s.push_opt_in, s.active";

fn split(s: String) -> Vec<String> {
    s.split(';')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn seeker_from_row(r: &sqlx::any::AnyRow) -> Result<SeekerRecord, sqlx::Error> {
    use sqlx::Row;
    Ok(SeekerRecord {
        id: r.int("id")?,
        person_id: r.int("person_id")?,
        name: r.text("name")?,
        birth_date: r.text("birth_date")?,
        phone: r.opt_text("phone")?,
        occupations: split(r.text("occupations")?),
        skills: split(r.text("skills")?),
        skill_level: r.opt_text("skill_level")?,
        education: r.text("education")?,
        region: r.text("region")?,
        lat: r.try_get("lat")?,
        lon: r.try_get("lon")?,
        commute_km: r.int("commute_km")?,
        pay_wanted_fen: r.opt_int("pay_wanted_fen")?,
        available_from: r.opt_text("available_from")?,
        gig_ok: r.flag("gig_ok")?,
        push_opt_in: r.flag("push_opt_in")?,
        active: r.flag("active")?,
    })
}

/// Does the scope reach this person (themself, or an officer of the area they live in)?
pub(crate) async fn covers_person(
    tx: &mut Tx,
    scope: &Scope,
    person_id: i64,
) -> Result<String, StoreError> {
    let region = sqlx::query("SELECT residence_region FROM persons WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.text("residence_region"))
        .transpose()?
        .ok_or(StoreError::NotFound { entity: "人员" })?;
    let regions = Regions::huzhou();
    if scope.covers_subject(regions, &region, Some(person_id), None) {
        Ok(region)
    } else {
        Err(StoreError::Forbidden(regions.full_name(&region)))
    }
}

/// Create or replace a person's job-seeker profile; audited.
pub async fn save_seeker(
    tx: &mut Tx,
    scope: &Scope,
    person_id: i64,
    s: &SeekerRow,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    covers_person(tx, scope, person_id).await?;
    for code in &s.occupations {
        let known = sqlx::query("SELECT code FROM occupations WHERE code = $1 AND deprecated = 0")
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?;
        if known.is_none() {
            return Err(invalid(
                "occupations",
                "unknown_occupation",
                format!("职业编码{code}不在职业分类大典中(或已废止)"),
            ));
        }
    }
    let id = sqlx::query(
        "INSERT INTO job_seekers (person_id, occupations, skills, skill_level, education, region, lat, lon, \
         commute_km, pay_wanted_fen, available_from, gig_ok, push_opt_in, active, updated_at, registered_on) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $15) \
         ON CONFLICT (person_id) DO UPDATE SET occupations = excluded.occupations, skills = excluded.skills, \
         skill_level = excluded.skill_level, education = excluded.education, region = excluded.region, \
         lat = excluded.lat, lon = excluded.lon, commute_km = excluded.commute_km, \
         pay_wanted_fen = excluded.pay_wanted_fen, available_from = excluded.available_from, \
         gig_ok = excluded.gig_ok, push_opt_in = excluded.push_opt_in, active = 1, updated_at = excluded.updated_at \
         RETURNING id",
    )
    .bind(person_id)
    .bind(s.occupations.join(";"))
    .bind(s.skills.join(";"))
    .bind(s.skill_level.as_deref())
    .bind(&s.education)
    .bind(&s.region)
    .bind(s.lat)
    .bind(s.lon)
    .bind(s.commute_km)
    .bind(s.pay_wanted_fen)
    .bind(s.available_from.as_deref())
    .bind(i64::from(s.gig_ok))
    .bind(i64::from(s.push_opt_in))
    .bind(ts(now))
    .bind(leye_domain::time::local_date(now).to_string())
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(
        tx,
        now,
        actor,
        "seeker_save",
        "job_seekers",
        id,
        &format!("意向职业 {}", s.occupations.join(",")),
    )
    .await?;
    Ok(id)
}

/// Turn pushes on or off for a profile (退订); audited.
pub async fn set_push(
    tx: &mut Tx,
    scope: &Scope,
    person_id: i64,
    on: bool,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    covers_person(tx, scope, person_id).await?;
    let n = sqlx::query(
        "UPDATE job_seekers SET push_opt_in = $2, updated_at = $3 WHERE person_id = $1",
    )
    .bind(person_id)
    .bind(i64::from(on))
    .bind(ts(now))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound {
            entity: "求职登记"
        });
    }
    audit::record(
        tx,
        now,
        actor,
        if on { "push_on" } else { "push_off" },
        "job_seekers",
        person_id,
        if on {
            "接收岗位推送"
        } else {
            "退订岗位推送"
        },
    )
    .await
}

/// A person's profile, if the scope reaches them.
pub async fn seeker_of_person(
    tx: &mut Tx,
    scope: &Scope,
    person_id: i64,
) -> Result<Option<SeekerRecord>, StoreError> {
    covers_person(tx, scope, person_id).await?;
    let sql = format!(
        "SELECT {SEEKER_COLS} FROM job_seekers s JOIN persons pe ON pe.id = s.person_id WHERE s.person_id = $1"
    );
    crate::sql::one(tx, q(sql, &[Arg::Int(person_id)]), seeker_from_row).await
}

/// Active seekers in scope who want an occupation in one of `majors` (大类 digits); all of
/// them when `majors` is empty. Candidates for matching a posting.
pub async fn seekers_for_matching(
    tx: &mut Tx,
    scope: &Scope,
    majors: &[&str],
    push_only: bool,
) -> Result<Vec<SeekerRecord>, StoreError> {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "s.region",
        Some("s.person_id = {}"),
        None,
    );
    w.and_raw("s.active = 1");
    if push_only {
        w.and_raw("s.push_opt_in = 1");
    }
    if !majors.is_empty() {
        let mut ors = Vec::new();
        for m in majors {
            let a = w.arg(Arg::Text(format!("{m}%")));
            let b = w.arg(Arg::Text(format!("%;{m}%")));
            ors.push(format!("s.occupations LIKE {a} OR s.occupations LIKE {b}"));
        }
        w.and_raw(&format!("({})", ors.join(" OR ")));
    }
    let sql = format!(
        "SELECT {SEEKER_COLS} FROM job_seekers s JOIN persons pe ON pe.id = s.person_id{} ORDER BY s.id",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), seeker_from_row).await
}

// ---------------------------------------------------------------- applications

/// A job application (投递) with the posting's title and the seeker's name.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JobApplicationRecord {
    pub id: i64,
    pub posting_id: i64,
    pub title: String,
    pub enterprise_name: String,
    pub seeker_id: i64,
    pub person_id: i64,
    pub name: String,
    pub state: String,
    pub created_at: String,
}

const JA_COLS: &str = "a.id, a.posting_id, p.title, e.name AS enterprise_name, a.seeker_id, s.person_id, \
    pe.name, a.state, a.created_at";
const JA_FROM: &str = "job_applications a JOIN postings p ON p.id = a.posting_id \
    JOIN enterprises e ON e.id = p.enterprise_id JOIN job_seekers s ON s.id = a.seeker_id \
    JOIN persons pe ON pe.id = s.person_id";

fn ja_from_row(r: &sqlx::any::AnyRow) -> Result<JobApplicationRecord, sqlx::Error> {
    Ok(JobApplicationRecord {
        id: r.int("id")?,
        posting_id: r.int("posting_id")?,
        title: r.text("title")?,
        enterprise_name: r.text("enterprise_name")?,
        seeker_id: r.int("seeker_id")?,
        person_id: r.int("person_id")?,
        name: r.text("name")?,
        state: r.text("state")?,
        created_at: r.text("created_at")?,
    })
}

/// A person applies to an open posting (once), at a recruitment event when `event_id` is
/// given (the posting must take part in it and the event run today); audited.
#[allow(clippy::too_many_arguments)]
pub async fn apply_to_posting(
    tx: &mut Tx,
    scope: &Scope,
    person_id: i64,
    posting_id: i64,
    event_id: Option<i64>,
    today: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    let seeker = seeker_of_person(tx, scope, person_id)
        .await?
        .ok_or_else(|| invalid("person_id", "no_profile", "请先填写求职意向,再投递简历"))?;
    let p = get_posting(tx, posting_id)
        .await?
        .ok_or(StoreError::NotFound { entity: "岗位" })?;
    if !p.is_live(today) {
        return Err(invalid("posting_id", "closed", "该岗位已停止招聘"));
    }
    if let Some(e) = event_id {
        crate::recruitment::check_event_application(tx, e, &p, today).await?;
    }
    // A post reserved for veterans (退役军人定向招录) takes applications from veterans only.
    if posting_program(tx, posting_id).await?.as_deref() == Some("veteran_direct") {
        let veteran = sqlx::query("SELECT veteran FROM persons WHERE id = $1")
            .bind(person_id)
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| r.flag("veteran"))
            .transpose()?
            .unwrap_or(false);
        if !veteran {
            return Err(invalid(
                "posting_id",
                "veterans_only",
                "该岗位为退役军人定向招录岗位,只接受退役军人投递",
            ));
        }
    }
    let done =
        sqlx::query("SELECT id FROM job_applications WHERE posting_id = $1 AND seeker_id = $2")
            .bind(posting_id)
            .bind(seeker.id)
            .fetch_optional(&mut **tx)
            .await?;
    if done.is_some() {
        return Err(invalid("posting_id", "already_applied", "您已投递过该岗位"));
    }
    let t = ts(now);
    let id = sqlx::query(
        "INSERT INTO job_applications (posting_id, seeker_id, state, created_at, updated_at, event_id) \
         VALUES ($1, $2, 'applied', $3, $3, $4) RETURNING id",
    )
    .bind(posting_id)
    .bind(seeker.id)
    .bind(&t)
    .bind(event_id)
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(
        tx,
        now,
        actor,
        "job_apply",
        "job_applications",
        id,
        &p.title,
    )
    .await?;
    Ok(id)
}

/// Applications the scope may see: a person their own, an employer those to its postings,
/// an officer those to postings in their area. Newest first, at most 500.
pub async fn job_applications(
    tx: &mut Tx,
    scope: &Scope,
    posting_id: Option<i64>,
) -> Result<Vec<JobApplicationRecord>, StoreError> {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "p.region",
        Some("s.person_id = {}"),
        Some("p.enterprise_id = {}"),
    );
    if let Some(id) = posting_id {
        w.and(Arg::Int(id), |ph| format!("a.posting_id = {ph}"));
    }
    let sql = format!(
        "SELECT {JA_COLS} FROM {JA_FROM}{} ORDER BY a.id DESC LIMIT 500",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), ja_from_row).await
}

/// The employer (or an officer) moves an application on: interview, hired or declined.
pub async fn set_job_application_state(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    state: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "p.region",
        None,
        Some("p.enterprise_id = {}"),
    );
    w.and(Arg::Int(id), |ph| format!("a.id = {ph}"));
    let sql = format!("SELECT {JA_COLS} FROM {JA_FROM}{}", w.sql());
    let a = crate::sql::one(tx, q(sql, &w.args), ja_from_row)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "投递记录"
        })?;
    let allowed = matches!(
        (a.state.as_str(), state),
        ("applied", "interview" | "hired" | "declined") | ("interview", "hired" | "declined")
    );
    if !allowed {
        return Err(invalid(
            "state",
            "invalid_transition",
            format!("投递记录当前状态不能改为“{state}”"),
        ));
    }
    // An interview is remembered even when the application later ends declined; a hire
    // without a recorded interview counts as interviewed.
    sqlx::query(
        "UPDATE job_applications SET state = $2, updated_at = $3, interviewed_at = CASE \
         WHEN $2 IN ('interview', 'hired') THEN COALESCE(interviewed_at, $3) ELSE interviewed_at END WHERE id = $1",
    )
        .bind(id)
        .bind(state)
        .bind(ts(now))
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        now,
        actor,
        "job_application_state",
        "job_applications",
        id,
        state,
    )
    .await
}

// ---------------------------------------------------------------- outbox and notifications

/// A task waiting in the outbox.
#[derive(Debug, Clone)]
pub struct OutboxTask {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub payload: String,
    pub attempts: i64,
}

/// Add a task unless one with the same key exists (a repeat is a no-op).
pub async fn outbox_add(
    tx: &mut Tx,
    kind: &str,
    key: &str,
    payload: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (kind, key, payload, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING",
    )
    .bind(kind)
    .bind(key)
    .bind(payload)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The oldest pending tasks of a kind (at most `limit`, fewer than `max_attempts` tries).
pub async fn outbox_pending(
    tx: &mut Tx,
    kind: &str,
    limit: i64,
    max_attempts: i64,
) -> Result<Vec<OutboxTask>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT id, kind, key, payload, attempts FROM outbox WHERE done_at IS NULL AND kind = $1 \
             AND attempts < $2 ORDER BY id LIMIT $3"
                .into(),
            &[Arg::Text(kind.into()), Arg::Int(max_attempts), Arg::Int(limit)],
        ),
        |r| {
            Ok(OutboxTask {
                id: r.int("id")?,
                kind: r.text("kind")?,
                key: r.text("key")?,
                payload: r.text("payload")?,
                attempts: r.int("attempts")?,
            })
        },
    )
    .await
}

/// Claim a task inside the transaction that does its work: false when another worker already
/// finished it. On PostgreSQL the row stays locked to the commit.
pub async fn outbox_claim(tx: &mut Tx, id: i64) -> Result<bool, StoreError> {
    Ok(
        sqlx::query("UPDATE outbox SET attempts = attempts + 1 WHERE id = $1 AND done_at IS NULL")
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected()
            == 1,
    )
}

/// Mark a claimed task done (same transaction as its work).
pub async fn outbox_done(
    tx: &mut Tx,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE outbox SET done_at = $2, last_error = NULL WHERE id = $1")
        .bind(id)
        .bind(ts(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Record a failed attempt (its own transaction, after the work's was rolled back).
pub async fn outbox_failed(tx: &mut Tx, id: i64, why: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1")
        .bind(id)
        .bind(why.chars().take(500).collect::<String>())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Pending outbox tasks by kind (for the health page).
pub async fn outbox_backlog(tx: &mut Tx) -> Result<Vec<(String, i64)>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT kind, COUNT(*) AS n FROM outbox WHERE done_at IS NULL GROUP BY kind ORDER BY kind".into(),
            &[],
        ),
        |r| Ok((r.text("kind")?, r.int("n")?)),
    )
    .await
}

/// Notify a seeker of a posting unless they had it already or reached `cap` today. Returns the
/// notification id when one was written.
#[allow(clippy::too_many_arguments)]
pub async fn notify(
    tx: &mut Tx,
    seeker_id: i64,
    posting_id: i64,
    day: &str,
    score: i64,
    reason: &str,
    cap: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<i64>, StoreError> {
    let r = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM notifications WHERE seeker_id = $1 AND day = $2) AS today, \
         (SELECT COUNT(*) FROM notifications WHERE seeker_id = $1 AND posting_id = $3) AS same",
    )
    .bind(seeker_id)
    .bind(day)
    .bind(posting_id)
    .fetch_one(&mut **tx)
    .await?;
    if r.int("same")? > 0 || r.int("today")? >= cap {
        return Ok(None);
    }
    let id = sqlx::query(
        "INSERT INTO notifications (seeker_id, posting_id, day, score, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(seeker_id)
    .bind(posting_id)
    .bind(day)
    .bind(score)
    .bind(reason)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    Ok(Some(id))
}

/// One notification in a seeker's inbox.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NotificationRecord {
    pub id: i64,
    pub posting_id: i64,
    pub title: String,
    pub enterprise_name: String,
    pub score: i64,
    pub reason: String,
    pub created_at: String,
    pub read: bool,
}

/// A person's inbox (their own only), newest first, and mark it read.
pub async fn inbox(
    tx: &mut Tx,
    scope: &Scope,
    person_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<NotificationRecord>, StoreError> {
    covers_person(tx, scope, person_id).await?;
    let rows = crate::sql::all(
        tx,
        q(
            "SELECT n.id, n.posting_id, p.title, e.name AS enterprise_name, n.score, n.reason, n.created_at, \
             n.read_at FROM notifications n JOIN job_seekers s ON s.id = n.seeker_id \
             JOIN postings p ON p.id = n.posting_id JOIN enterprises e ON e.id = p.enterprise_id \
             WHERE s.person_id = $1 ORDER BY n.id DESC LIMIT 200"
                .into(),
            &[Arg::Int(person_id)],
        ),
        |r| {
            Ok(NotificationRecord {
                id: r.int("id")?,
                posting_id: r.int("posting_id")?,
                title: r.text("title")?,
                enterprise_name: r.text("enterprise_name")?,
                score: r.int("score")?,
                reason: r.text("reason")?,
                created_at: r.text("created_at")?,
                read: r.opt_text("read_at")?.is_some(),
            })
        },
    )
    .await?;
    sqlx::query(
        "UPDATE notifications SET read_at = $2 WHERE read_at IS NULL AND seeker_id IN \
         (SELECT id FROM job_seekers WHERE person_id = $1)",
    )
    .bind(person_id)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    Ok(rows)
}

/// The logging SMS driver's write: true when this key was not sent before.
pub async fn sms_log(
    tx: &mut Tx,
    key: &str,
    phone_masked: &str,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    Ok(sqlx::query(
        "INSERT INTO sms_log (key, phone_masked, text, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(phone_masked)
    .bind(text)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// What a text message about a notification needs: the phone, the posting's title, employer
/// and pay (min, max, unit). `None` when the notification is gone or the person has no phone.
#[allow(clippy::type_complexity)]
pub async fn notification_contact(
    tx: &mut Tx,
    notification_id: i64,
) -> Result<Option<(String, String, String, i64, i64, String)>, StoreError> {
    let r = sqlx::query(
        "SELECT pe.phone, p.title, e.name AS enterprise_name, p.pay_min_fen, p.pay_max_fen, p.pay_unit \
         FROM notifications n JOIN job_seekers s ON s.id = n.seeker_id JOIN persons pe ON pe.id = s.person_id \
         JOIN postings p ON p.id = n.posting_id JOIN enterprises e ON e.id = p.enterprise_id WHERE n.id = $1",
    )
    .bind(notification_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(r) = r else { return Ok(None) };
    let Some(phone) = r.opt_text("phone")? else {
        return Ok(None);
    };
    Ok(Some((
        phone,
        r.text("title")?,
        r.text("enterprise_name")?,
        r.int("pay_min_fen")?,
        r.int("pay_max_fen")?,
        r.text("pay_unit")?,
    )))
}

/// Every enterprise with its county (for synthetic postings).
pub async fn enterprise_regions(tx: &mut Tx) -> Result<Vec<(i64, String)>, StoreError> {
    crate::sql::all(
        tx,
        q("SELECT id, region FROM enterprises ORDER BY id".into(), &[]),
        |r| Ok((r.int("id")?, r.text("region")?.chars().take(6).collect())),
    )
    .await
}

/// Up to `limit` persons whose current labour status is `status`, with where they live.
pub async fn persons_with_status(
    tx: &mut Tx,
    status: &str,
    limit: i64,
) -> Result<Vec<(i64, String)>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT id, residence_region FROM persons WHERE labour_status = $1 ORDER BY id LIMIT $2".into(),
            &[Arg::Text(status.into()), Arg::Int(limit)],
        ),
        |r| Ok((r.int("id")?, r.text("residence_region")?)),
    )
    .await
}

/// The programme (专项岗位) of a posting, if any.
pub async fn posting_program(tx: &mut Tx, id: i64) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query("SELECT program FROM postings WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.opt_text("program"))
        .transpose()?
        .flatten())
}

/// Open postings of these programmes in scope (by the posting's region), newest first:
/// (id, title, employer, programme, headcount).
pub async fn program_postings(
    tx: &mut Tx,
    scope: &Scope,
    programs: &[&str],
    today: &str,
    limit: i64,
) -> Result<Vec<(i64, String, String, String, i64)>, StoreError> {
    if programs.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "p.region",
        None,
        Some("p.enterprise_id = {}"),
    );
    let list: Vec<String> = programs
        .iter()
        .map(|c| w.arg(Arg::Text((*c).to_string())))
        .collect();
    w.and_raw(&format!("p.program IN ({})", list.join(", ")));
    w.and_raw("p.status = 'open'");
    w.and(Arg::Text(today.to_string()), |ph| {
        format!("p.valid_until >= {ph}")
    });
    // A number, not a parameter (see `sql::page`).
    let sql = format!(
        "SELECT p.id, p.title, e.name AS employer, p.program, p.headcount FROM postings p \
         JOIN enterprises e ON e.id = p.enterprise_id{} ORDER BY p.id DESC LIMIT {limit}",
        w.sql()
    );
    let rows = q(sql, &w.args).fetch_all(&mut **tx).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.int("id")?,
                r.text("title")?,
                r.text("employer")?,
                r.opt_text("program")?.unwrap_or_default(),
                r.int("headcount")?,
            ))
        })
        .collect()
}

/// The occupation code must be in the taxonomy (职业分类大典); a deprecated one is refused
/// unless `deprecated_ok` (a certificate issued under an old code stays true).
pub(crate) async fn check_occupation(
    tx: &mut Tx,
    field: &'static str,
    code: &str,
    deprecated_ok: bool,
) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT deprecated FROM occupations WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut **tx)
        .await?;
    match row.map(|r| r.flag("deprecated")).transpose()? {
        None => Err(invalid(
            field,
            "unknown_occupation",
            format!("职业编码{code}不在职业分类大典中"),
        )),
        Some(true) if !deprecated_ok => Err(invalid(
            field,
            "deprecated_occupation",
            format!("职业编码{code}已废止,请选用现行职业"),
        )),
        Some(_) => Ok(()),
    }
}
