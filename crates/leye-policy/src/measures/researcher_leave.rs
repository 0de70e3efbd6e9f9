//! 科研人员离岗创业创新: researchers of public institutions on leave to start or join a
//! business (plan 二(二)4). At most `max_years`, renewable when truly needed; during the
//! leave the personnel relation is kept, and the rights to title evaluation and grade
//! promotion are equal to those of staff at their posts.

use crate::decision::{Condition, Decision, Outcome};
use crate::params::PolicyError;
use crate::rule::{
    Measure, Missing, Outline, Params, PersonCtx, Rule, Screen, met, note, shown, yes_no,
};
use chrono::{Days, Months, NaiveDate};

crate::param_file!("researcher_leave.toml");

const CLAUSE: &str = "二(二)4";

pub const MEASURE: Measure = Measure {
    id: "researcher_leave",
    name: "科研人员离岗创业创新",
    clause: CLAUSE,
    responsible_unit: "市人力社保局、市委组织部、市科技局",
    who: "事业单位在编在岗科研人员,携带科研项目、成果或技术到市内企业从事科技工作或在市内创办企业",
    benefit: "离岗创业创新期限一般不超过5年,确有需要可续签;期间保留人事关系,同等享有职称评聘和岗位晋升权利,不占专业技术岗位结构比例",
    documents: &[
        "离岗创业创新申请表",
        "所在单位同意意见",
        "企业营业执照或合作协议",
        "离岗协议",
    ],
    params,
    rule: Rule::Person(evaluate),
    screen: Screen::Always,
};

fn evaluate(p: &PersonCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let Some(r) = p.person.researcher.as_ref() else {
        return Ok(None);
    };
    let (max_years, max_p) = Params { set: params()?, on }.int("max_years")?;
    let mut m = Missing::default();
    let mut o = Outline::new(MEASURE.id, CLAUSE, &p.person.id, on);
    o.conditions.push(m.flag(
        "事业单位在编在岗科研人员",
        CLAUSE,
        "researcher.public_institution_staff",
        r.public_institution_staff,
    ));
    o.conditions.push(m.flag(
        "到市内企业从事科技研究、开发、服务或在市内创办企业",
        CLAUSE,
        "researcher.to_huzhou_enterprise",
        r.to_huzhou_enterprise,
    ));
    let years = m.need("researcher.requested_years", r.requested_years);
    o.conditions.push(
        Condition::new(
            format!("申请期限不超过{max_years}年"),
            CLAUSE,
            years.map_or(Outcome::Unknown, |y| {
                met(y >= 1 && i64::from(y) <= max_years)
            }),
        )
        .fact("researcher.requested_years", shown(years))
        .param(max_p),
    );
    let renewal = r.renewal.unwrap_or(false);
    o.conditions.push(
        Condition::new(
            "续签的,确有需要并经所在单位同意",
            CLAUSE,
            if renewal {
                crate::rule::tri(m.need("researcher.renewal_justified", r.renewal_justified))
            } else {
                Outcome::Met
            },
        )
        .fact("researcher.renewal", yes_no(r.renewal))
        .fact("researcher.renewal_justified", yes_no(r.renewal_justified)),
    );
    let start = m.need("researcher.leave_start", r.leave_start);
    o.period = start.zip(years).and_then(|(s, y)| {
        s.checked_add_months(Months::new(y * 12))
            .and_then(|e| e.checked_sub_days(Days::new(1)))
            .map(|e| (s, e))
    });
    for right in [
        "离岗期间与所在事业单位保留人事关系",
        "与在岗人员同等享有专业技术职务评聘和岗位等级晋升的权利",
        "不占所在事业单位专业技术岗位结构比例",
    ] {
        o.notes.push(note(right, CLAUSE));
    }
    o.missing = m;
    Ok(Some(o.decide()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::situation::{Person, Researcher};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn run(r: Researcher) -> Decision {
        let p = Person {
            id: "r".into(),
            researcher: Some(r),
            ..Default::default()
        };
        let ctx = PersonCtx {
            person: &p,
            zero_employment: None,
        };
        evaluate(&ctx, d("2026-01-01")).unwrap().unwrap()
    }

    fn leave(years: u32) -> Researcher {
        Researcher {
            public_institution_staff: Some(true),
            to_huzhou_enterprise: Some(true),
            leave_start: Some(d("2026-01-01")),
            requested_years: Some(years),
            renewal: Some(false),
            renewal_justified: None,
        }
    }

    #[test]
    fn at_most_five_years_with_rights_kept() {
        let dec = run(leave(5));
        assert_eq!(dec.status, Status::Eligible);
        assert_eq!(dec.period, Some((d("2026-01-01"), d("2030-12-31"))));
        assert!(
            dec.conditions
                .iter()
                .any(|c| c.text.contains("保留人事关系"))
        );
        let dec = run(leave(6));
        assert_eq!(dec.status, Status::NotEligible);
        assert!(dec.conditions[2].decisive);
    }

    #[test]
    fn renewal_needs_a_reason() {
        let mut r = leave(3);
        r.renewal = Some(true);
        assert!(matches!(run(r.clone()).status, Status::CannotDecide { .. }));
        r.renewal_justified = Some(false);
        assert_eq!(run(r.clone()).status, Status::NotEligible);
        r.renewal_justified = Some(true);
        assert_eq!(run(r).status, Status::Eligible);
    }
}
