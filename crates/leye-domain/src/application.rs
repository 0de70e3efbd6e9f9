//! 申请 (application) for a measure, and its state machine.
//!
//! ```text
//! draft ─submit→ submitted ─start_review→ under_review ─approve→ approved ─pay→ paid
//!                    ↑                        │  └─reject→ rejected
//!                    └──────submit── returned ←┘ return
//! ```
//! Every transition is appended to a log (who, when, why); the store keeps the log
//! append-only. Four eyes (双人复核): the reviewer differs from the submitter, and the approver
//! (who approves or rejects) differs from both. Only the payment reconciliation moves an
//! approved application to paid.

use crate::code_enum;
use crate::field::FieldError;

code_enum! {
    /// 申请状态: where an application stands.
    AppState {
        Draft = ("draft", "草稿"),
        Submitted = ("submitted", "已提交"),
        UnderReview = ("under_review", "审核中"),
        Approved = ("approved", "已批准"),
        Rejected = ("rejected", "未通过"),
        Returned = ("returned", "退回补充材料"),
        Paid = ("paid", "已发放"),
    }
}

code_enum! {
    /// 操作: what someone does to an application.
    AppAction {
        Submit = ("submit", "提交"),
        StartReview = ("start_review", "受理审核"),
        Approve = ("approve", "批准"),
        Reject = ("reject", "不予批准"),
        Return = ("return", "退回补充材料"),
        Pay = ("pay", "发放到账"),
    }
}

code_enum! {
    /// 不予批准理由: the fixed list of reasons for a rejection.
    RejectReason {
        NotEligible = ("not_eligible", "不符合申领条件"),
        MissingDocuments = ("missing_documents", "材料不全且逾期未补正"),
        AlreadyReceived = ("already_received", "已享受过同类补贴"),
        FalseInformation = ("false_information", "提供的材料不真实"),
        OutOfArea = ("out_of_area", "不属于本地受理范围"),
        BudgetExhausted = ("budget_exhausted", "资金额度已用完"),
    }
}

impl AppState {
    /// States that end the application.
    pub fn is_final(self) -> bool {
        matches!(self, AppState::Rejected | AppState::Paid)
    }

    /// Actions a person may take from this state (payment is the reconciliation's alone).
    pub fn actions(self) -> &'static [AppAction] {
        match self {
            AppState::Draft | AppState::Returned => &[AppAction::Submit],
            AppState::Submitted => &[AppAction::StartReview],
            AppState::UnderReview => &[AppAction::Approve, AppAction::Reject, AppAction::Return],
            AppState::Approved | AppState::Rejected | AppState::Paid => &[],
        }
    }
}

/// Who has acted on an application so far (user ids; `None` for the system or nobody).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hands {
    pub submitted_by: Option<i64>,
    pub reviewed_by: Option<i64>,
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("申请当前为“{}”,不能“{}”", .from.label_zh(), .action.label_zh())]
    NotAllowed { from: AppState, action: AppAction },
    #[error("双人复核: 审核人不能是提交人本人")]
    ReviewerIsSubmitter,
    #[error("双人复核: 审批人不能是提交人或审核人本人")]
    ApproverNotIndependent,
    #[error("不予批准须选择理由")]
    ReasonRequired,
    #[error("退回补充材料须写明需补充的材料")]
    NoteRequired,
    #[error("发放到账只能由银行回盘对账完成")]
    PayOnlyByReconciliation,
}

impl TransitionError {
    /// As a field error for forms and the API.
    pub fn to_field(&self) -> FieldError {
        let (field, code) = match self {
            TransitionError::NotAllowed { .. } => ("action", "transition_not_allowed"),
            TransitionError::ReviewerIsSubmitter | TransitionError::ApproverNotIndependent => {
                ("action", "four_eyes")
            }
            TransitionError::ReasonRequired => ("reason", "reason_required"),
            TransitionError::NoteRequired => ("note", "note_required"),
            TransitionError::PayOnlyByReconciliation => ("action", "transition_not_allowed"),
        };
        FieldError::new(field, code, self.to_string())
    }
}

/// A requested transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub action: AppAction,
    /// The user acting (`None`: the system, e.g. a 免申即享 offer or the reconciliation)
    pub by: Option<i64>,
    pub reason: Option<RejectReason>,
    pub note: String,
}

/// Decide a transition: the next state, or why not. `by_reconciliation` is true only for the
/// payment reconciliation.
pub fn transition(
    from: AppState,
    hands: Hands,
    step: &Step,
    by_reconciliation: bool,
) -> Result<AppState, TransitionError> {
    use AppAction::*;
    use AppState::*;
    let not_allowed = TransitionError::NotAllowed {
        from,
        action: step.action,
    };
    let to = match (from, step.action) {
        (Draft | Returned, Submit) => Submitted,
        (Submitted, StartReview) => UnderReview,
        (UnderReview, Approve) => Approved,
        (UnderReview, Reject) => Rejected,
        (UnderReview, Return) => Returned,
        (Approved, Pay) => Paid,
        _ => return Err(not_allowed),
    };
    let same = |a: Option<i64>| step.by.is_some() && a == step.by;
    match step.action {
        Pay if !by_reconciliation => return Err(TransitionError::PayOnlyByReconciliation),
        StartReview if same(hands.submitted_by) => {
            return Err(TransitionError::ReviewerIsSubmitter);
        }
        Approve | Reject | Return if same(hands.submitted_by) || same(hands.reviewed_by) => {
            return Err(TransitionError::ApproverNotIndependent);
        }
        Reject if step.reason.is_none() => return Err(TransitionError::ReasonRequired),
        Return if step.note.trim().is_empty() => return Err(TransitionError::NoteRequired),
        _ => {}
    }
    Ok(to)
}

/// The people-facing number of an application: `SQ-2026-000123`.
pub fn application_number(year: i32, id: i64) -> String {
    format!("SQ-{year}-{id:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn step(action: AppAction, by: i64) -> Step {
        Step {
            action,
            by: Some(by),
            reason: Some(RejectReason::NotEligible),
            note: "补充劳动合同".into(),
        }
    }

    #[test]
    fn the_happy_path_needs_three_people() {
        let mut hands = Hands::default();
        let s = transition(AppState::Draft, hands, &step(AppAction::Submit, 1), false).unwrap();
        hands.submitted_by = Some(1);
        assert_eq!(
            transition(s, hands, &step(AppAction::StartReview, 1), false),
            Err(TransitionError::ReviewerIsSubmitter)
        );
        let s = transition(s, hands, &step(AppAction::StartReview, 2), false).unwrap();
        hands.reviewed_by = Some(2);
        for by in [1, 2] {
            assert_eq!(
                transition(s, hands, &step(AppAction::Approve, by), false),
                Err(TransitionError::ApproverNotIndependent)
            );
        }
        let s = transition(s, hands, &step(AppAction::Approve, 3), false).unwrap();
        assert_eq!(s, AppState::Approved);
        assert_eq!(
            transition(s, hands, &step(AppAction::Pay, 3), false),
            Err(TransitionError::PayOnlyByReconciliation)
        );
        assert_eq!(
            transition(s, hands, &step(AppAction::Pay, 3), true),
            Ok(AppState::Paid)
        );
    }

    #[test]
    fn reject_needs_a_reason_and_return_a_note() {
        let hands = Hands {
            submitted_by: Some(1),
            reviewed_by: Some(2),
        };
        let mut s = step(AppAction::Reject, 3);
        s.reason = None;
        assert_eq!(
            transition(AppState::UnderReview, hands, &s, false),
            Err(TransitionError::ReasonRequired)
        );
        let mut s = step(AppAction::Return, 3);
        s.note = "  ".into();
        assert_eq!(
            transition(AppState::UnderReview, hands, &s, false),
            Err(TransitionError::NoteRequired)
        );
        let s = step(AppAction::Return, 3);
        let back = transition(AppState::UnderReview, hands, &s, false).unwrap();
        assert_eq!(back, AppState::Returned);
        assert_eq!(
            transition(back, hands, &step(AppAction::Submit, 1), false),
            Ok(AppState::Submitted)
        );
    }

    #[test]
    fn the_system_may_submit_and_numbers_read_well() {
        let s = Step {
            action: AppAction::Submit,
            by: None,
            reason: None,
            note: String::new(),
        };
        assert_eq!(
            transition(AppState::Draft, Hands::default(), &s, false),
            Ok(AppState::Submitted)
        );
        assert_eq!(application_number(2026, 123), "SQ-2026-000123");
    }

    proptest! {
        /// Whatever the state, action and people: final states never move, only the listed
        /// actions are accepted, and nobody approves what they submitted or reviewed.
        #[test]
        fn no_transition_breaks_the_rules(
            from in prop::sample::select(AppState::ALL),
            action in prop::sample::select(AppAction::ALL),
            by in prop::option::of(1i64..4),
            sub in prop::option::of(1i64..4),
            rev in prop::option::of(1i64..4),
            recon in any::<bool>(),
        ) {
            let hands = Hands { submitted_by: sub, reviewed_by: rev };
            let st = Step { action, by, reason: Some(RejectReason::NotEligible), note: "x".into() };
            if let Ok(to) = transition(from, hands, &st, recon) {
                prop_assert!(!from.is_final());
                prop_assert!(from.actions().contains(&action) || (action == AppAction::Pay && recon));
                prop_assert_ne!(to, from);
                if matches!(action, AppAction::Approve | AppAction::Reject) && by.is_some() {
                    prop_assert!(by != sub && by != rev);
                }
            }
        }
    }
}
