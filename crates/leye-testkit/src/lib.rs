//! Test support for leye, used by every crate's integration tests.
//!
//! - [`TestDb`]: a throw-away store on SQLite (a temp file) or PostgreSQL (a fresh database
//!   in the cluster named by `LEYE_TEST_PG_URL`, which `scripts/test` starts). PostgreSQL
//!   tests never skip: without the variable they fail and say how to run them.
//! - [`both_backends!`]: runs one async test body on both backends.
//! - A fixed clock ([`today`], [`now`]) and valid sample identifiers.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use leye_store::Store;
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};

/// The fixed "today" of tests.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or(NaiveDate::MIN)
}

/// The fixed "now" of tests (10:00 in Huzhou on [`today`]).
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A throw-away database with a migrated store.
pub struct TestDb {
    pub store: Store,
    /// The database's URL, for tests that hand it to the `leye` binary
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A fresh SQLite file in a temp dir.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("leye.db");
        let store = Store::connect(path.to_str().expect("utf-8 temp path"))
            .await
            .expect("open SQLite");
        store.migrate().await.expect("migrate SQLite");
        Self {
            store,
            url: path.to_str().unwrap_or_default().to_string(),
            _dir: Some(dir),
        }
    }

    /// A fresh database in the test PostgreSQL cluster.
    pub async fn postgres() -> Self {
        let admin = std::env::var("LEYE_TEST_PG_URL").unwrap_or_else(|_| {
            panic!(
                "LEYE_TEST_PG_URL is not set: the PostgreSQL half of the storage tests needs a \
                 server. Run ./scripts/test, which installs PostgreSQL when missing and starts a \
                 throw-away cluster (tests never skip PostgreSQL)."
            )
        });
        let name = format!(
            "leye_t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            Utc::now().timestamp_subsec_nanos()
        );
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin}: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create test database");
        conn.close().await.ok();
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        let url = format!("{base}/{name}");
        let store = Store::connect(&url).await.expect("open PostgreSQL");
        store.migrate().await.expect("migrate PostgreSQL");
        Self {
            store,
            url,
            _dir: None,
        }
    }
}

/// Run async test bodies `fn(Store)` on both backends: `both_backends!(person_crud, ...)`
/// makes `person_crud::sqlite` and `person_crud::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let db = $crate::TestDb::sqlite().await;
                super::$name(db.store.clone()).await;
            }
            #[tokio::test]
            async fn postgres() {
                let db = $crate::TestDb::postgres().await;
                super::$name(db.store.clone()).await;
            }
        }
    )* };
}

/// A valid ID number for a region, birth date (`YYYYMMDD`) and 3-digit sequence.
pub fn id_number(region: &str, birth: &str, seq: u32) -> String {
    let first = format!("{region}{birth}{:03}", seq % 1000);
    let c = leye_domain::id_number::check_char(first.as_bytes());
    format!("{first}{c}")
}

/// A valid credit code in a division with a numeric organisation part.
pub fn credit_code(division: &str, n: u32) -> String {
    let first = format!("91{division}{:09}", n);
    let c = leye_domain::credit_code::check_char(first.as_bytes()).unwrap_or('0');
    format!("{first}{c}")
}

/// A TCP proxy on a loopback port in front of a server (PostgreSQL in the outage tests): it
/// forwards while up; [`TcpProxy::cut`] drops every open connection and refuses new ones (the
/// database "goes away"), [`TcpProxy::restore`] lets connections through again.
pub struct TcpProxy {
    /// `127.0.0.1:port` of the proxy
    pub addr: String,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    generation: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
    task: tokio::task::JoinHandle<()>,
}

impl TcpProxy {
    /// Listen on a free loopback port and forward to `upstream` (`host:port`).
    pub async fn start(upstream: &str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address").to_string();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (tx, _) = tokio::sync::watch::channel(0u64);
        let generation = std::sync::Arc::new(tx);
        let (flag, gen_tx, upstream) = (up.clone(), generation.clone(), upstream.to_string());
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    continue; // dropped at once: the connection is refused
                }
                let mut cut = gen_tx.subscribe();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Self {
            addr,
            up,
            generation,
            task,
        }
    }

    /// `url` with its `host:port` replaced by the proxy's.
    pub fn url_for(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
        let (auth, hostpath) = rest.rsplit_once('@').map_or(("", rest), |(a, h)| (a, h));
        let path = hostpath.find('/').map_or("", |i| &hostpath[i..]);
        let at = if auth.is_empty() { "" } else { "@" };
        format!("{scheme}://{auth}{at}{}{path}", self.addr)
    }

    /// The upstream `host:port` of a `postgres://` URL.
    pub fn upstream_of(url: &str) -> String {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let hostpath = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
        hostpath.split('/').next().unwrap_or(hostpath).to_string()
    }

    /// Drop every open connection and refuse new ones.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    /// Let connections through again.
    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
