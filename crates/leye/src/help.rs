//! `leye support refresh`: re-decide hard-to-employ status and zero-employment over the whole
//! registry (after bulk loads; single edits do it in their own transaction).

use crate::{DEFAULT_DB, open, today};
use anyhow::Result;
use chrono::Utc;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Subcommand)]
pub enum HelpCommand {
    /// 按登记信息重新认定就业困难人员和零就业家庭(批量导入后运行;重复运行不会重复) / Re-decide over the whole registry
    Refresh {
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
}

pub async fn run(command: HelpCommand) -> Result<ExitCode> {
    let HelpCommand::Refresh { db } = command;
    let store = open(&db).await?;
    let t = Instant::now();
    let c = leye_help::refresh_all(
        &store,
        today(),
        &leye_store::Actor::system("cli support refresh"),
        Utc::now(),
    )
    .await?;
    let mut v = serde_json::to_value(&c)?;
    v["seconds"] = serde_json::json!((t.elapsed().as_secs_f64() * 100.0).round() / 100.0);
    println!("{v}");
    Ok(ExitCode::SUCCESS)
}
