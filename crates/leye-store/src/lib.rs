//! Persistence of 乐业 (leye): the only crate that speaks SQL.
//!
//! One repository API over SQLite (the embedded default) and PostgreSQL (scale-out), through
//! sqlx's `Any` driver with runtime queries and `$n` placeholders. Each backend has its own
//! migration folder; the same integration tests run on both.
//!
//! Rules every function here keeps:
//! - it takes the caller's [`Scope`] and filters by it (the decision is
//!   [`Scope::filter`], which defaults to nothing);
//! - it writes the audit row in the same transaction as the change;
//! - it never reads the clock: the caller passes `now`.

mod applications;
mod audit;
mod backup;
mod bulk;
mod enterprises;
mod error;
mod gig;
mod help;
mod households;
mod jobs;
mod market;
mod monitor;
mod offers;
mod payments;
mod persons;
mod recruitment;
pub mod registry;
mod rights;
mod service;
mod sql;
mod sweep_read;
mod sweep_select;
pub mod trgm;
mod users;
mod welfare;

/// The database driver's error, for callers that commit transactions.
pub use sqlx::Error as DbError;

pub use applications::*;
pub use audit::{
    AuditBreak, AuditEntry, AuditFilter, audit_entries, record as record_audit, search_audit,
    verify_audit,
};
pub use backup::{Fingerprint, TABLES};
pub use bulk::{BulkLoad, BulkTable, Cell};
pub use enterprises::*;
pub use error::StoreError;
pub use gig::*;
pub use help::*;
pub use households::*;
pub use jobs::*;
pub use market::*;
pub use monitor::*;
pub use offers::*;
pub use payments::*;
pub use persons::*;
pub use recruitment::*;
pub use rights::*;
pub use service::*;
pub use sweep_read::*;
pub use sweep_select::{HireSelection, SweepSelection};
pub use users::*;
pub use welfare::*;

use leye_domain::{Regions, Scope};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::time::Duration;

/// A transaction on either backend.
pub type Tx = Transaction<'static, Any>;

/// A connection on either backend. The reads that are one statement take one (a [`Tx`]
/// derefs to it, so they run inside a transaction too): see [`Store::connection`].
pub type Conn = sqlx::AnyConnection;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The migrations of one backend, embedded. Listed by hand rather than with `sqlx::migrate!`:
/// the macro pulls a second, host-built copy of sqlx, SQLite and tokio into every cold build
/// (minutes of CI). The checksum is the same SHA-384 the macro computes, so databases migrated
/// before keep validating; a test checks that every file of the folders is listed.
macro_rules! migrations {
    ($dir:literal: $($version:literal $file:literal $name:literal),* $(,)?) => {
        std::sync::LazyLock::new(|| sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(vec![$(
                sqlx::migrate::Migration::new(
                    $version,
                    std::borrow::Cow::Borrowed($name),
                    sqlx::migrate::MigrationType::Simple,
                    sqlx::SqlStr::from_static(include_str!(concat!(
                        "../migrations/", $dir, "/", $file, "_", $name, ".sql"
                    ))),
                    false,
                )
            ),*]),
            ..sqlx::migrate::Migrator::DEFAULT
        })
    };
}

static SQLITE_MIGRATIONS: std::sync::LazyLock<sqlx::migrate::Migrator> = migrations!("sqlite":
    1 "0001" "registry", 2 "0002" "accounts_audit", 3 "0003" "policy_offers",
    4 "0004" "applications_payments", 5 "0005" "help", 6 "0006" "rights", 7 "0007" "jobs",
    8 "0008" "gig_events_shortage", 9 "0009" "monitor", 10 "0010" "skills",
    11 "0011" "offer_lookups", 12 "0012" "sweep_selection", 13 "0013" "auth_epoch");
static POSTGRES_MIGRATIONS: std::sync::LazyLock<sqlx::migrate::Migrator> = migrations!("postgres":
    1 "0001" "registry", 2 "0002" "accounts_audit", 3 "0003" "policy_offers",
    4 "0004" "applications_payments", 5 "0005" "help", 6 "0006" "rights", 7 "0007" "jobs",
    8 "0008" "gig_events_shortage", 9 "0009" "monitor", 10 "0010" "skills",
    11 "0011" "offer_lookups", 12 "0012" "sweep_selection", 13 "0013" "auth_epoch");

/// Who did something, as recorded in the audit log: a signed-in user (with the address the
/// request came from) or a named system job (`cli`, `演示数据`...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub ip: String,
}

impl Actor {
    /// A system job or CLI command.
    pub fn system(name: &str) -> Self {
        Self {
            user_id: None,
            name: name.to_string(),
            ip: String::new(),
        }
    }
    /// A signed-in user.
    pub fn user(id: i64, name: &str, ip: &str) -> Self {
        Self {
            user_id: Some(id),
            name: name.to_string(),
            ip: ip.to_string(),
        }
    }
}

/// A page of results.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Rows matching, counted up to [`COUNT_CAP`]: with more, `total` is the cap and
    /// `total_capped` is true.
    pub total: i64,
    pub total_capped: bool,
    pub page: i64,
    pub per_page: i64,
}

/// How far a list's total is counted. Counting every row was most of a whole-city person list
/// (3.4 million rows: 19 ms a page, against about 1 ms for the page itself); past this many
/// rows the total says "this many or more" (a pager shows 10000+, 500 pages of 20). Counting
/// to 100,000 still took 8 ms on SQLite; 10,000 is also Elasticsearch's default
/// (`track_total_hits`).
pub const COUNT_CAP: i64 = 10_000;

impl<T> Page<T> {
    /// Whether a reader who has read `read` rows so far (this page included) should ask for
    /// the next page: this page was full, and the total does not say it was the last.
    pub fn more_after(&self, read: i64) -> bool {
        self.items.len() as i64 == self.per_page && (self.total_capped || read < self.total)
    }
}

/// Which page to read: 1-based, at most [`Paging::MAX_PER_PAGE`] rows.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
    /// The caller saw this very list run past [`COUNT_CAP`] rows a moment ago: its total is
    /// not counted again (the page says `total_capped`). Counting to the cap was most of the
    /// cost of a large list's page.
    pub over_cap: bool,
}

impl Paging {
    pub const MAX_PER_PAGE: i64 = 200;
    /// Clamp to sane bounds.
    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        Self {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(50).clamp(1, Self::MAX_PER_PAGE),
            over_cap: false,
        }
    }
}

/// The store: a pool on one backend.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The SQLite file, for the sweep's bulk reads (`None` on PostgreSQL and in memory).
    sqlite_file: Option<String>,
}

impl Store {
    /// Connect to `url`: a SQLite path (`./data/leye.db`, `sqlite://...`) or a
    /// `postgres://` URL. A SQLite file is created when missing and runs in WAL mode with
    /// foreign keys on.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        install_default_drivers();
        let (url, backend) = normalise_url(url)?;
        let opts = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        let pool = match backend {
            Backend::Sqlite => {
                opts.max_connections(4)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                                 PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; \
                                 PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456; \
                                 PRAGMA temp_store = MEMORY;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => opts.max_connections(10).connect(&url).await?,
        };
        let sqlite_file = (backend == Backend::Sqlite)
            .then(|| sqlite_path(&url))
            .flatten();
        Ok(Self {
            pool,
            backend,
            sqlite_file,
        })
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite database file (`None` on PostgreSQL or for an in-memory database).
    pub fn sqlite_file(&self) -> Option<&str> {
        self.sqlite_file.as_deref()
    }

    /// Apply pending migrations and bring the region table in line with the catalogue.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&mut *conn).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&mut *conn).await?,
        }
        drop(conn);
        self.sync_regions(Regions::huzhou()).await?;
        // The shipped taxonomy seeds the table; imported rows are never overwritten by it.
        let mut tx = self.begin().await?;
        jobs::upsert_occupations(
            &mut tx,
            leye_domain::jobs::builtin_occupations(),
            true,
            &Actor::system("migrate"),
            chrono::Utc::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Start a transaction that may write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that read first could not upgrade once
    /// another writer committed, and would fail instead of waiting its turn.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        match self.backend {
            Backend::Sqlite => Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres => Ok(self.pool.begin().await?),
        }
    }

    /// Start a transaction that only reads (never blocks behind writers on SQLite).
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        Ok(self.pool.begin().await?)
    }

    /// A connection outside any transaction, for a read that is one statement (which sees
    /// one snapshot by itself). It saves a transaction's BEGIN and COMMIT, two round trips
    /// to the database process on PostgreSQL.
    pub async fn connection(&self) -> Result<sqlx::pool::PoolConnection<Any>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// The live session with this cookie hash and its enabled user, without a transaction
    /// (one statement: it runs for every signed-in request).
    pub async fn session_of(
        &self,
        token_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<SessionRecord>, StoreError> {
        users::session_on(&self.pool, token_hash, now).await
    }

    /// Where the count of ended sessions and revoked tokens stands (see
    /// [`users::bump_auth_epoch`]), without a transaction.
    pub async fn auth_epoch(&self) -> Result<i64, StoreError> {
        users::auth_epoch_on(&self.pool).await
    }

    /// The enabled user of an unrevoked API token, without a transaction.
    pub async fn user_of_token(&self, token_hash: &str) -> Result<Option<UserRecord>, StoreError> {
        users::user_by_token_on(&self.pool, token_hash).await
    }

    /// Close the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn sync_regions(&self, regions: &Regions) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for r in regions.all() {
            sqlx::query(
                "INSERT INTO regions (code, name, level, parent, zones, lon, lat, demo) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, \
                 parent = excluded.parent, zones = excluded.zones, lon = excluded.lon, \
                 lat = excluded.lat, demo = excluded.demo",
            )
            .bind(&r.code)
            .bind(&r.name)
            .bind(level_code(r.level))
            .bind(r.parent.as_deref())
            .bind(r.zones.join(";"))
            .bind(r.lon)
            .bind(r.lat)
            .bind(i64::from(r.demo))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Row counts of the registry tables, for the home page and health checks.
    pub async fn counts(&self, scope: &Scope) -> Result<RegistryCounts, StoreError> {
        let mut tx = self.begin_read().await?;
        let persons = persons::count(&mut tx, scope).await?;
        let households = households::count(&mut tx, scope).await?;
        let enterprises = enterprises::count(&mut tx, scope).await?;
        tx.commit().await?;
        Ok(RegistryCounts {
            persons,
            households,
            enterprises,
        })
    }

    /// A cheap round trip to the database.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// Numbers of registry records in a scope.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct RegistryCounts {
    pub persons: i64,
    pub households: i64,
    pub enterprises: i64,
}

fn level_code(l: leye_domain::region::RegionLevel) -> &'static str {
    use leye_domain::region::RegionLevel::*;
    match l {
        City => "city",
        County => "county",
        Township => "township",
        Village => "village",
    }
}

fn normalise_url(url: &str) -> Result<(String, Backend), StoreError> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((url.to_string(), Backend::Postgres));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() {
        return Err(StoreError::Config("数据库地址为空".into()));
    }
    if path != ":memory:"
        && let Some(dir) = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Config(format!("无法创建数据库目录{}: {e}", dir.display())))?;
    }
    Ok((format!("sqlite://{path}?mode=rwc"), Backend::Sqlite))
}

/// The file of a normalised `sqlite://PATH?mode=rwc` URL, unless it is in memory.
fn sqlite_path(url: &str) -> Option<String> {
    let path = url.strip_prefix("sqlite://")?.split('?').next()?;
    (path != ":memory:" && !path.is_empty()).then(|| path.to_string())
}

/// The error for a record the scoped query did not return: `OutOfScope` if it exists, else
/// `NotFound`. Only whether the id exists is learned, never its content.
pub(crate) async fn missing(
    tx: &mut Tx,
    table: &'static str,
    entity: &'static str,
    id: i64,
) -> StoreError {
    let sql = match table {
        "persons" => "SELECT 1 AS x FROM persons WHERE id = $1",
        "households" => "SELECT 1 AS x FROM households WHERE id = $1",
        _ => "SELECT 1 AS x FROM enterprises WHERE id = $1",
    };
    match sqlx::query(sql).bind(id).fetch_optional(&mut **tx).await {
        Ok(Some(_)) => StoreError::OutOfScope { entity },
        Ok(None) => StoreError::NotFound { entity },
        Err(e) => e.into(),
    }
}

/// A migrated SQLite store in a temporary directory, for unit tests that look at plans and
/// SQL; the directory goes when the value is dropped.
#[cfg(test)]
pub(crate) struct TempStore {
    pub store: Store,
    dir: std::path::PathBuf,
}

#[cfg(test)]
impl TempStore {
    pub async fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "leye-{tag}-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let path = dir.join("test.db");
        let store = Store::connect(path.to_str().unwrap()).await.unwrap();
        store.migrate().await.unwrap();
        Self { store, dir }
    }

    /// SQLite's plan for a statement: the `detail` of each step.
    pub async fn plan(&self, sql: &str, args: &[sql::Arg]) -> Vec<String> {
        use sql::RowExt;
        let mut tx = self.store.begin_read().await.unwrap();
        let plan = sql::q(format!("EXPLAIN QUERY PLAN {sql}"), args)
            .fetch_all(&mut *tx)
            .await
            .unwrap()
            .iter()
            .map(|r| r.text("detail").unwrap())
            .collect();
        tx.commit().await.unwrap();
        plan
    }
}

#[cfg(test)]
impl Drop for TempStore {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod migration_list {
    /// Every file of both migration folders is embedded, in order, with the same names.
    #[test]
    fn every_migration_file_is_listed() {
        for (dir, m) in [
            ("sqlite", &*super::SQLITE_MIGRATIONS),
            ("postgres", &*super::POSTGRES_MIGRATIONS),
        ] {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/").to_string() + dir;
            let mut files: Vec<String> = std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .filter(|f| f.ends_with(".sql"))
                .collect();
            files.sort();
            let listed: Vec<String> = m
                .iter()
                .map(|x| format!("{:04}_{}.sql", x.version, x.description))
                .collect();
            assert_eq!(files, listed, "{dir}");
        }
    }
}
