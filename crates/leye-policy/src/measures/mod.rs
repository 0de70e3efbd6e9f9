//! One module per measure (or family of measures) of the plan, each with tests at its
//! boundaries. [`ALL`] is the registry the listing, guide pages, evaluation and sweep use.

pub mod common;
pub mod disability;
pub mod graduate_employment;
pub mod hard_to_employ;
pub mod harmonious;
pub mod insurance;
pub mod job_expansion;
pub mod paired_assistance;
pub mod public_welfare_post;
pub mod researcher_leave;
pub mod skills;
pub mod startup;
pub mod traineeship;

use crate::rule::Measure;

/// Every measure, in the order of the plan's clauses.
pub const ALL: &[&Measure] = &[
    &startup::ONE_TIME,
    &startup::DRIVEN_EMPLOYMENT,
    &startup::RENT,
    &startup::LOAN,
    &researcher_leave::MEASURE,
    &graduate_employment::MEASURE,
    &job_expansion::MEASURE,
    &traineeship::MEASURE,
    &hard_to_employ::MEASURE,
    &public_welfare_post::MEASURE,
    &paired_assistance::MEASURE,
    &disability::PLACEMENT,
    &disability::QUOTA,
    &skills::TECHNICIAN_CLASS,
    &skills::PARTNER_COLLEGE,
    &skills::DIGITAL_ENGINEER,
    &insurance::WORK_INJURY,
    &insurance::FLEXIBLE,
    &harmonious::MEASURE,
];

/// The measure with this id.
pub fn find(id: &str) -> Option<&'static Measure> {
    ALL.iter().copied().find(|m| m.id == id)
}
