//! What several measures share: the minimum wage and the "key groups" (重点人群) of 二(二)2.

use crate::decision::{Condition, Outcome};
use crate::params::{ParamUse, PolicyError};
use crate::rule::{Missing, PersonCtx, one_of, shown, yes_no};
use chrono::{Months, NaiveDate};
use leye_domain::Money;

mod wage {
    crate::param_file!("minimum_wage.toml");
}

/// The monthly minimum wage (tier 1) in force on `on`, in fen.
pub fn min_wage(on: NaiveDate) -> Result<(i64, ParamUse), PolicyError> {
    wage::params()?.int_at("monthly_fen", on)
}

/// Its parameters, for listings.
pub use wage::params as minimum_wage_params;

/// Show an amount in fen as yuan.
pub fn yuan(fen: i64) -> Money {
    Money::from_fen(fen)
}

/// Is the person hard-to-employ: the stated identification, else the engine's own.
pub fn hard_to_employ(p: &PersonCtx<'_>, on: NaiveDate) -> Result<Option<bool>, PolicyError> {
    if let Some(known) = p.person.hard_to_employ {
        return Ok(Some(known));
    }
    let d = super::hard_to_employ::evaluate(p, on)?;
    Ok(d.and_then(|d| match d.status {
        crate::Status::Eligible => Some(true),
        crate::Status::NotEligible => Some(false),
        crate::Status::CannotDecide { .. } => None,
    }))
}

/// Graduated from higher education within `years` before `on` (unknown without the facts).
pub fn graduate_within(p: &PersonCtx<'_>, on: NaiveDate, years: i64) -> Option<bool> {
    let higher = p.person.education.map(|e| e.is_higher())?;
    if !higher {
        return Some(false);
    }
    let g = p.person.graduation_date?;
    Some(
        g <= on
            && g.checked_add_months(Months::new((years * 12) as u32))
                .is_some_and(|l| on <= l),
    )
}

/// 重点人群 (二(二)2): students, graduates within the set years, registered unemployed for the
/// set months, hard-to-employ people, disability-certificate holders, self-employed veterans.
pub fn key_group(
    p: &PersonCtx<'_>,
    on: NaiveDate,
    window: (i64, ParamUse),
    unemployed: (i64, ParamUse),
    m: &mut Missing,
) -> Result<Condition, PolicyError> {
    let x = p.person;
    let (years, years_p) = window;
    let (months, months_p) = unemployed;
    let long_unemployed = match x.registered_unemployed {
        Some(false) => Some(false),
        Some(true) => x.registered_unemployed_since.map(|s| {
            s.checked_add_months(Months::new(months as u32))
                .is_some_and(|d| d <= on)
        }),
        None => None,
    };
    let hte = hard_to_employ(p, on)?;
    let children = vec![
        Condition::new("在校大学生", "二(二)2", crate::rule::tri(x.student))
            .fact("student", yes_no(x.student)),
        Condition::new(
            format!("毕业{years}年以内高校毕业生"),
            "二(二)2",
            crate::rule::tri(graduate_within(p, on, years)),
        )
        .fact("graduation_date", shown(x.graduation_date))
        .param(years_p),
        Condition::new(
            format!("登记失业{months}个月以上人员"),
            "二(二)2",
            crate::rule::tri(long_unemployed),
        )
        .fact(
            "registered_unemployed_since",
            shown(x.registered_unemployed_since),
        )
        .param(months_p),
        Condition::new("就业困难人员", "二(二)2", crate::rule::tri(hte))
            .fact("hard_to_employ", yes_no(hte)),
        Condition::new(
            "持证残疾人",
            "二(二)2",
            crate::rule::tri(x.disability_certificate),
        )
        .fact("disability_certificate", yes_no(x.disability_certificate)),
        Condition::new(
            "自主就业退役军人",
            "二(二)2",
            crate::rule::tri(x.veteran_self_employed),
        )
        .fact("veteran_self_employed", yes_no(x.veteran_self_employed)),
    ];
    let c = one_of("属于重点人群(下列之一)", "二(二)2", children);
    if c.outcome == Outcome::Unknown {
        for (name, known) in [
            ("student", x.student.is_some()),
            ("education", x.education.is_some()),
            ("registered_unemployed", x.registered_unemployed.is_some()),
            ("disability_certificate", x.disability_certificate.is_some()),
            ("veteran_self_employed", x.veteran_self_employed.is_some()),
        ] {
            if !known {
                m.need(name, None::<()>);
            }
        }
    }
    Ok(c)
}
