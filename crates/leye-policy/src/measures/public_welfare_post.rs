//! 公益性岗位安置与补贴: public-welfare post placement and its subsidy period (plan 二(三)3).
//!
//! The employing unit receives a post subsidy and a social-insurance subsidy for at most
//! `max_years`; when, at the first approval of this placement, the person is less than
//! `near_retirement_years` from statutory retirement, until retirement. Someone already
//! placed may be placed again (periods restart) only if they are in the named groups (older
//! hard-to-employ people, members of zero-employment households, severely disabled people),
//! and at most `max_placements` times in all. Full-time pay must reach the minimum wage.

use crate::decision::{Condition, Decision, Outcome};
use crate::params::PolicyError;
use crate::rule::{
    EmploymentCtx, Measure, Missing, Outline, Params, Rule, Screen, met, retirement_day_of, shown,
    yes_no,
};
use crate::situation::EmploymentKind;
use chrono::{Days, Months, NaiveDate};
use leye_domain::{Money, Sex};

pub const ID: &str = "public_welfare_post";
pub const CLAUSE: &str = "二(三)3";

crate::param_file!("public_welfare_post.toml");

/// The registry entry.
pub const MEASURE: Measure = Measure {
    id: ID,
    name: "公益性岗位安置与岗位补贴、社会保险补贴",
    clause: CLAUSE,
    responsible_unit: "市人力社保局、市民政局、市财政局、市区域合作办、市残联",
    who: "安置就业困难人员的公益性岗位用人单位",
    benefit: "按安置人数给予岗位补贴和社会保险补贴,期限不超过3年;距法定退休不足5年的可延长至退休",
    documents: &[
        "公益性岗位安置协议",
        "劳动合同或劳务协议",
        "工资发放记录",
        "社会保险缴费记录",
    ],
    params,
    rule: Rule::Employment(evaluate),
    screen: Screen::Always,
};

/// Facts of one placement; `None` is unknown.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub birth: Option<NaiveDate>,
    pub sex: Option<Sex>,
    /// Original retirement age (60 men; 50 or 55 women); default by sex
    pub original_retirement_age: Option<u32>,
    /// Date this placement's subsidy is first approved (初次核定)
    pub first_approval: Option<NaiveDate>,
    /// Placements the person had before this one
    pub prior_placements: Option<u32>,
    /// In a group that may be placed again (大龄就业困难人员、零就业家庭成员、重度残疾人)
    pub replacement_group: Option<bool>,
    pub full_time: Option<bool>,
    /// Monthly pay in fen
    pub monthly_pay_fen: Option<i64>,
}

/// The rule over an employment relation of kind `public_welfare_post`.
pub fn evaluate(e: &EmploymentCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    if e.employment
        .kind
        .is_some_and(|k| k != EmploymentKind::PublicWelfarePost)
    {
        return Ok(None);
    }
    let p = e.person.person;
    // Older hard-to-employ people, zero-employment-household members, severely disabled people.
    let params = Params { set: params()?, on };
    let (female, _) = params.int("replacement_older_female_age")?;
    let (male, _) = params.int("replacement_older_male_age")?;
    let older = match (p.birth, p.sex) {
        (Some(b), Some(Sex::Female)) => Some(crate::rule::age(b, on) >= female),
        (Some(b), Some(Sex::Male)) => Some(crate::rule::age(b, on) >= male),
        _ => None,
    };
    let severe = p.disability_grade.map(|g| g <= 2);
    let group = match (
        older.zip(p.hard_to_employ).map(|(o, h)| o && h),
        e.person.zero_employment,
        severe,
    ) {
        (Some(true), _, _) | (_, Some(true), _) | (_, _, Some(true)) => Some(true),
        (Some(false), Some(false), Some(false)) => Some(false),
        _ => None,
    };
    let f = Facts {
        birth: p.birth,
        sex: p.sex,
        original_retirement_age: p.original_retirement_age,
        first_approval: e.employment.first_approval.or(e.employment.start),
        prior_placements: e.employment.prior_placements,
        replacement_group: group,
        full_time: e.employment.full_time,
        monthly_pay_fen: e.employment.monthly_pay_fen,
    };
    decide(&format!("{}@{}", p.id, e.enterprise.id), &f, on).map(Some)
}

/// Decide the placement and its subsidy period. Parameters are read as of the first approval
/// (or `on` when it is unknown).
pub fn decide(subject: &str, f: &Facts, on: NaiveDate) -> Result<Decision, PolicyError> {
    let mut m = Missing::default();
    let approval = m.need("first_approval", f.first_approval);
    let on = approval.unwrap_or(on);
    let p = Params { set: params()?, on };
    let (max_years, max_years_p) = p.int("max_years")?;
    let (near, near_p) = p.int("near_retirement_years")?;
    let (max_n, max_n_p) = p.int("max_placements")?;
    let (min_wage, min_wage_p) = super::common::min_wage(on)?;

    let birth = m.need("birth", f.birth);
    let sex = m.need("sex", f.sex);
    let retire_day = birth
        .zip(sex)
        .and_then(|(b, s)| retirement_day_of(b, s, f.original_retirement_age));

    let mut o = Outline::new(ID, CLAUSE, subject, on);
    o.conditions.push(
        Condition::new(
            "首次核定时未达到法定退休年龄",
            CLAUSE,
            match (approval, retire_day) {
                (Some(a), Some(r)) => met(a < r),
                _ => Outcome::Unknown,
            },
        )
        .fact("first_approval", shown(approval))
        .fact("statutory_retirement", shown(retire_day)),
    );
    let prior = m.need("prior_placements", f.prior_placements);
    o.conditions.push(
        Condition::new(
            format!("累计安置不超过{max_n}次"),
            CLAUSE,
            prior.map_or(Outcome::Unknown, |n| met(i64::from(n) < max_n)),
        )
        .fact("placement_number", shown(prior.map(|n| n + 1)))
        .param(max_n_p),
    );
    o.conditions.push(
        Condition::new(
            "再次安置的,须为大龄就业困难人员、零就业家庭成员或重度残疾人",
            CLAUSE,
            match (prior, f.replacement_group) {
                (Some(0), _) | (_, Some(true)) => Outcome::Met,
                (Some(_), Some(false)) => Outcome::NotMet,
                (None, _) => Outcome::Unknown,
                (Some(_), None) => {
                    m.need("replacement_group", None::<bool>);
                    Outcome::Unknown
                }
            },
        )
        .fact("prior_placements", shown(prior))
        .fact("replacement_group", yes_no(f.replacement_group)),
    );
    let full_time = m.need("full_time", f.full_time);
    let pay = match full_time {
        Some(true) => m.need("monthly_pay_fen", f.monthly_pay_fen),
        _ => f.monthly_pay_fen,
    };
    o.conditions.push(
        Condition::new(
            "全日制公益性岗位工资不低于最低工资标准",
            CLAUSE,
            match (full_time, pay) {
                (Some(false), _) => Outcome::Met,
                (Some(true), Some(pay)) => met(pay >= min_wage),
                _ => Outcome::Unknown,
            },
        )
        .fact("full_time", yes_no(full_time))
        .fact("monthly_pay_yuan", shown(pay.map(Money::from_fen)))
        .param(min_wage_p),
    );

    // The period: to retirement when close to it at first approval, otherwise max_years.
    let close = approval.zip(retire_day).map(|(a, r)| {
        a.checked_add_months(Months::new((near * 12) as u32))
            .is_some_and(|l| r < l)
    });
    o.period = approval.zip(close).and_then(|(a, close)| {
        let end = if close {
            retire_day.and_then(|r| r.checked_sub_days(Days::new(1)))
        } else {
            a.checked_add_months(Months::new((max_years * 12) as u32))
                .and_then(|d| d.checked_sub_days(Days::new(1)))
        };
        end.map(|e| (a, e))
    });
    o.notes.push(
        Condition::new(
            format!("初次核定时距法定退休不足{near}年的,补贴至退休;否则补贴{max_years}年"),
            CLAUSE,
            match close {
                Some(c) => met(c),
                None => Outcome::Unknown,
            },
        )
        .fact("statutory_retirement", shown(retire_day))
        .param(near_p)
        .param(max_years_p),
    );
    o.missing = m;
    Ok(o.decide())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts(sex: Sex, birth: &str, original: Option<u32>, approval: &str) -> Facts {
        Facts {
            birth: Some(d(birth)),
            sex: Some(sex),
            original_retirement_age: original,
            first_approval: Some(d(approval)),
            prior_placements: Some(0),
            replacement_group: Some(false),
            full_time: Some(true),
            monthly_pay_fen: Some(250_000),
        }
    }

    fn period(f: &Facts) -> Option<(NaiveDate, NaiveDate)> {
        decide("t", f, d("2020-01-01")).unwrap().period
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
        f.prior_placements = Some(1);
        assert_eq!(
            decide("t", &f, d("2020-01-01")).unwrap().status,
            Status::NotEligible
        );
        f.replacement_group = Some(true);
        let dec = decide("t", &f, d("2020-01-01")).unwrap();
        assert_eq!(dec.status, Status::Eligible);
        assert_eq!(dec.period, Some((d("2026-01-01"), d("2028-12-31"))));
        f.prior_placements = Some(2);
        let dec = decide("t", &f, d("2020-01-01")).unwrap();
        assert_eq!(dec.status, Status::NotEligible);
        assert!(dec.conditions[1].decisive);
    }

    #[test]
    fn full_time_pay_reaches_the_minimum_wage_in_force() {
        let mut f = facts(Sex::Female, "1985-01-01", Some(50), "2024-12-31");
        f.monthly_pay_fen = Some(228_000);
        assert_eq!(
            decide("t", &f, d("2020-01-01")).unwrap().status,
            Status::Eligible
        );
        f.first_approval = Some(d("2025-01-01"));
        let dec = decide("t", &f, d("2020-01-01")).unwrap();
        assert_eq!(dec.status, Status::NotEligible);
        assert!(dec.conditions[3].params[0].source.contains("2025-01-01"));
        f.full_time = Some(false);
        assert_eq!(
            decide("t", &f, d("2020-01-01")).unwrap().status,
            Status::Eligible
        );
    }

    #[test]
    fn no_placement_after_retirement() {
        // Retired 2024-06 (before the reform: no delay).
        let f = facts(Sex::Male, "1964-06-15", None, "2024-09-01");
        let dec = decide("t", &f, d("2020-01-01")).unwrap();
        assert_eq!(dec.status, Status::NotEligible);
        assert!(dec.conditions[0].decisive);
    }
}
