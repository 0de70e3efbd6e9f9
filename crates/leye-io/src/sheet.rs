//! What every import shares: the columns of an entity (Chinese header, the other headers
//! officials write for it, required or not, an example), finding them in a table, reading
//! cells, turning field errors into row errors, and the run itself: read, check every row
//! (on every core), stop when any is bad unless told to skip, write in one transaction.

use crate::table::{self, Row, Table};
use crate::{ImportOptions, ImportReport, IoError, RowError};
use leye_domain::FieldError;
use leye_domain::cells;
use leye_store::{StoreError, Tx};
use std::collections::HashMap;

/// A column of an import: the field, the header in the template, other headers officials use
/// for it, whether it is required, and an example value.
pub struct Column {
    pub field: &'static str,
    pub header: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
    pub example: &'static str,
}

/// Every header name the columns understand.
pub fn headers(columns: &[Column]) -> Vec<&'static str> {
    columns
        .iter()
        .flat_map(|c| std::iter::once(c.header).chain(c.aliases.iter().copied()))
        .collect()
}

/// The columns of an entity found in a table.
pub struct Mapped {
    columns: &'static [Column],
    index: HashMap<&'static str, usize>,
}

impl Mapped {
    /// Find the columns in the table's header; every required one must be there.
    pub fn new(t: &Table, columns: &'static [Column]) -> Result<Self, IoError> {
        let mut index = HashMap::new();
        for (i, h) in t.headers.iter().enumerate() {
            if let Some(c) = columns
                .iter()
                .find(|c| c.header == h || c.aliases.contains(&h.as_str()))
            {
                index.entry(c.field).or_insert(i);
            }
        }
        let missing: Vec<&str> = columns
            .iter()
            .filter(|c| c.required && !index.contains_key(c.field))
            .map(|c| c.header)
            .collect();
        if missing.is_empty() {
            Ok(Self { columns, index })
        } else {
            Err(IoError::MissingColumns(missing.join("、")))
        }
    }

    /// The cell as written.
    pub fn raw(&self, row: &Row, field: &str) -> String {
        self.index
            .get(field)
            .and_then(|i| row.cells.get(*i))
            .cloned()
            .unwrap_or_default()
    }

    /// The cell, normalised (full-width to half-width, trimmed).
    pub fn cell(&self, row: &Row, field: &str) -> String {
        cells::normalize(&self.raw(row, field))
    }

    /// The cell, or `None` when blank.
    pub fn opt(&self, row: &Row, field: &str) -> Option<String> {
        Some(self.cell(row, field)).filter(|s| !s.is_empty())
    }

    /// The template header of a field (`members[0].relation` is reported as its first part).
    pub fn header(&self, field: &str) -> String {
        let field = field.split(['.', '[']).next().unwrap_or(field);
        self.columns
            .iter()
            .find(|c| c.field == field)
            .map_or(field.to_string(), |c| c.header.to_string())
    }

    /// One row error for a field error.
    pub fn error(&self, row: &Row, e: FieldError) -> RowError {
        let field = e
            .field
            .split(['.', '['])
            .next()
            .unwrap_or(&e.field)
            .to_string();
        RowError {
            row: row.number,
            column: self.header(&field),
            value: self.raw(row, &field),
            reason: e.message,
        }
    }
}

/// Parse every row with `parse`, split over the cores (parsing is pure and the slowest step
/// of a big file), in row order.
pub fn parse_rows<T: Send>(
    rows: &[Row],
    parse: impl Fn(&Row) -> Result<T, Vec<FieldError>> + Sync,
) -> Vec<Result<T, Vec<FieldError>>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = rows.len().div_ceil(threads).max(1);
    let parse = &parse;
    std::thread::scope(|s| {
        let handles: Vec<_> = rows
            .chunks(per)
            .map(|c| s.spawn(move || c.iter().map(parse).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// The good rows (row number and value) and the problems of the others, with rows whose
/// `key` repeats an earlier row's reported as duplicates under `key_header`.
pub type Checked<T> = (Vec<(usize, T)>, Vec<RowError>);

/// The header of a key column and how to get the key of a parsed row.
pub type Key<'a, T> = (&'a str, fn(&T) -> String);

/// Check every row of a table: parse, then refuse repeated keys.
pub fn check<T: Send>(
    t: &Table,
    m: &Mapped,
    parse: impl Fn(&Row) -> Result<T, Vec<FieldError>> + Sync,
    key: Option<Key<'_, T>>,
) -> Checked<T> {
    let mut good = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, parsed) in t.rows.iter().zip(parse_rows(&t.rows, parse)) {
        match parsed {
            Ok(v) => {
                if let Some((header, key)) = key {
                    let k = key(&v);
                    if let Some(first) = seen.get(&k) {
                        errors.push(RowError {
                            row: row.number,
                            column: header.to_string(),
                            value: k,
                            reason: format!("与第{first}行的{header}重复"),
                        });
                        continue;
                    }
                    seen.insert(k, row.number);
                }
                good.push((row.number, v));
            }
            Err(es) => errors.extend(es.into_iter().map(|e| m.error(row, e))),
        }
    }
    (good, errors)
}

/// Counts a write step adds to the report, and the rows it refused.
#[derive(Debug, Default)]
pub struct Written {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub refused: Vec<RowError>,
}

/// The first half of an import's run once its rows are checked: the report so far and the
/// good rows to write, or the final report when bad rows stop the import (nothing written).
pub fn start<T>(
    rows: usize,
    checked: Checked<T>,
    opts: ImportOptions,
) -> Result<(ImportReport, Vec<(usize, T)>), ImportReport> {
    let (good, errors) = checked;
    let mut report = ImportReport {
        rows,
        valid: good.len(),
        errors,
        ..Default::default()
    };
    if !report.errors.is_empty() && !opts.skip_invalid {
        report.rejected = true;
        return Err(report);
    }
    Ok((report, good))
}

/// The second half: add what the write step did and commit, or, when it refused rows and
/// `skip_invalid` is off, report them and drop the transaction (rolling back everything).
pub async fn finish(
    tx: Tx,
    mut report: ImportReport,
    w: Written,
    opts: ImportOptions,
) -> Result<ImportReport, IoError> {
    report.valid -= w.refused.len().min(report.valid);
    if !w.refused.is_empty() {
        report.errors.extend(w.refused);
        report.errors.sort_by_key(|e| e.row);
        if !opts.skip_invalid {
            report.rejected = true;
            return Ok(report);
        }
    }
    report.created = w.created;
    report.updated = w.updated;
    report.unchanged = w.unchanged;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(report)
}

/// Read a file for an import of these columns.
pub fn read(
    name: &str,
    bytes: &[u8],
    columns: &'static [Column],
) -> Result<(Table, Mapped), IoError> {
    let t = table::read(name, bytes, &headers(columns))?;
    let m = Mapped::new(&t, columns)?;
    Ok((t, m))
}

/// The template of an import: the headers and one example row (`example` may replace a
/// column's example, e.g. with a computed valid code).
pub fn template(
    sheet: &str,
    columns: &[Column],
    example: impl Fn(&Column) -> Option<String>,
) -> Result<Vec<u8>, IoError> {
    let hs: Vec<&str> = columns.iter().map(|c| c.header).collect();
    let row: Vec<String> = columns
        .iter()
        .map(|c| example(c).unwrap_or_else(|| c.example.to_string()))
        .collect();
    crate::sheet_bytes(sheet, &hs, &[row])
}

/// A store error on a row, as a row error under `column`.
pub fn refused(row: usize, column: &str, value: &str, e: impl ToString) -> RowError {
    RowError {
        row,
        column: column.to_string(),
        value: value.to_string(),
        reason: e.to_string(),
    }
}

/// A choice cell written as its Chinese label or its code: the code.
pub fn label_or_code<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    raw: &str,
) -> String {
    all.iter()
        .find(|x| label(**x) == raw)
        .map_or_else(|| raw.to_string(), |x| code(*x).to_string())
}
