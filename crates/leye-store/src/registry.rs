//! Any [`Registry`] (名录), the SQL side: resolve a parsed row's references (an ID number to
//! a person, a credit code to an enterprise, a name to a row of another registry), write it
//! (create, or upsert by its natural key for imports) with an audit row, and read it back for
//! lists, exports and counts — people's names with their ID numbers masked.
//!
//! Table and column names come from the static registry descriptions, never from input;
//! every value is bound.

use crate::sql::{Arg, RowExt, Where, ensure_covers, page, q, ts};
use crate::{Actor, Page, Paging, StoreError, Tx, audit};
use leye_domain::registry::{Kind, Parsed, Registry, Value, label_of};
use leye_domain::{FieldError, Regions, Scope};

/// A row as people read it: one display text per field (labels for codes, names for
/// references, masked ID numbers), its region and when it was last written.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RegistryRow {
    pub id: i64,
    pub region: String,
    pub region_name: String,
    pub cells: Vec<String>,
    pub updated_at: String,
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created(i64),
    Updated(i64),
    Unchanged(i64),
}

impl Saved {
    pub fn id(self) -> i64 {
        match self {
            Saved::Created(i) | Saved::Updated(i) | Saved::Unchanged(i) => i,
        }
    }
}

/// Create only (a form: an existing key is an error), upsert by the key (an import), or
/// update one row by its id (its edit form; the key may change, not onto another row's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Create,
    Upsert,
    Update(i64),
}

fn is_int(k: Kind) -> bool {
    matches!(
        k,
        Kind::Int(..) | Kind::Money | Kind::Flag | Kind::Person | Kind::Enterprise | Kind::Ref(..)
    )
}

/// A referenced row's id and region, by a unique column (every column a registry refers to by
/// is UNIQUE in its table).
async fn lookup(
    tx: &mut Tx,
    table: &str,
    col: &str,
    value: &str,
) -> Result<Option<(i64, String)>, StoreError> {
    let region = if table == "persons" {
        "residence_region"
    } else {
        "region"
    };
    crate::sql::one(
        tx,
        q(
            format!("SELECT id, {region} AS region FROM {table} WHERE {col} = $1"),
            &[Arg::Text(value.to_string())],
        ),
        |r| Ok((r.int("id")?, r.text("region")?)),
    )
    .await
}

/// The row's values as bound arguments (references resolved) and its region.
pub(crate) async fn resolve(
    tx: &mut Tx,
    reg: &Registry,
    p: &Parsed,
) -> Result<(Vec<Arg>, String), StoreError> {
    let mut args = Vec::with_capacity(p.values.len());
    let mut regions: Vec<Option<String>> = Vec::with_capacity(p.values.len());
    for (f, v) in reg.fields.iter().zip(&p.values) {
        let missing =
            |what: String| StoreError::Invalid(FieldError::new(f.name, "not_found", what));
        let (arg, region) = match v {
            Value::Null if is_int(f.kind) => (Arg::OptInt(None), None),
            Value::Null => (Arg::OptText(None), None),
            Value::Text(code) if f.kind == Kind::Occupation => {
                crate::jobs::check_occupation(tx, f.name, code, true).await?;
                (Arg::Text(code.clone()), None)
            }
            Value::Text(s) => (Arg::Text(s.clone()), None),
            Value::Int(i) => (Arg::Int(*i), None),
            Value::Person(id) => {
                let (id, r) = lookup(tx, "persons", "id_number", id)
                    .await?
                    .ok_or_else(|| {
                        missing(format!(
                            "{}“{}”不在人员库中,请先登记该人员",
                            f.header,
                            leye_domain::field::mask_id_number(id)
                        ))
                    })?;
                (Arg::Int(id), Some(r))
            }
            Value::Enterprise(code) => {
                let (id, r) = lookup(tx, "enterprises", "credit_code", code)
                    .await?
                    .ok_or_else(|| missing(format!("统一社会信用代码为“{code}”的企业未登记")))?;
                (Arg::Int(id), Some(r))
            }
            Value::Ref(table, title, name) => {
                let (id, r) = lookup(tx, table, title, name)
                    .await?
                    .ok_or_else(|| missing(format!("{}“{name}”不存在,请先登记", f.header)))?;
                (Arg::Int(id), Some(r))
            }
        };
        args.push(arg);
        regions.push(region);
    }
    // Given, or taken from the row, person or enterprise the registry says it follows.
    let from = reg
        .region_from
        .and_then(|from| reg.fields.iter().position(|f| f.name == from))
        .and_then(|i| regions[i].clone());
    let region = p.region.clone().or(from).ok_or_else(|| {
        StoreError::Invalid(FieldError::new(
            "region",
            "required",
            format!("请填写{}", leye_domain::registry::REGION_HEADER),
        ))
    })?;
    Ok((args, region))
}

/// The natural key's clause; `region` in a key is the row's region (a village is registered
/// once).
fn key_where(reg: &Registry, args: &[Arg], region: &str, w: &mut Where) {
    for k in reg.key {
        if *k == "region" {
            w.and(Arg::Text(region.to_string()), |ph| {
                format!("t.region = {ph}")
            });
        } else if let Some(i) = reg.fields.iter().position(|f| f.name == *k) {
            w.and(args[i].clone(), |ph| format!("t.{k} = {ph}"));
        }
    }
}

fn same(a: &Arg, row: &sqlx::any::AnyRow, col: &str) -> Result<bool, sqlx::Error> {
    Ok(match a {
        Arg::Text(s) => row.opt_text(col)?.as_deref() == Some(s.as_str()),
        Arg::OptText(s) => row.opt_text(col)? == *s,
        Arg::Int(i) => row.opt_int(col)? == Some(*i),
        Arg::OptInt(i) => row.opt_int(col)? == *i,
    })
}

/// Write a parsed row: create it, or (upsert) update the row with the same key. The region
/// must be in the caller's scope, and so must the row it replaces. Audited.
pub async fn save(
    tx: &mut Tx,
    scope: &Scope,
    reg: &Registry,
    p: &Parsed,
    mode: Mode,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Saved, StoreError> {
    let (args, region) = resolve(tx, reg, p).await?;
    ensure_covers(scope, &region)?;
    let cols: Vec<&str> = reg.fields.iter().map(|f| f.name).collect();
    let select = format!(
        "SELECT t.id, t.region, {} FROM {} t",
        cols.iter()
            .map(|c| format!("t.{c}"))
            .collect::<Vec<_>>()
            .join(", "),
        reg.table
    );
    let mut w = Where::default();
    key_where(reg, &args, &region, &mut w);
    let by_key = q(format!("{select}{}", w.sql()), &w.args)
        .fetch_optional(&mut **tx)
        .await?;
    let keys = || {
        reg.key
            .iter()
            .map(|k| {
                reg.field(k)
                    .map_or(leye_domain::registry::REGION_HEADER, |f| f.header)
            })
            .collect::<Vec<_>>()
            .join("+")
    };
    let field = reg.key.first().copied().unwrap_or("id");
    let existing = match mode {
        Mode::Update(id) => {
            if let Some(other) = &by_key
                && other.int("id")? != id
            {
                return Err(StoreError::Duplicate {
                    field,
                    message: format!("已有另一条{}使用相同的{}", reg.label, keys()),
                });
            }
            let row = q(format!("{select} WHERE t.id = $1"), &[Arg::Int(id)])
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(StoreError::NotFound { entity: "记录" })?;
            Some(row)
        }
        _ => by_key,
    };
    let stamp = ts(now);
    let summary = summary(reg, p);
    if let Some(row) = existing {
        let id = row.int("id")?;
        if mode == Mode::Create {
            return Err(StoreError::Duplicate {
                field,
                message: format!(
                    "该{}已登记(相同的{}),如需修改请在该记录的页面修改或用导入更新",
                    reg.label,
                    keys()
                ),
            });
        }
        ensure_covers(scope, &row.text("region")?)?;
        let mut unchanged = row.text("region")? == region;
        for (a, c) in args.iter().zip(&cols) {
            unchanged &= same(a, &row, c)?;
        }
        if unchanged {
            return Ok(Saved::Unchanged(id));
        }
        let sets: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect();
        let n = cols.len();
        let mut all = args.clone();
        all.extend([Arg::Text(region), Arg::Text(stamp), Arg::Int(id)]);
        q(
            format!(
                "UPDATE {} SET {}, region = ${}, updated_at = ${} WHERE id = ${}",
                reg.table,
                sets.join(", "),
                n + 1,
                n + 2,
                n + 3
            ),
            &all,
        )
        .execute(&mut **tx)
        .await?;
        audit::record(tx, now, actor, "registry_update", reg.table, id, &summary).await?;
        return Ok(Saved::Updated(id));
    }
    let n = cols.len();
    let placeholders: Vec<String> = (1..=n + 4).map(|i| format!("${i}")).collect();
    let mut all = args;
    all.extend([
        Arg::Text(region),
        Arg::Text(actor.name.clone()),
        Arg::Text(stamp.clone()),
        Arg::Text(stamp),
    ]);
    let id = q(
        format!(
            "INSERT INTO {} ({}, region, created_by, created_at, updated_at) VALUES ({}) RETURNING id",
            reg.table,
            cols.join(", "),
            placeholders.join(", ")
        ),
        &all,
    )
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(tx, now, actor, "registry_create", reg.table, id, &summary).await?;
    Ok(Saved::Created(id))
}

/// What the audit log says of a row: its registry and title (never an ID number).
fn summary(reg: &Registry, p: &Parsed) -> String {
    let title = reg
        .fields
        .iter()
        .position(|f| f.name == reg.title)
        .and_then(|i| match &p.values[i] {
            Value::Text(s) | Value::Ref(_, _, s) => Some(s.clone()),
            Value::Int(n) => Some(n.to_string()),
            _ => None,
        })
        .unwrap_or_default();
    format!("{} {title}", reg.label)
}

/// The SELECT list and joins that turn stored values into display values.
fn display_sql(reg: &Registry) -> (String, String) {
    let mut sel = vec![
        "t.id".to_string(),
        "t.region".to_string(),
        "t.updated_at".to_string(),
    ];
    let mut joins = String::new();
    for (i, f) in reg.fields.iter().enumerate() {
        let c = f.name;
        match f.kind {
            Kind::Person => {
                joins.push_str(&format!(" LEFT JOIN persons j{i} ON j{i}.id = t.{c}"));
                sel.push(format!("j{i}.name AS c{i}"));
                sel.push(format!("j{i}.id_number AS m{i}"));
            }
            Kind::Enterprise => {
                joins.push_str(&format!(" LEFT JOIN enterprises j{i} ON j{i}.id = t.{c}"));
                sel.push(format!("j{i}.name AS c{i}"));
            }
            Kind::Ref(table, title) => {
                joins.push_str(&format!(" LEFT JOIN {table} j{i} ON j{i}.id = t.{c}"));
                sel.push(format!("j{i}.{title} AS c{i}"));
            }
            _ => sel.push(format!("t.{c} AS c{i}")),
        }
    }
    (sel.join(", "), format!("{} t{joins}", reg.table))
}

fn read_row(reg: &Registry, r: &sqlx::any::AnyRow) -> Result<RegistryRow, sqlx::Error> {
    let mut cells = Vec::with_capacity(reg.fields.len());
    for (i, f) in reg.fields.iter().enumerate() {
        let c = format!("c{i}");
        let text = match f.kind {
            Kind::Int(..) => r.opt_int(&c)?.map(|n| n.to_string()),
            Kind::Money => r
                .opt_int(&c)?
                .map(|n| leye_domain::Money::from_fen(n).to_string()),
            Kind::Flag => r
                .opt_int(&c)?
                .map(|n| label_of(f.kind, &n.to_string()).to_string()),
            Kind::Person => r.opt_text(&c)?.map(|name| {
                let masked = r
                    .opt_text(&format!("m{i}"))
                    .ok()
                    .flatten()
                    .map(|m| leye_domain::field::mask_id_number(&m))
                    .unwrap_or_default();
                format!("{name}({masked})")
            }),
            Kind::Choice(_) | Kind::Level => r
                .opt_text(&c)?
                .map(|code| label_of(f.kind, &code).to_string()),
            _ => r.opt_text(&c)?,
        };
        cells.push(text.unwrap_or_default());
    }
    let region = r.text("region")?;
    Ok(RegistryRow {
        id: r.int("id")?,
        region_name: Regions::huzhou().full_name(&region),
        region,
        cells,
        updated_at: r.text("updated_at")?,
    })
}

/// Filters of a list.
#[derive(Debug, Clone, Default)]
pub struct RegistryFilter {
    /// Text in the title field.
    pub q: Option<String>,
    /// Within this region (also bounded by the scope).
    pub region: Option<String>,
}

/// Rows in the caller's scope, newest first.
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    reg: &Registry,
    filter: &RegistryFilter,
    paging: Paging,
) -> Result<Page<RegistryRow>, StoreError> {
    let mut w = Where::default();
    w.scope(scope.filter(Regions::huzhou()), "t.region", None, None);
    if let Some(r) = filter.region.as_deref().filter(|r| !r.is_empty()) {
        w.and(Arg::Text(format!("{r}%")), |ph| {
            format!("t.region LIKE {ph}")
        });
    }
    if let Some(text) = filter.q.as_deref().filter(|s| !s.trim().is_empty()) {
        let i = reg
            .fields
            .iter()
            .position(|f| f.name == reg.title)
            .unwrap_or(0);
        let col = match reg.fields.get(i).map(|f| f.kind) {
            Some(Kind::Person | Kind::Enterprise) => format!("j{i}.name"),
            Some(Kind::Ref(_, title)) => format!("j{i}.{title}"),
            _ => format!("t.{}", reg.title),
        };
        w.and(Arg::Text(crate::sql::like_contains(text.trim())), |ph| {
            format!("{col} LIKE {ph} ESCAPE '\\'")
        });
    }
    let (select, from) = display_sql(reg);
    page(
        tx,
        &select,
        &format!("{from}{}", w.sql()),
        "t.id DESC",
        &w,
        paging,
        |r| read_row(reg, r),
    )
    .await
}

/// One row in the caller's scope.
pub async fn get(
    tx: &mut Tx,
    scope: &Scope,
    reg: &Registry,
    id: i64,
) -> Result<RegistryRow, StoreError> {
    let mut w = Where::default();
    w.and(Arg::Int(id), |ph| format!("t.id = {ph}"));
    w.scope(scope.filter(Regions::huzhou()), "t.region", None, None);
    let (select, from) = display_sql(reg);
    crate::sql::one(
        tx,
        q(format!("SELECT {select} FROM {from}{}", w.sql()), &w.args),
        |r| read_row(reg, r),
    )
    .await?
    .ok_or(StoreError::NotFound { entity: "记录" })
}

/// Rows counted per region and month of `date_col` within `[from, to]` (dates), where every
/// `(column, code)` of `only` holds: what the indicators add up.
pub async fn counts_by_month(
    tx: &mut Tx,
    table: &str,
    date_col: &str,
    only: &[(&str, &str)],
    (from, to): (&str, &str),
) -> Result<Vec<(String, String, i64)>, StoreError> {
    let mut w = Where::default();
    w.and(Arg::Text(from.to_string()), |ph| {
        format!("{date_col} >= {ph}")
    });
    w.and(Arg::Text(to.to_string()), |ph| {
        format!("{date_col} <= {ph}")
    });
    for (col, code) in only {
        w.and(Arg::Text((*code).to_string()), |ph| format!("{col} = {ph}"));
    }
    let sql = format!(
        "SELECT region, substr({date_col}, 1, 7) AS month, COUNT(*) AS n FROM {table}{} \
         GROUP BY region, substr({date_col}, 1, 7)",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), |r| {
        Ok((r.text("region")?, r.text("month")?, r.int("n")?))
    })
    .await
}

/// Certificates issued in `[from, to]` (dates): person, day, level (none for 专项职业能力) and
/// region, by person and day — what the new-skilled-talent rule reads.
pub async fn certificates_between(
    tx: &mut Tx,
    from: &str,
    to: &str,
) -> Result<Vec<(i64, String, Option<String>, String)>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT person_id, certified_on, skill_level, region FROM certifications \
             WHERE certified_on >= $1 AND certified_on <= $2 ORDER BY person_id, certified_on, id"
                .into(),
            &[Arg::Text(from.to_string()), Arg::Text(to.to_string())],
        ),
        |r| {
            Ok((
                r.int("person_id")?,
                r.text("certified_on")?,
                r.opt_text("skill_level")?,
                r.text("region")?,
            ))
        },
    )
    .await
}

/// Rows in scope of `table` grouped by a text column: (value, rows, sum of `sum_col`), largest
/// sum first — e.g. startup loans by partner bank.
pub async fn sums_by(
    tx: &mut Tx,
    scope: &Scope,
    reg: &Registry,
    group_col: &str,
    sum_col: &str,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    // Only columns of the registry's own description.
    if reg.field(group_col).is_none() || reg.field(sum_col).is_none() {
        return Ok(Vec::new());
    }
    let mut w = Where::default();
    w.scope(scope.filter(Regions::huzhou()), "t.region", None, None);
    let sql = format!(
        "SELECT t.{group_col} AS g, COUNT(*) AS n, CAST(SUM(t.{sum_col}) AS BIGINT) AS s FROM {} t{} \
         GROUP BY t.{group_col} ORDER BY s DESC, g",
        reg.table,
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), |r| {
        Ok((r.text("g")?, r.int("n")?, r.int("s")?))
    })
    .await
}

/// The SELECT of rows as a form holds them (codes, dates, yuan, ID numbers, credit codes,
/// the names of referenced rows).
fn raw_sql(reg: &Registry) -> (String, String) {
    let mut sel = vec!["t.id".to_string(), "t.region".to_string()];
    let mut joins = String::new();
    for (i, f) in reg.fields.iter().enumerate() {
        let c = f.name;
        match f.kind {
            Kind::Person => {
                joins.push_str(&format!(" LEFT JOIN persons j{i} ON j{i}.id = t.{c}"));
                sel.push(format!("j{i}.id_number AS c{i}"));
            }
            Kind::Enterprise => {
                joins.push_str(&format!(" LEFT JOIN enterprises j{i} ON j{i}.id = t.{c}"));
                sel.push(format!("j{i}.credit_code AS c{i}"));
            }
            Kind::Ref(table, title) => {
                joins.push_str(&format!(" LEFT JOIN {table} j{i} ON j{i}.id = t.{c}"));
                sel.push(format!("j{i}.{title} AS c{i}"));
            }
            _ => sel.push(format!("t.{c} AS c{i}")),
        }
    }
    (sel.join(", "), format!("{} t{joins}", reg.table))
}

fn raw_row(
    reg: &Registry,
    row: &sqlx::any::AnyRow,
) -> Result<std::collections::HashMap<&'static str, String>, sqlx::Error> {
    let mut out = std::collections::HashMap::new();
    out.insert("id", row.int("id")?.to_string());
    out.insert("region", row.text("region")?);
    for (i, f) in reg.fields.iter().enumerate() {
        let c = format!("c{i}");
        let v = match f.kind {
            Kind::Int(..) | Kind::Flag => row.opt_int(&c)?.map(|n| n.to_string()),
            Kind::Money => row
                .opt_int(&c)?
                .map(|n| leye_domain::Money::from_fen(n).to_string()),
            _ => row.opt_text(&c)?,
        };
        out.insert(f.name, v.unwrap_or_default());
    }
    Ok(out)
}

/// A row's values as a form holds them, for its edit form. ID numbers are for the server to
/// keep a person unchanged; the page never shows them.
pub async fn raw_values(
    tx: &mut Tx,
    scope: &Scope,
    reg: &Registry,
    id: i64,
) -> Result<std::collections::HashMap<&'static str, String>, StoreError> {
    let (select, from) = raw_sql(reg);
    let mut w = Where::default();
    w.and(Arg::Int(id), |ph| format!("t.id = {ph}"));
    w.scope(scope.filter(Regions::huzhou()), "t.region", None, None);
    crate::sql::one(
        tx,
        q(format!("SELECT {select} FROM {from}{}", w.sql()), &w.args),
        |r| raw_row(reg, r),
    )
    .await?
    .ok_or(StoreError::NotFound { entity: "记录" })
}

/// The rows in scope as a form holds them, newest first (at most `limit`): what rules that
/// read a registry's records work from.
pub async fn raw_rows(
    tx: &mut Tx,
    scope: &Scope,
    reg: &Registry,
    limit: i64,
) -> Result<Vec<std::collections::HashMap<&'static str, String>>, StoreError> {
    let (select, from) = raw_sql(reg);
    let mut w = Where::default();
    w.scope(scope.filter(Regions::huzhou()), "t.region", None, None);
    // A number, not a parameter (see `sql::page`).
    let sql = format!(
        "SELECT {select} FROM {from}{} ORDER BY t.id DESC LIMIT {limit}",
        w.sql()
    );
    let rows = q(sql, &w.args).fetch_all(&mut **tx).await?;
    Ok(rows
        .iter()
        .map(|r| raw_row(reg, r))
        .collect::<Result<_, _>>()?)
}

/// The distinct regions of a registry's rows in scope.
pub async fn regions_of(
    tx: &mut Tx,
    scope: &Scope,
    reg: &Registry,
) -> Result<Vec<String>, StoreError> {
    let mut w = Where::default();
    w.scope(scope.filter(Regions::huzhou()), "t.region", None, None);
    crate::sql::all(
        tx,
        q(
            format!(
                "SELECT DISTINCT t.region AS region FROM {} t{}",
                reg.table,
                w.sql()
            ),
            &w.args,
        ),
        |r| r.text("region"),
    )
    .await
}

/// How many rows of a registry are in scope.
pub async fn count(tx: &mut Tx, scope: &Scope, reg: &Registry) -> Result<i64, StoreError> {
    let mut w = Where::default();
    w.scope(scope.filter(Regions::huzhou()), "t.region", None, None);
    Ok(q(
        format!("SELECT COUNT(*) AS n FROM {} t{}", reg.table, w.sql()),
        &w.args,
    )
    .fetch_one(&mut **tx)
    .await?
    .int("n")?)
}
