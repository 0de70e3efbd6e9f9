//! Synthetic Huzhou for 乐业 (leye).
//!
//! For now: the small, deterministic demo city that `leye demo` loads into an empty
//! database, so a newcomer sees a working registry at once. Everything it writes goes
//! through the store's public functions (scoped, audited), never raw SQL. Same seed, same
//! city. It never reads the clock: the caller gives "now".

pub mod city;
pub mod hires;
pub mod jobs;
pub mod market;
mod names;
mod rng;
pub mod skills;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use leye_domain::enterprise::{EnterpriseInput, Headcount};
use leye_domain::household::{HouseholdInput, MemberInput};
use leye_domain::labour::LabourEventInput;
use leye_domain::person::PersonInput;
use leye_domain::region::RegionLevel;
use leye_domain::{FieldError, Regions, Scope, YearMonth};
use leye_store::{Actor, Store, StoreError};
use rng::Rng;
use std::collections::HashSet;
use thiserror::Error;

/// Why the demo could not be loaded.
#[derive(Debug, Error)]
pub enum SynthError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("生成的数据不合法(程序错误): {0}")]
    Invalid(#[from] FieldError),
}

impl From<leye_store::DbError> for SynthError {
    fn from(e: leye_store::DbError) -> Self {
        SynthError::Store(e.into())
    }
}

/// What the demo loader wrote.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct DemoSummary {
    pub households: usize,
    pub persons: usize,
    pub enterprises: usize,
    pub labour_events: usize,
}

/// Size of the demo city.
#[derive(Debug, Clone, Copy)]
pub struct DemoSize {
    pub households: usize,
    pub enterprises: usize,
}

impl Default for DemoSize {
    fn default() -> Self {
        Self {
            households: 240,
            enterprises: 40,
        }
    }
}

/// Load the demo city into `store` unless it already holds persons. Returns `None` when it
/// did nothing.
pub async fn load_demo_if_empty(
    store: &Store,
    size: DemoSize,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<Option<DemoSummary>, SynthError> {
    if store.counts(&Scope::System).await?.persons > 0 {
        return Ok(None);
    }
    load_demo(store, size, seed, now).await.map(Some)
}

/// Load the demo city in one transaction: all of it or nothing.
pub async fn load_demo(
    store: &Store,
    size: DemoSize,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<DemoSummary, SynthError> {
    let regions = Regions::huzhou();
    let today = leye_domain::time::local_date(now);
    let mut rng = Rng::new(seed);
    let actor = Actor::system("演示数据");
    let sys = Scope::System;
    let mut sum = DemoSummary::default();
    let villages: Vec<&leye_domain::Region> = regions
        .all()
        .filter(|r| r.level == RegionLevel::Village)
        .collect();
    let mut tx = store.begin().await?;

    // Enterprises, with 24 months of headcount; a few large ones become key enterprises.
    let mut enterprise_ids = Vec::new();
    for i in 0..size.enterprises {
        let v = villages[rng.below(villages.len())];
        let county = &v.code[..6];
        let industry = names::INDUSTRIES[rng.weighted(&names::INDUSTRY_WEIGHTS)];
        let big = i % 10 == 0;
        let input = EnterpriseInput {
            credit_code: credit_code(county, 100_000 + i as u32),
            name: format!(
                "湖州{}{}有限公司",
                names::pick(&mut rng, names::FIRM_WORDS),
                names::firm_suffix(industry)
            ),
            industry: industry.into(),
            region: v.parent.clone().unwrap_or_else(|| county.to_string()),
            registered_investment_yuan: Some(format!(
                "{}",
                if big {
                    500_000_000 + rng.below(200) as i64 * 1_000_000
                } else {
                    1_000_000 + rng.below(50_000_000) as i64
                }
            )),
            scale: if big {
                "large"
            } else {
                ["micro", "small", "small", "medium"][rng.below(4)]
            }
            .into(),
            ..Default::default()
        };
        let facts = input.parse(regions)?;
        let id = leye_store::create_enterprise(&mut tx, &sys, &actor, &facts, now).await?;
        let mut staff: i64 = if big {
            480 + rng.below(300) as i64
        } else {
            5 + rng.below(150) as i64
        };
        let this_month = YearMonth::of(today);
        for k in (1..=24).rev() {
            let month = this_month.add_months(-k);
            // A layoff now and then (二(五)1: key-enterprise monitoring needs them).
            let change = if rng.below(40) == 0 {
                -(staff / 5)
            } else {
                rng.below(11) as i64 - 4
            };
            staff = (staff + change).max(1);
            let h = Headcount {
                month,
                headcount: staff as u32,
                // The big cuts are layoffs; small ones are people leaving.
                loss_cause: (change < 0).then_some(if change < -4 {
                    leye_domain::enterprise::LossCause::Layoff
                } else {
                    leye_domain::enterprise::LossCause::Other
                }),
            };
            leye_store::set_headcount(&mut tx, &sys, &actor, id, h, now).await?;
        }
        enterprise_ids.push(id);
        sum.enterprises += 1;
    }

    // Households of 1-5 people living in villages/communities.
    let mut used_ids = HashSet::new();
    for _ in 0..size.households {
        let v = villages[rng.below(villages.len())];
        let urban = v.kind == "community";
        let surname = names::pick(&mut rng, names::SURNAMES);
        let n = 1 + rng.weighted(&[20, 30, 25, 15, 10]);
        let head_age = 25 + rng.below(50) as i32;
        let head_female = rng.below(3) == 0;
        let mut members = Vec::new();
        for m in 0..n {
            let (age, relation, same_surname) = match m {
                0 => (head_age, "head", true),
                1 => (
                    (head_age + rng.below(7) as i32 - 3).max(20),
                    "spouse",
                    false,
                ),
                _ if head_age > 45 && rng.below(3) == 0 => {
                    (head_age + 22 + rng.below(8) as i32, "parent", true)
                }
                _ => ((head_age - 22 - rng.below(10) as i32).max(1), "child", true),
            };
            let female = match m {
                0 => head_female,
                1 => !head_female,
                _ => rng.below(2) == 0,
            };
            let birth = birth_date(&mut rng, today, age);
            let id_number = loop {
                let seq = rng.below(500) as u32 * 2 + u32::from(!female);
                let id = id_number(&v.code[..6], birth, seq);
                if used_ids.insert(id.clone()) {
                    break id;
                }
            };
            let name = format!(
                "{}{}",
                if same_surname {
                    surname
                } else {
                    names::pick(&mut rng, names::SURNAMES)
                },
                names::given_name(&mut rng, female)
            );
            let education = names::education_for(&mut rng, age);
            let graduate =
                matches!(education, "junior_college" | "bachelor" | "master") && age <= 30;
            let input = PersonInput {
                name,
                id_number,
                phone: (age >= 16).then(|| {
                    format!(
                        "1{}{:09}",
                        [3, 5, 7, 8, 9][rng.below(5)],
                        rng.below(1_000_000_000)
                    )
                }),
                hukou_region: Some(v.code[..6].to_string()),
                residence_region: v.code.clone(),
                address: Some(format!(
                    "{}{}号",
                    regions.full_name(&v.code),
                    1 + rng.below(200)
                )),
                education: Some(education.into()),
                school: graduate.then(|| names::pick(&mut rng, names::SCHOOLS).to_string()),
                graduation_date: graduate.then(|| format!("{}-06-30", birth.year() + 22)),
                disability_grade: (rng.below(60) == 0).then(|| 1 + rng.below(4) as i64),
                veteran: age >= 25 && !female && rng.below(25) == 0,
                poverty_alleviated: !urban && rng.below(40) == 0,
                assistance: Some(
                    [
                        "none",
                        "none",
                        "none",
                        "none",
                        "none",
                        "none",
                        "none",
                        "none",
                        "dibao",
                        "dibao_edge",
                    ][rng.below(10)]
                    .into(),
                ),
                urban,
            };
            let facts = input.parse(regions, today)?;
            let pid = leye_store::create_person(&mut tx, &sys, &actor, &facts, now).await?;
            sum.persons += 1;
            // Labour status history.
            let status = if age < 16 {
                None
            } else if age < 22 && rng.below(2) == 0 {
                Some("student")
            } else if (female && age >= 55) || age >= 60 {
                Some("retired")
            } else {
                Some(
                    [
                        "employed",
                        "employed",
                        "employed",
                        "employed",
                        "employed",
                        "employed",
                        "employed",
                        "employed",
                        "unemployed",
                        "out_of_labour_force",
                    ][rng.below(10)],
                )
            };
            if let Some(s) = status {
                let since = today
                    .checked_sub_days(Days::new(30 + rng.below(900) as u64))
                    .unwrap_or(today);
                let since = since.max(birth);
                let ev = LabourEventInput {
                    status: s.into(),
                    effective: since.to_string(),
                    enterprise_id: (s == "employed" && rng.below(4) != 0)
                        .then(|| enterprise_ids[rng.below(enterprise_ids.len())]),
                    benefit_months: (s == "unemployed").then(|| rng.below(12) as i64),
                    note: None,
                }
                .parse(birth, today)?;
                leye_store::append_labour_event(&mut tx, &sys, &actor, pid, &ev, today, now)
                    .await?;
                sum.labour_events += 1;
            }
            members.push(MemberInput {
                person_id: pid,
                relation: relation.into(),
            });
        }
        let h = HouseholdInput {
            region: v.code.clone(),
            urban,
            business_income: rng.below(8) == 0,
            income_band: Some(
                ["low", "lower_middle", "middle", "middle", "high"][rng.below(5)].into(),
            ),
            members,
        }
        .parse(regions)?;
        leye_store::create_household(&mut tx, &sys, &actor, &h, now).await?;
        sum.households += 1;
    }
    tx.commit().await?;
    Ok(sum)
}

fn birth_date(rng: &mut Rng, today: NaiveDate, age: i32) -> NaiveDate {
    let year = today.year() - age - 1;
    NaiveDate::from_yo_opt(year, 1 + rng.below(365) as u32).unwrap_or(today)
}

/// A valid ID number (GB 11643) for an address code, birth date and sequence.
pub fn id_number(region: &str, birth: NaiveDate, seq: u32) -> String {
    let first = format!("{region}{}{:03}", birth.format("%Y%m%d"), seq % 1000);
    let c = leye_domain::id_number::check_char(first.as_bytes());
    format!("{first}{c}")
}

/// A valid unified social credit code (GB 32100) for an enterprise registered in `division`.
pub fn credit_code(division: &str, n: u32) -> String {
    let first = format!("91{division}MA{:07}", n % 10_000_000);
    let c = leye_domain::credit_code::check_char(first.as_bytes()).unwrap_or('0');
    format!("{first}{c}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identifiers_are_valid() {
        let d = NaiveDate::from_ymd_opt(1990, 5, 17).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        for seq in 0..1000 {
            assert!(leye_domain::IdNumber::parse(&id_number("330502", d, seq), today).is_ok());
        }
        for n in 0..1000 {
            assert!(leye_domain::CreditCode::parse(&credit_code("330522", n)).is_ok());
        }
    }
}
