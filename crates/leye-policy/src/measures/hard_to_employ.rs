//! 就业困难人员认定: hard-to-employ identification (plan 二(三)3; 浙人社发〔2025〕59号).
//!
//! Of working age, registered unemployed in Zhejiang, and one of: older (registered
//! unemployed for the set months and a woman or man of the set age); member of a
//! zero-employment household; long-term unemployed (unemployment benefit for the set
//! consecutive months); member of a 低保 or 低保边缘 household; holder of a disability
//! certificate; member of a 脱贫户 (the plan's addition). Categories the city adds itself
//! (the sixth) are not modelled yet.

use crate::decision::{Condition, Decision, Outcome, Status, all_of, any_of};
use crate::params::PolicyError;
use crate::rule::{Measure, Missing, PersonCtx, Rule, Screen};
use chrono::{Months, NaiveDate};
use leye_domain::Sex;
use leye_domain::YearMonth;
use leye_domain::person::Assistance;
use leye_domain::retirement::RetirementLaw;
use serde::Deserialize;

pub const ID: &str = "hard_to_employ";
pub const CLAUSE: &str = "二(三)3";
const DOC: &str = "浙人社发〔2025〕59号";

crate::param_file!("hard_to_employ.toml");

/// The registry entry.
pub const MEASURE: Measure = Measure {
    id: ID,
    name: "就业困难人员认定",
    clause: CLAUSE,
    responsible_unit: "市人力社保局、市民政局、市财政局、市区域合作办、市残联",
    who: "在法定劳动年龄内、在浙江省登记失业且属于规定困难情形的人员",
    benefit: "认定为就业困难人员,纳入就业援助,可享受公益性岗位安置、社会保险补贴等援助政策",
    documents: &["身份证", "失业登记证明", "困难情形证明(如低保证、残疾人证)"],
    params,
    rule: Rule::Person(evaluate),
    // Not registered unemployed: the registration condition fails.
    screen: Screen::Person(|p, _| p.person.registered_unemployed != Some(false)),
};

/// The rule over a person of the situation.
pub fn evaluate(p: &PersonCtx<'_>, on: NaiveDate) -> Result<Option<Decision>, PolicyError> {
    let x = p.person;
    let since = match x.registered_unemployed {
        Some(true) => x.registered_unemployed_since,
        _ => None,
    };
    let f = Facts {
        birth: x.birth,
        sex: x.sex,
        original_retirement_age: x.original_retirement_age,
        registered_unemployed_since: since,
        registration_known: x.registered_unemployed == Some(false) || since.is_some(),
        benefit_consecutive_months: x.benefit_consecutive_months,
        zero_employment_household: p.zero_employment,
        assistance: x.assistance,
        disability_certificate: x.disability_certificate,
        poverty_alleviated: x.poverty_alleviated,
    };
    decide(&x.id, &f, on).map(Some)
}

/// The facts the rule needs; `None` means not known (the decision then says which).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    pub birth: Option<NaiveDate>,
    pub sex: Option<Sex>,
    /// Original retirement age for the retirement law (60 men; 50 or 55 women)
    pub original_retirement_age: Option<u32>,
    /// Registered unemployed in Zhejiang since (None: not registered)
    pub registered_unemployed_since: Option<NaiveDate>,
    /// Is the registration known at all? `false` makes `registered_unemployed_since = None`
    /// mean "unknown" rather than "not registered".
    #[serde(default = "yes")]
    pub registration_known: bool,
    pub benefit_consecutive_months: Option<u32>,
    pub zero_employment_household: Option<bool>,
    pub assistance: Option<Assistance>,
    pub disability_certificate: Option<bool>,
    pub poverty_alleviated: Option<bool>,
}

fn yes() -> bool {
    true
}

/// Decide whether `subject` is hard-to-employ on `on`.
pub fn decide(subject: &str, f: &Facts, on: NaiveDate) -> Result<Decision, PolicyError> {
    let p = params()?;
    let mut missing = Missing::default();

    // Of working age: at least the minimum, and before statutory retirement.
    let (min_age, min_age_p) = p.int_at("min_working_age", on)?;
    let working_age = match (missing.need("birth", f.birth), missing.need("sex", f.sex)) {
        (Some(birth), Some(sex)) => {
            let age = on.years_since(birth).unwrap_or(0);
            let original = f
                .original_retirement_age
                .unwrap_or(RetirementLaw::default_original_age(sex));
            let retire = RetirementLaw::current()
                .retirement(YearMonth::of(birth), sex, original)
                .map(|r| r.retirement.first_day());
            let met = i64::from(age) >= min_age && retire.as_ref().is_ok_and(|r| on < *r);
            let mut c = Condition::new(
                "处于法定劳动年龄内",
                DOC,
                if met { Outcome::Met } else { Outcome::NotMet },
            )
            .fact("age", age)
            .param(min_age_p.clone());
            if let Ok(r) = retire {
                c = c.fact("statutory_retirement", r);
            }
            c
        }
        _ => Condition::new("处于法定劳动年龄内", DOC, Outcome::Unknown).param(min_age_p),
    };

    let registered = match (f.registered_unemployed_since, f.registration_known) {
        (Some(since), _) => Condition::new(
            "在浙江省登记失业",
            DOC,
            if since <= on {
                Outcome::Met
            } else {
                Outcome::NotMet
            },
        )
        .fact("registered_unemployed_since", since),
        (None, true) => Condition::new("在浙江省登记失业", DOC, Outcome::NotMet)
            .fact("registered_unemployed_since", "未登记"),
        (None, false) => {
            missing.need("registered_unemployed_since", None::<()>);
            Condition::new("在浙江省登记失业", DOC, Outcome::Unknown)
        }
    };

    // One of the categories.
    let mut categories = Vec::new();
    {
        let (months, months_p) = p.int_at("older_min_unemployed_months", on)?;
        let (female, female_p) = p.int_at("older_female_age", on)?;
        let (male, male_p) = p.int_at("older_male_age", on)?;
        let text =
            format!("大龄: 登记失业满{months}个月,且女性年满{female}周岁或男性年满{male}周岁");
        let outcome = match (f.birth, f.sex, f.registered_unemployed_since) {
            (Some(birth), Some(sex), Some(since)) => {
                let age = i64::from(on.years_since(birth).unwrap_or(0));
                let long_enough = since
                    .checked_add_months(Months::new(months as u32))
                    .is_some_and(|d| d <= on);
                let old = match sex {
                    Sex::Female => age >= female,
                    Sex::Male => age >= male,
                };
                if long_enough && old {
                    Outcome::Met
                } else {
                    Outcome::NotMet
                }
            }
            (Some(_), Some(_), None) if f.registration_known => Outcome::NotMet,
            _ => Outcome::Unknown,
        };
        categories.push(
            Condition::new(text, DOC, outcome)
                .param(months_p)
                .param(female_p)
                .param(male_p),
        );
    }
    categories.push(missing.flag(
        "零就业家庭成员",
        DOC,
        "zero_employment_household",
        f.zero_employment_household,
    ));
    {
        let (months, months_p) = p.int_at("long_term_benefit_months", on)?;
        let outcome = match missing.need("benefit_consecutive_months", f.benefit_consecutive_months)
        {
            Some(m) if i64::from(m) >= months => Outcome::Met,
            Some(_) => Outcome::NotMet,
            None => Outcome::Unknown,
        };
        let c = Condition::new(
            format!("长期失业: 连续领取失业保险金满{months}个月"),
            DOC,
            outcome,
        )
        .fact(
            "benefit_consecutive_months",
            f.benefit_consecutive_months
                .map_or("未知".into(), |m| m.to_string()),
        )
        .param(months_p);
        categories.push(c);
    }
    {
        let outcome = match missing.need("assistance", f.assistance) {
            Some(Assistance::Dibao | Assistance::DibaoEdge) => Outcome::Met,
            Some(Assistance::None) => Outcome::NotMet,
            None => Outcome::Unknown,
        };
        let c = Condition::new("低保或低保边缘家庭成员", DOC, outcome)
            .fact("assistance", f.assistance.map_or("未知", |a| a.label_zh()));
        categories.push(c);
    }
    categories.push(missing.flag(
        "持有残疾人证",
        DOC,
        "disability_certificate",
        f.disability_certificate,
    ));
    categories.push(Condition {
        clause: CLAUSE.into(),
        ..missing.flag(
            "脱贫户成员(本方案增列)",
            DOC,
            "poverty_alleviated",
            f.poverty_alleviated,
        )
    });
    let category_outcome = any_of(&mut categories);
    let mut one_of = Condition::new("属于下列情形之一", DOC, category_outcome);
    one_of.children = categories;

    let mut conditions = vec![working_age, registered, one_of];
    let outcome = all_of(&mut conditions);
    let status = match outcome {
        Outcome::Met => Status::Eligible,
        Outcome::NotMet => Status::NotEligible,
        Outcome::Unknown => Status::CannotDecide { missing: missing.0 },
    };
    Ok(Decision {
        measure: ID,
        clause: CLAUSE,
        subject: subject.into(),
        on,
        status,
        amount: None,
        period: None,
        conditions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A registered-unemployed person with every fact known and no category.
    fn base(sex: Sex, birth: &str) -> Facts {
        Facts {
            birth: Some(d(birth)),
            sex: Some(sex),
            original_retirement_age: None,
            registered_unemployed_since: Some(d("2026-01-01")),
            registration_known: true,
            benefit_consecutive_months: Some(0),
            zero_employment_household: Some(false),
            assistance: Some(Assistance::None),
            disability_certificate: Some(false),
            poverty_alleviated: Some(false),
        }
    }

    fn status(f: &Facts, on: &str) -> Status {
        decide("t", f, d(on)).unwrap().status
    }

    #[test]
    fn older_woman_boundaries() {
        // Born 1981-07-01: 45 on 2026-07-01; registered 2026-01-01: 6 months on 2026-07-01.
        let f = base(Sex::Female, "1981-07-01");
        assert_eq!(status(&f, "2026-06-30"), Status::NotEligible);
        assert_eq!(status(&f, "2026-07-01"), Status::Eligible);
        // Registered a day later: 6 months not yet reached on 2026-07-01.
        let late = Facts {
            registered_unemployed_since: Some(d("2026-01-02")),
            ..f.clone()
        };
        assert_eq!(status(&late, "2026-07-01"), Status::NotEligible);
        assert_eq!(status(&late, "2026-07-02"), Status::Eligible);
    }

    #[test]
    fn the_female_age_rises_by_date() {
        // 45 in 2027 is old enough; the same age in 2028 is not (46 from 2028, unverified default).
        let f = Facts {
            registered_unemployed_since: Some(d("2026-01-01")),
            ..base(Sex::Female, "1982-03-01")
        };
        assert_eq!(status(&f, "2027-03-01"), Status::Eligible);
        let g = Facts {
            registered_unemployed_since: Some(d("2027-06-01")),
            ..base(Sex::Female, "1983-03-01")
        };
        assert_eq!(status(&g, "2028-03-01"), Status::NotEligible);
        assert_eq!(status(&g, "2029-03-01"), Status::Eligible);
    }

    #[test]
    fn older_man_at_55_but_not_after_retirement() {
        let f = base(Sex::Male, "1971-07-01");
        assert_eq!(status(&f, "2026-06-30"), Status::NotEligible);
        assert_eq!(status(&f, "2026-07-01"), Status::Eligible);
        // Born 1965-01: statutory retirement 2025-02 (60y1m): past it, no longer of working age.
        let old = Facts {
            registered_unemployed_since: Some(d("2024-01-01")),
            ..base(Sex::Male, "1965-01-15")
        };
        let dec = decide("t", &old, d("2025-03-01")).unwrap();
        assert_eq!(dec.status, Status::NotEligible);
        assert!(dec.conditions[0].decisive && dec.conditions[0].outcome == Outcome::NotMet);
    }

    #[test]
    fn each_category_alone_qualifies() {
        let f = base(Sex::Male, "1995-05-05");
        assert_eq!(status(&f, "2026-11-28"), Status::NotEligible);
        let cases = [
            Facts {
                zero_employment_household: Some(true),
                ..f.clone()
            },
            Facts {
                benefit_consecutive_months: Some(6),
                ..f.clone()
            },
            Facts {
                assistance: Some(Assistance::DibaoEdge),
                ..f.clone()
            },
            Facts {
                disability_certificate: Some(true),
                ..f.clone()
            },
            Facts {
                poverty_alleviated: Some(true),
                ..f.clone()
            },
        ];
        for c in cases {
            assert_eq!(status(&c, "2026-11-28"), Status::Eligible, "{c:?}");
        }
        assert_eq!(
            status(
                &Facts {
                    benefit_consecutive_months: Some(5),
                    ..f.clone()
                },
                "2026-11-28"
            ),
            Status::NotEligible
        );
        // A category without registration is not enough.
        let unregistered = Facts {
            registered_unemployed_since: None,
            disability_certificate: Some(true),
            ..f
        };
        assert_eq!(status(&unregistered, "2026-11-28"), Status::NotEligible);
    }

    #[test]
    fn missing_facts_are_named_and_explained() {
        let f = Facts {
            zero_employment_household: None,
            disability_certificate: None,
            ..base(Sex::Male, "1995-05-05")
        };
        match status(&f, "2026-11-28") {
            Status::CannotDecide { missing } => {
                assert_eq!(
                    missing,
                    ["zero_employment_household", "disability_certificate"]
                );
            }
            other => panic!("{other:?}"),
        }
        // A known category decides even when others are unknown.
        let g = Facts {
            assistance: Some(Assistance::Dibao),
            ..f
        };
        let dec = decide("t", &g, d("2026-11-28")).unwrap();
        assert_eq!(dec.status, Status::Eligible);
        let cats = &dec.conditions[2].children;
        assert!(cats.iter().any(|c| c.decisive && c.text.contains("低保")));
        assert!(
            dec.conditions[2].children[0]
                .params
                .iter()
                .any(|p| p.source.contains("59号"))
        );
    }
}
