//! The CLI contract (other checks depend on it): `leye id`, `leye org`, `leye retirement`,
//! `leye migrate`, and `--help` in Chinese and English.

use serde_json::{Value, json};
use std::process::Command;

fn leye(args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_leye"))
        .args(args)
        .output()
        .expect("run leye");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let v = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), v, stdout)
}

#[test]
fn id_valid_and_invalid() {
    let (code, v, _) = leye(&["id", "11010519491231002x"]);
    assert_eq!(code, 0);
    assert_eq!(
        v,
        json!({"valid": true, "id": "11010519491231002X", "birth_date": "1949-12-31", "sex": "F", "region_code": "110105"})
    );
    let (code, v, _) = leye(&["id", "110105491231002"]);
    assert_eq!((code, v["id"].as_str()), (0, Some("11010519491231002X")));
    let (code, v, _) = leye(&["id", "110105194912310021"]);
    assert_eq!((code, v["valid"].as_bool()), (2, Some(false)));
    assert!(v["error"].as_str().unwrap().contains("校验位"));
    let (code, v, _) = leye(&["id", "not-a-number"]);
    assert_eq!((code, v["valid"].as_bool()), (2, Some(false)));
}

#[test]
fn org_valid_and_invalid() {
    let (code, v, _) = leye(&["org", "91440300708461136T"]);
    assert_eq!(
        (code, v),
        (
            0,
            json!({"valid": true, "code": "91440300708461136T", "region_code": "440300"})
        )
    );
    let (code, v, _) = leye(&["org", "91440300708461136X"]);
    assert_eq!((code, v["valid"].as_bool()), (2, Some(false)));
}

#[test]
fn retirement_anchors() {
    let cases: [(&[&str], Value); 4] = [
        (
            &["--birth", "1965-01", "--sex", "M"],
            json!({"retirement": "2025-02", "age_years": 60, "age_months": 1, "delay_months": 1}),
        ),
        (
            &["--birth", "1976-09", "--sex", "M"],
            json!({"retirement": "2039-09", "age_years": 63, "age_months": 0, "delay_months": 36}),
        ),
        (
            &["--birth", "1981-09", "--sex", "F", "--original-age", "55"],
            json!({"retirement": "2039-09", "age_years": 58, "age_months": 0, "delay_months": 36}),
        ),
        (
            &["--birth", "1984-11", "--sex", "F", "--original-age", "50"],
            json!({"retirement": "2039-11", "age_years": 55, "age_months": 0, "delay_months": 60}),
        ),
    ];
    for (args, expected) in cases {
        let mut a = vec!["retirement"];
        a.extend_from_slice(args);
        let (code, v, _) = leye(&a);
        assert_eq!((code, v), (0, expected), "{args:?}");
    }
    let (code, v, _) = leye(&["retirement", "--birth", "1965-13", "--sex", "M"]);
    assert_eq!(code, 2);
    assert!(v["error"].as_str().is_some());
    let (code, _, _) = leye(&[
        "retirement",
        "--birth",
        "1965-01",
        "--sex",
        "M",
        "--original-age",
        "50",
    ]);
    assert_eq!(code, 2);
}

#[test]
fn help_is_bilingual_and_migrate_works() {
    let (code, _, out) = leye(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("湖州市就业友好型城市平台") && out.contains("employment-friendly"));
    let dir = leye_testkit_dir();
    let db = dir.path().join("sub").join("leye.db");
    let (code, _, out) = leye(&["migrate", "--db", db.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(db.exists());
}

/// The monitoring commands on an empty city: a bad surveyed rate is refused in Chinese and
/// changes nothing, a good one is recorded (and, at 5.3%, alerts); the figures are computed and
/// the report is written as HTML and XLSX.
#[test]
fn monitor_surveyed_refresh_and_report() {
    let dir = leye_testkit_dir();
    let db = dir.path().join("leye.db");
    let db_s = db.to_str().unwrap();
    let (code, _, _) = leye(&["migrate", "--db", db_s]);
    assert_eq!(code, 0);
    let out = Command::new(env!("CARGO_BIN_EXE_leye"))
        .args([
            "monitor",
            "surveyed",
            "--month",
            "2026-01",
            "--rate",
            "百分之五",
            "--db",
            db_s,
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("失业率“百分之五”"), "{err}");
    let (code, _, out) = leye(&[
        "monitor", "surveyed", "--month", "2026-01", "--rate", "5.3", "--db", db_s,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("新预警 1 条"), "{out}");
    let (code, v, out) = leye(&[
        "monitor", "refresh", "--from", "2026-01", "--to", "2026-02", "--db", db_s,
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(v["refresh"]["from"], "2026-01");
    let reports = dir.path().join("reports");
    let (code, _, out) = leye(&[
        "report",
        "--period",
        "2026-01",
        "--out",
        reports.to_str().unwrap(),
        "--no-pdf",
        "--db",
        db_s,
    ]);
    assert_eq!(code, 0, "{out}");
    let html = std::fs::read_to_string(reports.join("就业形势分析报告-2026-01-月度.html")).unwrap();
    assert!(html.contains("5.30%") && html.contains("<svg"));
    assert!(reports.join("就业形势分析报告-2026-01-月度.xlsx").exists());
    let (code, _, _) = leye(&["report", "--period", "2026-13", "--db", db_s]);
    assert_ne!(code, 0);
}

fn leye_testkit_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn user_add_and_audit_verify_detects_a_flipped_byte() {
    let dir = leye_testkit_dir();
    let db = dir.path().join("leye.db");
    let db_s = db.to_str().unwrap();
    let (code, _, out) = leye(&[
        "user",
        "add",
        "admin",
        "--display-name",
        "管理员",
        "--db",
        db_s,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("初始密码"));
    let (code, _, out) = leye(&[
        "user",
        "add",
        "wx",
        "--role",
        "county_officer",
        "--db",
        db_s,
    ]);
    assert_eq!(code, 1, "a county officer needs a region: {out}");
    let (code, _, out) = leye(&[
        "user",
        "add",
        "wx",
        "--role",
        "county_officer",
        "--region",
        "330502",
        "--db",
        db_s,
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, _, out) = leye(&["audit", "verify", "--db", db_s]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 条"), "{out}");
    // Flip one byte of the first entry, as someone with the file might.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{db_s}"))
            .await
            .unwrap();
        sqlx::query("DROP TRIGGER audit_log_no_update")
            .execute(&mut c)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET detail = 'bdmin' WHERE id = 1")
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    });
    let (code, _, out) = leye(&["audit", "verify", "--db", db_s]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("第1条审计记录的内容被修改"), "{out}");
}

#[test]
fn policy_measures_and_eval() {
    let (code, v, out) = leye(&["policy", "measures"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(v[0]["id"], "startup_one_time");
    assert_eq!(v[0]["clause"], "二(二)2");
    assert!(v.as_array().unwrap().len() >= 19);
    let dir = leye_testkit_dir();
    let file = dir.path().join("situation.json");
    std::fs::write(
        &file,
        r#"{"persons":[{"id":"p1","birth":"1981-07-01","sex":"F","registered_unemployed":true,
            "registered_unemployed_since":"2026-01-01","benefit_consecutive_months":0,
            "zero_employment_household":false,"assistance":"none","disability_certificate":false,
            "poverty_alleviated":false},
           {"id":"p2","birth":"1975-01-15","sex":"M"}],
           "enterprises":[{"id":"e1"}],
           "employments":[{"person":"p2","enterprise":"e1","kind":"public_welfare_post",
            "first_approval":"2033-01-01","prior_placements":0,"full_time":true,"monthly_pay_fen":300000}]}"#,
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let eval = |date: &str, measure: &str| {
        leye(&["policy", "eval", "--measure", measure, "--date", date, f])
    };
    let (code, v, out) = eval("2026-07-01", "hard_to_employ");
    assert_eq!(code, 0, "{out}");
    assert_eq!(v["decisions"][0]["subject"], "p1");
    assert_eq!(v["decisions"][0]["status"], "eligible", "{out}");
    let (_, v, _) = eval("2026-06-30", "hard_to_employ");
    assert_eq!(v["decisions"][0]["status"], "not_eligible");
    let (code, v, out) = eval("2033-01-01", "public_welfare_post");
    assert_eq!(code, 0, "{out}");
    assert_eq!(v["decisions"][0]["subject"], "p2@e1");
    assert_eq!(
        v["decisions"][0]["period"],
        json!(["2033-01-01", "2037-07-31"])
    );
    let (code, v, _) = eval("2033-01-01", "no_such_measure");
    assert_eq!(code, 2);
    assert!(v["error"].as_str().unwrap().contains("不存在"));
    std::fs::write(&file, r#"{"persons":[{"id":"p1","sex":"X"}]}"#).unwrap();
    let (code, v, _) = eval("2026-07-01", "hard_to_employ");
    assert_eq!(code, 2);
    assert!(
        v["error"].as_str().unwrap().contains("persons[0].sex"),
        "{v}"
    );
}

/// `leye demo` on an empty database: a 1% synthetic city, a first sweep, one account per
/// role, and a server that answers.
#[test]
fn demo_builds_a_city_and_serves() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = leye_testkit_dir();
    let db = dir.path().join("demo.db");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_leye"))
        .args([
            "demo",
            "--db",
            db.to_str().unwrap(),
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = String::new();
    for line in out.by_ref() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("leye is running") {
            break;
        }
    }
    // Keep reading what the server prints after that, as a terminal would.
    std::thread::spawn(move || out.for_each(drop));
    let fetch = || {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        s.write_all(b"GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .ok()?;
        let mut r = String::new();
        s.read_to_string(&mut r).ok()?;
        Some(r).filter(|r| !r.is_empty())
    };
    // Wait for the server to answer (up to 60 s on a loaded machine; usually at once).
    let mut answer = None;
    for _ in 0..600 {
        answer = fetch();
        if answer.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // The short version of the load test: the whole read mix against the demo server,
    // signed in as the demo admin, with no failed request.
    let (code, _, load) = leye(&[
        "bench",
        "load",
        "--url",
        &format!("http://127.0.0.1:{port}"),
        "--seconds",
        "3",
        "--connections",
        "8",
        "--report-every",
        "1",
    ]);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(code, 0, "{load}");
    let last = load.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("bench=load ") && last.contains(" errors=0"),
        "{load}"
    );
    // Each second's rate is printed as the run goes.
    assert!(
        load.lines()
            .any(|l| l.starts_with("  [    1 s] ") && l.contains(" requests/s, 0 errors")),
        "{load}"
    );
    for kind in [
        "/api/v1/jobs/search",
        "/jobs/{id}",
        "/api/v1/policy/evaluate",
        "/persons?page=",
    ] {
        assert!(load.contains(kind), "{kind}: {load}");
    }
    assert!(seen.contains("名人员"), "{seen}");
    assert!(seen.contains("条应享未享"), "{seen}");
    for user in ["admin", "cun", "jingxin", "qiye", "qiuzhi", "auditor"] {
        assert!(seen.contains(user), "{user}: {seen}");
    }
    let answer = answer.unwrap_or_default();
    assert!(
        answer.starts_with("HTTP/1.") && answer.contains(" 200 "),
        "{answer}"
    );
}

/// `leye import template|persons` and `leye export persons`: the template imports, a bad file
/// exits 2 with a row-by-row report and writes nothing, a re-import changes nothing.
#[test]
fn import_and_export_persons() {
    let dir = leye_testkit_dir();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let db = p("i.db");
    let (code, _, out) = leye(&["import", "template", "persons", "--out", &p("t.xlsx")]);
    assert_eq!(code, 0, "{out}");
    let (code, v, out) = leye(&["import", "persons", &p("t.xlsx"), "--db", &db]);
    assert_eq!((code, v["created"].as_i64()), (0, Some(1)), "{out}");
    let (_, v, _) = leye(&["import", "persons", &p("t.xlsx"), "--db", &db]);
    assert_eq!(
        (v["created"].as_i64(), v["unchanged"].as_i64()),
        (Some(0), Some(1))
    );
    std::fs::write(
        p("bad.csv"),
        "姓名,身份证号,常住地区划代码\n张三,3.30502E+17,330502\n",
    )
    .unwrap();
    let (code, v, _) = leye(&[
        "import",
        "persons",
        &p("bad.csv"),
        "--db",
        &db,
        "--report",
        &p("r.csv"),
    ]);
    assert_eq!((code, v["rejected"].as_bool()), (2, Some(true)));
    let report = std::fs::read_to_string(p("r.csv")).unwrap();
    assert!(
        report.contains("2,身份证号,3.30502E+17") && report.contains("科学计数法"),
        "{report}"
    );
    let (code, _, out) = leye(&["export", "persons", "--out", &p("e.xlsx"), "--db", &db]);
    assert_eq!(code, 0, "{out}");
    assert!(std::fs::read(p("e.xlsx")).unwrap().starts_with(b"PK"));
}

#[test]
fn import_and_export_a_registry() {
    let dir = leye_testkit_dir();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let db = p("r.db");
    let (code, _, out) = leye(&[
        "import",
        "template",
        "hr-institutions",
        "--out",
        &p("t.xlsx"),
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, v, out) = leye(&[
        "import",
        "registry",
        "hr-institutions",
        &p("t.xlsx"),
        "--db",
        &db,
    ]);
    assert_eq!((code, v["created"].as_i64()), (0, Some(1)), "{out}");
    std::fs::write(
        p("bad.csv"),
        "机构名称,主要业务,登记日期,所在区划代码\n湖州某人力,算命,2025-01-01,330502\n",
    )
    .unwrap();
    let (code, v, out) = leye(&[
        "import",
        "registry",
        "hr-institutions",
        &p("bad.csv"),
        "--db",
        &db,
    ]);
    assert_eq!((code, v["rejected"].as_bool()), (2, Some(true)), "{out}");
    let said = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_leye"))
            .args(args)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let (code, err) = said(&[
        "import",
        "registry",
        "hr-institutions",
        &p("bad.csv"),
        "--db",
        &db,
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("第2行 主要业务“算命”"), "{err}");
    let (code, err) = said(&["import", "registry", "nope", &p("bad.csv"), "--db", &db]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("没有名录“nope”") && err.contains("certifications"),
        "{err}"
    );
    let (code, _, out) = leye(&[
        "export",
        "registry",
        "hr-institutions",
        "--out",
        &p("e.xlsx"),
        "--db",
        &db,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(std::fs::read(p("e.xlsx")).unwrap().starts_with(b"PK"));
}

/// A valid ID number (as the test kit makes them, without depending on it).
fn valid_id(first17: &str) -> String {
    let c = leye_domain::id_number::check_char(first17.as_bytes());
    format!("{first17}{c}")
}

/// `kill -9` in the middle of writing an import leaves nothing half-written: re-running the
/// same file then writes every row once, and a third run changes nothing.
#[test]
fn import_killed_mid_write_is_completed_by_rerunning() {
    use std::io::{BufRead, BufReader};
    let dir = leye_testkit_dir();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let db = p("k.db");
    let rows = 60_000;
    let mut csv = String::from("姓名,身份证号,常住地区划代码\n");
    for i in 0..rows {
        let birth = 19600101 + (i / 1000) % 28 + 100 * ((i / 28_000) % 12);
        csv.push_str(&format!(
            "人员{i},{},330502102001\n",
            valid_id(&format!("330502{birth}{:03}", i % 1000))
        ));
    }
    std::fs::write(p("big.csv"), csv).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_leye"))
        .args(["import", "persons", &p("big.csv"), "--db", &db])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let writing = lines.any(|l| l.is_ok_and(|l| l.contains("开始写入")));
    assert!(writing, "the import never reached its write step");
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed before it could finish");

    let (code, v, out) = leye(&["import", "persons", &p("big.csv"), "--db", &db]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        (v["created"].as_i64(), v["unchanged"].as_i64()),
        (Some(rows), Some(0)),
        "the killed run left nothing: {out}"
    );
    let (_, v, out) = leye(&["import", "persons", &p("big.csv"), "--db", &db]);
    assert_eq!(
        (v["created"].as_i64(), v["unchanged"].as_i64()),
        (Some(0), Some(rows)),
        "{out}"
    );
}

mod backup;
mod pay;
mod push;
mod replicas;
mod sweep;
