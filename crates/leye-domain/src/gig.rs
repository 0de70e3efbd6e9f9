//! 零工市场: gig work. A gig posting (零工岗位, paid by the hour or the day) offers time slots
//! (班次); workers sign up (报名), check in (签到), the employer confirms the work done and
//! the pay owed (完工确认), the worker confirms the pay received (确认收款) or says it did not
//! arrive (报告未足额支付), and each side rates the other once (双向评价).
//!
//! Everything here is pure: a slot parses from raw input against its posting, and
//! [`GigState::next`] decides who may move a sign-up on, when, and to what.

use crate::code_enum;
use crate::field::{FieldError, optional_text};
use crate::jobs::PayUnit;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;

/// The longest slot (hours): 劳动法第36条 sets 8 hours a day; with the overtime of 第41条
/// (at most 3 hours a day) a single slot never exceeds 11 hours.
pub const MAX_SLOT_HOURS: i64 = 11;
/// The most places one slot offers.
pub const MAX_PLACES: i64 = 500;
/// Check-in opens this many minutes before a slot starts.
pub const CHECK_IN_EARLY_MINUTES: i64 = 60;

/// Raw input for a time slot (班次), as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SlotInput {
    /// 日期 YYYY-MM-DD
    pub date: String,
    /// 开始时间 HH:MM
    pub start: String,
    /// 结束时间 HH:MM (same day)
    pub end: String,
    /// 名额
    pub places: String,
    /// 备注 (集合地点, 着装, 自带工具...)
    #[serde(default)]
    pub note: String,
}

/// The posting terms a slot is priced from.
#[derive(Debug, Clone, Copy)]
pub struct SlotTerms {
    /// The posting's pay unit; a slot needs hour or day.
    pub pay_unit: PayUnit,
    /// The rate the worker is promised: the low end of the posting's pay range.
    pub rate_fen: i64,
    /// The posting's last day.
    pub valid_until: NaiveDate,
}

/// A checked time slot.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotFacts {
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub places: i64,
    /// What one worker earns for the whole slot: hourly rate × hours, or the day rate.
    pub pay_fen: i64,
    pub note: String,
}

/// The stored form of a slot time: `YYYY-MM-DD HH:MM` (China time).
pub const SLOT_TIME: &str = "%Y-%m-%d %H:%M";

impl SlotInput {
    /// Check a slot against its posting on `today` (local date); every problem at once.
    pub fn parse(&self, terms: SlotTerms, today: NaiveDate) -> Result<SlotFacts, Vec<FieldError>> {
        let mut errors = Vec::new();
        let date = match NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d") {
            Ok(d) if d < today => {
                errors.push(FieldError::new("date", "past", "日期不能早于今天"));
                None
            }
            Ok(d) if d > terms.valid_until => {
                errors.push(FieldError::new(
                    "date",
                    "after_posting",
                    format!("日期不能晚于岗位有效期({})", terms.valid_until),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new(
                    "date",
                    "invalid_date",
                    format!("日期“{}”无效,应为YYYY-MM-DD", self.date.trim()),
                ));
                None
            }
        };
        let time = |field: &str, label: &str, raw: &str, errors: &mut Vec<FieldError>| {
            match NaiveTime::parse_from_str(raw.trim(), "%H:%M") {
                Ok(t) => Some(t),
                Err(_) => {
                    errors.push(FieldError::new(
                        field,
                        "invalid_time",
                        format!("{label}“{}”无效,应为HH:MM(如08:30)", raw.trim()),
                    ));
                    None
                }
            }
        };
        let start = time("start", "开始时间", &self.start, &mut errors);
        let end = time("end", "结束时间", &self.end, &mut errors);
        let minutes = match (start, end) {
            (Some(s), Some(e)) if e <= s => {
                errors.push(FieldError::new(
                    "end",
                    "before_start",
                    "结束时间应晚于开始时间(暂不支持跨夜班次)",
                ));
                None
            }
            (Some(s), Some(e)) if (e - s).num_minutes() > MAX_SLOT_HOURS * 60 => {
                errors.push(FieldError::new(
                    "end",
                    "too_long",
                    format!("一个班次最长{MAX_SLOT_HOURS}小时(劳动法第36条、第41条)"),
                ));
                None
            }
            (Some(s), Some(e)) => Some((e - s).num_minutes()),
            _ => None,
        };
        let places = match self.places.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_PLACES).contains(&n) => Some(n),
            _ => {
                errors.push(FieldError::new(
                    "places",
                    "out_of_range",
                    format!("名额“{}”无效,应为1至{MAX_PLACES}的整数", self.places.trim()),
                ));
                None
            }
        };
        let note = match optional_text("note", "备注", &self.note, 200) {
            Ok(n) => n.unwrap_or_default(),
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        let pay = match terms.pay_unit {
            PayUnit::Hour => minutes.map(|m| terms.rate_fen * m / 60),
            PayUnit::Day => Some(terms.rate_fen),
            PayUnit::Month => {
                errors.push(FieldError::new(
                    "posting_id",
                    "not_gig_pay",
                    "按月计薪的岗位不能发布零工班次,请使用时薪或日薪",
                ));
                None
            }
        };
        match (date, start, end, places, pay) {
            (Some(d), Some(s), Some(e), Some(places), Some(pay_fen)) if errors.is_empty() => {
                Ok(SlotFacts {
                    starts_at: d.and_time(s),
                    ends_at: d.and_time(e),
                    places,
                    pay_fen,
                    note,
                })
            }
            _ => Err(errors),
        }
    }
}

code_enum! {
    /// Where a sign-up (报名) stands.
    GigState {
        SignedUp = ("signed_up", "已报名"),
        CheckedIn = ("checked_in", "已签到"),
        Completed = ("completed", "已完工待确认收款"),
        Paid = ("paid", "已确认收款"),
        PayDisputed = ("pay_disputed", "报告未足额支付"),
        Cancelled = ("cancelled", "已取消"),
        NoShow = ("no_show", "未到岗"),
    }
}

code_enum! {
    /// Who acts on a sign-up.
    GigSide {
        Worker = ("worker", "劳动者"),
        Employer = ("employer", "用工方"),
    }
}

code_enum! {
    /// What can be done to a sign-up.
    GigAction {
        Cancel = ("cancel", "取消报名"),
        CheckIn = ("check_in", "签到"),
        NoShow = ("no_show", "标记未到岗"),
        Complete = ("complete", "确认完工"),
        ConfirmPay = ("confirm_pay", "确认收到报酬"),
        DisputePay = ("dispute_pay", "报告未足额支付"),
    }
}

/// Why an action is refused (the message is for the person who tried).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GigRefusal(pub String);

impl GigState {
    /// May the sign-up still be rated (the work was done)?
    pub fn rateable(self) -> bool {
        matches!(
            self,
            GigState::Completed | GigState::Paid | GigState::PayDisputed
        )
    }

    /// Does the sign-up hold a place in its slot?
    pub fn holds_place(self) -> bool {
        !matches!(self, GigState::Cancelled | GigState::NoShow)
    }

    /// The state after `side` does `action` at local time `now` on a slot running
    /// `starts_at`..`ends_at`; refused with the reason otherwise.
    pub fn next(
        self,
        action: GigAction,
        side: GigSide,
        now: NaiveDateTime,
        starts_at: NaiveDateTime,
        ends_at: NaiveDateTime,
    ) -> Result<GigState, GigRefusal> {
        use GigAction as A;
        use GigSide as S;
        use GigState as G;
        let refuse = |m: &str| Err(GigRefusal(m.to_string()));
        let check_in_opens = starts_at - chrono::Duration::minutes(CHECK_IN_EARLY_MINUTES);
        match (self, action, side) {
            (G::SignedUp, A::Cancel, _) if now < starts_at => Ok(G::Cancelled),
            (G::SignedUp, A::Cancel, _) => refuse("班次已开始,不能取消报名"),
            (G::SignedUp, A::CheckIn, _) if now < check_in_opens => {
                refuse(&format!("班次开始前{CHECK_IN_EARLY_MINUTES}分钟才能签到"))
            }
            (G::SignedUp, A::CheckIn, _) if now > ends_at => refuse("班次已结束,不能签到"),
            (G::SignedUp, A::CheckIn, _) => Ok(G::CheckedIn),
            (G::SignedUp, A::NoShow, S::Employer) if now >= starts_at => Ok(G::NoShow),
            (G::SignedUp, A::NoShow, S::Employer) => refuse("班次开始后才能标记未到岗"),
            (G::CheckedIn, A::Complete, S::Employer) => Ok(G::Completed),
            (G::Completed, A::ConfirmPay, S::Worker)
            | (G::PayDisputed, A::ConfirmPay, S::Worker) => Ok(G::Paid),
            (G::Completed, A::DisputePay, S::Worker) => Ok(G::PayDisputed),
            (_, A::NoShow | A::Complete, S::Worker) => refuse("该操作须由用工方进行"),
            (_, A::ConfirmPay | A::DisputePay, S::Employer) => refuse("该操作须由劳动者本人进行"),
            (G::SignedUp, _, _) => refuse("请先签到"),
            (state, action, _) => Err(GigRefusal(format!(
                "报名当前为“{}”,不能{}",
                state.label_zh(),
                action.label_zh()
            ))),
        }
    }
}

/// A rating (评价): 1 to 5 stars and an optional comment of at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub stars: i64,
    pub comment: String,
}

impl Rating {
    /// Check raw stars and comment.
    pub fn parse(stars: &str, comment: &str) -> Result<Rating, Vec<FieldError>> {
        let mut errors = Vec::new();
        let s = match stars.trim().parse::<i64>() {
            Ok(n) if (1..=5).contains(&n) => n,
            _ => {
                errors.push(FieldError::new(
                    "stars",
                    "out_of_range",
                    format!("评分“{}”无效,应为1至5星", stars.trim()),
                ));
                0
            }
        };
        let c = match optional_text("comment", "评价内容", comment, 200) {
            Ok(c) => c.unwrap_or_default(),
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        if errors.is_empty() {
            Ok(Rating {
                stars: s,
                comment: c,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, SLOT_TIME).unwrap()
    }
    fn input(date: &str, start: &str, end: &str, places: &str) -> SlotInput {
        SlotInput {
            date: date.into(),
            start: start.into(),
            end: end.into(),
            places: places.into(),
            note: String::new(),
        }
    }
    const HOURLY: SlotTerms = SlotTerms {
        pay_unit: PayUnit::Hour,
        rate_fen: 3000,
        valid_until: match NaiveDate::from_ymd_opt(2026, 12, 31) {
            Some(d) => d,
            None => NaiveDate::MIN,
        },
    };

    #[test]
    fn an_hourly_slot_is_priced_by_its_length() {
        let s = input("2026-12-01", "08:00", "12:30", "5")
            .parse(HOURLY, d("2026-11-29"))
            .unwrap();
        assert_eq!(s.pay_fen, 13500); // 30 元 × 4.5 h
        assert_eq!(s.starts_at, t("2026-12-01 08:00"));
        let day = SlotTerms {
            pay_unit: PayUnit::Day,
            rate_fen: 20000,
            ..HOURLY
        };
        let s = input("2026-12-01", "08:00", "17:00", "5")
            .parse(day, d("2026-11-29"))
            .unwrap();
        assert_eq!(s.pay_fen, 20000);
    }

    #[test]
    fn bad_slots_say_every_field_that_is_wrong() {
        let e = input("2026-11-01", "9点", "08:00", "0")
            .parse(HOURLY, d("2026-11-29"))
            .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["date", "start", "places"]);
        let e = input("2027-01-05", "08:00", "07:00", "3")
            .parse(HOURLY, d("2026-11-29"))
            .unwrap_err();
        assert_eq!(e[0].code, "after_posting");
        assert_eq!(e[1].code, "before_start");
        let e = input("2026-12-01", "06:00", "17:01", "3")
            .parse(HOURLY, d("2026-11-29"))
            .unwrap_err();
        assert_eq!(e[0].code, "too_long");
        let monthly = SlotTerms {
            pay_unit: PayUnit::Month,
            ..HOURLY
        };
        let e = input("2026-12-01", "08:00", "12:00", "3")
            .parse(monthly, d("2026-11-29"))
            .unwrap_err();
        assert_eq!(e[0].code, "not_gig_pay");
    }

    #[test]
    fn a_sign_up_runs_from_check_in_to_paid() {
        let (s, e) = (t("2026-12-01 08:00"), t("2026-12-01 12:00"));
        let at = t("2026-12-01 07:30");
        let g = GigState::SignedUp;
        let g = g
            .next(GigAction::CheckIn, GigSide::Worker, at, s, e)
            .unwrap();
        assert_eq!(g, GigState::CheckedIn);
        let g = g
            .next(GigAction::Complete, GigSide::Employer, e, s, e)
            .unwrap();
        assert_eq!(g, GigState::Completed);
        assert!(g.rateable());
        let g = g
            .next(GigAction::DisputePay, GigSide::Worker, e, s, e)
            .unwrap();
        assert_eq!(g, GigState::PayDisputed);
        let g = g
            .next(GigAction::ConfirmPay, GigSide::Worker, e, s, e)
            .unwrap();
        assert_eq!(g, GigState::Paid);
    }

    #[test]
    fn times_and_sides_are_enforced() {
        let (s, e) = (t("2026-12-01 08:00"), t("2026-12-01 12:00"));
        let g = GigState::SignedUp;
        let early = t("2026-12-01 06:59");
        assert!(
            g.next(GigAction::CheckIn, GigSide::Worker, early, s, e)
                .is_err()
        );
        assert!(
            g.next(
                GigAction::CheckIn,
                GigSide::Worker,
                t("2026-12-01 12:01"),
                s,
                e
            )
            .is_err()
        );
        assert!(
            g.next(GigAction::Cancel, GigSide::Worker, early, s, e)
                .is_ok()
        );
        assert!(g.next(GigAction::Cancel, GigSide::Worker, s, s, e).is_err());
        assert!(
            g.next(GigAction::NoShow, GigSide::Employer, early, s, e)
                .is_err()
        );
        assert_eq!(
            g.next(GigAction::NoShow, GigSide::Employer, s, s, e),
            Ok(GigState::NoShow)
        );
        assert!(g.next(GigAction::NoShow, GigSide::Worker, s, s, e).is_err());
        let c = GigState::CheckedIn;
        assert!(
            c.next(GigAction::Complete, GigSide::Worker, e, s, e)
                .is_err()
        );
        let done = GigState::Completed;
        assert!(
            done.next(GigAction::ConfirmPay, GigSide::Employer, e, s, e)
                .is_err()
        );
        assert!(!GigState::Cancelled.holds_place());
        assert!(!GigState::SignedUp.rateable());
    }

    #[test]
    fn ratings_are_one_to_five_stars() {
        assert_eq!(Rating::parse("5", " 准时 ").unwrap().comment, "准时");
        assert_eq!(Rating::parse("0", "").unwrap_err()[0].field, "stars");
        assert!(Rating::parse("3", &"好".repeat(201)).is_err());
    }

    proptest! {
        /// Whatever the input, a slot either parses into one that fits its posting or says why.
        #[test]
        fn slot_parse_never_panics(date in ".{0,12}", start in "[0-9:]{0,6}", end in "[0-9:]{0,6}", places in "[-0-9]{0,5}") {
            match input(&date, &start, &end, &places).parse(HOURLY, d("2026-11-29")) {
                Ok(s) => {
                    prop_assert!(s.ends_at > s.starts_at);
                    prop_assert!((1..=MAX_PLACES).contains(&s.places));
                    prop_assert!(s.pay_fen > 0);
                }
                Err(e) => prop_assert!(!e.is_empty()),
            }
        }

        /// No sequence of actions leaves a final state, and nothing but a check-in leads to work done.
        #[test]
        fn finished_sign_ups_stay_finished(actions in proptest::collection::vec(0usize..6, 0..8), minutes in -120i64..400) {
            let (s, e) = (t("2026-12-01 08:00"), t("2026-12-01 12:00"));
            let now = s + chrono::Duration::minutes(minutes);
            let all = [GigAction::Cancel, GigAction::CheckIn, GigAction::NoShow, GigAction::Complete, GigAction::ConfirmPay, GigAction::DisputePay];
            let mut g = GigState::SignedUp;
            let mut checked_in = false;
            for a in actions {
                for side in [GigSide::Worker, GigSide::Employer] {
                    if let Ok(n) = g.next(all[a], side, now, s, e) {
                        prop_assert!(!matches!(g, GigState::Cancelled | GigState::NoShow | GigState::Paid));
                        checked_in |= n == GigState::CheckedIn;
                        if n.rateable() { prop_assert!(checked_in); }
                        g = n;
                    }
                }
            }
        }
    }
}
