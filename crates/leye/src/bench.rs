//! `leye bench ...`: benchmarks that print their figures and end with one `key=value` line.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use leye_policy::anchor::{AnchorParams, AnchorPerson, compute, zero_employment_households};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// Peak resident memory of this process in MiB (Linux `VmHWM`), if known.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

struct Csv {
    header: HashMap<String, usize>,
    rows: Vec<Vec<String>>,
}

fn read_csv(path: &Path) -> Result<Csv> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("无法读取 {}", path.display()))?;
    let mut lines = text.lines();
    let header = lines
        .next()
        .context("CSV 文件为空")?
        .split(',')
        .enumerate()
        .map(|(i, h)| (h.trim().to_string(), i))
        .collect();
    let rows = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    Ok(Csv { header, rows })
}

impl Csv {
    fn col(&self, name: &str) -> Result<usize> {
        self.header
            .get(name)
            .copied()
            .with_context(|| format!("CSV 缺少列 {name}"))
    }
}

fn flag(s: &str) -> bool {
    s == "1" || s.eq_ignore_ascii_case("true")
}

fn date(s: &str, row: usize, col: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .with_context(|| format!("第{}行 {col} 不是日期: {s}", row + 2))
}

fn int(s: &str, row: usize, col: &str) -> Result<i32> {
    s.parse()
        .with_context(|| format!("第{}行 {col} 不是整数: {s}", row + 2))
}

fn persons(csv: &Csv) -> Result<Vec<AnchorPerson>> {
    let c = |n: &str| csv.col(n);
    let (
        hh,
        birth,
        sex,
        has_pwp,
        approval,
        cadre,
        unemp,
        disabled,
        veteran,
        grad,
        student,
        hte,
        employed,
        able,
        started,
    ) = (
        c("household_id")?,
        c("birth")?,
        c("sex")?,
        c("has_public_welfare_post")?,
        c("public_welfare_post_first_approval")?,
        c("is_cadre_post")?,
        c("registered_unemployed_months")?,
        c("is_disabled_certified")?,
        c("is_retired_veteran_self_employed")?,
        c("graduated_years_ago")?,
        c("is_student")?,
        c("is_hard_to_employ")?,
        c("is_employed")?,
        c("able_to_work")?,
        c("started_business")?,
    );
    csv.rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let get = |k: usize| r.get(k).map(String::as_str).unwrap_or("");
            Ok(AnchorPerson {
                household: int(get(hh), i, "household_id")? as u32,
                birth: date(get(birth), i, "birth")?,
                female: get(sex) == "1",
                has_public_welfare_post: flag(get(has_pwp)),
                public_welfare_post_first_approval: date(get(approval), i, "approval")?,
                is_cadre_post: flag(get(cadre)),
                registered_unemployed_months: int(get(unemp), i, "registered_unemployed_months")?,
                is_disabled_certified: flag(get(disabled)),
                is_retired_veteran_self_employed: flag(get(veteran)),
                graduated_years_ago: int(get(grad), i, "graduated_years_ago")?,
                is_student: flag(get(student)),
                is_hard_to_employ: flag(get(hte)),
                is_employed: flag(get(employed)),
                able_to_work: flag(get(able)),
                started_business: flag(get(started)),
            })
        })
        .collect()
}

/// `leye bench policy --openfisca DIR`.
pub fn policy(dir: &Path) -> Result<()> {
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("summary.json")).with_context(|| {
            format!(
                "无法读取 {}/summary.json(先运行 run.sh export N DIR)",
                dir.display()
            )
        })?,
    )?;
    let period = summary["period"].as_str().unwrap_or("2024-06");
    let start = NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d")
        .context("summary.json 的 period 无效")?;
    let openfisca_s = summary["openfisca_engine_total_s"]
        .as_f64()
        .unwrap_or(f64::NAN);
    let t = Instant::now();
    let people = persons(&read_csv(&dir.join("persons.csv"))?)?;
    let households_csv = read_csv(&dir.join("households.csv"))?;
    let results = read_csv(&dir.join("results.csv"))?;
    let load_s = t.elapsed().as_secs_f64();
    let n_households = households_csv.rows.len();

    // The engine: parameters for the period, household aggregation, every person's outputs.
    let runs = 5;
    let mut best = f64::INFINITY;
    let mut outputs = Vec::new();
    let mut zero = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let k = AnchorParams::for_period(start)?;
        zero = zero_employment_households(&people, n_households, &k);
        outputs = people
            .iter()
            .map(|p| {
                compute(
                    p,
                    zero.get(p.household as usize).copied().unwrap_or(false),
                    &k,
                )
            })
            .collect::<Vec<_>>();
        best = best.min(t.elapsed().as_secs_f64());
    }

    // Compare with OpenFisca row by row.
    let c = |n: &str| results.col(n);
    let (age, key, elig, amount, months, inzero) = (
        c("age")?,
        c("key_group")?,
        c("startup_subsidy_eligible")?,
        c("startup_subsidy_amount")?,
        c("public_welfare_post_subsidy_months_allowed")?,
        c("in_zero_employment_household")?,
    );
    if results.rows.len() != outputs.len() {
        bail!(
            "行数不一致: OpenFisca {} 行, leye {} 行",
            results.rows.len(),
            outputs.len()
        );
    }
    let mut mismatches = 0usize;
    for (i, (r, o)) in results.rows.iter().zip(&outputs).enumerate() {
        let get = |k: usize| r.get(k).map(String::as_str).unwrap_or("");
        let amount_fen = (get(amount).parse::<f64>().unwrap_or(f64::NAN) * 100.0).round() as i64;
        let same = get(age).parse::<i32>().ok() == Some(o.age)
            && flag(get(key)) == o.key_group
            && flag(get(elig)) == o.startup_subsidy_eligible
            && amount_fen == o.startup_subsidy_amount_fen
            && get(months).parse::<i32>().ok()
                == Some(o.public_welfare_post_subsidy_months_allowed)
            && flag(get(inzero)) == o.in_zero_employment_household;
        if !same {
            mismatches += 1;
            if mismatches <= 5 {
                eprintln!("第{}行不一致: OpenFisca {r:?} / leye {o:?}", i + 2);
            }
        }
    }
    let zcol = households_csv.col("zero_employment_household")?;
    for (h, r) in households_csv.rows.iter().enumerate() {
        if flag(r.get(zcol).map(String::as_str).unwrap_or("")) != zero[h] {
            mismatches += 1;
        }
    }
    let n = people.len();
    println!(
        "# leye bench policy: OpenFisca anchor rules, {n} persons, {n_households} households, period {period}"
    );
    println!("csv load (not timed in either engine): {load_s:.3} s");
    println!(
        "leye engine (params + households + persons, best of {runs}): {best:.4} s ({:.0} persons/s)",
        n as f64 / best
    );
    println!("OpenFisca engine (build + calculate, from summary.json): {openfisca_s:.4} s");
    println!(
        "rows compared: {} persons + {n_households} households, mismatches: {mismatches}",
        n
    );
    let ratio = openfisca_s / best;
    let matched = if mismatches == 0 {
        "all".to_string()
    } else {
        format!("{mismatches}_mismatches")
    };
    println!(
        "bench=policy persons={n} leye_s={best:.4} openfisca_s={openfisca_s:.4} ratio={ratio:.1} match={matched}"
    );
    if mismatches > 0 {
        bail!("{mismatches} 行与 OpenFisca 不一致");
    }
    Ok(())
}

/// `leye bench sweep --scale F`: synthesise a city into a fresh SQLite database (or use
/// `--db`), then time the full sweep from the database and report peak memory.
pub async fn sweep(scale: f64, db: Option<String>, read_all: bool) -> Result<()> {
    let dir = tempfile_dir()?;
    let (db, synth_s) = match db {
        Some(db) => (db, 0.0),
        None => {
            let path = dir.join("bench-sweep.db");
            let db = path.display().to_string();
            let t = Instant::now();
            crate::synth(scale, 20240711, db.clone()).await?;
            (db, t.elapsed().as_secs_f64())
        }
    };
    // Migrated first (an older database gets today's indexes), outside the timing.
    let store = crate::open(&db).await?;
    let on = crate::today();
    let t = Instant::now();
    let mut bars = crate::progress_bars();
    let reading = if read_all {
        leye_sweep::Reading::Everyone
    } else {
        leye_sweep::Reading::Selected
    };
    let report = leye_sweep::sweep_reading(
        &store,
        on,
        None,
        &leye_store::Actor::system("bench"),
        chrono::Utc::now(),
        |done, total| bars("普查", done as u64, total as u64),
        reading,
    )
    .await?;
    let sweep_s = t.elapsed().as_secs_f64();
    let rss = peak_rss_mib().unwrap_or(f64::NAN);
    // With --db the city is whatever the database holds: the scale is not known.
    let scale = if synth_s > 0.0 {
        scale.to_string()
    } else {
        "db".to_string()
    };
    println!(
        "# leye bench sweep: scale {scale}, {} persons, {} households; read {} persons in {} households{}",
        report.persons,
        report.households,
        report.persons_read,
        report.households_read,
        if read_all { " (--read-all)" } else { "" }
    );
    println!("synthesis: {synth_s:.1} s");
    println!(
        "sweep: {sweep_s:.2} s (read {:.2} s of which choosing {:.2} s, evaluate {:.2} s, save {:.2} s), {} decisions, {} eligible, {} offers open",
        report.read_s,
        report.select_s,
        report.eval_s,
        report.save_s,
        report.decisions,
        report.eligible,
        report.saved.open
    );
    for (m, n, fen) in &report.by_measure {
        if *n > 0 {
            println!(
                "  {m}: {n} offers, {} yuan",
                leye_domain::Money::from_fen(*fen)
            );
        }
    }
    println!("decisions by measure (decided / eligible / cannot decide):");
    for (m, n, y, u) in &report.decisions_by_measure {
        if *n > 0 {
            println!("  {m}: {n} / {y} / {u}");
        }
    }
    println!("peak RSS: {rss:.0} MiB");
    println!(
        "bench=sweep scale={scale} persons={} persons_read={} sweep_s={sweep_s:.2} read_s={:.2} select_s={:.2} eval_s={:.2} save_s={:.2} offers={} peak_rss_mib={rss:.0}",
        report.persons,
        report.persons_read,
        report.read_s,
        report.select_s,
        report.eval_s,
        report.save_s,
        report.saved.open
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("leye-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// `leye bench import --rows N`: N generated person rows as CSV and XLSX, each imported into a
/// fresh SQLite database, and the raw `.import` of the same CSV by the sqlite3 shell.
pub async fn import(rows: usize) -> Result<()> {
    let dir = tempfile_dir()?;
    let villages: Vec<String> = leye_domain::Regions::huzhou()
        .all()
        .filter(|r| r.level == leye_domain::region::RegionLevel::Village)
        .map(|r| r.code.clone())
        .collect();
    let start = NaiveDate::from_ymd_opt(1960, 1, 1).context("date")?;
    let headers: Vec<&str> = [
        "姓名",
        "身份证号",
        "常住地区划代码",
        "文化程度",
        "毕业日期",
        "退役军人",
    ]
    .to_vec();
    let mut data = Vec::with_capacity(rows);
    for i in 0..rows {
        // 500 people per birth date and sex code keep ID numbers distinct.
        let birth = start + chrono::Days::new((i / 1000) as u64);
        let id = leye_synth::id_number("330502", birth, (i % 1000) as u32);
        data.push(vec![
            format!("测试{i}"),
            id,
            villages[i % villages.len().max(1)].clone(),
            "本科".to_string(),
            format!("{}/6/30", 1982 + (i / 1000) % 30),
            if i % 50 == 0 { "是" } else { "否" }.to_string(),
        ]);
    }
    let csv_path = dir.join("persons.csv");
    let mut w = String::with_capacity(rows * 80);
    w.push_str(&headers.join(","));
    w.push('\n');
    for r in &data {
        w.push_str(&r.join(","));
        w.push('\n');
    }
    std::fs::write(&csv_path, &w)?;
    let xlsx = leye_io::sheet_bytes("人员", &headers, &data)?;
    drop(data);

    let mut times = Vec::new();
    for (name, bytes) in [("persons.csv", w.into_bytes()), ("persons.xlsx", xlsx)] {
        let db = dir.join(format!("{name}.db"));
        let store = leye_store::Store::connect(&db.display().to_string()).await?;
        store.migrate().await?;
        let t = Instant::now();
        let r = leye_io::import_persons(
            &store,
            &leye_domain::Scope::System,
            &leye_store::Actor::system("bench"),
            name,
            &bytes,
            leye_io::ImportOptions::default(),
            chrono::Utc::now(),
        )
        .await?;
        let s = t.elapsed().as_secs_f64();
        if r.created != rows {
            bail!(
                "{name}: 只写入 {} 行 / wrote {} of {rows}: {:?}",
                r.created,
                r.created,
                r.errors.first()
            );
        }
        println!(
            "{name}: {rows} rows in {s:.2} s ({:.0} rows/s)",
            rows as f64 / s
        );
        times.push(s);
    }
    let raw_db = dir.join("raw.db");
    let t = Instant::now();
    let ok = std::process::Command::new("sqlite3")
        .arg(&raw_db)
        .arg(".mode csv")
        .arg(format!(".import {} raw", csv_path.display()))
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    let raw = if ok {
        format!("{:.2}", t.elapsed().as_secs_f64())
    } else {
        "NA".to_string()
    };
    println!("sqlite3 shell .import (no checks): {raw} s");
    println!(
        "bench=import rows={rows} csv_s={:.2} xlsx_s={:.2} sqlite3_cli_s={raw}",
        times[0], times[1]
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// `leye bench pay --n N [--db URL]`: N graduate hires (each entitled to the job-expansion
/// subsidy) applied for, reviewed and approved by three officers through the same functions
/// as the web, then one payment batch, its bank file and the bank's result reconciled. Times
/// each step. Without `--db`, a fresh SQLite file; with a `postgres://` URL, that (empty)
/// database.
pub async fn pay(n: u32, db: Option<String>) -> Result<()> {
    use leye_apply::{ActRequest, ApplyRequest, payments};
    use leye_domain::Scope;
    use leye_domain::application::AppAction;
    use leye_store::{Actor, Budget, NewUser};
    let dir = tempfile_dir()?;
    let db = db.unwrap_or_else(|| dir.join("bench-pay.db").display().to_string());
    let store = crate::open(&db).await?;
    let now = chrono::Utc::now();
    let today = crate::today();
    let scope = Scope::System;
    let sys = Actor::system("bench");
    let t = Instant::now();
    let hires =
        leye_synth::hires::graduate_hires(&store, "330502102", "330502102201", n, 1, today, now)
            .await?;
    let setup_s = t.elapsed().as_secs_f64();
    let mut tx = store.begin().await?;
    let mut officers = Vec::new();
    for u in ["bench_submit", "bench_review", "bench_approve"] {
        let user = NewUser {
            username: u.into(),
            display_name: u.into(),
            password_hash: "-".into(),
            role: "county_officer".into(),
            region_code: Some("330502".into()),
            unit: None,
            enterprise_id: None,
            person_id: None,
        };
        let id = leye_store::create_user(&mut tx, &sys, &user, now).await?;
        officers.push(Actor::user(id, u, "127.0.0.1"));
    }
    let budget = Budget {
        measure: "job_expansion".into(),
        district: "330502".into(),
        year: i64::from(chrono::Datelike::year(&today)),
        amount_fen: i64::from(n) * 150_000,
        committed_fen: 0,
    };
    leye_store::set_budget(&mut tx, &scope, &budget, &sys, now).await?;
    tx.commit().await?;

    let t = Instant::now();
    let mut ids = Vec::with_capacity(hires.persons.len());
    for p in &hires.persons {
        let req = ApplyRequest {
            measure: "job_expansion".into(),
            person_id: Some(*p),
            enterprise_id: Some(hires.firm),
            payee_name: "湖州应届生招聘测试有限公司".into(),
            payee_account: "6222021234567890".into(),
            ..Default::default()
        };
        ids.push(leye_apply::apply(&store, &scope, &officers[0], now, &req).await?);
    }
    let apply_s = t.elapsed().as_secs_f64();
    let mut step_s = Vec::new();
    for (who, action) in [(1, AppAction::StartReview), (2, AppAction::Approve)] {
        let t = Instant::now();
        let req = ActRequest {
            action,
            reason: None,
            note: String::new(),
        };
        for id in &ids {
            leye_apply::act(&store, &scope, &officers[who], now, *id, &req).await?;
        }
        step_s.push(t.elapsed().as_secs_f64());
    }
    let t = Instant::now();
    let batches = payments::create_batches(&store, &scope, &sys, now).await?;
    let batch_s = t.elapsed().as_secs_f64();
    let Some(batch) = batches.first() else {
        bail!("no batch was built");
    };
    let t = Instant::now();
    let (_, xlsx) = payments::bank_file(&store, &scope, &sys, now, batch.id).await?;
    let file_s = t.elapsed().as_secs_f64();
    let sent = leye_io::table::read("bank.xlsx", &xlsx, &payments::BANK_HEADERS)?;
    let mut result = String::from("支付流水号,结果,银行流水号\n");
    for r in &sent.rows {
        result.push_str(&format!("{},成功,B{}\n", r.cells[0], r.number));
    }
    let t = Instant::now();
    let rows = payments::parse_result_file("result.csv", result.as_bytes())?;
    let report = payments::reconcile(&store, &sys, now, &rows).await?;
    let reconcile_s = t.elapsed().as_secs_f64();
    let per_s = |s: f64| f64::from(n) / s.max(1e-9);
    println!(
        "# leye bench pay: {n} applications on {}",
        match store.backend() {
            leye_store::Backend::Sqlite => "sqlite",
            leye_store::Backend::Postgres => "postgres",
        }
    );
    println!("fixture (persons, events): {setup_s:.2} s");
    println!(
        "apply (decide + store): {apply_s:.2} s = {:.0}/s",
        per_s(apply_s)
    );
    println!(
        "review: {:.2} s = {:.0}/s; approve (budget, once-only): {:.2} s = {:.0}/s",
        step_s[0],
        per_s(step_s[0]),
        step_s[1],
        per_s(step_s[1])
    );
    println!(
        "batch of {}: {batch_s:.2} s; bank file: {file_s:.2} s; reconcile {} paid: {reconcile_s:.2} s",
        batch.items, report.paid
    );
    println!(
        "bench=pay n={n} apply_per_s={:.0} review_per_s={:.0} approve_per_s={:.0} batch_s={batch_s:.3} bank_file_s={file_s:.3} reconcile_s={reconcile_s:.3} paid={}",
        per_s(apply_s),
        per_s(step_s[0]),
        per_s(step_s[1]),
        report.paid
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
