//! 高校毕业生(相关人才)就业补贴: employment subsidy for graduates newly recruited to
//! enterprises of the city (plan 二(三)1). Amount by degree; all amounts unverified defaults.

use crate::decision::{Condition, Decision, Outcome};
use crate::params::PolicyError;
use crate::rule::{
    EmploymentCtx, Measure, Missing, Outline, Params, Rule, Screen, met, note, shown,
};
use crate::situation::EmploymentKind;
use chrono::{Months, NaiveDate};
use leye_domain::Money;
use leye_domain::person::Education;

crate::param_file!("graduate_employment.toml");

const CLAUSE: &str = "二(三)1";

pub const MEASURE: Measure = Measure {
    id: "graduate_employment",
    name: "高校毕业生(相关人才)就业补贴",
    clause: CLAUSE,
    responsible_unit: "市人力社保局、市委组织部、市财政局",
    who: "新引进到湖州企业工作的高校毕业生等人才",
    benefit: "按学历给予就业补贴",
    documents: &[
        "身份证",
        "毕业证书、学位证书",
        "劳动合同",
        "在湖社会保险缴费记录",
    ],
    params,
    rule: Rule::Employment(evaluate),
    screen: Screen::Employment(screen),
};

/// A graduate (or unknown), hired recently enough (or unknown).
fn screen(e: &EmploymentCtx<'_>, on: NaiveDate) -> bool {
    if e.person.person.education.is_some_and(|x| !x.is_higher()) {
        return false;
    }
    let Some(start) = e.employment.start else {
        return true;
    };
    params()
        .and_then(|p| p.int_at("apply_within_months", on))
        .map_or(true, |(within, _)| {
            start
                .checked_add_months(Months::new(within as u32))
                .is_none_or(|l| on <= l)
        })
}

fn evaluate(e: &EmploymentCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    if e.employment
        .kind
        .is_some_and(|k| k != EmploymentKind::Regular)
    {
        return Ok(None);
    }
    let p = e.person.person;
    let ps = Params { set: params()?, on };
    let (years, years_p) = ps.int("graduate_window_years")?;
    let (months, months_p) = ps.int("min_contribution_months")?;
    let (within, within_p) = ps.int("apply_within_months")?;
    let mut m = Missing::default();
    let subject = format!("{}@{}", p.id, e.enterprise.id);
    let mut o = Outline::new(MEASURE.id, CLAUSE, &subject, on);
    o.conditions.push(m.flag(
        "用人单位在湖州登记注册",
        CLAUSE,
        "enterprise.registered_in_huzhou",
        e.enterprise.registered_in_huzhou,
    ));
    let education = m.need("education", p.education);
    o.conditions.push(
        Condition::new(
            "大专及以上学历高校毕业生",
            CLAUSE,
            education.map_or(Outcome::Unknown, |x| met(x.is_higher())),
        )
        .fact("education", education.map_or("未知", |x| x.label_zh())),
    );
    let start = m.need("start", e.employment.start);
    let grad = m.need("graduation_date", p.graduation_date);
    o.conditions.push(
        Condition::new(
            format!("毕业后{years}年内新入职"),
            CLAUSE,
            match (start, grad) {
                (Some(s), Some(g)) => met(g <= s
                    && g.checked_add_months(Months::new((years * 12) as u32))
                        .is_some_and(|l| s <= l)),
                _ => Outcome::Unknown,
            },
        )
        .fact("graduation_date", shown(grad))
        .fact("start", shown(start))
        .param(years_p),
    );
    o.conditions.push(
        Condition::new(
            format!("入职{within}个月内申请(新引进)"),
            CLAUSE,
            start.map_or(Outcome::Unknown, |s| {
                met(s <= on
                    && s.checked_add_months(Months::new(within as u32))
                        .is_some_and(|l| on <= l))
            }),
        )
        .fact("start", shown(start))
        .param(within_p),
    );
    o.conditions.push(m.flag(
        "签订劳动合同",
        CLAUSE,
        "labour_contract",
        e.employment.labour_contract,
    ));
    o.conditions.push(
        m.at_least(
            format!("在湖缴纳社会保险满{months}个月"),
            CLAUSE,
            "contribution_months",
            e.employment.contribution_months,
            months,
        )
        .param(months_p),
    );
    let amount_param = match education {
        Some(Education::Doctorate) => Some("amount_doctorate_fen"),
        Some(Education::Master) => Some("amount_master_fen"),
        Some(Education::Bachelor) => Some("amount_bachelor_fen"),
        Some(Education::JuniorCollege) => Some("amount_junior_college_fen"),
        _ => None,
    };
    if let Some(name) = amount_param {
        let (amount, amount_p) = ps.int(name)?;
        o.amount = Some(Money::from_fen(amount));
        o.notes.push(
            note(
                format!(
                    "{}学历补贴标准{}元",
                    education.map_or("", |x| x.label_zh()),
                    Money::from_fen(amount)
                ),
                CLAUSE,
            )
            .param(amount_p),
        );
    }
    o.missing = m;
    Ok(Some(o.decide()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::rule::PersonCtx;
    use crate::situation::{Employment, Enterprise, Person};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn run(education: Education, grad: &str, start: &str, months: u32) -> Decision {
        let p = Person {
            id: "g".into(),
            education: Some(education),
            graduation_date: Some(d(grad)),
            ..Default::default()
        };
        let firm = Enterprise {
            id: "e".into(),
            registered_in_huzhou: Some(true),
            ..Default::default()
        };
        let job = Employment {
            person: "g".into(),
            enterprise: "e".into(),
            start: Some(d(start)),
            labour_contract: Some(true),
            contribution_months: Some(months),
            ..Default::default()
        };
        let ctx = EmploymentCtx {
            employment: &job,
            person: PersonCtx {
                person: &p,
                zero_employment: None,
            },
            enterprise: &firm,
        };
        evaluate(&ctx, d("2026-11-28")).unwrap().unwrap()
    }

    #[test]
    fn only_newly_recruited() {
        // Evaluated 2026-11-28: a start on 2024-11-28 is within 24 months, a day earlier not.
        assert_eq!(
            run(Education::Bachelor, "2024-06-30", "2024-11-28", 6).status,
            Status::Eligible
        );
        assert_eq!(
            run(Education::Bachelor, "2024-06-30", "2024-11-27", 6).status,
            Status::NotEligible
        );
    }

    #[test]
    fn amount_by_degree_within_the_window() {
        let dec = run(Education::Master, "2024-06-30", "2026-03-01", 6);
        assert_eq!(dec.status, Status::Eligible);
        assert_eq!(dec.amount, Some(Money::from_yuan(30_000)));
        let dec = run(Education::JuniorCollege, "2024-06-30", "2026-03-01", 6);
        assert_eq!(dec.amount, Some(Money::from_yuan(5_000)));
        assert_eq!(
            run(Education::SeniorSecondary, "2024-06-30", "2026-03-01", 6).status,
            Status::NotEligible
        );
        // Graduated 2021-06-30: 2026-06-30 is the last day to start.
        assert_eq!(
            run(Education::Bachelor, "2021-06-30", "2026-06-30", 6).status,
            Status::Eligible
        );
        assert_eq!(
            run(Education::Bachelor, "2021-06-30", "2026-07-01", 6).status,
            Status::NotEligible
        );
        assert_eq!(
            run(Education::Bachelor, "2024-06-30", "2026-03-01", 5).status,
            Status::NotEligible
        );
    }
}
