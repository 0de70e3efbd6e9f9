//! Skills, entrepreneurship and enterprise service (技能提升、创业促进、企业服务).
//!
//! - **Registries** ([`catalogue`]): training providers, courses, classes and trainees;
//!   certificates by the three routes of 二(四)3; technical schools and their specialties;
//!   self-certifying and skill-based enterprises; skill villages; new-style apprenticeships;
//!   the "2618" startup spaces, youth startup projects, 南太湖精英计划 projects, researchers'
//!   leave; HR service institutions and the enterprises they serve; 一企一策 plans. Each is a
//!   [`Registry`] the store, the import and the web read; [`save`] adds the rules a table
//!   cannot hold (a plan is for a key enterprise, leave lasts at most the parameter's years).
//! - **Counts** ([`counts`]) that feed the plan's targets, computed from the records: training
//!   completions, new skilled talents (a documented rule with parameters), youth startups,
//!   elite projects, and the registry totals the plan wants by 2026.
//! - **Key-enterprise service tickets** ([`tickets`]): demand → posting, event, class,
//!   institution → placements, with fill rate and time to fill.
//! - **Employment impact assessment** ([`impact`]) of a project or a policy draft.

pub mod catalogue;
pub mod counts;
pub mod impact;
pub mod tickets;

use chrono::{DateTime, NaiveDate, Utc};
use leye_domain::registry::{Parsed, Registry, Value};
use leye_domain::{FieldError, Scope};
use leye_policy::PolicyError;
use leye_store::registry::{Mode, Saved};
use leye_store::{Actor, StoreError, Tx};
use thiserror::Error;

mod params {
    leye_policy::param_file!("skills.toml");
}

mod leave {
    leye_policy::param_file!("researcher_leave.toml");
}

mod loans {
    leye_policy::param_file!("startup.toml");
}

/// Why a step of this module failed.
#[derive(Debug, Error)]
pub enum SkillsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("{}", .0.message)]
    Field(FieldError),
    /// Several fields of one input, each named.
    #[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(";"))]
    Fields(Vec<FieldError>),
}

impl From<FieldError> for SkillsError {
    fn from(e: FieldError) -> Self {
        SkillsError::Field(e)
    }
}

impl From<leye_store::DbError> for SkillsError {
    fn from(e: leye_store::DbError) -> Self {
        SkillsError::Store(e.into())
    }
}

fn text<'a>(reg: &Registry, p: &'a Parsed, name: &str) -> Option<&'a str> {
    let i = reg.fields.iter().position(|f| f.name == name)?;
    match &p.values[i] {
        Value::Text(s) | Value::Enterprise(s) => Some(s),
        _ => None,
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// The rules of a registry a table cannot hold, checked in the writing transaction.
pub async fn check(
    tx: &mut Tx,
    scope: &Scope,
    reg: &Registry,
    p: &Parsed,
) -> Result<(), SkillsError> {
    if reg.id == catalogue::SERVICE_PLANS.id
        && let Some(code) = text(reg, p, "enterprise_id")
    {
        let ids = leye_store::enterprise_ids_by_credit_codes(tx, &[code]).await?;
        if let Some(id) = ids.get(code) {
            let e = leye_store::get_enterprise(tx, scope, *id).await?;
            if e.key_reasons.is_empty() {
                return Err(FieldError::new(
                    "enterprise_id",
                    "not_key_enterprise",
                    format!(
                        "{}不是重点企业(投资额50亿元以上、用工500人以上或经认定),不制定一企一策方案",
                        e.name
                    ),
                )
                .into());
            }
        }
    }
    if reg.id == catalogue::RESEARCH_LEAVES.id
        && let (Some(a), Some(b)) = (
            text(reg, p, "starts_on").and_then(date),
            text(reg, p, "ends_on").and_then(date),
        )
    {
        let years = leave::params()?.int_at("max_years", a)?.0;
        let limit = a
            .checked_add_months(chrono::Months::new(u32::try_from(years * 12).unwrap_or(0)))
            .unwrap_or(a);
        if b > limit {
            return Err(FieldError::new(
                "ends_on",
                "leave_too_long",
                format!(
                    "离岗创业创新期限一般不超过{years}年(二(二)4),应不晚于{limit};确需延长的,期满后登记续签"
                ),
            )
            .into());
        }
    }
    if reg.id == catalogue::STARTUP_LOANS.id
        && let (Some(on), Some(amount)) = (
            text(reg, p, "granted_on").and_then(date),
            int(reg, p, "amount_fen"),
        )
    {
        let firm = int(reg, p, "as_enterprise") == Some(1);
        let name = if firm {
            "loan_enterprise_limit_fen"
        } else {
            "loan_person_limit_fen"
        };
        let (limit, used) = loans::params()?.int_at(name, on)?;
        if amount > limit {
            return Err(FieldError::new(
                "amount_fen",
                "over_limit",
                format!(
                    "贷款金额超过{}最高额度{}元(二(二)3;{})",
                    if firm { "小微企业" } else { "个人" },
                    leye_domain::Money::from_fen(limit),
                    used.source
                ),
            )
            .into());
        }
    }
    Ok(())
}

fn int(reg: &Registry, p: &Parsed, name: &str) -> Option<i64> {
    let i = reg.fields.iter().position(|f| f.name == name)?;
    match p.values[i] {
        Value::Int(n) => Some(n),
        _ => None,
    }
}

/// Write a row of a registry: the rules of [`check`], then the store's write (audited).
pub async fn save(
    tx: &mut Tx,
    scope: &Scope,
    reg: &Registry,
    p: &Parsed,
    mode: Mode,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Saved, SkillsError> {
    check(tx, scope, reg, p).await?;
    Ok(leye_store::registry::save(tx, scope, reg, p, mode, actor, now).await?)
}

#[cfg(test)]
mod tests;
