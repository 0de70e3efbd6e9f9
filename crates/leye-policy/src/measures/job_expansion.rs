//! 一次性扩岗补助: one-time job-expansion subsidy to an enterprise for a hire (plan 二(三)2).
//!
//! The hire is a graduate of the graduation year, or a higher-education graduate who left
//! school within the set years and was still unemployed, or a registered-unemployed youth of
//! the set ages; the enterprise signed a labour contract and paid unemployment, work-injury
//! and pension contributions for the set months. Parameters are read as of the hire date.

use crate::decision::{Condition, Decision, Outcome, Status, all_of, any_of};
use crate::params::{ParamSet, PolicyError};
use chrono::{Datelike, Months, NaiveDate};
use leye_domain::Money;
use serde::Deserialize;
use std::sync::LazyLock;

pub const ID: &str = "job_expansion";
pub const CLAUSE: &str = "二(三)2";

static PARAMS: LazyLock<Result<ParamSet, PolicyError>> = LazyLock::new(|| {
    ParamSet::parse(
        "job_expansion.toml",
        include_str!("../../../../data/parameters/job_expansion.toml"),
    )
});

/// The measure's parameters.
pub fn params() -> Result<&'static ParamSet, PolicyError> {
    PARAMS.as_ref().map_err(Clone::clone)
}

/// Listing entry.
pub fn info() -> Result<crate::MeasureInfo, PolicyError> {
    Ok(crate::MeasureInfo {
        id: ID,
        name: "一次性扩岗补助",
        clause: CLAUSE,
        responsible_unit: "市人力社保局、市国资委、市财政局",
        parameters: params()?.summary(),
    })
}

/// Facts of one hire.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    pub hire_date: NaiveDate,
    pub birth: NaiveDate,
    /// Higher education (大专 and above) graduate
    pub higher_education_graduate: bool,
    pub graduation_date: Option<NaiveDate>,
    /// Still unemployed from leaving school until this hire
    pub unemployed_since_graduation: bool,
    /// Registered unemployed on the hire date
    pub registered_unemployed: bool,
    pub labour_contract: bool,
    /// Months of unemployment, work-injury and pension contributions paid since the hire
    pub contribution_months: u32,
}

fn met(b: bool) -> Outcome {
    if b { Outcome::Met } else { Outcome::NotMet }
}

/// Decide the subsidy for one hire.
pub fn decide(subject: &str, f: &Facts) -> Result<Decision, PolicyError> {
    let p = params()?;
    let on = f.hire_date;
    let (per_hire, amount_p) = p.int_at("amount_fen", on)?;
    let (months, months_p) = p.int_at("min_contribution_months", on)?;
    let (years, years_p) = p.int_at("graduate_years_after_leaving", on)?;
    let (min_age, min_age_p) = p.int_at("youth_min_age", on)?;
    let (max_age, max_age_p) = p.int_at("youth_max_age", on)?;
    let age = i64::from(on.years_since(f.birth).unwrap_or(0));
    let grad = f.graduation_date.filter(|_| f.higher_education_graduate);

    let mut who = vec![
        Condition::new(
            "毕业年度高校毕业生",
            CLAUSE,
            met(grad.is_some_and(|g| g.year() == on.year())),
        )
        .fact(
            "graduation_date",
            grad.map_or("无".into(), |g| g.to_string()),
        ),
        Condition::new(
            format!("离校{years}年内未就业的高校毕业生"),
            CLAUSE,
            met(grad.is_some_and(|g| {
                g <= on
                    && g.checked_add_months(Months::new((years * 12) as u32))
                        .is_some_and(|l| on <= l)
            }) && f.unemployed_since_graduation),
        )
        .fact("unemployed_since_graduation", f.unemployed_since_graduation)
        .param(years_p),
        Condition::new(
            format!("{min_age}—{max_age}周岁登记失业青年"),
            CLAUSE,
            met(f.registered_unemployed && (min_age..=max_age).contains(&age)),
        )
        .fact("age", age)
        .fact("registered_unemployed", f.registered_unemployed)
        .param(min_age_p)
        .param(max_age_p),
    ];
    let who_outcome = any_of(&mut who);
    let mut one_of = Condition::new("招用对象属于下列之一", CLAUSE, who_outcome);
    one_of.children = who;
    let mut conditions = vec![
        one_of,
        Condition::new("签订劳动合同", CLAUSE, met(f.labour_contract))
            .fact("labour_contract", f.labour_contract),
        Condition::new(
            format!("为其缴纳失业、工伤、职工养老保险满{months}个月"),
            CLAUSE,
            met(i64::from(f.contribution_months) >= months),
        )
        .fact("contribution_months", f.contribution_months)
        .param(months_p),
    ];
    let outcome = all_of(&mut conditions);
    let status = match outcome {
        Outcome::Met => Status::Eligible,
        Outcome::NotMet => Status::NotEligible,
        Outcome::Unknown => Status::CannotDecide {
            missing: Vec::new(),
        },
    };
    let amount = (status == Status::Eligible).then_some(Money::from_fen(per_hire));
    conditions.push(
        Condition::new(
            format!("补助标准{}元/人", Money::from_fen(per_hire)),
            CLAUSE,
            Outcome::Met,
        )
        .param(amount_p),
    );
    Ok(Decision {
        measure: ID,
        clause: CLAUSE,
        subject: subject.into(),
        on,
        status,
        amount,
        period: None,
        conditions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn hire(on: &str) -> Facts {
        Facts {
            hire_date: d(on),
            birth: d("2003-05-01"),
            higher_education_graduate: true,
            graduation_date: Some(d("2026-06-30")),
            unemployed_since_graduation: true,
            registered_unemployed: false,
            labour_contract: true,
            contribution_months: 3,
        }
    }

    #[test]
    fn graduate_of_the_year_with_three_months() {
        let dec = decide("t", &hire("2026-09-01")).unwrap();
        assert_eq!(
            (dec.status.clone(), dec.amount),
            (Status::Eligible, Some(Money::from_yuan(1500)))
        );
        let short = Facts {
            contribution_months: 2,
            ..hire("2026-09-01")
        };
        let dec = decide("t", &short).unwrap();
        assert_eq!(dec.status, Status::NotEligible);
        assert!(dec.conditions[2].decisive);
    }

    #[test]
    fn the_contribution_rule_depends_on_the_hire_date() {
        // One month was enough for hires in 2023-2024, three from 2025.
        let f = Facts {
            contribution_months: 1,
            graduation_date: Some(d("2024-06-30")),
            ..hire("2024-12-31")
        };
        assert_eq!(decide("t", &f).unwrap().status, Status::Eligible);
        let g = Facts {
            hire_date: d("2025-01-01"),
            ..f
        };
        assert_eq!(decide("t", &g).unwrap().status, Status::NotEligible);
    }

    #[test]
    fn within_two_years_of_leaving_school() {
        let f = Facts {
            graduation_date: Some(d("2024-06-30")),
            ..hire("2026-06-30")
        };
        assert_eq!(decide("t", &f).unwrap().status, Status::Eligible);
        let late = Facts {
            hire_date: d("2026-07-01"),
            ..f.clone()
        };
        assert_eq!(decide("t", &late).unwrap().status, Status::NotEligible);
        let worked = Facts {
            unemployed_since_graduation: false,
            ..f
        };
        assert_eq!(decide("t", &worked).unwrap().status, Status::NotEligible);
    }

    #[test]
    fn registered_unemployed_youth_16_to_24() {
        let base = Facts {
            higher_education_graduate: false,
            graduation_date: None,
            registered_unemployed: true,
            ..hire("2026-09-01")
        };
        // Born 2001-09-02: 24 on 2026-09-01 (eligible); born 2001-09-01: 25.
        let ok = Facts {
            birth: d("2001-09-02"),
            ..base.clone()
        };
        assert_eq!(decide("t", &ok).unwrap().status, Status::Eligible);
        let too_old = Facts {
            birth: d("2001-09-01"),
            ..base.clone()
        };
        assert_eq!(decide("t", &too_old).unwrap().status, Status::NotEligible);
        let not_registered = Facts {
            registered_unemployed: false,
            ..ok
        };
        assert_eq!(
            decide("t", &not_registered).unwrap().status,
            Status::NotEligible
        );
    }
}
