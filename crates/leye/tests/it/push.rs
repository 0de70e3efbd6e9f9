//! The push outbox survives `kill -9` at random moments: after the killed runs and one whole
//! run, the notifications are exactly those of a run that was never interrupted, no seeker
//! got more than the daily cap, and every notification has exactly one text message (the
//! logging SMS driver ignores a key it has seen, as a real gateway does with its message id).

use super::leye;
use leye_domain::Scope;
use leye_domain::jobs::{PostingInput, SeekerInput};
use leye_domain::person::PersonInput;
use leye_store::*;
use leye_testkit::{id_number, now, today};
use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

/// 200 seekers wanting lathe work in 织里, and 8 postings for them (each a push task).
pub(super) async fn market(store: &Store) {
    let sys = Actor::system("test");
    let mut tx = store.begin().await.unwrap();
    let e = leye_domain::enterprise::EnterpriseInput {
        credit_code: leye_testkit::credit_code("330502", 77),
        name: "织里精工有限公司".into(),
        industry: "C".into(),
        region: "330502102".into(),
        scale: "medium".into(),
        ..Default::default()
    }
    .parse(leye_domain::Regions::huzhou())
    .unwrap();
    let firm = create_enterprise(&mut tx, &Scope::System, &sys, &e, now())
        .await
        .unwrap();
    let mut people = Vec::new();
    for i in 0..200u32 {
        let p = PersonInput {
            name: format!("求职{i}"),
            id_number: id_number("330502", "19900101", i),
            residence_region: "330502102201".into(),
            phone: (i % 10 != 0).then(|| format!("139{i:08}")),
            urban: true,
            ..Default::default()
        }
        .parse(leye_domain::Regions::huzhou(), today())
        .unwrap();
        people.push(
            create_person(&mut tx, &Scope::System, &sys, &p, now())
                .await
                .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    for (i, pid) in people.iter().enumerate() {
        let s = SeekerInput {
            occupations: if i % 4 == 0 {
                "6-18-02-04".into()
            } else {
                "6-18-01-01".into()
            },
            skills: if i % 3 == 0 {
                "数控车床".into()
            } else {
                String::new()
            },
            region: "330502102".into(),
            commute_km: "20".into(),
            pay_wanted: format!("{}", 5000 + (i % 5) * 1000),
            push_opt_in: i % 7 != 0,
            ..Default::default()
        };
        leye_jobs::save_profile(store, &Scope::System, *pid, &s, &sys, now())
            .await
            .unwrap();
    }
    for k in 0..8 {
        let p = PostingInput {
            title: format!("数控车工{k}"),
            occupation: "6-18-01-01".into(),
            headcount: "5".into(),
            region: "330502102".into(),
            pay_unit: "month".into(),
            pay_min: "6000".into(),
            pay_max: format!("{}", 7000 + k * 500),
            contract_type: "fixed".into(),
            contract_months: "24".into(),
            social_insurance: true,
            valid_until: "2027-02-01".into(),
            ..Default::default()
        };
        leye_jobs::publish(store, &Scope::System, firm, &p, &sys, now(), today())
            .await
            .unwrap();
    }
}

/// (person, posting title) of every notification, the most any seeker got in a day, the text
/// messages, the notifications of people with a phone, and the tasks still pending.
pub(super) async fn state(store: &Store) -> (BTreeSet<(i64, String)>, i64, i64, i64, i64) {
    let mut tx = store.begin_read().await.unwrap();
    let pairs: Vec<(i64, String)> = sqlx::query_as(
        "SELECT s.person_id, p.title FROM notifications n JOIN job_seekers s ON s.id = n.seeker_id \
         JOIN postings p ON p.id = n.posting_id",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    let one = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let most = one("SELECT COALESCE(MAX(c), 0) FROM (SELECT COUNT(*) AS c FROM notifications GROUP BY seeker_id, day) t")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let sms = one("SELECT COUNT(*) FROM sms_log")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let with_phone = one(
        "SELECT COUNT(*) FROM notifications n JOIN job_seekers s ON s.id = n.seeker_id \
         JOIN persons pe ON pe.id = s.person_id WHERE pe.phone IS NOT NULL",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let pending = one("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (pairs.into_iter().collect(), most, sms, with_phone, pending)
}

fn kill_after(db: &str, ms: u64, wait_for_marker: bool) -> bool {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_leye"))
        .args(["jobs", "push", "--db", db])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if wait_for_marker {
        let stderr = child.stderr.take().unwrap();
        let _ = BufReader::new(stderr)
            .lines()
            .any(|l| l.is_ok_and(|l| l.contains("开始推送")));
    }
    std::thread::sleep(Duration::from_millis(ms));
    let running = matches!(child.try_wait(), Ok(None));
    let _ = child.kill();
    let _ = child.wait();
    running
}

fn kill_test(
    rt: &tokio::runtime::Runtime,
    killed: &leye_testkit::TestDb,
    clean: &leye_testkit::TestDb,
) {
    rt.block_on(market(&killed.store));
    rt.block_on(market(&clean.store));
    let (code, _, text) = leye(&["jobs", "push", "--db", &clean.url]);
    assert_eq!(code, 0, "{text}");
    let expected = rt.block_on(state(&clean.store));
    assert!(
        expected.0.len() > 100,
        "the fixture pushes something: {}",
        expected.0.len()
    );
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        | 1;
    println!("seed={seed}");
    let mut landed = 0;
    for i in 0..super::sweep::crash_points(10) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        landed += i32::from(kill_after(&killed.url, seed % 120, i % 2 == 0));
    }
    let (code, v, text) = leye(&["jobs", "push", "--db", &killed.url]);
    assert_eq!(code, 0, "{text}");
    let (code, again, _) = leye(&["jobs", "push", "--db", &killed.url]);
    assert_eq!(code, 0);
    assert_eq!(
        (again["notified"].as_i64(), again["sms"].as_i64()),
        (Some(0), Some(0)),
        "a rerun sends nothing: {again}"
    );
    let got = rt.block_on(state(&killed.store));
    println!("kills that landed: {landed}; last run: {v}");
    assert_eq!(
        got.0, expected.0,
        "the same notifications as an uninterrupted run"
    );
    assert!(got.1 <= 3, "daily cap: {}", got.1);
    assert_eq!(
        got.2, got.3,
        "one text per notification to a person with a phone"
    );
    assert_eq!(got.4, 0, "nothing left in the outbox");
    assert_eq!(expected.2, expected.3);
}

#[test]
fn push_survives_kill_9_and_never_sends_twice_sqlite() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let a = rt.block_on(leye_testkit::TestDb::sqlite());
    let b = rt.block_on(leye_testkit::TestDb::sqlite());
    kill_test(&rt, &a, &b);
}

#[test]
fn push_survives_kill_9_and_never_sends_twice_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let a = rt.block_on(leye_testkit::TestDb::postgres());
    let b = rt.block_on(leye_testkit::TestDb::postgres());
    kill_test(&rt, &a, &b);
}
