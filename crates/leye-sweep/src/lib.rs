//! The 免申即享 population sweep: read the whole registry in batches, turn each batch into a
//! [`Situation`], evaluate every measure, and keep the decisions that say *eligible* as offers
//! (`policy_offers`), so that officers can reach people who are entitled and have not applied.
//!
//! What the registry knows becomes facts; what it does not know stays unknown, so a measure
//! that needs it says "cannot decide" and yields no offer. Three readings are decisions of ours,
//! written down in `docs/policy.md`:
//! - employment with an enterprise of the registry is contract employment with social
//!   insurance paid since its start (the registry stands in for the insurance records);
//! - registration as unemployed (失业登记) is made in the registry as a labour event, so a
//!   person without one is not registered unemployed (rather than "unknown");
//! - no application recorded means none was made; an offer whose measure and subject already
//!   have an application (not rejected) is marked applied, or paid once it is paid, when the
//!   sweep is saved, so nobody is asked again about what they already have.

use chrono::{Datelike, NaiveDate};
use leye_policy::situation::{Employment, EmploymentKind, Enterprise, Household, Person};
use leye_policy::{Decision, Measure, PolicyError, Situation, Status, SubjectKind};
use leye_store::{
    Actor, HireSelection, OfferInput, OfferRecord, Store, StoreError, SweepBatch, SweepSaved,
    SweepSelection,
};
use std::collections::HashMap;
use std::time::Instant;
use thiserror::Error;

/// Why a sweep failed.
#[derive(Debug, Error)]
pub enum SweepError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("措施“{0}”不存在")]
    UnknownMeasure(String),
    #[error("写出文件失败: {0}")]
    Export(String),
}

/// Figures of one sweep.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SweepReport {
    pub on: String,
    /// Persons and households of the registry the sweep covered.
    pub persons: usize,
    pub households: usize,
    /// Of those, the ones read and evaluated (the others can be offered nothing; see
    /// [`selection`]).
    pub persons_read: usize,
    pub households_read: usize,
    pub decisions: usize,
    pub eligible: usize,
    pub cannot_decide: usize,
    pub saved: SweepSaved,
    pub read_s: f64,
    /// Of `read_s`, the database choosing whom to read.
    pub select_s: f64,
    pub eval_s: f64,
    pub save_s: f64,
    /// Offers found, by measure.
    pub by_measure: Vec<(String, usize, i64)>,
    /// Decisions by measure: (measure, decided, eligible, cannot decide).
    pub decisions_by_measure: Vec<(String, usize, usize, usize)>,
}

/// Complete months from `start` to `on`.
fn months_between(start: NaiveDate, on: NaiveDate) -> u32 {
    if on < start {
        return 0;
    }
    let mut n = (on.year() - start.year()) * 12 + on.month() as i32 - start.month() as i32;
    if on.day() < start.day() {
        n -= 1;
    }
    n.max(0) as u32
}

/// Build the situation of one registry batch as of `on` (events after `on` are ignored).
pub fn situation_of(batch: &SweepBatch, on: NaiveDate) -> Situation {
    use leye_domain::labour::LabourStatus::{Employed, Student, Unemployed};
    let mut s = Situation::default();
    s.persons.reserve(batch.persons.len());
    let mut enterprises: Vec<i64> = Vec::new();
    let mut members: HashMap<i64, Vec<String>> = HashMap::new();
    for p in &batch.persons {
        let id = format!("p{}", p.id);
        if let Some(h) = p.household_id {
            members.entry(h).or_default().push(id.clone());
        }
        // Events are in effective order: those in effect on `on` are a prefix.
        let events = &p.events[..p.events.partition_point(|e| e.effective <= on)];
        let current = events.last();
        let status = current.map(|e| e.status);
        let unemployed_since = if status == Some(Unemployed) {
            // Start of the latest run of unemployed events.
            events
                .iter()
                .rev()
                .take_while(|e| e.status == Unemployed)
                .last()
                .map(|e| e.effective)
        } else {
            None
        };
        let graduation = p.graduation;
        let known = current.is_some();
        s.persons.push(Person {
            id: id.clone(),
            birth: p.birth,
            sex: p.sex,
            hukou_region: p.hukou_region.clone(),
            education: p.education,
            graduation_date: graduation,
            student: known.then(|| status == Some(Student)),
            registered_unemployed: Some(status == Some(Unemployed)),
            registered_unemployed_since: unemployed_since,
            benefit_consecutive_months: if status == Some(Unemployed) {
                Some(current.and_then(|e| e.benefit_months).unwrap_or(0) as u32)
            } else if known {
                Some(0)
            } else {
                None
            },
            assistance: p.assistance,
            disability_certificate: Some(p.disability_grade.is_some()),
            disability_grade: p.disability_grade.map(|g| g as u8),
            // The registry records veterans, not how they were placed.
            veteran_self_employed: (!p.veteran).then_some(false),
            poverty_alleviated: Some(p.poverty_alleviated),
            employed: known.then(|| status == Some(Employed)),
            works_in_huzhou: known.then(|| status == Some(Employed)),
            paired_assistance: current.filter(|e| e.status == Employed).map(|e| {
                leye_policy::situation::PairedAssistance {
                    arrived: Some(e.effective),
                    months_employed: Some(months_between(e.effective, on)),
                    visit_subsidy_this_year: Some(false),
                    transport_subsidy_received: Some(false),
                }
            }),
            ..Default::default()
        });
        if let Some(e) = current.filter(|e| e.status == Employed)
            && let Some(ent) = e.enterprise_id
        {
            let before = &events[..events.len() - 1];
            let first_job = graduation.map(|g| {
                !before
                    .iter()
                    .any(|b| b.status == Employed && b.effective >= g)
            });
            enterprises.push(ent);
            s.employments.push(Employment {
                person: id,
                enterprise: format!("e{ent}"),
                kind: Some(EmploymentKind::Regular),
                start: Some(e.effective),
                labour_contract: Some(true),
                contribution_months: Some(months_between(e.effective, on)),
                full_time: Some(true),
                first_job_after_school: first_job,
                hired_from_registered_unemployment: Some(
                    before.last().is_some_and(|b| b.status == Unemployed),
                ),
                ..Default::default()
            });
        }
    }
    for h in &batch.households {
        s.households.push(Household {
            id: format!("h{}", h.id),
            members: members.remove(&h.id).unwrap_or_default(),
            urban: Some(h.urban),
            business_income: Some(h.business_income),
        });
    }
    enterprises.sort_unstable();
    enterprises.dedup();
    s.enterprises = enterprises
        .into_iter()
        .map(|e| Enterprise {
            id: format!("e{e}"),
            registered_in_huzhou: Some(true),
            ..Default::default()
        })
        .collect();
    s
}

/// Parse `p12`, `e34` or `p12@e34`.
pub fn subject_ids(subject: &str) -> (Option<i64>, Option<i64>) {
    let mut person = None;
    let mut enterprise = None;
    for part in subject.split('@') {
        if let Some(n) = part.strip_prefix('p') {
            person = n.parse().ok();
        } else if let Some(n) = part.strip_prefix('e') {
            enterprise = n.parse().ok();
        }
    }
    (person, enterprise)
}

/// The offer of an eligible decision. Person-level measures are scoped by where the person
/// lives; measures paid to an employer by the employer's region.
pub fn offer_of(
    d: &Decision,
    person_regions: &HashMap<i64, String>,
    enterprise_regions: &HashMap<i64, String>,
) -> Option<OfferInput> {
    let (person_id, enterprise_id) = subject_ids(&d.subject);
    let region = match (person_id, enterprise_id) {
        (_, Some(e)) => enterprise_regions.get(&e)?.clone(),
        (Some(p), None) => person_regions.get(&p)?.clone(),
        _ => return None,
    };
    Some(OfferInput {
        measure: d.measure.into(),
        clause: d.clause.into(),
        subject: d.subject.clone(),
        person_id,
        enterprise_id,
        region,
        amount_fen: d.amount.map(|m| m.fen()),
        period: d.period.map(|(a, b)| (a.to_string(), b.to_string())),
        explanation: serde_json::to_string(d).unwrap_or_default(),
    })
}

/// What one batch gave.
#[derive(Default)]
struct Evaluated {
    persons: usize,
    households: usize,
    decisions: usize,
    eligible: usize,
    cannot_decide: usize,
    seconds: f64,
    offers: Vec<OfferInput>,
    /// measure -> (decided, eligible, cannot decide)
    tally: HashMap<&'static str, (usize, usize, usize)>,
}

impl Evaluated {
    /// Count decisions and keep the eligible ones as offers.
    fn take(
        &mut self,
        decisions: Vec<Decision>,
        person_regions: &HashMap<i64, String>,
        enterprise_regions: &HashMap<i64, String>,
    ) {
        for d in decisions {
            self.decisions += 1;
            let t = self.tally.entry(d.measure).or_default();
            t.0 += 1;
            match d.status {
                Status::Eligible => {
                    t.1 += 1;
                    self.eligible += 1;
                    if let Some(o) = offer_of(&d, person_regions, enterprise_regions) {
                        self.offers.push(o);
                    }
                }
                Status::CannotDecide { .. } => {
                    t.2 += 1;
                    self.cannot_decide += 1;
                }
                Status::NotEligible => {}
            }
        }
    }

    /// Add what another batch gave.
    fn merge(&mut self, other: Evaluated) {
        self.persons += other.persons;
        self.households += other.households;
        self.decisions += other.decisions;
        self.eligible += other.eligible;
        self.cannot_decide += other.cannot_decide;
        self.seconds += other.seconds;
        self.offers.extend(other.offers);
        for (m, (n, y, u)) in other.tally {
            let t = self.tally.entry(m).or_default();
            t.0 += n;
            t.1 += y;
            t.2 += u;
        }
    }
}

/// Which registry persons the person and employment measures can find eligible, as the
/// database should choose them (see [`leye_store::SweepSelection`]); `None` when some measure's
/// reach is not known here, and the whole registry is read.
///
/// This rests on two things at once: what [`situation_of`] makes of registry rows, and what
/// each measure's rule and screen need. The property test
/// `selection_loses_no_eligible_decision` holds it to both.
pub fn selection(measures: &[&'static Measure], on: NaiveDate) -> Option<SweepSelection> {
    use leye_policy::measures::{
        disability, graduate_employment, hard_to_employ, insurance, job_expansion,
        paired_assistance, public_welfare_post, researcher_leave, skills, startup, traineeship,
    };
    // The registry does not record a business, a research post, a class, a special kind of
    // worker, or employment other than regular contract work: these rules say "does not
    // apply" to every person `situation_of` builds.
    let never = [
        startup::ONE_TIME.id,
        startup::DRIVEN_EMPLOYMENT.id,
        startup::RENT.id,
        startup::LOAN.id,
        researcher_leave::MEASURE.id,
        skills::TECHNICIAN_CLASS.id,
        skills::DIGITAL_ENGINEER.id,
        insurance::WORK_INJURY.id,
        insurance::FLEXIBLE.id,
        traineeship::MEASURE.id,
        public_welfare_post::MEASURE.id,
    ];
    let mut s = SweepSelection::none(on);
    for m in measures {
        let id = m.id;
        if m.subject() == SubjectKind::Enterprise || never.contains(&id) {
            // Enterprise measures are decided once for every enterprise, not from batches.
        } else if id == hard_to_employ::MEASURE.id {
            // Registered unemployed on `on`.
            s.unemployed = true;
        } else if id == paired_assistance::MEASURE.id {
            // Poverty-alleviated, hukou in a paired region (or unknown).
            let Some(regions) = in_force(paired_assistance::params(), |p| p.at("regions", on))?
            else {
                continue;
            };
            s.paired_hukou = Some(
                regions
                    .value
                    .split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect(),
            );
        } else if id == graduate_employment::MEASURE.id {
            // A graduate hired within the months one may apply in (one more for month ends).
            let Some((within, _)) = in_force(graduate_employment::params(), |p| {
                p.int_at("apply_within_months", on)
            })?
            else {
                continue;
            };
            s.hires.push(HireSelection {
                since: on.checked_sub_months(chrono::Months::new(u32::try_from(within + 1).ok()?)),
                higher_education: true,
                ..Default::default()
            });
        } else if id == job_expansion::MEASURE.id {
            // Hired from registered unemployment, or a graduate hired since the measure began
            // who graduated in the hire's year or at most the longest window before it.
            let history = job_expansion::params()
                .ok()?
                .summary()
                .into_iter()
                .find(|p| p.name == "graduate_years_after_leaving")?
                .history;
            let since = history.first()?.from;
            // Any value that is not a whole number of years: read everyone.
            let years = history
                .iter()
                .map(|u| u.value.parse::<i32>().ok())
                .collect::<Option<Vec<_>>>()?
                .into_iter()
                .max()?;
            s.unemployed = true;
            s.hires.push(HireSelection {
                since: Some(since),
                higher_education: true,
                graduated_since: NaiveDate::from_ymd_opt(since.year() - years, 1, 1),
                ..Default::default()
            });
        } else if id == disability::PLACEMENT.id {
            // A disabled person placed this year (新安置: hired in the year of `on`).
            s.hires.push(HireSelection {
                since: NaiveDate::from_ymd_opt(on.year(), 1, 1),
                disabled: true,
                ..Default::default()
            });
        } else {
            return None;
        }
    }
    Some(s)
}

/// A parameter the selection needs: `Some(None)` when it is not in force yet (the rule reads
/// it on the same date and then says "not eligible", so the measure chooses nobody), `None`
/// when it cannot be read at all (the selection gives up and everyone is read).
fn in_force<T>(
    params: Result<&'static leye_policy::params::ParamSet, PolicyError>,
    read: impl FnOnce(&'static leye_policy::params::ParamSet) -> Result<T, PolicyError>,
) -> Option<Option<T>> {
    match params.and_then(read) {
        Ok(v) => Some(Some(v)),
        Err(PolicyError::NotYetInForce { .. }) => Some(None),
        Err(_) => None,
    }
}

/// The person and employment measures over one batch.
fn evaluate_batch(
    batch: &SweepBatch,
    on: NaiveDate,
    measures: &[&'static Measure],
    enterprise_regions: &HashMap<i64, String>,
) -> Result<Evaluated, SweepError> {
    let t = Instant::now();
    let situation = situation_of(batch, on);
    let decisions = leye_policy::evaluate_for_sweep(&situation, on, measures)?;
    let mut e = Evaluated {
        persons: batch.persons.len(),
        households: batch.households.len(),
        ..Default::default()
    };
    // Regions are only looked up for offers, and most batches have few or none.
    let person_regions: HashMap<i64, String> =
        if decisions.iter().any(|d| d.status == Status::Eligible) {
            batch
                .persons
                .iter()
                .map(|p| (p.id, p.residence_region.clone()))
                .collect()
        } else {
            HashMap::new()
        };
    e.take(decisions, &person_regions, enterprise_regions);
    e.seconds = t.elapsed().as_secs_f64();
    Ok(e)
}

/// The enterprise measures, once for every enterprise of the registry (what the registry
/// knows of an enterprise is the same whichever batch its staff are read in).
fn evaluate_enterprises(
    on: NaiveDate,
    measures: &[&'static Measure],
    enterprise_regions: &HashMap<i64, String>,
) -> Result<Evaluated, SweepError> {
    let t = Instant::now();
    let mut ids: Vec<i64> = enterprise_regions.keys().copied().collect();
    ids.sort_unstable();
    let situation = Situation {
        enterprises: ids
            .into_iter()
            .map(|e| Enterprise {
                id: format!("e{e}"),
                registered_in_huzhou: Some(true),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let mut e = Evaluated::default();
    e.take(
        leye_policy::evaluate_for_sweep(&situation, on, measures)?,
        &HashMap::new(),
        enterprise_regions,
    );
    e.seconds = t.elapsed().as_secs_f64();
    Ok(e)
}

/// Batches evaluated at once while the next is read: the reader and two evaluations keep
/// both cores of a small server busy.
const IN_FLIGHT: usize = 2;

/// Run the sweep over the whole registry as of `on` and save the offers. Only the persons
/// some measure can find eligible are read (see [`selection`]).
pub async fn sweep(
    store: &Store,
    on: NaiveDate,
    only: Option<&[String]>,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
    progress: impl FnMut(i64, i64),
) -> Result<SweepReport, SweepError> {
    sweep_reading(store, on, only, actor, now, progress, Reading::Selected).await
}

/// How much of the registry a sweep reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// What [`selection`] chooses (the default).
    Selected,
    /// Every household and person (to compare against, in tests and benchmarks).
    Everyone,
}

/// [`sweep`], reading as said.
pub async fn sweep_reading(
    store: &Store,
    on: NaiveDate,
    only: Option<&[String]>,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
    mut progress: impl FnMut(i64, i64),
    reading: Reading,
) -> Result<SweepReport, SweepError> {
    if let Some(ids) = only {
        for id in ids {
            if leye_policy::measures::find(id).is_none() {
                return Err(SweepError::UnknownMeasure(id.clone()));
            }
        }
    }
    let chosen: Vec<&'static Measure> = leye_policy::measures::ALL
        .iter()
        .copied()
        .filter(|m| only.is_none_or(|ids| ids.iter().any(|i| i == m.id)))
        .collect();
    let measures: Vec<&str> = chosen.iter().map(|m| m.id).collect();
    let (of_enterprises, of_batches): (Vec<_>, Vec<_>) = chosen
        .iter()
        .partition(|m| m.subject() == SubjectKind::Enterprise);
    let enterprise_regions: HashMap<i64, String> =
        store.enterprise_regions().await?.into_iter().collect();
    let mut all = evaluate_enterprises(on, &of_enterprises, &enterprise_regions)?;
    let registry = store.counts(&leye_domain::Scope::System).await?;
    let chosen_persons = match reading {
        Reading::Selected => selection(&of_batches, on),
        Reading::Everyone => None,
    };
    // The database's choice of persons is part of reading.
    let t = Instant::now();
    let mut reader = match &chosen_persons {
        Some(s) => store.selected_registry_reader(s, 10_000).await?,
        None => store.registry_reader(10_000).await?,
    };
    let select_s = t.elapsed().as_secs_f64();
    let mut read_s = select_s;
    let enterprise_regions = std::sync::Arc::new(enterprise_regions);
    let of_batches = std::sync::Arc::new(of_batches);
    let mut pending: std::collections::VecDeque<
        tokio::task::JoinHandle<Result<Evaluated, SweepError>>,
    > = std::collections::VecDeque::new();
    loop {
        let t = Instant::now();
        let batch = reader.next().await?;
        read_s += t.elapsed().as_secs_f64();
        while pending.len() >= IN_FLIGHT || (batch.is_none() && !pending.is_empty()) {
            if let Some(h) = pending.pop_front() {
                all.merge(
                    h.await
                        .map_err(|e| SweepError::Export(format!("普查任务异常: {e}")))??,
                );
            }
        }
        let Some(batch) = batch else {
            break;
        };
        let regions = enterprise_regions.clone();
        let of_batches = of_batches.clone();
        pending.push_back(tokio::task::spawn_blocking(move || {
            evaluate_batch(&batch, on, &of_batches, &regions)
        }));
        let (done, total) = reader.progress();
        progress(done, total);
    }
    let mut report = SweepReport {
        on: on.to_string(),
        persons: registry.persons as usize,
        households: registry.households as usize,
        persons_read: all.persons,
        households_read: all.households,
        decisions: all.decisions,
        eligible: all.eligible,
        cannot_decide: all.cannot_decide,
        read_s,
        select_s,
        eval_s: all.seconds,
        ..Default::default()
    };
    let offers = all.offers;
    let mut by: HashMap<&str, (usize, i64)> = HashMap::new();
    for o in &offers {
        let e = by.entry(o.measure.as_str()).or_default();
        e.0 += 1;
        e.1 += o.amount_fen.unwrap_or(0);
    }
    report.by_measure = measures
        .iter()
        .map(|m| {
            let (n, fen) = by.get(m).copied().unwrap_or_default();
            (m.to_string(), n, fen)
        })
        .collect();
    report.decisions_by_measure = measures
        .iter()
        .map(|m| {
            let (n, y, u) = all.tally.get(m).copied().unwrap_or_default();
            (m.to_string(), n, y, u)
        })
        .collect();
    tracing::info!("普查: {} 条应享记录,开始写入", offers.len());
    let t = Instant::now();
    let run_id = run_id(now);
    report.saved = store
        .save_sweep(&run_id, on, &measures, &offers, actor, now)
        .await?;
    report.save_s = t.elapsed().as_secs_f64();
    Ok(report)
}

/// A run id unique across processes and runs (even with a fixed `now` in tests).
fn run_id(now: chrono::DateTime<chrono::Utc>) -> String {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{}-{}-{nanos}-{}",
        now.timestamp(),
        std::process::id(),
        SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

/// Every offer in scope matching the filter (for exports), read page by page.
pub async fn all_offers(
    store: &Store,
    scope: &leye_domain::Scope,
    filter: &leye_store::OfferFilter,
) -> Result<Vec<OfferRecord>, SweepError> {
    let mut out = Vec::new();
    let mut tx = store.begin_read().await?;
    let mut page = 1;
    loop {
        let p = leye_store::list_offers(
            &mut tx,
            scope,
            filter,
            leye_store::Paging::new(Some(page), Some(leye_store::Paging::MAX_PER_PAGE)),
        )
        .await?;
        let more = p.more_after((out.len() + p.items.len()) as i64);
        out.extend(p.items);
        if !more {
            break;
        }
        page += 1;
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(out)
}

/// Column headers of an offers export.
pub const HEADERS: [&str; 9] = [
    "措施",
    "条款",
    "对象编号",
    "姓名",
    "单位",
    "区划",
    "金额(元)",
    "期间",
    "状态",
];

/// The measure's Chinese name.
pub fn measure_name(id: &str) -> &str {
    leye_policy::measures::find(id).map_or(id, |m| m.name)
}

/// The status's Chinese label.
pub fn status_label(s: &str) -> &str {
    match s {
        "open" => "待告知",
        "applied" => "已申请",
        "paid" => "已发放",
        "dismissed" => "不予办理",
        other => other,
    }
}

/// One export row.
pub fn row(o: &OfferRecord) -> [String; 9] {
    [
        measure_name(&o.measure).to_string(),
        o.clause.clone(),
        o.subject.clone(),
        o.person_name.clone().unwrap_or_default(),
        o.enterprise_name.clone().unwrap_or_default(),
        leye_domain::Regions::huzhou().full_name(&o.region),
        o.amount_fen
            .map(|f| leye_domain::Money::from_fen(f).to_string())
            .unwrap_or_default(),
        match (&o.period_start, &o.period_end) {
            (Some(a), Some(b)) => format!("{a} 至 {b}"),
            _ => String::new(),
        },
        status_label(&o.status).to_string(),
    ]
}

/// Offers as an XLSX workbook (one sheet, Chinese headers).
pub fn to_xlsx(offers: &[OfferRecord]) -> Result<Vec<u8>, SweepError> {
    let rows: Vec<Vec<String>> = offers.iter().map(|o| row(o).to_vec()).collect();
    leye_io::sheet_bytes("免申即享名单", &HEADERS, &rows)
        .map_err(|e| SweepError::Export(e.to_string()))
}

/// Offers as CSV (UTF-8 with BOM so that Excel opens it in Chinese).
pub fn to_csv(offers: &[OfferRecord]) -> String {
    let rows: Vec<Vec<String>> = offers.iter().map(|o| row(o).to_vec()).collect();
    leye_io::csv_text(&HEADERS, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_between_counts_complete_months() {
        let d = |s: &str| -> NaiveDate { s.parse().unwrap() };
        assert_eq!(months_between(d("2026-01-15"), d("2026-04-14")), 2);
        assert_eq!(months_between(d("2026-01-15"), d("2026-04-15")), 3);
        assert_eq!(months_between(d("2026-05-01"), d("2026-04-15")), 0);
    }

    mod registry {
        use super::*;
        use leye_domain::Sex;
        use leye_domain::labour::LabourStatus;
        use leye_domain::person::{Assistance, Education};
        use leye_store::{SweepEvent, SweepHousehold, SweepPerson};
        use proptest::prelude::*;

        fn date(from: i32, to: i32) -> impl Strategy<Value = NaiveDate> {
            let base = NaiveDate::from_ymd_opt(from, 1, 1).unwrap();
            let days = (NaiveDate::from_ymd_opt(to, 12, 31).unwrap() - base).num_days();
            (0..=days).prop_map(move |d| base + chrono::Duration::days(d))
        }

        /// A date from about six years before `on` to two months after it.
        fn near(on: NaiveDate) -> impl Strategy<Value = NaiveDate> {
            (-60i64..2200).prop_map(move |d| on - chrono::Duration::days(d))
        }

        fn event(on: NaiveDate) -> impl Strategy<Value = SweepEvent> {
            (
                // Mostly hires and registered unemployment: what the measures are about.
                prop_oneof![
                    4 => Just(LabourStatus::Employed),
                    3 => Just(LabourStatus::Unemployed),
                    2 => prop::sample::select(LabourStatus::ALL),
                ],
                near(on),
                prop::option::weighted(0.8, 1..4i64),
                prop::option::of(0..25i64),
            )
                .prop_map(|(status, effective, ent, benefit)| SweepEvent {
                    status,
                    effective,
                    enterprise_id: ent.filter(|_| status == LabourStatus::Employed),
                    benefit_months: benefit.filter(|_| status == LabourStatus::Unemployed),
                })
        }

        /// A person with every registry fact the sweep reads, values around the measures'
        /// boundaries (graduates, paired regions, disabilities, events near `on`).
        fn person(on: NaiveDate) -> impl Strategy<Value = SweepPerson> {
            (
                (
                    prop::bool::ANY,
                    date(1960, 2008),
                    prop::sample::select(vec![
                        None,
                        Some("510802"),
                        Some("510811"),
                        Some("330502"),
                    ]),
                    prop::option::weighted(0.9, prop::sample::select(Education::ALL)),
                    prop::option::weighted(0.9, near(on)),
                    prop::option::weighted(0.2, 1..5i64),
                ),
                (
                    prop::bool::ANY,
                    prop::bool::ANY,
                    prop::sample::select(Assistance::ALL),
                    prop::bool::ANY,
                    prop::collection::vec(event(on), 0..4),
                ),
            )
                .prop_map(
                    |(
                        (male, birth, hukou, education, graduation, disability),
                        (veteran, poverty, assistance, urban, mut events),
                    )| {
                        events.sort_by_key(|e| e.effective);
                        SweepPerson {
                            id: 0,
                            household_id: None,
                            sex: Some(if male { Sex::Male } else { Sex::Female }),
                            birth: Some(birth),
                            residence_region: "330502102201".into(),
                            hukou_region: hukou.map(str::to_string),
                            education,
                            graduation,
                            disability_grade: disability,
                            veteran,
                            poverty_alleviated: poverty,
                            assistance: Some(assistance),
                            urban,
                            events,
                        }
                    },
                )
        }

        /// Households of one to four, and persons of none, with events around `on`.
        fn batch(on: NaiveDate) -> impl Strategy<Value = SweepBatch> {
            (
                prop::collection::vec(prop::collection::vec(person(on), 1..5), 0..4),
                prop::collection::vec(person(on), 0..3),
                prop::collection::vec(prop::bool::ANY, 4),
            )
                .prop_map(|(households, loose, urban)| {
                    let mut b = SweepBatch::default();
                    let mut id = 0;
                    for (h, members) in households.into_iter().enumerate() {
                        let hid = h as i64 + 1;
                        b.households.push(SweepHousehold {
                            id: hid,
                            urban: urban[h],
                            business_income: false,
                        });
                        for mut p in members {
                            id += 1;
                            p.id = id;
                            p.household_id = Some(hid);
                            b.persons.push(p);
                        }
                    }
                    for mut p in loose {
                        id += 1;
                        p.id = id;
                        b.persons.push(p);
                    }
                    b
                })
        }

        fn eligible(batch: &SweepBatch, on: NaiveDate, m: &[&'static Measure]) -> Vec<String> {
            let s = situation_of(batch, on);
            let mut out: Vec<String> = leye_policy::evaluate_for_sweep(&s, on, m)
                .unwrap()
                .into_iter()
                .filter(|d| d.status == Status::Eligible)
                .map(|d| format!("{} {} {:?}", d.measure, d.subject, d.amount))
                .collect();
            out.sort();
            out
        }

        /// Reading only what [`selection`] chooses finds every eligible decision that reading
        /// everyone finds, for any set of the batch measures. The counters show the test is
        /// not empty: eligible decisions are found, and persons are left out.
        #[test]
        fn selection_loses_no_eligible_decision() {
            use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
            let of_batches: Vec<&'static Measure> = leye_policy::measures::ALL
                .iter()
                .copied()
                .filter(|m| m.subject() != SubjectKind::Enterprise)
                .collect();
            let found = AtomicUsize::new(0);
            let left_out = AtomicUsize::new(0);
            let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
                cases: 10_000,
                failure_persistence: None,
                ..ProptestConfig::default()
            });
            let n = of_batches.len();
            runner
                .run(
                    &(
                        date(2023, 2027).prop_flat_map(|on| (batch(on), Just(on))),
                        0..(1u32 << n),
                    ),
                    |((batch, on), mask)| {
                        // Every measure together, or any subset (each measure's own reach).
                        let m: Vec<&'static Measure> = of_batches
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| mask == 0 || mask & (1 << i) != 0)
                            .map(|(_, m)| *m)
                            .collect();
                        let s = selection(&m, on).expect("every batch measure has a known reach");
                        let small = s.chosen_from(&batch);
                        let all = eligible(&batch, on, &m);
                        found.fetch_add(all.len(), Relaxed);
                        left_out.fetch_add(batch.persons.len() - small.persons.len(), Relaxed);
                        prop_assert_eq!(all, eligible(&small, on, &m));
                        Ok(())
                    },
                )
                .unwrap();
            let (found, left_out) = (found.into_inner(), left_out.into_inner());
            assert!(found > 2000 && left_out > 5000, "{found} {left_out}");
        }
    }

    #[test]
    fn subjects_name_person_and_enterprise() {
        assert_eq!(subject_ids("p12"), (Some(12), None));
        assert_eq!(subject_ids("p12@e34"), (Some(12), Some(34)));
        assert_eq!(subject_ids("e34"), (None, Some(34)));
    }
}
