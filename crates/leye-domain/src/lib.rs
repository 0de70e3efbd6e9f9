//! Pure domain types and rules of 乐业 (leye), the employment-friendly-city platform.
//!
//! Types here parse, they do not merely validate: holding an [`IdNumber`], a [`CreditCode`]
//! or a [`RegionCode`] means the value was checked. Rules are pure functions of facts and an
//! "as of" date; this crate never does I/O, never reads the clock and never touches a
//! database. Data it needs (regions, statutory parameters) is embedded from `data/` at
//! compile time, each value with its source.

pub mod access;
pub mod application;
pub mod attachment;
pub mod cells;
pub mod credit_code;
pub mod enterprise;
pub mod enums;
pub mod field;
pub mod gig;
pub mod household;
pub mod id_number;
pub mod jobs;
pub mod json;
pub mod labour;
pub mod money;
pub mod person;
pub mod recruitment;
pub mod region;
pub mod registry;
pub mod retirement;
pub mod scope;
pub mod service;
pub mod shortage;
pub mod time;
pub mod year_month;

#[cfg(feature = "openapi")]
#[doc(hidden)]
pub use utoipa as __utoipa;

pub use credit_code::CreditCode;
pub use field::FieldError;
pub use id_number::{IdNumber, Sex};
pub use money::Money;
pub use region::{Region, RegionCode, Regions};
pub use scope::Scope;
pub use year_month::YearMonth;
