//! Applications (申请), approvals (审批) and payments (资金发放) of 乐业 (leye).
//!
//! An application is decided by the policy engine when it is made: the decision, its
//! explanation and the parameter versions it used are stored with it. It then moves through
//! the four-eyes state machine of [`leye_domain::application`]; approval checks the decision,
//! the once-only rule and the district's budget. Approved applications are paid in batches
//! ([`payments`]) that a crash or a re-run can never pay twice. Public-welfare post
//! placements are in [`welfare`].
//!
//! Every function here takes the caller's scope and writes its audit rows in the transaction
//! that makes the change; the rules that must never break are also database constraints.

pub mod payments;
pub mod welfare;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use leye_domain::application::{AppAction, AppState, Hands, RejectReason, Step, transition};
use leye_domain::region::RegionLevel;
use leye_domain::{FieldError, Regions, Scope};
use leye_policy::{PolicyError, Status};
use leye_store::{
    Actor, ApplicationRecord, NewApplication, StateChange, Store, StoreError, Tx, once_key,
};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Why an application step failed.
#[derive(Debug, Error)]
pub enum ApplyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("{}", .0.message)]
    Field(FieldError),
    #[error("{}", .0.iter().map(|(r, m)| format!("第{r}行: {m}")).collect::<Vec<_>>().join("; "))]
    Rows(Vec<(usize, String)>),
    #[error(transparent)]
    Io(#[from] leye_io::IoError),
}

impl From<leye_store::DbError> for ApplyError {
    fn from(e: leye_store::DbError) -> Self {
        ApplyError::Store(e.into())
    }
}

impl From<FieldError> for ApplyError {
    fn from(e: FieldError) -> Self {
        ApplyError::Field(e)
    }
}

fn field(name: &str, code: &'static str, message: impl Into<String>) -> ApplyError {
    ApplyError::Field(FieldError::new(name, code, message))
}

/// What someone asks for.
#[derive(Debug, Clone, Default)]
pub struct ApplyRequest {
    pub measure: String,
    pub person_id: Option<i64>,
    /// The employer, for measures about a job (`person@enterprise`)
    pub enterprise_id: Option<i64>,
    /// Apply from a 免申即享 offer (measure and subject come from it)
    pub offer_id: Option<i64>,
    pub payee_name: String,
    pub payee_account: String,
    /// Keep as a draft instead of submitting
    pub draft: bool,
}

/// The county-level district of a region (budgets are per district).
pub fn district_of(region: &str) -> String {
    Regions::huzhou()
        .path(region)
        .into_iter()
        .find(|r| r.level == RegionLevel::County)
        .map(|r| r.code.to_string())
        .unwrap_or_else(|| region.to_string())
}

pub(crate) fn due(state: AppState, on: NaiveDate) -> Result<Option<String>, ApplyError> {
    Ok(leye_policy::funds::deadline_days(state, on)?
        .and_then(|d| on.checked_add_days(Days::new(d.max(0) as u64)))
        .map(|d| d.to_string()))
}

pub(crate) fn check_account(raw: &str) -> Result<String, ApplyError> {
    let a: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if a.len() < 8 || a.len() > 32 || !a.chars().all(|c| c.is_ascii_digit()) {
        return Err(field(
            "payee_account",
            "invalid_account",
            format!(
                "收款账号“{}”无效: 应为8至32位数字(社保卡或银行卡号)",
                raw.trim()
            ),
        ));
    }
    Ok(a)
}

/// Make an application: decide it with the policy engine as of today and store it as a
/// draft or submitted. The subject must be in the caller's scope.
pub async fn apply(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    req: &ApplyRequest,
) -> Result<i64, ApplyError> {
    let today = leye_domain::time::local_date(now);
    let payee_name = req.payee_name.trim().to_string();
    if payee_name.is_empty() || payee_name.chars().count() > 100 {
        return Err(field("payee_name", "required", "请填写收款人(1至100个字)"));
    }
    let payee_account = check_account(&req.payee_account)?;
    // Who and what: from the offer, or from the request.
    let mut tx = store.begin_read().await?;
    let (measure_id, person_id, enterprise_id, offer_id, channel) = match req.offer_id {
        Some(o) => {
            let offer = leye_store::get_offer(&mut tx, scope, o).await?;
            if offer.status != "open" {
                return Err(field(
                    "offer_id",
                    "offer_closed",
                    "该免申即享记录已申请、已发放或已撤回,不能再次申请",
                ));
            }
            (
                offer.measure,
                offer.person_id,
                offer.enterprise_id,
                Some(o),
                "offer",
            )
        }
        None => (
            req.measure.clone(),
            req.person_id,
            req.enterprise_id,
            None,
            // Job seekers and employers apply for themselves; officers on someone's behalf.
            match scope {
                Scope::Person(_) | Scope::Enterprise(_) => "self",
                _ if actor.user_id.is_some() => "officer",
                _ => "system",
            },
        ),
    };
    let measure = leye_policy::measures::find(&measure_id).ok_or_else(|| {
        field(
            "measure",
            "unknown_measure",
            format!("措施“{measure_id}”不存在"),
        )
    })?;
    let Some(person_id) = person_id else {
        return Err(field(
            "person_id",
            "required",
            "请选择申请人(人员)。面向单位的措施请以单位吸纳的人员申请",
        ));
    };
    // The person is read for the decision only; the case must be the caller's: the person in
    // scope, or the employer named in the request.
    let person = leye_store::get_person(&mut tx, &Scope::System, person_id).await?;
    let enterprise_region = match enterprise_id {
        Some(e) => Some(
            leye_store::get_enterprise(&mut tx, &Scope::System, e)
                .await?
                .region,
        ),
        None => None,
    };
    let regions = Regions::huzhou();
    let reachable = scope.covers_subject(regions, &person.residence_region, Some(person_id), None)
        || enterprise_region
            .as_deref()
            .is_some_and(|r| scope.covers_subject(regions, r, None, enterprise_id));
    if !reachable {
        return Err(StoreError::OutOfScope {
            entity: "申请对象"
        }
        .into());
    }
    tx.commit().await?;

    // Decide, the way the sweep does, from the registry.
    let batch = store.registry_of_person(person_id).await?;
    let situation = leye_sweep::situation_of(&batch, today);
    let decisions = leye_policy::evaluate(&situation, today, Some(&[measure.id.to_string()]))?;
    let wanted = |s: &str| {
        let (p, e) = leye_sweep::subject_ids(s);
        p == Some(person_id) && (e.is_none() || enterprise_id.is_none() || e == enterprise_id)
    };
    let Some(decision) = decisions.into_iter().find(|d| wanted(&d.subject)) else {
        return Err(field(
            "measure",
            "no_subject",
            match measure.subject() {
                leye_policy::SubjectKind::Person => {
                    format!("无法为该人员判定“{}”", measure.name)
                }
                _ => format!(
                    "“{}”针对就业关系: 登记信息中该人员目前没有在{}单位就业的记录",
                    measure.name,
                    if enterprise_id.is_some() {
                        "所选"
                    } else {
                        "任何"
                    }
                ),
            },
        ));
    };
    let (_, enterprise_of_subject) = leye_sweep::subject_ids(&decision.subject);
    let region = match enterprise_of_subject {
        Some(e) if enterprise_id == Some(e) => enterprise_region.clone().unwrap_or_default(),
        Some(e) => {
            let mut tx = store.begin_read().await?;
            let r = leye_store::get_enterprise(&mut tx, &Scope::System, e)
                .await?
                .region;
            tx.commit().await?;
            r
        }
        None => person.residence_region.clone(),
    };
    let (fund, _) = leye_policy::funds::fund_of(measure.id, today)?;
    let status = match &decision.status {
        Status::Eligible => "eligible",
        Status::NotEligible => "not_eligible",
        Status::CannotDecide { .. } => "cannot_decide",
    };
    let new = NewApplication {
        measure: measure.id.into(),
        clause: measure.clause.into(),
        subject: decision.subject.clone(),
        person_id: Some(person_id),
        enterprise_id: enterprise_of_subject,
        district: district_of(&region),
        region,
        fund: fund.code().into(),
        budget_year: today.year(),
        offer_id,
        channel: channel.into(),
        decision_status: status.into(),
        decided_on: today.to_string(),
        amount_fen: decision.amount.map(|m| m.fen()),
        period: decision.period.map(|(a, b)| (a.to_string(), b.to_string())),
        decision_json: serde_json::to_string(&decision).unwrap_or_default(),
        payee_name,
        payee_account,
    };
    let state = if req.draft {
        AppState::Draft
    } else {
        AppState::Submitted
    };
    let mut tx = store.begin().await?;
    let id = leye_store::insert_application(
        &mut tx,
        scope,
        &new,
        state.code(),
        due(state, today)?.as_deref(),
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What an officer does to an application.
#[derive(Debug, Clone)]
pub struct ActRequest {
    pub action: AppAction,
    pub reason: Option<RejectReason>,
    pub note: String,
}

/// Apply one step of the state machine, with every rule: allowed transition, four eyes,
/// decision eligible and once-only and budget on approval.
pub async fn act(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    req: &ActRequest,
) -> Result<AppState, ApplyError> {
    let today = leye_domain::time::local_date(now);
    let mut tx = store.begin().await?;
    let a = leye_store::get_application(&mut tx, scope, id, false).await?;
    let from =
        AppState::from_code(&a.state).ok_or_else(|| field("state", "bad_state", "申请状态无效"))?;
    let step = Step {
        action: req.action,
        by: actor.user_id,
        reason: req.reason,
        note: req.note.trim().to_string(),
    };
    let hands = Hands {
        submitted_by: a.submitted_by,
        reviewed_by: a.reviewed_by,
    };
    let to = transition(from, hands, &step, false).map_err(|e| e.to_field())?;
    let mut change = StateChange {
        from: from.code().into(),
        to: to.code().into(),
        action: req.action.code().into(),
        due_on: due(to, today)?,
        reason: req.reason.map(|r| r.code().to_string()),
        note: step.note.clone(),
        set_submitted: req.action == AppAction::Submit,
        set_reviewed: req.action == AppAction::StartReview,
        set_decided: matches!(req.action, AppAction::Approve | AppAction::Reject),
        live_key: None,
        once_key: None,
    };
    match req.action {
        AppAction::Approve => approve_checks(&mut tx, &a, today, &mut change).await?,
        AppAction::Reject => change.live_key = Some(None),
        _ => {}
    }
    leye_store::change_state(&mut tx, id, &change, actor, now).await?;
    tx.commit().await?;
    Ok(to)
}

async fn approve_checks(
    tx: &mut Tx,
    a: &ApplicationRecord,
    today: NaiveDate,
    change: &mut StateChange,
) -> Result<(), ApplyError> {
    if a.decision_status != "eligible" {
        return Err(field(
            "action",
            "not_eligible",
            "政策判定结果为“不符合”或“无法判定”,不能批准;请补充信息后重新申请,或选择“不予批准”",
        ));
    }
    let (once, _) = leye_policy::funds::once_only(&a.measure, today)?;
    if once {
        let key = once_key(&a.measure, a.person_id, a.enterprise_id);
        if let Some(other) = leye_store::once_key_taken(tx, &key).await? {
            return Err(field(
                "action",
                "once_only",
                format!("该补贴为一次性补贴,此人(单位)已获批准过(申请{other}),不能再次批准"),
            ));
        }
        change.once_key = Some(key);
    }
    if let Some(amount) = a.amount_fen.filter(|a| *a > 0) {
        leye_store::commit_budget(tx, &a.measure, &a.district, a.budget_year, amount).await?;
    }
    Ok(())
}

/// Attach a scanned document to an application that is not closed.
pub async fn attach(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    name: &str,
    bytes: &[u8],
) -> Result<i64, ApplyError> {
    let kind = leye_domain::attachment::check_attachment(name, bytes)?;
    let name: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .chars()
        .take(200)
        .collect();
    let name = if name.trim().is_empty() {
        "附件".to_string()
    } else {
        name
    };
    let hash: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut tx = store.begin().await?;
    let a = leye_store::get_application(&mut tx, scope, id, false).await?;
    if matches!(a.state.as_str(), "approved" | "rejected" | "paid") {
        return Err(field("file", "closed", "申请已审批完成,不能再添加附件"));
    }
    let at = leye_store::add_attachment(&mut tx, id, &name, kind.code(), &hash, bytes, actor, now)
        .await?;
    tx.commit().await?;
    Ok(at)
}

#[cfg(test)]
mod tests;
