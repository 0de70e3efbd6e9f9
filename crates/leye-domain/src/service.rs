//! 重点企业用工服务 (plan 二(五)2): a key enterprise's hiring demand as a service ticket
//! (用工服务单) that moves through "岗位收集、技能培训、送工上岗": it is opened with an
//! occupation, a headcount and a deadline, linked to a posting, a recruitment event, a
//! training class and a third-party HR institution, and filled by placements. The states and
//! the steps allowed in each are here; the store keeps the append-only log of steps.

use crate::code_enum;
use crate::field::FieldError;
use chrono::NaiveDate;

code_enum! {
    /// 服务单状态.
    TicketState {
        /// 待办: recorded, nothing done yet
        Open = ("open", "待办"),
        /// 办理中: a posting, event, class or institution works on it
        Working = ("working", "办理中"),
        /// 已满足: placements reached the headcount
        Filled = ("filled", "已满足"),
        /// 已关闭: closed (filled or not), nothing more is recorded
        Closed = ("closed", "已关闭"),
    }
}

code_enum! {
    /// 上岗渠道: how a placed person was found.
    Channel {
        Posting = ("posting", "岗位招聘"),
        Event = ("event", "招聘活动"),
        Training = ("training", "培训后上岗"),
        Agency = ("agency", "人力资源机构推荐"),
        Dispatch = ("dispatch", "送工上岗"),
    }
}

/// A step of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Link a posting, an event, a class or assign an institution.
    Link,
    /// Record one placement; `reaches` is true when it brings the count to the headcount.
    Place { reaches: bool },
    /// Close, filled or not.
    Close,
}

impl TicketState {
    /// The state after `step`, or why the step is not allowed now.
    pub fn after(self, step: Step) -> Result<TicketState, FieldError> {
        use Step::{Close, Link, Place};
        use TicketState::*;
        match (self, step) {
            (Closed, _) => Err(FieldError::new(
                "state",
                "ticket_closed",
                "服务单已关闭,不能再办理",
            )),
            (Filled, Place { .. }) => Err(FieldError::new(
                "state",
                "ticket_filled",
                "服务单的用工需求已满足,不能再登记上岗",
            )),
            (Filled, Link) => Ok(Filled),
            (_, Place { reaches: true }) => Ok(Filled),
            (Open | Working, Link | Place { reaches: false }) => Ok(Working),
            (_, Close) => Ok(Closed),
        }
    }
}

/// 满足率 in basis points (placements ÷ headcount, at most 100%).
pub fn fill_rate_bp(placed: i64, headcount: i64) -> i64 {
    if headcount <= 0 {
        0
    } else {
        (placed.min(headcount) * 10_000) / headcount
    }
}

/// 用时: days from opening to filling (`None` while not filled).
pub fn days_to_fill(opened: NaiveDate, filled: Option<NaiveDate>) -> Option<i64> {
    filled.map(|f| (f - opened).num_days())
}

#[cfg(test)]
mod tests {
    use super::*;
    use TicketState::*;

    #[test]
    fn a_ticket_moves_forward_only() {
        assert_eq!(Open.after(Step::Link), Ok(Working));
        assert_eq!(Open.after(Step::Place { reaches: false }), Ok(Working));
        assert_eq!(Working.after(Step::Place { reaches: true }), Ok(Filled));
        assert_eq!(Filled.after(Step::Close), Ok(Closed));
        assert!(Filled.after(Step::Place { reaches: false }).is_err());
        for s in [Step::Link, Step::Close, Step::Place { reaches: true }] {
            assert!(Closed.after(s).is_err());
        }
    }

    #[test]
    fn fill_rate_and_time() {
        assert_eq!(fill_rate_bp(3, 4), 7_500);
        assert_eq!(fill_rate_bp(5, 4), 10_000);
        assert_eq!(fill_rate_bp(1, 0), 0);
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            days_to_fill(d("2026-03-01"), Some(d("2026-03-15"))),
            Some(14)
        );
        assert_eq!(days_to_fill(d("2026-03-01"), None), None);
    }
}
