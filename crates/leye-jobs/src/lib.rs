//! The job market (就业市场) of leye, plan 二(五)3 "岗位信息市域共享,求职一键触达":
//!
//! - **Postings** are checked by the domain (fair hiring, ranges), then priced here: the pay
//!   is converted to a monthly figure (劳社部发〔2008〕3号), refused below the minimum wage,
//!   and marked a **quality job** (优质就业岗位) when it meets `quality_job.toml`.
//! - **Search** ([`index`]): tantivy + jieba over live postings, following the change feed.
//! - **Matching** ([`matching`]): postings for a seeker, seekers for a posting, each scored
//!   with an explanation.
//! - **Push** ([`push`]): publishing writes an outbox task in the same transaction; the worker
//!   notifies fitting seekers (inbox + SMS through a driver), capped per day, never twice.

pub mod index;
pub mod matching;
pub mod push;
pub mod shortage;

use chrono::{DateTime, NaiveDate, Utc};
use leye_domain::jobs::{PayUnit, PostingFacts, PostingInput, SeekerInput};
use leye_domain::{FieldError, Money, Regions, Scope};
use leye_policy::{ParamUse, PolicyError};
use leye_store::{Actor, NewPosting, PostingRecord, SeekerRow, Store, StoreError};
use thiserror::Error;

mod params {
    leye_policy::param_file!("quality_job.toml");
}

mod matching_params {
    leye_policy::param_file!("matching.toml");
}

mod events_params {
    leye_policy::param_file!("events.toml");
}

pub use events_params::params as events_params;
pub use matching_params::params as matching_params;
pub use params::params as quality_params;

/// Why a job-market step failed.
#[derive(Debug, Error)]
pub enum JobsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("{}", .0.first().map(|e| e.message.as_str()).unwrap_or("输入有误"))]
    Fields(Vec<FieldError>),
    #[error("检索索引出错: {0}")]
    Index(String),
    /// Stored data this version cannot read (a task's payload, a posting's codes).
    #[error("数据有误: {0}")]
    Data(String),
}

impl From<FieldError> for JobsError {
    fn from(e: FieldError) -> Self {
        JobsError::Fields(vec![e])
    }
}

impl From<leye_store::DbError> for JobsError {
    fn from(e: leye_store::DbError) -> Self {
        JobsError::Store(e.into())
    }
}

impl From<tantivy::TantivyError> for JobsError {
    fn from(e: tantivy::TantivyError) -> Self {
        JobsError::Index(e.to_string())
    }
}

/// A posting's pay in monthly terms, its minimum-wage check and its quality status, with the
/// parameter values used.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Pricing {
    pub monthly_min_fen: i64,
    pub monthly_max_fen: i64,
    pub quality: bool,
    /// Why it is (or is not) a quality job, condition by condition.
    pub reasons: Vec<(String, bool)>,
    pub params: Vec<ParamUse>,
}

/// What pricing reads of a posting: its pay and its contract.
#[derive(Debug, Clone, Copy)]
pub struct PayTerms {
    pub pay_unit: PayUnit,
    pub pay_min: Money,
    pub pay_max: Money,
    pub contract_type: leye_domain::jobs::ContractType,
    pub contract_months: Option<i64>,
    pub social_insurance: bool,
}

impl From<&PostingFacts> for PayTerms {
    fn from(p: &PostingFacts) -> Self {
        Self {
            pay_unit: p.pay_unit,
            pay_min: p.pay_min,
            pay_max: p.pay_max,
            contract_type: p.contract_type,
            contract_months: p.contract_months,
            social_insurance: p.social_insurance,
        }
    }
}

impl PayTerms {
    /// The terms of a stored posting (`None` if its codes are unknown to this version).
    pub fn of_record(p: &PostingRecord) -> Option<Self> {
        Some(Self {
            pay_unit: PayUnit::from_code(&p.pay_unit)?,
            pay_min: Money::from_fen(p.pay_min_fen),
            pay_max: Money::from_fen(p.pay_max_fen),
            contract_type: leye_domain::jobs::ContractType::from_code(&p.contract_type)?,
            contract_months: p.contract_months,
            social_insurance: p.social_insurance,
        })
    }
}

/// Price a checked posting on `on`. Pay below the minimum wage is refused (劳动法第48条).
pub fn price(p: &PostingFacts, on: NaiveDate) -> Result<Pricing, JobsError> {
    price_terms(&PayTerms::from(p), on)
}

/// [`price`] over the terms alone (a stored posting's reasons are shown this way).
pub fn price_terms(p: &PayTerms, on: NaiveDate) -> Result<Pricing, JobsError> {
    let q = params::params()?;
    let mw = leye_policy::measures::common::minimum_wage_params()?;
    let (month_min, mu) = mw.int_at("monthly_fen", on)?;
    let (hour_min, hu) = mw.int_at("hourly_fen", on)?;
    let (days_x100, du) = q.int_at("pay_days_per_month", on)?;
    let (hours, hsu) = q.int_at("pay_hours_per_month", on)?;
    let (ratio, ru) = q.int_at("pay_ratio_percent", on)?;
    let (months, cu) = q.int_at("contract_months", on)?;
    let (si, su) = q.int_at("social_insurance", on)?;
    let monthly = |m: Money| -> i64 {
        match p.pay_unit {
            PayUnit::Month => m.fen(),
            PayUnit::Day => m.fen().saturating_mul(days_x100) / 100,
            PayUnit::Hour => m.fen().saturating_mul(hours),
        }
    };
    // The floor in the posting's own unit.
    let (floor, floor_label) = match p.pay_unit {
        PayUnit::Month => (
            month_min,
            format!("月最低工资标准{}元", Money::from_fen(month_min)),
        ),
        PayUnit::Day => {
            let f = (month_min * 100 + days_x100 - 1) / days_x100;
            (
                f,
                format!(
                    "折合日最低工资{}元(月标准÷{}.{:02})",
                    Money::from_fen(f),
                    days_x100 / 100,
                    days_x100 % 100
                ),
            )
        }
        PayUnit::Hour => (
            hour_min,
            format!("小时最低工资标准{}元", Money::from_fen(hour_min)),
        ),
    };
    if p.pay_min.fen() < floor {
        return Err(FieldError::new(
            "pay_min",
            "below_minimum_wage",
            format!(
                "薪酬下限{}元低于{floor_label}(浙江省最低工资标准,{}起执行),不得发布",
                p.pay_min,
                if p.pay_unit == PayUnit::Hour {
                    hu.from
                } else {
                    mu.from
                }
            ),
        )
        .into());
    }
    let (mmin, mmax) = (monthly(p.pay_min), monthly(p.pay_max));
    let pay_ok = mmin * 100 >= month_min * ratio;
    let contract_ok = match p.contract_type {
        leye_domain::jobs::ContractType::OpenEnded => true,
        leye_domain::jobs::ContractType::Fixed => p.contract_months.unwrap_or(0) >= months,
        _ => false,
    };
    let si_ok = si == 0 || p.social_insurance;
    let reasons = vec![
        (
            format!(
                "月薪下限{}元{}最低工资标准的{ratio}%({}元)",
                Money::from_fen(mmin),
                if pay_ok { "达到" } else { "未达到" },
                Money::from_fen(month_min * ratio / 100)
            ),
            pay_ok,
        ),
        (
            format!(
                "劳动合同{}({}个月以上或无固定期限)",
                if contract_ok { "符合" } else { "不符合" },
                months
            ),
            contract_ok,
        ),
        (
            if p.social_insurance {
                "依法缴纳社会保险".to_string()
            } else {
                "未承诺缴纳社会保险".to_string()
            },
            si_ok,
        ),
    ];
    Ok(Pricing {
        monthly_min_fen: mmin,
        monthly_max_fen: mmax,
        quality: pay_ok && contract_ok && si_ok,
        reasons,
        params: vec![mu, hu, du, hsu, ru, cu, su],
    })
}

/// Check, price and publish a posting for an enterprise; returns its id. The push task and the
/// audit row are written in the same transaction.
pub async fn publish(
    store: &Store,
    scope: &Scope,
    enterprise_id: i64,
    input: &PostingInput,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<(i64, Pricing), JobsError> {
    let facts = input
        .parse_all(Regions::huzhou(), today)
        .map_err(JobsError::Fields)?;
    let pricing = price(&facts, today)?;
    let row = NewPosting {
        enterprise_id,
        title: facts.title.clone(),
        description: facts.description.clone(),
        occupation: facts.occupation.to_string(),
        skill_level: facts.skill_level.map(|l| l.code().to_string()),
        headcount: facts.headcount,
        region: facts.region.as_str().to_string(),
        address: facts.address.clone(),
        lat: facts.lat,
        lon: facts.lon,
        pay_unit: facts.pay_unit.code().to_string(),
        pay_min_fen: facts.pay_min.fen(),
        pay_max_fen: facts.pay_max.fen(),
        monthly_min_fen: pricing.monthly_min_fen,
        monthly_max_fen: pricing.monthly_max_fen,
        contract_type: facts.contract_type.code().to_string(),
        contract_months: facts.contract_months,
        social_insurance: facts.social_insurance,
        education: facts.education.code().to_string(),
        age_min: facts.age_min,
        age_max: facts.age_max,
        gig: facts.is_gig(),
        quality: pricing.quality,
        published_on: today.to_string(),
        valid_until: facts.valid_until.to_string(),
        program: facts.program.map(|p| p.code().to_string()),
    };
    let mut tx = store.begin().await?;
    let id = leye_store::create_posting(&mut tx, scope, &row, actor, now).await?;
    tx.commit().await?;
    Ok((id, pricing))
}

/// Check and save a person's job-seeker profile (its coordinates are the region's centre).
pub async fn save_profile(
    store: &Store,
    scope: &Scope,
    person_id: i64,
    input: &SeekerInput,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64, JobsError> {
    let f = input
        .parse_all(Regions::huzhou())
        .map_err(JobsError::Fields)?;
    let centre = Regions::huzhou().get(f.region.as_str());
    let row = SeekerRow {
        occupations: f.occupations.iter().map(ToString::to_string).collect(),
        skills: f.skills.clone(),
        skill_level: f.skill_level.map(|l| l.code().to_string()),
        education: f.education.code().to_string(),
        region: f.region.as_str().to_string(),
        lat: centre.map_or(30.8941, |r| r.lat),
        lon: centre.map_or(120.0868, |r| r.lon),
        commute_km: f.commute_km,
        pay_wanted_fen: f.pay_wanted.map(|m| m.fen()),
        available_from: f.available_from.map(|d| d.to_string()),
        gig_ok: f.gig_ok,
        push_opt_in: f.push_opt_in,
    };
    let mut tx = store.begin().await?;
    let id = leye_store::save_seeker(&mut tx, scope, person_id, &row, actor, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The matching weights in force on `on`.
pub fn weights(on: NaiveDate) -> Result<matching::Weights, JobsError> {
    let p = matching_params()?;
    let w = |n: &str| p.int_at(n, on).map(|(v, _)| v as f64);
    Ok(matching::Weights {
        occupation: w("weight_occupation")?,
        skills: w("weight_skills")?,
        distance: w("weight_distance")?,
        pay: w("weight_pay")?,
        level: w("weight_level")?,
    })
}

/// Occupation code → name, for indexing and explanations.
pub async fn occupation_names(store: &Store) -> Result<index::OccupationNames, JobsError> {
    let mut tx = store.begin_read().await?;
    let names = names_in(&mut tx).await?;
    tx.commit().await?;
    Ok(names)
}

async fn names_in(tx: &mut leye_store::Tx) -> Result<index::OccupationNames, JobsError> {
    Ok(leye_store::occupations(tx)
        .await?
        .into_iter()
        .map(|o| (o.code, o.name))
        .collect())
}

/// Bring the index up to the database: apply every posting changed since the index's last
/// change number. Returns how many postings were applied.
pub async fn refresh_index(
    store: &Store,
    idx: &index::SearchIndex,
    names: &index::OccupationNames,
    today: NaiveDate,
) -> Result<usize, JobsError> {
    let mut n = 0;
    loop {
        let mut tx = store.begin_read().await?;
        let batch = leye_store::postings_changed_since(&mut tx, idx.seq(), 20_000).await?;
        tx.commit().await?;
        if batch.is_empty() {
            return Ok(n);
        }
        n += batch.len();
        idx.apply(&batch, names, &today.to_string())?;
    }
}

/// The best postings for a person's profile: candidates from the index (their occupations'
/// major groups within reach), scored and explained.
pub async fn postings_for_person(
    store: &Store,
    idx: &index::SearchIndex,
    scope: &Scope,
    person_id: i64,
    today: NaiveDate,
    n: usize,
) -> Result<Vec<(PostingRecord, matching::Match)>, JobsError> {
    let mut tx = store.begin_read().await?;
    let Some(rec) = leye_store::seeker_of_person(&mut tx, scope, person_id).await? else {
        return Ok(Vec::new());
    };
    let seeker = matching::Seeker::from_record(&rec, today);
    let mut ids = Vec::new();
    let mut majors: Vec<&str> = seeker.occupations.iter().map(|o| o.major()).collect();
    majors.sort_unstable();
    majors.dedup();
    for occ in majors {
        let r = idx.search(&index::SearchQuery {
            occupation: Some(occ.to_string()),
            near: Some((seeker.lat, seeker.lon, (seeker.commute_km * 3.0).max(20.0))),
            today: today.to_string(),
            limit: 100,
            ..Default::default()
        })?;
        ids.extend(r.hits.into_iter().map(|h| h.id));
    }
    let names = names_in(&mut tx).await?;
    let w = weights(today)?;
    let mut out = Vec::new();
    for p in leye_store::get_postings(&mut tx, &ids).await? {
        let name = names.get(&p.occupation).cloned().unwrap_or_default();
        if let Some(m) = matching::Posting::from_record(&p, &name)
            .and_then(|pp| matching::score(&seeker, &pp, &w))
        {
            out.push((p, m));
        }
    }
    tx.commit().await?;
    out.sort_by(|a, b| b.1.score.cmp(&a.1.score).then(a.0.id.cmp(&b.0.id)));
    out.truncate(n);
    Ok(out)
}

/// The best seekers for a posting among those the caller may see (their area's registry).
pub async fn seekers_for_posting(
    store: &Store,
    scope: &Scope,
    posting_id: i64,
    today: NaiveDate,
    n: usize,
    push_only: bool,
) -> Result<
    (
        PostingRecord,
        Vec<(leye_store::SeekerRecord, matching::Match)>,
    ),
    JobsError,
> {
    let mut tx = store.begin_read().await?;
    let p = leye_store::get_posting(&mut tx, posting_id)
        .await?
        .ok_or(StoreError::NotFound { entity: "岗位" })?;
    let names = names_in(&mut tx).await?;
    let posting =
        matching::Posting::from_record(&p, names.get(&p.occupation).map_or("", String::as_str))
            .ok_or_else(|| JobsError::Data(format!("岗位{}的职业编码无效", p.id)))?;
    let major = posting.occupation.major().to_string();
    let records =
        leye_store::seekers_for_matching(&mut tx, scope, &[major.as_str()], push_only).await?;
    tx.commit().await?;
    let seekers: Vec<matching::Seeker> = records
        .iter()
        .map(|r| matching::Seeker::from_record(r, today))
        .collect();
    let w = weights(today)?;
    let best = matching::best_seekers(&seekers, &posting, &w, n);
    let by_id: std::collections::HashMap<i64, &leye_store::SeekerRecord> =
        records.iter().map(|r| (r.id, r)).collect();
    let out = best
        .into_iter()
        .filter_map(|(s, m)| by_id.get(&s.id).map(|r| ((*r).clone(), m)))
        .collect();
    Ok((p, out))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod market_tests;

/// The columns of an occupation table (职业分类大典), Chinese names first.
pub const OCCUPATION_COLUMNS: &[(&str, &[&str])] = &[
    ("code", &["职业编码", "编码", "code"]),
    ("name", &["职业名称", "名称", "name"]),
    ("parent", &["上级编码", "parent"]),
    ("digital", &["数字职业", "digital"]),
    ("green", &["绿色职业", "green"]),
    ("deprecated", &["已废止", "deprecated"]),
    ("source", &["来源", "source"]),
];

fn flag_cell(s: &str) -> Option<bool> {
    match s.trim() {
        "" | "0" | "否" | "N" | "n" | "false" => Some(false),
        "1" | "是" | "Y" | "y" | "true" | "S" | "L" | "S/L" => Some(true),
        _ => None,
    }
}

/// Import an occupation table (CSV or XLSX). Every row is checked first (code format, parent
/// that exists in the file or the database, flags); any bad row refuses the whole file with
/// its row number. Entries are never deleted: a code missing from the file stays as it was.
pub async fn import_occupations(
    store: &Store,
    file_name: &str,
    bytes: &[u8],
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(usize, usize), JobsError> {
    let known: Vec<&str> = OCCUPATION_COLUMNS
        .iter()
        .flat_map(|(_, a)| a.iter().copied())
        .collect();
    let table = leye_io::table::read(file_name, bytes, &known)
        .map_err(|e| JobsError::from(FieldError::new("file", "unreadable", e.to_string())))?;
    let col = |key: &str| -> Option<usize> {
        let aliases = OCCUPATION_COLUMNS.iter().find(|(k, _)| *k == key)?.1;
        table
            .headers
            .iter()
            .position(|h| aliases.contains(&h.as_str()))
    };
    let (Some(code_c), Some(name_c)) = (col("code"), col("name")) else {
        return Err(FieldError::new(
            "file",
            "missing_columns",
            "缺少必填列: 职业编码、职业名称".to_string(),
        )
        .into());
    };
    let (parent_c, digital_c, green_c, dep_c, source_c) = (
        col("parent"),
        col("digital"),
        col("green"),
        col("deprecated"),
        col("source"),
    );
    let mut tx = store.begin().await?;
    let existing: std::collections::HashSet<String> = leye_store::occupations(&mut tx)
        .await?
        .into_iter()
        .map(|o| o.code)
        .collect();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for r in &table.rows {
        let cell = |c: Option<usize>| {
            c.and_then(|i| r.cells.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let flag = |c: Option<usize>, label: &str| {
            flag_cell(&cell(c)).ok_or_else(|| {
                FieldError::new(
                    "file",
                    "invalid_flag",
                    format!("第{}行: {label}应为“是”或“否”", r.number),
                )
            })
        };
        let parsed = (|| {
            let o = leye_domain::jobs::occupation_row(
                &cell(Some(code_c)),
                &cell(Some(name_c)),
                &cell(parent_c),
                flag(digital_c, "数字职业")?,
                flag(green_c, "绿色职业")?,
                flag(dep_c, "已废止")?,
                &cell(source_c),
            )
            .map_err(|e| {
                FieldError::new("file", e.code, format!("第{}行: {}", r.number, e.message))
            })?;
            Ok::<_, FieldError>(o)
        })();
        match parsed {
            Ok(o) => rows.push((r.number, o)),
            Err(e) => errors.push(e),
        }
    }
    let codes: std::collections::HashSet<&str> =
        rows.iter().map(|(_, o)| o.code.as_str()).collect();
    for (number, o) in &rows {
        if let Some(p) = &o.parent
            && !codes.contains(p.as_str())
            && !existing.contains(p)
        {
            errors.push(FieldError::new(
                "file",
                "unknown_parent",
                format!("第{number}行: 上级编码{p}既不在文件中也未登记"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(JobsError::Fields(errors));
    }
    let rows: Vec<_> = rows.into_iter().map(|(_, o)| o).collect();
    let n = leye_store::upsert_occupations(&mut tx, &rows, false, actor, now).await?;
    tx.commit().await?;
    Ok(n)
}
