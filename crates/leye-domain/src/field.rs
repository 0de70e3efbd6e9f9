//! Field-level input errors and small text types shared by every input form.

use thiserror::Error;

/// One invalid field of an input: which field, a stable code and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// JSON field name, e.g. `id_number`.
    pub field: String,
    /// Stable machine code, e.g. `invalid_id_number`.
    pub code: &'static str,
    /// Chinese explanation for the person who typed it.
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            code,
            message: message.into(),
        }
    }
}

/// Trimmed text of 1..=max characters without control characters.
pub fn text(field: &str, label: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            format!("{label}不能为空"),
        ));
    }
    optional_text(field, label, s, max).map(|o| o.unwrap_or_default())
}

/// Like [`text`] but empty means `None`.
pub fn optional_text(
    field: &str,
    label: &str,
    raw: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let n = s.chars().count();
    if n > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("{label}最多{max}个字,实际{n}个字"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "invalid_text",
            format!("{label}含有控制字符"),
        ));
    }
    Ok(Some(s.to_string()))
}

/// A phone number (联系电话): a mainland mobile (11 digits, 1[3-9]...) or a landline with
/// area code (`0572-1234567`, 7-8 digits after a 3-4 digit code).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let s: String = raw.trim().chars().filter(|c| *c != ' ').collect();
        let bad = || {
            FieldError::new(
                field,
                "invalid_phone",
                "联系电话格式不正确(手机号11位,以1开头;固话如0572-1234567)",
            )
        };
        let ok = if let Some((area, num)) = s.split_once('-') {
            area.starts_with('0')
                && (3..=4).contains(&area.len())
                && (7..=8).contains(&num.len())
                && area.bytes().chain(num.bytes()).all(|b| b.is_ascii_digit())
        } else {
            s.len() == 11
                && s.starts_with('1')
                && matches!(s.as_bytes()[1], b'3'..=b'9')
                && s.bytes().all(|b| b.is_ascii_digit())
        };
        if ok { Ok(Self(s)) } else { Err(bad()) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `138****5678`, or the landline with its middle hidden.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// Mask a stored ID number for lists: `330502********123X` (address code and last four kept).
pub fn mask_id_number(s: &str) -> String {
    if s.len() == 18 && s.is_ascii() {
        format!("{}********{}", &s[..6], &s[14..])
    } else {
        "*".repeat(s.chars().count())
    }
}

/// Mask a stored phone number for lists.
pub fn mask_phone(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// Mask an address for lists: keep the first six characters.
pub fn mask_address(s: &str) -> String {
    let n = s.chars().count();
    let head: String = s.chars().take(6.min(n)).collect();
    if n <= 6 { head } else { format!("{head}****") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(
            Phone::parse("p", "13812345678").unwrap().masked(),
            "138****5678"
        );
        assert_eq!(
            Phone::parse("p", "0572-2345678").unwrap().masked(),
            "057*****5678"
        );
        assert!(Phone::parse("p", "12812345678").is_err());
        assert!(Phone::parse("p", "1381234567").is_err());
        assert!(Phone::parse("p", "572-2345678").is_err());
    }

    #[test]
    fn text_limits() {
        assert_eq!(text("name", "姓名", " 张三 ", 50).unwrap(), "张三");
        assert_eq!(text("name", "姓名", "  ", 50).unwrap_err().code, "required");
        assert_eq!(
            text("name", "姓名", &"长".repeat(51), 50).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            text("name", "姓名", "a\u{0}b", 50).unwrap_err().code,
            "invalid_text"
        );
        assert_eq!(
            mask_address("湖州市吴兴区织里镇大港路88号"),
            "湖州市吴兴区****"
        );
    }
}
