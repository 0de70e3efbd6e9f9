//! `leye`: the command line of 乐业. Thin: parse arguments, call the crates, print.

use anyhow::{Context, Result};
use chrono::{NaiveDate, Utc};
use clap::{Parser, Subcommand};
use leye_domain::retirement::RetirementLaw;
use leye_domain::{CreditCode, IdNumber, Sex, YearMonth};
use serde_json::json;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod backup;
mod bench;
mod help;
mod jobs;
mod load;
mod monitor;
mod pay;

const DEFAULT_DB: &str = "./data/leye.db";
const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[derive(Parser)]
#[command(
    name = "leye",
    version,
    about = "乐业:湖州市就业友好型城市平台 / leye: Huzhou's employment-friendly city platform",
    long_about = "乐业:湖州市就业友好型城市平台。\nleye: the platform that runs Huzhou's employment-friendly city programme.\n\n\
                  快速开始 / Quick start:  leye demo"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 演示:建库、载入演示城市并启动网页 / Demo: migrate, load the demo city, serve the web UI
    Demo {
        /// 数据库(SQLite 路径或 postgres:// 地址) / Database (SQLite path or postgres:// URL)
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
        /// 监听地址 / Listen address
        #[arg(long, default_value = DEFAULT_ADDR)]
        addr: String,
    },
    /// 生成合成湖州市(写入空库) / Generate the synthetic Huzhou into an empty database
    Synth {
        /// 规模, 1.0 约 340 万人 / Scale; 1.0 is about 3.4 million residents
        #[arg(long, default_value_t = 0.01)]
        scale: f64,
        /// 随机种子 / Seed (same seed, same city)
        #[arg(long, default_value_t = 20240711)]
        seed: u64,
        /// 数据库(SQLite 路径或 postgres:// 地址) / Database (SQLite path or postgres:// URL)
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// 启动服务(网页与接口) / Serve the web UI and the JSON API
    Serve {
        /// 数据库(SQLite 路径或 postgres:// 地址) / Database (SQLite path or postgres:// URL)
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
        /// 监听地址 / Listen address
        #[arg(long, default_value = DEFAULT_ADDR)]
        addr: String,
    },
    /// 数据库迁移 / Apply database migrations
    Migrate {
        /// 数据库(SQLite 路径或 postgres:// 地址) / Database (SQLite path or postgres:// URL)
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// 校验身份证号,输出 JSON / Check a resident ID number, print JSON
    Id {
        /// 身份证号(18位或15位) / ID number (18 or legacy 15 digits)
        number: String,
    },
    /// 校验统一社会信用代码,输出 JSON / Check a unified social credit code, print JSON
    Org {
        /// 统一社会信用代码 / Unified social credit code
        code: String,
    },
    /// 用户账号管理 / Manage user accounts
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// 导入 CSV/Excel(先逐行校验,默认有错则不写入) / Import a CSV or Excel file (every row checked first)
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// 导出为 Excel(个人信息默认脱敏) / Export to Excel (personal data masked by default)
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// 基准测试 / Benchmarks (print figures, end with one key=value line)
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// 政策规则引擎 / Policy rules engine
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// 资金发放:批次、代发文件、银行回盘对账、资金绩效 / Payments: batches, bank files, reconciliation
    Pay {
        #[command(subcommand)]
        command: pay::PayCommand,
    },
    /// 公益性岗位 / Public-welfare posts
    Welfare {
        #[command(subcommand)]
        command: pay::WelfareCommand,
    },
    /// 困难群体帮扶 / Help for people who struggle
    Support {
        #[command(subcommand)]
        command: help::HelpCommand,
    },
    /// 就业市场:岗位推送、职业分类大典、岗位到期 / Job market: push outbox, occupation table, expiry
    Jobs {
        #[command(subcommand)]
        command: jobs::JobsCommand,
    },
    /// 就业监测:重新计算指标、录入调查失业率 / Monitoring: recompute indicators, surveyed rate
    Monitor {
        #[command(subcommand)]
        command: monitor::MonitorCommand,
    },
    /// 就业形势分析报告:写出HTML(含图表)、Excel表格,装有Chromium时另出PDF / The employment situation report
    Report {
        /// 报告期: YYYY-MM(季度、年度报告取其所在季度、年度),或 2026Q3、2026 / Period
        #[arg(long)]
        period: String,
        /// monthly、quarterly 或 annual
        #[arg(long, default_value = "monthly")]
        kind: String,
        /// 输出目录 / Output directory
        #[arg(long, default_value = ".")]
        out: std::path::PathBuf,
        /// 不生成PDF / Skip the PDF
        #[arg(long)]
        no_pdf: bool,
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// 预算 / Budgets
    Budget {
        #[command(subcommand)]
        command: pay::BudgetCommand,
    },
    /// 备份数据库(SQLite 在线备份;PostgreSQL 用 pg_dump),并保存校验信息 / Back up the database
    Backup {
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
        /// 备份文件 / Backup file
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// 从备份恢复到新的 SQLite 文件或空的 PostgreSQL 库,并校验 / Restore into a new database and verify
    Restore {
        /// 备份文件 / Backup file
        file: std::path::PathBuf,
        /// 目标数据库 / Target database
        #[arg(long)]
        db: String,
    },
    /// 审计日志 / Audit log
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// 计算法定退休年月(2025年改革),输出 JSON / Statutory retirement month (2025 reform), JSON
    Retirement {
        /// 出生年月 YYYY-MM / Birth month
        #[arg(long)]
        birth: String,
        /// 性别 M|F / Sex
        #[arg(long)]
        sex: String,
        /// 原法定退休年龄 50|55|60(男默认60,女默认55) / Original retirement age (men 60; women 55 unless 50)
        #[arg(long)]
        original_age: Option<u32>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// 新建用户(如第一个管理员) / Add a user (e.g. the first admin)
    Add {
        /// 用户名 / Username
        username: String,
        /// 角色 / Role: city_admin, county_officer, township_officer, village_worker, unit_officer, employer, job_seeker, auditor
        #[arg(long, default_value = "city_admin")]
        role: String,
        /// 姓名或单位 / Display name
        #[arg(long)]
        display_name: Option<String>,
        /// 管辖区划代码 / Region code (county, township and village roles)
        #[arg(long)]
        region: Option<String>,
        /// 责任单位 / Responsible unit (unit_officer)
        #[arg(long)]
        unit: Option<String>,
        /// 企业编号 / Enterprise id (employer)
        #[arg(long)]
        enterprise_id: Option<i64>,
        /// 人员编号 / Person id (job_seeker)
        #[arg(long)]
        person_id: Option<i64>,
        /// 从标准输入读取密码;否则生成随机密码并显示一次 / Read the password from stdin; otherwise generate one and print it once
        #[arg(long)]
        password_stdin: bool,
        /// 数据库 / Database
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
}

/// What every import takes.
#[derive(clap::Args)]
struct ImportArgs {
    /// CSV(UTF-8 或 GBK)或 .xlsx 文件 / CSV (UTF-8 or GBK) or .xlsx file
    file: std::path::PathBuf,
    /// 只写入正确的行,错误行仍列入报告 / Write the good rows, report the bad ones
    #[arg(long)]
    skip_invalid: bool,
    /// 错误报告输出到此 CSV / Write the row-by-row report to this CSV
    #[arg(long)]
    report: Option<std::path::PathBuf>,
    /// 数据库 / Database
    #[arg(long, default_value = DEFAULT_DB)]
    db: String,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// 导入人员(按身份证号更新,重复导入不变) / Persons (upsert by ID number)
    Persons(ImportArgs),
    /// 导入家庭户成员(每行一名成员,按户主身份证号归户) / Household members, one per row, keyed by the head's ID number
    Households(ImportArgs),
    /// 导入企业(按统一社会信用代码更新) / Enterprises (upsert by credit code)
    Enterprises(ImportArgs),
    /// 导入企业月度参保人数(按信用代码与月份更新) / Monthly headcount (upsert by credit code and month)
    Headcount(ImportArgs),
    /// 导入技能与创业名录(按名录的唯一标识更新) / A registry of skills, startups and enterprise
    /// service (upsert by the registry's key), e.g. `leye import registry certifications f.xlsx`
    Registry {
        /// 名录 / Registry: training-providers, courses, certifications, hr-institutions ...
        registry: String,
        #[command(flatten)]
        args: ImportArgs,
    },
    /// 下载导入模板(含表头与示例行) / Write the import template (headers and an example row)
    Template {
        /// persons | households | enterprises | headcount, or a registry (certifications ...)
        entity: String,
        /// 输出文件 .xlsx / Output .xlsx
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// 导出技能与创业名录(身份证号脱敏) / A registry of skills, startups and enterprise service
    /// (ID numbers masked)
    Registry {
        /// 名录 / Registry
        registry: String,
        /// 输出文件 .xlsx / Output .xlsx
        #[arg(long)]
        out: std::path::PathBuf,
        /// 只导出该区划(含下级) / Only this region and below
        #[arg(long)]
        region: Option<String>,
        /// 数据库 / Database
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// 导出人员 / Export persons
    Persons {
        /// 输出文件 .xlsx / Output .xlsx
        #[arg(long)]
        out: std::path::PathBuf,
        /// 只导出该区划(含下级) / Only this region and below
        #[arg(long)]
        region: Option<String>,
        /// 不脱敏(写入审计日志) / Full ID numbers, phones and addresses (audited)
        #[arg(long)]
        unmasked: bool,
        /// 数据库 / Database
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// 生成 N 行人员数据,分别以 CSV 和 Excel 导入空库并计时 / Import N generated person rows (CSV and XLSX)
    Import {
        /// 行数 / Rows
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
    },
    /// 合成城市 + 全量免申即享普查,报告耗时与峰值内存 / Synthesise a city, then time the full sweep
    Sweep {
        /// 规模, 1.0 约 340 万人 / Scale; 1.0 is about 3.4 million residents
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// 已有的合成城市数据库(跳过生成) / Use this synthesised database instead of building one
        #[arg(long)]
        db: Option<String>,
        /// 读取全部人员(不做预选),用于对照 / Read every person (no pre-selection), to compare
        #[arg(long)]
        read_all: bool,
    },
    /// N 笔申请的判定、审核、审批、发放批次与对账计时 / Apply, review, approve, batch and reconcile N applications
    Pay {
        /// 申请笔数 / Applications
        #[arg(long, default_value_t = 2_000)]
        n: u32,
        /// 空数据库(SQLite 路径或 postgres:// 地址);默认新建临时 SQLite / An empty database
        #[arg(long)]
        db: Option<String>,
    },
    /// 岗位检索: 合成岗位建索引,运行查询组合,并与 PostgreSQL pg_trgm 对比 / Job search against pg_trgm
    Search {
        /// 岗位数 / Postings
        #[arg(long, default_value_t = 1_000_000)]
        postings: usize,
        /// 查询数 / Queries
        #[arg(long, default_value_t = 10_000)]
        queries: usize,
        /// 对比用的 PostgreSQL(默认 LEYE_TEST_PG_URL)/ PostgreSQL for the pg_trgm comparison
        #[arg(long)]
        pg: Option<String>,
        /// 在 PostgreSQL 上运行的查询数(多数查询无法使用三元组索引,很慢)/ Queries run on PostgreSQL
        #[arg(long, default_value_t = 200)]
        pg_queries: usize,
    },
    /// 人岗匹配: N 名求职者中为岗位找出最匹配的 50 人 / Best 50 of N seekers for a posting
    Match {
        #[arg(long, default_value_t = 1_000_000)]
        seekers: usize,
        /// 抽样岗位数 / Sample postings
        #[arg(long, default_value_t = 500)]
        postings: usize,
    },
    /// 监测指标: N 条就业事件计算全部月度指标,并与 SQLite GROUP BY 对比 / All monthly indicators from N events
    Indicators {
        #[arg(long, default_value_t = 10_000_000)]
        events: usize,
    },
    /// 负载: 对 leye serve 持续发送查询组合,报告每秒请求数、延迟与错误 / HTTP load against leye serve
    Load(load::LoadOptions),
    /// 与 OpenFisca 对比规则引擎 / The rules engine against OpenFisca on the anchor's export
    Policy {
        /// run.sh export N DIR 生成的目录 / Directory written by `run.sh export N DIR`
        #[arg(long)]
        openfisca: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// 列出已实现的政策措施及参数(JSON) / List the measures and their parameters (JSON)
    Measures,
    /// 对一个情形(人员、家庭、单位、用工关系)判定各项措施,输出决定及理由(JSON) / Evaluate a situation
    Eval {
        /// 只判定这些措施(可重复) / Only these measures (repeatable)
        #[arg(long)]
        measure: Vec<String>,
        /// 判定日期 YYYY-MM-DD / Date of the decision
        #[arg(long)]
        date: String,
        /// 情形文件(JSON, 见 docs/policy.md) / Situation file (JSON, see docs/policy.md)
        file: std::path::PathBuf,
    },
    /// 免申即享普查: 对全部登记人员判定各项措施,保存并导出应享未享名单 / Sweep the registry for everyone entitled who has not applied
    Sweep {
        /// 判定日期 YYYY-MM-DD,默认今天 / As-of date (default today)
        #[arg(long)]
        date: Option<String>,
        /// 只普查这些措施(可重复) / Only these measures (repeatable)
        #[arg(long)]
        measure: Vec<String>,
        /// 数据库(SQLite 路径或 postgres:// 地址) / Database (SQLite path or postgres:// URL)
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
        /// 导出名单到文件(.xlsx 或 .csv) / Write the offers to a file (.xlsx or .csv)
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// 校验审计日志哈希链,发现被修改、删除或插入的记录 / Verify the hash chain
    Verify {
        /// 数据库 / Database
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
}

fn today() -> NaiveDate {
    leye_domain::time::local_date(Utc::now())
}

fn print_invalid(error: &str) -> ExitCode {
    println!("{}", json!({"valid": false, "error": error}));
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Id { number } => match IdNumber::parse(&number, today()) {
            Ok(id) => {
                println!(
                    "{}",
                    json!({"valid": true, "id": id.as_str(), "birth_date": id.birth_date().to_string(),
                           "sex": id.sex().code(), "region_code": id.region_code()})
                );
                ExitCode::SUCCESS
            }
            Err(e) => print_invalid(&e.to_string()),
        },
        Command::Org { code } => match CreditCode::parse(&code) {
            Ok(c) => {
                println!(
                    "{}",
                    json!({"valid": true, "code": c.as_str(), "region_code": c.region_code()})
                );
                ExitCode::SUCCESS
            }
            Err(e) => print_invalid(&e.to_string()),
        },
        Command::Retirement {
            birth,
            sex,
            original_age,
        } => retirement(&birth, &sex, original_age),
        Command::Demo { db, addr } => run_async(demo(db, addr)),
        Command::Serve { db, addr } => run_async(serve(db, addr)),
        Command::Synth { scale, seed, db } => run_async(synth(scale, seed, db)),
        Command::Bench {
            command:
                BenchCommand::Sweep {
                    scale,
                    db,
                    read_all,
                },
        } => run_async(bench::sweep(scale, db, read_all)),
        Command::Bench {
            command: BenchCommand::Import { rows },
        } => run_async(bench::import(rows)),
        Command::Bench {
            command: BenchCommand::Pay { n, db },
        } => run_async(bench::pay(n, db)),
        Command::Bench {
            command:
                BenchCommand::Search {
                    postings,
                    queries,
                    pg,
                    pg_queries,
                },
        } => run_async(jobs::bench_search(
            postings,
            queries,
            pg.or_else(|| std::env::var("LEYE_TEST_PG_URL").ok()),
            pg_queries,
        )),
        Command::Bench {
            command: BenchCommand::Match { seekers, postings },
        } => match jobs::bench_match(seekers, postings) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("错误 / error: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Jobs { command } => run_async_code(jobs::run(command)),
        Command::Monitor { command } => run_async(monitor::run(command)),
        Command::Report {
            period,
            kind,
            out,
            no_pdf,
            db,
        } => run_async(monitor::report(period, kind, out, db, !no_pdf)),
        Command::Bench {
            command: BenchCommand::Load(o),
        } => run_async(load::load(o)),
        Command::Bench {
            command: BenchCommand::Indicators { events },
        } => run_async(monitor::bench_indicators(events)),
        Command::Migrate { db } => run_async(migrate(db)),
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    display_name,
                    region,
                    unit,
                    enterprise_id,
                    person_id,
                    password_stdin,
                    db,
                },
        } => {
            let mut raw = std::collections::HashMap::new();
            let display = display_name.unwrap_or_else(|| username.clone());
            for (k, v) in [
                ("username", Some(username)),
                ("display_name", Some(display)),
                ("role", Some(role)),
                ("region_code", region),
                ("unit", unit),
                ("enterprise_id", enterprise_id.map(|i| i.to_string())),
                ("person_id", person_id.map(|i| i.to_string())),
            ] {
                if let Some(v) = v {
                    raw.insert(k.to_string(), v);
                }
            }
            run_async(user_add(db, raw, password_stdin))
        }
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => run_async_code(audit_verify(db)),
        Command::Policy { command } => policy(command),
        Command::Pay { command } => run_async_code(pay::run(command)),
        Command::Budget { command } => run_async_code(pay::budget(command)),
        Command::Welfare { command } => run_async_code(pay::welfare(command)),
        Command::Support { command } => run_async_code(help::run(command)),
        Command::Backup { db, out } => run_async_code(backup::backup(db, out)),
        Command::Restore { file, db } => run_async_code(backup::restore(file, db)),
        Command::Import { command } => import_command(command),
        Command::Export {
            command:
                ExportCommand::Persons {
                    out,
                    region,
                    unmasked,
                    db,
                },
        } => run_async(export_persons(out, region, unmasked, db)),
        Command::Export {
            command:
                ExportCommand::Registry {
                    registry,
                    out,
                    region,
                    db,
                },
        } => match registry_of(&registry) {
            Some(reg) => run_async(export_registry(reg, out, region, db)),
            None => ExitCode::from(2),
        },
        Command::Bench {
            command: BenchCommand::Policy { openfisca },
        } => match bench::policy(&openfisca) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("错误 / error: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}

fn policy(command: PolicyCommand) -> ExitCode {
    let fail = |msg: String| {
        println!("{}", json!({"error": msg}));
        ExitCode::from(2)
    };
    match command {
        PolicyCommand::Sweep {
            date,
            measure,
            db,
            out,
        } => {
            let on = match date
                .as_deref()
                .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"))
            {
                None => today(),
                Some(Ok(d)) => d,
                Some(Err(_)) => {
                    return fail(format!(
                        "日期“{}”格式不正确(应为YYYY-MM-DD)",
                        date.unwrap_or_default()
                    ));
                }
            };
            if let Some(path) = &out {
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                if !matches!(ext, "xlsx" | "csv") {
                    return fail(format!(
                        "导出文件应以 .xlsx 或 .csv 结尾: {}",
                        path.display()
                    ));
                }
            }
            run_async_code(policy_sweep(on, measure, db, out))
        }
        PolicyCommand::Measures => match leye_policy::measures() {
            Ok(m) => {
                println!("{}", serde_json::to_string_pretty(&m).unwrap_or_default());
                ExitCode::SUCCESS
            }
            Err(e) => fail(e.to_string()),
        },
        PolicyCommand::Eval {
            measure,
            date,
            file,
        } => {
            let Ok(on) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
                return fail(format!("日期“{date}”格式不正确(应为YYYY-MM-DD)"));
            };
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => return fail(format!("无法读取{}: {e}", file.display())),
            };
            let situation = match leye_policy::Situation::from_json(&text) {
                Ok(s) => s,
                Err(e) => return fail(e.message),
            };
            for m in &measure {
                if leye_policy::measures::find(m).is_none() {
                    let ids: Vec<&str> = leye_policy::measures::ALL.iter().map(|m| m.id).collect();
                    return fail(format!("措施“{m}”不存在(可用: {})", ids.join(", ")));
                }
            }
            let only = (!measure.is_empty()).then_some(measure.as_slice());
            match leye_policy::evaluate(&situation, on, only) {
                Ok(d) => {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&json!({"date": on, "decisions": d}))
                            .unwrap_or_default()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e.to_string()),
            }
        }
    }
}

fn retirement(birth: &str, sex: &str, original_age: Option<u32>) -> ExitCode {
    let fail = |msg: String| {
        println!("{}", json!({"error": msg}));
        ExitCode::from(2)
    };
    let birth = match YearMonth::parse(birth) {
        Ok(b) => b,
        Err(e) => return fail(e.to_string()),
    };
    let sex = match sex.trim().to_ascii_uppercase().as_str() {
        "M" => Sex::Male,
        "F" => Sex::Female,
        other => return fail(format!("性别“{other}”无效,应为M或F")),
    };
    let law = RetirementLaw::current();
    let age = original_age.unwrap_or(RetirementLaw::default_original_age(sex));
    match law.retirement(birth, sex, age) {
        Ok(r) => {
            println!(
                "{}",
                json!({"retirement": r.retirement.to_string(), "age_years": r.age_years,
                       "age_months": r.age_months, "delay_months": r.delay_months})
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e.to_string()),
    }
}

fn run_async(f: impl std::future::Future<Output = Result<()>>) -> ExitCode {
    run_async_code(async { f.await.map(|()| ExitCode::SUCCESS) })
}

fn run_async_code(f: impl std::future::Future<Output = Result<ExitCode>>) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误 / error: 无法启动运行时: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(f) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(db: &str) -> Result<leye_store::Store> {
    let store = leye_store::Store::connect(db)
        .await
        .with_context(|| format!("无法打开数据库 {db}"))?;
    store.migrate().await.context("数据库迁移失败")?;
    Ok(store)
}

async fn migrate(db: String) -> Result<()> {
    open(&db).await?;
    println!("数据库已迁移到最新版本 / database migrated: {db}");
    Ok(())
}

async fn user_add(
    db: String,
    mut raw: std::collections::HashMap<String, String>,
    password_stdin: bool,
) -> Result<()> {
    let generated = !password_stdin;
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("无法读取密码")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        // Letters and digits, so it always meets the strength rule.
        let t = leye_web::auth::random_token();
        format!("Ly{}", &t[..14])
    };
    raw.insert("password".into(), password.clone());
    let u = leye_web::ui::parse_new_user(&raw)
        .map_err(|e| anyhow::anyhow!("{}: {}", e.field, e.message))?;
    let store = open(&db).await?;
    let mut tx = store.begin().await?;
    let id =
        leye_store::create_user(&mut tx, &leye_store::Actor::system("cli"), &u, Utc::now()).await?;
    tx.commit().await?;
    println!(
        "已创建用户 / user created: {} (#{id}, {})",
        u.username, u.role
    );
    if generated {
        println!("初始密码(只显示这一次) / initial password (shown once): {password}");
    }
    Ok(())
}

/// A registry by its id, or `None` after saying which exist.
fn registry_of(id: &str) -> Option<&'static leye_domain::registry::Registry> {
    let all = || {
        leye_skills::catalogue::ALL
            .iter()
            .chain(leye_rights::catalogue::ALL)
            .copied()
    };
    let r = all().find(|r| r.id == id);
    if r.is_none() {
        let ids: Vec<&str> = all().map(|r| r.id).collect();
        eprintln!("错误 / error: 没有名录“{id}”,可选: {}", ids.join(", "));
    }
    r
}

/// What a file imports: an entity of the registry, or a registry of the skills module.
#[derive(Clone, Copy)]
enum Target {
    Entity(leye_io::Entity),
    Registry(&'static leye_domain::registry::Registry),
}

fn import_command(command: ImportCommand) -> ExitCode {
    let (target, args) = match command {
        ImportCommand::Persons(a) => (Target::Entity(leye_io::Entity::Persons), a),
        ImportCommand::Households(a) => (Target::Entity(leye_io::Entity::Households), a),
        ImportCommand::Enterprises(a) => (Target::Entity(leye_io::Entity::Enterprises), a),
        ImportCommand::Headcount(a) => (Target::Entity(leye_io::Entity::Headcount), a),
        ImportCommand::Registry { registry, args } => match registry_of(&registry) {
            Some(reg) => (Target::Registry(reg), args),
            None => return ExitCode::from(2),
        },
        ImportCommand::Template { entity, out } => {
            let registry = leye_skills::catalogue::ALL
                .iter()
                .chain(leye_rights::catalogue::ALL)
                .copied()
                .find(|r| r.id == entity);
            let bytes = match (leye_io::Entity::from_code(&entity), registry) {
                (Some(e), _) => e.template(),
                (None, Some(reg)) => leye_io::registry::template(reg),
                (None, None) => {
                    let all: Vec<&str> = leye_skills::catalogue::ALL.iter().map(|r| r.id).collect();
                    eprintln!(
                        "错误 / error: 没有“{entity}”的模板,可选: {}, {}",
                        leye_io::Entity::choices(),
                        all.join(", ")
                    );
                    return ExitCode::from(2);
                }
            };
            return match bytes
                .map_err(anyhow::Error::from)
                .and_then(|b| std::fs::write(&out, b).map_err(Into::into))
            {
                Ok(()) => {
                    println!("已写出模板 / template written: {}", out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("错误 / error: {e:#}");
                    ExitCode::FAILURE
                }
            };
        }
    };
    run_async_code(import_file(target, args))
}

async fn import_file(target: Target, args: ImportArgs) -> Result<ExitCode> {
    let ImportArgs {
        file,
        skip_invalid,
        report: report_path,
        db,
    } = args;
    let bytes = std::fs::read(&file).with_context(|| format!("无法读取 {}", file.display()))?;
    let store = open(&db).await?;
    let name = file.display().to_string();
    let actor = leye_store::Actor::system("cli import");
    let opts = leye_io::ImportOptions { skip_invalid };
    let sys = leye_domain::Scope::System;
    let done = match target {
        Target::Entity(e) => {
            e.import(&store, &sys, &actor, (&name, &bytes), opts, Utc::now())
                .await
        }
        Target::Registry(reg) => {
            leye_io::registry::import(&store, &sys, &actor, reg, (&name, &bytes), opts, Utc::now())
                .await
        }
    };
    let r = match done {
        Ok(r) => r,
        Err(
            e @ (leye_io::IoError::NoHeader
            | leye_io::IoError::MissingColumns(_)
            | leye_io::IoError::File(_)),
        ) => {
            println!("{}", json!({"error": e.to_string()}));
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(p) = &report_path {
        std::fs::write(p, r.to_csv()).with_context(|| format!("无法写入 {}", p.display()))?;
    }
    if r.created + r.updated > 0
        && matches!(
            target,
            Target::Entity(leye_io::Entity::Persons | leye_io::Entity::Households)
        )
    {
        // A bulk change of people or households: re-decide the help lists.
        let c = leye_help::refresh_all(
            &store,
            today(),
            &leye_store::Actor::system("cli import"),
            Utc::now(),
        )
        .await?;
        eprintln!(
            "困难群体认定已更新 / help lists refreshed: 新增待确认{}人, 零就业家庭新增{}户、清零{}户",
            c.proposed, c.zero_entered, c.zero_cleared
        );
    }
    for e in r.errors.iter().take(20) {
        eprintln!("第{}行 {}“{}”: {}", e.row, e.column, e.value, e.reason);
    }
    if r.errors.len() > 20 {
        eprintln!(
            "……共{}处错误 / {} problems in all",
            r.errors.len(),
            r.errors.len()
        );
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({
            "rows": r.rows, "valid": r.valid, "created": r.created, "updated": r.updated,
            "unchanged": r.unchanged, "errors": r.errors.len(), "rejected": r.rejected,
        }))?
    );
    Ok(if r.rejected {
        eprintln!("有错误行,未写入任何数据;改正后重新导入,或加 --skip-invalid 只写入正确的行");
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

async fn export_persons(
    out: std::path::PathBuf,
    region: Option<String>,
    unmasked: bool,
    db: String,
) -> Result<()> {
    let store = open(&db).await?;
    let filter = leye_store::PersonFilter {
        region,
        ..Default::default()
    };
    let bytes =
        leye_io::export_persons(&store, &leye_domain::Scope::System, &filter, unmasked).await?;
    std::fs::write(&out, bytes).with_context(|| format!("无法写入 {}", out.display()))?;
    if unmasked {
        store
            .record_system_event(
                &leye_store::Actor::system("cli export"),
                "export_unmasked",
                "persons",
                &format!("未脱敏导出人员到 {}", out.display()),
                Utc::now(),
            )
            .await?;
    }
    println!("已导出 / written: {}", out.display());
    Ok(())
}

async fn export_registry(
    reg: &'static leye_domain::registry::Registry,
    out: std::path::PathBuf,
    region: Option<String>,
    db: String,
) -> Result<()> {
    let store = open(&db).await?;
    let filter = leye_store::registry::RegistryFilter { q: None, region };
    let bytes =
        leye_io::registry::export(&store, &leye_domain::Scope::System, reg, &filter).await?;
    std::fs::write(&out, bytes).with_context(|| format!("无法写入 {}", out.display()))?;
    println!("已导出 / written: {}", out.display());
    Ok(())
}

async fn policy_sweep(
    on: NaiveDate,
    measure: Vec<String>,
    db: String,
    out: Option<std::path::PathBuf>,
) -> Result<ExitCode> {
    let store = open(&db).await?;
    let only = (!measure.is_empty()).then_some(measure.as_slice());
    let actor = leye_store::Actor::system("cli");
    let mut last = std::time::Instant::now();
    let report = match leye_sweep::sweep(&store, on, only, &actor, Utc::now(), |done, total| {
        if last.elapsed().as_secs() >= 2 {
            eprintln!("普查进度 / progress: {done}/{total}");
            last = std::time::Instant::now();
        }
    })
    .await
    {
        Ok(r) => r,
        Err(leye_sweep::SweepError::UnknownMeasure(m)) => {
            println!("{}", json!({"error": format!("措施“{m}”不存在")}));
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(path) = out {
        let filter = leye_store::OfferFilter {
            status: Some("open".into()),
            ..Default::default()
        };
        let offers = leye_sweep::all_offers(&store, &leye_domain::Scope::System, &filter).await?;
        let bytes = if path.extension().is_some_and(|e| e == "csv") {
            leye_sweep::to_csv(&offers).into_bytes()
        } else {
            leye_sweep::to_xlsx(&offers)?
        };
        std::fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
        eprintln!(
            "已导出 {} 条 / wrote {} offers to {}",
            offers.len(),
            offers.len(),
            path.display()
        );
    }
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(ExitCode::SUCCESS)
}

async fn audit_verify(db: String) -> Result<ExitCode> {
    let store = open(&db).await?;
    let mut tx = store.begin().await?;
    let r = leye_store::verify_audit(&mut tx).await?;
    tx.commit().await?;
    match r {
        Ok(n) => {
            println!("审计日志完整 / audit log intact: {n} 条记录 / entries");
            Ok(ExitCode::SUCCESS)
        }
        Err(b) => {
            println!("审计日志被篡改 / audit log tampered: {b}");
            Ok(ExitCode::from(3))
        }
    }
}

/// Demo accounts: (username, display name, role, region), all with [`DEMO_PASSWORD`].
const DEMO_USERS: &[(&str, &str, &str, &str)] = &[
    ("admin", "市人力社保局管理员", "city_admin", ""),
    (
        "wuxing",
        "吴兴区就业管理服务中心",
        "county_officer",
        "330502",
    ),
    (
        "deqing",
        "德清县就业管理服务中心",
        "county_officer",
        "330521",
    ),
    ("zhili", "织里镇人社服务站", "township_officer", "330502102"),
    ("cun", "织里社区人社驿站", "village_worker", "330502102001"),
    ("jingxin", "市经信局", "unit_officer", ""),
    ("qiye", "演示企业人事部", "employer", ""),
    ("qiuzhi", "演示求职者", "job_seeker", ""),
    ("auditor", "审计员", "auditor", ""),
];
const DEMO_PASSWORD: &str = "demo2024";

/// Demo data, not policy: every measure gets a budget of 2,000,000 yuan in each county for
/// this year, so that demo officers can approve what they review.
async fn demo_budgets(store: &leye_store::Store) -> Result<()> {
    use chrono::Datelike;
    let regions = leye_domain::Regions::huzhou();
    let mut tx = store.begin().await?;
    for county in regions
        .all()
        .filter(|r| r.level == leye_domain::region::RegionLevel::County)
    {
        for m in leye_policy::measures::ALL {
            let b = leye_store::Budget {
                measure: m.id.into(),
                district: county.code.to_string(),
                year: i64::from(today().year()),
                amount_fen: 200_000_000,
                committed_fen: 0,
            };
            let actor = leye_store::Actor::system("演示数据");
            leye_store::set_budget(&mut tx, &leye_domain::Scope::System, &b, &actor, Utc::now())
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Postings of the demo enterprises and job seekers among the unemployed, published through
/// the same checks as the web form.
async fn demo_jobs(store: &leye_store::Store) -> Result<leye_synth::jobs::JobsSummary> {
    let actor = leye_store::Actor::system("演示数据");
    let sys = leye_domain::Scope::System;
    let now = Utc::now();
    let invalid = |e: leye_jobs::JobsError| {
        leye_synth::SynthError::Invalid(leye_domain::FieldError::new(
            "demo",
            "invalid",
            e.to_string(),
        ))
    };
    Ok(leye_synth::jobs::load_demo_jobs(
        store,
        600,
        20240711,
        now,
        async |enterprise, input| {
            leye_jobs::publish(store, &sys, enterprise, &input, &actor, now, today())
                .await
                .map(|_| ())
                .map_err(invalid)
        },
        async |person, input| {
            leye_jobs::save_profile(store, &sys, person, &input, &actor, now)
                .await
                .map(|_| ())
                .map_err(invalid)
        },
    )
    .await?)
}

/// Two years of a city-wide surveyed unemployment rate, so that the monitoring pages have
/// their input series (marked as demo figures: the real ones come from the statistics office).
async fn demo_surveyed(store: &leye_store::Store) -> Result<()> {
    let last = leye_domain::YearMonth::of(today()).add_months(-1);
    let rows: Vec<leye_store::SurveyedRate> = (0..24)
        .map(|k| {
            let m = last.add_months(k - 23);
            // 4.3%–4.9%, a little higher after the spring festival and in graduation months
            let seasonal = match m.month() {
                2 | 3 => 30,
                7 | 8 => 40,
                _ => 0,
            };
            leye_store::SurveyedRate {
                month: m.to_string(),
                region: "330500".into(),
                rate_bp: 430 + seasonal + (k % 5) * 4,
                source: "演示数据(非官方数字)".into(),
            }
        })
        .collect();
    let mut tx = store.begin().await?;
    leye_store::set_surveyed_rates(
        &mut tx,
        &rows,
        &leye_store::Actor::system("演示数据"),
        Utc::now(),
    )
    .await?;
    tx.commit().await?;
    println!(
        "城镇调查失业率 / surveyed rate: {} 个月(演示数据)",
        rows.len()
    );
    Ok(())
}

async fn demo_users(store: &leye_store::Store) -> Result<()> {
    let mut tx = store.begin().await?;
    if !leye_store::list_users(&mut tx).await?.is_empty() {
        return Ok(());
    }
    for (username, name, role, region) in DEMO_USERS {
        let mut raw = std::collections::HashMap::new();
        for (k, v) in [
            ("username", *username),
            ("display_name", *name),
            ("role", *role),
            ("region_code", *region),
            ("password", DEMO_PASSWORD),
            ("unit", if *role == "unit_officer" { *name } else { "" }),
            // The first enterprise and the first person of the demo city.
            ("enterprise_id", if *role == "employer" { "1" } else { "" }),
            ("person_id", if *role == "job_seeker" { "1" } else { "" }),
        ] {
            raw.insert(k.to_string(), v.to_string());
        }
        let u = leye_web::ui::parse_new_user(&raw).map_err(|e| anyhow::anyhow!("{}", e.message))?;
        leye_store::create_user(
            &mut tx,
            &leye_store::Actor::system("演示数据"),
            &u,
            Utc::now(),
        )
        .await?;
    }
    tx.commit().await?;
    println!("演示账号 / demo accounts (密码 / password: {DEMO_PASSWORD}):");
    for (username, name, _, _) in DEMO_USERS {
        println!("  {username:<8} {name}");
    }
    Ok(())
}

/// A progress bar per step, on standard error.
pub(crate) fn progress_bars() -> impl FnMut(&str, u64, u64) {
    let mut bars: Vec<(String, indicatif::ProgressBar)> = Vec::new();
    move |step: &str, done: u64, total: u64| {
        let bar = match bars.iter().find(|(s, _)| s == step) {
            Some((_, b)) => b.clone(),
            None => {
                let b = indicatif::ProgressBar::new(total.max(1));
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{msg:6} [{bar:40}] {pos}/{len} {per_sec} 剩余 {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                b.set_message(step.to_string());
                bars.push((step.to_string(), b.clone()));
                b
            }
        };
        bar.set_length(total.max(1));
        bar.set_position(done);
        if done >= total {
            bar.finish();
        }
    }
}

pub(crate) async fn synth(scale: f64, seed: u64, db: String) -> Result<()> {
    if !(scale > 0.0 && scale <= 2.0) {
        anyhow::bail!("规模应在 0 到 2 之间(1.0 约 340 万人): {scale}");
    }
    let store = open(&db).await?;
    let t = std::time::Instant::now();
    let opts = leye_synth::city::CityOptions {
        scale,
        seed,
        today: today(),
    };
    let mut bars = progress_bars();
    let sum = leye_synth::city::load_city(&store, opts, Utc::now(), &mut bars).await?;
    println!("{}", serde_json::to_string_pretty(&sum)?);
    println!(
        "合成城市已写入 / synthetic city written to {db} in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn demo(db: String, addr: String) -> Result<()> {
    let store = open(&db).await?;
    load_demo(&store).await?;
    serve_store(store, addr).await
}

/// The demo city, its first sweep, budgets, job market, skills records and surveyed rate when
/// the database is empty; the demo accounts when there are no users.
pub(crate) async fn load_demo(store: &leye_store::Store) -> Result<()> {
    let store = store.clone();
    if store.counts(&leye_domain::Scope::System).await?.persons == 0 {
        println!("正在生成 1% 规模的合成湖州市 / building a 1% synthetic Huzhou ...");
        let opts = leye_synth::city::CityOptions {
            scale: 0.01,
            seed: 20240711,
            today: today(),
        };
        let mut bars = progress_bars();
        let s = leye_synth::city::load_city(&store, opts, Utc::now(), &mut bars).await?;
        println!(
            "已载入演示城市 / demo city loaded: {} 户家庭, {} 名人员, {} 家企业",
            s.households, s.persons, s.enterprises
        );
        let r = leye_sweep::sweep(
            &store,
            today(),
            None,
            &leye_store::Actor::system("演示数据"),
            Utc::now(),
            |_, _| {},
        )
        .await?;
        println!(
            "免申即享普查 / first sweep: {} 条应享未享 / offers",
            r.saved.open
        );
        demo_budgets(&store).await?;
        let c = leye_help::refresh_all(
            &store,
            today(),
            &leye_store::Actor::system("演示数据"),
            Utc::now(),
        )
        .await?;
        println!(
            "困难群体认定 / help lists: {} 名就业困难人员待确认, {} 户零就业家庭",
            c.proposed, c.zero_entered
        );
        let j = demo_jobs(&store).await?;
        println!(
            "就业市场 / job market: {} 个岗位, {} 名求职者(推送在后台进行)",
            j.postings, j.seekers
        );
        let m = leye_synth::market::load_demo_market(&store, 20240711, 500, Utc::now()).await?;
        println!(
            "零工与招聘活动 / gigs and events: {} 个班次, {} 人次报名, {} 场招聘活动",
            m.slots, m.signups, m.events
        );
        let k = leye_synth::skills::load_demo_skills(&store, 20240711, Utc::now()).await?;
        println!(
            "技能与创业 / skills and startups: {} 条名录记录, {} 人次结业, {} 张证书, {} 张用工服务单",
            k.rows, k.completions, k.certificates, k.tickets
        );
        demo_surveyed(&store).await?;
    } else {
        println!("数据库中已有数据,未重复载入演示城市 / database not empty, demo not reloaded");
    }
    demo_users(&store).await
}

async fn serve(db: String, addr: String) -> Result<()> {
    let store = open(&db).await?;
    serve_store(store, addr).await
}

async fn serve_store(store: leye_store::Store, addr: String) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("无法监听 {addr}(端口可能已被占用,可用 --addr 指定其他地址)"))?;
    let local = listener.local_addr()?;
    // A server must not die because whoever read its first lines went away (`leye demo | head`):
    // these lines ignore a closed stdout instead of panicking like println!.
    use std::io::Write;
    let mut out = std::io::stdout();
    let _ = writeln!(out, "乐业已启动 / leye is running: http://{local}/");
    let _ = writeln!(out, "按 Ctrl-C 停止 / press Ctrl-C to stop");
    let _ = out.flush();
    let state =
        leye_web::AppState::new(store, leye_web::Clock::System).context("无法建立岗位检索索引")?;
    leye_web::serve(listener, state).await?;
    Ok(())
}
