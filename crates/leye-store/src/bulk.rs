//! Bulk loading for the synthetic city: many rows per statement, all in one transaction, one
//! audit row for the whole load. Only an empty registry can be bulk-loaded (ids are given by
//! the generator so that rows can refer to each other), and a load that stops half way
//! (error, crash, `kill -9`) leaves nothing behind.

use crate::sql::ts;
use crate::{Actor, Backend, Store, StoreError, Tx, audit};
use sqlx::Arguments;

/// A value of a bulk row.
#[derive(Debug, Clone)]
pub enum Cell {
    Int(i64),
    Text(String),
    Null,
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}
impl From<bool> for Cell {
    fn from(v: bool) -> Self {
        Cell::Int(i64::from(v))
    }
}
impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(v)
    }
}
impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(v.to_string())
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Null, Into::into)
    }
}

/// The tables a bulk load may fill, with their columns in row order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkTable {
    /// id, credit_code, name, industry, region, registered_investment_fen, scale,
    /// designated_key, designation_reason
    Enterprises,
    /// enterprise_id, month, headcount
    Headcount,
    /// id, id_number, name, sex, birth_date, phone, hukou_region, residence_region, address,
    /// education, school, graduation_date, disability_grade, veteran, poverty_alleviated,
    /// assistance, urban, labour_status, labour_since
    Persons,
    /// Persons of an import, ids given by the database: id_number, name, sex, birth_date,
    /// phone, hukou_region, residence_region, address, education, school, graduation_date,
    /// disability_grade, veteran, poverty_alleviated, assistance, urban
    NewPersons,
    /// id, region, urban, business_income, income_band
    Households,
    /// household_id, person_id, relation
    Members,
    /// person_id, status, effective, enterprise_id, benefit_months
    LabourEvents,
}

impl BulkTable {
    /// Table, columns given by the caller, and columns the loader stamps (with the time or
    /// the loader's name).
    fn sql(self) -> (&'static str, &'static [&'static str], &'static [Stamp]) {
        match self {
            BulkTable::Enterprises => (
                "enterprises",
                &[
                    "id",
                    "credit_code",
                    "name",
                    "industry",
                    "region",
                    "registered_investment_fen",
                    "scale",
                    "designated_key",
                    "designation_reason",
                ],
                CREATED,
            ),
            BulkTable::Headcount => (
                "enterprise_headcount",
                &["enterprise_id", "month", "headcount"],
                &[],
            ),
            BulkTable::Persons => (
                "persons",
                &[
                    "id",
                    "id_number",
                    "name",
                    "sex",
                    "birth_date",
                    "phone",
                    "hukou_region",
                    "residence_region",
                    "address",
                    "education",
                    "school",
                    "graduation_date",
                    "disability_grade",
                    "veteran",
                    "poverty_alleviated",
                    "assistance",
                    "urban",
                    "labour_status",
                    "labour_since",
                ],
                CREATED,
            ),
            BulkTable::NewPersons => (
                "persons",
                &[
                    "id_number",
                    "name",
                    "sex",
                    "birth_date",
                    "phone",
                    "hukou_region",
                    "residence_region",
                    "address",
                    "education",
                    "school",
                    "graduation_date",
                    "disability_grade",
                    "veteran",
                    "poverty_alleviated",
                    "assistance",
                    "urban",
                ],
                CREATED,
            ),
            BulkTable::Households => (
                "households",
                &["id", "region", "urban", "business_income", "income_band"],
                CREATED,
            ),
            BulkTable::Members => (
                "household_members",
                &["household_id", "person_id", "relation"],
                &[],
            ),
            BulkTable::LabourEvents => (
                "labour_events",
                &[
                    "person_id",
                    "status",
                    "effective",
                    "enterprise_id",
                    "benefit_months",
                ],
                &[Stamp::Now("recorded_at"), Stamp::Loader("recorded_by")],
            ),
        }
    }
}

/// A column the loader fills.
#[derive(Debug, Clone, Copy)]
enum Stamp {
    Now(&'static str),
    Loader(&'static str),
}

const CREATED: &[Stamp] = &[Stamp::Now("created_at"), Stamp::Now("updated_at")];

/// An open bulk load: write rows table by table, then [`BulkLoad::finish`].
pub struct BulkLoad {
    tx: Tx,
    now: String,
    backend: Backend,
    loader: String,
    rows: u64,
}

impl Store {
    /// Start a bulk load into an empty registry; `loader` names it in `recorded_by` columns.
    pub async fn bulk_load(
        &self,
        loader: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<BulkLoad, StoreError> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM persons) + (SELECT COUNT(*) FROM enterprises) \
             + (SELECT COUNT(*) FROM households) AS n",
        )
        .fetch_one(&mut *tx)
        .await?;
        let n: i64 = sqlx::Row::try_get(&n, "n")?;
        if n > 0 {
            return Err(StoreError::Config(
                "数据库中已有登记数据;合成城市只能写入空库(请换一个数据库文件)".into(),
            ));
        }
        Ok(BulkLoad {
            tx,
            now: ts(now),
            backend: self.backend(),
            loader: loader.to_string(),
            rows: 0,
        })
    }
}

/// Bound parameters per statement: large enough to amortise round trips, small enough for
/// both backends' limits.
const MAX_PARAMS: usize = 4_000;

/// The values a bulk insert stamps into every row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stamps<'a> {
    pub now: &'a str,
    pub loader: &'a str,
}

/// Insert rows into `table` inside the caller's transaction, many rows per statement.
pub(crate) async fn insert_rows(
    tx: &mut Tx,
    backend: Backend,
    table: BulkTable,
    stamp: Stamps<'_>,
    rows: Vec<Vec<Cell>>,
) -> Result<(), StoreError> {
    let (name, cols, stamps) = table.sql();
    let per_row = cols.len() + stamps.len();
    let chunk = (MAX_PARAMS / per_row).max(1);
    let mut col_list = cols.join(", ");
    for s in stamps {
        col_list.push_str(", ");
        col_list.push_str(match s {
            Stamp::Now(c) | Stamp::Loader(c) => c,
        });
    }
    // SQLite takes positional `?`; PostgreSQL numbered `$n`.
    let sqlite = backend == Backend::Sqlite;
    let placeholder = |sql: &mut String, n: usize| {
        if sqlite {
            sql.push('?');
        } else {
            sql.push('$');
            sql.push_str(&n.to_string());
        }
    };
    // On SQLite, values are written as SQL literals (quotes doubled, NUL dropped) and the
    // statement run unprepared: binding ~4000 values through the driver costs three times
    // what SQLite takes to parse them. PostgreSQL binds, as everywhere else.
    let literal = sqlite;
    let mut rows = rows.into_iter().peekable();
    let (mut build, mut exec) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
    while rows.peek().is_some() {
        let t0 = std::time::Instant::now();
        let part: Vec<Vec<Cell>> = rows.by_ref().take(chunk).collect();
        let mut sql = String::with_capacity(part.len() * per_row * 6 + 100);
        sql.push_str("INSERT INTO ");
        sql.push_str(name);
        sql.push_str(" (");
        sql.push_str(&col_list);
        sql.push_str(") VALUES ");
        let mut args = sqlx::any::AnyArguments::default();
        let mut n = 0;
        for (i, row) in part.into_iter().enumerate() {
            if row.len() != cols.len() {
                return Err(StoreError::Config(format!(
                    "{name}: 每行应有{}列,实际{}列",
                    cols.len(),
                    row.len()
                )));
            }
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for (j, c) in row.into_iter().enumerate() {
                if j > 0 {
                    sql.push_str(", ");
                }
                match c {
                    Cell::Null => sql.push_str("NULL"),
                    Cell::Int(v) if literal => sql.push_str(&v.to_string()),
                    Cell::Int(v) => {
                        args.add(v).map_err(|e| StoreError::Config(e.to_string()))?;
                        n += 1;
                        placeholder(&mut sql, n);
                    }
                    Cell::Text(v) if literal => {
                        sql.push('\'');
                        for ch in v.chars() {
                            if ch == '\'' {
                                sql.push('\'');
                            }
                            if ch != '\0' {
                                sql.push(ch);
                            }
                        }
                        sql.push('\'');
                    }
                    Cell::Text(v) => {
                        let v = if v.contains('\0') {
                            v.replace('\0', "")
                        } else {
                            v
                        };
                        args.add(v).map_err(|e| StoreError::Config(e.to_string()))?;
                        n += 1;
                        placeholder(&mut sql, n);
                    }
                }
            }
            for s in stamps {
                sql.push_str(", ");
                if literal {
                    sql.push('\'');
                    sql.push_str(match s {
                        Stamp::Now(_) => stamp.now,
                        Stamp::Loader(_) => stamp.loader,
                    });
                    sql.push('\'');
                    continue;
                }
                args.add(match s {
                    Stamp::Now(_) => stamp.now.to_string(),
                    Stamp::Loader(_) => stamp.loader.to_string(),
                })
                .map_err(|e| StoreError::Config(e.to_string()))?;
                n += 1;
                placeholder(&mut sql, n);
            }
            sql.push(')');
        }
        let t1 = std::time::Instant::now();
        build += t1 - t0;
        if literal {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut **tx)
                .await?;
        } else {
            sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
                .execute(&mut **tx)
                .await?;
        }
        exec += t1.elapsed();
    }
    tracing::debug!(
        table = name,
        build = build.as_secs_f64(),
        exec = exec.as_secs_f64(),
        "bulk insert"
    );
    Ok(())
}

impl BulkLoad {
    /// Insert rows into `table`; each row has the table's columns in order.
    pub async fn insert(
        &mut self,
        table: BulkTable,
        rows: Vec<Vec<Cell>>,
    ) -> Result<(), StoreError> {
        let stamps = Stamps {
            now: &self.now,
            loader: &self.loader,
        };
        self.rows += rows.len() as u64;
        insert_rows(&mut self.tx, self.backend, table, stamps, rows).await
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Commit the load with one audit row; on PostgreSQL move the id sequences past the ids
    /// given.
    pub async fn finish(mut self, actor: &Actor, detail: &str) -> Result<u64, StoreError> {
        if self.backend == Backend::Postgres {
            for t in ["persons", "households", "enterprises"] {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
                )))
                .execute(&mut *self.tx)
                .await?;
            }
        }
        let now = chrono::DateTime::parse_from_rfc3339(&self.now)
            .map(|d| d.with_timezone(&chrono::Utc))
            .map_err(|e| StoreError::Config(e.to_string()))?;
        audit::record(&mut self.tx, now, actor, "bulk_load", "registry", 0, detail).await?;
        self.tx.commit().await?;
        Ok(self.rows)
    }
}

impl Store {
    /// Record an event of a system job (an unmasked export, ...) in the audit log.
    pub async fn record_system_event(
        &self,
        actor: &Actor,
        action: &str,
        entity: &str,
        detail: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        audit::record(&mut tx, now, actor, action, entity, 0, detail).await?;
        tx.commit().await?;
        Ok(())
    }
}
