//! 对口帮扶地区来湖就业补贴: one-time transport, employment and family-visit subsidies for
//! poverty-alleviated workers from paired-assistance regions who work in Huzhou (plan
//! 二(三)5). The list of regions and all amounts are parameters (unverified defaults).

use crate::decision::{Condition, Decision, Outcome};
use crate::params::PolicyError;
use crate::rule::{
    Measure, Missing, Outline, Params, PersonCtx, Rule, Screen, note, shown, yes_no,
};
use chrono::NaiveDate;
use leye_domain::Money;

crate::param_file!("paired_assistance.toml");

const CLAUSE: &str = "二(三)5";

pub const MEASURE: Measure = Measure {
    id: "paired_assistance",
    name: "对口帮扶地区来湖就业脱贫劳务人员交通、就业、探亲补贴",
    clause: CLAUSE,
    responsible_unit: "市人力社保局、市财政局、市区域合作办",
    who: "来自对口帮扶地区、在湖州就业的脱贫劳务人员",
    benefit: "一次性交通补贴;稳定就业满规定月数的就业补贴;每年一次探亲补贴",
    documents: &[
        "身份证",
        "户籍证明",
        "脱贫人口身份证明",
        "劳动合同或就业证明",
    ],
    params,
    rule: Rule::Person(evaluate),
    screen: Screen::Person(screen),
};

/// From a paired region (or unknown) and not known to be other than poverty-alleviated.
fn screen(p: &PersonCtx<'_>, on: NaiveDate) -> bool {
    if p.person.poverty_alleviated == Some(false) {
        return false;
    }
    let Some(h) = p.person.hukou_region.as_deref() else {
        return true;
    };
    params()
        .and_then(|ps| ps.at("regions", on))
        .map_or(true, |r| {
            r.value
                .split(',')
                .map(str::trim)
                .any(|prefix| !prefix.is_empty() && h.starts_with(prefix))
        })
}

fn evaluate(p: &PersonCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let x = p.person;
    let ps = Params { set: params()?, on };
    let regions = ps.get("regions")?;
    let (transport, transport_p) = ps.int("transport_fen")?;
    let (min_months, min_months_p) = ps.int("employment_min_months")?;
    let (employment, employment_p) = ps.int("employment_fen")?;
    let (visit, visit_p) = ps.int("visit_fen")?;
    let mut m = Missing::default();
    let hukou = m.need("hukou_region", x.hukou_region.as_deref());
    let from_paired = hukou.map(|h| {
        regions
            .value
            .split(',')
            .map(str::trim)
            .any(|prefix| !prefix.is_empty() && h.starts_with(prefix))
    });
    let mut o = Outline::new(MEASURE.id, CLAUSE, &x.id, on);
    o.conditions.push(
        Condition::new("户籍在对口帮扶地区", CLAUSE, crate::rule::tri(from_paired))
            .fact("hukou_region", shown(hukou))
            .param(regions),
    );
    o.conditions.push(m.flag(
        "脱贫劳务人员",
        CLAUSE,
        "poverty_alleviated",
        x.poverty_alleviated,
    ));
    o.conditions.push(m.flag(
        "在湖州就业",
        CLAUSE,
        "works_in_huzhou",
        x.works_in_huzhou.zip(x.employed).map(|(w, e)| w && e),
    ));
    let pa = x.paired_assistance.clone().unwrap_or_default();
    let mut parts = Vec::new();
    let mut total = 0;
    let transport_due = pa.transport_subsidy_received.map(|r| !r);
    parts.push(
        Condition::new(
            format!("一次性交通补贴{}元(未领取过)", Money::from_fen(transport)),
            CLAUSE,
            crate::rule::tri(transport_due),
        )
        .fact(
            "paired_assistance.transport_subsidy_received",
            yes_no(pa.transport_subsidy_received),
        )
        .param(transport_p),
    );
    let months = pa.months_employed;
    let employment_due = months.map(|n| i64::from(n) >= min_months);
    parts.push(
        Condition::new(
            format!(
                "在湖连续就业满{min_months}个月的就业补贴{}元",
                Money::from_fen(employment)
            ),
            CLAUSE,
            crate::rule::tri(employment_due),
        )
        .fact("paired_assistance.months_employed", shown(months))
        .param(min_months_p)
        .param(employment_p),
    );
    let visit_due = pa.visit_subsidy_this_year.map(|v| !v);
    parts.push(
        Condition::new(
            format!("本年度探亲补贴{}元", Money::from_fen(visit)),
            CLAUSE,
            crate::rule::tri(visit_due),
        )
        .fact(
            "paired_assistance.visit_subsidy_this_year",
            yes_no(pa.visit_subsidy_this_year),
        )
        .param(visit_p),
    );
    for (due, amount) in [
        (transport_due, transport),
        (employment_due, employment),
        (visit_due, visit),
    ] {
        if due == Some(true) {
            total += amount;
        }
    }
    let any_due = if parts.iter().any(|c| c.outcome == Outcome::Met) {
        Outcome::Met
    } else if parts.iter().any(|c| c.outcome == Outcome::Unknown) {
        for (name, known) in [
            (
                "paired_assistance.transport_subsidy_received",
                transport_due.is_some(),
            ),
            ("paired_assistance.months_employed", months.is_some()),
            (
                "paired_assistance.visit_subsidy_this_year",
                visit_due.is_some(),
            ),
        ] {
            if !known {
                m.need(name, None::<()>);
            }
        }
        Outcome::Unknown
    } else {
        Outcome::NotMet
    };
    let mut due = Condition::new("至少有一项补贴尚未享受", CLAUSE, any_due);
    due.children = parts;
    o.conditions.push(due);
    o.amount = Some(Money::from_fen(total));
    o.notes.push(note("合计为当前应享受的各项补贴之和", CLAUSE));
    o.missing = m;
    Ok(Some(o.decide()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::situation::{PairedAssistance, Person};

    fn worker(hukou: &str, months: u32) -> Person {
        Person {
            id: "w".into(),
            hukou_region: Some(hukou.into()),
            poverty_alleviated: Some(true),
            employed: Some(true),
            works_in_huzhou: Some(true),
            paired_assistance: Some(PairedAssistance {
                arrived: None,
                months_employed: Some(months),
                visit_subsidy_this_year: Some(false),
                transport_subsidy_received: Some(false),
            }),
            ..Default::default()
        }
    }

    fn run(p: &Person) -> Decision {
        let ctx = PersonCtx {
            person: p,
            zero_employment: None,
        };
        evaluate(&ctx, "2026-11-28".parse().unwrap())
            .unwrap()
            .unwrap()
    }

    #[test]
    fn subsidies_add_up_by_what_is_due() {
        // 广元市利州区 510802.
        let dec = run(&worker("510802", 3));
        assert_eq!(dec.status, Status::Eligible);
        assert_eq!(dec.amount, Some(Money::from_yuan(500 + 1000 + 500)));
        let dec = run(&worker("510802", 2));
        assert_eq!(dec.amount, Some(Money::from_yuan(500 + 500)));
        let mut done = worker("510802", 2);
        done.paired_assistance = Some(PairedAssistance {
            months_employed: Some(2),
            visit_subsidy_this_year: Some(true),
            transport_subsidy_received: Some(true),
            arrived: None,
        });
        assert_eq!(run(&done).status, Status::NotEligible);
    }

    #[test]
    fn only_from_paired_regions_and_poverty_alleviated() {
        assert_eq!(run(&worker("330502", 6)).status, Status::NotEligible);
        let mut p = worker("510802", 6);
        p.poverty_alleviated = Some(false);
        assert_eq!(run(&p).status, Status::NotEligible);
    }
}
