//! Resident ID number (居民身份证号码), GB 11643-1999.

use chrono::{Datelike, NaiveDate};
use std::fmt;
use thiserror::Error;

/// ISO 7064 MOD 11-2 weights for the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// `S mod 11` → check character.
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// Province-level prefixes of GB/T 2260 (the first two digits of an address code).
const PROVINCES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// Why a string is not a resident ID number. Messages are Chinese: they reach people.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdNumberError {
    #[error("身份证号应为18位(或旧版15位),实际为{0}位")]
    Length(usize),
    #[error("身份证号第{0}位应为数字")]
    NotDigit(usize),
    #[error("身份证号最后一位应为数字或X")]
    BadCheckChar,
    #[error("身份证号地址码{0}不是有效的省级行政区划")]
    Province(String),
    #[error("身份证号中的出生日期{0}不存在")]
    BirthDate(String),
    #[error("身份证号中的出生日期{0}晚于今天")]
    FutureBirth(NaiveDate),
    #[error("身份证号校验位错误(应为{expected})")]
    Checksum { expected: char },
}

/// Sex as encoded by the sequence digit (odd = male, even = female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sex {
    /// 男
    #[serde(rename = "M")]
    Male,
    /// 女
    #[serde(rename = "F")]
    Female,
}

impl Sex {
    /// `"M"` or `"F"`, as the CLI contract prints it.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }
    /// 男 / 女
    pub fn label_zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// A checked, normalised 18-character resident ID number.
///
/// The only constructor is [`IdNumber::parse`]: holding one means the check character,
/// the province and the birth date have been verified, and the birth is not after the
/// "as of" date given to `parse`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

/// Check character for the first 17 digits (which must be ASCII digits).
pub fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize] as char
}

impl IdNumber {
    /// Parse an 18-digit number, or upgrade a legacy 15-digit one (insert `19` before the
    /// two-digit year and compute the check character). `as_of` is today's date for the
    /// caller: a birth after it is rejected. Rules never read the clock themselves.
    pub fn parse(raw: &str, as_of: NaiveDate) -> Result<Self, IdNumberError> {
        let s: String = raw.trim().to_ascii_uppercase();
        let n = s.chars().count();
        let body: String = match n {
            18 => s,
            15 => {
                if let Some(pos) = s.bytes().position(|b| !b.is_ascii_digit()) {
                    return Err(IdNumberError::NotDigit(pos + 1));
                }
                let mut v = String::with_capacity(18);
                v.push_str(&s[..6]);
                v.push_str("19");
                v.push_str(&s[6..]);
                let c = check_char(v.as_bytes());
                v.push(c);
                v
            }
            other => return Err(IdNumberError::Length(other)),
        };
        let b = body.as_bytes();
        if let Some(pos) = b[..17].iter().position(|c| !c.is_ascii_digit()) {
            return Err(IdNumberError::NotDigit(pos + 1));
        }
        if !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(IdNumberError::BadCheckChar);
        }
        if !PROVINCES.contains(&&body[..2]) {
            return Err(IdNumberError::Province(body[..6].to_string()));
        }
        let date_s = &body[6..14];
        let birth = NaiveDate::parse_from_str(date_s, "%Y%m%d")
            .ok()
            .filter(|d| d.year() >= 1850)
            .ok_or_else(|| IdNumberError::BirthDate(date_s.to_string()))?;
        if birth > as_of {
            return Err(IdNumberError::FutureBirth(birth));
        }
        let expected = check_char(&b[..17]);
        if b[17] as char != expected {
            return Err(IdNumberError::Checksum { expected });
        }
        Ok(Self(body))
    }

    /// The normalised 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Birth date encoded in positions 7-14.
    pub fn birth_date(&self) -> NaiveDate {
        // Checked in `parse`; the fallback is unreachable but keeps this panic-free.
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").unwrap_or(NaiveDate::MIN)
    }

    /// Sex from the parity of the 17th digit.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Six-digit address code (GB/T 2260) of the place of first registration.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    /// Masked form for lists: `330502********123X` (address code and the last four kept).
    pub fn masked(&self) -> String {
        crate::field::mask_id_number(&self.0)
    }

    /// Age in whole years on `on`.
    pub fn age_on(&self, on: NaiveDate) -> u32 {
        on.years_since(self.birth_date()).unwrap_or(0)
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for IdNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    /// Build a valid number from parts (test helper).
    fn make(addr: &str, birth: &str, seq: &str) -> String {
        let first = format!("{addr}{birth}{seq}");
        let c = check_char(first.as_bytes());
        format!("{first}{c}")
    }

    #[test]
    fn known_valid_number() {
        // GB 11643-1999's own example.
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.region_code(), "110105");
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn lowercase_x_and_spaces_are_normalised() {
        let id = IdNumber::parse(" 11010519491231002x ", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn legacy_15_digit_upgrades() {
        // 15-digit form of the example above: drop "19" and the check character.
        let id = IdNumber::parse("110105491231002", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn impossible_and_future_dates_rejected() {
        let feb30 = make("330502", "19900230", "123");
        assert!(matches!(
            IdNumber::parse(&feb30, today()),
            Err(IdNumberError::BirthDate(_))
        ));
        let future = make("330502", "20261129", "123");
        assert!(matches!(
            IdNumber::parse(&future, today()),
            Err(IdNumberError::FutureBirth(_))
        ));
        let born_today = make("330502", "20261128", "123");
        assert!(IdNumber::parse(&born_today, today()).is_ok());
    }

    #[test]
    fn wrong_lengths_and_characters() {
        assert_eq!(
            IdNumber::parse("12345", today()),
            Err(IdNumberError::Length(5))
        );
        assert_eq!(
            IdNumber::parse("33050219900101A23X", today()),
            Err(IdNumberError::NotDigit(15))
        );
        assert_eq!(
            IdNumber::parse("身份证号码身份证号码身份证号码身份证号", today()),
            Err(IdNumberError::Length(19))
        );
        assert!(matches!(
            IdNumber::parse(&make("990502", "19900101", "123"), today()),
            Err(IdNumberError::Province(_))
        ));
    }

    #[test]
    fn masked_keeps_region_and_last_four() {
        let id = IdNumber::parse(&make("330502", "19850615", "123"), today()).unwrap();
        let m = id.masked();
        assert!(m.starts_with("330502********"));
        assert_eq!(&m[14..], &id.as_str()[14..]);
        assert_eq!(m.len(), 18);
    }

    fn valid_id() -> impl Strategy<Value = String> {
        (
            prop::sample::select(PROVINCES.to_vec()),
            0u32..10000,
            1900i32..2026,
            1u32..=365,
            0u32..1000,
        )
            .prop_map(|(p, rest, y, doy, seq)| {
                let d = NaiveDate::from_yo_opt(y, doy).unwrap();
                make(
                    &format!("{p}{rest:04}"),
                    &d.format("%Y%m%d").to_string(),
                    &format!("{seq:03}"),
                )
            })
    }

    proptest! {
        #[test]
        fn valid_numbers_round_trip(s in valid_id()) {
            let id = IdNumber::parse(&s, today()).unwrap();
            prop_assert_eq!(id.as_str(), s.as_str());
            prop_assert_eq!(IdNumber::parse(id.as_str(), today()).unwrap(), id.clone());
            prop_assert_eq!(id.birth_date().format("%Y%m%d").to_string(), &s[6..14]);
        }

        #[test]
        fn every_single_character_corruption_is_rejected(
            s in valid_id(), pos in 0usize..18, c in prop::sample::select(b"0123456789X".to_vec())
        ) {
            let mut b = s.clone().into_bytes();
            prop_assume!(b[pos] != c);
            b[pos] = c;
            let corrupted = String::from_utf8(b).unwrap();
            prop_assert!(IdNumber::parse(&corrupted, today()).is_err(), "{} accepted", corrupted);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,24}") {
            let _ = IdNumber::parse(&s, today());
        }
    }
}
