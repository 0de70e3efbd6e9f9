//! A table read from a file: the header row (found among the first rows, so that a merged
//! title row above it does no harm), then data rows with their row numbers as the official
//! sees them in Excel. Blank rows are dropped.

use crate::IoError;
use leye_domain::cells::normalize;
use std::io::Cursor;

/// One data row: its row number in the file (1-based, as Excel shows it) and its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

/// A table with its header.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// Read a CSV (UTF-8 with or without BOM, or GBK) or XLSX file. `known` are header names the
/// caller understands; the header row is the first of the first ten rows with at least two.
pub fn read(name: &str, bytes: &[u8], known: &[&str]) -> Result<Table, IoError> {
    let raw = if name.to_lowercase().ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    let header_at = raw
        .iter()
        .take(10)
        .position(|r| {
            r.1.iter()
                .filter(|c| known.contains(&normalize(c).as_str()))
                .count()
                >= 2
        })
        .ok_or(IoError::NoHeader)?;
    let headers = raw[header_at].1.iter().map(|c| normalize(c)).collect();
    let rows = raw
        .into_iter()
        .skip(header_at + 1)
        .filter(|(_, cells)| cells.iter().any(|c| !normalize(c).is_empty()))
        .map(|(number, cells)| Row { number, cells })
        .collect();
    Ok(Table { headers, rows })
}

/// Text of a CSV file: UTF-8 when it is valid UTF-8, otherwise GBK (what many offices save).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GBK.decode(bytes).0.into_owned(),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, IoError> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| IoError::File(format!("CSV第{}行无法读取: {e}", i + 1)))?;
        out.push((i + 1, rec.iter().map(str::to_string).collect()));
    }
    Ok(out)
}

/// A numeric Excel cell as text. Numbers of 15+ digits lost their last digits in Excel
/// already; they are shown in scientific notation so the ID-number check names the trap.
fn number_text(f: f64) -> String {
    if f.abs() >= 1e15 {
        format!("{f:E}")
    } else if f.fract() == 0.0 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, IoError> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec()))
        .map_err(|e| IoError::File(format!("不是有效的Excel(.xlsx)文件: {e}")))?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| IoError::File("Excel文件中没有工作表".into()))?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| IoError::File(format!("无法读取工作表“{sheet}”: {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let mut out = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let mut cells = vec![String::new(); first_col];
        cells.extend(row.iter().map(|c| match c {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Float(f) => number_text(*f),
            Data::Int(n) => n.to_string(),
            Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
            // A date cell is its serial number; the date parser reads serials.
            Data::DateTime(d) => number_text(d.as_f64().floor()),
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }));
        out.push((first_row + i + 1, cells));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_csv_is_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,身份证号\n张三,1\n");
        let t = read("a.csv", &gbk, &["姓名", "身份证号"]).unwrap();
        assert_eq!(t.headers, ["姓名", "身份证号"]);
        assert_eq!(t.rows[0].cells[0], "张三");
        assert_eq!(t.rows[0].number, 2);
    }

    #[test]
    fn title_rows_and_blank_rows() {
        let csv =
            "\u{feff}湖州市人员登记表,,\n,,\n姓名,身份证号,备注\n张三,1,\n,,\n李四,2,\n,,\n,,\n";
        let t = read("a.csv", csv.as_bytes(), &["姓名", "身份证号"]).unwrap();
        assert_eq!(t.headers[1], "身份证号");
        assert_eq!(t.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [4, 6]);
        assert!(matches!(
            read("a.csv", b"a,b\n1,2\n", &["姓名", "身份证号"]),
            Err(IoError::NoHeader)
        ));
    }

    #[test]
    fn big_numbers_show_their_loss() {
        assert_eq!(number_text(3.30502199001011e17), "3.30502199001011E17");
        assert_eq!(number_text(45474.0), "45474");
    }
}
