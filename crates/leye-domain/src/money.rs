//! Money (金额) in fen (分): an integer, never a float.

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// An amount of money in fen (1 yuan = 100 fen).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

/// A string that is not an amount in yuan.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("金额“{0}”格式不正确(应为元,最多两位小数)")]
pub struct MoneyError(pub String);

impl Money {
    /// From fen.
    pub const fn from_fen(fen: i64) -> Self {
        Self(fen)
    }
    /// From whole yuan.
    pub const fn from_yuan(yuan: i64) -> Self {
        Self(yuan * 100)
    }
    /// The amount in fen.
    pub const fn fen(self) -> i64 {
        self.0
    }
    /// Parse `"1500"`, `"1500.5"`, `"1,500.50"` (yuan, at most two decimals).
    pub fn parse_yuan(raw: &str) -> Result<Self, MoneyError> {
        let bad = || MoneyError(raw.to_string());
        let s: String = raw.trim().chars().filter(|c| *c != ',').collect();
        let (neg, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest.to_string()),
            None => (false, s),
        };
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        if int.is_empty()
            || frac.len() > 2
            || !(int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let yuan: i64 = int.parse().map_err(|_| bad())?;
        let mut f: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        if frac.len() == 1 {
            f *= 10;
        }
        let fen = yuan
            .checked_mul(100)
            .and_then(|v| v.checked_add(f))
            .ok_or_else(bad)?;
        Ok(Self(if neg { -fen } else { fen }))
    }
    /// Checked addition.
    pub fn checked_add(self, o: Money) -> Option<Money> {
        self.0.checked_add(o.0).map(Money)
    }
}

impl fmt::Display for Money {
    /// Yuan with two decimals: `1500.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parse_and_show() {
        assert_eq!(Money::parse_yuan("1500").unwrap().fen(), 150000);
        assert_eq!(Money::parse_yuan("1,500.5").unwrap().fen(), 150050);
        assert_eq!(Money::parse_yuan("0.07").unwrap().to_string(), "0.07");
        assert!(Money::parse_yuan("1.234").is_err());
        assert!(Money::parse_yuan("abc").is_err());
        assert!(Money::parse_yuan("99999999999999999999").is_err());
        assert_eq!(Money::from_fen(-150).to_string(), "-1.50");
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(fen in -1_000_000_000_000i64..1_000_000_000_000) {
            let m = Money::from_fen(fen);
            prop_assert_eq!(Money::parse_yuan(&m.to_string()).unwrap(), m);
        }
    }
}
