//! Persons (人员): import upserted by ID number, template, export.

use crate::sheet::{self, Column, Mapped, Written, label_or_code};
use crate::table::Row;
use crate::{ImportOptions, ImportReport, IoError, sheet_bytes};
use chrono::{DateTime, Utc};
use leye_domain::cells;
use leye_domain::field::{FieldError, mask_address, mask_id_number, mask_phone};
use leye_domain::person::{Assistance, Education, PersonFacts, PersonInput};
use leye_domain::{Regions, Scope};
use leye_store::{Actor, PersonFilter, PersonRecord, Store, StoreError};

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
    sheet::headers(PERSON_COLUMNS)
}

/// Turn one row into a person input, or the reasons it cannot be one.
fn person_input(m: &Mapped, row: &Row) -> Result<PersonInput, Vec<FieldError>> {
    let cell = |field: &str| m.cell(row, field);
    let opt = |field: &str| m.opt(row, field);
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
    let urban = cells::urban("urban", &cell("urban")).unwrap_or_else(|e| {
        errors.push(e);
        true
    });
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

/// Read a person file (CSV or XLSX) and check every row, without touching the database: the
/// number of data rows, the good rows and the row errors. (The import's first step; also a
/// fuzz target.)
pub fn check_persons(
    name: &str,
    bytes: &[u8],
    today: chrono::NaiveDate,
) -> Result<(usize, sheet::Checked<PersonFacts>), IoError> {
    let regions = Regions::huzhou();
    let clock = std::time::Instant::now();
    let (t, m) = sheet::read(name, bytes, PERSON_COLUMNS)?;
    tracing::debug!(
        rows = t.rows.len(),
        secs = clock.elapsed().as_secs_f64(),
        "import: file read"
    );
    let checked = sheet::check(
        &t,
        &m,
        |row| person_input(&m, row).and_then(|input| input.parse_all(regions, today)),
        Some(("身份证号", |f: &PersonFacts| {
            f.id_number.as_str().to_string()
        })),
    );
    tracing::debug!(secs = clock.elapsed().as_secs_f64(), "import: rows checked");
    Ok((t.rows.len(), checked))
}

/// Import persons from a file: check every row, then write in one transaction (or nothing).
/// New persons are written in bulk with one audit row for the file; changed persons go
/// through the audited update, one row each.
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
    let (rows, checked) = check_persons(name, bytes, today)?;
    let regions = Regions::huzhou();
    let (report, good) = match sheet::start(rows, checked, opts) {
        Ok(x) => x,
        Err(rejected) => return Ok(rejected),
    };
    let mut tx = store.begin().await?;
    let written: Result<Written, IoError> = async {
        let tx = &mut tx;
        let ids: Vec<&str> = good.iter().map(|(_, f)| f.id_number.as_str()).collect();
        let existing = leye_store::persons_by_id_numbers(tx, &ids).await?;
        let mut w = Written::default();
        let mut new = Vec::new();
        for (row, facts) in &good {
            let id = facts.id_number.as_str();
            let region = facts.residence_region.as_str();
            if !scope.covers_region(regions, region) {
                w.refused.push(sheet::refused(
                    *row,
                    "常住地区划代码",
                    region,
                    format!(
                        "常住地“{}”不在您的管辖范围内,不能登记",
                        regions.full_name(region)
                    ),
                ));
                continue;
            }
            match existing.get(id) {
                None => new.push(facts),
                Some(r) if !scope.covers_region(regions, &r.residence_region) => {
                    w.refused.push(sheet::refused(
                        *row,
                        "身份证号",
                        id,
                        format!(
                            "该身份证号已在{}登记,不在您的管辖范围内,请联系该地经办人",
                            regions.full_name(&r.residence_region)
                        ),
                    ))
                }
                Some(r) if same(r, facts) => w.unchanged += 1,
                Some(r) => {
                    leye_store::update_person(tx, scope, actor, r.id, facts, now).await?;
                    w.updated += 1;
                }
            }
        }
        if !w.refused.is_empty() && !opts.skip_invalid {
            return Ok(w);
        }
        w.created = new.len();
        let detail = format!(
            "导入人员文件“{name}”: 新增{}人,更新{}人,未变{}人",
            w.created, w.updated, w.unchanged
        );
        tracing::info!(
            new = new.len(),
            secs = clock.elapsed().as_secs_f64(),
            "导入: 校验完成,开始写入 / checked, writing"
        );
        leye_store::insert_persons_bulk(tx, actor, &new, &detail, now).await?;
        tracing::debug!(secs = clock.elapsed().as_secs_f64(), "import: written");
        Ok(w)
    }
    .await;
    sheet::finish(tx, report, written?, opts).await
}

/// The person import template: the headers and one example row.
pub fn person_template() -> Result<Vec<u8>, IoError> {
    crate::Entity::Persons.template()
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
        let more = p.more_after((rows.len() + p.items.len()) as i64);
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
        if !more {
            break;
        }
        page += 1;
    }
    tx.commit().await.map_err(StoreError::from)?;
    let headers: Vec<&str> = PERSON_COLUMNS.iter().map(|c| c.header).collect();
    sheet_bytes("人员", &headers, &rows)
}
