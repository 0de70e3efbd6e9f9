//! Imports and exports of 乐业 (leye) as officials exchange them: CSV (UTF-8 or GBK) and Excel
//! files whose headers are the Chinese names an official writes (身份证号, 姓名, 性别...).
//!
//! An import reads the whole file, checks every row (the Excel traps of
//! [`leye_domain::cells`], every field rule of the domain, duplicates within the file) and
//! reports each bad row with its row number, column, value and reason, before anything is
//! written. By default nothing is written when any row is bad; with `skip_invalid` the good
//! rows are. Writing is one transaction, keyed by the ID number: a re-import of the same file
//! changes nothing, a crash leaves nothing half-written.
//!
//! So far: persons (template, import, export). Households, enterprises and headcount follow.

pub mod table;

use chrono::{DateTime, NaiveDate, Utc};
use leye_domain::cells;
use leye_domain::field::{FieldError, mask_address, mask_id_number, mask_phone};
use leye_domain::person::{Assistance, Education, PersonFacts, PersonInput};
use leye_domain::{Regions, Scope};
use leye_store::{Actor, PersonFilter, PersonRecord, Store, StoreError};
use std::collections::HashMap;
use table::Table;
use thiserror::Error;

/// Why an import or export could not run at all (row problems are in the [`ImportReport`]).
#[derive(Debug, Error)]
pub enum IoError {
    #[error("{0}")]
    File(String),
    #[error("找不到表头行:前10行中没有包含“姓名”“身份证号”等列名的一行;请使用导入模板")]
    NoHeader,
    #[error("缺少必填列: {0}")]
    MissingColumns(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("写出Excel失败: {0}")]
    Xlsx(String),
}

/// A column of the person import: the field, the header in the template, other headers
/// officials use for it, whether it is required, and an example value.
pub struct Column {
    pub field: &'static str,
    pub header: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
    pub example: &'static str,
}

/// The columns of a person file, in template order.
pub const PERSON_COLUMNS: &[Column] = &[
    Column {
        field: "name",
        header: "姓名",
        aliases: &[],
        required: true,
        example: "张三",
    },
    Column {
        field: "id_number",
        header: "身份证号",
        aliases: &["公民身份号码", "身份证号码", "身份证"],
        required: true,
        example: "",
    },
    Column {
        field: "phone",
        header: "联系电话",
        aliases: &["手机号", "手机号码", "电话"],
        required: false,
        example: "13812345678",
    },
    Column {
        field: "hukou_region",
        header: "户籍地区划代码",
        aliases: &["户籍地代码"],
        required: false,
        example: "330502",
    },
    Column {
        field: "residence_region",
        header: "常住地区划代码",
        aliases: &["居住地区划代码", "村社区代码", "常住地代码"],
        required: true,
        example: "330502102001",
    },
    Column {
        field: "address",
        header: "居住地址",
        aliases: &["地址", "现住址"],
        required: false,
        example: "织里镇织里社区1号",
    },
    Column {
        field: "education",
        header: "文化程度",
        aliases: &["学历"],
        required: false,
        example: "本科",
    },
    Column {
        field: "school",
        header: "毕业院校",
        aliases: &[],
        required: false,
        example: "湖州师范学院",
    },
    Column {
        field: "graduation_date",
        header: "毕业日期",
        aliases: &["毕业时间"],
        required: false,
        example: "2012年6月30日",
    },
    Column {
        field: "disability_grade",
        header: "残疾等级",
        aliases: &[],
        required: false,
        example: "",
    },
    Column {
        field: "veteran",
        header: "退役军人",
        aliases: &[],
        required: false,
        example: "否",
    },
    Column {
        field: "poverty_alleviated",
        header: "脱贫户",
        aliases: &["脱贫户成员"],
        required: false,
        example: "否",
    },
    Column {
        field: "assistance",
        header: "低保情况",
        aliases: &["低保"],
        required: false,
        example: "无",
    },
    Column {
        field: "urban",
        header: "城乡",
        aliases: &["城镇或农村"],
        required: false,
        example: "城镇",
    },
];

/// Every header name the person import understands.
pub fn person_headers() -> Vec<&'static str> {
    PERSON_COLUMNS
        .iter()
        .flat_map(|c| std::iter::once(c.header).chain(c.aliases.iter().copied()))
        .collect()
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

fn label_or_code<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    raw: &str,
) -> String {
    all.iter()
        .find(|x| label(**x) == raw)
        .map_or_else(|| raw.to_string(), |x| code(*x).to_string())
}

/// Turn one row into a person input, or the reasons it cannot be one.
fn person_input(
    row: &table::Row,
    columns: &HashMap<&'static str, (usize, &'static str)>,
) -> Result<PersonInput, Vec<FieldError>> {
    let cell = |field: &str| -> String {
        columns
            .get(field)
            .and_then(|(i, _)| row.cells.get(*i))
            .map(|c| cells::normalize(c))
            .unwrap_or_default()
    };
    let opt = |field: &str| Some(cell(field)).filter(|s| !s.is_empty());
    let mut errors = Vec::new();
    let id_number = cells::id_number("id_number", &cell("id_number")).unwrap_or_else(|e| {
        errors.push(e);
        String::new()
    });
    let graduation_date = match cells::date("graduation_date", "毕业日期", &cell("graduation_date"))
    {
        Ok(d) => d.map(|d| d.to_string()),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let flag = |field: &str, label: &str, errors: &mut Vec<FieldError>| {
        cells::flag(field, label, &cell(field)).unwrap_or_else(|e| {
            errors.push(e);
            None
        })
    };
    let veteran = flag("veteran", "退役军人", &mut errors).unwrap_or(false);
    let poverty_alleviated = flag("poverty_alleviated", "脱贫户", &mut errors).unwrap_or(false);
    let urban = match cell("urban").as_str() {
        "" | "城镇" | "城市" => true,
        "农村" | "乡村" => false,
        other => {
            errors.push(FieldError::new(
                "urban",
                "invalid_choice",
                format!("城乡“{other}”应填“城镇”或“农村”"),
            ));
            true
        }
    };
    let disability_grade = match opt("disability_grade") {
        None => None,
        Some(g) => match g.trim_end_matches('级').parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(FieldError::new(
                    "disability_grade",
                    "invalid_number",
                    format!("残疾等级“{g}”应为1-4"),
                ));
                None
            }
        },
    };
    let input = PersonInput {
        name: cell("name"),
        id_number,
        phone: opt("phone"),
        hukou_region: opt("hukou_region"),
        residence_region: cell("residence_region"),
        address: opt("address"),
        education: opt("education")
            .map(|e| label_or_code(Education::ALL, Education::code, Education::label_zh, &e)),
        school: opt("school"),
        graduation_date,
        disability_grade,
        veteran,
        poverty_alleviated,
        assistance: opt("assistance")
            .map(|a| label_or_code(Assistance::ALL, Assistance::code, Assistance::label_zh, &a)),
        urban,
    };
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(errors)
    }
}

/// Options of an import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Write the good rows even when some are bad (they are still reported).
    pub skip_invalid: bool,
}

fn same(r: &PersonRecord, f: &PersonFacts) -> bool {
    r.name == f.name
        && r.phone.as_deref() == f.phone.as_ref().map(|p| p.as_str())
        && r.hukou_region == f.hukou_region
        && r.residence_region == f.residence_region.as_str()
        && r.address == f.address
        && r.education == f.education.code()
        && r.school == f.school
        && r.graduation_date == f.graduation_date.map(|d| d.to_string())
        && r.disability_grade == f.disability_grade.map(i64::from)
        && r.veteran == f.veteran
        && r.poverty_alleviated == f.poverty_alleviated
        && r.assistance == f.assistance.code()
        && r.urban == f.urban
}

/// The good rows' facts with their row numbers, and the problems of the others.
pub type Checked = (Vec<(usize, PersonFacts)>, Vec<RowError>);

/// Check every row of a person table.
pub fn check_persons(t: &Table, today: NaiveDate) -> Result<Checked, IoError> {
    let mut columns: HashMap<&'static str, (usize, &'static str)> = HashMap::new();
    for (i, h) in t.headers.iter().enumerate() {
        if let Some(c) = PERSON_COLUMNS
            .iter()
            .find(|c| c.header == h || c.aliases.contains(&h.as_str()))
        {
            columns.entry(c.field).or_insert((i, c.header));
        }
    }
    let missing: Vec<&str> = PERSON_COLUMNS
        .iter()
        .filter(|c| c.required && !columns.contains_key(c.field))
        .map(|c| c.header)
        .collect();
    if !missing.is_empty() {
        return Err(IoError::MissingColumns(missing.join("、")));
    }
    let header_of = |field: &str| {
        PERSON_COLUMNS
            .iter()
            .find(|c| c.field == field)
            .map_or(field.to_string(), |c| c.header.to_string())
    };
    let value_of = |row: &table::Row, field: &str| {
        columns
            .get(field)
            .and_then(|(i, _)| row.cells.get(*i))
            .cloned()
            .unwrap_or_default()
    };
    let regions = Regions::huzhou();
    let mut good = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    // Parsing is pure and the slowest step of a big file: split it over the cores.
    let parse = |rows: &[table::Row]| -> Vec<Result<PersonFacts, Vec<FieldError>>> {
        rows.iter()
            .map(|row| {
                person_input(row, &columns).and_then(|input| input.parse_all(regions, today))
            })
            .collect()
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = t.rows.len().div_ceil(threads).max(1);
    let parsed: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = t.rows.chunks(per).map(|c| s.spawn(|| parse(c))).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    for (row, parsed) in t.rows.iter().zip(parsed) {
        match parsed {
            Ok(facts) => {
                let key = facts.id_number.as_str().to_string();
                if let Some(first) = seen.get(&key) {
                    errors.push(RowError {
                        row: row.number,
                        column: "身份证号".into(),
                        value: key,
                        reason: format!("与第{first}行的身份证号重复"),
                    });
                } else {
                    seen.insert(key, row.number);
                    good.push((row.number, facts));
                }
            }
            Err(es) => {
                for e in es {
                    let field = e.field.split('.').next().unwrap_or(&e.field).to_string();
                    errors.push(RowError {
                        row: row.number,
                        column: header_of(&field),
                        value: value_of(row, &field),
                        reason: e.message,
                    });
                }
            }
        }
    }
    Ok((good, errors))
}

/// Import persons from a file: check every row, then write in one transaction (or nothing).
pub async fn import_persons(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    name: &str,
    bytes: &[u8],
    opts: ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportReport, IoError> {
    let today = leye_domain::time::local_date(now);
    let clock = std::time::Instant::now();
    let t = table::read(name, bytes, &person_headers())?;
    tracing::debug!(
        rows = t.rows.len(),
        secs = clock.elapsed().as_secs_f64(),
        "import: file read"
    );
    let (good, errors) = check_persons(&t, today)?;
    tracing::debug!(secs = clock.elapsed().as_secs_f64(), "import: rows checked");
    let mut report = ImportReport {
        rows: t.rows.len(),
        valid: good.len(),
        errors,
        ..Default::default()
    };
    drop(t);
    if !report.errors.is_empty() && !opts.skip_invalid {
        report.rejected = true;
        return Ok(report);
    }
    let regions = Regions::huzhou();
    let mut tx = store.begin().await?;
    let ids: Vec<&str> = good.iter().map(|(_, f)| f.id_number.as_str()).collect();
    let existing = leye_store::persons_by_id_numbers(&mut tx, &ids).await?;
    let mut new = Vec::new();
    let mut refused = Vec::new();
    for (row, facts) in &good {
        let refuse = |reason: String| RowError {
            row: *row,
            column: "身份证号".into(),
            value: facts.id_number.as_str().to_string(),
            reason,
        };
        let region = facts.residence_region.as_str();
        if !scope.covers_region(regions, region) {
            refused.push(RowError {
                column: "常住地区划代码".into(),
                value: region.to_string(),
                ..refuse(format!(
                    "常住地“{}”不在您的管辖范围内,不能登记",
                    regions.full_name(region)
                ))
            });
            continue;
        }
        match existing.get(facts.id_number.as_str()) {
            None => new.push(facts),
            Some(r) if !scope.covers_region(regions, &r.residence_region) => {
                refused.push(refuse(format!(
                    "该身份证号已在{}登记,不在您的管辖范围内,请联系该地经办人",
                    regions.full_name(&r.residence_region)
                )))
            }
            Some(r) if same(r, facts) => report.unchanged += 1,
            Some(r) => {
                leye_store::update_person(&mut tx, scope, actor, r.id, facts, now).await?;
                report.updated += 1;
            }
        }
    }
    if !refused.is_empty() {
        report.valid -= refused.len();
        report.errors.extend(refused);
        report.errors.sort_by_key(|e| e.row);
        if !opts.skip_invalid {
            // Dropping the transaction rolls back any update made above.
            report.rejected = true;
            report.updated = 0;
            report.unchanged = 0;
            return Ok(report);
        }
    }
    report.created = new.len();
    let detail = format!(
        "导入人员文件“{name}”: 新增{}人,更新{}人,未变{}人,错误{}行",
        report.created,
        report.updated,
        report.unchanged,
        report.errors.len()
    );
    tracing::info!(
        new = new.len(),
        secs = clock.elapsed().as_secs_f64(),
        "导入: 校验完成,开始写入 / checked, writing"
    );
    leye_store::insert_persons_bulk(&mut tx, actor, &new, &detail, now).await?;
    tx.commit().await.map_err(StoreError::from)?;
    tracing::debug!(secs = clock.elapsed().as_secs_f64(), "import: written");
    Ok(report)
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

/// The person import template: the headers and one example row.
pub fn person_template() -> Result<Vec<u8>, IoError> {
    let headers: Vec<&str> = PERSON_COLUMNS.iter().map(|c| c.header).collect();
    let example: Vec<String> = PERSON_COLUMNS
        .iter()
        .map(|c| match c.field {
            // A valid example (the check character computed, not typed).
            "id_number" => {
                let first = "33050219900101001";
                format!(
                    "{first}{}",
                    leye_domain::id_number::check_char(first.as_bytes())
                )
            }
            _ => c.example.to_string(),
        })
        .collect();
    sheet_bytes("人员导入模板", &headers, &[example])
}

/// Persons in scope (with the filter) as XLSX with the template's headers, so that an export
/// can be edited and imported again. ID numbers, phones and addresses are masked unless
/// `unmasked` (the caller decides who may, and audits it).
pub async fn export_persons(
    store: &Store,
    scope: &Scope,
    filter: &PersonFilter,
    unmasked: bool,
) -> Result<Vec<u8>, IoError> {
    let mut rows = Vec::new();
    let mut tx = store.begin_read().await?;
    let mut page = 1;
    loop {
        let p = leye_store::list_persons(
            &mut tx,
            scope,
            filter,
            leye_store::Paging::new(Some(page), Some(leye_store::Paging::MAX_PER_PAGE)),
        )
        .await?;
        let n = p.items.len();
        for r in p.items {
            let edu = Education::from_code(&r.education)
                .map_or(r.education.clone(), |e| e.label_zh().into());
            let assistance = Assistance::from_code(&r.assistance)
                .map_or(r.assistance.clone(), |a| a.label_zh().into());
            rows.push(vec![
                r.name,
                if unmasked {
                    r.id_number.clone()
                } else {
                    mask_id_number(&r.id_number)
                },
                r.phone
                    .map(|p| if unmasked { p.clone() } else { mask_phone(&p) })
                    .unwrap_or_default(),
                r.hukou_region.unwrap_or_default(),
                r.residence_region,
                r.address
                    .map(|a| {
                        if unmasked {
                            a.clone()
                        } else {
                            mask_address(&a)
                        }
                    })
                    .unwrap_or_default(),
                edu,
                r.school.unwrap_or_default(),
                r.graduation_date.unwrap_or_default(),
                r.disability_grade
                    .map(|g| g.to_string())
                    .unwrap_or_default(),
                if r.veteran { "是" } else { "否" }.into(),
                if r.poverty_alleviated { "是" } else { "否" }.into(),
                assistance,
                if r.urban { "城镇" } else { "农村" }.into(),
            ]);
        }
        if n == 0 || rows.len() as i64 >= p.total {
            break;
        }
        page += 1;
    }
    tx.commit().await.map_err(StoreError::from)?;
    let headers: Vec<&str> = PERSON_COLUMNS.iter().map(|c| c.header).collect();
    sheet_bytes("人员", &headers, &rows)
}
