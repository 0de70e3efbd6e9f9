//! Small helpers for runtime SQL that runs on both backends: numbered placeholders, scope
//! clauses, and reading rows.

use leye_domain::scope::RegionFilter;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe, Row};

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
    OptText(Option<String>),
    OptInt(Option<i64>),
}

/// A WHERE clause under construction, with its arguments in placeholder order.
#[derive(Debug, Default)]
pub(crate) struct Where {
    clauses: Vec<String>,
    pub(crate) args: Vec<Arg>,
}

impl Where {
    /// Register an argument; returns its placeholder (`$3`).
    pub(crate) fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    /// Add a clause built from the placeholder of one argument.
    pub(crate) fn and(&mut self, a: Arg, clause: impl FnOnce(&str) -> String) {
        let p = self.arg(a);
        self.clauses.push(clause(&p));
    }

    /// Add a clause without arguments.
    pub(crate) fn and_raw(&mut self, clause: &str) {
        self.clauses.push(clause.to_string());
    }

    /// Restrict to the caller's scope. `region_col` is the record's region column;
    /// `person` and `enterprise` say how a person or an employer reaches the record (a SQL
    /// condition with `{}` for the id), or `None` when they cannot.
    pub(crate) fn scope(
        &mut self,
        filter: RegionFilter,
        region_col: &str,
        person: Option<&str>,
        enterprise: Option<&str>,
    ) {
        match (filter, person, enterprise) {
            (RegionFilter::All, _, _) => {}
            // A prefix every region of the catalogue has (the city's own scope) holds for every
            // row, since stored regions are catalogue codes: no condition, so that SQL scans
            // no region column for it.
            (RegionFilter::Prefix(p), _, _) if common_region_prefix().starts_with(p.as_str()) => {}
            (RegionFilter::Prefix(p), _, _) => self.and(Arg::Text(format!("{p}%")), |ph| {
                format!("{region_col} LIKE {ph}")
            }),
            (RegionFilter::Person(id), Some(cond), _) => {
                self.and(Arg::Int(id), |ph| cond.replace("{}", ph))
            }
            (RegionFilter::Enterprise(id), _, Some(cond)) => {
                self.and(Arg::Int(id), |ph| cond.replace("{}", ph))
            }
            // Default answer: nothing.
            _ => self.and_raw("1 = 0"),
        }
    }

    /// ` WHERE a AND b` or an empty string.
    pub(crate) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// The longest prefix shared by every region code of the catalogue (`3305` for Huzhou).
fn common_region_prefix() -> &'static str {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PREFIX.get_or_init(|| {
        let mut codes = leye_domain::Regions::huzhou()
            .all()
            .map(|r| r.code.as_str());
        let Some(first) = codes.next() else {
            return String::new();
        };
        let mut len = first.len();
        for c in codes {
            len = first
                .bytes()
                .zip(c.bytes())
                .take(len)
                .take_while(|(a, b)| a == b)
                .count();
        }
        first[..len].to_string()
    })
}

/// A query whose text was assembled here from column names and `$n` placeholders only;
/// user input is always bound, never formatted in. That is the audit `AssertSqlSafe` asks for.
pub(crate) fn q(sql: String, args: &[Arg]) -> Query<'static, Any, AnyArguments> {
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for a in args {
        q = match a {
            Arg::Text(s) => q.bind(s.clone()),
            Arg::Int(i) => q.bind(*i),
            Arg::OptText(s) => q.bind(s.clone()),
            Arg::OptInt(i) => q.bind(*i),
        };
    }
    q
}

/// Escape a user's text for `LIKE ... ESCAPE '\'`.
pub(crate) fn like_contains(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Read helpers that hide the backend's integer/boolean representation.
pub(crate) trait RowExt {
    fn text(&self, col: &str) -> Result<String, sqlx::Error>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, sqlx::Error>;
    fn int(&self, col: &str) -> Result<i64, sqlx::Error>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>, sqlx::Error>;
    fn flag(&self, col: &str) -> Result<bool, sqlx::Error>;
}

impl RowExt for AnyRow {
    fn text(&self, col: &str) -> Result<String, sqlx::Error> {
        self.try_get(col)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>, sqlx::Error> {
        self.try_get(col)
    }
    fn int(&self, col: &str) -> Result<i64, sqlx::Error> {
        self.try_get(col)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>, sqlx::Error> {
        self.try_get(col)
    }
    fn flag(&self, col: &str) -> Result<bool, sqlx::Error> {
        Ok(self.try_get::<i64, _>(col)? != 0)
    }
}

/// `now` as stored: RFC 3339 UTC with seconds.
pub(crate) fn ts(now: chrono::DateTime<chrono::Utc>) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// May this scope write a record located in `region`? (A region scope covers its region.)
pub(crate) fn ensure_covers(
    scope: &leye_domain::Scope,
    region: &str,
) -> Result<(), crate::StoreError> {
    let regions = leye_domain::Regions::huzhou();
    if scope.covers_region(regions, region) {
        Ok(())
    } else {
        Err(crate::StoreError::Forbidden(regions.full_name(region)))
    }
}

/// Count the rows of `from_where` (e.g. `persons p WHERE ...`), then read one page of
/// `select ... from_where ORDER BY order`: the shape every list shares.
pub(crate) async fn page<T>(
    tx: &mut crate::Tx,
    select: &str,
    from_where: &str,
    order: &str,
    w: &Where,
    paging: crate::Paging,
    map: impl Fn(&sqlx::any::AnyRow) -> Result<T, sqlx::Error>,
) -> Result<crate::Page<T>, crate::StoreError> {
    page_counted_to(
        tx,
        (select, from_where, order),
        w,
        paging,
        crate::COUNT_CAP,
        map,
    )
    .await
}

/// [`page`] with the total counted up to `cap`: a bounded pass, however large the list.
async fn page_counted_to<T>(
    tx: &mut crate::Tx,
    (select, from_where, order): (&str, &str, &str),
    w: &Where,
    paging: crate::Paging,
    cap: i64,
    map: impl Fn(&sqlx::any::AnyRow) -> Result<T, sqlx::Error>,
) -> Result<crate::Page<T>, crate::StoreError> {
    let counted = count_to(tx, from_where, w, paging, cap).await?;
    let sql = page_sql(select, from_where, order, paging);
    let rows = q(sql, &w.args).fetch_all(&mut **tx).await?;
    let items = rows.iter().map(map).collect::<Result<_, _>>()?;
    Ok(page_of(items, counted, paging))
}

fn page_of<T>(
    items: Vec<T>,
    (total, total_capped): (i64, bool),
    p: crate::Paging,
) -> crate::Page<T> {
    crate::Page {
        items,
        total,
        total_capped,
        page: p.page,
        per_page: p.per_page,
    }
}

/// The backend a connection (or a transaction, which derefs to one) runs on.
pub(crate) fn backend_of(conn: &crate::Conn) -> crate::Backend {
    if conn.backend_name().eq_ignore_ascii_case("sqlite") {
        crate::Backend::Sqlite
    } else {
        crate::Backend::Postgres
    }
}

/// The rows of `from_where` counted up to `cap` (not counted again when the list is known
/// to be over it): the total shown and whether there are more.
async fn count_to(
    tx: &mut crate::Conn,
    from_where: &str,
    w: &Where,
    paging: crate::Paging,
    cap: i64,
) -> Result<(i64, bool), crate::StoreError> {
    let counted = if paging.over_cap {
        cap + 1
    } else {
        q(
            format!(
                "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM {from_where} LIMIT {}) c",
                cap + 1
            ),
            &w.args,
        )
        .fetch_one(&mut *tx)
        .await?
        .int("n")?
    };
    Ok((counted.min(cap), counted > cap))
}

/// One page of `select ... from_where ORDER BY order`. LIMIT and OFFSET are written as
/// numbers, not bound: SQLite re-prepares a statement every time a parameter its plan looked
/// at is bound again, and it looks at LIMIT's.
fn page_sql(select: &str, from_where: &str, order: &str, paging: crate::Paging) -> String {
    format!(
        "SELECT {select} FROM {from_where} ORDER BY {order} LIMIT {} OFFSET {}",
        paging.per_page,
        (paging.page - 1).saturating_mul(paging.per_page)
    )
}

/// The select list `p.<own>, …, <expression> AS <key>, …` of a [`hot_page`]'s columns.
pub(crate) fn select_list((own, more): (&[&str], &[(&str, &str)])) -> String {
    own.iter()
        .map(|c| format!("p.{c}"))
        .chain(more.iter().map(|(k, e)| format!("{e} AS {k}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// [`page`] for the lists read most (a page of persons: 20 rows of 23 columns), read the
/// way each backend reads it fastest. `own` are columns of the rows chosen (named
/// `p.<column>` in the subquery), `more` are `(key, expression)` pairs computed for the
/// page's rows only (the rows are chosen in a subquery aliased `p`, so `order` names its
/// columns as `p.…`): PostgreSQL computes a correlated subquery of the select list for every
/// row an OFFSET skips.
///
/// - On **SQLite** the page comes back as one JSON text (`json_group_array(json_object(…))`,
///   an array of objects keyed by column name) that serde reads into `T`: the driver's cost is
///   per value (sqlx copies every value of every row through SQLite's worker thread and
///   converts it for `Any`), and it was half of a person list's time.
/// - On **PostgreSQL** the page comes back as rows read by `map`: there the database's
///   `json_build_object`/`json_agg` cost more than the driver's per-value work (pgbench, one
///   client: 0.45–0.67 ms a page as JSON against 0.14–0.18 ms as rows; the HTTP read mix with
///   the database on the same two cores: 5,126 and 5,373 requests/s as rows against 4,202
///   and 4,804 as JSON, BENCHMARKS.md, session 15).
pub(crate) async fn hot_page<T: serde::de::DeserializeOwned>(
    tx: &mut crate::Conn,
    (own, more): (&[&str], &[(&str, &str)]),
    (from_where, order): (&str, &str),
    w: &Where,
    paging: crate::Paging,
    map: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> Result<crate::Page<T>, crate::StoreError> {
    let counted = count_to(tx, from_where, w, paging, crate::COUNT_CAP).await?;
    let chosen = page_sql(&select_list((own, &[])), from_where, order, paging);
    if backend_of(tx) == crate::Backend::Postgres {
        let sql = format!(
            "SELECT {} FROM ({chosen}) p ORDER BY {order}",
            select_list((own, more))
        );
        let items = all(tx, q(sql, &w.args), map).await?;
        return Ok(page_of(items, counted, paging));
    }
    let fields = own
        .iter()
        .map(|c| format!("'{c}', p.{c}"))
        .chain(more.iter().map(|(k, e)| format!("'{k}', {e}")))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT CAST(json_group_array(json_object({fields}) ORDER BY {order}) AS TEXT) AS packed \
         FROM ({chosen}) p"
    );
    let packed = q(sql, &w.args)
        .fetch_one(&mut *tx)
        .await?
        .opt_text("packed")?;
    let items = match packed {
        Some(text) => serde_json::from_str(&text).map_err(|e| {
            crate::StoreError::Db(sqlx::Error::Decode(
                format!("列表的 JSON 无法读取 / cannot read a list's JSON: {e}").into(),
            ))
        })?,
        None => Vec::new(),
    };
    Ok(page_of(items, counted, paging))
}

/// A 0/1 column read from a JSON page ([`hot_page`]) as a flag; `true`/`false` too.
pub(crate) fn json_flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("0, 1, true or false")
        }
        fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<bool, E> {
            Ok(b)
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<bool, E> {
            Ok(n != 0)
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<bool, E> {
            Ok(n != 0)
        }
    }
    d.deserialize_any(Flag)
}

/// Run a query and map the row it finds, if any: the `fetch_optional` + `map` + `transpose`
/// every lookup repeats.
pub(crate) async fn one<T>(
    tx: &mut crate::Tx,
    query: Query<'static, Any, AnyArguments>,
    map: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> Result<Option<T>, crate::StoreError> {
    Ok(query
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| map(&r))
        .transpose()?)
}

/// Run a query and map every row: the `fetch_all` + `map` + `collect` every list repeats.
pub(crate) async fn all<T>(
    tx: &mut crate::Conn,
    query: Query<'static, Any, AnyArguments>,
    map: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, crate::StoreError> {
    use futures_util::TryStreamExt;
    // Row by row: holding a whole result as `AnyRow`s first (every row with its own copy of
    // the column names) made the monitoring refresh's read of every enterprise's monthly
    // headcounts peak at 1.6 GiB in the full city.
    let mut rows = query.fetch(&mut *tx);
    let mut out = Vec::new();
    while let Some(r) = rows.try_next().await? {
        out.push(map(&r)?);
    }
    Ok(out)
}

/// `SELECT <line joined by newlines> AS packed ...` for the backend (`group_concat` /
/// `string_agg`): a batch of rows comes back as one text, because the drivers' cost is per row.
pub(crate) fn joined(backend: crate::Backend, line: &str, rest: &str) -> String {
    match backend {
        crate::Backend::Sqlite => format!("SELECT group_concat({line}, char(10)) AS packed {rest}"),
        crate::Backend::Postgres => format!("SELECT string_agg({line}, chr(10)) AS packed {rest}"),
    }
}

/// The `packed` text of a [`joined`] query (empty when no row matched).
pub(crate) async fn packed_text(
    tx: &mut crate::Tx,
    sql: String,
    args: &[Arg],
) -> Result<String, crate::StoreError> {
    let row = q(sql, args).fetch_one(&mut **tx).await?;
    Ok(row.opt_text("packed")?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Totals are exact up to the cap and say "more" past it; a reader paging through
    /// everything reads every row either way.
    #[tokio::test]
    async fn totals_are_counted_up_to_the_cap() {
        let t = crate::TempStore::new("count-cap").await;
        let mut tx = t.store.begin_read().await.unwrap();
        let all: i64 = sqlx::query("SELECT COUNT(*) AS n FROM regions")
            .fetch_one(&mut *tx)
            .await
            .unwrap()
            .int("n")
            .unwrap();
        assert!(all > 100, "{all}");
        let w = Where::default();
        let read = async |tx: &mut crate::Tx, cap: i64, over_cap: bool| {
            let mut seen = Vec::new();
            let mut first = None;
            for page in 1.. {
                let p = page_counted_to(
                    tx,
                    ("r.code AS code", "regions r", "r.code"),
                    &w,
                    crate::Paging {
                        over_cap,
                        ..crate::Paging::new(Some(page), Some(40))
                    },
                    cap,
                    |r| r.text("code"),
                )
                .await
                .unwrap();
                let more = p.more_after(seen.len() as i64 + p.items.len() as i64);
                first.get_or_insert((p.total, p.total_capped));
                seen.extend(p.items);
                if !more {
                    break;
                }
            }
            (first.unwrap(), seen.len() as i64)
        };
        assert_eq!(read(&mut tx, 10, false).await, ((10, true), all));
        assert_eq!(read(&mut tx, all, false).await, ((all, false), all));
        assert_eq!(read(&mut tx, all - 1, false).await, ((all - 1, true), all));
        // A list the caller saw over the cap is not counted again: it says "more" (here
        // wrongly, which shows it was not counted) and is still read whole.
        assert_eq!(read(&mut tx, all, true).await, ((all, true), all));
        tx.commit().await.unwrap();
    }
}
