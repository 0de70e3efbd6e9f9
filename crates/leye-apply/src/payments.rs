//! Payment batches: build them, write the file the bank takes, read the bank's result file
//! and reconcile. Each step is one transaction; see [`leye_store::create_batches`] for why a
//! re-run or a crash never pays twice.

use crate::ApplyError;
use chrono::{DateTime, Utc};
use leye_domain::{Money, Scope};
use leye_store::{Actor, BankResult, BatchRecord, ReconcileReport, Store};

/// Columns of the bank file (代发文件).
pub const BANK_HEADERS: [&str; 6] = [
    "支付流水号",
    "收款人",
    "收款账号",
    "金额(元)",
    "用途",
    "申请编号",
];
/// Columns the bank adds in its result file (回盘文件).
pub const RESULT_HEADERS: [&str; 3] = ["结果", "银行流水号", "失败原因"];

/// Build batches (one per fund) from every approved, unpaid application in scope.
pub async fn create_batches(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<BatchRecord>, ApplyError> {
    let mut tx = store.begin().await?;
    let ids = leye_store::create_batches(&mut tx, scope, actor, now).await?;
    let mut out = Vec::new();
    for id in ids {
        out.push(leye_store::get_batch(&mut tx, &Scope::System, id).await?);
    }
    tx.commit().await?;
    Ok(out)
}

/// The bank file of a batch as XLSX, with full accounts; the export is audited.
pub async fn bank_file(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<(BatchRecord, Vec<u8>), ApplyError> {
    let mut tx = store.begin().await?;
    let b = leye_store::get_batch(&mut tx, scope, batch).await?;
    let lines = leye_store::batch_lines(&mut tx, batch).await?;
    leye_store::record_audit(
        &mut tx,
        now,
        actor,
        "payment_file_export",
        "payment_batches",
        batch,
        &format!(
            "导出代发文件 {} ({}笔, 含完整收款账号)",
            b.number,
            lines.len()
        ),
    )
    .await?;
    tx.commit().await?;
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            vec![
                l.idem_key.clone(),
                l.payee_name.clone(),
                l.payee_account.clone(),
                Money::from_fen(l.amount_fen).to_string(),
                format!(
                    "{}({})",
                    leye_sweep::measure_name(&l.measure),
                    l.application_number
                ),
                l.application_number.clone(),
            ]
        })
        .collect();
    let bytes = leye_io::sheet_bytes("代发明细", &BANK_HEADERS, &rows)?;
    Ok((b, bytes))
}

/// Read a bank result file (XLSX or CSV): a `支付流水号` and a `结果` column (成功/失败, or
/// success/failed), optionally `银行流水号` and `失败原因`. Every bad row is reported.
pub fn parse_result_file(name: &str, bytes: &[u8]) -> Result<Vec<BankResult>, ApplyError> {
    let known: Vec<&str> = BANK_HEADERS
        .iter()
        .chain(&RESULT_HEADERS)
        .copied()
        .collect();
    let table = leye_io::table::read(name, bytes, &known)?;
    let col = |h: &str| table.headers.iter().position(|x| x.trim() == h);
    let (Some(key), Some(result)) = (col("支付流水号"), col("结果")) else {
        return Err(ApplyError::Io(leye_io::IoError::MissingColumns(
            "支付流水号、结果".into(),
        )));
    };
    let bank_ref = col("银行流水号");
    let reason = col("失败原因");
    let cell = |r: &leye_io::table::Row, c: Option<usize>| {
        c.and_then(|c| r.cells.get(c))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for r in &table.rows {
        let k = cell(r, Some(key));
        let v = cell(r, Some(result));
        if k.is_empty() {
            errors.push((r.number, "“支付流水号”为空".to_string()));
            continue;
        }
        let paid = match v.as_str() {
            "成功" | "已支付" | "success" | "paid" => true,
            "失败" | "failed" | "fail" => false,
            _ => {
                errors.push((r.number, format!("“结果”应为“成功”或“失败”,而不是“{v}”")));
                continue;
            }
        };
        out.push(BankResult {
            row: r.number,
            idem_key: k,
            paid,
            bank_ref: cell(r, bank_ref),
            fail_reason: cell(r, reason),
        });
    }
    if !errors.is_empty() {
        return Err(ApplyError::Rows(errors));
    }
    if out.is_empty() {
        return Err(ApplyError::Rows(vec![(1, "文件中没有回盘记录".into())]));
    }
    Ok(out)
}

/// Reconcile a bank result file: all rows or none.
pub async fn reconcile(
    store: &Store,
    actor: &Actor,
    now: DateTime<Utc>,
    results: &[BankResult],
) -> Result<ReconcileReport, ApplyError> {
    let mut tx = store.begin().await?;
    match leye_store::reconcile(&mut tx, results, actor, now).await? {
        Ok(report) => {
            tx.commit().await?;
            Ok(report)
        }
        Err(rows) => Err(ApplyError::Rows(rows)),
    }
}
