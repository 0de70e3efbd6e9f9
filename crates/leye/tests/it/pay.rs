//! Payments survive `kill -9` at random moments of batch creation and reconciliation, and
//! every approved application is paid exactly once. A simulated bank pays each idempotency key
//! at most once (as real banks do with 支付流水号) and fails some items at random; if leye ever
//! put two live keys out for one application, the bank would pay it twice and this test fails.

use super::{leye, leye_testkit_dir};
use leye_apply::{ActRequest, ApplyRequest, act, apply};
use leye_domain::Scope;
use leye_domain::application::AppAction;
use leye_store::*;
use leye_testkit::{now, today};
use std::collections::{BTreeMap, HashMap};
use std::process::Command;
use std::time::Duration;

/// `n` hires of 2026 graduates, each with an approved 1,500-yuan job-expansion subsidy.
async fn approved_applications(store: &Store, n: u32) -> i64 {
    let store = store.clone();
    let sys = Actor::system("test");
    let hires = leye_synth::hires::graduate_hires(
        &store,
        "330502102",
        "330502102201",
        n,
        0,
        today(),
        now(),
    )
    .await
    .unwrap();
    let firm = hires.firm;
    let mut tx = store.begin().await.unwrap();
    let mut users = Vec::new();
    for u in ["s", "r", "a"] {
        let id = create_user(
            &mut tx,
            &sys,
            &NewUser {
                username: format!("user_{u}"),
                display_name: u.into(),
                password_hash: "x".into(),
                role: "county_officer".into(),
                region_code: Some("330502".into()),
                unit: None,
                enterprise_id: None,
                person_id: None,
            },
            now(),
        )
        .await
        .unwrap();
        users.push(Actor::user(id, u, "127.0.0.1"));
    }
    set_budget(
        &mut tx,
        &Scope::System,
        &Budget {
            measure: "job_expansion".into(),
            district: "330502".into(),
            year: 2026,
            amount_fen: 1_000_000_000,
            committed_fen: 0,
        },
        &sys,
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    for p in hires.persons {
        let req = ApplyRequest {
            measure: "job_expansion".into(),
            person_id: Some(p),
            enterprise_id: Some(firm),
            payee_name: "湖州发放测试有限公司".into(),
            payee_account: format!("62220212{p:08}"),
            ..Default::default()
        };
        let id = apply(&store, &Scope::System, &users[0], now(), &req)
            .await
            .unwrap();
        for (who, action) in [(1, AppAction::StartReview), (2, AppAction::Approve)] {
            let step = ActRequest {
                action,
                reason: None,
                note: String::new(),
            };
            act(&store, &Scope::System, &users[who], now(), id, &step)
                .await
                .unwrap();
        }
    }
    i64::from(n) * 150_000
}

/// A tiny deterministic generator (xorshift), seeded and printed so a failure can be replayed.
pub(super) struct Rng(u64);
impl Rng {
    /// Seeded from the clock (printed, so that a failure can be replayed).
    pub(super) fn from_clock() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
            | 1;
        println!("seed={seed}");
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Start `leye args`, kill it with SIGKILL after `ms`, and wait for it. True when it was still
/// running (the kill landed).
pub(super) fn killed(args: &[&str], ms: u64) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leye"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(ms));
    let running = matches!(child.try_wait(), Ok(None));
    let _ = child.kill();
    let _ = child.wait();
    running
}

/// Start `leye args`, wait until it logs `marker` (the start of its write), then kill it
/// after `ms` more. True when it was still running.
pub(super) fn killed_while_writing(args: &[&str], marker: &str, ms: u64) -> bool {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_leye"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let reached = lines.any(|l| l.is_ok_and(|l| l.contains(marker)));
    std::thread::sleep(Duration::from_millis(ms));
    let running = reached && matches!(child.try_wait(), Ok(None));
    let _ = child.kill();
    let _ = child.wait();
    running
}

async fn db_state(store: &Store) -> (i64, i64, i64, i64) {
    let mut tx = store.begin_read().await.unwrap();
    let one = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let paid_apps = one("SELECT COUNT(*) FROM applications WHERE state = 'paid'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let paid_items = one("SELECT COUNT(*) FROM payment_items WHERE state = 'paid'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let paid_sum = one("SELECT COALESCE(CAST(SUM(amount_fen) AS BIGINT), 0) FROM payment_items WHERE state = 'paid'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let sent = one("SELECT COUNT(*) FROM payment_batches WHERE state = 'sent'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (paid_apps, paid_items, paid_sum, sent)
}

#[test]
fn payments_survive_kill_9_and_never_pay_twice_sqlite() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(leye_testkit::TestDb::sqlite());
    kill_test(&rt, &db);
}

#[test]
fn payments_survive_kill_9_and_never_pay_twice_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(leye_testkit::TestDb::postgres());
    kill_test(&rt, &db);
}

fn kill_test(rt: &tokio::runtime::Runtime, test_db: &leye_testkit::TestDb) {
    let dir = leye_testkit_dir();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let db = test_db.url.clone();
    let out = p("bank");
    let n = 400;
    let total = rt.block_on(approved_applications(&test_db.store, n));
    let mut rng = Rng::from_clock();
    // The bank: what it did with each key, and which keys it paid for each application.
    let mut bank: HashMap<String, bool> = HashMap::new();
    let mut paid_for: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut kills = 0;
    let mut writing_kills = 0;
    for round in 0..8 {
        let batch = ["pay", "batch", "--out-dir", &out, "--db", &db];
        for _ in 0..2 {
            kills += i32::from(killed(&batch, rng.below(150)));
            let w = killed_while_writing(&batch, "开始生成批次", rng.below(40));
            writing_kills += i32::from(w);
            kills += i32::from(w);
        }
        let (code, _, text) = leye(&["pay", "batch", "--out-dir", &out, "--db", &db]);
        assert_eq!(code, 0, "{text}");
        // A batch committed by a killed run may have no file yet: write every open batch's.
        let (code, v, text) = leye(&["pay", "export", "--out-dir", &out, "--db", &db]);
        assert_eq!(code, 0, "{text}");
        let files: Vec<String> = v["batches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["file"].as_str().unwrap().to_string())
            .collect();
        if files.is_empty() {
            break;
        }
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            let t = leye_io::table::read(&f, &bytes, &leye_apply::payments::BANK_HEADERS).unwrap();
            let mut result = String::from("支付流水号,结果,银行流水号,失败原因\n");
            for row in &t.rows {
                let key = row.cells[0].clone();
                let app = row.cells[5].clone();
                // Fail about one in five items in the early rounds.
                let paid = *bank
                    .entry(key.clone())
                    .or_insert_with(|| round >= 3 || rng.below(5) != 0);
                if paid && !paid_for.get(&app).is_some_and(|keys| keys.contains(&key)) {
                    paid_for.entry(app).or_default().push(key.clone());
                }
                result.push_str(&format!(
                    "{key},{},{},{}\n",
                    if paid { "成功" } else { "失败" },
                    if paid {
                        format!("B{key}")
                    } else {
                        String::new()
                    },
                    if paid { "" } else { "账户状态异常" }
                ));
            }
            let rf = format!("{f}.result.csv");
            std::fs::write(&rf, result).unwrap();
            let reconcile = ["pay", "reconcile", &rf, "--db", &db];
            kills += i32::from(killed(&reconcile, rng.below(150)));
            let w = killed_while_writing(&reconcile, "开始写入", rng.below(40));
            writing_kills += i32::from(w);
            kills += i32::from(w);
            let (code, _, text) = leye(&["pay", "reconcile", &rf, "--db", &db]);
            assert_eq!(code, 0, "{text}");
            // Importing the same result again changes nothing.
            let (code, v, text) = leye(&["pay", "reconcile", &rf, "--db", &db]);
            assert_eq!(code, 0, "{text}");
            assert_eq!(
                (v["paid"].as_i64(), v["failed"].as_i64()),
                (Some(0), Some(0)),
                "{text}"
            );
            std::fs::remove_file(&f).unwrap();
        }
    }
    let (paid_apps, paid_items, paid_sum, sent) = rt.block_on(db_state(&test_db.store));
    println!(
        "kills_landed={kills} during_write={writing_kills} bank_keys={}",
        bank.len()
    );
    assert!(
        writing_kills > 0,
        "no kill landed while a command was writing"
    );
    assert!(
        bank.values().any(|p| !p),
        "some payments failed and were retried"
    );
    assert_eq!(
        paid_for.len(),
        n as usize,
        "every application reached the bank and was paid"
    );
    for (app, keys) in &paid_for {
        assert_eq!(keys.len(), 1, "{app} paid more than once: {keys:?}");
    }
    assert_eq!(
        (paid_apps, paid_items, paid_sum, sent),
        (i64::from(n), i64::from(n), total, 0)
    );
    let (code, _, text) = leye(&["audit", "verify", "--db", &db]);
    assert_eq!(code, 0, "{text}");
}
