//! The rules engine of 乐业 (leye): every subsidy and entitlement of the plan as a pure
//! function of typed facts, an "as of" date and dated parameters, returning a [`Decision`]
//! that says why: each condition tested, the facts and parameter values (with their
//! source) it used, which one decided, and the clause it comes from.
//!
//! This crate never does I/O and never reads the clock. Parameters are data files in
//! `data/parameters/` embedded at compile time.
//!
//! Measures so far: 二(三)3 hard-to-employ identification and public-welfare posts, 二(三)2
//! one-time job-expansion subsidy. The rest
//! of the plan's measures, the population sweep and the evaluate endpoint are still to come
//! (issue: policy engine).

pub mod decision;
pub mod measures;
pub mod params;

pub use decision::{Condition, Decision, Outcome, Status};
pub use params::{ParamSet, ParamUse, PolicyError};

/// What the engine knows about a measure, for listings and guide pages.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MeasureInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub clause: &'static str,
    pub responsible_unit: &'static str,
    /// Parameters with their current values and sources.
    pub parameters: Vec<params::ParamSummary>,
}

/// Every measure the engine implements.
pub fn measures() -> Result<Vec<MeasureInfo>, PolicyError> {
    Ok(vec![
        measures::hard_to_employ::info()?,
        measures::public_welfare_post::info()?,
    ])
}
