//! 技能人才培养 (plan 二(四)1, 二(四)3): training subsidies for students of the city's
//! technician college in senior-worker and technician classes, rewards to colleges outside
//! the province that send students to those classes, and the digital-technology-engineer
//! training subsidy. All amounts are unverified defaults.

use crate::decision::{Condition, Decision, Outcome};
use crate::params::PolicyError;
use crate::rule::{Measure, Missing, Outline, Params, PersonCtx, Rule, Screen, met, shown};
use crate::situation::{DigitalLevel, Enterprise, SkillsClass};
use chrono::{Months, NaiveDate};
use leye_domain::Money;

crate::param_file!("skills.toml");

pub const TECHNICIAN_CLASS: Measure = Measure {
    id: "technician_class",
    name: "技师学院高级工班、技师班培养补助",
    clause: "二(四)1",
    responsible_unit: "市人力社保局、市教育局、市财政局",
    who: "就读本市技师学院高级工班、技师班的学生",
    benefit: "按班级层次给予每生每年培养补助",
    documents: &["学籍证明", "在读证明"],
    params,
    rule: Rule::Person(technician_class),
    screen: Screen::Always,
};

pub const PARTNER_COLLEGE: Measure = Measure {
    id: "partner_college_reward",
    name: "省外合作院校输送学生奖励",
    clause: "二(四)1",
    responsible_unit: "市人力社保局、市教育局、市财政局",
    who: "通过合作输送学生到本市技师学院就读高级工班、技师班的省外职业院校",
    benefit: "按输送学生人数给予奖励",
    documents: &["合作协议", "输送学生名册及学籍证明"],
    params,
    rule: Rule::Enterprise(partner_college),
    screen: Screen::Always,
};

pub const DIGITAL_ENGINEER: Measure = Measure {
    id: "digital_engineer",
    name: "数字技术工程师培训补贴",
    clause: "二(四)3",
    responsible_unit: "市人力社保局、市财政局",
    who: "参加数字技术工程师培训并取得相应等级证书的人员",
    benefit: "按证书等级给予培训补贴,同一等级只享受一次",
    documents: &["身份证", "数字技术工程师证书", "培训费发票"],
    params,
    rule: Rule::Person(digital_engineer),
    screen: Screen::Always,
};

fn technician_class(p: &PersonCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let Some(s) = p.person.skills_class.as_ref() else {
        return Ok(None);
    };
    let ps = Params { set: params()?, on };
    let mut m = Missing::default();
    let mut o = Outline::new(TECHNICIAN_CLASS.id, "二(四)1", &p.person.id, on);
    o.conditions.push(m.flag(
        "就读本市技师学院",
        "二(四)1",
        "skills_class.huzhou_technician_college",
        s.huzhou_technician_college,
    ));
    o.conditions
        .push(m.flag("在籍在读", "二(四)1", "skills_class.enrolled", s.enrolled));
    let class = m.need("skills_class.class", s.class);
    let mut c = Condition::new(
        "就读高级工班或技师班",
        "二(四)1",
        if class.is_some() {
            Outcome::Met
        } else {
            Outcome::Unknown
        },
    )
    .fact("skills_class.class", class.map_or("未知", |c| c.label_zh()));
    if let Some(class) = class {
        let (amount, amount_p) = ps.int(match class {
            SkillsClass::SeniorWorker => "senior_worker_class_fen",
            SkillsClass::Technician => "technician_class_fen",
        })?;
        c = c.param(amount_p);
        o.amount = Some(Money::from_fen(amount));
    }
    o.conditions.push(c);
    o.missing = m;
    Ok(Some(o.decide()))
}

fn partner_college(e: &Enterprise, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let Some(students) = e.partner_college_students else {
        return Ok(None);
    };
    let (per, per_p) = Params { set: params()?, on }.int("partner_college_per_student_fen")?;
    let mut m = Missing::default();
    let mut o = Outline::new(PARTNER_COLLEGE.id, "二(四)1", &e.id, on);
    o.conditions.push(m.flag(
        "浙江省外的职业院校",
        "二(四)1",
        "outside_zhejiang_college",
        e.outside_zhejiang_college,
    ));
    o.conditions.push(
        Condition::new(
            "本年度输送学生到本市技师学院就读高级工班、技师班",
            "二(四)1",
            met(students > 0),
        )
        .fact("partner_college_students", students)
        .param(per_p),
    );
    o.amount = Some(Money::from_fen(per * i64::from(students)));
    o.missing = m;
    Ok(Some(o.decide()))
}

fn digital_engineer(p: &PersonCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let Some(g) = p.person.digital_engineer.as_ref() else {
        return Ok(None);
    };
    let ps = Params { set: params()?, on };
    let (within, within_p) = ps.int("digital_apply_within_months")?;
    let mut m = Missing::default();
    let mut o = Outline::new(DIGITAL_ENGINEER.id, "二(四)3", &p.person.id, on);
    let certified = m.need("digital_engineer.certified", g.certified);
    o.conditions.push(
        Condition::new(
            format!("取得数字技术工程师证书后{within}个月内申请"),
            "二(四)3",
            certified.map_or(Outcome::Unknown, |c| {
                met(c <= on
                    && c.checked_add_months(Months::new(within as u32))
                        .is_some_and(|l| on <= l))
            }),
        )
        .fact("digital_engineer.certified", shown(certified))
        .param(within_p),
    );
    o.conditions.push(m.flag(
        "在湖州参加社会保险或户籍在湖州",
        "二(四)3",
        "digital_engineer.huzhou_insured",
        g.huzhou_insured,
    ));
    o.conditions.push(m.flag(
        "同一等级未享受过补贴",
        "二(四)3",
        "digital_engineer.already_subsidised",
        g.already_subsidised.map(|a| !a),
    ));
    let level = m.need("digital_engineer.level", g.level);
    let mut c = Condition::new(
        "证书等级",
        "二(四)3",
        if level.is_some() {
            Outcome::Met
        } else {
            Outcome::Unknown
        },
    )
    .fact(
        "digital_engineer.level",
        level.map_or("未知", |l| l.label_zh()),
    );
    if let Some(level) = level {
        let (amount, amount_p) = ps.int(match level {
            DigitalLevel::Junior => "digital_junior_fen",
            DigitalLevel::Intermediate => "digital_intermediate_fen",
            DigitalLevel::Senior => "digital_senior_fen",
        })?;
        c = c.param(amount_p);
        o.amount = Some(Money::from_fen(amount));
    }
    o.conditions.push(c);
    o.missing = m;
    Ok(Some(o.decide()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::situation::{DigitalEngineer, Person, SkillsClassFacts};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ctx(p: &Person) -> PersonCtx<'_> {
        PersonCtx {
            person: p,
            zero_employment: None,
        }
    }

    #[test]
    fn technician_classes_by_level() {
        let p = Person {
            id: "s".into(),
            skills_class: Some(SkillsClassFacts {
                class: Some(SkillsClass::Technician),
                huzhou_technician_college: Some(true),
                enrolled: Some(true),
            }),
            ..Default::default()
        };
        let dec = technician_class(&ctx(&p), d("2026-09-01"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (dec.status, dec.amount),
            (Status::Eligible, Some(Money::from_yuan(5000)))
        );
        let out = Person {
            skills_class: Some(SkillsClassFacts {
                huzhou_technician_college: Some(false),
                ..p.skills_class.clone().unwrap()
            }),
            ..p
        };
        let dec = technician_class(&ctx(&out), d("2026-09-01"))
            .unwrap()
            .unwrap();
        assert_eq!(dec.status, Status::NotEligible);
    }

    #[test]
    fn partner_colleges_outside_the_province() {
        let college = |outside| Enterprise {
            id: "c".into(),
            outside_zhejiang_college: Some(outside),
            partner_college_students: Some(12),
            ..Default::default()
        };
        let dec = partner_college(&college(true), d("2026-09-01"))
            .unwrap()
            .unwrap();
        assert_eq!(dec.amount, Some(Money::from_yuan(12_000)));
        let dec = partner_college(&college(false), d("2026-09-01"))
            .unwrap()
            .unwrap();
        assert_eq!(dec.status, Status::NotEligible);
    }

    #[test]
    fn digital_engineers_within_twelve_months_once_per_level() {
        let p = Person {
            id: "g".into(),
            digital_engineer: Some(DigitalEngineer {
                level: Some(DigitalLevel::Intermediate),
                certified: Some(d("2025-11-28")),
                huzhou_insured: Some(true),
                already_subsidised: Some(false),
            }),
            ..Default::default()
        };
        let dec = digital_engineer(&ctx(&p), d("2026-11-28"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (dec.status, dec.amount),
            (Status::Eligible, Some(Money::from_yuan(3000)))
        );
        let dec = digital_engineer(&ctx(&p), d("2026-11-29"))
            .unwrap()
            .unwrap();
        assert_eq!(dec.status, Status::NotEligible);
    }
}
