//! 创业扶持: startup support for the key groups (plan 二(二)2) and guaranteed startup loans
//! (二(二)3). Four measures share one parameter file:
//! - 一次性创业补贴 one-time startup subsidy,
//! - 创业带动就业补贴 startup-driven-employment subsidy (per insured hire, capped, 3 years),
//! - 租金补贴 rent subsidy,
//! - 创业担保贷款 guaranteed startup loan with interest subsidy.

use crate::decision::{Condition, Decision, Outcome};
use crate::params::PolicyError;
use crate::rule::{
    Measure, Missing, Outline, Params, PersonCtx, Rule, Screen, met, note, one_of, shown, tri,
    yes_no,
};
use crate::situation::Business;
use chrono::{Datelike, Days, Months, NaiveDate};
use leye_domain::Money;

use super::common::{graduate_within, key_group};

crate::param_file!("startup.toml");

const CLAUSE: &str = "二(二)2";
const LOAN_CLAUSE: &str = "二(二)3";
const UNIT: &str = "市人力社保局、市财政局、市农业农村局";

pub const ONE_TIME: Measure = Measure {
    id: "startup_one_time",
    name: "一次性创业补贴",
    clause: CLAUSE,
    responsible_unit: UNIT,
    who: "在湖州首次创业并正常经营的重点人群(在校大学生和毕业5年以内高校毕业生、登记失业半年以上人员、就业困难人员、持证残疾人、自主就业退役军人)",
    benefit: "一次性创业补贴",
    documents: &["身份证", "营业执照", "重点人群身份证明", "经营场所证明"],
    params,
    rule: Rule::Person(one_time),
    screen: Screen::Always,
};

pub const DRIVEN_EMPLOYMENT: Measure = Measure {
    id: "startup_driven_employment",
    name: "创业带动就业补贴",
    clause: CLAUSE,
    responsible_unit: UNIT,
    who: "重点人群创办的企业,招用人员并为其缴纳职工养老保险满1年",
    benefit: "按招用人数给予补贴,前3人每人每年2000元,之后每人每年1000元,每年最高2万元,最长3年;农村电商上浮20%",
    documents: &["营业执照", "劳动合同", "社会保险缴费记录"],
    params,
    rule: Rule::Person(driven_employment),
    screen: Screen::Always,
};

pub const RENT: Measure = Measure {
    id: "startup_rent",
    name: "创业场地租金补贴",
    clause: CLAUSE,
    responsible_unit: UNIT,
    who: "租用经营场地创业的重点人群",
    benefit: "按实付租金的一定比例给予补贴,每年设上限,最长3年",
    documents: &["营业执照", "租赁合同", "租金支付凭证"],
    params,
    rule: Rule::Person(rent),
    screen: Screen::Always,
};

pub const LOAN: Measure = Measure {
    id: "startup_loan",
    name: "创业担保贷款及贴息",
    clause: LOAN_CLAUSE,
    responsible_unit: "市人力社保局、市财政局、团市委、人民银行湖州市分行",
    who: "重点人群、毕业10年内大学生、青创项目法定代表人",
    benefit: "申请创业担保贷款,个人和小微企业分设最高额度,财政按规定贴息",
    documents: &["身份证", "营业执照", "创业计划书", "身份证明材料"],
    params,
    rule: Rule::Person(loan),
    screen: Screen::Always,
};

/// The business, when the person started one.
fn business<'a>(p: &PersonCtx<'a>) -> Option<&'a Business> {
    p.person.business.as_ref()
}

/// Key-group membership, reading the windows as of `on`.
fn key(p: &PersonCtx<'_>, on: NaiveDate, m: &mut Missing) -> Result<Condition, PolicyError> {
    let ps = Params { set: params()?, on };
    key_group(
        p,
        on,
        ps.int("graduate_window_years")?,
        ps.int("unemployed_min_months")?,
        m,
    )
}

/// Registered in Huzhou and the person is its legal representative.
fn founder_conditions(b: &Business, m: &mut Missing) -> Vec<Condition> {
    vec![
        m.flag(
            "在湖州登记注册",
            CLAUSE,
            "business.registered_in_huzhou",
            b.registered_in_huzhou,
        ),
        m.flag(
            "本人为法定代表人或主要负责人",
            CLAUSE,
            "business.legal_representative",
            b.legal_representative,
        ),
    ]
}

/// Founded within `years` before `on` (and not in the future).
fn founded_within(
    b: &Business,
    on: NaiveDate,
    years: i64,
    text: String,
    m: &mut Missing,
) -> Condition {
    let founded = m.need("business.founded", b.founded);
    Condition::new(
        text,
        CLAUSE,
        founded.map_or(Outcome::Unknown, |f| {
            met(f <= on
                && f.checked_add_months(Months::new((years * 12) as u32))
                    .is_some_and(|l| on < l))
        }),
    )
    .fact("business.founded", shown(founded))
}

fn one_time(p: &PersonCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let Some(b) = business(p) else {
        return Ok(None);
    };
    let ps = Params { set: params()?, on };
    let (amount, amount_p) = ps.int("one_time_amount_fen")?;
    let (months, months_p) = ps.int("one_time_min_operating_months")?;
    let (years, years_p) = ps.int("one_time_apply_within_years")?;
    let mut m = Missing::default();
    let mut o = Outline::new(ONE_TIME.id, CLAUSE, &p.person.id, on);
    o.conditions.push(key(p, on, &mut m)?);
    o.conditions.extend(founder_conditions(b, &mut m));
    let founded = b.founded;
    o.conditions.push(
        Condition::new(
            format!("自登记之日起正常经营满{months}个月"),
            CLAUSE,
            match (m.need("business.operating", b.operating), founded) {
                (Some(false), _) => Outcome::NotMet,
                (Some(true), Some(f)) => met(f
                    .checked_add_months(Months::new(months as u32))
                    .is_some_and(|d| d <= on)),
                _ => Outcome::Unknown,
            },
        )
        .fact("business.operating", yes_no(b.operating))
        .fact("business.founded", shown(founded))
        .param(months_p),
    );
    o.conditions.push(
        founded_within(b, on, years, format!("自登记之日起{years}年内申请"), &mut m).param(years_p),
    );
    o.conditions.push(m.flag(
        "首次创业,此前未领取过一次性创业补贴",
        CLAUSE,
        "business.first_subsidy",
        b.first_subsidy,
    ));
    o.amount = Some(Money::from_fen(amount));
    o.notes
        .push(note(format!("补贴标准{}元", Money::from_fen(amount)), CLAUSE).param(amount_p));
    o.missing = m;
    Ok(Some(o.decide()))
}

/// The yearly amount for `hires` insured hires: the first few at the higher rate, the rest
/// at the lower, capped; then the rural e-commerce uplift.
pub fn driven_amount(
    hires: i64,
    first: i64,
    first_fen: i64,
    further_fen: i64,
    cap_fen: i64,
    uplift_pct: Option<i64>,
) -> i64 {
    let base = hires.min(first) * first_fen + (hires - first).max(0) * further_fen;
    let capped = base.min(cap_fen);
    match uplift_pct {
        Some(pct) => capped + capped * pct / 100,
        None => capped,
    }
}

fn driven_employment(p: &PersonCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let Some(b) = business(p) else {
        return Ok(None);
    };
    let ps = Params { set: params()?, on };
    let (first, first_p) = ps.int("driven_first_hires")?;
    let (first_fen, first_fen_p) = ps.int("driven_first_amount_fen")?;
    let (further_fen, further_p) = ps.int("driven_further_amount_fen")?;
    let (cap, cap_p) = ps.int("driven_cap_fen")?;
    let (years, years_p) = ps.int("driven_years")?;
    let (uplift, uplift_p) = ps.int("driven_rural_ecommerce_uplift_pct")?;
    let mut m = Missing::default();
    let mut o = Outline::new(DRIVEN_EMPLOYMENT.id, CLAUSE, &p.person.id, on);
    o.conditions.push(key(p, on, &mut m)?);
    o.conditions.extend(founder_conditions(b, &mut m));
    o.conditions.push(
        founded_within(b, on, years, format!("自登记之日起{years}年内"), &mut m).param(years_p),
    );
    let hires = m.need("business.insured_hires", b.insured_hires);
    o.conditions.push(
        Condition::new(
            "本年度招用人员并为其缴纳职工养老保险满1年",
            CLAUSE,
            hires.map_or(Outcome::Unknown, |h| met(h > 0)),
        )
        .fact("business.insured_hires", shown(hires)),
    );
    let rural = b.rural_ecommerce;
    if let Some(h) = hires {
        let a = driven_amount(
            i64::from(h),
            first,
            first_fen,
            further_fen,
            cap,
            (rural == Some(true)).then_some(uplift),
        );
        o.amount = Some(Money::from_fen(a));
        let year = on.year();
        o.period = NaiveDate::from_ymd_opt(year, 1, 1).zip(NaiveDate::from_ymd_opt(year, 12, 31));
    }
    o.notes.push(
        note(
            format!(
                "前{first}人每人每年{}元,其后每人每年{}元,每年最高{}元;农村电商上浮{uplift}%",
                Money::from_fen(first_fen),
                Money::from_fen(further_fen),
                Money::from_fen(cap)
            ),
            CLAUSE,
        )
        .fact("business.rural_ecommerce", yes_no(rural))
        .param(first_p)
        .param(first_fen_p)
        .param(further_p)
        .param(cap_p)
        .param(uplift_p),
    );
    o.missing = m;
    Ok(Some(o.decide()))
}

fn rent(p: &PersonCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let Some(b) = business(p) else {
        return Ok(None);
    };
    let ps = Params { set: params()?, on };
    let (rate, rate_p) = ps.int("rent_rate_pct")?;
    let (cap, cap_p) = ps.int("rent_cap_fen")?;
    let (years, years_p) = ps.int("rent_years")?;
    let mut m = Missing::default();
    let mut o = Outline::new(RENT.id, CLAUSE, &p.person.id, on);
    o.conditions.push(key(p, on, &mut m)?);
    o.conditions.extend(founder_conditions(b, &mut m));
    o.conditions.push(
        founded_within(b, on, years, format!("自登记之日起{years}年内"), &mut m).param(years_p),
    );
    o.conditions.push(m.flag(
        "租用经营场地(非自有)",
        CLAUSE,
        "business.rented_premises",
        b.rented_premises,
    ));
    let paid = m.need("business.annual_rent_fen", b.annual_rent_fen);
    o.conditions.push(
        Condition::new(
            "本年度已实际支付租金",
            CLAUSE,
            paid.map_or(Outcome::Unknown, |r| met(r > 0)),
        )
        .fact(
            "business.annual_rent_yuan",
            shown(paid.map(Money::from_fen)),
        ),
    );
    o.amount = paid.map(|r| Money::from_fen((r * rate / 100).min(cap)));
    o.notes.push(
        note(
            format!("按实付租金的{rate}%补贴,每年最高{}元", Money::from_fen(cap)),
            CLAUSE,
        )
        .param(rate_p)
        .param(cap_p),
    );
    o.missing = m;
    Ok(Some(o.decide()))
}

fn loan(p: &PersonCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let Some(b) = business(p) else {
        return Ok(None);
    };
    let ps = Params { set: params()?, on };
    let (grad_years, grad_p) = ps.int("loan_graduate_years")?;
    let (person_limit, person_p) = ps.int("loan_person_limit_fen")?;
    let (firm_limit, firm_p) = ps.int("loan_enterprise_limit_fen")?;
    let (subsidy_years, subsidy_p) = ps.int("loan_interest_subsidy_years")?;
    let mut m = Missing::default();
    let mut o = Outline::new(LOAN.id, LOAN_CLAUSE, &p.person.id, on);
    let key = key(p, on, &mut m)?;
    let mut who = vec![
        key,
        Condition::new(
            format!("毕业{grad_years}年内大学生"),
            LOAN_CLAUSE,
            tri(graduate_within(p, on, grad_years)),
        )
        .fact("graduation_date", shown(p.person.graduation_date))
        .param(grad_p),
        Condition::new(
            "青创项目法定代表人",
            LOAN_CLAUSE,
            tri(b
                .youth_project
                .zip(b.legal_representative)
                .map(|(y, l)| y && l)),
        )
        .fact("business.youth_project", yes_no(b.youth_project))
        .fact(
            "business.legal_representative",
            yes_no(b.legal_representative),
        ),
    ];
    who[0].clause = LOAN_CLAUSE.into();
    o.conditions
        .push(one_of("申请人属于下列之一", LOAN_CLAUSE, who));
    o.conditions.push(m.flag(
        "在湖州登记注册并正常经营",
        LOAN_CLAUSE,
        "business.registered_in_huzhou",
        b.registered_in_huzhou,
    ));
    let as_firm = b.loan_as_enterprise.unwrap_or(false);
    let (limit, limit_p) = if as_firm {
        (firm_limit, firm_p)
    } else {
        (person_limit, person_p)
    };
    let requested = m.need("business.loan_requested_fen", b.loan_requested_fen);
    o.conditions.push(
        Condition::new(
            "申请贷款金额大于零",
            LOAN_CLAUSE,
            requested.map_or(Outcome::Unknown, |r| met(r > 0)),
        )
        .fact(
            "business.loan_requested_yuan",
            shown(requested.map(Money::from_fen)),
        ),
    );
    o.amount = requested.map(|r| Money::from_fen(r.min(limit)));
    o.period = on
        .checked_add_months(Months::new((subsidy_years * 12) as u32))
        .and_then(|e| e.checked_sub_days(Days::new(1)))
        .map(|e| (on, e));
    o.notes.push(
        note(
            format!(
                "{}最高贷款{}元(超出部分不予担保),财政贴息{subsidy_years}年",
                if as_firm { "小微企业" } else { "个人" },
                Money::from_fen(limit)
            ),
            LOAN_CLAUSE,
        )
        .param(limit_p)
        .param(subsidy_p),
    );
    o.missing = m;
    Ok(Some(o.decide()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::situation::Person;
    use leye_domain::Sex;
    use leye_domain::person::Education;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A bachelor who graduated 2022-06-30 and founded a business on 2025-03-01.
    fn founder() -> Person {
        Person {
            id: "p".into(),
            birth: Some(d("2000-01-01")),
            sex: Some(Sex::Female),
            education: Some(Education::Bachelor),
            graduation_date: Some(d("2022-06-30")),
            student: Some(false),
            registered_unemployed: Some(false),
            disability_certificate: Some(false),
            veteran_self_employed: Some(false),
            hard_to_employ: Some(false),
            business: Some(Business {
                founded: Some(d("2025-03-01")),
                registered_in_huzhou: Some(true),
                legal_representative: Some(true),
                operating: Some(true),
                first_subsidy: Some(true),
                youth_project: Some(false),
                rural_ecommerce: Some(false),
                insured_hires: Some(4),
                rented_premises: Some(true),
                annual_rent_fen: Some(3_000_000),
                loan_requested_fen: Some(80_000_000),
                loan_as_enterprise: Some(false),
            }),
            ..Default::default()
        }
    }

    fn run(m: &Measure, p: &Person, on: &str) -> Decision {
        let ctx = PersonCtx {
            person: p,
            zero_employment: Some(false),
        };
        match m.rule {
            Rule::Person(f) => f(&ctx, d(on)).unwrap().unwrap(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn one_time_after_a_year_of_operation_within_the_key_group() {
        let p = founder();
        // Operating 12 months on 2026-03-01, not a day before.
        assert_eq!(run(&ONE_TIME, &p, "2026-02-28").status, Status::NotEligible);
        let dec = run(&ONE_TIME, &p, "2026-03-01");
        assert_eq!(dec.status, Status::Eligible);
        assert_eq!(dec.amount, Some(Money::from_yuan(5000)));
        // Graduated 2022-06-30: within 5 years until 2027-06-30 inclusive.
        assert_eq!(run(&ONE_TIME, &p, "2027-06-30").status, Status::Eligible);
        let dec = run(&ONE_TIME, &p, "2027-07-01");
        assert_eq!(dec.status, Status::NotEligible);
        assert!(dec.conditions[0].decisive);
        // Someone already subsidised once.
        let mut again = founder();
        if let Some(b) = again.business.as_mut() {
            b.first_subsidy = Some(false);
        }
        assert_eq!(
            run(&ONE_TIME, &again, "2026-03-01").status,
            Status::NotEligible
        );
    }

    #[test]
    fn driven_employment_amounts_and_cap() {
        assert_eq!(
            driven_amount(1, 3, 200_000, 100_000, 2_000_000, None),
            200_000
        );
        assert_eq!(
            driven_amount(3, 3, 200_000, 100_000, 2_000_000, None),
            600_000
        );
        assert_eq!(
            driven_amount(4, 3, 200_000, 100_000, 2_000_000, None),
            700_000
        );
        // 3*2000 + 14*1000 = 20000: the cap exactly; one more hire adds nothing.
        assert_eq!(
            driven_amount(17, 3, 200_000, 100_000, 2_000_000, None),
            2_000_000
        );
        assert_eq!(
            driven_amount(18, 3, 200_000, 100_000, 2_000_000, None),
            2_000_000
        );
        assert_eq!(
            driven_amount(18, 3, 200_000, 100_000, 2_000_000, Some(20)),
            2_400_000
        );
        let dec = run(&DRIVEN_EMPLOYMENT, &founder(), "2026-06-01");
        assert_eq!(dec.amount, Some(Money::from_yuan(7000)));
        assert_eq!(dec.period, Some((d("2026-01-01"), d("2026-12-31"))));
        // By 2028 the graduate (2022) has left the 5-year key-group window.
        assert_eq!(
            run(&DRIVEN_EMPLOYMENT, &founder(), "2028-02-29").status,
            Status::NotEligible
        );
    }

    #[test]
    fn driven_employment_window_ends_three_years_after_founding() {
        // A registered-unemployed founder stays in the key group; founded 2025-03-01.
        let mut p = founder();
        p.education = Some(Education::SeniorSecondary);
        p.registered_unemployed = Some(true);
        p.registered_unemployed_since = Some(d("2024-01-01"));
        assert_eq!(
            run(&DRIVEN_EMPLOYMENT, &p, "2028-02-29").status,
            Status::Eligible
        );
        assert_eq!(
            run(&DRIVEN_EMPLOYMENT, &p, "2028-03-01").status,
            Status::NotEligible
        );
    }

    #[test]
    fn rent_is_a_share_of_rent_paid_up_to_the_cap() {
        let dec = run(&RENT, &founder(), "2026-06-01");
        // 50% of 30000 = 15000, capped at 10000.
        assert_eq!(dec.amount, Some(Money::from_yuan(10_000)));
        let mut p = founder();
        if let Some(b) = p.business.as_mut() {
            b.annual_rent_fen = Some(1_200_000);
        }
        assert_eq!(
            run(&RENT, &p, "2026-06-01").amount,
            Some(Money::from_yuan(6_000))
        );
        if let Some(b) = p.business.as_mut() {
            b.rented_premises = Some(false);
        }
        assert_eq!(run(&RENT, &p, "2026-06-01").status, Status::NotEligible);
    }

    #[test]
    fn loans_reach_graduates_within_ten_years_and_are_capped() {
        // Graduated 2022: outside the 5-year key-group window in 2031, inside 10 years.
        let dec = run(&LOAN, &founder(), "2031-06-01");
        assert_eq!(dec.status, Status::Eligible);
        assert_eq!(dec.amount, Some(Money::from_yuan(500_000)));
        assert_eq!(dec.period, Some((d("2031-06-01"), d("2034-05-31"))));
        assert_eq!(
            run(&LOAN, &founder(), "2032-07-01").status,
            Status::NotEligible
        );
        // A youth-project legal representative qualifies on that alone.
        let mut p = founder();
        if let Some(b) = p.business.as_mut() {
            b.youth_project = Some(true);
        }
        assert_eq!(run(&LOAN, &p, "2032-07-01").status, Status::Eligible);
    }

    #[test]
    fn unknown_facts_are_named() {
        let p = Person {
            id: "q".into(),
            business: Some(Business::default()),
            ..Default::default()
        };
        match run(&ONE_TIME, &p, "2026-06-01").status {
            Status::CannotDecide { missing } => {
                assert!(
                    missing.contains(&"business.founded".to_string()),
                    "{missing:?}"
                );
                assert!(missing.contains(&"student".to_string()), "{missing:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}
