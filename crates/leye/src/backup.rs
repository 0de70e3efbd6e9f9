//! `leye backup` and `leye restore`: a consistent copy of the database (SQLite `VACUUM INTO`
//! while in use; PostgreSQL `pg_dump --format=custom`), with a fingerprint (rows per table, the
//! audit chain's head) saved beside it and checked after a restore.

use crate::open;
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn pg_tool(name: &str) -> Result<PathBuf> {
    let in_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(name))
            .find(|p| p.exists())
    });
    if let Some(p) = in_path {
        return Ok(p);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found
        .pop()
        .with_context(|| format!("找不到 {name}: 请安装 postgresql-client"))
}

fn sidecar(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".fingerprint.json");
    PathBuf::from(s)
}

fn is_pg(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// `leye backup --db DB --out FILE`
pub async fn backup(db: String, out: PathBuf) -> Result<ExitCode> {
    if out.exists() {
        println!(
            "{}",
            json!({"error": format!("备份文件已存在: {}", out.display())})
        );
        return Ok(ExitCode::from(2));
    }
    let store = open(&db).await?;
    let before = store.fingerprint().await?;
    if is_pg(&db) {
        let status = Command::new(pg_tool("pg_dump")?)
            .args(["--format=custom", "--no-owner", "--file"])
            .arg(&out)
            .arg(&db)
            .status()
            .context("无法运行 pg_dump")?;
        if !status.success() {
            bail!("pg_dump 失败({status})");
        }
    } else {
        let dest = out.to_str().context("备份路径不是 UTF-8")?;
        store.backup_sqlite(dest).await?;
    }
    let after = store.fingerprint().await?;
    std::fs::write(sidecar(&out), serde_json::to_string_pretty(&before)?)?;
    let rows: i64 = before.rows.iter().map(|r| r.1).sum();
    println!(
        "{}",
        json!({"file": out.display().to_string(), "rows": rows, "audit_head": before.audit_head,
               "unchanged_during_backup": before == after})
    );
    Ok(ExitCode::SUCCESS)
}

/// `leye restore FILE --db TARGET`: into a new SQLite file or an empty PostgreSQL database,
/// then check the fingerprint saved with the backup.
pub async fn restore(file: PathBuf, db: String) -> Result<ExitCode> {
    let expected: leye_store::Fingerprint = {
        let text = std::fs::read_to_string(sidecar(&file))
            .with_context(|| format!("找不到备份的校验文件 {}", sidecar(&file).display()))?;
        let v: serde_json::Value = serde_json::from_str(&text)?;
        leye_store::Fingerprint {
            rows: serde_json::from_value(v["rows"].clone())?,
            audit_head: v["audit_head"].as_str().unwrap_or_default().to_string(),
        }
    };
    if is_pg(&db) {
        let status = Command::new(pg_tool("pg_restore")?)
            .args(["--no-owner", "--exit-on-error", "--dbname"])
            .arg(&db)
            .arg(&file)
            .status()
            .context("无法运行 pg_restore")?;
        if !status.success() {
            println!(
                "{}",
                json!({"error": format!("pg_restore 失败({status}): 目标数据库须为空库")})
            );
            return Ok(ExitCode::from(2));
        }
    } else {
        let target = Path::new(db.strip_prefix("sqlite://").unwrap_or(&db));
        if target.exists() {
            println!(
                "{}",
                json!({"error": format!("目标数据库已存在,不会覆盖: {}", target.display())})
            );
            return Ok(ExitCode::from(2));
        }
        std::fs::copy(&file, target).with_context(|| format!("无法写入 {}", target.display()))?;
    }
    let store = open(&db).await?;
    let got = store.fingerprint().await?;
    let ok = got == expected;
    println!(
        "{}",
        json!({"restored": db, "verified": ok, "rows": got.rows.iter().map(|r| r.1).sum::<i64>()})
    );
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}
