//! Statutory retirement date (法定退休年龄) under the reform in force from 2025-01-01.
//!
//! n = (birth_year + original_age - start_year) * 12 + birth_month; when n > 0 the delay
//! is min(ceil(n / step), cap) months. The law's numbers are in
//! `data/parameters/retirement.toml`; every official anchor is a test below.

use crate::id_number::Sex;
use crate::year_month::YearMonth;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;
use thiserror::Error;

const RETIREMENT_TOML: &str = include_str!("../../../data/parameters/retirement.toml");

/// One group of the law: sex and original retirement age, with its pace of delay.
#[derive(Debug, Clone, Deserialize)]
pub struct RetirementGroup {
    pub label: String,
    pub sex: String,
    pub original_age: u32,
    pub step_months: u32,
    pub cap_months: u32,
}

/// The retirement law's parameters.
#[derive(Debug, Clone, Deserialize)]
pub struct RetirementLaw {
    pub description: String,
    pub source: String,
    pub start_year: i32,
    pub flexible_months: u32,
    pub groups: Vec<RetirementGroup>,
}

/// No group of the law matches the sex and original age given.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RetirementError {
    #[error("原法定退休年龄{age}岁不适用于{sex}职工(男职工为60岁,女职工为50或55岁)")]
    NoGroup { sex: &'static str, age: u32 },
}

/// The outcome for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retirement {
    /// Month of statutory retirement.
    pub retirement: YearMonth,
    /// Age at retirement: years and months.
    pub age_years: u32,
    pub age_months: u32,
    /// Months of delay over the original age.
    pub delay_months: u32,
    /// Earliest month of flexible early retirement (never below the original age).
    pub earliest: YearMonth,
    /// Latest month of flexible late retirement.
    pub latest: YearMonth,
}

static LAW: LazyLock<RetirementLaw> = LazyLock::new(|| {
    toml::from_str(RETIREMENT_TOML).unwrap_or_else(|e| panic!("embedded retirement.toml: {e}"))
});

impl RetirementLaw {
    /// The law as embedded in the binary.
    pub fn current() -> &'static RetirementLaw {
        &LAW
    }

    /// Default original age for a sex: men 60; women 55 (the cadre/technical group) unless
    /// told otherwise.
    pub fn default_original_age(sex: Sex) -> u32 {
        match sex {
            Sex::Male => 60,
            Sex::Female => 55,
        }
    }

    /// Statutory retirement for someone born in `birth` of `sex` whose original age was
    /// `original_age`.
    pub fn retirement(
        &self,
        birth: YearMonth,
        sex: Sex,
        original_age: u32,
    ) -> Result<Retirement, RetirementError> {
        let g = self
            .groups
            .iter()
            .find(|g| g.sex == sex.code() && g.original_age == original_age)
            .ok_or(RetirementError::NoGroup {
                sex: sex.label_zh(),
                age: original_age,
            })?;
        let n = (i64::from(birth.year()) + i64::from(original_age) - i64::from(self.start_year))
            * 12
            + i64::from(birth.month());
        let delay = if n <= 0 {
            0
        } else {
            let step = i64::from(g.step_months.max(1));
            ((n + step - 1) / step).min(i64::from(g.cap_months)) as u32
        };
        let original = birth.add_months(i64::from(original_age) * 12);
        let retirement = original.add_months(i64::from(delay));
        let flex = i64::from(self.flexible_months);
        let earliest = std::cmp::max(original, retirement.add_months(-flex));
        let total = original_age * 12 + delay;
        Ok(Retirement {
            retirement,
            age_years: total / 12,
            age_months: total % 12,
            delay_months: delay,
            earliest,
            latest: retirement.add_months(flex),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ret(birth: &str, sex: Sex, age: u32) -> Retirement {
        RetirementLaw::current()
            .retirement(YearMonth::parse(birth).unwrap(), sex, age)
            .unwrap()
    }

    #[test]
    fn anchor_men_born_1965_01_retire_at_60y1m() {
        let r = ret("1965-01", Sex::Male, 60);
        assert_eq!((r.age_years, r.age_months, r.delay_months), (60, 1, 1));
        assert_eq!(r.retirement.to_string(), "2025-02");
    }

    #[test]
    fn anchor_men_born_1976_09_or_later_retire_at_63() {
        for b in ["1976-09", "1980-01", "1999-12"] {
            let r = ret(b, Sex::Male, 60);
            assert_eq!(
                (r.age_years, r.age_months, r.delay_months),
                (63, 0, 36),
                "{b}"
            );
        }
        let r = ret("1976-08", Sex::Male, 60);
        assert_eq!((r.age_years, r.age_months), (62, 11));
    }

    #[test]
    fn anchor_women_55_born_1981_09_or_later_retire_at_58() {
        let r = ret("1981-09", Sex::Female, 55);
        assert_eq!((r.age_years, r.age_months, r.delay_months), (58, 0, 36));
        assert_eq!(ret("1981-08", Sex::Female, 55).delay_months, 35);
    }

    #[test]
    fn anchor_women_50_born_1984_11_or_later_retire_at_55() {
        let r = ret("1984-11", Sex::Female, 50);
        assert_eq!((r.age_years, r.age_months, r.delay_months), (55, 0, 60));
        assert_eq!(ret("1984-10", Sex::Female, 50).delay_months, 59);
    }

    #[test]
    fn no_delay_before_the_reform() {
        let r = ret("1964-12", Sex::Male, 60);
        assert_eq!(r.delay_months, 0);
        assert_eq!(r.retirement.to_string(), "2024-12");
        assert_eq!(r.earliest, r.retirement);
    }

    #[test]
    fn flexible_bounds() {
        let r = ret("1980-01", Sex::Male, 60);
        // Earliest is the original age (60), 3 years before 63; latest is 66.
        assert_eq!(r.earliest.to_string(), "2040-01");
        assert_eq!(r.latest.to_string(), "2046-01");
        let r = ret("1966-01", Sex::Male, 60);
        // Delay 4 months: earliest can't go below 60.
        assert_eq!(r.earliest.to_string(), "2026-01");
    }

    #[test]
    fn wrong_group_is_an_error() {
        let law = RetirementLaw::current();
        let b = YearMonth::parse("1970-01").unwrap();
        assert!(law.retirement(b, Sex::Male, 55).is_err());
        assert!(law.retirement(b, Sex::Female, 60).is_err());
    }

    proptest! {
        #[test]
        fn delay_is_monotone_and_capped(y in 1950i32..2010, m in 1u32..=12) {
            let law = RetirementLaw::current();
            for (sex, age, cap) in [(Sex::Male, 60, 36), (Sex::Female, 55, 36), (Sex::Female, 50, 60)] {
                let b = YearMonth::new(y, m).unwrap();
                let r = law.retirement(b, sex, age).unwrap();
                let next = law.retirement(b.add_months(1), sex, age).unwrap();
                prop_assert!(r.delay_months <= cap);
                prop_assert!(next.delay_months >= r.delay_months);
                prop_assert!(next.retirement > r.retirement);
                prop_assert!(r.earliest <= r.retirement && r.retirement <= r.latest);
            }
        }
    }
}
