//! One module per measure of the plan, each with tests at its boundaries.

pub mod hard_to_employ;
pub mod public_welfare_post;
