//! Cells of spreadsheets and CSV files as officials fill them (表格单元格): full-width digits and
//! spaces, ID numbers that Excel turned into numbers, dates written in any of the usual ways or
//! stored as Excel serial numbers. Each function takes the raw text of one cell and either
//! gives the clean value or a specific Chinese reason; none of them panics.

use crate::field::FieldError;
use crate::year_month::YearMonth;
use chrono::{Days, NaiveDate};

/// Full-width ASCII (`０-９`, `Ａ-Ｚ`, `（`...) to half-width, ideographic and no-break spaces to
/// spaces, then trimmed.
pub fn normalize(raw: &str) -> String {
    let s: String = raw
        .chars()
        .map(|c| match c {
            '\u{3000}' | '\u{00A0}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}')
        .to_string()
}

/// An ID-number cell: catches what Excel does to 18-digit numbers before the checks of
/// [`crate::IdNumber`] run. Returns the cleaned text (upper-case `X`).
pub fn id_number(field: &str, raw: &str) -> Result<String, FieldError> {
    let s = normalize(raw).replace(' ', "");
    let upper = s.to_ascii_uppercase();
    if upper.contains('E')
        && upper
            .chars()
            .all(|c| c.is_ascii_digit() || "E+-.".contains(c))
    {
        return Err(FieldError::new(
            field,
            "id_number_scientific",
            format!(
                "身份证号“{s}”被Excel转成了科学计数法,后几位已经丢失;请把该列设为“文本”格式后重新填写"
            ),
        ));
    }
    if let Some(int) = upper.strip_suffix(".0").filter(|d| d.len() >= 15)
        && int.chars().all(|c| c.is_ascii_digit())
    {
        return Err(FieldError::new(
            field,
            "id_number_numeric",
            format!("身份证号“{s}”被存成了数字;请把该列设为“文本”格式后重新填写"),
        ));
    }
    if upper.len() == 17 && upper.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldError::new(
            field,
            "id_number_17_digits",
            format!("身份证号“{s}”只有17位,可能是Excel丢掉了末位的X;请核对后填写完整的18位"),
        ));
    }
    Ok(upper)
}

/// Excel's day 0 for serial dates (the 1900 date system, with its 1900-02-29 bug folded in).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or(NaiveDate::MIN)
}

/// A date that must be given (a form field): as [`date`], and empty is "请填写…".
pub fn required_date(field: &str, label: &str, raw: &str) -> Result<NaiveDate, FieldError> {
    date(field, label, raw)?
        .ok_or_else(|| FieldError::new(field, "required", format!("请填写{label}")))
}

/// A date cell: `2024-07-01`, `2024/7/1`, `2024.7.1`, `2024年7月1日`, `20240701`, or an Excel
/// serial number (`45474`, `45474.0`). Empty gives `None`.
pub fn date(field: &str, label: &str, raw: &str) -> Result<Option<NaiveDate>, FieldError> {
    let s = normalize(raw);
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || {
        FieldError::new(
            field,
            "invalid_date",
            format!("{label}“{s}”不是有效日期(可写作2024-07-01、2024/7/1或2024年7月1日)"),
        )
    };
    // Excel serial: a whole number of days (a time part is dropped).
    let serial = s.strip_suffix(".0").unwrap_or(&s);
    if serial.len() <= 6 && !serial.is_empty() && serial.chars().all(|c| c.is_ascii_digit()) {
        let n: u64 = serial.parse().map_err(|_| bad())?;
        if !(1..=2_958_465).contains(&n) {
            return Err(bad());
        }
        return excel_epoch()
            .checked_add_days(Days::new(n))
            .map(Some)
            .ok_or_else(bad);
    }
    if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        return NaiveDate::parse_from_str(&s, "%Y%m%d")
            .map(Some)
            .map_err(|_| bad());
    }
    let unified: String = s
        .replace(['年', '月'], "-")
        .replace('日', "")
        .replace(['/', '.'], "-");
    let parts: Vec<&str> = unified.split('-').map(str::trim).collect();
    if parts.len() != 3 {
        return Err(bad());
    }
    let (y, m, d) = (
        parts[0].parse::<i32>().map_err(|_| bad())?,
        parts[1].parse::<u32>().map_err(|_| bad())?,
        parts[2]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .parse::<u32>()
            .map_err(|_| bad())?,
    );
    NaiveDate::from_ymd_opt(y, m, d).map(Some).ok_or_else(bad)
}

/// A credit-code cell: catches a code of digits that Excel turned into a number before the
/// checks of [`crate::CreditCode`] run. Returns the cleaned text (upper case, no spaces).
pub fn credit_code(field: &str, raw: &str) -> Result<String, FieldError> {
    let s = normalize(raw).replace(' ', "").to_ascii_uppercase();
    let numeric = s.chars().all(|c| c.is_ascii_digit() || "E+-.".contains(c));
    if numeric && (s.contains('E') || s.ends_with(".0")) {
        return Err(FieldError::new(
            field,
            "credit_code_numeric",
            format!(
                "统一社会信用代码“{s}”被Excel转成了数字,后几位可能已经丢失;请把该列设为“文本”格式后重新填写"
            ),
        ));
    }
    Ok(s)
}

/// A month cell: `2024-07`, `2024/7`, `2024.07`, `2024年7月`, `202407`, or any date that
/// [`date`] reads (its month is taken, so an Excel date cell works). Empty gives `None`.
pub fn month(field: &str, label: &str, raw: &str) -> Result<Option<YearMonth>, FieldError> {
    let s = normalize(raw);
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || {
        FieldError::new(
            field,
            "invalid_month",
            format!("{label}“{s}”不是有效月份(可写作2024-07、2024/7或2024年7月)"),
        )
    };
    let unified = s.replace(['年', '/', '.'], "-").replace('月', "");
    let parts: Vec<&str> = unified.trim_end_matches('-').split('-').collect();
    let ym = match parts.as_slice() {
        [y, m] => Some((y.trim(), m.trim())),
        [ym] if ym.len() == 6 && ym.chars().all(|c| c.is_ascii_digit()) => Some(ym.split_at(4)),
        _ => None,
    };
    if let Some((y, m)) = ym {
        let (y, m) = (
            y.parse::<i32>().map_err(|_| bad())?,
            m.parse::<u32>().map_err(|_| bad())?,
        );
        return YearMonth::new(y, m).map(Some).ok_or_else(bad);
    }
    if s.len() <= 4 {
        // A bare year, or a serial before 1928: not a month anyone means.
        return Err(bad());
    }
    match date(field, label, &s) {
        Ok(Some(d)) => Ok(Some(YearMonth::of(d))),
        _ => Err(bad()),
    }
}

/// An urban/rural cell (城乡): 城镇/城市 or 农村/乡村; empty means urban, the registry's default.
pub fn urban(field: &str, raw: &str) -> Result<bool, FieldError> {
    match normalize(raw).as_str() {
        "" | "城镇" | "城市" => Ok(true),
        "农村" | "乡村" => Ok(false),
        other => Err(FieldError::new(
            field,
            "invalid_choice",
            format!("城乡“{other}”应填“城镇”或“农村”"),
        )),
    }
}

/// A yes/no cell: 是/否, 有/无, Y/N, 1/0, true/false; empty is `None`.
pub fn flag(field: &str, label: &str, raw: &str) -> Result<Option<bool>, FieldError> {
    let s = normalize(raw).to_lowercase();
    match s.as_str() {
        "" => Ok(None),
        "是" | "有" | "y" | "yes" | "1" | "true" | "√" => Ok(Some(true)),
        "否" | "无" | "没有" | "n" | "no" | "0" | "false" | "×" => Ok(Some(false)),
        _ => Err(FieldError::new(
            field,
            "invalid_flag",
            format!("{label}“{}”应填“是”或“否”", normalize(raw)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn full_width_and_spaces() {
        assert_eq!(normalize("\u{3000}３３０５０２\u{00A0} "), "330502");
        assert_eq!(normalize("\u{FEFF}张三"), "张三");
    }

    #[test]
    fn excel_traps_in_id_numbers() {
        let e = id_number("id_number", "3.30502E+17").unwrap_err();
        assert_eq!(e.code, "id_number_scientific");
        assert!(e.message.contains("科学计数法"));
        let e = id_number("id_number", "33050219900101001").unwrap_err();
        assert_eq!(e.code, "id_number_17_digits");
        assert!(e.message.contains("末位的X"));
        let e = id_number("id_number", "330502199001010010.0").unwrap_err();
        assert_eq!(e.code, "id_number_numeric");
        assert_eq!(
            id_number("id_number", " ３３０５０２１９９００１０１００１x ").unwrap(),
            "33050219900101001X"
        );
    }

    #[test]
    fn dates_as_officials_write_them() {
        for raw in [
            "2024-07-01",
            "2024/7/1",
            "2024.7.1",
            "2024年7月1日",
            "20240701",
            "45474",
            "45474.0",
            "２０２４年７月１日",
            "2024/07/01 00:00:00",
        ] {
            assert_eq!(
                date("f", "日期", raw).unwrap(),
                Some(d("2024-07-01")),
                "{raw}"
            );
        }
        assert_eq!(date("f", "日期", "  ").unwrap(), None);
        for raw in ["2024-02-30", "明天", "2024/13/1", "0", "2024-7"] {
            let e = date("f", "毕业日期", raw).unwrap_err();
            assert!(e.message.contains("毕业日期"), "{raw}");
        }
    }

    #[test]
    fn months_and_credit_codes() {
        let m = |s: &str| month("month", "月份", s).map(|o| o.map(|m| m.to_string()));
        for ok in [
            "2024-07",
            "2024/7",
            "2024.07",
            "2024年7月",
            "202407",
            "2024-07-15",
            "45474",
        ] {
            assert_eq!(m(ok), Ok(Some("2024-07".into())), "{ok}");
        }
        assert_eq!(m(""), Ok(None));
        for bad in ["2024-13", "七月", "2024", "2024-7-45"] {
            let e = m(bad).unwrap_err();
            assert!(e.message.contains("不是有效月份"), "{bad}: {e:?}");
        }
        assert_eq!(
            credit_code("c", " 91330502mA2b3c4d5x ").unwrap(),
            "91330502MA2B3C4D5X"
        );
        let e = credit_code("c", "9.13305E+17").unwrap_err();
        assert!(e.message.contains("转成了数字"));
    }

    #[test]
    fn flags() {
        assert_eq!(flag("f", "退役军人", "是").unwrap(), Some(true));
        assert_eq!(flag("f", "退役军人", "Ｎ").unwrap(), Some(false));
        assert!(flag("f", "退役军人", "也许").is_err());
    }

    proptest! {
        #[test]
        fn cells_never_panic(s in "\\PC{0,40}") {
            let _ = normalize(&s);
            let _ = id_number("f", &s);
            let _ = date("f", "日期", &s);
            let _ = flag("f", "标志", &s);
            let _ = month("f", "月份", &s);
            let _ = urban("f", &s);
            let _ = credit_code("f", &s);
        }

        #[test]
        fn serial_dates_round_trip(n in 1u64..80_000) {
            let day = excel_epoch().checked_add_days(Days::new(n)).unwrap();
            prop_assert_eq!(date("f", "日期", &n.to_string()).unwrap(), Some(day));
            prop_assert_eq!(date("f", "日期", &day.format("%Y年%-m月%-d日").to_string()).unwrap(), Some(day));
        }
    }
}
