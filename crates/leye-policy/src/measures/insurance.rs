//! 扩大社会保险覆盖范围 (plan 二(六)1): work-injury insurance on its own for the listed people
//! without a labour relation, and employee pension and medical insurance for flexible
//! workers where they work, regardless of hukou. These are entitlements without an amount.

use crate::decision::{Condition, Decision, Outcome};
use crate::params::PolicyError;
use crate::rule::{
    Measure, Missing, Outline, Params, PersonCtx, Rule, Screen, met, note, retirement_day, shown,
};
use crate::situation::SpecialWorker;
use chrono::NaiveDate;

crate::param_file!("insurance.toml");

const CLAUSE: &str = "二(六)1";

pub const WORK_INJURY: Measure = Measure {
    id: "work_injury_single",
    name: "特定人员单险种参加工伤保险",
    clause: CLAUSE,
    responsible_unit: "市人力社保局、市财政局、市医保局、市税务局",
    who: "不符合确立劳动关系情形的特定人员: 超过法定退休年龄且不超过65周岁的大龄劳动者、实习学生、就业见习人员、新就业形态劳动者、家政服务人员、在职村干部和专职社区工作者、群众演员",
    benefit: "用人单位可为其单险种参加工伤保险",
    documents: &["身份证", "用工(实习、见习)协议"],
    params,
    rule: Rule::Person(work_injury),
    screen: Screen::Always,
};

pub const FLEXIBLE: Measure = Measure {
    id: "flexible_worker_insurance",
    name: "灵活就业人员在就业地参加职工养老、医疗保险",
    clause: CLAUSE,
    responsible_unit: "市人力社保局、市医保局、市税务局",
    who: "在湖州灵活就业、未达到法定退休年龄的人员(不受户籍限制)",
    benefit: "可在湖州参加职工基本养老保险和职工基本医疗保险",
    documents: &["身份证", "灵活就业登记或就业证明"],
    params,
    rule: Rule::Person(flexible),
    screen: Screen::Always,
};

fn work_injury(p: &PersonCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let x = p.person;
    let Some(kind) = x.special_worker else {
        return Ok(None);
    };
    let (max_age, max_age_p) = Params { set: params()?, on }.int("older_worker_max_age")?;
    let mut m = Missing::default();
    let mut o = Outline::new(WORK_INJURY.id, CLAUSE, &x.id, on);
    o.conditions.push(
        Condition::new("属于规定的特定从业人员", CLAUSE, Outcome::Met)
            .fact("special_worker", kind.label_zh()),
    );
    if kind == SpecialWorker::OlderWorker {
        let birth = m.need("birth", x.birth);
        m.need("sex", x.sex);
        let retire = retirement_day(x);
        o.conditions.push(
            Condition::new(
                format!("已达到法定退休年龄且不超过{max_age}周岁"),
                CLAUSE,
                match (birth, retire) {
                    (Some(b), Some(r)) => met(r <= on && crate::rule::age(b, on) <= max_age),
                    _ => Outcome::Unknown,
                },
            )
            .fact("birth", shown(birth))
            .fact("statutory_retirement", shown(retire))
            .param(max_age_p),
        );
    }
    o.notes
        .push(note("可单险种参加工伤保险,由用人单位缴费", CLAUSE));
    o.missing = m;
    Ok(Some(o.decide()))
}

fn flexible(p: &PersonCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let x = p.person;
    if x.flexible_worker.is_none() {
        return Ok(None);
    }
    let mut m = Missing::default();
    let mut o = Outline::new(FLEXIBLE.id, CLAUSE, &x.id, on);
    o.conditions
        .push(m.flag("灵活就业人员", CLAUSE, "flexible_worker", x.flexible_worker));
    o.conditions
        .push(m.flag("在湖州就业", CLAUSE, "works_in_huzhou", x.works_in_huzhou));
    m.need("birth", x.birth);
    m.need("sex", x.sex);
    let retire = retirement_day(x);
    o.conditions.push(
        Condition::new(
            "未达到法定退休年龄",
            CLAUSE,
            retire.map_or(Outcome::Unknown, |r| met(on < r)),
        )
        .fact("statutory_retirement", shown(retire)),
    );
    o.notes
        .push(note("不受户籍限制", CLAUSE).fact("hukou_region", shown(x.hukou_region.as_deref())));
    o.missing = m;
    Ok(Some(o.decide()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::situation::Person;
    use leye_domain::Sex;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn older(birth: &str) -> Person {
        Person {
            id: "o".into(),
            birth: Some(d(birth)),
            sex: Some(Sex::Male),
            special_worker: Some(SpecialWorker::OlderWorker),
            ..Default::default()
        }
    }

    fn run(p: &Person, on: &str) -> Status {
        let ctx = PersonCtx {
            person: p,
            zero_employment: None,
        };
        work_injury(&ctx, d(on)).unwrap().unwrap().status
    }

    #[test]
    fn older_workers_between_retirement_and_65() {
        // Born 1965-01-15: statutory retirement 2025-02 (60y1m); "not over 65" until the
        // 66th birthday.
        let p = older("1965-01-15");
        assert_eq!(run(&p, "2025-01-31"), Status::NotEligible);
        assert_eq!(run(&p, "2025-02-01"), Status::Eligible);
        assert_eq!(run(&p, "2031-01-15"), Status::NotEligible);
        assert_eq!(run(&p, "2031-01-14"), Status::Eligible);
        let platform = Person {
            special_worker: Some(SpecialWorker::PlatformWorker),
            ..older("2000-01-01")
        };
        assert_eq!(run(&platform, "2026-11-28"), Status::Eligible);
    }

    #[test]
    fn flexible_workers_regardless_of_hukou_until_retirement() {
        let p = Person {
            id: "f".into(),
            birth: Some(d("1990-01-01")),
            sex: Some(Sex::Female),
            hukou_region: Some("510802".into()),
            flexible_worker: Some(true),
            works_in_huzhou: Some(true),
            ..Default::default()
        };
        let ctx = PersonCtx {
            person: &p,
            zero_employment: None,
        };
        let dec = flexible(&ctx, d("2026-11-28")).unwrap().unwrap();
        assert_eq!(dec.status, Status::Eligible);
        let dec = flexible(&ctx, d("2050-01-01")).unwrap().unwrap();
        assert_eq!(dec.status, Status::NotEligible);
    }
}
