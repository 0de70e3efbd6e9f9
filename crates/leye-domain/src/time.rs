//! Local time of Huzhou (China Standard Time, UTC+8, no daylight saving). Instants are stored
//! in UTC; dates people see and rules use are local.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// UTC+8.
pub fn china() -> FixedOffset {
    // 8 hours is within FixedOffset's range, so this is always Some.
    FixedOffset::east_opt(8 * 3600)
        .unwrap_or(FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()))
}

/// An instant in Huzhou's local time.
pub fn local(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&china())
}

/// The local date of an instant ("today" in Huzhou).
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    local(t).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn late_evening_utc_is_the_next_day_in_huzhou() {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 16, 30, 0).unwrap();
        assert_eq!(local_date(t).to_string(), "2026-11-29");
    }
}
