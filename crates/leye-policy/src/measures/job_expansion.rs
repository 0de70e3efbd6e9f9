//! 一次性扩岗补助: one-time job-expansion subsidy to an enterprise for a hire (plan 二(三)2).
//!
//! The hire is a graduate of the graduation year, or a higher-education graduate who left
//! school within the set years and was still unemployed, or a registered-unemployed youth of
//! the set ages; the enterprise signed a labour contract and paid unemployment, work-injury
//! and pension contributions for the set months. Parameters are read as of the hire date.

use crate::decision::{Condition, Decision, Outcome};
use crate::params::PolicyError;
use crate::rule::{
    EmploymentCtx, Measure, Missing, Outline, Params, Rule, Screen, met, note, one_of, shown,
    yes_no,
};
use crate::situation::EmploymentKind;
use chrono::{Datelike, Months, NaiveDate};
use leye_domain::Money;

pub const ID: &str = "job_expansion";
pub const CLAUSE: &str = "二(三)2";

crate::param_file!("job_expansion.toml");

/// The registry entry.
pub const MEASURE: Measure = Measure {
    id: ID,
    name: "一次性扩岗补助",
    clause: CLAUSE,
    responsible_unit: "市人力社保局、市国资委、市财政局",
    who: "招用毕业年度及离校两年内未就业高校毕业生、16—24周岁登记失业青年的企业",
    benefit: "按招用人数给予一次性扩岗补助",
    documents: &["劳动合同", "社会保险缴费记录", "毕业证书或失业登记证明"],
    params,
    rule: Rule::Employment(evaluate),
    screen: Screen::Employment(screen),
};

/// A hire the rule may find eligible: one of the categories can still hold, and the measure
/// was in force on the hire date (parameters are read as of the hire).
fn screen(e: &EmploymentCtx<'_>, _on: NaiveDate) -> bool {
    let p = e.person.person;
    let from_unemployment = e.employment.hired_from_registered_unemployment;
    // Neither a graduate nor hired from registered unemployment: no category can hold.
    if p.education.is_some_and(|x| !x.is_higher()) && from_unemployment == Some(false) {
        return false;
    }
    let Some(hire) = e.employment.start else {
        return true;
    };
    let years = match params().and_then(|ps| ps.int_at("graduate_years_after_leaving", hire)) {
        Ok((years, _)) => years,
        // Not yet in force on the hire date: the decision is "not eligible".
        Err(PolicyError::NotYetInForce { .. }) => return false,
        Err(_) => return true,
    };
    if from_unemployment != Some(false) {
        return true;
    }
    // Only the graduate categories are left: graduated in the hire's year, or at most
    // `years` before it.
    p.graduation_date.is_none_or(|g| {
        g.year() == hire.year()
            || (g <= hire
                && g.checked_add_months(Months::new((years * 12) as u32))
                    .is_none_or(|l| hire <= l))
    })
}

/// Facts of one hire; `None` is unknown.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub hire_date: Option<NaiveDate>,
    pub birth: Option<NaiveDate>,
    /// Higher education (大专 and above) graduate
    pub higher_education_graduate: Option<bool>,
    pub graduation_date: Option<NaiveDate>,
    /// Still unemployed from leaving school until this hire
    pub unemployed_since_graduation: Option<bool>,
    /// Registered unemployed when hired
    pub registered_unemployed: Option<bool>,
    pub labour_contract: Option<bool>,
    /// Months of unemployment, work-injury and pension contributions paid since the hire
    pub contribution_months: Option<u32>,
}

/// The rule over a regular employment relation.
pub fn evaluate(e: &EmploymentCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    if e.employment
        .kind
        .is_some_and(|k| k != EmploymentKind::Regular)
    {
        return Ok(None);
    }
    let p = e.person.person;
    let f = Facts {
        hire_date: e.employment.start,
        birth: p.birth,
        higher_education_graduate: p.education.map(|x| x.is_higher()),
        graduation_date: p.graduation_date,
        unemployed_since_graduation: e.employment.first_job_after_school,
        registered_unemployed: e.employment.hired_from_registered_unemployment,
        labour_contract: e.employment.labour_contract,
        contribution_months: e.employment.contribution_months,
    };
    decide(&format!("{}@{}", p.id, e.enterprise.id), &f, on).map(Some)
}

/// Decide the subsidy for one hire; parameters are read as of the hire date.
pub fn decide(subject: &str, f: &Facts, on: NaiveDate) -> Result<Decision, PolicyError> {
    let mut m = Missing::default();
    let hire = m.need("hire_date", f.hire_date);
    let on = hire.unwrap_or(on);
    let p = Params { set: params()?, on };
    let (per_hire, amount_p) = p.int("amount_fen")?;
    let (months, months_p) = p.int("min_contribution_months")?;
    let (years, years_p) = p.int("graduate_years_after_leaving")?;
    let (min_age, min_age_p) = p.int("youth_min_age")?;
    let (max_age, max_age_p) = p.int("youth_max_age")?;
    let age = f.birth.map(|b| crate::rule::age(b, on));
    let grad = match f.higher_education_graduate {
        Some(true) => f.graduation_date.map(Some),
        Some(false) => Some(None),
        None => None,
    };
    let of_year = match (grad, hire) {
        (Some(g), Some(h)) => met(g.is_some_and(|g| g.year() == h.year())),
        (Some(None), None) => Outcome::NotMet,
        _ => Outcome::Unknown,
    };
    let within = match (grad, hire, f.unemployed_since_graduation) {
        (Some(None), _, _) | (_, _, Some(false)) => Outcome::NotMet,
        (Some(Some(g)), Some(h), Some(true)) => met(g <= h
            && g.checked_add_months(Months::new((years * 12) as u32))
                .is_some_and(|l| h <= l)),
        _ => Outcome::Unknown,
    };
    let youth = match (f.registered_unemployed, age) {
        (Some(false), _) => Outcome::NotMet,
        (Some(true), Some(a)) => met((min_age..=max_age).contains(&a)),
        _ => Outcome::Unknown,
    };
    let who = one_of(
        "招用对象属于下列之一",
        CLAUSE,
        vec![
            Condition::new("毕业年度高校毕业生", CLAUSE, of_year)
                .fact("graduation_date", shown(f.graduation_date))
                .fact(
                    "higher_education_graduate",
                    yes_no(f.higher_education_graduate),
                ),
            Condition::new(format!("离校{years}年内未就业的高校毕业生"), CLAUSE, within)
                .fact(
                    "unemployed_since_graduation",
                    yes_no(f.unemployed_since_graduation),
                )
                .param(years_p),
            Condition::new(
                format!("{min_age}—{max_age}周岁登记失业青年"),
                CLAUSE,
                youth,
            )
            .fact("age", shown(age))
            .fact("registered_unemployed", yes_no(f.registered_unemployed))
            .param(min_age_p)
            .param(max_age_p),
        ],
    );
    if who.outcome == Outcome::Unknown {
        for (name, v) in [
            (
                "higher_education_graduate",
                f.higher_education_graduate.is_some(),
            ),
            (
                "unemployed_since_graduation",
                f.unemployed_since_graduation.is_some(),
            ),
            ("registered_unemployed", f.registered_unemployed.is_some()),
            ("birth", f.birth.is_some()),
        ] {
            if !v {
                m.need(name, None::<()>);
            }
        }
    }
    let mut o = Outline::new(ID, CLAUSE, subject, on);
    o.conditions.push(who);
    o.conditions
        .push(m.flag("签订劳动合同", CLAUSE, "labour_contract", f.labour_contract));
    o.conditions.push(
        m.at_least(
            format!("为其缴纳失业、工伤、职工养老保险满{months}个月"),
            CLAUSE,
            "contribution_months",
            f.contribution_months,
            months,
        )
        .param(months_p),
    );
    o.amount = Some(Money::from_fen(per_hire));
    o.notes.push(
        note(
            format!("补助标准{}元/人", Money::from_fen(per_hire)),
            CLAUSE,
        )
        .param(amount_p),
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

    fn decide_t(f: &Facts) -> Result<Decision, PolicyError> {
        decide("t", f, d("2000-01-01"))
    }

    fn hire(on: &str) -> Facts {
        Facts {
            hire_date: Some(d(on)),
            birth: Some(d("2003-05-01")),
            higher_education_graduate: Some(true),
            graduation_date: Some(d("2026-06-30")),
            unemployed_since_graduation: Some(true),
            registered_unemployed: Some(false),
            labour_contract: Some(true),
            contribution_months: Some(3),
        }
    }

    #[test]
    fn graduate_of_the_year_with_three_months() {
        let dec = decide_t(&hire("2026-09-01")).unwrap();
        assert_eq!(
            (dec.status.clone(), dec.amount),
            (Status::Eligible, Some(Money::from_yuan(1500)))
        );
        let short = Facts {
            contribution_months: Some(2),
            ..hire("2026-09-01")
        };
        let dec = decide_t(&short).unwrap();
        assert_eq!(dec.status, Status::NotEligible);
        assert!(dec.conditions[2].decisive);
    }

    #[test]
    fn the_contribution_rule_depends_on_the_hire_date() {
        // One month was enough for hires in 2023-2024, three from 2025.
        let f = Facts {
            contribution_months: Some(1),
            graduation_date: Some(d("2024-06-30")),
            ..hire("2024-12-31")
        };
        assert_eq!(decide_t(&f).unwrap().status, Status::Eligible);
        let g = Facts {
            hire_date: Some(d("2025-01-01")),
            ..f
        };
        assert_eq!(decide_t(&g).unwrap().status, Status::NotEligible);
    }

    #[test]
    fn within_two_years_of_leaving_school() {
        let f = Facts {
            graduation_date: Some(d("2024-06-30")),
            ..hire("2026-06-30")
        };
        assert_eq!(decide_t(&f).unwrap().status, Status::Eligible);
        let late = Facts {
            hire_date: Some(d("2026-07-01")),
            ..f.clone()
        };
        assert_eq!(decide_t(&late).unwrap().status, Status::NotEligible);
        let worked = Facts {
            unemployed_since_graduation: Some(false),
            ..f
        };
        assert_eq!(decide_t(&worked).unwrap().status, Status::NotEligible);
    }

    #[test]
    fn registered_unemployed_youth_16_to_24() {
        let base = Facts {
            higher_education_graduate: Some(false),
            graduation_date: None,
            registered_unemployed: Some(true),
            ..hire("2026-09-01")
        };
        // Born 2001-09-02: 24 on 2026-09-01 (eligible); born 2001-09-01: 25.
        let ok = Facts {
            birth: Some(d("2001-09-02")),
            ..base.clone()
        };
        assert_eq!(decide_t(&ok).unwrap().status, Status::Eligible);
        let too_old = Facts {
            birth: Some(d("2001-09-01")),
            ..base.clone()
        };
        assert_eq!(decide_t(&too_old).unwrap().status, Status::NotEligible);
        let not_registered = Facts {
            registered_unemployed: Some(false),
            ..ok
        };
        assert_eq!(
            decide_t(&not_registered).unwrap().status,
            Status::NotEligible
        );
    }
}
