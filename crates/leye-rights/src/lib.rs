//! Labour rights (劳动者权益), plan 二(六).
//!
//! - **Wage arrears** (欠薪, 二(六)3): cases from complaints, the hotline, inspection or early
//!   warning, each on a route (mediation, inspection enforcement, arbitration, joint punishment,
//!   transfer to the police) whose deadline is a parameter; overdue cases; repeat offenders.
//! - **安薪指数** per township and month: no official formula was found, so this is a local,
//!   transparent composite — weights, caps and the accountability threshold are parameters
//!   (`data/parameters/rights.toml`, marked "local definition"), [`index`] is a pure function
//!   of its inputs, and the page shows the method next to the ranking.
//! - **Labour disputes** (劳动争议): mediation (15 days) and arbitration (45 days from acceptance,
//!   extendable once by at most 15), outcomes, the share settled by mediation.

pub mod catalogue;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use leye_domain::region::RegionLevel;
use leye_domain::{FieldError, Money, Regions, Scope};
use leye_policy::PolicyError;
use leye_store::{Actor, ArrearsRecord, NewArrears, NewDispute, Store, StoreError};
use std::collections::HashMap;
use thiserror::Error;

mod params {
    leye_policy::param_file!("rights.toml");
}

/// Why a labour-rights step failed.
#[derive(Debug, Error)]
pub enum RightsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("{}", .0.message)]
    Field(FieldError),
}

impl From<FieldError> for RightsError {
    fn from(e: FieldError) -> Self {
        RightsError::Field(e)
    }
}

impl From<leye_store::DbError> for RightsError {
    fn from(e: leye_store::DbError) -> Self {
        RightsError::Store(e.into())
    }
}

leye_domain::code_enum! {
    /// 处置途径: how an arrears case is pursued.
    Route {
        Mediation = ("mediation", "调解"),
        Inspection = ("inspection", "劳动保障监察执法"),
        Arbitration = ("arbitration", "仲裁"),
        JointPunishment = ("joint_punishment", "失信联合惩戒"),
        Police = ("police", "移送公安(拒不支付劳动报酬)"),
    }
}

leye_domain::code_enum! {
    /// 行业主管部门 ("管行业管欠薪").
    Department {
        Construction = ("construction", "住房和城乡建设"),
        Transport = ("transport", "交通运输"),
        Water = ("water", "水利"),
        Other = ("other", "其他"),
    }
}

leye_domain::code_enum! {
    /// 线索来源.
    Source {
        Complaint = ("complaint", "投诉"),
        Hotline = ("hotline", "热线"),
        Inspection = ("inspection", "监察检查"),
        Warning = ("warning", "预警发现"),
    }
}

leye_domain::code_enum! {
    /// 争议类别.
    DisputeKind {
        Mediation = ("mediation", "调解"),
        Arbitration = ("arbitration", "仲裁"),
    }
}

leye_domain::code_enum! {
    /// 争议结果.
    Outcome {
        Mediated = ("mediated", "调解结案"),
        Award = ("award", "裁决"),
        Withdrawn = ("withdrawn", "撤回"),
        Dismissed = ("dismissed", "不予受理或驳回"),
    }
}

fn days_param(name: &str, on: NaiveDate) -> Result<i64, RightsError> {
    Ok(params::params()?.int_at(name, on)?.0)
}

fn plus(d: NaiveDate, days: i64) -> NaiveDate {
    d.checked_add_days(Days::new(days.max(0) as u64))
        .unwrap_or(d)
}

/// The deadline of an arrears case opened on `opened` on `route`.
pub fn arrears_deadline(route: Route, opened: NaiveDate) -> Result<NaiveDate, RightsError> {
    let name = format!("arrears_deadline_{}_days", route.code());
    Ok(plus(opened, days_param(&name, opened)?))
}

/// What an officer types for a new case.
#[derive(Debug, Clone, Default)]
pub struct ArrearsRequest {
    pub employer_name: String,
    pub project: String,
    pub department: String,
    pub source: String,
    pub region: String,
    pub workers: String,
    pub claimed_yuan: String,
    pub route: String,
    pub opened_on: String,
}

/// Record an arrears case: every field checked, the deadline from its route.
pub async fn open_arrears(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    r: &ArrearsRequest,
) -> Result<i64, RightsError> {
    let today = leye_domain::time::local_date(now);
    let case = check_arrears(r, today)?;
    let mut tx = store.begin().await?;
    let id = leye_store::create_arrears(&mut tx, scope, &case, actor, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Check a new case as typed (a form or a file row) on `today`: the case to write.
pub fn check_arrears(r: &ArrearsRequest, today: NaiveDate) -> Result<NewArrears, RightsError> {
    let employer_name =
        leye_domain::field::text("employer_name", "欠薪单位", &r.employer_name, 100)?;
    let department = Department::parse_field("department", "行业主管部门", &r.department)?;
    let source = Source::parse_field("source", "线索来源", &r.source)?;
    let route = Route::parse_field("route", "处置途径", &r.route)?;
    let regions = Regions::huzhou();
    let region = regions
        .code(&r.region)
        .map_err(|e| FieldError::new("region", "invalid_region", e.to_string()))?;
    if regions
        .get(region.as_str())
        .is_none_or(|x| x.level != RegionLevel::Township)
    {
        return Err(
            FieldError::new("region", "not_township", "请填写乡镇(街道)的9位区划代码").into(),
        );
    }
    let workers = r
        .workers
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0 && *n <= 100_000)
        .ok_or_else(|| {
            FieldError::new("workers", "invalid_count", "涉及人数应为1至100000的整数")
        })?;
    let claimed = Money::parse_yuan(&r.claimed_yuan)
        .ok()
        .filter(|m| m.fen() > 0)
        .ok_or_else(|| {
            FieldError::new(
                "claimed_yuan",
                "invalid_money",
                format!("涉及金额“{}”无效", r.claimed_yuan.trim()),
            )
        })?;
    let opened = leye_domain::cells::required_date("opened_on", "立案日期", &r.opened_on)?;
    if opened > today {
        return Err(FieldError::new("opened_on", "future", "立案日期不能晚于今天").into());
    }
    let due = arrears_deadline(route, opened)?;
    Ok(NewArrears {
        employer_name,
        enterprise_id: None,
        project: r.project.trim().chars().take(100).collect(),
        department: department.code().into(),
        source: source.code().into(),
        region: region.as_str().into(),
        workers,
        claimed_fen: claimed.fen(),
        route: route.code().into(),
        opened_on: opened.to_string(),
        due_on: due.to_string(),
    })
}

/// The columns of an arrears file (欠薪案件导入).
pub const ARREARS_COLUMNS: &[leye_io::sheet::Column] = &[
    leye_io::sheet::Column {
        field: "employer_name",
        header: "欠薪单位",
        aliases: &["用人单位"],
        required: true,
        example: "湖州示例建筑有限公司",
    },
    leye_io::sheet::Column {
        field: "project",
        header: "项目",
        aliases: &["工程项目"],
        required: false,
        example: "示例安置房项目",
    },
    leye_io::sheet::Column {
        field: "department",
        header: "行业主管部门",
        aliases: &[],
        required: true,
        example: "住房和城乡建设",
    },
    leye_io::sheet::Column {
        field: "source",
        header: "线索来源",
        aliases: &[],
        required: true,
        example: "投诉",
    },
    leye_io::sheet::Column {
        field: "region",
        header: "乡镇(街道)区划代码",
        aliases: &["区划代码"],
        required: true,
        example: "330502102",
    },
    leye_io::sheet::Column {
        field: "workers",
        header: "涉及人数",
        aliases: &[],
        required: true,
        example: "12",
    },
    leye_io::sheet::Column {
        field: "claimed_yuan",
        header: "涉及金额(元)",
        aliases: &["涉及金额"],
        required: true,
        example: "86000",
    },
    leye_io::sheet::Column {
        field: "route",
        header: "处置途径",
        aliases: &[],
        required: true,
        example: "调解",
    },
    leye_io::sheet::Column {
        field: "opened_on",
        header: "立案日期",
        aliases: &[],
        required: true,
        example: "2026-11-01",
    },
];

/// Import arrears cases from a CSV or Excel file: every row checked (choices by label or
/// code), nothing written when a row is bad unless told to skip it; all in one transaction.
pub async fn import_arrears(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    (name, bytes): (&str, &[u8]),
    opts: leye_io::ImportOptions,
) -> Result<leye_io::ImportReport, leye_io::IoError> {
    use leye_io::sheet;
    let today = leye_domain::time::local_date(now);
    let (t, m) = sheet::read(name, bytes, ARREARS_COLUMNS)?;
    let label = |all: &[(&'static str, &'static str)], raw: String| {
        all.iter()
            .find(|(_, l)| *l == raw)
            .map_or(raw, |(c, _)| (*c).to_string())
    };
    let checked = sheet::check(
        &t,
        &m,
        |row| {
            let r = ArrearsRequest {
                employer_name: m.cell(row, "employer_name"),
                project: m.cell(row, "project"),
                department: label(
                    &Department::ALL
                        .iter()
                        .map(|d| (d.code(), d.label_zh()))
                        .collect::<Vec<_>>(),
                    m.cell(row, "department"),
                ),
                source: label(
                    &Source::ALL
                        .iter()
                        .map(|d| (d.code(), d.label_zh()))
                        .collect::<Vec<_>>(),
                    m.cell(row, "source"),
                ),
                region: m.cell(row, "region"),
                workers: m.cell(row, "workers"),
                claimed_yuan: m.cell(row, "claimed_yuan"),
                route: label(
                    &Route::ALL
                        .iter()
                        .map(|d| (d.code(), d.label_zh()))
                        .collect::<Vec<_>>(),
                    m.cell(row, "route"),
                ),
                opened_on: m.cell(row, "opened_on"),
            };
            check_arrears(&r, today).map_err(row_errors)
        },
        None,
    );
    write_cases(store, scope, actor, now, (t.rows.len(), checked), opts).await
}

/// A row's problems as the import reports them.
fn row_errors(e: RightsError) -> Vec<FieldError> {
    match e {
        RightsError::Field(f) => vec![f],
        other => vec![FieldError::new("file", "invalid", other.to_string())],
    }
}

/// A checked case of a file, written in the import's transaction.
trait Case {
    /// The region column's header and the case's region, for a refusal.
    fn region(&self) -> (&'static str, &str);
    async fn write(
        &self,
        tx: &mut leye_store::Tx,
        scope: &Scope,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
}

impl Case for NewArrears {
    fn region(&self) -> (&'static str, &str) {
        ("乡镇(街道)区划代码", &self.region)
    }
    async fn write(
        &self,
        tx: &mut leye_store::Tx,
        scope: &Scope,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        leye_store::create_arrears(tx, scope, self, actor, now).await
    }
}

impl Case for NewDispute {
    fn region(&self) -> (&'static str, &str) {
        ("区划代码", &self.region)
    }
    async fn write(
        &self,
        tx: &mut leye_store::Tx,
        scope: &Scope,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        leye_store::create_dispute(tx, scope, self, actor, now).await
    }
}

/// The second half of a case import: stop on bad rows (unless skipping them), write the good
/// ones in one transaction, refusing those outside the caller's area.
async fn write_cases<T: Case>(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    (rows, checked): (usize, leye_io::sheet::Checked<T>),
    opts: leye_io::ImportOptions,
) -> Result<leye_io::ImportReport, leye_io::IoError> {
    use leye_io::sheet;
    let (report, good) = match sheet::start(rows, checked, opts) {
        Ok(x) => x,
        Err(report) => return Ok(report),
    };
    let mut tx = store.begin().await?;
    let mut w = sheet::Written::default();
    for (row, case) in good {
        match case.write(&mut tx, scope, actor, now).await {
            Ok(_) => w.created += 1,
            Err(e @ StoreError::Forbidden(_)) => {
                let (header, region) = case.region();
                w.refused.push(sheet::refused(row, header, region, e))
            }
            Err(e) => return Err(e.into()),
        }
    }
    sheet::finish(tx, report, w, opts).await
}

/// What the 安薪指数 of one township is computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexInputs {
    pub township: String,
    /// Workers of the township's enterprises that month (headcount)
    pub workers: i64,
    /// Cases opened that month
    pub cases: i64,
    pub amount_fen: i64,
    /// Cases found by early warning, that month
    pub warned: i64,
    /// Cases of the last 12 months whose deadline has passed by the month's end
    pub due: i64,
    /// ... of which closed by their deadline
    pub on_time: i64,
    /// Employers with two or more cases in the last 12 months
    pub repeat_employers: i64,
}

/// The weights, caps and threshold of the index (parameters).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct IndexMethod {
    pub w_cases: i64,
    pub w_amount: i64,
    pub w_timely: i64,
    pub w_repeat: i64,
    pub w_warning: i64,
    pub cases_cap: i64,
    pub amount_cap_fen: i64,
    pub repeat_cap: i64,
    pub talk_threshold: i64,
}

impl IndexMethod {
    /// The method in force on `on`.
    pub fn on(on: NaiveDate) -> Result<Self, RightsError> {
        let p = params::params()?;
        let v = |n: &str| p.int_at(n, on).map(|x| x.0);
        Ok(Self {
            w_cases: v("index_weight_cases")?,
            w_amount: v("index_weight_amount")?,
            w_timely: v("index_weight_timely")?,
            w_repeat: v("index_weight_repeat")?,
            w_warning: v("index_weight_warning")?,
            cases_cap: v("index_cases_cap")?,
            amount_cap_fen: v("index_amount_cap_fen")?,
            repeat_cap: v("index_repeat_cap")?,
            talk_threshold: v("index_talk_threshold")?,
        })
    }
}

/// One township's index with its parts (each 0–100, higher is better).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IndexRow {
    pub inputs: IndexInputs,
    pub cases_part: f64,
    pub amount_part: f64,
    pub timely_part: f64,
    pub repeat_part: f64,
    pub warning_part: f64,
    pub score: f64,
    /// Below the threshold: listed for an accountability talk (约谈)
    pub talk: bool,
}

/// The index of one township: a weighted mean of five parts, each 0–100.
pub fn index(i: &IndexInputs, m: &IndexMethod) -> IndexRow {
    let ratio_part = |x: f64, cap: f64| 100.0 * (1.0 - (x / cap.max(1e-9)).min(1.0)).max(0.0);
    let per_10k = |x: i64| x as f64 * 10_000.0 / i.workers.max(1) as f64;
    let cases_part = ratio_part(per_10k(i.cases), m.cases_cap as f64);
    let amount_part = ratio_part(per_10k(i.amount_fen), m.amount_cap_fen as f64);
    let timely_part = if i.due == 0 {
        100.0
    } else {
        100.0 * i.on_time as f64 / i.due as f64
    };
    let repeat_part = ratio_part(i.repeat_employers as f64, m.repeat_cap as f64);
    let warning_part = if i.cases == 0 {
        100.0
    } else {
        100.0 * i.warned as f64 / i.cases as f64
    };
    let weights = (m.w_cases + m.w_amount + m.w_timely + m.w_repeat + m.w_warning).max(1) as f64;
    let raw = (cases_part * m.w_cases as f64
        + amount_part * m.w_amount as f64
        + timely_part * m.w_timely as f64
        + repeat_part * m.w_repeat as f64
        + warning_part * m.w_warning as f64)
        / weights;
    let round = |x: f64| (x * 10.0).round() / 10.0;
    let score = round(raw);
    IndexRow {
        inputs: i.clone(),
        cases_part: round(cases_part),
        amount_part: round(amount_part),
        timely_part: round(timely_part),
        repeat_part: round(repeat_part),
        warning_part: round(warning_part),
        score,
        talk: score < m.talk_threshold as f64,
    }
}

fn township_of(region: &str) -> Option<String> {
    Regions::huzhou()
        .path(region)
        .into_iter()
        .find(|r| r.level == RegionLevel::Township)
        .map(|r| r.code.to_string())
}

/// Gather the inputs of every township in scope for `month` from cases and headcount.
pub fn inputs_for(
    townships: &[String],
    month_first: NaiveDate,
    month_last: NaiveDate,
    cases: &[ArrearsRecord],
    headcount: &[(String, i64)],
) -> Vec<IndexInputs> {
    let mut by: HashMap<String, IndexInputs> = townships
        .iter()
        .map(|t| {
            (
                t.clone(),
                IndexInputs {
                    township: t.clone(),
                    ..Default::default()
                },
            )
        })
        .collect();
    for (region, n) in headcount {
        if let Some(i) = township_of(region).and_then(|t| by.get_mut(&t)) {
            i.workers += n;
        }
    }
    let (first, last) = (month_first.to_string(), month_last.to_string());
    let mut per_employer: HashMap<(String, String), i64> = HashMap::new();
    for c in cases {
        let Some(i) = by.get_mut(&c.region) else {
            continue;
        };
        if c.opened_on >= first && c.opened_on <= last {
            i.cases += 1;
            i.amount_fen += c.claimed_fen;
            if c.source == "warning" {
                i.warned += 1;
            }
        }
        if c.due_on <= last {
            i.due += 1;
            if c.closed_on
                .as_deref()
                .is_some_and(|d| d <= c.due_on.as_str())
            {
                i.on_time += 1;
            }
        }
        *per_employer
            .entry((c.region.clone(), c.employer_name.clone()))
            .or_default() += 1;
    }
    for ((region, _), n) in per_employer {
        if n >= 2
            && let Some(i) = by.get_mut(&region)
        {
            i.repeat_employers += 1;
        }
    }
    let mut out: Vec<IndexInputs> = by.into_values().collect();
    out.sort_by(|a, b| a.township.cmp(&b.township));
    out
}

/// The 安薪指数 ranking of the townships in scope for `month` (`first` = its first day): the
/// month's cases, and the 12 months up to it for timeliness and repeat offenders.
pub async fn ranking(
    store: &Store,
    scope: &Scope,
    first: NaiveDate,
) -> Result<(IndexMethod, Vec<IndexRow>), RightsError> {
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    let last = next.pred_opt().unwrap_or(first);
    let year_back = first
        .checked_sub_months(chrono::Months::new(11))
        .unwrap_or(first);
    let regions = Regions::huzhou();
    let townships: Vec<String> = regions
        .all()
        .filter(|r| r.level == RegionLevel::Township && scope.covers_region(regions, &r.code))
        .map(|r| r.code.to_string())
        .collect();
    let mut tx = store.begin_read().await?;
    let cases =
        leye_store::arrears_between(&mut tx, scope, &year_back.to_string(), &last.to_string())
            .await?;
    let month = format!("{:04}-{:02}", first.year(), first.month());
    let headcount = leye_store::headcount_by_region(&mut tx, scope, &month).await?;
    tx.commit().await?;
    let method = IndexMethod::on(first)?;
    let mut rows: Vec<IndexRow> = inputs_for(&townships, first, last, &cases, &headcount)
        .iter()
        .map(|i| index(i, &method))
        .collect();
    rows.sort_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.inputs.township.cmp(&b.inputs.township))
    });
    Ok((method, rows))
}

/// Employers with two or more cases in the 12 months up to `today`, most cases first.
pub async fn repeat_offenders(
    store: &Store,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Vec<(String, i64, i64)>, RightsError> {
    let from = today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(today);
    let mut tx = store.begin_read().await?;
    let cases =
        leye_store::arrears_between(&mut tx, scope, &from.to_string(), &today.to_string()).await?;
    tx.commit().await?;
    let mut by: HashMap<String, (i64, i64)> = HashMap::new();
    for c in &cases {
        let e = by.entry(c.employer_name.clone()).or_default();
        e.0 += 1;
        e.1 += c.claimed_fen;
    }
    let mut out: Vec<(String, i64, i64)> = by
        .into_iter()
        .filter(|(_, (n, _))| *n >= 2)
        .map(|(k, (n, f))| (k, n, f))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}

/// Record a dispute; its deadline from the statute (mediation 15 days, arbitration 45).
#[allow(clippy::too_many_arguments)]
pub async fn open_dispute(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    kind: &str,
    region: &str,
    employer_name: &str,
    claim_yuan: &str,
    accepted_on: &str,
) -> Result<i64, RightsError> {
    let today = leye_domain::time::local_date(now);
    let d = check_dispute(kind, region, employer_name, claim_yuan, accepted_on, today)?;
    let mut tx = store.begin().await?;
    let id = leye_store::create_dispute(&mut tx, scope, &d, actor, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Check a dispute as typed (a form or a file row) on `today`: the dispute to write.
pub fn check_dispute(
    kind: &str,
    region: &str,
    employer_name: &str,
    claim_yuan: &str,
    accepted_on: &str,
    today: NaiveDate,
) -> Result<NewDispute, RightsError> {
    let kind = DisputeKind::parse_field("kind", "争议类别", kind)?;
    let region = Regions::huzhou()
        .code(region)
        .map_err(|e| FieldError::new("region", "invalid_region", e.to_string()))?;
    let employer_name = leye_domain::field::text("employer_name", "用人单位", employer_name, 100)?;
    let claim = Money::parse_yuan(claim_yuan).map_err(|e| {
        FieldError::new("claim_yuan", "invalid_money", format!("请求金额无效: {e}"))
    })?;
    let accepted = leye_domain::cells::required_date("accepted_on", "受理日期", accepted_on)?;
    if accepted > today {
        return Err(FieldError::new("accepted_on", "future", "受理日期不能晚于今天").into());
    }
    let days = days_param(
        match kind {
            DisputeKind::Mediation => "mediation_days",
            DisputeKind::Arbitration => "arbitration_days",
        },
        accepted,
    )?;
    Ok(NewDispute {
        kind: kind.code().into(),
        region: region.as_str().into(),
        employer_name,
        claim_fen: claim.fen(),
        accepted_on: accepted.to_string(),
        due_on: plus(accepted, days).to_string(),
    })
}

/// The columns of a dispute file (劳动争议案件导入).
pub const DISPUTE_COLUMNS: &[leye_io::sheet::Column] = &[
    leye_io::sheet::Column {
        field: "kind",
        header: "争议类别",
        aliases: &["案件类别"],
        required: true,
        example: "仲裁",
    },
    leye_io::sheet::Column {
        field: "region",
        header: "区划代码",
        aliases: &["乡镇(街道)区划代码"],
        required: true,
        example: "330502102",
    },
    leye_io::sheet::Column {
        field: "employer_name",
        header: "用人单位",
        aliases: &[],
        required: true,
        example: "湖州示例制造有限公司",
    },
    leye_io::sheet::Column {
        field: "claim_yuan",
        header: "请求金额(元)",
        aliases: &["请求金额"],
        required: true,
        example: "20000",
    },
    leye_io::sheet::Column {
        field: "accepted_on",
        header: "受理日期",
        aliases: &[],
        required: true,
        example: "2026-11-02",
    },
];

/// Import disputes from a file, checked like [`import_arrears`]; deadlines from the statute.
pub async fn import_disputes(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    (name, bytes): (&str, &[u8]),
    opts: leye_io::ImportOptions,
) -> Result<leye_io::ImportReport, leye_io::IoError> {
    use leye_io::sheet;
    let today = leye_domain::time::local_date(now);
    let (t, m) = sheet::read(name, bytes, DISPUTE_COLUMNS)?;
    let checked = sheet::check(
        &t,
        &m,
        |row| {
            let raw = m.cell(row, "kind");
            let kind = DisputeKind::ALL
                .iter()
                .find(|k| k.label_zh() == raw)
                .map_or(raw.clone(), |k| k.code().to_string());
            check_dispute(
                &kind,
                &m.cell(row, "region"),
                &m.cell(row, "employer_name"),
                &m.cell(row, "claim_yuan"),
                &m.cell(row, "accepted_on"),
                today,
            )
            .map_err(row_errors)
        },
        None,
    );
    write_cases(store, scope, actor, now, (t.rows.len(), checked), opts).await
}

/// Extend an arbitration once, by at most the statutory number of days.
pub async fn extend_dispute(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    days: i64,
) -> Result<(), RightsError> {
    let mut tx = store.begin().await?;
    let d = leye_store::get_dispute(&mut tx, scope, id).await?;
    let accepted: NaiveDate = d.accepted_on.parse().unwrap_or(NaiveDate::MIN);
    let max = days_param("arbitration_extension_days", accepted)?;
    if d.kind != "arbitration" {
        return Err(FieldError::new("days", "not_arbitration", "只有仲裁案件可以延期").into());
    }
    if d.extended {
        return Err(FieldError::new("days", "already_extended", "该仲裁案件已延期过一次").into());
    }
    if d.closed_on.is_some() {
        return Err(FieldError::new("days", "closed", "该案件已结案").into());
    }
    if days < 1 || days > max {
        return Err(FieldError::new(
            "days",
            "too_long",
            format!("延长期限应为1至{max}日(劳动争议调解仲裁法 第四十三条)"),
        )
        .into());
    }
    let due: NaiveDate = d.due_on.parse().unwrap_or(accepted);
    leye_store::update_dispute(
        &mut tx,
        id,
        &plus(due, days).to_string(),
        true,
        None,
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Close a dispute with its outcome.
pub async fn close_dispute(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    outcome: &str,
) -> Result<(), RightsError> {
    let outcome = Outcome::parse_field("outcome", "结果", outcome)?;
    let today = leye_domain::time::local_date(now).to_string();
    let mut tx = store.begin().await?;
    let d = leye_store::get_dispute(&mut tx, scope, id).await?;
    if d.closed_on.is_some() {
        return Err(FieldError::new("outcome", "closed", "该案件已结案").into());
    }
    if today < d.accepted_on {
        return Err(FieldError::new("outcome", "before_accepted", "结案日期早于受理日期").into());
    }
    leye_store::update_dispute(
        &mut tx,
        id,
        &d.due_on,
        d.extended,
        Some((&today, outcome.code())),
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One cell of the wage guidance prices (工资指导价位): an occupation at a skill level.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GuidanceCell {
    pub occupation: String,
    pub level: String,
    pub samples: usize,
    /// P10, P25, P50, P75, P90 in fen; `None` when suppressed for too few samples
    pub percentiles: Option<[i64; 5]>,
}

/// The `p`-th percentile (0–100) of sorted values, by linear interpolation between closest
/// ranks (Excel's PERCENTILE.INC), rounded to the fen.
pub fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (p / 100.0).clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    let frac = rank - lo as f64;
    Some((sorted[lo] as f64 + (sorted[hi] - sorted[lo]) as f64 * frac).round() as i64)
}

/// The guidance prices of one year's samples; cells under the minimum sample are suppressed.
pub fn guidance(samples: &[(String, String, i64)], min_sample: usize) -> Vec<GuidanceCell> {
    let mut by: std::collections::BTreeMap<(String, String), Vec<i64>> = Default::default();
    for (o, l, v) in samples {
        by.entry((o.clone(), l.clone())).or_default().push(*v);
    }
    by.into_iter()
        .map(|((occupation, level), mut v)| {
            v.sort_unstable();
            let samples = v.len();
            let percentiles = (samples >= min_sample.max(1))
                .then(|| [10.0, 25.0, 50.0, 75.0, 90.0].map(|p| percentile(&v, p).unwrap_or(0)));
            GuidanceCell {
                occupation,
                level,
                samples,
                percentiles,
            }
        })
        .collect()
}

/// The published prices of a year, with the minimum sample in force.
pub async fn guidance_of(
    store: &Store,
    year: i64,
) -> Result<(usize, Vec<GuidanceCell>), RightsError> {
    let on = NaiveDate::from_ymd_opt(year as i32, 12, 31).unwrap_or(NaiveDate::MIN);
    let min = days_param(
        "wage_guidance_min_sample",
        on.max(NaiveDate::from_ymd_opt(2024, 8, 1).unwrap_or(on)),
    )?;
    let mut tx = store.begin_read().await?;
    let samples = leye_store::wage_samples(&mut tx, year).await?;
    tx.commit().await?;
    Ok((min as usize, guidance(&samples, min as usize)))
}

/// Headers of the wage survey file.
pub const WAGE_HEADERS: [&str; 5] = ["年度", "职业", "技能等级", "月工资(元)", "统一社会信用代码"];

/// Import a year's wage survey (CSV or XLSX): every row checked, all or nothing; the rows
/// replace that year's survey. Returns (year, rows).
pub async fn import_wages(
    store: &Store,
    actor: &Actor,
    now: DateTime<Utc>,
    name: &str,
    bytes: &[u8],
) -> Result<(i64, usize), RightsError> {
    let bad = |row: usize, m: String| FieldError::new("file", "bad_row", format!("第{row}行: {m}"));
    let table = leye_io_read(name, bytes)?;
    let col = |h: &str| table.headers.iter().position(|x| x.trim() == h);
    let (Some(y), Some(o), Some(l), Some(w)) =
        (col("年度"), col("职业"), col("技能等级"), col("月工资(元)"))
    else {
        return Err(FieldError::new(
            "file",
            "missing_columns",
            "缺少必填列: 年度、职业、技能等级、月工资(元)",
        )
        .into());
    };
    let cc = col("统一社会信用代码");
    let mut rows = Vec::new();
    let mut year: Option<i64> = None;
    for r in &table.rows {
        let cell = |c: usize| {
            r.cells
                .get(c)
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let ry = cell(y)
            .parse::<i64>()
            .ok()
            .filter(|v| (2000..=2100).contains(v))
            .ok_or_else(|| bad(r.number, format!("年度“{}”无效", cell(y))))?;
        if year.is_some_and(|x| x != ry) {
            return Err(bad(r.number, "一个文件只能包含一个年度".into()).into());
        }
        year = Some(ry);
        let occupation = cell(o);
        let level = cell(l);
        if occupation.is_empty() || occupation.chars().count() > 100 {
            return Err(bad(r.number, "职业为空或过长".into()).into());
        }
        if level.is_empty() || level.chars().count() > 50 {
            return Err(bad(r.number, "技能等级为空或过长".into()).into());
        }
        let pay = Money::parse_yuan(&cell(w))
            .ok()
            .filter(|m| m.fen() > 0 && m.fen() <= 100_000_000)
            .ok_or_else(|| bad(r.number, format!("月工资“{}”无效", cell(w))))?;
        let credit_code = match cc.map(cell).filter(|c| !c.is_empty()) {
            Some(c) => Some(
                leye_domain::CreditCode::parse(&c)
                    .map_err(|e| bad(r.number, format!("统一社会信用代码: {e}")))?
                    .as_str()
                    .to_string(),
            ),
            None => None,
        };
        rows.push(leye_store::WageRow {
            year: ry,
            occupation,
            level,
            monthly_fen: pay.fen(),
            credit_code,
        });
    }
    let Some(year) = year else {
        return Err(FieldError::new("file", "empty", "文件中没有数据行").into());
    };
    let mut tx = store.begin().await?;
    leye_store::replace_wage_survey(&mut tx, year, &rows, actor, now).await?;
    tx.commit().await?;
    Ok((year, rows.len()))
}

fn leye_io_read(name: &str, bytes: &[u8]) -> Result<leye_io::table::Table, RightsError> {
    leye_io::table::read(name, bytes, &WAGE_HEADERS)
        .map_err(|e| FieldError::new("file", "bad_file", e.to_string()).into())
}

#[cfg(test)]
mod tests;

/// Coverage of the labour-relations service (二(六)2) in an area: townships with a station and
/// villages (communities) with a coordinator, against all of them (targets: 100%).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ServiceCoverage {
    pub townships: usize,
    pub townships_with_station: usize,
    pub villages: usize,
    pub villages_with_coordinator: usize,
    /// Townships without a station, by name (the first 50).
    pub missing_stations: Vec<String>,
}

/// The coverage in the area of `scope` (a region; the city for system callers).
pub async fn service_coverage(
    store: &leye_store::Store,
    scope: &Scope,
) -> Result<ServiceCoverage, RightsError> {
    let regions = Regions::huzhou();
    let mut tx = store.begin_read().await?;
    let stations: std::collections::HashSet<String> =
        leye_store::registry::regions_of(&mut tx, scope, &catalogue::LABOUR_STATIONS)
            .await?
            .into_iter()
            .collect();
    let coordinators: std::collections::HashSet<String> =
        leye_store::registry::regions_of(&mut tx, scope, &catalogue::LABOUR_COORDINATORS)
            .await?
            .into_iter()
            .collect();
    tx.commit().await?;
    let within = |code: &str| match scope {
        Scope::Region(r) => regions.contains(r, code),
        Scope::System => true,
        _ => false,
    };
    let mut c = ServiceCoverage::default();
    for r in regions.all().filter(|r| within(&r.code)) {
        match r.level {
            RegionLevel::Township => {
                c.townships += 1;
                if stations.contains(&r.code) {
                    c.townships_with_station += 1;
                } else if c.missing_stations.len() < 50 {
                    c.missing_stations.push(regions.full_name(&r.code));
                }
            }
            RegionLevel::Village => {
                c.villages += 1;
                if coordinators.contains(&r.code) {
                    c.villages_with_coordinator += 1;
                }
            }
            _ => {}
        }
    }
    Ok(c)
}

/// An award and the reward the policy engine decides for it today.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AwardReward {
    pub enterprise: String,
    pub level: String,
    pub awarded_on: String,
    pub decision: leye_policy::Decision,
}

/// The harmonious-labour-relations awards in scope, each decided by the engine's
/// 和谐劳动关系企业奖励 measure from the award's facts (level, date, already rewarded).
pub async fn award_rewards(
    store: &leye_store::Store,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Vec<AwardReward>, RightsError> {
    use leye_policy::situation::{AwardLevel, Enterprise, Situation};
    let mut tx = store.begin_read().await?;
    let rows =
        leye_store::registry::raw_rows(&mut tx, scope, &catalogue::HARMONIOUS_AWARDS, 500).await?;
    let names = leye_store::registry::list(
        &mut tx,
        scope,
        &catalogue::HARMONIOUS_AWARDS,
        &Default::default(),
        leye_store::Paging::new(Some(1), Some(500)),
    )
    .await?;
    tx.commit().await?;
    let names: HashMap<String, String> = names
        .items
        .into_iter()
        .map(|r| {
            (
                r.id.to_string(),
                r.cells.first().cloned().unwrap_or_default(),
            )
        })
        .collect();
    let mut out = Vec::new();
    for raw in &rows {
        let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
        let name = names.get(&get("id")).cloned().unwrap_or_default();
        let level = AwardLevel::from_code(&get("level"));
        let s = Situation {
            enterprises: vec![Enterprise {
                id: format!("a{}", get("id")),
                name: Some(name.clone()),
                registered_in_huzhou: Some(true),
                harmonious_award: level,
                harmonious_award_date: NaiveDate::parse_from_str(&get("awarded_on"), "%Y-%m-%d")
                    .ok(),
                harmonious_award_rewarded: Some(get("rewarded") == "1"),
                ..Default::default()
            }],
            ..Default::default()
        };
        let only = vec!["harmonious_enterprise".to_string()];
        if let Some(d) = leye_policy::evaluate(&s, today, Some(&only))?
            .into_iter()
            .next()
        {
            out.push(AwardReward {
                enterprise: name,
                level: level.map_or("", |l| l.label_zh()).to_string(),
                awarded_on: get("awarded_on"),
                decision: d,
            });
        }
    }
    Ok(out)
}

/// One year of the economy against wages: growth of GDP and of the average wage on the year
/// before, in basis points (`None` without the year before).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WageGrowth {
    pub year: i64,
    pub gdp_growth_bp: Option<i64>,
    pub wage_growth_bp: Option<i64>,
    /// Wages grew at least as fast as the economy (一: 劳动报酬增长与经济增长同步).
    pub in_step: Option<bool>,
}

/// Growth rates from `(year, gdp, wage)` rows (any order).
pub fn wage_growth(rows: &[(i64, i64, i64)]) -> Vec<WageGrowth> {
    let mut rows = rows.to_vec();
    rows.sort_unstable();
    let growth = |now: i64, before: i64| (before > 0).then(|| (now - before) * 10_000 / before);
    rows.iter()
        .map(|(year, gdp, wage)| {
            let prev = rows.iter().find(|r| r.0 == year - 1);
            let g = prev.and_then(|p| growth(*gdp, p.1));
            let w = prev.and_then(|p| growth(*wage, p.2));
            WageGrowth {
                year: *year,
                gdp_growth_bp: g,
                wage_growth_bp: w,
                in_step: g.zip(w).map(|(g, w)| w >= g),
            }
        })
        .collect()
}

/// The city's series (rows recorded for 湖州市 330500), year by year.
pub async fn city_wage_growth(store: &leye_store::Store) -> Result<Vec<WageGrowth>, RightsError> {
    let mut tx = store.begin_read().await?;
    let rows =
        leye_store::registry::raw_rows(&mut tx, &Scope::System, &catalogue::ECONOMY, 200).await?;
    tx.commit().await?;
    let series: Vec<(i64, i64, i64)> = rows
        .iter()
        .filter(|r| r.get("region").map(String::as_str) == Some("330500"))
        .filter_map(|r| {
            Some((
                r.get("year")?.parse().ok()?,
                r.get("gdp_wan")?.parse().ok()?,
                r.get("avg_wage")?.parse().ok()?,
            ))
        })
        .collect();
    Ok(wage_growth(&series))
}

/// Insurance coverage of one group (二(六)1): who is listed, whom the policy engine finds
/// eligible today, and how many of those are enrolled.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GroupCoverage {
    pub group: String,
    pub label: String,
    pub listed: usize,
    pub eligible: usize,
    pub enrolled: usize,
    pub not_eligible: usize,
    pub cannot_decide: usize,
}

/// Coverage by group of the roster in scope: each listed person is decided by the engine's
/// measure for the group (work-injury insurance on its own for the special groups; pension and
/// medical insurance where they work for flexible workers), from their ID number's birth date
/// and sex; coverage = enrolled among the eligible ÷ the eligible.
pub async fn insurance_coverage(
    store: &leye_store::Store,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Vec<GroupCoverage>, RightsError> {
    use leye_policy::situation::{Person, Situation, SpecialWorker};
    let mut tx = store.begin_read().await?;
    let rows =
        leye_store::registry::raw_rows(&mut tx, scope, &catalogue::INSURANCE_ROSTER, 100_000)
            .await?;
    tx.commit().await?;
    let mut out: Vec<GroupCoverage> = catalogue::INSURANCE_GROUPS
        .iter()
        .map(|(code, label)| GroupCoverage {
            group: (*code).to_string(),
            label: (*label).to_string(),
            ..Default::default()
        })
        .collect();
    for (i, raw) in rows.iter().enumerate() {
        let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
        let group = get("grp");
        let Some(c) = out.iter_mut().find(|c| c.group == group) else {
            continue;
        };
        c.listed += 1;
        let id = leye_domain::IdNumber::parse(&get("person_id"), today).ok();
        let flexible = group == "flexible";
        let person = Person {
            id: format!("r{i}"),
            birth: id.as_ref().map(|n| n.birth_date()),
            sex: id.as_ref().map(|n| n.sex()),
            works_in_huzhou: Some(true),
            flexible_worker: flexible.then_some(true),
            special_worker: if flexible {
                None
            } else {
                SpecialWorker::from_code(&group)
            },
            ..Default::default()
        };
        let measure = if flexible {
            "flexible_worker_insurance"
        } else {
            "work_injury_single"
        };
        let s = Situation {
            persons: vec![person],
            ..Default::default()
        };
        let only = vec![measure.to_string()];
        match leye_policy::evaluate(&s, today, Some(&only))?
            .into_iter()
            .next()
            .map(|d| d.status)
        {
            Some(leye_policy::decision::Status::Eligible) => {
                c.eligible += 1;
                if !get("enrolled_on").is_empty() {
                    c.enrolled += 1;
                }
            }
            Some(leye_policy::decision::Status::NotEligible) => c.not_eligible += 1,
            _ => c.cannot_decide += 1,
        }
    }
    Ok(out)
}
