//! The rules engine of 乐业 (leye): every subsidy and entitlement of the plan as a pure
//! function of typed facts, an "as of" date and dated parameters, returning a [`Decision`]
//! that says why: each condition tested, the facts and parameter values (with their
//! source) it used, which one decided, and the clause it comes from.
//!
//! This crate never does I/O and never reads the clock. Parameters are data files in
//! `data/parameters/` embedded at compile time. A [`Situation`] (persons, households,
//! enterprises, employment relations) goes in; [`evaluate`] returns one decision per measure
//! and subject it applies to. [`measures::ALL`] lists the measures.

pub mod anchor;
pub mod decision;
pub mod funds;
pub mod measures;
pub mod params;
pub mod rule;
pub mod situation;

pub use decision::{Condition, Decision, Outcome, Status};
pub use params::{ParamSet, ParamUse, PolicyError};
pub use rule::{EmploymentCtx, Measure, PersonCtx, Rule, SubjectKind};
pub use situation::Situation;

use chrono::NaiveDate;
use std::collections::HashMap;

/// What the engine knows about a measure, for listings and guide pages.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MeasureInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub clause: &'static str,
    pub responsible_unit: &'static str,
    pub subject: SubjectKind,
    pub who: &'static str,
    pub benefit: &'static str,
    pub documents: &'static [&'static str],
    /// Parameters with their whole history and sources.
    pub parameters: Vec<params::ParamSummary>,
}

impl MeasureInfo {
    pub fn of(m: &'static Measure) -> Result<Self, PolicyError> {
        let mut parameters = (m.params)()?.summary();
        if uses_minimum_wage(m.id) {
            parameters.extend(measures::common::minimum_wage_params()?.summary());
        }
        Ok(Self {
            id: m.id,
            name: m.name,
            clause: m.clause,
            responsible_unit: m.responsible_unit,
            subject: m.subject(),
            who: m.who,
            benefit: m.benefit,
            documents: m.documents,
            parameters,
        })
    }
}

fn uses_minimum_wage(id: &str) -> bool {
    matches!(id, "public_welfare_post" | "traineeship")
}

/// Every measure the engine implements.
pub fn measures() -> Result<Vec<MeasureInfo>, PolicyError> {
    measures::ALL.iter().map(|m| MeasureInfo::of(m)).collect()
}

/// Each person with the zero-employment membership their household gives them.
pub fn person_contexts(s: &Situation, on: NaiveDate) -> Vec<PersonCtx<'_>> {
    let index: HashMap<&str, usize> = s
        .persons
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut zero: Vec<Option<bool>> = vec![None; s.persons.len()];
    for h in &s.households {
        let at: Vec<usize> = h
            .members
            .iter()
            .filter_map(|id| index.get(id.as_str()).copied())
            .collect();
        let members: Vec<&situation::Person> = at.iter().map(|i| &s.persons[*i]).collect();
        let z = rule::zero_employment(h, &members, on);
        for i in at {
            zero[i] = z;
        }
    }
    s.persons
        .iter()
        .zip(zero)
        .map(|(p, derived)| PersonCtx {
            person: p,
            zero_employment: p.zero_employment_household.or(derived),
        })
        .collect()
}

/// Evaluate the measures (all, or those whose id is in `only`) for every subject of the
/// situation on `on`. Decisions come in measure order, then subject order.
pub fn evaluate(
    s: &Situation,
    on: NaiveDate,
    only: Option<&[String]>,
) -> Result<Vec<Decision>, PolicyError> {
    let chosen = measures::ALL
        .iter()
        .copied()
        .filter(|m| only.is_none_or(|ids| ids.iter().any(|i| i == m.id)));
    evaluate_with(s, on, chosen, false)
}

/// What the sweep needs: only the decisions that may be *eligible* — subjects a measure's
/// [`rule::Screen`] rules out are not decided at all. Same order as [`evaluate`].
pub fn evaluate_for_sweep(
    s: &Situation,
    on: NaiveDate,
    measures: &[&'static Measure],
) -> Result<Vec<Decision>, PolicyError> {
    evaluate_with(s, on, measures.iter().copied(), true)
}

fn evaluate_with<'m>(
    s: &Situation,
    on: NaiveDate,
    measures: impl Iterator<Item = &'m Measure>,
    screened: bool,
) -> Result<Vec<Decision>, PolicyError> {
    use rule::Screen;
    let persons = person_contexts(s, on);
    let by_id: HashMap<&str, &PersonCtx<'_>> =
        persons.iter().map(|c| (c.person.id.as_str(), c)).collect();
    let enterprises: HashMap<&str, &situation::Enterprise> =
        s.enterprises.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut out = Vec::new();
    for m in measures {
        match m.rule {
            Rule::Person(f) => {
                for ctx in &persons {
                    if let (true, Screen::Person(keep)) = (screened, m.screen)
                        && !keep(ctx, on)
                    {
                        continue;
                    }
                    if let Some(d) = in_force(m, &ctx.person.id, on, f(ctx, on))? {
                        out.push(d);
                    }
                }
            }
            Rule::Employment(f) => {
                for e in &s.employments {
                    let (Some(person), Some(enterprise)) = (
                        by_id.get(e.person.as_str()),
                        enterprises.get(e.enterprise.as_str()),
                    ) else {
                        continue;
                    };
                    let ctx = EmploymentCtx {
                        employment: e,
                        person: **person,
                        enterprise,
                    };
                    if let (true, Screen::Employment(keep)) = (screened, m.screen)
                        && !keep(&ctx, on)
                    {
                        continue;
                    }
                    let subject = format!("{}@{}", e.person, e.enterprise);
                    if let Some(d) = in_force(m, &subject, on, f(&ctx, on))? {
                        out.push(d);
                    }
                }
            }
            Rule::Enterprise(f) => {
                for e in &s.enterprises {
                    if let Some(d) = in_force(m, &e.id, on, f(e, on))? {
                        out.push(d);
                    }
                }
            }
        }
    }
    Ok(out)
}

/// A rule that read a parameter on a date before the measure existed: not eligible, and
/// the explanation says the policy was not yet in force then.
fn in_force(
    m: &Measure,
    subject: &str,
    on: NaiveDate,
    r: Result<Option<Decision>, PolicyError>,
) -> Result<Option<Decision>, PolicyError> {
    match r {
        Err(PolicyError::NotYetInForce {
            name,
            on: date,
            first,
        }) => Ok(Some(Decision {
            measure: m.id,
            clause: m.clause,
            subject: subject.into(),
            on,
            status: Status::NotEligible,
            amount: None,
            period: None,
            conditions: vec![Condition {
                decisive: true,
                ..Condition::new(
                    format!("{date}时该政策尚未施行(自{first}起施行)"),
                    m.clause,
                    Outcome::NotMet,
                )
                .fact("parameter", name)
            }],
        })),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn flag() -> impl Strategy<Value = Option<bool>> {
        prop_oneof![Just(None), Just(Some(true)), Just(Some(false))]
    }

    fn day() -> impl Strategy<Value = Option<NaiveDate>> {
        prop_oneof![
            Just(None),
            (0i64..25_000).prop_map(|d| NaiveDate::from_ymd_opt(1960, 1, 1)
                .and_then(|b| b.checked_add_days(chrono::Days::new(d as u64))))
        ]
    }

    prop_compose! {
        fn person_and_job()(
            birth in day(), female in any::<bool>(), education in 0usize..9, edu_known in any::<bool>(),
            graduation in day(), registered in flag(), since in day(), hukou in 0usize..3,
            alleviated in flag(), disabled in flag(), employed in flag(), works in flag(),
            start in day(), reg_before in flag(), first_job in flag(), contract in flag(),
            months in prop::option::of(0u32..40),
        ) -> (situation::Person, situation::Employment) {
            use leye_domain::person::Education;
            let p = situation::Person {
                id: "p".into(),
                birth,
                sex: Some(if female { leye_domain::Sex::Female } else { leye_domain::Sex::Male }),
                education: edu_known.then(|| Education::ALL[education]),
                graduation_date: graduation,
                registered_unemployed: registered,
                registered_unemployed_since: since,
                hukou_region: [None, Some("510802".to_string()), Some("330502".to_string())][hukou].clone(),
                poverty_alleviated: alleviated,
                disability_certificate: disabled,
                disability_kind: disabled.filter(|d| *d).map(|_| situation::DisabilityKind::Mental),
                employed,
                works_in_huzhou: works,
                paired_assistance: Some(situation::PairedAssistance {
                    arrived: None,
                    months_employed: months,
                    visit_subsidy_this_year: Some(false),
                    transport_subsidy_received: Some(false),
                }),
                ..Default::default()
            };
            let e = situation::Employment {
                person: "p".into(),
                enterprise: "e".into(),
                kind: Some(situation::EmploymentKind::Regular),
                start,
                labour_contract: contract,
                contribution_months: months,
                first_job_after_school: first_job,
                hired_from_registered_unemployment: reg_before,
                ..Default::default()
            };
            (p, e)
        }
    }

    proptest! {
        /// A screen that says no means the rule never says eligible.
        #[test]
        fn screens_never_hide_an_eligible_subject(
            (mut p, mut e) in person_and_job(),
            on in 0i64..1500,
            start_back in prop::option::of(0u64..900),
            grad_back in prop::option::of(0u64..2500),
        ) {
            let on = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap() + chrono::Days::new(on as u64);
            // Often put the hire and the graduation near the date, where measures can hold.
            if let Some(b) = start_back {
                e.start = on.checked_sub_days(chrono::Days::new(b));
                if let (Some(g), Some(s)) = (grad_back, e.start) {
                    p.graduation_date = s.checked_sub_days(chrono::Days::new(g));
                }
            }
            let s = Situation {
                persons: vec![p],
                enterprises: vec![situation::Enterprise { id: "e".into(), registered_in_huzhou: Some(true), ..Default::default() }],
                employments: vec![e],
                ..Default::default()
            };
            let all = evaluate(&s, on, None).unwrap();
            let screened = evaluate_for_sweep(&s, on, measures::ALL).unwrap();
            let eligible = |ds: &[Decision]| ds.iter()
                .filter(|d| d.status == Status::Eligible)
                .map(|d| (d.measure, d.subject.clone()))
                .collect::<Vec<_>>();
            prop_assert_eq!(eligible(&all), eligible(&screened));
        }
    }

    #[test]
    fn every_measure_lists_its_parameters_with_sources() {
        let all = measures().unwrap();
        assert_eq!(all.len(), measures::ALL.len());
        for m in &all {
            assert!(!m.parameters.is_empty(), "{}", m.id);
            for p in &m.parameters {
                for h in &p.history {
                    assert!(!h.source.trim().is_empty(), "{}.{}", m.id, p.name);
                }
            }
        }
        let ids: std::collections::HashSet<_> = all.iter().map(|m| m.id).collect();
        assert_eq!(ids.len(), all.len(), "measure ids are unique");
    }

    #[test]
    fn every_measure_explains_itself_on_a_blank_subject() {
        let on: NaiveDate = "2026-11-28".parse().unwrap();
        for m in measures::ALL {
            let d = m.blank(on).unwrap();
            assert!(!d.conditions.is_empty(), "{}", m.id);
            assert!(
                d.conditions.iter().all(|c| !c.clause.is_empty()),
                "{}",
                m.id
            );
        }
    }

    #[test]
    fn a_situation_is_evaluated_across_measures() {
        let s = Situation::from_json(
            r#"{
              "persons": [
                {"id": "a", "birth": "1972-03-01", "sex": "M", "registered_unemployed": true,
                 "registered_unemployed_since": "2025-01-01", "benefit_consecutive_months": 0,
                 "assistance": "none", "disability_certificate": false, "poverty_alleviated": false,
                 "employed": false},
                {"id": "b", "birth": "1975-05-01", "sex": "F", "employed": false}
              ],
              "households": [{"id": "h", "members": ["a", "b"], "urban": true, "business_income": false}]
            }"#,
        )
        .unwrap();
        let on = "2026-11-28".parse().unwrap();
        let ds = evaluate(&s, on, Some(&["hard_to_employ".to_string()])).unwrap();
        assert_eq!(ds.len(), 2);
        // a is over 55 and registered for 6+ months, and the household has no one employed.
        assert_eq!(ds[0].status, Status::Eligible);
        let zero = &ds[0].conditions[2].children[1];
        assert_eq!(zero.outcome, Outcome::Met, "{zero:?}");
    }
}
