//! `leye monitor ...` (recompute the indicators, enter the surveyed rate), `leye report` (the
//! employment situation report as HTML, XLSX and, where Chromium is installed, PDF) and the
//! benchmark `leye bench indicators`.

use crate::{DEFAULT_DB, open, today};
use anyhow::{Context, Result, bail};
use chrono::Utc;
use leye_monitor::figures::{Mon, mon, mon_str};
use leye_monitor::labour::{Event, Labour, LabourRules, Person, Sector, Status};
use leye_monitor::report::{Period, ReportKind};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Subcommand)]
pub enum MonitorCommand {
    /// 重新计算监测指标(默认近24个月)并运行每日预警检查 / Recompute the indicators and run the checks
    Refresh {
        /// 起始月份 YYYY-MM / First month
        #[arg(long)]
        from: Option<String>,
        /// 截止月份 YYYY-MM / Last month
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// 录入一个月的城镇调查失业率(统计部门数据)/ Record a month of the surveyed unemployment rate
    Surveyed {
        /// YYYY-MM
        #[arg(long)]
        month: String,
        /// 百分数,如 4.8 / In %, e.g. 4.8
        #[arg(long)]
        rate: String,
        /// 全市 330500 或区县代码 / 330500 or a county code
        #[arg(long, default_value = "330500")]
        region: String,
        #[arg(long, default_value = "国家统计局湖州调查队")]
        source: String,
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
}

fn month_arg(raw: &str, what: &str) -> Result<Mon> {
    match leye_monitor::figures::mon_exact(raw.trim()) {
        Some(m) => Ok(m),
        None => bail!("{what}“{raw}”格式不正确(应为YYYY-MM)"),
    }
}

pub async fn run(command: MonitorCommand) -> Result<()> {
    match command {
        MonitorCommand::Refresh { from, to, db } => {
            let store = open(&db).await?;
            let (mut a, mut b) = leye_monitor::load::default_window(today());
            if let Some(f) = from {
                a = month_arg(&f, "起始月份")?;
            }
            if let Some(t) = to {
                b = month_arg(&t, "截止月份")?;
            }
            let actor = leye_store::Actor::system("cli");
            let now = Utc::now();
            let r = leye_monitor::load::refresh(&store, a, b, &actor, now).await?;
            let figures = leye_monitor::report::figures_for(&store, a, b).await?;
            let raised = leye_monitor::alerts::daily(&store, &figures, today(), now).await?;
            let delivered = leye_monitor::alerts::deliver(&store, now).await?;
            println!(
                "{}",
                serde_json::json!({"refresh": r, "alerts_raised": raised, "notices": delivered})
            );
            Ok(())
        }
        MonitorCommand::Surveyed {
            month,
            rate,
            region,
            source,
            db,
        } => {
            let store = open(&db).await?;
            let row = leye_monitor::alerts::surveyed_row(
                &month,
                Some(&region),
                &rate,
                &source,
                leye_monitor::figures::mon_of(today()),
            )
            .map_err(|(_, _, why)| anyhow::anyhow!(why))?;
            let now = Utc::now();
            let mut tx = store.begin().await?;
            leye_store::set_surveyed_rates(&mut tx, &[row], &leye_store::Actor::system("cli"), now)
                .await?;
            let raised = leye_monitor::alerts::check_surveyed(&mut tx, today(), now).await?;
            tx.commit().await?;
            leye_monitor::alerts::deliver(&store, now).await?;
            println!(
                "已录入;新预警 {} 条 / recorded, {} new alerts",
                raised.len(),
                raised.len()
            );
            Ok(())
        }
    }
}

/// `leye report`: write the report's HTML and XLSX (and PDF where Chromium is installed).
pub async fn report(
    period: String,
    kind: String,
    out: PathBuf,
    db: String,
    pdf: bool,
) -> Result<()> {
    let kind = ReportKind::parse(&kind)
        .with_context(|| format!("报告类型“{kind}”无效(monthly、quarterly或annual)"))?;
    let p = Period::parse(&period, kind).map_err(|e| anyhow::anyhow!("{e}"))?;
    let store = open(&db).await?;
    let r = leye_monitor::report::build(&store, &p, today()).await?;
    std::fs::create_dir_all(&out).with_context(|| format!("无法创建目录 {}", out.display()))?;
    let stem = p.file_stem();
    let html = out.join(format!("{stem}.html"));
    let xlsx = out.join(format!("{stem}.xlsx"));
    write_atomic(&html, r.html.as_bytes())?;
    write_atomic(&xlsx, &leye_monitor::report::xlsx(&r)?)?;
    println!("{}", html.display());
    println!("{}", xlsx.display());
    for line in &r.narrative {
        eprintln!("{line}");
    }
    if pdf {
        let target = out.join(format!("{stem}.pdf"));
        match print_pdf(&html, &target) {
            Ok(()) => println!("{}", target.display()),
            Err(e) => eprintln!("未生成PDF / no PDF: {e:#}"),
        }
    }
    Ok(())
}

/// Write to a temp name, then rename: a reader never sees half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}

/// Headless Chromium's print-to-PDF, when Chromium is installed.
fn print_pdf(html: &Path, pdf: &Path) -> Result<()> {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find(|c| {
            std::process::Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .context("未安装 Chromium")?;
    let profile = std::env::temp_dir().join(format!("leye-pdf-{}", std::process::id()));
    let abs = std::fs::canonicalize(html)?;
    let status = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", abs.display()))
        .output()
        .context("无法启动 Chromium")?;
    let _ = std::fs::remove_dir_all(&profile);
    if !status.status.success() || !pdf.exists() {
        bail!(
            "Chromium 打印失败: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    }
    Ok(())
}

/// A small deterministic generator (no dependency): xorshift.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// `leye bench indicators --events N`: N labour events of N/4 people over 36 months in every
/// township, folded into all monthly labour indicators; the same events in a SQLite table
/// aggregated with plain GROUP BYs (flows per month, region and status) in the same run; and
/// the dashboard's read of the maintained aggregates.
pub async fn bench_indicators(events: usize) -> Result<()> {
    let regions: Vec<String> = leye_domain::Regions::huzhou()
        .all()
        .filter(|r| r.code.len() == 9)
        .map(|r| r.code.clone())
        .collect();
    let people_n = (events / 4).max(1);
    let first = mon("2024-01").unwrap_or(0);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let t = Instant::now();
    let mut labour = Labour {
        regions: regions.clone(),
        people: Vec::with_capacity(people_n),
        events: Vec::with_capacity(events),
    };
    for _ in 0..people_n {
        labour.people.push(Person {
            region: rng.below(regions.len() as u64) as u32,
            urban: rng.below(3) > 0,
            birth: first - 18 * 12 - rng.below(45 * 12) as Mon,
        });
    }
    let statuses = [
        Status::Employed,
        Status::Unemployed,
        Status::Employed,
        Status::Retired,
        Status::Out,
    ];
    for p in 0..people_n {
        let n = events / people_n + usize::from(p < events % people_n);
        let mut m = first + rng.below(6) as Mon;
        for _ in 0..n {
            let status = statuses[rng.below(statuses.len() as u64) as usize];
            let letter = if status == Status::Employed {
                b'A' + rng.below(20) as u8
            } else {
                0
            };
            labour.events.push(Event {
                person: p as u32,
                month: m,
                status,
                sector: if letter == 0 {
                    Sector::Unknown
                } else {
                    Sector::of_industry(&char::from(letter).to_string())
                },
                industry: letter,
                benefit_months: if status == Status::Unemployed {
                    rng.below(3) as u8
                } else {
                    0
                },
            });
            m += 1 + rng.below(8) as Mon;
        }
    }
    let gen_s = t.elapsed().as_secs_f64();
    let rules = LabourRules {
        long_term_months: 12,
        youth_min_age: 16,
        youth_max_age: 24,
    };
    let (from, to) = (first, first + 35);
    let t = Instant::now();
    let out = leye_monitor::labour::fold(&labour, rules, from, to);
    let fold_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut figures = leye_monitor::Figures::default();
    for c in &out {
        figures.add(leye_domain::Regions::huzhou(), c);
    }
    let rollup_s = t.elapsed().as_secs_f64();
    let leye_s = fold_s + rollup_s;
    eprintln!(
        "生成 {events} 条事件({people_n} 人, {} 个乡镇) {gen_s:.2}s;逐人折叠 {fold_s:.3}s,汇总到区县/功能区/全市 {rollup_s:.3}s,得到 {} 项数据",
        regions.len(),
        figures.len()
    );

    // The same events in SQLite, aggregated by plain GROUP BYs.
    let dir = tempfile_dir()?;
    let path = dir.join("bench-indicators.db");
    let store = leye_store::Store::connect(path.to_str().context("temp path")?).await?;
    let t = Instant::now();
    let (load_s, sqlite_groupby_s, groups) =
        leye_store::bench_group_by(&store, &labour_rows(&labour), from, to).await?;
    eprintln!(
        "SQLite: 写入 {load_s:.2}s;GROUP BY(月份×乡镇×状态的流量,月末存量) {sqlite_groupby_s:.2}s,{groups} 组;合计 {:.2}s",
        t.elapsed().as_secs_f64()
    );

    // The dashboard reads maintained aggregates: time the read behind /dashboard.
    let rows: Vec<(String, String, String, i64, i64)> = figures
        .rows()
        .map(|(i, r, m, n, d)| (i.to_string(), r.to_string(), mon_str(m), n, d))
        .collect();
    store.migrate().await?;
    let mut tx = store.begin().await?;
    leye_store::replace_indicator_values(
        &mut tx,
        &mon_str(from),
        &mon_str(to),
        &rows,
        events as i64,
        (leye_s * 1000.0) as i64,
        &leye_store::Actor::system("bench"),
        Utc::now(),
    )
    .await?;
    tx.commit().await?;
    let mut lat = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let f = leye_monitor::report::figures_of(
            &store,
            to - 12,
            to,
            &leye_monitor::report::top_regions(),
        )
        .await?;
        std::hint::black_box(f.len());
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(f64::total_cmp);
    let p50 = lat[lat.len() / 2];
    let p99 = lat[lat.len() * 99 / 100];
    eprintln!(
        "大屏读取维护好的汇总(13个月,全市与各区县,全部指标): p50 {p50:.1} ms, p99 {p99:.1} ms"
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "bench=indicators events={events} people={people_n} leye_s={leye_s:.3} fold_s={fold_s:.3} sqlite_load_s={load_s:.2} sqlite_groupby_s={sqlite_groupby_s:.2} dashboard_p50_ms={p50:.1} dashboard_p99_ms={p99:.1}"
    );
    Ok(())
}

/// (person, month, status code, region index, urban) per event, for the SQLite side.
fn labour_rows(l: &Labour) -> Vec<(u32, i32, u8, u32, bool)> {
    l.events
        .iter()
        .map(|e| {
            let p = &l.people[e.person as usize];
            (e.person, e.month, e.status as u8, p.region, p.urban)
        })
        .collect()
}

fn tempfile_dir() -> Result<PathBuf> {
    let d = std::env::temp_dir().join(format!("leye-bench-indicators-{}", std::process::id()));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}
