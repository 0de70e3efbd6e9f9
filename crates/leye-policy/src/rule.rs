//! What every measure shares: the registry entry ([`Measure`]), the subject a rule looks at
//! (a person with their household, an employment relation, an enterprise), and small helpers
//! that turn facts into conditions and conditions into a [`Decision`].

use crate::decision::{Condition, Decision, Outcome, Status, all_of};
use crate::params::{ParamSet, ParamUse, PolicyError};
use crate::situation::{Employment, Enterprise, Household, Person, Situation};
use chrono::NaiveDate;
use leye_domain::Money;
use leye_domain::retirement::RetirementLaw;
use leye_domain::{Sex, YearMonth};
use serde::Serialize;

/// Who a measure decides about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// 个人
    Person,
    /// 用工关系(单位招用某人)
    Employment,
    /// 单位
    Enterprise,
}

impl SubjectKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            SubjectKind::Person => "个人",
            SubjectKind::Employment => "用人单位(按招用人员)",
            SubjectKind::Enterprise => "单位",
        }
    }
}

/// A person as a rule sees them: their facts and what their household adds.
#[derive(Debug, Clone, Copy)]
pub struct PersonCtx<'a> {
    pub person: &'a Person,
    /// Member of a zero-employment household: the stated fact, else derived from the
    /// household, else unknown.
    pub zero_employment: Option<bool>,
}

/// An employment relation with its person and enterprise.
#[derive(Debug, Clone, Copy)]
pub struct EmploymentCtx<'a> {
    pub employment: &'a Employment,
    pub person: PersonCtx<'a>,
    pub enterprise: &'a Enterprise,
}

/// The rule of a measure, by the kind of subject it decides about. `Ok(None)`: the measure
/// does not apply to this subject (e.g. a person who started no business).
#[derive(Clone, Copy)]
pub enum Rule {
    Person(fn(&PersonCtx<'_>, NaiveDate) -> Result<Option<Decision>, PolicyError>),
    Employment(fn(&EmploymentCtx<'_>, NaiveDate) -> Result<Option<Decision>, PolicyError>),
    Enterprise(fn(&Enterprise, NaiveDate) -> Result<Option<Decision>, PolicyError>),
}

/// A cheap necessary condition the sweep checks before deciding: when it says `false`, the
/// rule cannot find the subject eligible (a property test holds every screen to that), so
/// the sweep skips building the explained decision.
#[derive(Clone, Copy)]
pub enum Screen {
    Always,
    Person(fn(&PersonCtx<'_>, NaiveDate) -> bool),
    Employment(fn(&EmploymentCtx<'_>, NaiveDate) -> bool),
}

/// One measure of the plan: what the guide page, the listing and the sweep need.
pub struct Measure {
    pub id: &'static str,
    pub name: &'static str,
    pub clause: &'static str,
    pub responsible_unit: &'static str,
    /// 适用对象, plain Chinese
    pub who: &'static str,
    /// 享受内容, plain Chinese
    pub benefit: &'static str,
    /// 申请材料
    pub documents: &'static [&'static str],
    pub params: fn() -> Result<&'static ParamSet, PolicyError>,
    pub rule: Rule,
    /// Used by the sweep only; see [`Screen`].
    pub screen: Screen,
}

impl Measure {
    pub fn subject(&self) -> SubjectKind {
        match self.rule {
            Rule::Person(_) => SubjectKind::Person,
            Rule::Employment(_) => SubjectKind::Employment,
            Rule::Enterprise(_) => SubjectKind::Enterprise,
        }
    }

    /// The rule applied to a subject of which (almost) nothing is known: every condition it
    /// tests, with the parameter values in force on `on`. Guide pages are generated from it.
    pub fn blank(&self, on: NaiveDate) -> Result<Decision, PolicyError> {
        for s in blank_situations() {
            let person = PersonCtx {
                person: &s.persons[0],
                zero_employment: None,
            };
            let d = match self.rule {
                Rule::Person(f) => f(&person, on)?,
                Rule::Employment(f) => f(
                    &EmploymentCtx {
                        employment: &s.employments[0],
                        person,
                        enterprise: &s.enterprises[0],
                    },
                    on,
                )?,
                Rule::Enterprise(f) => f(&s.enterprises[0], on)?,
            };
            if let Some(d) = d {
                return Ok(d);
            }
        }
        Err(PolicyError::File {
            file: self.id.into(),
            why: "规则对空白情形不适用".into(),
        })
    }
}

/// Situations with one subject of each kind and nothing known but what makes a measure
/// apply (the kind of employment, that a business exists, the award held...).
pub fn blank_situations() -> Vec<Situation> {
    let base = Situation {
        persons: vec![Person {
            id: "?".into(),
            business: Some(Default::default()),
            researcher: Some(Default::default()),
            paired_assistance: Some(Default::default()),
            skills_class: Some(Default::default()),
            digital_engineer: Some(Default::default()),
            special_worker: Some(crate::situation::SpecialWorker::OlderWorker),
            flexible_worker: Some(true),
            ..Default::default()
        }],
        households: Vec::new(),
        enterprises: vec![Enterprise {
            id: "?".into(),
            ..Default::default()
        }],
        employments: vec![Employment {
            person: "?".into(),
            enterprise: "?".into(),
            ..Default::default()
        }],
    };
    let mut out = vec![base.clone()];
    for kind in crate::situation::EmploymentKind::ALL {
        let mut s = base.clone();
        s.employments[0].kind = Some(*kind);
        out.push(s);
    }
    let mut s = base.clone();
    s.enterprises[0].partner_college_students = Some(1);
    s.enterprises[0].harmonious_award = Some(crate::situation::AwardLevel::Municipal);
    out.push(s);
    out
}

/// Derive zero-employment membership from a household (零就业家庭: an urban household without
/// business or investment income in which every member of working age who is able and
/// willing to work is unemployed, and there is at least one such member).
pub fn zero_employment(h: &Household, members: &[&Person], on: NaiveDate) -> Option<bool> {
    if !h.urban? || h.business_income? {
        return Some(false);
    }
    let mut able_members = 0;
    for p in members {
        let working_age = working_age(p, on)?;
        if !working_age || p.able_to_work == Some(false) {
            continue;
        }
        able_members += 1;
        if p.employed? {
            return Some(false);
        }
    }
    Some(able_members > 0)
}

/// Statutory retirement date (first day of the retirement month), when birth and sex are known.
pub fn retirement_day(p: &Person) -> Option<NaiveDate> {
    let (birth, sex) = (p.birth?, p.sex?);
    retirement_day_of(birth, sex, p.original_retirement_age)
}

/// Statutory retirement date for a birth date, sex and original retirement age.
pub fn retirement_day_of(birth: NaiveDate, sex: Sex, original: Option<u32>) -> Option<NaiveDate> {
    let original = original.unwrap_or(RetirementLaw::default_original_age(sex));
    RetirementLaw::current()
        .retirement(YearMonth::of(birth), sex, original)
        .ok()
        .map(|r| r.retirement.first_day())
}

/// At least 16 and before statutory retirement on `on`; unknown without birth and sex.
pub fn working_age(p: &Person, on: NaiveDate) -> Option<bool> {
    let birth = p.birth?;
    let retire = retirement_day(p)?;
    Some(on.years_since(birth).unwrap_or(0) >= 16 && on < retire)
}

/// Full years of age on `on`.
pub fn age(birth: NaiveDate, on: NaiveDate) -> i64 {
    i64::from(on.years_since(birth).unwrap_or(0))
}

/// Met when true, not met when false.
pub fn met(b: bool) -> Outcome {
    if b { Outcome::Met } else { Outcome::NotMet }
}

/// Met / not met / unknown.
pub fn tri(v: Option<bool>) -> Outcome {
    match v {
        Some(true) => Outcome::Met,
        Some(false) => Outcome::NotMet,
        None => Outcome::Unknown,
    }
}

/// Show an optional fact: "是"/"否"/"未知" for flags, the value or "未知" otherwise.
pub fn shown<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "未知".to_string(), |v| v.to_string())
}

/// Show an optional flag.
pub fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "是",
        Some(false) => "否",
        None => "未知",
    }
}

/// Collects the names of the facts a decision needed but did not have.
#[derive(Debug, Default)]
pub struct Missing(pub Vec<String>);

impl Missing {
    /// Pass `v` through, noting `name` when it is unknown.
    pub fn need<T>(&mut self, name: &str, v: Option<T>) -> Option<T> {
        if v.is_none() && !self.0.iter().any(|m| m == name) {
            self.0.push(name.to_string());
        }
        v
    }

    /// "At least `min`" on a count fact (months of contributions, hires...).
    pub fn at_least(
        &mut self,
        text: impl Into<String>,
        clause: &str,
        name: &str,
        v: Option<u32>,
        min: i64,
    ) -> Condition {
        let v = self.need(name, v);
        Condition::new(
            text,
            clause,
            v.map_or(Outcome::Unknown, |n| met(i64::from(n) >= min)),
        )
        .fact(name, shown(v))
    }

    /// A yes/no condition on a flag fact.
    pub fn flag(&mut self, text: &str, clause: &str, name: &str, v: Option<bool>) -> Condition {
        Condition::new(text, clause, tri(self.need(name, v))).fact(name, yes_no(v))
    }
}

/// The parameters of one measure as read on one date.
pub struct Params<'a> {
    pub set: &'a ParamSet,
    pub on: NaiveDate,
}

impl Params<'_> {
    pub fn int(&self, name: &str) -> Result<(i64, ParamUse), PolicyError> {
        self.set.int_at(name, self.on)
    }
    pub fn get(&self, name: &str) -> Result<ParamUse, PolicyError> {
        self.set.at(name, self.on)
    }
}

/// What a rule hands back to be turned into a decision.
pub struct Outline {
    pub measure: &'static str,
    pub clause: &'static str,
    pub subject: String,
    pub on: NaiveDate,
    pub conditions: Vec<Condition>,
    pub missing: Missing,
    /// Amount when eligible.
    pub amount: Option<Money>,
    /// Period when eligible.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Conditions that explain the amount or period; shown after the eligibility conditions
    /// and not part of the eligibility test.
    pub notes: Vec<Condition>,
}

impl Outline {
    pub fn new(measure: &'static str, clause: &'static str, subject: &str, on: NaiveDate) -> Self {
        Self {
            measure,
            clause,
            subject: subject.into(),
            on,
            conditions: Vec::new(),
            missing: Missing::default(),
            amount: None,
            period: None,
            notes: Vec::new(),
        }
    }

    /// All conditions must be met.
    pub fn decide(mut self) -> Decision {
        let status = match all_of(&mut self.conditions) {
            Outcome::Met => Status::Eligible,
            Outcome::NotMet => Status::NotEligible,
            Outcome::Unknown => Status::CannotDecide {
                missing: self.missing.0,
            },
        };
        let eligible = status == Status::Eligible;
        let mut conditions = self.conditions;
        conditions.extend(self.notes);
        Decision {
            measure: self.measure,
            clause: self.clause,
            subject: self.subject,
            on: self.on,
            status,
            amount: self.amount.filter(|_| eligible),
            period: self.period.filter(|_| eligible),
            conditions,
        }
    }
}

/// A "one of" condition over children.
pub fn one_of(text: &str, clause: &str, mut children: Vec<Condition>) -> Condition {
    let outcome = crate::decision::any_of(&mut children);
    let mut c = Condition::new(text, clause, outcome);
    c.children = children;
    c
}

/// An explanatory note (not a test).
pub fn note(text: impl Into<String>, clause: &str) -> Condition {
    Condition::new(text, clause, Outcome::Met)
}

/// A parameter file embedded at compile time, parsed once.
#[macro_export]
macro_rules! param_file {
    ($file:literal) => {
        static PARAMS: std::sync::LazyLock<
            Result<$crate::params::ParamSet, $crate::params::PolicyError>,
        > = std::sync::LazyLock::new(|| {
            $crate::params::ParamSet::parse(
                $file,
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../data/parameters/",
                    $file
                )),
            )
        });

        /// The measure's parameters.
        pub fn params() -> Result<&'static $crate::params::ParamSet, $crate::params::PolicyError> {
            PARAMS.as_ref().map_err(Clone::clone)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn adult(employed: Option<bool>) -> Person {
        Person {
            id: "x".into(),
            birth: Some(d("1980-01-01")),
            sex: Some(Sex::Male),
            employed,
            ..Default::default()
        }
    }

    #[test]
    fn zero_employment_is_derived_from_the_household() {
        let h = Household {
            id: "h".into(),
            members: vec![],
            urban: Some(true),
            business_income: Some(false),
        };
        let on = d("2026-11-28");
        let (a, b) = (adult(Some(false)), adult(Some(false)));
        assert_eq!(zero_employment(&h, &[&a, &b], on), Some(true));
        let c = adult(Some(true));
        assert_eq!(zero_employment(&h, &[&a, &c], on), Some(false));
        let unknown = adult(None);
        assert_eq!(zero_employment(&h, &[&a, &unknown], on), None);
        // A child and a pensioner only: no member of working age, not a zero-employment household.
        let child = Person {
            birth: Some(d("2015-01-01")),
            ..adult(Some(false))
        };
        assert_eq!(zero_employment(&h, &[&child], on), Some(false));
        let rural = Household {
            urban: Some(false),
            ..h.clone()
        };
        assert_eq!(zero_employment(&rural, &[&a], on), Some(false));
        let income = Household {
            business_income: Some(true),
            ..h
        };
        assert_eq!(zero_employment(&income, &[&a], on), Some(false));
    }
}
