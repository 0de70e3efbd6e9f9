//! JSON read from people and other systems (request bodies, situation files): every failure is
//! a [`FieldError`] that names the field in the serde path form (`persons[0].birth`) and says
//! what is wrong in Chinese. Shared by the API and the CLI so the messages are the same.

use crate::field::FieldError;
use serde::de::DeserializeOwned;

/// Parse JSON. Codes: `malformed_json` (not JSON at all), `required`, `unknown_field`,
/// `invalid_type` (wrong type or value; a Chinese message of the type itself is kept).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FieldError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner();
        let msg = inner.to_string();
        use serde_json::error::Category;
        match inner.classify() {
            Category::Syntax | Category::Eof | Category::Io => FieldError::new(
                "",
                "malformed_json",
                format!(
                    "请求内容不是有效的JSON(第{}行第{}列附近)",
                    inner.line(),
                    inner.column()
                ),
            ),
            Category::Data => {
                if let Some(f) = between(&msg, "missing field `", "`") {
                    let field = if path == "." {
                        f.to_string()
                    } else {
                        format!("{path}.{f}")
                    };
                    FieldError::new(&field, "required", format!("缺少必填字段{field}"))
                } else if let Some(f) = between(&msg, "unknown field `", "`") {
                    FieldError::new(f, "unknown_field", format!("不认识的字段{f}"))
                } else {
                    // A type of ours (a coded choice) already explains itself in Chinese.
                    let own = msg
                        .split(" at line ")
                        .next()
                        .filter(|m| m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
                    let message = match own {
                        Some(m) => format!("字段{path}的取值不正确: {m}"),
                        None => format!("字段{path}的类型或取值不正确"),
                    };
                    FieldError::new(&path, "invalid_type", message)
                }
            }
        }
    })
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::Education;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        a: u32,
        e: Option<Education>,
    }

    #[test]
    fn every_failure_names_the_field_in_chinese() {
        let e = parse::<T>(b"{").unwrap_err();
        assert_eq!(e.code, "malformed_json");
        let e = parse::<T>(br#"{"e": null}"#).unwrap_err();
        assert_eq!((e.code, e.field.as_str()), ("required", "a"));
        let e = parse::<T>(br#"{"a": 1, "b": 2}"#).unwrap_err();
        assert_eq!((e.code, e.field.as_str()), ("unknown_field", "b"));
        let e = parse::<T>(br#"{"a": "x"}"#).unwrap_err();
        assert_eq!((e.code, e.field.as_str()), ("invalid_type", "a"));
        assert!(!e.message.contains("invalid type"), "{}", e.message);
        let e = parse::<T>(br#"{"a": 1, "e": "phd"}"#).unwrap_err();
        assert_eq!(e.field, "e");
        assert!(e.message.contains("可选"), "{}", e.message);
    }
}
