//! 残疾人就业 (plan 二(三)6): the social-insurance subsidy and placement reward for
//! enterprises that newly place people with mental or intellectual disabilities in the year,
//! and the employment quota, towards which assisted posts for "残疾人之家" clients count.

use crate::decision::{Condition, Decision, Outcome};
use crate::params::PolicyError;
use crate::rule::{
    EmploymentCtx, Measure, Missing, Outline, Params, Rule, Screen, met, note, shown,
};
use crate::situation::{DisabilityKind, EmploymentKind, Enterprise};
use chrono::{Datelike, NaiveDate};
use leye_domain::Money;

crate::param_file!("disability.toml");

const CLAUSE: &str = "二(三)6";

pub const PLACEMENT: Measure = Measure {
    id: "disability_placement",
    name: "新安置精神、智力残疾人就业社保补贴和安置奖励",
    clause: CLAUSE,
    responsible_unit: "市人力社保局、市残联",
    who: "当年新安置精神、智力残疾人就业的企业",
    benefit: "按安置人数给予社会保险补贴和一次性安置奖励",
    documents: &["残疾人证", "劳动合同", "社会保险缴费记录"],
    params,
    rule: Rule::Employment(placement),
    screen: Screen::Employment(|e, _| e.person.person.disability_certificate != Some(false)),
};

pub const QUOTA: Measure = Measure {
    id: "disability_quota",
    name: "按比例安排残疾人就业(残疾人之家辅助性就业岗位计入)",
    clause: CLAUSE,
    responsible_unit: "市残联、市人力社保局",
    who: "用人单位",
    benefit: "为“残疾人之家”服务对象提供的辅助性就业岗位计入安排残疾人就业人数;达到比例的单位无需缴纳残疾人就业保障金",
    documents: &["在职职工名册", "残疾职工残疾人证", "辅助性就业岗位协议"],
    params,
    rule: Rule::Enterprise(quota),
    screen: Screen::Always,
};

fn placement(e: &EmploymentCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    if e.employment
        .kind
        .is_some_and(|k| k != EmploymentKind::Regular)
    {
        return Ok(None);
    }
    let p = e.person.person;
    let ps = Params { set: params()?, on };
    let (monthly, monthly_p) = ps.int("social_insurance_monthly_fen")?;
    let (max_months, max_p) = ps.int("social_insurance_max_months")?;
    let (reward, reward_p) = ps.int("placement_reward_fen")?;
    let mut m = Missing::default();
    let subject = format!("{}@{}", p.id, e.enterprise.id);
    let mut o = Outline::new(PLACEMENT.id, CLAUSE, &subject, on);
    o.conditions.push(m.flag(
        "持有残疾人证",
        CLAUSE,
        "disability_certificate",
        p.disability_certificate,
    ));
    let kind = m.need("disability_kind", p.disability_kind);
    o.conditions.push(
        Condition::new(
            "精神残疾或智力残疾",
            CLAUSE,
            kind.map_or(Outcome::Unknown, |k| {
                met(matches!(
                    k,
                    DisabilityKind::Mental | DisabilityKind::Intellectual
                ))
            }),
        )
        .fact("disability_kind", kind.map_or("未知", |k| k.label_zh())),
    );
    let start = m.need("start", e.employment.start);
    o.conditions.push(
        Condition::new(
            "当年新安置",
            CLAUSE,
            start.map_or(Outcome::Unknown, |s| met(s.year() == on.year() && s <= on)),
        )
        .fact("start", shown(start)),
    );
    o.conditions.push(m.flag(
        "签订劳动合同",
        CLAUSE,
        "labour_contract",
        e.employment.labour_contract,
    ));
    let paid = e.employment.contribution_months;
    o.conditions
        .push(m.at_least("已为其缴纳社会保险", CLAUSE, "contribution_months", paid, 1));
    if let Some(n) = paid {
        o.amount = Some(Money::from_fen(
            monthly * i64::from(n).min(max_months) + reward,
        ));
    }
    o.notes.push(
        note(
            format!(
                "社会保险补贴每人每月{}元(当年最多{max_months}个月),另给予一次性安置奖励{}元",
                Money::from_fen(monthly),
                Money::from_fen(reward)
            ),
            CLAUSE,
        )
        .param(monthly_p)
        .param(max_p)
        .param(reward_p),
    );
    o.missing = m;
    Ok(Some(o.decide()))
}

fn quota(e: &Enterprise, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let (per_mille, per_mille_p) = Params { set: params()?, on }.int("quota_per_mille")?;
    let mut m = Missing::default();
    let staff = m.need("staff", e.staff);
    let disabled = m.need("disabled_staff", e.disabled_staff);
    let home = e.disability_home_posts.unwrap_or(0);
    let counted = disabled.map(|d| i64::from(d) + i64::from(home));
    let mut o = Outline::new(QUOTA.id, CLAUSE, &e.id, on);
    o.conditions.push(
        Condition::new(
            format!(
                "安排残疾人就业人数(含残疾人之家辅助性就业岗位)不低于在职职工的{}‰",
                per_mille
            ),
            CLAUSE,
            match (staff, counted) {
                (Some(s), Some(c)) => met(c * 1000 >= i64::from(s) * per_mille),
                _ => Outcome::Unknown,
            },
        )
        .fact("staff", shown(staff))
        .fact("disabled_staff", shown(disabled))
        .fact("disability_home_posts", home)
        .param(per_mille_p),
    );
    if let (Some(s), Some(c)) = (staff, counted) {
        let required = i64::from(s) * per_mille;
        let short = (required - c * 1000).max(0);
        o.notes.push(note(
            format!(
                "应安排{:.1}人,已计入{c}人,差额{:.1}人",
                required as f64 / 1000.0,
                short as f64 / 1000.0
            ),
            CLAUSE,
        ));
    }
    o.missing = m;
    Ok(Some(o.decide()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::rule::PersonCtx;
    use crate::situation::{Employment, Person};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn run_placement(kind: DisabilityKind, start: &str, on: &str) -> Decision {
        let p = Person {
            id: "p".into(),
            disability_certificate: Some(true),
            disability_kind: Some(kind),
            ..Default::default()
        };
        let firm = Enterprise {
            id: "e".into(),
            ..Default::default()
        };
        let job = Employment {
            person: "p".into(),
            enterprise: "e".into(),
            start: Some(d(start)),
            labour_contract: Some(true),
            contribution_months: Some(14),
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
        placement(&ctx, d(on)).unwrap().unwrap()
    }

    #[test]
    fn mental_or_intellectual_placed_this_year() {
        let dec = run_placement(DisabilityKind::Mental, "2026-01-01", "2026-12-31");
        assert_eq!(dec.status, Status::Eligible);
        // 12 months of 1000 plus 5000.
        assert_eq!(dec.amount, Some(Money::from_yuan(17_000)));
        assert_eq!(
            run_placement(DisabilityKind::Intellectual, "2026-03-01", "2026-06-01").status,
            Status::Eligible
        );
        assert_eq!(
            run_placement(DisabilityKind::Physical, "2026-03-01", "2026-06-01").status,
            Status::NotEligible
        );
        // Placed last year: not a new placement this year.
        assert_eq!(
            run_placement(DisabilityKind::Mental, "2025-12-31", "2026-01-01").status,
            Status::NotEligible
        );
    }

    #[test]
    fn disability_home_posts_count_towards_the_quota() {
        let firm = |disabled, home| Enterprise {
            id: "e".into(),
            staff: Some(200),
            disabled_staff: Some(disabled),
            disability_home_posts: Some(home),
            ..Default::default()
        };
        let on = d("2026-06-01");
        // 200 staff at 1.5% = 3 people.
        assert_eq!(
            quota(&firm(2, 0), on).unwrap().unwrap().status,
            Status::NotEligible
        );
        assert_eq!(
            quota(&firm(2, 1), on).unwrap().unwrap().status,
            Status::Eligible
        );
        assert_eq!(
            quota(&firm(3, 0), on).unwrap().unwrap().status,
            Status::Eligible
        );
    }
}
