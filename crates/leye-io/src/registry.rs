//! Any registry (名录) of [`leye_skills::catalogue`] in and out of files: the template from its
//! fields, an import that checks every row and upserts by the registry's natural key in one
//! transaction, and an export of the rows in scope (people's ID numbers masked).

use crate::sheet::{self, Column, Written};
use crate::{ImportOptions, ImportReport, IoError, RowError};
use chrono::{DateTime, Utc};
use leye_domain::Scope;
use leye_domain::registry::{Kind, REGION_HEADER, Registry};
use leye_skills::SkillsError;
use leye_store::registry::{Mode, RegistryFilter, Saved};
use leye_store::{Actor, Paging, Store, StoreError};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// The columns of a registry's file: its fields, then the region.
pub fn columns(reg: &'static Registry) -> &'static [Column] {
    static CACHE: LazyLock<Mutex<HashMap<&'static str, &'static [Column]>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache.entry(reg.id).or_insert_with(|| {
        let mut cols: Vec<Column> = reg
            .fields
            .iter()
            .map(|f| Column {
                field: f.name,
                header: f.header,
                aliases: f.aliases,
                required: f.required,
                example: f.example,
            })
            .collect();
        cols.push(Column {
            field: "region",
            header: REGION_HEADER,
            aliases: &["区划代码", "所在地区划代码"],
            required: reg.region_from.is_none(),
            example: "330502",
        });
        // One small leak per registry, for the life of the process.
        Box::leak(cols.into_boxed_slice())
    })
}

/// The import template: headers and an example row (valid identifiers computed).
pub fn template(reg: &'static Registry) -> Result<Vec<u8>, IoError> {
    sheet::template(
        &format!("{}导入模板", reg.label),
        columns(reg),
        |c| match reg.field(c.field).map(|f| f.kind) {
            Some(Kind::Person) => Some(crate::example_id_number()),
            Some(Kind::Enterprise | Kind::CreditText) => Some(crate::example_credit_code()),
            _ => None,
        },
    )
}

/// Import a file of a registry: every row checked first; rows upserted by the natural key.
pub async fn import(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    reg: &'static Registry,
    (name, bytes): (&str, &[u8]),
    opts: ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportReport, IoError> {
    let (t, m) = sheet::read(name, bytes, columns(reg))?;
    let (mut good, mut errors) = sheet::check(&t, &m, |row| reg.parse(|f| m.raw(row, f)), None);
    // The same natural key twice in one file: the second row is refused.
    if !reg.key.is_empty() {
        let key_header = reg
            .key
            .iter()
            .map(|k| reg.field(k).map_or(REGION_HEADER, |f| f.header))
            .collect::<Vec<_>>()
            .join("+");
        let mut seen: HashMap<String, usize> = HashMap::new();
        good.retain(|(row, p)| {
            let key: Vec<String> = reg
                .key
                .iter()
                .map(|k| {
                    reg.fields.iter().position(|f| f.name == *k).map_or_else(
                        || format!("{:?}", p.region),
                        |i| format!("{:?}", p.values[i]),
                    )
                })
                .collect();
            let key = key.join("|");
            if let Some(first) = seen.get(&key) {
                errors.push(RowError {
                    row: *row,
                    column: key_header.clone(),
                    value: String::new(),
                    reason: format!("与第{first}行的{key_header}重复"),
                });
                false
            } else {
                seen.insert(key, *row);
                true
            }
        });
        errors.sort_by_key(|e| e.row);
    }
    let (report, good) = match sheet::start(t.rows.len(), (good, errors), opts) {
        Ok(x) => x,
        Err(report) => return Ok(report),
    };
    let mut tx = store.begin().await?;
    let mut w = Written::default();
    for (row, p) in good {
        match leye_skills::save(&mut tx, scope, reg, &p, Mode::Upsert, actor, now).await {
            Ok(Saved::Created(_)) => w.created += 1,
            Ok(Saved::Updated(_)) => w.updated += 1,
            Ok(Saved::Unchanged(_)) => w.unchanged += 1,
            // Refusals found before any statement failed: the transaction is still good.
            Err(SkillsError::Field(e)) | Err(SkillsError::Store(StoreError::Invalid(e))) => {
                let column = if e.field == "region" {
                    REGION_HEADER.to_string()
                } else {
                    reg.field(&e.field)
                        .map_or(e.field.clone(), |f| f.header.to_string())
                };
                w.refused.push(sheet::refused(row, &column, "", e.message));
            }
            Err(SkillsError::Store(e @ StoreError::Forbidden(_))) => {
                w.refused.push(sheet::refused(row, REGION_HEADER, "", e));
            }
            // A statement failed (e.g. a unique value of another row): on PostgreSQL the
            // transaction cannot go on, so the whole file is refused, naming the row.
            Err(SkillsError::Store(e @ StoreError::Duplicate { .. })) => {
                let mut report = report;
                report.rejected = true;
                report.errors.push(sheet::refused(row, "", "", e));
                return Ok(report);
            }
            Err(SkillsError::Store(e)) => return Err(e.into()),
            Err(e) => return Err(IoError::File(e.to_string())),
        }
    }
    sheet::finish(tx, report, w, opts).await
}

/// The rows in scope as an XLSX file (ID numbers masked).
pub async fn export(
    store: &Store,
    scope: &Scope,
    reg: &'static Registry,
    filter: &RegistryFilter,
) -> Result<Vec<u8>, IoError> {
    let mut rows = Vec::new();
    let mut tx = store.begin_read().await?;
    let mut page = 1;
    loop {
        let p = leye_store::registry::list(
            &mut tx,
            scope,
            reg,
            filter,
            Paging::new(Some(page), Some(Paging::MAX_PER_PAGE)),
        )
        .await?;
        let n = p.items.len();
        for r in p.items {
            let mut cells = r.cells;
            cells.push(r.region);
            cells.push(r.region_name);
            rows.push(cells);
        }
        if n < Paging::MAX_PER_PAGE as usize {
            break;
        }
        page += 1;
    }
    tx.commit().await.map_err(StoreError::from)?;
    let mut headers: Vec<&str> = reg.fields.iter().map(|f| f.header).collect();
    headers.extend([REGION_HEADER, "区划名称"]);
    crate::sheet_bytes(reg.label, &headers, &rows)
}
