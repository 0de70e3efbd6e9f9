//! The benchmark rule set: the rules of the OpenFisca anchor model
//! (`../shared/anchors/openfisca/model.py`) written in this engine, so that both can run on
//! the same population and be compared row by row and timed (`leye bench policy`).
//!
//! Like the anchor, parameters are read once for the period (the month's first day) and the
//! retirement age is the anchor's fixed table, not the 2025 reform. Each rule is a plain
//! function of one person's facts; [`explain`] gives the same computation as a [`Decision`]
//! with its conditions for any single person.

use crate::decision::{Condition, Decision, Outcome, Status, all_of};
use crate::params::{ParamSet, ParamUse, PolicyError};
use chrono::{Datelike, NaiveDate};
use leye_domain::Money;

crate::param_file!("openfisca_anchor.toml");

/// One person of the anchor's population.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnchorPerson {
    pub household: u32,
    pub birth: NaiveDate,
    pub female: bool,
    pub has_public_welfare_post: bool,
    pub public_welfare_post_first_approval: NaiveDate,
    pub is_cadre_post: bool,
    pub registered_unemployed_months: i32,
    pub is_disabled_certified: bool,
    pub is_retired_veteran_self_employed: bool,
    pub graduated_years_ago: i32,
    pub is_student: bool,
    pub is_hard_to_employ: bool,
    pub is_employed: bool,
    pub able_to_work: bool,
    pub started_business: bool,
}

/// The anchor's outputs for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnchorOutput {
    pub age: i32,
    pub key_group: bool,
    pub startup_subsidy_eligible: bool,
    pub startup_subsidy_amount_fen: i64,
    pub public_welfare_post_subsidy_months_allowed: i32,
    pub in_zero_employment_household: bool,
}

/// Parameters of the period, read once.
#[derive(Debug, Clone)]
pub struct AnchorParams {
    pub start: NaiveDate,
    working_age_min: (i64, ParamUse),
    male: (i64, ParamUse),
    female_worker: (i64, ParamUse),
    female_cadre: (i64, ParamUse),
    window: (i64, ParamUse),
    unemployed: (i64, ParamUse),
    amount: (i64, ParamUse),
    standard: (i64, ParamUse),
    near: (i64, ParamUse),
}

impl AnchorParams {
    /// The parameters in force on the first day of the period.
    pub fn for_period(start: NaiveDate) -> Result<Self, PolicyError> {
        let p: &ParamSet = params()?;
        Ok(Self {
            start,
            working_age_min: p.int_at("working_age_min", start)?,
            male: p.int_at("retirement_age_male", start)?,
            female_worker: p.int_at("retirement_age_female_worker", start)?,
            female_cadre: p.int_at("retirement_age_female_cadre", start)?,
            window: p.int_at("graduate_window_years", start)?,
            unemployed: p.int_at("unemployed_min_months", start)?,
            amount: p.int_at("startup_amount_fen", start)?,
            standard: p.int_at("pwp_standard_months", start)?,
            near: p.int_at("pwp_near_retirement_years", start)?,
        })
    }
}

/// Age in full years at the start of the period.
fn age(birth: NaiveDate, s: NaiveDate) -> i32 {
    let past = birth.month() < s.month() || (birth.month() == s.month() && birth.day() <= s.day());
    s.year() - birth.year() - if past { 0 } else { 1 }
}

fn retirement_age(p: &AnchorPerson, k: &AnchorParams) -> i64 {
    match (p.female, p.is_cadre_post) {
        (false, _) => k.male.0,
        (true, true) => k.female_cadre.0,
        (true, false) => k.female_worker.0,
    }
}

/// Of working age at the start of the period.
pub fn is_working_age(p: &AnchorPerson, k: &AnchorParams) -> bool {
    let a = i64::from(age(p.birth, k.start));
    a >= k.working_age_min.0 && a < retirement_age(p, k)
}

fn key_group(p: &AnchorPerson, k: &AnchorParams) -> bool {
    p.is_student
        || (p.graduated_years_ago >= 0 && i64::from(p.graduated_years_ago) <= k.window.0)
        || i64::from(p.registered_unemployed_months) >= k.unemployed.0
        || p.is_hard_to_employ
        || p.is_disabled_certified
        || p.is_retired_veteran_self_employed
}

fn months_allowed(p: &AnchorPerson, k: &AnchorParams) -> i32 {
    if !p.has_public_welfare_post {
        return 0;
    }
    let (b, a) = (p.birth, p.public_welfare_post_first_approval);
    let at_approval = (a.year() - b.year()) * 12 + a.month() as i32
        - b.month() as i32
        - i32::from(a.day() < b.day());
    let to_retirement = retirement_age(p, k) as i32 * 12 - at_approval;
    if i64::from(to_retirement) < k.near.0 * 12 {
        to_retirement.max(0)
    } else {
        k.standard.0 as i32
    }
}

/// Zero-employment households (by household index), from the persons in household order.
pub fn zero_employment_households(
    persons: &[AnchorPerson],
    households: usize,
    k: &AnchorParams,
) -> Vec<bool> {
    let mut employed = vec![false; households];
    let mut able = vec![false; households];
    for p in persons {
        let h = p.household as usize;
        if h >= households {
            continue;
        }
        let wa = is_working_age(p, k);
        employed[h] |= wa && p.is_employed;
        able[h] |= wa && p.able_to_work;
    }
    employed.iter().zip(&able).map(|(e, a)| !e && *a).collect()
}

/// Every output for one person, given their household's zero-employment flag.
pub fn compute(p: &AnchorPerson, zero_household: bool, k: &AnchorParams) -> AnchorOutput {
    let key = key_group(p, k);
    let eligible = key && p.started_business;
    AnchorOutput {
        age: age(p.birth, k.start),
        key_group: key,
        startup_subsidy_eligible: eligible,
        startup_subsidy_amount_fen: if eligible { k.amount.0 } else { 0 },
        public_welfare_post_subsidy_months_allowed: months_allowed(p, k),
        in_zero_employment_household: zero_household,
    }
}

/// The startup-subsidy decision for one person, with its explanation.
pub fn explain(id: &str, p: &AnchorPerson, k: &AnchorParams) -> Decision {
    let c = |text: &str, ok: bool| {
        Condition::new(
            text,
            "anchor",
            if ok { Outcome::Met } else { Outcome::NotMet },
        )
    };
    let mut children = vec![
        c("在校学生", p.is_student).fact("is_student", p.is_student),
        c(
            "毕业年限内",
            p.graduated_years_ago >= 0 && i64::from(p.graduated_years_ago) <= k.window.0,
        )
        .fact("graduated_years_ago", p.graduated_years_ago),
        c(
            "登记失业月数达到",
            i64::from(p.registered_unemployed_months) >= k.unemployed.0,
        )
        .fact(
            "registered_unemployed_months",
            p.registered_unemployed_months,
        ),
        c("就业困难人员", p.is_hard_to_employ),
        c("持证残疾人", p.is_disabled_certified),
        c("自主就业退役军人", p.is_retired_veteran_self_employed),
    ];
    let outcome = crate::decision::any_of(&mut children);
    let mut key = Condition::new("重点人群", "anchor", outcome)
        .param(k.window.1.clone())
        .param(k.unemployed.1.clone());
    key.children = children;
    let mut conditions = vec![
        key,
        c("本月登记创业", p.started_business).fact("started_business", p.started_business),
    ];
    let status = match all_of(&mut conditions) {
        Outcome::Met => Status::Eligible,
        _ => Status::NotEligible,
    };
    let eligible = status == Status::Eligible;
    conditions.push(Condition::new("补贴标准", "anchor", Outcome::Met).param(k.amount.1.clone()));
    Decision {
        measure: "anchor_startup_subsidy",
        clause: "anchor",
        subject: id.into(),
        on: k.start,
        status,
        amount: eligible.then_some(Money::from_fen(k.amount.0)),
        period: None,
        conditions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn anchor_rules_at_their_boundaries() {
        let k = AnchorParams::for_period(d("2024-06-01")).unwrap();
        assert_eq!(age(d("2000-06-01"), k.start), 24);
        assert_eq!(age(d("2000-06-02"), k.start), 23);
        let p = AnchorPerson {
            birth: d("1966-02-10"),
            has_public_welfare_post: true,
            public_welfare_post_first_approval: d("2022-03-01"),
            ..Default::default()
        };
        // Male, 60: at approval 56 years 0 months (672 months) -> 48 months to retirement.
        assert_eq!(months_allowed(&p, &k), 48);
        let q = AnchorPerson {
            graduated_years_ago: 5,
            started_business: true,
            ..p
        };
        let out = compute(&q, false, &k);
        assert!(out.key_group && out.startup_subsidy_eligible);
        assert_eq!(out.startup_subsidy_amount_fen, 500_000);
        let k25 = AnchorParams::for_period(d("2025-01-01")).unwrap();
        assert_eq!(compute(&q, false, &k25).startup_subsidy_amount_fen, 600_000);
        let d = explain("q", &q, &k);
        assert_eq!(d.status, Status::Eligible);
        assert!(d.conditions[0].children[1].decisive);
    }
}
