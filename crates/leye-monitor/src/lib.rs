//! Monitoring and early warning (就业形势监测预警, plan 二(五)1), the plan's targets and tasks
//! (目标任务), and the employment situation report (就业形势分析报告).
//!
//! - [`labour`]: the indicators of people's labour histories, one pass over the events.
//! - [`load`]: every indicator computed from the records, per township, county, zone and the
//!   city, kept as maintained aggregates (`indicator_values`) that pages read.
//! - [`alerts`]: rules with thresholds from `warning.toml`, raised once per key, delivered
//!   through the outbox.
//! - [`targets`]: actual against target by year and county, projection and pace.
//! - [`report`]: the monthly/quarterly/annual report as self-contained HTML with SVG charts,
//!   and its tables as XLSX.
//!
//! Definitions, targets and tasks are data (`data/monitor`, `data/targets`), see [`catalogue`].

pub mod alerts;
pub mod catalogue;
pub mod figures;
pub mod labour;
pub mod load;
pub mod report;
pub mod svg;
pub mod targets;

pub use catalogue::Catalogue;
pub use figures::{CITY, Figures, Mon, mon, mon_str};

use leye_policy::PolicyError;
use leye_store::StoreError;
use thiserror::Error;

mod params {
    leye_policy::param_file!("warning.toml");
}
pub use params::params as warning_params;

/// Why a monitoring step failed.
#[derive(Debug, Error)]
pub enum MonitorError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A data file or a record that cannot be read.
    #[error("监测数据错误: {0}")]
    Data(String),
    /// Input that cannot be accepted (which field, why).
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("报表生成失败: {0}")]
    Report(String),
}

impl From<leye_skills::SkillsError> for MonitorError {
    fn from(e: leye_skills::SkillsError) -> Self {
        match e {
            leye_skills::SkillsError::Store(s) => MonitorError::Store(s),
            leye_skills::SkillsError::Policy(p) => MonitorError::Policy(p),
            other => MonitorError::Data(other.to_string()),
        }
    }
}

impl From<leye_store::DbError> for MonitorError {
    fn from(e: leye_store::DbError) -> Self {
        MonitorError::Store(e.into())
    }
}

#[cfg(test)]
mod tests;
