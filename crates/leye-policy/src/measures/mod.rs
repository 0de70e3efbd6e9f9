//! One module per measure of the plan, each with tests at its boundaries.

pub mod hard_to_employ;
pub mod job_expansion;
pub mod public_welfare_post;
