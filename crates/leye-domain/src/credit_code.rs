//! Unified social credit code (统一社会信用代码), GB 32100-2015.

use std::fmt;
use thiserror::Error;

/// The 31 symbols of the code, in value order (no I, O, S, V, Z).
pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights 3^(i-1) mod 31 for positions 1-17.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a string is not a unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CreditCodeError {
    #[error("统一社会信用代码应为18位,实际为{0}位")]
    Length(usize),
    #[error("统一社会信用代码第{0}位含有不允许的字符(不使用I、O、S、V、Z)")]
    BadChar(usize),
    #[error("统一社会信用代码第3-8位应为行政区划代码(数字)")]
    Division,
    #[error("统一社会信用代码校验位错误(应为{expected})")]
    Checksum { expected: char },
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// Check character for the first 17 characters (which must be in [`ALPHABET`]).
pub fn check_char(first17: &[u8]) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    Some(ALPHABET[v as usize] as char)
}

/// A checked 18-character unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parse and verify: alphabet, division digits and check character.
    pub fn parse(raw: &str) -> Result<Self, CreditCodeError> {
        let s = raw.trim().to_ascii_uppercase();
        let n = s.chars().count();
        if n != 18 {
            return Err(CreditCodeError::Length(n));
        }
        let b = s.as_bytes();
        if let Some(pos) = b.iter().position(|c| value(*c).is_none()) {
            return Err(CreditCodeError::BadChar(pos + 1));
        }
        if !b[2..8].iter().all(u8::is_ascii_digit) {
            return Err(CreditCodeError::Division);
        }
        let expected = check_char(&b[..17]).ok_or(CreditCodeError::BadChar(1))?;
        if b[17] as char != expected {
            return Err(CreditCodeError::Checksum { expected });
        }
        Ok(Self(s))
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Six-digit administrative division code of the registering authority (positions 3-8).
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_codes() {
        // Published codes of well-known organisations.
        for code in ["91110000802100433B", "91440300708461136T"] {
            let c = CreditCode::parse(code);
            assert!(c.is_ok(), "{code}: {c:?}");
        }
        assert_eq!(
            CreditCode::parse("91110000802100433B")
                .unwrap()
                .region_code(),
            "110000"
        );
    }

    #[test]
    fn rejects_forbidden_letters_and_length() {
        assert_eq!(
            CreditCode::parse("91330502MA2B3C4D5I"),
            Err(CreditCodeError::BadChar(18))
        );
        assert_eq!(CreditCode::parse("9133"), Err(CreditCodeError::Length(4)));
        assert_eq!(
            CreditCode::parse("91A30502MA2B3C4D5E"),
            Err(CreditCodeError::Division)
        );
    }

    fn valid_code() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(ALPHABET.to_vec()), 9..=9).prop_flat_map(|org| {
            (
                prop::sample::select(b"159Y".to_vec()),
                prop::sample::select(b"123".to_vec()),
                100000u32..999999,
            )
                .prop_map(move |(a, t, div)| {
                    let mut s = vec![a, t];
                    s.extend(div.to_string().bytes());
                    s.extend(org.iter().copied());
                    let c = check_char(&s).unwrap();
                    s.push(c as u8);
                    String::from_utf8(s).unwrap()
                })
        })
    }

    proptest! {
        #[test]
        fn valid_codes_round_trip(s in valid_code()) {
            let c = CreditCode::parse(&s).unwrap();
            prop_assert_eq!(c.as_str(), s.as_str());
        }

        #[test]
        fn every_single_character_corruption_is_rejected(
            s in valid_code(), pos in 0usize..18, c in prop::sample::select(ALPHABET.to_vec())
        ) {
            let mut b = s.into_bytes();
            prop_assume!(b[pos] != c);
            b[pos] = c;
            let corrupted = String::from_utf8(b).unwrap();
            prop_assert!(CreditCode::parse(&corrupted).is_err(), "{} accepted", corrupted);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,24}") {
            let _ = CreditCode::parse(&s);
        }
    }
}
