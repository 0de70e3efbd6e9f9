//! Imports and exports of 乐业 (leye) as officials exchange them: CSV (UTF-8 or GBK) and Excel
//! files whose headers are the Chinese names an official writes (身份证号, 姓名, 性别...).
//!
//! An import reads the whole file, checks every row (the Excel traps of
//! [`leye_domain::cells`], every field rule of the domain, duplicates within the file) and
//! reports each bad row with its row number, column, value and reason, before anything is
//! written. By default nothing is written when any row is bad; with `skip_invalid` the good
//! rows are. Writing is one transaction, keyed by the natural key of the entity (ID number,
//! credit code, the head's ID number, credit code and month): a re-import of the same file
//! changes nothing, a crash leaves nothing half-written.
//!
//! Entities ([`Entity`]): persons, households (membership), enterprises, enterprise headcount.
//! Each has a template with an example row; persons also export (masked unless allowed).

mod enterprises;
mod households;
mod persons;
pub mod registry;
pub mod sheet;
pub mod table;

pub use enterprises::{
    ENTERPRISE_COLUMNS, HEADCOUNT_COLUMNS, import_enterprises, import_headcount,
};
pub use households::{HOUSEHOLD_COLUMNS, import_households};
pub use persons::{
    PERSON_COLUMNS, check_persons, export_persons, import_persons, person_headers, person_template,
};

use chrono::{DateTime, Utc};
use leye_domain::Scope;
use leye_store::{Actor, Store, StoreError};
use thiserror::Error;

/// Why an import or export could not run at all (row problems are in the [`ImportReport`]).
#[derive(Debug, Error)]
pub enum IoError {
    #[error("{0}")]
    File(String),
    #[error("找不到表头行:前10行中没有一行包含两个以上模板列名(如“姓名”“身份证号”);请使用导入模板")]
    NoHeader,
    #[error("缺少必填列: {0}")]
    MissingColumns(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("写出Excel失败: {0}")]
    Xlsx(String),
}

/// Options of an import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Write the good rows even when some are bad (they are still reported).
    pub skip_invalid: bool,
}

/// One problem of one row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowError {
    /// Row number as Excel shows it.
    pub row: usize,
    /// Column header (Chinese).
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// What an import did, or would have done.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub valid: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Nothing was written (bad rows without `skip_invalid`).
    pub rejected: bool,
    pub errors: Vec<RowError>,
}

impl ImportReport {
    /// The report as CSV (UTF-8 with BOM): 行号, 列, 值, 原因.
    pub fn to_csv(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .errors
            .iter()
            .map(|e| {
                vec![
                    e.row.to_string(),
                    e.column.clone(),
                    e.value.clone(),
                    e.reason.clone(),
                ]
            })
            .collect();
        csv_text(&["行号", "列", "值", "原因"], &rows)
    }
}

/// A CSV text with a header row, UTF-8 with a BOM so that Excel opens it in Chinese.
pub fn csv_text(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(headers);
    for r in rows {
        let _ = w.write_record(r);
    }
    let body = w.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&body))
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> IoError {
    IoError::Xlsx(e.to_string())
}

/// An XLSX file of one sheet with bold Chinese headers, every column as text (so that Excel
/// keeps ID numbers).
pub fn sheet_bytes(name: &str, headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, IoError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name(name).map_err(xlsx_err)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let text = rust_xlsxwriter::Format::new().set_num_format("@");
    for (c, h) in headers.iter().enumerate() {
        let c = c as u16;
        sheet
            .write_string_with_format(0, c, *h, &bold)
            .map_err(xlsx_err)?;
        sheet.set_column_format(c, &text).map_err(xlsx_err)?;
        sheet.set_column_width(c, 16).map_err(xlsx_err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet
                .write_string_with_format((r + 1) as u32, c as u16, v, &text)
                .map_err(xlsx_err)?;
        }
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

leye_domain::code_enum! {
    /// What a file imports (导入对象).
    Entity {
        Persons = ("persons", "人员"),
        Households = ("households", "家庭户成员"),
        Enterprises = ("enterprises", "企业"),
        Headcount = ("headcount", "企业用工人数"),
    }
}

impl Entity {
    /// The columns of the entity's file.
    pub fn columns(self) -> &'static [sheet::Column] {
        match self {
            Entity::Persons => PERSON_COLUMNS,
            Entity::Households => HOUSEHOLD_COLUMNS,
            Entity::Enterprises => ENTERPRISE_COLUMNS,
            Entity::Headcount => HEADCOUNT_COLUMNS,
        }
    }

    /// The import template: headers and a valid example row.
    pub fn template(self) -> Result<Vec<u8>, IoError> {
        let sheet = format!("{}导入模板", self.label_zh());
        sheet::template(&sheet, self.columns(), |c| match c.field {
            "id_number" | "head_id_number" | "member_id_number" => Some(example_id_number()),
            "credit_code" => Some(example_credit_code()),
            _ => None,
        })
    }

    /// Import a file (its name and bytes) of this entity (see the crate doc for the rules).
    pub async fn import(
        self,
        store: &Store,
        scope: &Scope,
        actor: &Actor,
        (name, bytes): (&str, &[u8]),
        opts: ImportOptions,
        now: DateTime<Utc>,
    ) -> Result<ImportReport, IoError> {
        match self {
            Entity::Persons => import_persons(store, scope, actor, name, bytes, opts, now).await,
            Entity::Households => {
                import_households(store, scope, actor, name, bytes, opts, now).await
            }
            Entity::Enterprises => {
                import_enterprises(store, scope, actor, name, bytes, opts, now).await
            }
            Entity::Headcount => {
                import_headcount(store, scope, actor, name, bytes, opts, now).await
            }
        }
    }
}

/// The ID number of the templates' example person (check character computed, not typed).
pub fn example_id_number() -> String {
    let first = "33050219900101001";
    format!(
        "{first}{}",
        leye_domain::id_number::check_char(first.as_bytes())
    )
}

/// The credit code of the templates' example enterprise.
pub fn example_credit_code() -> String {
    let first = "91330502000000001";
    let c = leye_domain::credit_code::check_char(first.as_bytes()).unwrap_or('0');
    format!("{first}{c}")
}
