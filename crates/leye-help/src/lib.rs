//! Help for people who struggle (困难群体帮扶), plan 二(三)3 and 二(五)3.
//!
//! - **Hard-to-employ identification** (就业困难人员认定): the policy engine decides from the
//!   registry; an eligible person is *proposed*, an officer *confirms*; a confirmed status *ends*
//!   after a set period of employment or when the person no longer qualifies; a proposal that
//!   no longer holds is *dismissed*. Every change is kept (`hte_events`).
//! - **Zero-employment households** (零就业家庭): kept current as the registry changes — the
//!   change (a labour event, a person's or a household's edit) and the re-decision happen in
//!   the same transaction, so a household enters the list, or leaves it, at once. Each spell has
//!   a clearing deadline.
//! - **Assistance cases** (帮扶档案): opened for every confirmed hard-to-employ person and every
//!   zero-employment household, closed when they leave; a helper, planned services, contacts.
//! - **Coverage** (帮扶覆盖率): computed from needs, cases and contacts, never stored.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use leye_domain::region::RegionLevel;
use leye_domain::{FieldError, Regions, Scope};
use leye_policy::{Decision, Outcome, PolicyError, Status};
use leye_store::{
    Actor, Backend, CoverageRow, HteChange, Store, StoreError, SweepBatch, SweepPerson, Tx,
};
use thiserror::Error;

mod params {
    leye_policy::param_file!("help.toml");
}

/// Why a help step failed.
#[derive(Debug, Error)]
pub enum HelpError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("{}", .0.message)]
    Field(FieldError),
}

impl From<leye_store::DbError> for HelpError {
    fn from(e: leye_store::DbError) -> Self {
        HelpError::Store(e.into())
    }
}

impl From<FieldError> for HelpError {
    fn from(e: FieldError) -> Self {
        HelpError::Field(e)
    }
}

leye_domain::code_enum! {
    /// 帮扶服务: what a case plans to provide.
    Service {
        JobReferral = ("job_referral", "岗位推荐"),
        Training = ("training", "职业培训"),
        WelfarePost = ("welfare_post", "公益性岗位安置"),
        Startup = ("startup", "创业扶持"),
        InsuranceSubsidy = ("insurance_subsidy", "社会保险补贴"),
        Guidance = ("guidance", "职业指导"),
    }
}

leye_domain::code_enum! {
    /// 联系方式: how a helper reached the person or household.
    Channel {
        Visit = ("visit", "上门走访"),
        Phone = ("phone", "电话"),
        Online = ("online", "线上"),
        Station = ("station", "人社驿站"),
    }
}

/// What a refresh changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Changes {
    pub proposed: usize,
    pub dismissed: usize,
    pub ended: usize,
    pub zero_entered: usize,
    pub zero_cleared: usize,
}

/// Complete months from `start` to `on`.
fn months_between(start: NaiveDate, on: NaiveDate) -> i64 {
    let mut n =
        i64::from(on.year() - start.year()) * 12 + i64::from(on.month()) - i64::from(start.month());
    if on.day() < start.day() {
        n -= 1;
    }
    n.max(0)
}

/// The categories an eligible hard-to-employ decision found (the met children of "one of").
pub fn categories(d: &Decision) -> String {
    d.conditions
        .iter()
        .filter(|c| !c.children.is_empty())
        .flat_map(|c| c.children.iter())
        .filter(|c| c.outcome == Outcome::Met)
        .map(|c| c.text.clone())
        .collect::<Vec<_>>()
        .join(";")
}

/// The decisive reason a decision is not eligible, in plain Chinese.
fn why_not(d: &Decision) -> String {
    d.conditions
        .iter()
        .find(|c| c.decisive)
        .or_else(|| d.conditions.iter().find(|c| c.outcome == Outcome::NotMet))
        .map(|c| format!("不再符合: {}", c.text))
        .unwrap_or_else(|| "不再符合认定条件".into())
}

/// Months the person has been employed without a break, on `on`.
fn employed_months(p: &SweepPerson, on: NaiveDate) -> Option<i64> {
    use leye_domain::labour::LabourStatus::Employed;
    let current = &p.events[..p.events.partition_point(|e| e.effective <= on)];
    if current.last()?.status != Employed {
        return None;
    }
    let since = current
        .iter()
        .rev()
        .take_while(|e| e.status == Employed)
        .last()?
        .effective;
    Some(months_between(since, on))
}

/// Re-decide everything about the persons and households of `batch` as of `today`, writing the
/// changes (statuses, spells, cases) in `tx`.
pub async fn apply_batch(
    tx: &mut Tx,
    batch: &SweepBatch,
    today: NaiveDate,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Changes, HelpError> {
    let p = params::params()?;
    let (end_months, _) = p.int_at("hte_end_employed_months", today)?;
    let (clear_days, _) = p.int_at("zero_clear_days", today)?;
    let on = today.to_string();
    let situation = leye_sweep::situation_of(batch, today);
    let mut changes = Changes::default();
    let decisions =
        leye_policy::evaluate(&situation, today, Some(&["hard_to_employ".to_string()]))?;
    let ids: Vec<i64> = batch.persons.iter().map(|p| p.id).collect();
    let statuses = leye_store::hte_of_many(tx, &ids).await?;
    let households: Vec<i64> = batch.households.iter().map(|h| h.id).collect();
    let open_spells = leye_store::open_zero_of_many(tx, &households).await?;
    for d in &decisions {
        let Some(pid) = d
            .subject
            .strip_prefix('p')
            .and_then(|v| v.parse::<i64>().ok())
        else {
            continue;
        };
        let state = statuses.get(&pid).map(|c| c.state.as_str());
        let json = serde_json::to_string(d).unwrap_or_default();
        let change = |state: &str, reason: String| HteChange {
            state: state.into(),
            categories: categories(d),
            on: on.clone(),
            reason,
            decision_json: json.clone(),
            confirm: false,
        };
        let next = match (&d.status, state) {
            (Status::Eligible, None | Some("ended") | Some("dismissed")) => {
                changes.proposed += 1;
                Some(change(
                    "proposed",
                    "登记信息符合认定条件,待经办人员确认".into(),
                ))
            }
            (Status::Eligible, Some("proposed"))
                if statuses
                    .get(&pid)
                    .is_some_and(|c| c.categories != categories(d)) =>
            {
                leye_store::refresh_hte_categories(tx, pid, &categories(d), &json, now).await?;
                None
            }
            (Status::NotEligible, Some("proposed")) => {
                changes.dismissed += 1;
                Some(change("dismissed", why_not(d)))
            }
            (Status::NotEligible, Some("confirmed")) => {
                let person = batch.persons.iter().find(|x| x.id == pid);
                match person.and_then(|x| employed_months(x, today)) {
                    Some(m) if m < end_months => None,
                    Some(m) => {
                        changes.ended += 1;
                        Some(change("ended", format!("稳定就业已满{m}个月")))
                    }
                    None => {
                        changes.ended += 1;
                        Some(change("ended", why_not(d)))
                    }
                }
            }
            _ => None,
        };
        if let Some(c) = next {
            if c.state == "ended" {
                leye_store::close_case_of(tx, &format!("p{pid}"), &on, &c.reason, actor, now)
                    .await?;
            }
            leye_store::set_hte(tx, pid, &c, actor, now).await?;
        }
    }
    // Zero-employment households.
    let contexts = leye_policy::person_contexts(&situation, today);
    for h in &situation.households {
        let Some(hid) = h.id.strip_prefix('h').and_then(|v| v.parse::<i64>().ok()) else {
            continue;
        };
        let members: Vec<&leye_policy::situation::Person> = contexts
            .iter()
            .filter(|c| h.members.contains(&c.person.id))
            .map(|c| c.person)
            .collect();
        let zero = leye_policy::rule::zero_employment(h, &members, today);
        match (zero, open_spells.contains(&hid)) {
            (Some(true), false) => {
                let region = batch
                    .persons
                    .iter()
                    .find(|p| p.household_id == Some(hid))
                    .map(|p| p.residence_region.clone());
                let Some(region) = region else { continue };
                let deadline = today
                    .checked_add_days(Days::new(clear_days.max(0) as u64))
                    .unwrap_or(today)
                    .to_string();
                leye_store::enter_zero(tx, hid, &region, &on, &deadline, actor, now).await?;
                leye_store::open_case(tx, &format!("h{hid}"), &region, &on, actor, now).await?;
                changes.zero_entered += 1;
            }
            (Some(false), true) => {
                let employed = members.iter().any(|m| m.employed == Some(true));
                let reason = if employed {
                    "家庭成员已实现就业"
                } else {
                    "不再符合零就业家庭条件"
                };
                leye_store::clear_zero(tx, hid, &on, reason, actor, now).await?;
                leye_store::close_case_of(tx, &format!("h{hid}"), &on, reason, actor, now).await?;
                changes.zero_cleared += 1;
            }
            _ => {}
        }
    }
    Ok(changes)
}

/// Re-decide the person's household (or the person alone) inside the transaction that just
/// changed them: called by every single-record edit of the registry, so the lists are current
/// the moment the change commits.
pub async fn refresh_person(
    tx: &mut Tx,
    backend: Backend,
    person_id: i64,
    today: NaiveDate,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Changes, HelpError> {
    let batch = leye_store::registry_of_person_in(tx, backend, person_id).await?;
    apply_batch(tx, &batch, today, actor, now).await
}

/// The same for a household (after its members changed).
pub async fn refresh_household(
    tx: &mut Tx,
    backend: Backend,
    household_id: i64,
    today: NaiveDate,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Changes, HelpError> {
    let batch = leye_store::registry_of_household_in(tx, backend, household_id).await?;
    apply_batch(tx, &batch, today, actor, now).await
}

/// Re-decide the whole registry (after bulk loads: imports, the synthetic city), batch by
/// batch, each in its own transaction.
pub async fn refresh_all(
    store: &Store,
    today: NaiveDate,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Changes, HelpError> {
    let mut reader = store.registry_reader(2_000).await?;
    let mut total = Changes::default();
    while let Some(batch) = reader.next().await? {
        let mut tx = store.begin().await?;
        let c = apply_batch(&mut tx, &batch, today, actor, now).await?;
        tx.commit().await?;
        total.proposed += c.proposed;
        total.dismissed += c.dismissed;
        total.ended += c.ended;
        total.zero_entered += c.zero_entered;
        total.zero_cleared += c.zero_cleared;
    }
    Ok(total)
}

/// An officer confirms a proposed hard-to-employ status; a case is opened for the person.
pub async fn confirm(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    person_id: i64,
) -> Result<(), HelpError> {
    let today = leye_domain::time::local_date(now);
    let mut tx = store.begin().await?;
    let person = leye_store::get_person(&mut tx, scope, person_id).await?;
    let Some(h) = leye_store::hte_of(&mut tx, person_id).await? else {
        return Err(FieldError::new(
            "person_id",
            "not_proposed",
            "该人员没有待确认的就业困难人员认定",
        )
        .into());
    };
    if h.state != "proposed" {
        return Err(FieldError::new(
            "person_id",
            "not_proposed",
            format!("该人员的认定状态为“{}”,不是待确认", state_label(&h.state)),
        )
        .into());
    }
    let on = today.to_string();
    leye_store::set_hte(
        &mut tx,
        person_id,
        &HteChange {
            state: "confirmed".into(),
            categories: h.categories.clone(),
            on: on.clone(),
            reason: format!("经办人员确认: {}", h.categories),
            decision_json: h.decision_json.clone(),
            confirm: true,
        },
        actor,
        now,
    )
    .await?;
    leye_store::open_case(
        &mut tx,
        &format!("p{person_id}"),
        &person.residence_region,
        &on,
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An officer dismisses a proposal (with a reason).
pub async fn dismiss(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    person_id: i64,
    reason: &str,
) -> Result<(), HelpError> {
    let reason = leye_domain::field::text("reason", "理由", reason, 200)?;
    let mut tx = store.begin().await?;
    leye_store::get_person(&mut tx, scope, person_id).await?;
    let Some(h) = leye_store::hte_of(&mut tx, person_id)
        .await?
        .filter(|h| h.state == "proposed")
    else {
        return Err(FieldError::new(
            "person_id",
            "not_proposed",
            "该人员没有待确认的就业困难人员认定",
        )
        .into());
    };
    leye_store::set_hte(
        &mut tx,
        person_id,
        &HteChange {
            state: "dismissed".into(),
            categories: h.categories,
            on: leye_domain::time::local_date(now).to_string(),
            reason: format!("经办人员不予认定: {reason}"),
            decision_json: h.decision_json,
            confirm: false,
        },
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Chinese label of a status.
pub fn state_label(s: &str) -> &'static str {
    match s {
        "proposed" => "待确认",
        "confirmed" => "已认定",
        "ended" => "已退出",
        "dismissed" => "不予认定",
        _ => "未知",
    }
}

/// Coverage summed up to one region level (county or township), with the villages below.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Coverage {
    pub since: String,
    pub interval_days: i64,
    pub total: CoverageRow,
    pub by_county: Vec<CoverageRow>,
    pub by_township: Vec<CoverageRow>,
    pub by_village: Vec<CoverageRow>,
}

fn add(a: &mut CoverageRow, b: &CoverageRow) {
    a.need += b.need;
    a.with_case += b.with_case;
    a.with_helper += b.with_helper;
    a.covered += b.covered;
}

fn roll_up(rows: &[CoverageRow], level: RegionLevel) -> Vec<CoverageRow> {
    let regions = Regions::huzhou();
    let mut out: Vec<CoverageRow> = Vec::new();
    for r in rows {
        let key = regions
            .path(&r.region)
            .into_iter()
            .find(|x| x.level == level)
            .map(|x| x.code.to_string())
            .unwrap_or_else(|| r.region.clone());
        match out.iter_mut().find(|o| o.region == key) {
            Some(o) => add(o, r),
            None => {
                let mut o = CoverageRow {
                    region: key,
                    ..Default::default()
                };
                add(&mut o, r);
                out.push(o);
            }
        }
    }
    out.sort_by(|a, b| a.region.cmp(&b.region));
    out
}

/// Coverage in scope on `today`: who needs help, has a case, a helper, and a contact within
/// the required interval.
pub async fn coverage(
    store: &Store,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Coverage, HelpError> {
    let (interval, _) = params::params()?.int_at("contact_interval_days", today)?;
    let since = today
        .checked_sub_days(Days::new(interval.max(0) as u64))
        .unwrap_or(today)
        .to_string();
    let mut tx = store.begin_read().await?;
    let rows = leye_store::coverage(&mut tx, scope, &since).await?;
    tx.commit().await?;
    let mut total = CoverageRow {
        region: String::new(),
        ..Default::default()
    };
    for r in &rows {
        add(&mut total, r);
    }
    Ok(Coverage {
        since,
        interval_days: interval,
        total,
        by_county: roll_up(&rows, RegionLevel::County),
        by_township: roll_up(&rows, RegionLevel::Township),
        by_village: rows,
    })
}

/// The contact interval in force (days).
pub fn contact_interval(today: NaiveDate) -> Result<i64, HelpError> {
    Ok(params::params()?.int_at("contact_interval_days", today)?.0)
}

/// Parse a case's planned services from their codes.
pub fn parse_services(codes: &[String]) -> Result<String, FieldError> {
    let mut out = Vec::new();
    for c in codes.iter().filter(|c| !c.is_empty()) {
        out.push(Service::parse_field("services", "帮扶服务", c)?.code());
    }
    out.sort_unstable();
    out.dedup();
    Ok(out.join(";"))
}

/// Record a contact after checking its fields.
#[allow(clippy::too_many_arguments)]
pub async fn contact(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    case_id: i64,
    on: &str,
    channel: &str,
    note: &str,
) -> Result<(), HelpError> {
    let today = leye_domain::time::local_date(now);
    let day = leye_domain::cells::required_date("on_date", "联系日期", on)?;
    if day > today {
        return Err(FieldError::new("on_date", "future", "联系日期不能晚于今天").into());
    }
    let channel = Channel::parse_field("channel", "联系方式", channel)?;
    let note = leye_domain::field::text("note", "联系情况", note, 500)?;
    let mut tx = store.begin().await?;
    leye_store::add_contact(
        &mut tx,
        scope,
        case_id,
        &day.to_string(),
        channel.code(),
        &note,
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

leye_domain::code_enum! {
    /// 特殊群体: the groups the plan names (二(三)3–6), each with its own view and measures.
    Group {
        Veteran = ("veteran", "退役军人"),
        Disabled = ("disabled", "残疾人"),
        Women = ("women", "妇女"),
        Older = ("older", "大龄劳动者"),
        Paired = ("paired", "对口帮扶地区劳动力"),
        Surplus = ("surplus", "农村富余劳动力"),
    }
}

impl Group {
    /// The measures of the plan that serve this group (ids of `leye_policy::measures`).
    pub fn measures(self) -> &'static [&'static str] {
        match self {
            Group::Veteran => &["startup_one_time", "startup_loan"],
            Group::Disabled => &["disability_placement", "disability_quota", "hard_to_employ"],
            Group::Women => &["startup_one_time", "startup_loan", "technician_class"],
            Group::Older => &["hard_to_employ", "public_welfare_post"],
            Group::Paired => &["paired_assistance"],
            Group::Surplus => &[
                "technician_class",
                "flexible_worker_insurance",
                "hard_to_employ",
            ],
        }
    }

    /// The programmes of postings (专项岗位) meant for this group: posts reserved for veterans;
    /// the 共富班车 and caring posts for older workers, people with disabilities and the
    /// countryside's surplus labour.
    pub fn programs(self) -> &'static [leye_domain::jobs::Program] {
        use leye_domain::jobs::Program::*;
        match self {
            Group::Veteran => &[VeteranDirect],
            Group::Older | Group::Surplus => &[GongfuBus, Caring],
            Group::Disabled => &[Caring],
            Group::Women | Group::Paired => &[],
        }
    }

    /// The registry condition for this group as of `today` (ages from parameters).
    pub fn condition(self, today: NaiveDate) -> Result<leye_store::PersonGroup, HelpError> {
        let p = params::params()?;
        let years_ago = |n: i64| {
            today
                .with_year(today.year() - n as i32)
                .unwrap_or(today)
                .to_string()
        };
        // Working age: at least 16, and younger than 65 (the latest statutory retirement
        // under the 2025 reform is 63; the group views err on the side of showing someone).
        let (young, old) = (years_ago(16), years_ago(65));
        Ok(match self {
            Group::Veteran => leye_store::PersonGroup::Veteran,
            Group::Disabled => leye_store::PersonGroup::Disabled,
            Group::Women => leye_store::PersonGroup::Women {
                born_after: old,
                born_before: young,
            },
            Group::Older => leye_store::PersonGroup::Older {
                female_before: years_ago(p.int_at("older_female_age", today)?.0),
                male_before: years_ago(p.int_at("older_male_age", today)?.0),
                born_after: old,
            },
            Group::Paired => {
                let regions = leye_policy::measures::paired_assistance::params()?
                    .at("regions", today)?
                    .value;
                leye_store::PersonGroup::Paired {
                    prefixes: regions
                        .split([',', ';'])
                        .map(|r| r.trim().to_string())
                        .filter(|r| !r.is_empty())
                        .collect(),
                }
            }
            Group::Surplus => leye_store::PersonGroup::Surplus {
                born_after: old,
                born_before: young,
            },
        })
    }
}

/// Every group in scope with its counts.
pub async fn groups(
    store: &Store,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Vec<(Group, leye_store::GroupCount)>, HelpError> {
    let mut tx = store.begin_read().await?;
    let mut out = Vec::new();
    for g in Group::ALL {
        out.push((
            *g,
            leye_store::group_count(&mut tx, scope, &g.condition(today)?).await?,
        ));
    }
    tx.commit().await?;
    Ok(out)
}

leye_domain::code_enum! {
    /// 驿站服务: what a station or gig market logs.
    StationService {
        JobReferral = ("job_referral", "岗位推荐"),
        Training = ("training", "职业培训"),
        WelfarePost = ("welfare_post", "公益性岗位安置"),
        Startup = ("startup", "创业扶持"),
        InsuranceSubsidy = ("insurance_subsidy", "社会保险补贴"),
        Guidance = ("guidance", "职业指导"),
        PolicyConsult = ("policy_consult", "政策咨询"),
        GigMatching = ("gig_matching", "零工对接"),
    }
}

leye_domain::code_enum! {
    /// 服务场所: a doorstep service station or a gig market.
    StationKind {
        Station = ("station", "人社驿站"),
        GigMarket = ("gig_market", "零工市场"),
    }
}

/// Stations in scope and how well they cover its villages.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stations {
    pub stations: Vec<leye_store::StationRecord>,
    /// Villages (村/社区) in scope
    pub villages: usize,
    /// Villages with a station or market of their own
    pub with_own: usize,
    /// Villages with one in the village or in their township
    pub with_nearby: usize,
}

/// Stations in scope, with services of the last 30 days and village coverage.
pub async fn stations(
    store: &Store,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Stations, HelpError> {
    let since = today
        .checked_sub_days(Days::new(30))
        .unwrap_or(today)
        .to_string();
    let mut tx = store.begin_read().await?;
    let list = leye_store::list_stations(&mut tx, scope, &since).await?;
    tx.commit().await?;
    let regions = Regions::huzhou();
    let villages: Vec<_> = regions
        .all()
        .filter(|r| r.level == RegionLevel::Village && scope.covers_region(regions, &r.code))
        .collect();
    let places: std::collections::HashSet<&str> = list.iter().map(|s| s.region.as_str()).collect();
    let with_own = villages
        .iter()
        .filter(|v| places.contains(v.code.as_str()))
        .count();
    let with_nearby = villages
        .iter()
        .filter(|v| {
            places.contains(v.code.as_str())
                || v.parent.as_deref().is_some_and(|p| places.contains(p))
        })
        .count();
    Ok(Stations {
        villages: villages.len(),
        with_own,
        with_nearby,
        stations: list,
    })
}

/// What a new station is, as typed.
#[derive(Debug, Clone, Default)]
pub struct StationRequest {
    pub name: String,
    pub kind: String,
    pub region: String,
    pub address: String,
    pub hours: String,
}

/// Register a station (its region must be a township or village in the caller's area).
pub async fn create_station(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    req: &StationRequest,
) -> Result<i64, HelpError> {
    let name = leye_domain::field::text("name", "名称", &req.name, 100)?;
    let kind = StationKind::parse_field("kind", "类型", &req.kind)?;
    let region = Regions::huzhou()
        .code(&req.region)
        .map_err(|e| FieldError::new("region", "invalid_region", e.to_string()))?;
    let address = leye_domain::field::text("address", "地址", &req.address, 200)?;
    let hours = leye_domain::field::text("hours", "开放时间", &req.hours, 100)?;
    let mut tx = store.begin().await?;
    let id = leye_store::create_station(
        &mut tx,
        scope,
        &leye_store::NewStation {
            name,
            kind: kind.code().into(),
            region: region.as_str().into(),
            address,
            hours,
        },
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Log a service given at a station.
#[allow(clippy::too_many_arguments)]
pub async fn log_service(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    station_id: i64,
    on: &str,
    person_id: Option<i64>,
    service: &str,
    outcome: &str,
) -> Result<(), HelpError> {
    let today = leye_domain::time::local_date(now);
    let day = leye_domain::cells::required_date("on_date", "服务日期", on)?;
    if day > today {
        return Err(FieldError::new("on_date", "future", "服务日期不能晚于今天").into());
    }
    let service = StationService::parse_field("service", "服务内容", service)?;
    let outcome = leye_domain::field::text("outcome", "服务结果", outcome, 200)?;
    let mut tx = store.begin().await?;
    leye_store::log_service(
        &mut tx,
        scope,
        station_id,
        &day.to_string(),
        person_id,
        service.code(),
        &outcome,
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// 扩中家庭 in scope: (all, with someone at work, the first 100).
pub async fn expand_middle(
    store: &Store,
    scope: &Scope,
    today: NaiveDate,
) -> Result<(i64, i64, Vec<leye_store::ExpandMiddleRow>), HelpError> {
    let bands: Vec<String> = params::params()?
        .at("expand_middle_bands", today)?
        .value
        .split(';')
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty())
        .collect();
    let mut tx = store.begin_read().await?;
    let r = leye_store::expand_middle_households(&mut tx, scope, &bands, 100).await?;
    tx.commit().await?;
    Ok(r)
}

/// One member as the family page shows them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FamilyMember {
    pub person_id: i64,
    pub name: String,
    /// Hard-to-employ status, if any
    pub hte_state: Option<String>,
    /// The member's open assistance case
    pub case_id: Option<i64>,
    /// Measures the engine finds them eligible for today: (measure id, name, amount in fen)
    pub entitlements: Vec<(String, String, Option<i64>)>,
}

/// 家庭服务: everything about a household that help needs on one page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Family {
    pub household_id: i64,
    /// The open zero-employment spell
    pub zero: Option<leye_store::ZeroRecord>,
    /// The household's open case
    pub case_id: Option<i64>,
    /// 扩中家庭: an income band the city works to move into the middle
    pub expand_middle: bool,
    pub members: Vec<FamilyMember>,
    /// The last twelve months, oldest first: how many members worked and the income band.
    pub months: Vec<FamilyMonth>,
}

/// One month of a household as 扩中 follows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FamilyMonth {
    /// `YYYY-MM`
    pub month: String,
    /// Members whose labour status at the month's end was employed.
    pub employed: usize,
    /// The income band at the month's end (code).
    pub income_band: String,
}

/// The `n` months up to `today`'s, oldest first: members at work at each month's end (from
/// their labour events: `(effective, status)` in order) and the income band then (from the
/// recorded bands `(since, band)`; before the first record, the first; without any, `current`).
pub fn family_months(
    events: &[Vec<(String, String)>],
    incomes: &[(String, String)],
    current: &str,
    today: NaiveDate,
    n: u32,
) -> Vec<FamilyMonth> {
    let this = leye_domain::YearMonth::of(today);
    (0..n)
        .rev()
        .map(|k| {
            let m = this.add_months(-i64::from(k));
            let end = m
                .add_months(1)
                .first_day()
                .pred_opt()
                .unwrap_or(today)
                .to_string();
            let employed = events
                .iter()
                .filter(|evs| {
                    evs.iter()
                        .rev()
                        .find(|(on, _)| on.as_str() <= end.as_str())
                        .is_some_and(|(_, s)| s == "employed")
                })
                .count();
            let income_band = incomes
                .iter()
                .rev()
                .find(|(since, _)| since.as_str() <= end.as_str())
                .or(incomes.first())
                .map_or(current, |(_, b)| b.as_str())
                .to_string();
            FamilyMonth {
                month: m.to_string(),
                employed,
                income_band,
            }
        })
        .collect()
}

/// What the engine finds a person eligible for: (measure id, name, amount in fen).
fn entitlements_of(decisions: &[Decision], person_id: i64) -> Vec<(String, String, Option<i64>)> {
    decisions
        .iter()
        .filter(|d| {
            d.status == Status::Eligible && leye_sweep::subject_ids(&d.subject).0 == Some(person_id)
        })
        .map(|d| {
            (
                d.measure.to_string(),
                leye_sweep::measure_name(d.measure).to_string(),
                d.amount.map(|a| a.fen()),
            )
        })
        .collect()
}

/// Help as a person's page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PersonHelp {
    pub hte: Option<leye_store::HteRecord>,
    pub case_id: Option<i64>,
    pub entitlements: Vec<(String, String, Option<i64>)>,
}

/// A person's hard-to-employ status, open case and what the engine finds them eligible for
/// today (the person must be in scope).
pub async fn person_help(
    store: &Store,
    scope: &Scope,
    person_id: i64,
    today: NaiveDate,
) -> Result<PersonHelp, HelpError> {
    let mut tx = store.begin_read().await?;
    leye_store::get_person(&mut tx, scope, person_id).await?;
    let hte = leye_store::hte_of(&mut tx, person_id).await?;
    let batch = leye_store::registry_of_person_in(&mut tx, store.backend(), person_id).await?;
    let case_id = leye_store::list_cases(&mut tx, &Scope::Person(person_id), true)
        .await?
        .into_iter()
        .find(|c| c.kind == "person")
        .map(|c| c.id);
    tx.commit().await?;
    let decisions = leye_policy::evaluate(&leye_sweep::situation_of(&batch, today), today, None)?;
    Ok(PersonHelp {
        hte,
        case_id,
        entitlements: entitlements_of(&decisions, person_id),
    })
}

/// The family view of a household in scope, decided as of `today`.
pub async fn family(
    store: &Store,
    scope: &Scope,
    household_id: i64,
    today: NaiveDate,
) -> Result<Family, HelpError> {
    let mut tx = store.begin_read().await?;
    let h = leye_store::get_household(&mut tx, scope, household_id).await?;
    let batch =
        leye_store::registry_of_household_in(&mut tx, store.backend(), household_id).await?;
    let ids: Vec<i64> = h.members.iter().map(|m| m.person_id).collect();
    let statuses = leye_store::hte_of_many(&mut tx, &ids).await?;
    let zero = leye_store::open_zero(&mut tx, household_id).await?;
    let cases = leye_store::list_cases(&mut tx, &Scope::System, true)
        .await?
        .into_iter()
        .filter(|c| {
            c.household_id == Some(household_id) || c.person_id.is_some_and(|p| ids.contains(&p))
        })
        .collect::<Vec<_>>();
    let mut events = Vec::with_capacity(ids.len());
    for id in &ids {
        events.push(
            leye_store::labour_history(&mut tx, &Scope::System, *id)
                .await?
                .into_iter()
                .map(|e| (e.effective, e.status))
                .collect::<Vec<_>>(),
        );
    }
    let incomes = leye_store::income_history(&mut tx, household_id).await?;
    tx.commit().await?;
    let months = family_months(&events, &incomes, &h.income_band, today, 12);
    let bands = params::params()?.at("expand_middle_bands", today)?.value;
    let situation = leye_sweep::situation_of(&batch, today);
    let decisions = leye_policy::evaluate(&situation, today, None)?;
    let members = h
        .members
        .iter()
        .map(|m| FamilyMember {
            person_id: m.person_id,
            name: m.name.clone(),
            hte_state: statuses.get(&m.person_id).map(|s| s.state.clone()),
            case_id: cases
                .iter()
                .find(|c| c.kind == "person" && c.person_id == Some(m.person_id))
                .map(|c| c.id),
            entitlements: entitlements_of(&decisions, m.person_id),
        })
        .collect();
    Ok(Family {
        household_id,
        zero,
        case_id: cases.iter().find(|c| c.kind == "household").map(|c| c.id),
        expand_middle: bands.split(';').any(|b| b == h.income_band),
        members,
        months,
    })
}

#[cfg(test)]
mod tests;
