//! Computing every indicator from the records and keeping the figures (maintained aggregates
//! in `indicator_values`) that pages, the dashboard and reports read.

use crate::figures::{CITY, Contribution, Figures, Mon, mon, mon_of, mon_str};
use crate::labour::{Event, Labour, LabourRules, Person, Sector, Status};
use crate::{MonitorError, warning_params};
use chrono::{DateTime, NaiveDate, Utc};
use leye_domain::Regions;
use leye_domain::enterprise::KeyEnterpriseRule;
use leye_store::{Actor, Store, Tx};
use std::collections::HashMap;

/// People read per batch.
const BATCH: i64 = 50_000;

/// The region key a record counts under: its township, or its county when that is all it names.
fn leaf(region: &str) -> &str {
    if region.len() >= 9 {
        &region[..9]
    } else {
        region
    }
}

/// Read people and their labour events.
pub async fn read_labour(store: &Store, tx: &mut Tx) -> Result<Labour, MonitorError> {
    let max = leye_store::max_person_id(tx).await?;
    let mut labour = Labour::default();
    let mut region_ix: HashMap<String, u32> = HashMap::new();
    let mut person_ix: HashMap<i64, u32> = HashMap::new();
    let mut after = 0;
    while after < max {
        let (people, events) =
            leye_store::monitor_labour_batch(tx, store.backend(), after, BATCH).await?;
        for line in people.lines().filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.split('|').collect();
            let [id, birth, region, urban] = f[..] else {
                return Err(MonitorError::Data(format!("人员数据行格式错误: {line}")));
            };
            let id: i64 = id
                .parse()
                .map_err(|_| MonitorError::Data(format!("人员编号错误: {line}")))?;
            let key = leaf(region);
            let next = region_ix.len() as u32;
            let r = *region_ix.entry(key.to_string()).or_insert_with(|| {
                labour.regions.push(key.to_string());
                next
            });
            person_ix.insert(id, labour.people.len() as u32);
            labour.people.push(Person {
                region: r,
                urban: urban == "1",
                birth: mon(birth).unwrap_or(0),
            });
        }
        for line in events.lines().filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.split('|').collect();
            let [person, effective, status, industry, benefit] = f[..] else {
                return Err(MonitorError::Data(format!(
                    "就业事件数据行格式错误: {line}"
                )));
            };
            let (Some(&p), Some(month), Some(status)) = (
                person.parse::<i64>().ok().and_then(|p| person_ix.get(&p)),
                mon(effective),
                Status::parse(status),
            ) else {
                return Err(MonitorError::Data(format!("就业事件数据错误: {line}")));
            };
            labour.events.push(Event {
                person: p,
                month,
                status,
                sector: Sector::of_industry(industry),
                industry: industry.bytes().next().unwrap_or(0),
                benefit_months: benefit.parse().unwrap_or(0),
            });
        }
        after += BATCH;
    }
    Ok(labour)
}

/// The labour rules in force at the end of the window.
pub fn labour_rules(on: NaiveDate) -> Result<LabourRules, MonitorError> {
    let p = warning_params()?;
    let get = |n: &str| -> Result<i32, MonitorError> {
        Ok(i32::try_from(p.int_at(n, on)?.0).unwrap_or(i32::MAX))
    };
    Ok(LabourRules {
        long_term_months: get("long_term_months")?,
        youth_min_age: get("youth_age_min")?,
        youth_max_age: get("youth_age_max")?,
    })
}

/// Counts per (indicator, region key, month) for one window, with difference arrays for
/// figures that hold over a span of months.
struct Acc {
    from: Mon,
    to: Mon,
    flows: HashMap<(&'static str, String, Mon), (i64, i64)>,
    spans: HashMap<(&'static str, String), Vec<(i64, i64)>>,
}

impl Acc {
    fn new(from: Mon, to: Mon) -> Acc {
        Acc {
            from,
            to,
            flows: HashMap::new(),
            spans: HashMap::new(),
        }
    }
    fn flow(&mut self, id: &'static str, region: &str, m: Mon, num: i64, den: i64) {
        if m < self.from || m > self.to {
            return;
        }
        let c = self
            .flows
            .entry((id, leaf(region).to_string(), m))
            .or_insert((0, 0));
        c.0 += num;
        c.1 += den;
    }
    /// Add to every month of `a..=b` (clipped to the window).
    fn span(&mut self, id: &'static str, region: &str, a: Mon, b: Mon, num: i64, den: i64) {
        let (a, b) = (a.max(self.from), b.min(self.to));
        if a > b {
            return;
        }
        let n = (self.to - self.from + 2) as usize;
        let v = self
            .spans
            .entry((id, leaf(region).to_string()))
            .or_insert_with(|| vec![(0, 0); n]);
        let (i, j) = ((a - self.from) as usize, (b - self.from) as usize + 1);
        v[i].0 += num;
        v[i].1 += den;
        v[j].0 -= num;
        v[j].1 -= den;
    }
    fn contributions(self) -> Vec<Contribution> {
        let mut out: Vec<Contribution> = self
            .flows
            .into_iter()
            .map(|((id, r, m), (n, d))| Contribution::new(id, &r, m, n, d))
            .collect();
        for ((id, r), v) in self.spans {
            let (mut n, mut d) = (0, 0);
            for (k, (dn, dd)) in v
                .iter()
                .enumerate()
                .take((self.to - self.from + 1) as usize)
            {
                n += dn;
                d += dd;
                if n != 0 || d != 0 {
                    out.push(Contribution::new(id, &r, self.from + k as Mon, n, d));
                }
            }
        }
        out
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Everything that is not a labour history: the job market, events, help, key enterprises.
async fn read_others(
    store: &Store,
    tx: &mut Tx,
    from: Mon,
    to: Mon,
) -> Result<Vec<Contribution>, MonitorError> {
    let mut acc = Acc::new(from, to);
    let far = to + 1;
    // Postings: quality jobs when published; demand while live.
    for line in leye_store::monitor_postings(tx, store.backend())
        .await?
        .lines()
    {
        let f: Vec<&str> = line.split('|').collect();
        let [region, published, last, headcount, quality] = f[..] else {
            continue;
        };
        let (Some(a), Some(b), Ok(n)) = (mon(published), mon(last), headcount.parse::<i64>())
        else {
            continue;
        };
        if quality == "1" {
            acc.flow("quality_jobs", region, a, n, 0);
        }
        acc.span("job_ratio", region, a, b, n, 0);
    }
    // Seekers: supply from the month they registered.
    for line in leye_store::monitor_seekers(tx, store.backend())
        .await?
        .lines()
    {
        let (region, registered) = line.split_once('|').unwrap_or((line, ""));
        if region.is_empty() {
            continue;
        }
        acc.span(
            "job_ratio",
            region,
            mon(registered).unwrap_or(from),
            far,
            0,
            1,
        );
    }
    for (region, starts) in leye_store::monitor_events(tx).await? {
        if let Some(m) = mon(&starts) {
            acc.flow("recruitment_events", &region, m, 1, 0);
        }
    }
    // Zero-employment households: open at the month's end; days to clear when cleared.
    let spells = leye_store::monitor_zero_spells(tx).await?;
    let mut household_need: HashMap<i64, Vec<(String, Mon, Mon)>> = HashMap::new();
    for (household, region, identified, _deadline, cleared) in &spells {
        let Some(a) = mon(identified) else { continue };
        let b = cleared.as_deref().and_then(mon).map_or(far, |c| c - 1);
        acc.span("zero_households", region, a, b, 1, 0);
        if let (Some(c), Some(i), Some(d)) = (
            cleared.as_deref().and_then(mon),
            date(identified),
            cleared.as_deref().and_then(date),
        ) {
            acc.flow(
                "zero_household_days_to_clear",
                region,
                c,
                (d - i).num_days(),
                1,
            );
        }
        household_need
            .entry(*household)
            .or_default()
            .push((region.clone(), a, b));
    }
    // Assistance coverage: needs (confirmed hard-to-employ people, open zero-employment
    // spells) with an open case at the month's end.
    let mut person_need: HashMap<i64, Vec<(String, Mon, Mon)>> = HashMap::new();
    for (person, region, confirmed, ended) in leye_store::monitor_hard_to_employ(tx).await? {
        let Some(a) = mon(&confirmed) else { continue };
        let b = ended.as_deref().and_then(mon).map_or(far, |e| e - 1);
        person_need.entry(person).or_default().push((region, a, b));
    }
    for needs in person_need.values().chain(household_need.values()) {
        for (region, a, b) in needs {
            acc.span("assistance_coverage", region, *a, *b, 0, 1);
        }
    }
    for (kind, person, household, opened, closed) in leye_store::monitor_cases(tx).await? {
        let needs = match (kind.as_str(), person, household) {
            ("person", Some(p), _) => person_need.get(&p),
            ("household", _, Some(h)) => household_need.get(&h),
            _ => None,
        };
        let (Some(needs), Some(ca)) = (needs, mon(&opened)) else {
            continue;
        };
        let cb = closed.as_deref().and_then(mon).map_or(far, |c| c - 1);
        for (region, a, b) in needs {
            acc.span("assistance_coverage", region, ca.max(*a), cb.min(*b), 1, 0);
        }
    }
    // Key enterprises: headcount, and losses against the month before.
    let rule = KeyEnterpriseRule::current();
    let rows = leye_store::monitor_headcounts(tx, &mon_str(from - 1), None).await?;
    let mut prev: Option<&leye_store::HeadcountRow> = None;
    for h in &rows {
        let Some(m) = mon(&h.month) else { continue };
        let before = prev
            .filter(|p| p.enterprise_id == h.enterprise_id && mon(&p.month) == Some(m - 1))
            .map(|p| p.headcount);
        let key = h.designated
            || h.investment_fen >= rule.min_investment_fen.value
            || h.headcount.max(before.unwrap_or(0)) >= i64::from(rule.min_staff.value);
        if key {
            acc.flow("key_enterprise_headcount", &h.region, m, h.headcount, 0);
            if let Some(b) = before.filter(|b| *b > h.headcount) {
                acc.flow(
                    "key_enterprise_job_losses",
                    &h.region,
                    m,
                    b - h.headcount,
                    0,
                );
                let by_cause = match h.loss_cause.as_deref() {
                    Some("closure") => Some("key_enterprise_losses_closure"),
                    Some("suspension") => Some("key_enterprise_losses_suspension"),
                    Some("layoff") => Some("key_enterprise_losses_layoff"),
                    _ => None,
                };
                if let Some(id) = by_cause {
                    acc.flow(id, &h.region, m, b - h.headcount, 0);
                }
            }
        }
        prev = Some(h);
    }
    // Skills, startups and HR service (issue 9): flows in their month, stocks from then on.
    let first = NaiveDate::from_ymd_opt(from.div_euclid(12), (from.rem_euclid(12) + 1) as u32, 1)
        .unwrap_or(NaiveDate::MIN);
    let after = NaiveDate::from_ymd_opt(far.div_euclid(12), (far.rem_euclid(12) + 1) as u32, 1)
        .unwrap_or(NaiveDate::MAX);
    let last = after.pred_opt().unwrap_or(after);
    for c in leye_skills::counts::counts(tx, first, last).await? {
        let Some(m) = mon(&c.month) else { continue };
        if c.stock {
            acc.span(c.indicator, &c.region, m, far, c.n, 0);
        } else {
            acc.flow(c.indicator, &c.region, m, c.n, 0);
        }
    }
    Ok(acc.contributions())
}

/// Every figure of the months `from..=to`.
pub async fn compute(store: &Store, from: Mon, to: Mon) -> Result<(Figures, usize), MonitorError> {
    let regions = Regions::huzhou();
    let mut tx = store.begin_read().await?;
    let labour = read_labour(store, &mut tx).await?;
    let others = read_others(store, &mut tx, from, to).await?;
    let surveyed = leye_store::surveyed_rates(&mut tx).await?;
    tx.commit().await?;
    let end = NaiveDate::from_ymd_opt(to.div_euclid(12), (to.rem_euclid(12) + 1) as u32, 1)
        .unwrap_or(NaiveDate::MIN);
    let rules = labour_rules(end)?;
    let mut figures = Figures::default();
    for c in crate::labour::fold(&labour, rules, from, to)
        .iter()
        .chain(others.iter())
    {
        figures.add(regions, c);
    }
    for s in surveyed {
        if let Some(m) = mon(&s.month).filter(|m| (from..=to).contains(m)) {
            figures.set(
                "surveyed_unemployment_rate",
                &s.region,
                m,
                s.rate_bp,
                10_000,
            );
        }
    }
    Ok((figures, labour.events.len()))
}

/// Recompute `from..=to` and replace the stored figures in one transaction.
pub async fn refresh(
    store: &Store,
    from: Mon,
    to: Mon,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<RefreshReport, MonitorError> {
    if from > to || to - from > 120 {
        return Err(MonitorError::Data("计算区间应为1至120个月".into()));
    }
    let started = std::time::Instant::now();
    let (figures, events) = compute(store, from, to).await?;
    let rows: Vec<(String, String, String, i64, i64)> = figures
        .rows()
        .map(|(i, r, m, n, d)| (i.to_string(), r.to_string(), mon_str(m), n, d))
        .collect();
    let millis = started.elapsed().as_millis() as i64;
    let mut tx = store.begin().await?;
    leye_store::replace_indicator_values(
        &mut tx,
        &mon_str(from),
        &mon_str(to),
        &rows,
        events as i64,
        millis,
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(RefreshReport {
        from: mon_str(from),
        to: mon_str(to),
        figures: rows.len(),
        events,
        millis,
    })
}

/// What a refresh did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RefreshReport {
    pub from: String,
    pub to: String,
    pub figures: usize,
    pub events: usize,
    pub millis: i64,
}

/// The default window: the 24 months up to and including the month of `today`.
pub fn default_window(today: NaiveDate) -> (Mon, Mon) {
    let to = mon_of(today);
    (to - 23, to)
}

/// The city-wide figure of an indicator for a month, from stored values.
pub fn city_value(
    values: &[leye_store::IndicatorValue],
    id: &str,
    month: &str,
) -> Option<(i64, i64)> {
    values
        .iter()
        .find(|v| v.indicator == id && v.region == CITY && v.month == month)
        .map(|v| (v.num, v.den))
}
