//! `leye pay ...` and `leye budget ...`: payment batches, bank files, reconciliation, budgets
//! and fund performance from the command line. Every step is one transaction and may be
//! re-run after a crash: it finishes what is missing and never pays twice.

use crate::{DEFAULT_DB, open};
use anyhow::{Context, Result};
use chrono::Utc;
use leye_apply::ApplyError;
use leye_apply::payments;
use leye_domain::{Money, Scope};
use leye_store::Actor;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum PayCommand {
    /// 生成发放批次(按资金来源各一批)并写出代发文件 / Build batches and write their bank files
    Batch {
        /// 代发文件目录 / Directory for the bank files
        #[arg(long, default_value = "./data/payments")]
        out_dir: PathBuf,
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// 重新写出代发文件(未对账的批次,或指定批次) / Write the bank files again
    Export {
        /// 批次号(数字) / Batch id; all batches not yet reconciled when omitted
        batch: Option<i64>,
        #[arg(long, default_value = "./data/payments")]
        out_dir: PathBuf,
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// 导入银行回盘文件并对账 / Reconcile a bank result file
    Reconcile {
        /// 回盘文件(.xlsx 或 .csv) / Result file
        file: PathBuf,
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// 列出发放批次(JSON) / List batches (JSON)
    Batches {
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// 资金绩效:按措施和区县(JSON) / Fund performance by measure and district (JSON)
    Performance {
        /// 年度 / Year
        #[arg(long)]
        year: Option<i32>,
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
}

#[derive(clap::Subcommand)]
pub enum BudgetCommand {
    /// 设置某措施在某区县某年度的预算 / Set a measure's budget for a district and year
    Set {
        /// 措施代码,如 job_expansion / Measure id
        measure: String,
        /// 区县代码,如 330502 / District code
        district: String,
        /// 年度 / Year
        year: i64,
        /// 金额(元) / Amount in yuan
        yuan: String,
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
}

#[derive(clap::Subcommand)]
pub enum WelfareCommand {
    /// 按月生成公益性岗位补贴申请(重复运行不会重复) / Monthly public-welfare post subsidy applications
    Accrue {
        /// 月份 YYYY-MM / Month
        #[arg(long)]
        month: String,
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
}

pub async fn welfare(command: WelfareCommand) -> Result<ExitCode> {
    let WelfareCommand::Accrue { month, db } = command;
    let Ok(m) = leye_domain::YearMonth::parse(&month) else {
        println!(
            "{}",
            json!({"error": format!("月份“{month}”无效,应为YYYY-MM")})
        );
        return Ok(ExitCode::from(2));
    };
    let store = open(&db).await?;
    match leye_apply::welfare::accrue(
        &store,
        &Scope::System,
        &Actor::system("cli welfare accrue"),
        Utc::now(),
        m,
    )
    .await
    {
        Ok(a) => {
            println!("{}", serde_json::to_string(&a)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => refused(e),
    }
}

fn actor() -> Actor {
    Actor::system("cli pay")
}

/// Refusals the user can fix come out as JSON with exit code 2; the rest are errors.
fn refused(e: ApplyError) -> Result<ExitCode> {
    match e {
        ApplyError::Store(leye_store::StoreError::Db(_)) => Err(e.into()),
        other => {
            let rows = match &other {
                ApplyError::Rows(r) => r
                    .iter()
                    .map(|(row, m)| json!({"row": row, "message": m}))
                    .collect(),
                _ => Vec::new(),
            };
            println!("{}", json!({"error": other.to_string(), "rows": rows}));
            Ok(ExitCode::from(2))
        }
    }
}

async fn write_bank_file(
    store: &leye_store::Store,
    batch: i64,
    out_dir: &Path,
) -> Result<(leye_store::BatchRecord, PathBuf)> {
    let (b, bytes) = payments::bank_file(store, &Scope::System, &actor(), Utc::now(), batch)
        .await
        .map_err(anyhow::Error::from)?;
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("无法创建目录 {}", out_dir.display()))?;
    let path = out_dir.join(format!("{}.xlsx", b.number));
    // Write then rename: a crash never leaves a half-written bank file under the real name.
    let tmp = out_dir.join(format!(".{}.xlsx.tmp", b.number));
    std::fs::write(&tmp, bytes).with_context(|| format!("无法写出 {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("无法写出 {}", path.display()))?;
    Ok((b, path))
}

fn batch_json(b: &leye_store::BatchRecord, file: Option<&Path>) -> serde_json::Value {
    json!({
        "id": b.id, "number": b.number, "fund": b.fund, "state": b.state, "items": b.items,
        "total_yuan": Money::from_fen(b.total_fen).to_string(), "paid": b.paid, "failed": b.failed,
        "file": file.map(|f| f.display().to_string()),
    })
}

pub async fn run(command: PayCommand) -> Result<ExitCode> {
    match command {
        PayCommand::Batch { out_dir, db } => {
            let store = open(&db).await?;
            tracing::info!("发放: 开始生成批次");
            let batches = match payments::create_batches(
                &store,
                &Scope::System,
                &actor(),
                Utc::now(),
            )
            .await
            {
                Ok(b) => b,
                Err(e) => return refused(e),
            };
            tracing::info!("发放批次已生成: {}个", batches.len());
            let mut out = Vec::new();
            for b in &batches {
                let (b, path) = write_bank_file(&store, b.id, &out_dir).await?;
                out.push(batch_json(&b, Some(&path)));
            }
            println!("{}", json!({ "batches": out }));
            Ok(ExitCode::SUCCESS)
        }
        PayCommand::Export { batch, out_dir, db } => {
            let store = open(&db).await?;
            let ids: Vec<i64> = match batch {
                Some(id) => vec![id],
                None => {
                    let mut tx = store.begin_read().await?;
                    let all = leye_store::list_batches(&mut tx, &Scope::System).await?;
                    tx.commit().await?;
                    all.into_iter()
                        .filter(|b| b.state == "sent")
                        .map(|b| b.id)
                        .collect()
                }
            };
            let mut out = Vec::new();
            for id in ids {
                match write_bank_file(&store, id, &out_dir).await {
                    Ok((b, path)) => out.push(batch_json(&b, Some(&path))),
                    Err(e) => match e.downcast::<ApplyError>() {
                        Ok(e) => return refused(e),
                        Err(e) => return Err(e),
                    },
                }
            }
            println!("{}", json!({ "batches": out }));
            Ok(ExitCode::SUCCESS)
        }
        PayCommand::Reconcile { file, db } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let rows = match payments::parse_result_file(&file.display().to_string(), &bytes) {
                Ok(r) => r,
                Err(e) => return refused(e),
            };
            let store = open(&db).await?;
            tracing::info!("对账: {}行,开始写入", rows.len());
            match payments::reconcile(&store, &Actor::system("银行回盘"), Utc::now(), &rows).await
            {
                Ok(r) => {
                    println!("{}", serde_json::to_string(&r)?);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused(e),
            }
        }
        PayCommand::Batches { db } => {
            let store = open(&db).await?;
            let mut tx = store.begin_read().await?;
            let all = leye_store::list_batches(&mut tx, &Scope::System).await?;
            tx.commit().await?;
            let out: Vec<_> = all.iter().map(|b| batch_json(b, None)).collect();
            println!("{}", json!({ "batches": out }));
            Ok(ExitCode::SUCCESS)
        }
        PayCommand::Performance { year, db } => {
            let store = open(&db).await?;
            let mut tx = store.begin_read().await?;
            let rows = leye_store::fund_performance(&mut tx, &Scope::System, year).await?;
            tx.commit().await?;
            println!("{}", serde_json::to_string_pretty(&rows)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn budget(command: BudgetCommand) -> Result<ExitCode> {
    let BudgetCommand::Set {
        measure,
        district,
        year,
        yuan,
        db,
    } = command;
    if leye_policy::measures::find(&measure).is_none() {
        println!("{}", json!({"error": format!("措施“{measure}”不存在")}));
        return Ok(ExitCode::from(2));
    }
    let amount = match Money::parse_yuan(&yuan) {
        Ok(m) => m,
        Err(e) => {
            println!("{}", json!({"error": format!("金额“{yuan}”无效: {e}")}));
            return Ok(ExitCode::from(2));
        }
    };
    if leye_domain::Regions::huzhou().get(&district).is_none() {
        println!(
            "{}",
            json!({"error": format!("区县代码“{district}”不存在")})
        );
        return Ok(ExitCode::from(2));
    }
    let store = open(&db).await?;
    let mut tx = store.begin().await?;
    let b = leye_store::Budget {
        measure,
        district,
        year,
        amount_fen: amount.fen(),
        committed_fen: 0,
    };
    match leye_store::set_budget(
        &mut tx,
        &Scope::System,
        &b,
        &Actor::system("cli budget"),
        Utc::now(),
    )
    .await
    {
        Ok(()) => {
            tx.commit().await?;
            println!(
                "{}",
                json!({"measure": b.measure, "district": b.district, "year": b.year, "yuan": amount.to_string()})
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ leye_store::StoreError::Db(_)) => Err(e.into()),
        Err(e) => {
            println!("{}", json!({"error": e.to_string()}));
            Ok(ExitCode::from(2))
        }
    }
}
