//! The synthetic Huzhou at scale (`leye synth --scale F --seed N`): about 3.4 million residents
//! at scale 1.0, spread over the real counties by their populations, in households of
//! realistic sizes, with valid ID numbers that match each person, education, students and
//! recent graduates, labour status (about 2% registered unemployed), disability, veterans,
//! 低保 households, people from the paired-assistance region, and enterprises (manufacturing
//! about 40% and services about 45% of employment; a few hundred with 500+ staff) with 24
//! months of headcount including layoffs. Deterministic: same seed, same city.
//!
//! Written through the store's bulk loader: one transaction, one audit row.

use crate::names;
use crate::rng::Rng;
use crate::{SynthError, credit_code, id_number};
use chrono::{Datelike, Days, NaiveDate};
use leye_domain::YearMonth;
use leye_domain::region::RegionLevel;
use leye_domain::{Regions, Sex};
use leye_store::{Actor, BulkTable, Cell, Store};
use std::collections::HashMap;

/// Residents at the end of 2021 by county (POLICY-FACTS.md); 南太湖新区 and 长合区 are
/// overlays of townships in these counties and add no residents of their own.
const COUNTIES: [(&str, u32); 5] = [
    ("330502", 727_000 + 309_000),
    ("330503", 545_000),
    ("330521", 553_000),
    ("330522", 678_000),
    ("330523", 595_000),
];

/// Household sizes 1..=6 (Zhejiang's 2020 census is about 2.4 persons per household; the
/// registry counts members of registered households, a little larger).
const HOUSEHOLD_SIZES: [u32; 6] = [24, 30, 22, 13, 8, 3];

/// Paired-assistance region (四川省广元市) county codes, for workers who came from there.
const GUANGYUAN: [&str; 7] = [
    "510802", "510811", "510812", "510821", "510822", "510823", "510824",
];

/// Other provinces' capital districts, for people whose hukou is elsewhere.
const ELSEWHERE: [&str; 8] = [
    "340104", "360102", "410105", "420106", "430102", "450102", "520102", "530102",
];

/// A small index for an address code (the key of ID-number sequences).
fn code_index(code: &str) -> usize {
    COUNTIES
        .iter()
        .map(|c| c.0)
        .chain(GUANGYUAN)
        .chain(ELSEWHERE)
        .position(|c| c == code)
        .unwrap_or(usize::MAX)
}

/// Options of a synthetic city.
#[derive(Debug, Clone, Copy)]
pub struct CityOptions {
    /// 1.0 = the whole city (about 3.4 million residents)
    pub scale: f64,
    pub seed: u64,
    /// The "as of" date of the city (statuses and histories end here).
    pub today: NaiveDate,
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct CitySummary {
    pub persons: u64,
    pub households: u64,
    pub enterprises: u64,
    pub key_enterprises: u64,
    pub headcount_rows: u64,
    pub labour_events: u64,
    pub registered_unemployed: u64,
    pub employed: u64,
    pub employed_manufacturing: u64,
    pub employed_services: u64,
    pub from_paired_region: u64,
}

/// A long step's progress: (step name, done, total).
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

struct Firm {
    id: i64,
    industry: &'static str,
}

fn services(industry: &str) -> bool {
    industry >= "F"
}

/// Generate the city and load it into an empty registry.
pub async fn load_city(
    store: &Store,
    o: CityOptions,
    now: chrono::DateTime<chrono::Utc>,
    progress: Progress<'_>,
) -> Result<CitySummary, SynthError> {
    let regions = Regions::huzhou();
    let mut rng = Rng::new(o.seed);
    let mut sum = CitySummary::default();
    let mut load = store.bulk_load("合成数据", now).await?;
    let this_month = YearMonth::of(o.today);

    // Villages and communities of each county.
    let mut places: HashMap<&str, (Vec<String>, Vec<String>)> = HashMap::new();
    for r in regions.all().filter(|r| r.level == RegionLevel::Village) {
        let county = &r.code[..6];
        if let Some((c, _)) = COUNTIES.iter().find(|(c, _)| *c == county) {
            let e = places.entry(c).or_default();
            if r.kind == "community" {
                e.0.push(r.code.clone());
            } else {
                e.1.push(r.code.clone());
            }
        }
    }
    let county_weights: Vec<u32> = COUNTIES.iter().map(|(_, n)| n / 1000).collect();

    // Enterprises: Pareto-distributed sizes, industries weighted so employment is about 40%
    // manufacturing and 45% services.
    let n_firms = ((60_000.0 * o.scale).round() as usize).max(20);
    let mut firms = Vec::with_capacity(n_firms);
    let mut cumulative = Vec::with_capacity(n_firms);
    let mut total_size = 0u64;
    let mut rows = Vec::new();
    let mut headcount = Vec::new();
    for i in 0..n_firms {
        let id = i as i64 + 1;
        let county = COUNTIES[rng.weighted(&county_weights)].0;
        let industry = names::INDUSTRIES[rng.weighted(&names::INDUSTRY_WEIGHTS)];
        // Pareto(x_m = 3, alpha = 1.1), capped: about 0.4% of firms reach 500 staff.
        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let size = (3.0 / (1.0 - u).max(1e-9).powf(1.0 / 1.1)).min(20_000.0) as u64;
        total_size += size;
        cumulative.push(total_size);
        let key = size >= 500;
        sum.key_enterprises += u64::from(key);
        let township = places
            .get(county)
            .and_then(|(c, v)| {
                let all = c.len() + v.len();
                let i = rng.below(all);
                if i < c.len() {
                    c.get(i)
                } else {
                    v.get(i - c.len())
                }
            })
            .map(|v| v[..9].to_string())
            .unwrap_or_else(|| county.to_string());
        rows.push(vec![
            Cell::from(id),
            credit_code(county, i as u32).into(),
            format!(
                "湖州{}{}{}有限公司",
                names::pick(&mut rng, names::FIRM_WORDS),
                i,
                names::firm_suffix(industry)
            )
            .into(),
            industry.into(),
            township.into(),
            Cell::from((size as i64) * 10_000_000),
            if size >= 300 {
                "large"
            } else if size >= 100 {
                "medium"
            } else if size >= 10 {
                "small"
            } else {
                "micro"
            }
            .into(),
            key.into(),
            Cell::from(key.then_some("用工500人以上(合成数据)")),
        ]);
        // 24 months of headcount ending at the target size, with an occasional layoff.
        let mut staff = size as i64;
        let mut months = Vec::with_capacity(24);
        for k in 0..24 {
            months.push((this_month.add_months(-k), staff));
            let change = if rng.below(60) == 0 {
                staff / 5
            } else {
                (rng.below(5) as i64 - 2) * (staff / 50).max(1)
            };
            staff = (staff + change).max(1);
        }
        for (m, s) in months.into_iter().rev() {
            headcount.push(vec![Cell::from(id), m.to_string().into(), Cell::from(s)]);
        }
        firms.push(Firm { id, industry });
        sum.enterprises += 1;
        if rows.len() >= 2000 {
            sum.headcount_rows += headcount.len() as u64;
            load.insert(BulkTable::Enterprises, std::mem::take(&mut rows))
                .await?;
            load.insert(BulkTable::Headcount, std::mem::take(&mut headcount))
                .await?;
            progress("企业", sum.enterprises, n_firms as u64);
        }
    }
    sum.headcount_rows += headcount.len() as u64;
    load.insert(BulkTable::Enterprises, rows).await?;
    load.insert(BulkTable::Headcount, headcount).await?;
    progress("企业", sum.enterprises, n_firms as u64);

    // Households and persons.
    let target = (3_407_000.0 * o.scale).round() as u64;
    let mut seqs: HashMap<(usize, i32), u16> = HashMap::new();
    let (mut persons, mut households, mut members, mut events) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut pid = 0i64;
    let mut hid = 0i64;
    while sum.persons < target {
        hid += 1;
        let ci = rng.weighted(&county_weights);
        let county = COUNTIES[ci].0;
        let urban = rng.below(100) < 66;
        let Some((communities, villages)) = places.get(county) else {
            continue;
        };
        let list = if urban && !communities.is_empty() || villages.is_empty() {
            communities
        } else {
            villages
        };
        let place = &list[rng.below(list.len())];
        let place_urban = communities.contains(place);
        // 8% of households are people whose hukou is elsewhere; some from the paired region.
        let migrant = rng.below(100) < 8;
        let paired = migrant && rng.below(8) == 0;
        let hukou = if paired {
            GUANGYUAN[rng.below(GUANGYUAN.len())]
        } else if migrant {
            ELSEWHERE[rng.below(ELSEWHERE.len())]
        } else {
            county
        };
        let size = if migrant {
            1 + rng.below(2)
        } else {
            1 + rng.weighted(&HOUSEHOLD_SIZES)
        };
        let head_age = if migrant {
            20 + rng.below(30) as i32
        } else {
            [22, 30, 40, 50, 60, 70, 80][rng.weighted(&[6, 14, 18, 20, 20, 14, 8])]
                + rng.below(10) as i32
        };
        let head_female = rng.below(3) == 0;
        let assistance = match rng.below(1000) {
            0..=14 => "dibao",
            15..=24 => "dibao_edge",
            _ => "none",
        };
        let alleviated = !place_urban && !migrant && rng.below(50) == 0 || paired;
        let business_income = rng.below(8) == 0;
        // A few urban households where nobody of working age has work (零就业家庭).
        let jobless_household = place_urban && !business_income && rng.below(400) == 0;
        households.push(vec![
            Cell::from(hid),
            place.clone().into(),
            place_urban.into(),
            business_income.into(),
            ["low", "lower_middle", "middle", "middle", "high"][rng.below(5)].into(),
        ]);
        sum.households += 1;
        let surname = names::pick(&mut rng, names::SURNAMES);
        for m in 0..size {
            pid += 1;
            let (age, relation) = match m {
                0 => (head_age, "head"),
                1 => ((head_age + rng.below(7) as i32 - 3).max(18), "spouse"),
                _ if head_age > 50 && rng.below(4) == 0 => {
                    (head_age + 22 + rng.below(8) as i32, "parent")
                }
                _ => ((head_age - 22 - rng.below(12) as i32).max(0), "child"),
            };
            let female = match m {
                0 => head_female,
                1 => !head_female,
                _ => rng.below(100) < 49,
            };
            let year = o.today.year() - age - 1;
            let birth = NaiveDate::from_yo_opt(year, 1 + rng.below(365) as u32).unwrap_or(o.today);
            let code = if migrant { hukou } else { county };
            let key = (code_index(code), birth.num_days_from_ce());
            let k = seqs.entry(key).or_insert(0);
            let seq = u32::from(*k % 500) * 2 + u32::from(!female);
            *k += 1;
            let id = id_number(code, birth, seq);
            let age = o.today.years_since(birth).unwrap_or(0) as i32;
            let education = names::education_for(&mut rng, age);
            let grad_age = match education {
                "junior_college" => Some(21),
                "bachelor" => Some(22),
                "master" => Some(25),
                _ => None,
            };
            let graduation = grad_age
                .and_then(|a| NaiveDate::from_ymd_opt(birth.year() + a, 6, 30))
                .filter(|g| *g <= o.today);
            let still_studying = grad_age.is_some() && graduation.is_none() && age >= 18;
            let disability = (age >= 16 && rng.below(40) == 0).then(|| 1 + rng.below(4) as i64);
            let veteran = !female && age >= 25 && rng.below(33) == 0;

            // Labour status history (at most two events).
            let retirement_age = if female { 55 } else { 60 };
            let mut history: Vec<(&str, NaiveDate, Option<i64>, Option<i64>)> = Vec::new();
            let days_ago = |rng: &mut Rng, max: u64| {
                o.today
                    .checked_sub_days(Days::new(1 + rng.below(max as usize) as u64))
                    .unwrap_or(o.today)
                    .max(birth)
            };
            let pick_firm = |rng: &mut Rng| {
                let x = rng.next_u64() % total_size.max(1);
                let i = cumulative.partition_point(|c| *c <= x);
                &firms[i.min(firms.len() - 1)]
            };
            if age < 16 {
            } else if still_studying {
                history.push(("student", days_ago(&mut rng, 1400), None, None));
            } else if age >= retirement_age {
                history.push(("retired", days_ago(&mut rng, 3000), None, None));
            } else if jobless_household || rng.below(1000) < 15 {
                let since = days_ago(&mut rng, 900);
                history.push((
                    "unemployed",
                    since,
                    None,
                    (rng.below(5) < 2).then(|| rng.below(13) as i64),
                ));
                sum.registered_unemployed += 1;
            } else if rng.below(100) < 80 {
                // Recent graduates of this year are hired after registering as unemployed.
                let recent = graduation.is_some_and(|g| g.year() == o.today.year());
                let firm = (rng.below(4) != 0 || recent).then(|| pick_firm(&mut rng));
                let start = if recent {
                    graduation
                        .and_then(|g| g.checked_add_days(Days::new(1 + rng.below(120) as u64)))
                        .unwrap_or(o.today)
                        .min(o.today)
                } else {
                    days_ago(&mut rng, 3650)
                };
                if recent && rng.below(2) == 0 {
                    let g = graduation.unwrap_or(start);
                    history.push(("unemployed", g.min(start), None, None));
                }
                history.push(("employed", start, firm.map(|f| f.id), None));
                sum.employed += 1;
                if let Some(f) = firm {
                    sum.employed_manufacturing += u64::from(f.industry == "C");
                    sum.employed_services += u64::from(services(f.industry));
                }
            } else {
                history.push(("out_of_labour_force", days_ago(&mut rng, 2000), None, None));
            }
            let last = history.last().copied();
            for (status, eff, firm, benefit) in &history {
                events.push(vec![
                    Cell::from(pid),
                    (*status).into(),
                    eff.to_string().into(),
                    Cell::from(*firm),
                    Cell::from(*benefit),
                ]);
            }
            sum.labour_events += history.len() as u64;
            sum.from_paired_region += u64::from(paired);
            let name = format!(
                "{}{}",
                if relation == "spouse" {
                    names::pick(&mut rng, names::SURNAMES)
                } else {
                    surname
                },
                names::given_name(&mut rng, female)
            );
            persons.push(vec![
                Cell::from(pid),
                id.into(),
                name.into(),
                if female { Sex::Female } else { Sex::Male }.code().into(),
                birth.to_string().into(),
                Cell::from((age >= 16).then(|| {
                    format!(
                        "1{}{:09}",
                        [3, 5, 7, 8, 9][rng.below(5)],
                        rng.below(1_000_000_000)
                    )
                })),
                hukou.into(),
                place.clone().into(),
                format!("{}{}号", regions.full_name(place), 1 + rng.below(300)).into(),
                education.into(),
                Cell::from(
                    graduation
                        .is_some()
                        .then(|| names::pick(&mut rng, names::SCHOOLS)),
                ),
                Cell::from(graduation.map(|g| g.to_string())),
                Cell::from(disability),
                veteran.into(),
                alleviated.into(),
                assistance.into(),
                place_urban.into(),
                Cell::from(last.map(|l| l.0)),
                Cell::from(last.map(|l| l.1.to_string())),
            ]);
            members.push(vec![Cell::from(hid), Cell::from(pid), relation.into()]);
            sum.persons += 1;
        }
        if persons.len() >= 20_000 {
            flush(
                &mut load,
                &mut households,
                &mut persons,
                &mut members,
                &mut events,
            )
            .await?;
            progress("人员", sum.persons, target);
        }
    }
    flush(
        &mut load,
        &mut households,
        &mut persons,
        &mut members,
        &mut events,
    )
    .await?;
    progress("人员", sum.persons, target);
    progress("提交", 0, 1);
    let detail = format!(
        "合成城市(规模{}, 种子{}): {}人, {}户, {}家企业",
        o.scale, o.seed, sum.persons, sum.households, sum.enterprises
    );
    load.finish(&Actor::system("合成数据"), &detail).await?;
    progress("提交", 1, 1);
    Ok(sum)
}

async fn flush(
    load: &mut leye_store::BulkLoad,
    households: &mut Vec<Vec<Cell>>,
    persons: &mut Vec<Vec<Cell>>,
    members: &mut Vec<Vec<Cell>>,
    events: &mut Vec<Vec<Cell>>,
) -> Result<(), SynthError> {
    load.insert(BulkTable::Households, std::mem::take(households))
        .await?;
    load.insert(BulkTable::Persons, std::mem::take(persons))
        .await?;
    load.insert(BulkTable::Members, std::mem::take(members))
        .await?;
    load.insert(BulkTable::LabourEvents, std::mem::take(events))
        .await?;
    households.clear();
    persons.clear();
    members.clear();
    events.clear();
    Ok(())
}
