//! Fuzz targets of 乐业 (leye) as plain functions over bytes, so that `cargo fuzz` (the
//! `fuzz/` folder, run by `scripts/fuzz`) and an ordinary test (which replays every input
//! kept in `fuzz/corpus/`) exercise the same code. A target passes when it returns: every
//! input, however hostile, must end in a value or a specific error, never a panic. Where a
//! parser accepts something, the target also checks that what it made is consistent (a
//! parsed ID number parses again to itself), so the fuzzer hunts wrong answers too.

use chrono::NaiveDate;

/// The "today" of every target (fixed, so a crash replays exactly).
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or(NaiveDate::MIN)
}

/// 居民身份证号码: any text; an accepted number is canonical and parses to itself.
pub fn id_number(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(id) = leye_domain::IdNumber::parse(text, today()) {
        let again = leye_domain::IdNumber::parse(id.as_str(), today());
        assert_eq!(again.as_ref().map(|i| i.as_str()), Ok(id.as_str()));
        assert_eq!(id.as_str().len(), 18);
        assert!(id.birth_date() <= today());
    }
}

/// 统一社会信用代码: any text; an accepted code parses to itself.
pub fn credit_code(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = leye_domain::CreditCode::parse(text) {
        let again = leye_domain::CreditCode::parse(c.as_str());
        assert_eq!(again.as_ref().map(|c| c.as_str()), Ok(c.as_str()));
    }
}

/// A person import file, as CSV or (when it starts like a zip) XLSX: every row is either good
/// or has at least one specific error naming its row; nothing is lost or counted twice.
pub fn import_rows(data: &[u8]) {
    let name = if data.starts_with(b"PK\x03\x04") {
        "fuzz.xlsx"
    } else {
        "fuzz.csv"
    };
    if let Ok((rows, (good, errors))) = leye_io::check_persons(name, data, today()) {
        assert!(good.len() <= rows, "{} good of {rows} rows", good.len());
        for e in &errors {
            assert!(!e.reason.is_empty(), "an error says why: {e:?}");
        }
    }
}

/// A policy situation (the JSON of `POST /api/v1/policy/evaluate`): parsed or refused with a
/// named field; a parsed one is evaluated by every measure without a panic.
pub fn policy_situation(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match leye_policy::Situation::from_json(text) {
        Ok(s) => {
            if let Ok(decisions) = leye_policy::evaluate(&s, today(), None) {
                for d in decisions {
                    assert!(!d.measure.is_empty());
                }
            }
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
}

/// A fuzz target: any bytes in, a panic when something is wrong.
pub type Target = fn(&[u8]);

/// The targets by name (the folder names under `fuzz/corpus/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("id_number", id_number),
    ("credit_code", credit_code),
    ("import_rows", import_rows),
    ("policy_situation", policy_situation),
];

#[cfg(test)]
mod tests {
    use super::TARGETS;

    /// Every input kept in `fuzz/corpus/<target>/` (seeds, and whatever the fuzzer found that
    /// covered new code or once crashed) runs through its target without a panic.
    #[test]
    fn corpora_replay_without_a_panic() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
        let mut replayed = 0;
        for (name, target) in TARGETS {
            let dir = root.join(name);
            let entries =
                std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            let mut n = 0;
            for entry in entries {
                let path = entry.expect("corpus entry").path();
                let bytes = std::fs::read(&path).expect("corpus file");
                target(&bytes);
                n += 1;
            }
            assert!(n > 0, "{name}: an empty corpus");
            replayed += n;
        }
        println!("replayed {replayed} corpus inputs");
    }
}
