//! 和谐劳动关系企业(园区)奖励 (plan 二(六)2): a reward by level to enterprises (or parks) named
//! national, provincial or municipal harmonious-labour-relations units. Amounts unverified.

use crate::decision::{Condition, Decision, Outcome};
use crate::params::PolicyError;
use crate::rule::{Measure, Missing, Outline, Params, Rule, Screen, met, shown};
use crate::situation::{AwardLevel, Enterprise};
use chrono::{Months, NaiveDate};
use leye_domain::Money;

crate::param_file!("harmonious.toml");

const CLAUSE: &str = "二(六)2";

pub const MEASURE: Measure = Measure {
    id: "harmonious_enterprise",
    name: "和谐劳动关系企业(园区)奖励",
    clause: CLAUSE,
    responsible_unit: "市人力社保局、市经信局、市总工会、市工商联",
    who: "获得国家级、省级、市级和谐劳动关系企业(园区)称号的单位",
    benefit: "按称号级别给予奖励",
    documents: &["称号证书或命名文件"],
    params,
    rule: Rule::Enterprise(evaluate),
    screen: Screen::Always,
};

fn evaluate(e: &Enterprise, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let Some(level) = e.harmonious_award else {
        return Ok(None);
    };
    let ps = Params { set: params()?, on };
    let (within, within_p) = ps.int("apply_within_months")?;
    let (amount, amount_p) = ps.int(match level {
        AwardLevel::National => "national_fen",
        AwardLevel::Provincial => "provincial_fen",
        AwardLevel::Municipal => "municipal_fen",
    })?;
    let mut m = Missing::default();
    let mut o = Outline::new(MEASURE.id, CLAUSE, &e.id, on);
    o.conditions.push(
        Condition::new(
            format!("获得{}和谐劳动关系企业(园区)称号", level.label_zh()),
            CLAUSE,
            Outcome::Met,
        )
        .param(amount_p),
    );
    let date = m.need("harmonious_award_date", e.harmonious_award_date);
    o.conditions.push(
        Condition::new(
            format!("获评后{within}个月内申请"),
            CLAUSE,
            date.map_or(Outcome::Unknown, |d| {
                met(d <= on
                    && d.checked_add_months(Months::new(within as u32))
                        .is_some_and(|l| on <= l))
            }),
        )
        .fact("harmonious_award_date", shown(date))
        .param(within_p),
    );
    o.conditions.push(m.flag(
        "同一称号未领取过奖励",
        CLAUSE,
        "harmonious_award_rewarded",
        e.harmonious_award_rewarded.map(|r| !r),
    ));
    o.amount = Some(Money::from_fen(amount));
    o.missing = m;
    Ok(Some(o.decide()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    #[test]
    fn reward_by_level_within_a_year() {
        let firm = |level| Enterprise {
            id: "e".into(),
            harmonious_award: Some(level),
            harmonious_award_date: Some("2026-01-10".parse().unwrap()),
            harmonious_award_rewarded: Some(false),
            ..Default::default()
        };
        let on = "2026-06-01".parse().unwrap();
        let dec = evaluate(&firm(AwardLevel::Provincial), on)
            .unwrap()
            .unwrap();
        assert_eq!(
            (dec.status, dec.amount),
            (Status::Eligible, Some(Money::from_yuan(50_000)))
        );
        let late = evaluate(&firm(AwardLevel::National), "2027-01-11".parse().unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(late.status, Status::NotEligible);
        let none = Enterprise {
            id: "x".into(),
            ..Default::default()
        };
        assert!(evaluate(&none, on).unwrap().is_none());
    }
}
