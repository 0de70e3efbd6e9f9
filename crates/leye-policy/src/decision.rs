//! A decision (决定) and its explanation: what the engine decided, and why.

use crate::params::ParamUse;
use chrono::NaiveDate;
use leye_domain::Money;
use serde::Serialize;

/// The result of one condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Met,
    NotMet,
    /// A fact it needs is missing.
    Unknown,
}

/// One condition tested, with what it used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// Plain Chinese: "男性年满55周岁".
    pub text: String,
    /// Clause of the plan or other document: "二(三)3", "浙人社发〔2025〕59号".
    pub clause: String,
    pub outcome: Outcome,
    /// Facts used: (name, value).
    pub facts: Vec<(String, String)>,
    pub params: Vec<ParamUse>,
    /// This condition settled the decision.
    pub decisive: bool,
    /// Sub-conditions (e.g. the categories of "one of").
    pub children: Vec<Condition>,
}

impl Condition {
    pub fn new(text: impl Into<String>, clause: &str, outcome: Outcome) -> Self {
        Self {
            text: text.into(),
            clause: clause.into(),
            outcome,
            facts: Vec::new(),
            params: Vec::new(),
            decisive: false,
            children: Vec::new(),
        }
    }
    pub fn fact(mut self, name: &str, value: impl ToString) -> Self {
        self.facts.push((name.into(), value.to_string()));
        self
    }
    pub fn param(mut self, p: ParamUse) -> Self {
        self.params.push(p);
        self
    }
}

/// Eligible, not eligible, or cannot decide (and which facts are missing).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    Eligible,
    NotEligible,
    CannotDecide { missing: Vec<String> },
}

/// What the engine decided for one subject and measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub measure: &'static str,
    pub clause: &'static str,
    pub subject: String,
    pub on: NaiveDate,
    #[serde(flatten)]
    pub status: Status,
    /// Amount in fen, where the measure pays one.
    pub amount: Option<Money>,
    /// Period covered, where there is one.
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub conditions: Vec<Condition>,
}

/// Combine "all of" conditions: the first not met decides; otherwise unknowns make it
/// undecidable; otherwise met. Marks the decisive condition.
pub fn all_of(conditions: &mut [Condition]) -> Outcome {
    if let Some(c) = conditions.iter_mut().find(|c| c.outcome == Outcome::NotMet) {
        c.decisive = true;
        return Outcome::NotMet;
    }
    if conditions.iter().any(|c| c.outcome == Outcome::Unknown) {
        return Outcome::Unknown;
    }
    Outcome::Met
}

/// Combine "one of" conditions: the first met decides; otherwise unknowns make it
/// undecidable; otherwise not met.
pub fn any_of(conditions: &mut [Condition]) -> Outcome {
    if let Some(c) = conditions.iter_mut().find(|c| c.outcome == Outcome::Met) {
        c.decisive = true;
        return Outcome::Met;
    }
    if conditions.iter().any(|c| c.outcome == Outcome::Unknown) {
        return Outcome::Unknown;
    }
    Outcome::NotMet
}
