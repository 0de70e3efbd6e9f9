//! The 免申即享 sweep survives `kill -9` at random moments — while it reads and evaluates the
//! registry, and while it writes its offers — and a run to completion afterwards leaves exactly
//! the offers of a sweep that was never interrupted on an identical registry: nothing half
//! saved, nothing offered twice. `LEYE_CRASH_POINTS=100` runs the long version.

use super::leye;
use super::pay::{Rng, killed, killed_while_writing};
use std::collections::BTreeSet;

/// How many kills per flow: a few in CI, more on request.
pub(super) fn crash_points(default: u32) -> u32 {
    std::env::var("LEYE_CRASH_POINTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

type Offer = (String, String, Option<i64>, Option<String>, String);

async fn offers(store: &leye_store::Store) -> (BTreeSet<Offer>, i64) {
    let mut tx = store.begin_read().await.unwrap();
    let rows: Vec<Offer> = sqlx::query_as(
        "SELECT measure, subject, amount_fen, period_start, status FROM policy_offers",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    let runs = sqlx::query_scalar::<_, i64>("SELECT COUNT(DISTINCT run_id) FROM policy_offers")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let n = rows.len();
    let set: BTreeSet<Offer> = rows.into_iter().collect();
    assert_eq!(set.len(), n, "no offer twice");
    (set, runs)
}

fn synth(db: &str) {
    let (code, _, text) = leye(&["synth", "--scale", "0.01", "--db", db]);
    assert_eq!(code, 0, "{text}");
}

fn kill_test(
    rt: &tokio::runtime::Runtime,
    killed_db: &leye_testkit::TestDb,
    clean: &leye_testkit::TestDb,
) {
    synth(&clean.url);
    synth(&killed_db.url);
    let sweep = |db: &str| {
        let (code, _, text) = leye(&["policy", "sweep", "--date", "2026-11-28", "--db", db]);
        assert_eq!(code, 0, "{text}");
    };
    sweep(&clean.url);
    let (expected, _) = rt.block_on(offers(&clean.store));
    assert!(
        expected.len() > 100,
        "the city has offers: {}",
        expected.len()
    );
    let mut rng = Rng::from_clock();
    let args = [
        "policy",
        "sweep",
        "--date",
        "2026-11-28",
        "--db",
        &killed_db.url,
    ];
    let (mut landed, mut writing) = (0, 0);
    for i in 0..crash_points(10) {
        if i % 2 == 0 {
            landed += i32::from(killed(&args, rng.below(1500)));
        } else {
            let w = killed_while_writing(&args, "开始写入", rng.below(40));
            writing += i32::from(w);
            landed += i32::from(w);
        }
        // Whatever a killed run left is a whole earlier sweep or nothing.
        let (now, runs) = rt.block_on(offers(&killed_db.store));
        assert!(runs <= 1 + i64::from(i), "runs {runs}");
        assert!(
            now.is_empty() || now == expected,
            "a half-saved sweep after kill {i}"
        );
    }
    println!("kills that landed: {landed}, of them while writing: {writing}");
    sweep(&killed_db.url);
    assert_eq!(rt.block_on(offers(&killed_db.store)).0, expected);
    // Sweeping again changes nothing.
    sweep(&killed_db.url);
    assert_eq!(rt.block_on(offers(&killed_db.store)).0, expected);
}

#[test]
fn sweep_survives_kill_9_sqlite() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let a = rt.block_on(leye_testkit::TestDb::sqlite());
    let b = rt.block_on(leye_testkit::TestDb::sqlite());
    kill_test(&rt, &a, &b);
}

#[test]
fn sweep_survives_kill_9_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let a = rt.block_on(leye_testkit::TestDb::postgres());
    let b = rt.block_on(leye_testkit::TestDb::postgres());
    kill_test(&rt, &a, &b);
}
