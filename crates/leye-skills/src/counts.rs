//! The counts of this module that feed the plan's targets, from the records: each is a number
//! per region and month, either a flow (counted in the month of its date) or a stock (counted
//! from that month on). Monitoring adds them up by county, zone and city.

use crate::{SkillsError, params};
use chrono::{Datelike, NaiveDate};
use leye_domain::jobs::SkillLevel;
use leye_store::Tx;
use std::collections::{HashMap, HashSet};

/// How an indicator is counted from a table.
struct Source {
    indicator: &'static str,
    table: &'static str,
    date: &'static str,
    only: &'static [(&'static str, &'static str)],
    stock: bool,
}

/// Every count taken straight from a table (new skilled talents follow a rule: [`talents`]).
const SOURCES: &[Source] = &[
    Source {
        indicator: "training_sessions",
        table: "trainees",
        date: "completed_on",
        only: &[("status", "completed")],
        stock: false,
    },
    Source {
        indicator: "youth_startups",
        table: "youth_startups",
        date: "started_on",
        only: &[],
        stock: false,
    },
    Source {
        indicator: "elite_talent_projects",
        table: "elite_projects",
        date: "introduced_on",
        only: &[],
        stock: false,
    },
    Source {
        indicator: "hr_institutions",
        table: "hr_institutions",
        date: "registered_on",
        only: &[],
        stock: true,
    },
    Source {
        indicator: "self_certifying_enterprises",
        table: "skill_designations",
        date: "designated_on",
        only: &[("kind", "self_certifying")],
        stock: true,
    },
    Source {
        indicator: "skill_enterprises",
        table: "skill_designations",
        date: "designated_on",
        only: &[("kind", "skill_enterprise")],
        stock: true,
    },
    Source {
        indicator: "skill_villages",
        table: "skill_villages",
        date: "designated_on",
        only: &[],
        stock: true,
    },
    Source {
        indicator: "technical_schools",
        table: "technical_schools",
        date: "completed_on",
        only: &[],
        stock: true,
    },
    Source {
        indicator: "provincial_specialty_groups",
        table: "specialties",
        date: "designated_on",
        only: &[("tier", "provincial_group")],
        stock: true,
    },
    Source {
        indicator: "municipal_brand_specialties",
        table: "specialties",
        date: "designated_on",
        only: &[("tier", "municipal_brand")],
        stock: true,
    },
];

/// The indicator counted by the new-skilled-talent rule ([`talents`]); the others come
/// straight from a table.
const TALENTS: &str = "new_skilled_talents";

/// Does this module count the indicator?
pub fn counts_indicator(id: &str) -> bool {
    id == TALENTS || SOURCES.iter().any(|s| s.indicator == id)
}

/// One count: `n` in `region` for `month` (`YYYY-MM`); a stock counts from then on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub indicator: &'static str,
    pub region: String,
    pub month: String,
    pub n: i64,
    pub stock: bool,
}

/// Every count with a date up to `to` (flows from `from` on; stocks from the beginning).
pub async fn counts(
    tx: &mut Tx,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Count>, SkillsError> {
    let (from_s, to_s) = (from.to_string(), to.to_string());
    let mut out = Vec::new();
    for s in SOURCES {
        let start = if s.stock { "0000-01-01" } else { &from_s };
        for (region, month, n) in
            leye_store::registry::counts_by_month(tx, s.table, s.date, s.only, (start, &to_s))
                .await?
        {
            out.push(Count {
                indicator: s.indicator,
                region,
                month,
                n,
                stock: s.stock,
            });
        }
    }
    // Once a calendar year: read the year from its first day, count from `from`.
    let year_start = NaiveDate::from_ymd_opt(from.year(), 1, 1).unwrap_or(from);
    let certs =
        leye_store::registry::certificates_between(tx, &year_start.to_string(), &to_s).await?;
    let mut by: HashMap<(String, String), i64> = HashMap::new();
    for (region, day) in talents(&certs)?.into_iter().filter(|(_, d)| *d >= from) {
        *by.entry((region, day.format("%Y-%m").to_string()))
            .or_default() += 1;
    }
    out.extend(by.into_iter().map(|((region, month), n)| Count {
        indicator: TALENTS,
        region,
        month,
        n,
        stock: false,
    }));
    Ok(out)
}

/// 新增技能人才 rule, as in force on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TalentRule {
    /// Lowest rung of the ladder that counts (1 = 学徒工 … 8 = 首席技师).
    pub min_rung: usize,
    /// Whether a 专项职业能力 certificate counts.
    pub special_ability: bool,
}

impl TalentRule {
    pub fn on(day: NaiveDate) -> Result<Self, SkillsError> {
        let p = params::params()?;
        Ok(TalentRule {
            min_rung: usize::try_from(p.int_at("talent_min_rung", day)?.0).unwrap_or(2),
            special_ability: p.int_at("talent_counts_special_ability", day)?.0 == 1,
        })
    }

    /// Does a certificate (its level code, or none for 专项职业能力) qualify?
    pub fn qualifies(&self, level: Option<&str>) -> bool {
        match level {
            None => self.special_ability,
            Some(code) => SkillLevel::ALL
                .iter()
                .position(|l| l.code() == code)
                .is_some_and(|i| i + 1 >= self.min_rung),
        }
    }
}

/// New skilled talents from certificates `(person, day, level, region)` sorted by person and
/// day: a person counts once a calendar year, in the region and on the day of their first
/// qualifying certificate that year (under the rule in force that day).
pub fn talents(
    certs: &[(i64, String, Option<String>, String)],
) -> Result<Vec<(String, NaiveDate)>, SkillsError> {
    let mut seen: HashSet<(i64, i32)> = HashSet::new();
    let mut out = Vec::new();
    let mut rules: HashMap<NaiveDate, TalentRule> = HashMap::new();
    for (person, day, level, region) in certs {
        let Some(d) = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok() else {
            continue;
        };
        let rule = match rules.get(&d) {
            Some(r) => *r,
            None => {
                let r = TalentRule::on(d)?;
                rules.insert(d, r);
                r
            }
        };
        if rule.qualifies(level.as_deref()) && seen.insert((*person, d.year())) {
            out.push((region.clone(), d));
        }
    }
    Ok(out)
}
