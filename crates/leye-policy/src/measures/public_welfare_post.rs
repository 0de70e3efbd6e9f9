//! 公益性岗位安置与补贴: public-welfare post placement and its subsidy period (plan 二(三)3).
//!
//! The employing unit receives a post subsidy and a social-insurance subsidy for at most
//! `max_years`; when, at the first approval of this placement, the person is less than
//! `near_retirement_years` from statutory retirement, until retirement. Someone already
//! placed may be placed again (periods restart) only if they are in the named groups (older
//! hard-to-employ people, members of zero-employment households, severely disabled people),
//! and at most `max_placements` times in all. Full-time pay must reach the minimum wage.

use crate::decision::{Condition, Decision, Outcome, Status, all_of};
use crate::params::{ParamSet, PolicyError};
use chrono::{Days, Months, NaiveDate};
use leye_domain::retirement::RetirementLaw;
use leye_domain::{Money, Sex, YearMonth};
use serde::Deserialize;
use std::sync::LazyLock;

pub const ID: &str = "public_welfare_post";
pub const CLAUSE: &str = "二(三)3";

static PARAMS: LazyLock<Result<ParamSet, PolicyError>> = LazyLock::new(|| {
    ParamSet::parse(
        "public_welfare_post.toml",
        include_str!("../../../../data/parameters/public_welfare_post.toml"),
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
        name: "公益性岗位安置与岗位补贴、社会保险补贴",
        clause: CLAUSE,
        responsible_unit: "市人力社保局、市民政局、市财政局、市区域合作办、市残联",
        parameters: params()?.summary(),
    })
}

/// Facts of one placement.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    pub birth: NaiveDate,
    pub sex: Sex,
    /// Original retirement age (60 men; 50 or 55 women); default by sex
    pub original_retirement_age: Option<u32>,
    /// Date this placement's subsidy is first approved (初次核定)
    pub first_approval: NaiveDate,
    /// Placements the person had before this one
    pub prior_placements: u32,
    /// In a group that may be placed again (大龄就业困难人员、零就业家庭成员、重度残疾人)
    pub replacement_group: bool,
    pub full_time: bool,
    /// Monthly pay in fen
    pub monthly_pay_fen: i64,
}

/// Decide the placement and its subsidy period. Parameters are read as of the first approval.
pub fn decide(subject: &str, f: &Facts) -> Result<Decision, PolicyError> {
    let p = params()?;
    let on = f.first_approval;
    let (max_years, max_years_p) = p.int_at("max_years", on)?;
    let (near, near_p) = p.int_at("near_retirement_years", on)?;
    let (max_n, max_n_p) = p.int_at("max_placements", on)?;
    let (min_wage, min_wage_p) = p.int_at("min_wage_monthly_fen", on)?;

    let original = f
        .original_retirement_age
        .unwrap_or(RetirementLaw::default_original_age(f.sex));
    let retirement = RetirementLaw::current()
        .retirement(YearMonth::of(f.birth), f.sex, original)
        .map_err(|e| PolicyError::File {
            file: "retirement".into(),
            why: e.to_string(),
        })?;
    let retire_day = retirement.retirement.first_day();

    let n = f.prior_placements + 1;
    let mut conditions = vec![
        Condition::new(
            "首次核定时未达到法定退休年龄",
            CLAUSE,
            if on < retire_day {
                Outcome::Met
            } else {
                Outcome::NotMet
            },
        )
        .fact("first_approval", on)
        .fact("statutory_retirement", retirement.retirement),
        Condition::new(
            format!("累计安置不超过{max_n}次"),
            CLAUSE,
            if i64::from(n) <= max_n {
                Outcome::Met
            } else {
                Outcome::NotMet
            },
        )
        .fact("placement_number", n)
        .param(max_n_p),
        Condition::new(
            "再次安置的,须为大龄就业困难人员、零就业家庭成员或重度残疾人",
            CLAUSE,
            if f.prior_placements == 0 || f.replacement_group {
                Outcome::Met
            } else {
                Outcome::NotMet
            },
        )
        .fact("prior_placements", f.prior_placements)
        .fact("replacement_group", f.replacement_group),
        Condition::new(
            "全日制公益性岗位工资不低于最低工资标准",
            CLAUSE,
            if !f.full_time || f.monthly_pay_fen >= min_wage {
                Outcome::Met
            } else {
                Outcome::NotMet
            },
        )
        .fact("full_time", f.full_time)
        .fact("monthly_pay_yuan", Money::from_fen(f.monthly_pay_fen))
        .param(min_wage_p),
    ];
    let outcome = all_of(&mut conditions);

    // The period: to retirement when close to it at first approval, otherwise max_years.
    let near_limit = on.checked_add_months(Months::new((near * 12) as u32));
    let close_to_retirement = near_limit.is_some_and(|l| retire_day < l);
    let end = if close_to_retirement {
        retire_day.checked_sub_days(Days::new(1))
    } else {
        on.checked_add_months(Months::new((max_years * 12) as u32))
            .and_then(|d| d.checked_sub_days(Days::new(1)))
    };
    conditions.push(
        Condition::new(
            format!("初次核定时距法定退休不足{near}年的,补贴至退休;否则补贴{max_years}年"),
            CLAUSE,
            if close_to_retirement {
                Outcome::Met
            } else {
                Outcome::NotMet
            },
        )
        .fact("statutory_retirement", retirement.retirement)
        .param(near_p)
        .param(max_years_p),
    );
    let status = match outcome {
        Outcome::Met => Status::Eligible,
        Outcome::NotMet => Status::NotEligible,
        Outcome::Unknown => Status::CannotDecide {
            missing: Vec::new(),
        },
    };
    let period = (status == Status::Eligible)
        .then_some(end.map(|e| (on, e)))
        .flatten();
    Ok(Decision {
        measure: ID,
        clause: CLAUSE,
        subject: subject.into(),
        on,
        status,
        amount: None,
        period,
        conditions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts(sex: Sex, birth: &str, original: Option<u32>, approval: &str) -> Facts {
        Facts {
            birth: d(birth),
            sex,
            original_retirement_age: original,
            first_approval: d(approval),
            prior_placements: 0,
            replacement_group: false,
            full_time: true,
            monthly_pay_fen: 250_000,
        }
    }

    fn period(f: &Facts) -> Option<(NaiveDate, NaiveDate)> {
        decide("t", f).unwrap().period
    }

    /// Across the reform cohorts: (sex, birth, original age, statutory retirement month).
    #[test]
    fn to_retirement_when_less_than_five_years_away_across_cohorts() {
        let cohorts = [
            // Men born 1970-01: 16 months' delay, retire 2031-05.
            (Sex::Male, "1970-01-15", None, "2031-05-01"),
            // Women 50 born 1978-06: 21 months, retire 2030-03.
            (Sex::Female, "1978-06-15", Some(50), "2030-03-01"),
            // Men born 1975-01: 31 months, retire 2037-08.
            (Sex::Male, "1975-01-15", None, "2037-08-01"),
            // Women 50 born 1980-03: 32 months, retire 2032-11.
            (Sex::Female, "1980-03-15", Some(50), "2032-11-01"),
            // Women 55 born 1981-09 or later: 36 months, retire at 58.
            (Sex::Female, "1981-09-15", Some(55), "2039-09-01"),
        ];
        for (sex, birth, original, retire) in cohorts {
            let retire = d(retire);
            // Exactly five years before retirement: not "less than five" -> three years.
            let five = retire.checked_sub_months(Months::new(60)).unwrap();
            let f = facts(sex, birth, original, &five.to_string());
            let (_, end) = period(&f).unwrap();
            assert_eq!(
                end,
                five.checked_add_months(Months::new(36))
                    .unwrap()
                    .pred_opt()
                    .unwrap(),
                "{birth}"
            );
            // A day later it is less than five years: until the day before retirement.
            let later = five.succ_opt().unwrap();
            let f = facts(sex, birth, original, &later.to_string());
            let (_, end) = period(&f).unwrap();
            assert_eq!(end, retire.pred_opt().unwrap(), "{birth}");
        }
    }

    #[test]
    fn placements_are_capped_and_restarts_need_the_named_groups() {
        let mut f = facts(Sex::Male, "1980-01-01", None, "2026-01-01");
        f.prior_placements = 1;
        assert_eq!(decide("t", &f).unwrap().status, Status::NotEligible);
        f.replacement_group = true;
        let dec = decide("t", &f).unwrap();
        assert_eq!(dec.status, Status::Eligible);
        assert_eq!(dec.period, Some((d("2026-01-01"), d("2028-12-31"))));
        f.prior_placements = 2;
        let dec = decide("t", &f).unwrap();
        assert_eq!(dec.status, Status::NotEligible);
        assert!(dec.conditions[1].decisive);
    }

    #[test]
    fn full_time_pay_reaches_the_minimum_wage_in_force() {
        let mut f = facts(Sex::Female, "1985-01-01", Some(50), "2024-12-31");
        f.monthly_pay_fen = 228_000;
        assert_eq!(decide("t", &f).unwrap().status, Status::Eligible);
        f.first_approval = d("2025-01-01");
        let dec = decide("t", &f).unwrap();
        assert_eq!(dec.status, Status::NotEligible);
        assert!(dec.conditions[3].params[0].source.contains("2025-01-01"));
        f.full_time = false;
        assert_eq!(decide("t", &f).unwrap().status, Status::Eligible);
    }

    #[test]
    fn no_placement_after_retirement() {
        // Retired 2024-06 (before the reform: no delay).
        let f = facts(Sex::Male, "1964-06-15", None, "2024-09-01");
        let dec = decide("t", &f).unwrap();
        assert_eq!(dec.status, Status::NotEligible);
        assert!(dec.conditions[0].decisive);
    }
}
