//! The language switch (中文 / English). Simplified Chinese is the source language: every
//! text shown is written in Chinese and looked up in `data/i18n/en.toml` when the user chose
//! English. A test renders the pages in English and fails on any text left untranslated.

use std::collections::HashMap;
use std::sync::LazyLock;

static EN: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    // The embedded file is checked by the tests; a broken one fails them, not users.
    toml::from_str(include_str!("../../../data/i18n/en.toml")).unwrap_or_default()
});

/// The languages offered.
pub const LANGS: &[(&str, &str)] = &[("zh", "中文"), ("en", "English")];

/// Name of the cookie that keeps the choice.
pub const COOKIE: &str = "leye_lang";

/// `zh` unless `raw` names another offered language.
pub fn normalise(raw: Option<&str>) -> &'static str {
    match raw {
        Some("en") => "en",
        _ => "zh",
    }
}

/// Translate a Chinese text into `lang` (the text itself when there is no translation).
pub fn tr(lang: &str, zh: &str) -> String {
    if lang == "en"
        && let Some(t) = EN.get(zh.trim())
    {
        return t.clone();
    }
    zh.to_string()
}

/// Whether a translation exists (for the completeness test).
pub fn has_en(zh: &str) -> bool {
    EN.contains_key(zh.trim())
}
