//! A calendar month (年月): retirement dates, subsidy months, reporting periods.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use thiserror::Error;

/// A year and a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

/// Not a `YYYY-MM` month.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("年月“{0}”格式不正确(应为YYYY-MM)")]
pub struct YearMonthError(pub String);

impl YearMonth {
    /// A month; `None` unless `1 <= month <= 12` and the year is in 1000..=9999.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (1000..=9999).contains(&year)).then_some(Self { year, month })
    }
    /// Parse `YYYY-MM`.
    pub fn parse(raw: &str) -> Result<Self, YearMonthError> {
        let bad = || YearMonthError(raw.to_string());
        let (y, m) = raw.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        Self::new(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?).ok_or_else(bad)
    }
    /// The month of a date.
    pub fn of(d: NaiveDate) -> Self {
        Self {
            year: d.year(),
            month: d.month(),
        }
    }
    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u32 {
        self.month
    }
    /// Months since year 0 (for arithmetic).
    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }
    fn from_index(i: i64) -> Self {
        Self {
            year: i.div_euclid(12) as i32,
            month: (i.rem_euclid(12) + 1) as u32,
        }
    }
    /// This month plus `n` months (negative goes back).
    pub fn add_months(self, n: i64) -> Self {
        Self::from_index(self.index() + n)
    }
    /// Whole months from `self` to `later` (negative if `later` is earlier).
    pub fn months_until(self, later: YearMonth) -> i64 {
        later.index() - self.index()
    }
    /// First day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        YearMonth::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic() {
        let m = YearMonth::parse("1965-01").unwrap();
        assert_eq!(m.add_months(60 * 12 + 1).to_string(), "2025-02");
        assert_eq!(m.add_months(-1).to_string(), "1964-12");
        assert_eq!(m.months_until(YearMonth::parse("1966-03").unwrap()), 14);
        assert!(YearMonth::parse("2025-13").is_err());
        assert!(YearMonth::parse("2025-1").is_err());
    }
}
