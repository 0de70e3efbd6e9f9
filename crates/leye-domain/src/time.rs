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

/// A stored `YYYY-MM-DD` date, or `None` when the text is anything else. The same answer as
/// `NaiveDate::parse_from_str(s, "%Y-%m-%d")` for dates written that way, without going through
/// a format string: the sweep reads millions of them.
pub fn iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn iso_dates_read_as_chrono_reads_them(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9 +-]{8,11}|.{0,12}") {
            let chrono = NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok().filter(|d| d.format("%Y-%m-%d").to_string() == s);
            prop_assert_eq!(iso_date(&s), chrono);
        }

        #[test]
        fn every_day_reads_back(days in 0i64..100_000) {
            let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
            prop_assert_eq!(iso_date(&d.to_string()), Some(d));
        }
    }

    #[test]
    fn late_evening_utc_is_the_next_day_in_huzhou() {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 16, 30, 0).unwrap();
        assert_eq!(local_date(t).to_string(), "2026-11-29");
    }
}
