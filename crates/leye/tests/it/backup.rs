//! `leye backup` and `leye restore` round trips on both backends: the restored database has
//! the same rows in every table and the same audit chain head, and its chain verifies.

use super::{leye, leye_testkit_dir};
use serde_json::Value;

fn round_trip(source: &str, target: &str, dir: &std::path::Path) {
    let (code, v, out) = leye(&["synth", "--scale", "0.001", "--db", source]);
    assert_eq!(code, 0, "{out} {v}");
    let file = dir.join("backup.bin");
    let file = file.to_str().unwrap();
    let (code, v, out) = leye(&["backup", "--db", source, "--out", file]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(v["unchanged_during_backup"], Value::Bool(true), "{out}");
    assert!(v["rows"].as_i64().unwrap() > 1000, "{out}");
    // The same file is not overwritten.
    let (code, _, _) = leye(&["backup", "--db", source, "--out", file]);
    assert_eq!(code, 2);
    let (code, v, out) = leye(&["restore", file, "--db", target]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(v["verified"], Value::Bool(true), "{out}");
    let (code, _, out) = leye(&["audit", "verify", "--db", target]);
    assert_eq!(code, 0, "{out}");
    // Restoring over an existing database is refused.
    let (code, _, _) = leye(&["restore", file, "--db", target]);
    assert_ne!(code, 0);
}

#[test]
fn backup_and_restore_sqlite() {
    let dir = leye_testkit_dir();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    round_trip(&p("a.db"), &p("b.db"), dir.path());
}

#[test]
fn backup_and_restore_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let source = rt.block_on(leye_testkit::TestDb::postgres());
    // The target: an empty database, no schema (pg_restore creates it).
    let target = rt.block_on(async {
        use sqlx::Connection;
        let admin =
            std::env::var("LEYE_TEST_PG_URL").expect("LEYE_TEST_PG_URL (run ./scripts/test)");
        let name = format!("leye_restore_{}", std::process::id());
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name}"
        )))
        .execute(&mut conn)
        .await
        .unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
        format!("{base}/{name}")
    });
    let dir = leye_testkit_dir();
    round_trip(&source.url, &target, dir.path());
}
