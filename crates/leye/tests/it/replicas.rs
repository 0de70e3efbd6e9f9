//! Scale-out: two `leye serve` replicas on loopback ports against one PostgreSQL database.
//! A session made on one is honoured by the other; a posting created through one is found
//! through the other's search within 2 seconds (each replica keeps its own index and catches
//! up from the database); and with both replicas' outbox workers racing over the same push
//! tasks, every notification and every text message is sent exactly once — the same
//! notifications as one uninterrupted worker produces on an identical database.

use super::leye;
use super::push::{market, state};
use std::io::{Read, Write};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A `leye serve` child process, killed when dropped.
struct Replica {
    child: Child,
    port: u16,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &str) -> Replica {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_leye"))
        .args(["serve", "--db", db, "--addr", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let r = Replica { child, port };
    for _ in 0..600 {
        if http(&r, "GET", "/healthz", &[], "").is_some_and(|(s, _, _)| s == 200) {
            return r;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("replica on port {port} did not start");
}

/// One HTTP/1.1 request (connection closed after it): status, Set-Cookie, body.
fn http(
    r: &Replica,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String, String)> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", r.port)).ok()?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .map(|c| c.split(';').next().unwrap_or(c).to_string())
        .unwrap_or_default();
    Some((status, cookie, body.to_string()))
}

#[test]
fn two_replicas_share_sessions_search_and_outbox_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(leye_testkit::TestDb::postgres());
    let clean = rt.block_on(leye_testkit::TestDb::postgres());
    rt.block_on(market(&db.store));
    rt.block_on(market(&clean.store));
    // What one worker alone sends on an identical database.
    let (code, _, text) = leye(&["jobs", "push", "--db", &clean.url]);
    assert_eq!(code, 0, "{text}");
    let expected = rt.block_on(state(&clean.store));
    assert!(expected.0.len() > 100, "the fixture pushes: {expected:?}");
    // An officer who signs in through a browser.
    let (code, _, text) = leye(&[
        "user",
        "add",
        "shiju",
        "--db",
        &db.url,
        "--display-name",
        "市局",
    ]);
    assert_eq!(code, 0, "{text}");
    let password = text
        .lines()
        .find_map(|l| {
            l.split(": ")
                .nth(1)
                .filter(|_| l.contains("initial password"))
        })
        .unwrap_or_else(|| panic!("{text}"))
        .trim()
        .to_string();
    let firm: i64 = rt.block_on(async {
        let mut tx = db.store.begin_read().await.unwrap();
        let id = sqlx::query_scalar("SELECT id FROM enterprises ORDER BY id LIMIT 1")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    });

    // Both replicas start their outbox workers at once over the same eight push tasks.
    let a = start(&db.url);
    let b = start(&db.url);

    // A session made on A works on B (sessions live in the database).
    let form = format!("username=shiju&password={password}&next=%2F");
    let (s, cookie, body) = http(
        &a,
        "POST",
        "/login",
        &[("content-type", "application/x-www-form-urlencoded")],
        &form,
    )
    .unwrap();
    assert_eq!(s, 303, "{body}");
    let (s, _, page) = http(&b, "GET", "/account", &[("cookie", &cookie)], "").unwrap();
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("shiju"), "{page}");
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();

    // A posting created through A (a software post in 安吉: it fits none of the lathe
    // workers, so the push comparison below is not changed by it) is found through B.
    let posting = serde_json::json!({
        "title": "软件测试工程师湖滨复制验证",
        "occupation": "2-02-10-03",
        "headcount": "1",
        "region": "330523001",
        "pay_unit": "month",
        "pay_min": "2500",
        "pay_max": "2600",
        "contract_type": "fixed",
        "contract_months": "12",
        "social_insurance": true,
        "valid_until": "2027-02-01"
    })
    .to_string();
    let (s, _, created) = http(
        &a,
        "POST",
        &format!("/api/v1/postings?enterprise_id={firm}"),
        &[
            ("cookie", &cookie),
            ("x-csrf-token", &csrf),
            ("content-type", "application/json"),
        ],
        &posting,
    )
    .unwrap();
    assert_eq!(s, 201, "{created}");
    let saved = Instant::now();
    let query = "/api/v1/jobs/search?q=%E6%B9%96%E6%BB%A8%E5%A4%8D%E5%88%B6"; // 湖滨复制
    let found_after = loop {
        let (s, _, body) = http(&b, "GET", query, &[], "").unwrap();
        assert_eq!(s, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        if v["total"].as_i64() == Some(1) {
            break saved.elapsed();
        }
        assert!(
            saved.elapsed() < Duration::from_secs(2),
            "replica B did not find the posting saved through A within 2 s: {body}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    println!("found through the other replica after {found_after:?}");

    // The outbox drains (both workers run every two seconds); then the notifications are
    // exactly one worker's, each text message sent once.
    let deadline = Instant::now() + Duration::from_secs(120);
    let got = loop {
        let got = rt.block_on(state(&db.store));
        if got.4 == 0 {
            break got;
        }
        assert!(Instant::now() < deadline, "outbox not drained: {got:?}");
        std::thread::sleep(Duration::from_millis(200));
    };
    drop((a, b));
    let ours: std::collections::BTreeSet<_> = got
        .0
        .iter()
        .filter(|(_, title)| !title.contains("复制验证"))
        .cloned()
        .collect();
    assert_eq!(
        ours, expected.0,
        "the same notifications as one worker alone"
    );
    assert_eq!(ours.len(), got.0.len(), "the new post was pushed to nobody");
    assert!(got.1 <= 3, "daily cap held with two workers: {}", got.1);
    assert_eq!(
        got.2, got.3,
        "one text message per notification with a phone"
    );
    assert_eq!((got.2, got.3), (expected.2, expected.3));
}
