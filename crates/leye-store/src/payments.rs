//! Payment batches (发放批次) and their reconciliation with the bank's result file, and the
//! fund-performance figures (资金绩效) built from what was paid.
//!
//! Never paying twice rests on three things, all in the schema: an application has at most
//! one *live* payment item (pending or paid: `payment_items.live_key` is unique), every item
//! has a unique idempotency key that the bank sees, and creating a batch or reconciling a
//! result file is one transaction each. A re-run finds nothing new to batch; a re-imported
//! result changes nothing; a crash leaves either all of a step or none of it.

use crate::applications::{StateChange, app_scope, change_state};
use crate::sql::{Arg, RowExt, Where, q, ts};
use crate::{Actor, StoreError, Tx, audit};
use leye_domain::application::application_number;
use leye_domain::{Money, Regions, Scope};

/// A payment batch.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BatchRecord {
    pub id: i64,
    /// People-facing number, `PF-2026-0001`
    pub number: String,
    pub fund: String,
    pub state: String,
    pub items: i64,
    pub total_fen: i64,
    pub paid: i64,
    pub failed: i64,
    pub created_by: String,
    pub created_at: String,
    pub reconciled_at: Option<String>,
}

/// One line of a batch: what the bank is asked to pay.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PaymentLine {
    pub idem_key: String,
    pub application_id: i64,
    pub application_number: String,
    pub measure: String,
    pub amount_fen: i64,
    pub payee_name: String,
    pub payee_account: String,
    pub state: String,
    pub bank_ref: Option<String>,
    pub fail_reason: Option<String>,
}

/// One row of the bank's result file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankResult {
    /// Row number in the file (for error messages)
    pub row: usize,
    pub idem_key: String,
    pub paid: bool,
    pub bank_ref: String,
    pub fail_reason: String,
}

/// What a reconciliation did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReconcileReport {
    pub paid: i64,
    pub failed: i64,
    /// Rows already reconciled with the same result (a re-imported file)
    pub repeated: i64,
    pub batches_closed: i64,
}

/// Fund performance of one measure in one district.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FundPerformance {
    pub measure: String,
    pub district: String,
    pub fund: String,
    pub payments: i64,
    pub spent_fen: i64,
    pub persons: i64,
    pub enterprises: i64,
    /// Distinct people paid for through a job (subject `person@enterprise`)
    pub jobs: i64,
}

fn batch_number(created_at: &str, id: i64) -> String {
    format!("PF-{}-{id:04}", created_at.get(..4).unwrap_or("0000"))
}

const BATCH_COLS: &str = "b.id, b.fund, b.state, b.items, b.total_fen, b.created_by, b.created_at, b.reconciled_at, \
    (SELECT COUNT(*) FROM payment_items i WHERE i.batch_id = b.id AND i.state = 'paid') AS paid, \
    (SELECT COUNT(*) FROM payment_items i WHERE i.batch_id = b.id AND i.state = 'failed') AS failed";

fn batch_from_row(r: &sqlx::any::AnyRow) -> Result<BatchRecord, sqlx::Error> {
    let id = r.int("id")?;
    let created_at = r.text("created_at")?;
    Ok(BatchRecord {
        id,
        number: batch_number(&created_at, id),
        fund: r.text("fund")?,
        state: r.text("state")?,
        items: r.int("items")?,
        total_fen: r.int("total_fen")?,
        paid: r.int("paid")?,
        failed: r.int("failed")?,
        created_by: r.text("created_by")?,
        created_at,
        reconciled_at: r.opt_text("reconciled_at")?,
    })
}

/// Build one batch per fund from the approved applications in scope that have no pending or
/// paid item yet. Returns the new batches (none when there is nothing to pay).
pub async fn create_batches(
    tx: &mut Tx,
    scope: &Scope,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<i64>, StoreError> {
    let mut w = app_scope(scope);
    w.and_raw("a.state = 'approved'");
    w.and_raw("a.amount_fen > 0");
    w.and_raw("NOT EXISTS (SELECT 1 FROM payment_items i WHERE i.live_key = a.id)");
    let sql = format!(
        "SELECT a.id, a.fund, a.amount_fen, a.payee_name, a.payee_account, a.created_at, \
         (SELECT COUNT(*) FROM payment_items i WHERE i.application_id = a.id) AS attempts \
         FROM applications a{} ORDER BY a.fund, a.id",
        w.sql()
    );
    let rows = q(sql, &w.args).fetch_all(&mut **tx).await?;
    let at = ts(now);
    let mut batches = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let fund = rows[i].text("fund")?;
        let mut j = i;
        let mut total = 0i64;
        while j < rows.len() && rows[j].text("fund")? == fund {
            total += rows[j].int("amount_fen")?;
            j += 1;
        }
        let batch = sqlx::query(
            "INSERT INTO payment_batches (fund, state, items, total_fen, created_by, created_at) \
             VALUES ($1, 'sent', $2, $3, $4, $5) RETURNING id",
        )
        .bind(&fund)
        .bind((j - i) as i64)
        .bind(total)
        .bind(&actor.name)
        .bind(&at)
        .fetch_one(&mut **tx)
        .await?
        .int("id")?;
        for r in &rows[i..j] {
            let app = r.int("id")?;
            let year = r
                .text("created_at")?
                .get(..4)
                .and_then(|y| y.parse().ok())
                .unwrap_or(0);
            let attempt = r.int("attempts")? + 1;
            sqlx::query(
                "INSERT INTO payment_items (batch_id, application_id, attempt, idem_key, amount_fen, \
                 payee_name, payee_account, state, live_key) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $2)",
            )
            .bind(batch)
            .bind(app)
            .bind(attempt)
            .bind(format!("{}-{attempt}", application_number(year, app)))
            .bind(r.int("amount_fen")?)
            .bind(r.text("payee_name")?)
            .bind(r.text("payee_account")?)
            .execute(&mut **tx)
            .await?;
        }
        audit::record(
            tx,
            now,
            actor,
            "payment_batch_create",
            "payment_batches",
            batch,
            &format!(
                "{} {}笔 合计{}元",
                batch_number(&at, batch),
                j - i,
                Money::from_fen(total)
            ),
        )
        .await?;
        batches.push(batch);
        i = j;
    }
    Ok(batches)
}

fn batch_scope(scope: &Scope) -> Where {
    // A batch is visible when one of its applications is; city-wide roles see all.
    let mut w = Where::default();
    let inner = app_scope(scope);
    if !inner.args.is_empty() || !inner.sql().is_empty() {
        let mut sub = inner.sql();
        sub = sub.replacen(" WHERE ", " AND ", 1);
        w.args = inner.args;
        w.and_raw(&format!(
            "EXISTS (SELECT 1 FROM payment_items i JOIN applications a ON a.id = i.application_id \
             WHERE i.batch_id = b.id{sub})"
        ));
    }
    w
}

/// Batches visible in scope, newest first.
pub async fn list_batches(tx: &mut Tx, scope: &Scope) -> Result<Vec<BatchRecord>, StoreError> {
    let w = batch_scope(scope);
    let sql = format!(
        "SELECT {BATCH_COLS} FROM payment_batches b{} ORDER BY b.id DESC LIMIT 200",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), batch_from_row).await
}

/// One batch in scope.
pub async fn get_batch(tx: &mut Tx, scope: &Scope, id: i64) -> Result<BatchRecord, StoreError> {
    let mut w = batch_scope(scope);
    w.and(Arg::Int(id), |ph| format!("b.id = {ph}"));
    let sql = format!("SELECT {BATCH_COLS} FROM payment_batches b{}", w.sql());
    match q(sql, &w.args).fetch_optional(&mut **tx).await? {
        Some(r) => Ok(batch_from_row(&r)?),
        None => Err(StoreError::NotFound {
            entity: "发放批次"
        }),
    }
}

/// The lines of a batch, with full accounts (for the bank file: the caller audits the export).
pub async fn batch_lines(tx: &mut Tx, batch: i64) -> Result<Vec<PaymentLine>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.idem_key, i.application_id, a.created_at, a.measure, i.amount_fen, i.payee_name, \
         i.payee_account, i.state, i.bank_ref, i.fail_reason FROM payment_items i \
         JOIN applications a ON a.id = i.application_id WHERE i.batch_id = $1 ORDER BY i.id",
    )
    .bind(batch)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let app = r.int("application_id")?;
            let year = r
                .text("created_at")?
                .get(..4)
                .and_then(|y| y.parse().ok())
                .unwrap_or(0);
            Ok::<_, sqlx::Error>(PaymentLine {
                idem_key: r.text("idem_key")?,
                application_id: app,
                application_number: application_number(year, app),
                measure: r.text("measure")?,
                amount_fen: r.int("amount_fen")?,
                payee_name: r.text("payee_name")?,
                payee_account: r.text("payee_account")?,
                state: r.text("state")?,
                bank_ref: r.opt_text("bank_ref")?,
                fail_reason: r.opt_text("fail_reason")?,
            })
        })
        .collect::<Result<_, _>>()?)
}

/// Apply a bank result file. Every row is checked first; if any row is wrong (unknown key,
/// a result contradicting one already recorded) nothing is applied and the row errors come
/// back. Rows already reconciled with the same result are counted as repeats and skipped.
pub async fn reconcile(
    tx: &mut Tx,
    results: &[BankResult],
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Result<ReconcileReport, Vec<(usize, String)>>, StoreError> {
    let mut errors = Vec::new();
    let mut todo = Vec::new();
    let mut report = ReconcileReport::default();
    let mut seen = std::collections::HashMap::new();
    for r in results {
        if let Some(first) = seen.insert(r.idem_key.clone(), r.row) {
            errors.push((r.row, format!("支付流水号{}与第{first}行重复", r.idem_key)));
            continue;
        }
        let item = sqlx::query(
            "SELECT id, application_id, batch_id, state FROM payment_items WHERE idem_key = $1",
        )
        .bind(&r.idem_key)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(item) = item else {
            errors.push((
                r.row,
                format!("支付流水号“{}”不属于任何发放批次", r.idem_key),
            ));
            continue;
        };
        match (item.text("state")?.as_str(), r.paid) {
            ("pending", _) => todo.push((
                r,
                item.int("id")?,
                item.int("application_id")?,
                item.int("batch_id")?,
            )),
            ("paid", true) | ("failed", false) => report.repeated += 1,
            ("paid", false) => errors.push((
                r.row,
                format!(
                    "支付流水号{}此前已回盘为“成功”,本次为“失败”,请与银行核实",
                    r.idem_key
                ),
            )),
            _ => errors.push((
                r.row,
                format!(
                    "支付流水号{}此前已回盘为“失败”,本次为“成功”,请与银行核实",
                    r.idem_key
                ),
            )),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let at = ts(now);
    let mut batches = std::collections::BTreeSet::new();
    for (r, item, app, batch) in todo {
        batches.insert(batch);
        if r.paid {
            sqlx::query(
                "UPDATE payment_items SET state = 'paid', bank_ref = $2, settled_at = $3 WHERE id = $1 AND state = 'pending'",
            )
            .bind(item)
            .bind(&r.bank_ref)
            .bind(&at)
            .execute(&mut **tx)
            .await?;
            change_state(
                tx,
                app,
                &StateChange {
                    from: "approved".into(),
                    to: "paid".into(),
                    action: "pay".into(),
                    due_on: None,
                    reason: None,
                    note: format!("银行回盘成功 {} {}", r.idem_key, r.bank_ref),
                    set_submitted: false,
                    set_reviewed: false,
                    set_decided: false,
                    live_key: Some(None),
                    once_key: None,
                },
                actor,
                now,
            )
            .await?;
            sqlx::query("UPDATE policy_offers SET status = 'paid', updated_at = $2 WHERE id = (SELECT offer_id FROM applications WHERE id = $1)")
                .bind(app)
                .bind(&at)
                .execute(&mut **tx)
                .await?;
            report.paid += 1;
        } else {
            let why = if r.fail_reason.trim().is_empty() {
                "银行未说明原因".to_string()
            } else {
                r.fail_reason.trim().to_string()
            };
            sqlx::query(
                "UPDATE payment_items SET state = 'failed', live_key = NULL, fail_reason = $2, settled_at = $3 \
                 WHERE id = $1 AND state = 'pending'",
            )
            .bind(item)
            .bind(&why)
            .bind(&at)
            .execute(&mut **tx)
            .await?;
            report.failed += 1;
        }
    }
    for b in batches {
        report.batches_closed += sqlx::query(
            "UPDATE payment_batches SET state = 'reconciled', reconciled_at = $2 WHERE id = $1 AND state = 'sent' \
             AND NOT EXISTS (SELECT 1 FROM payment_items i WHERE i.batch_id = $1 AND i.state = 'pending')",
        )
        .bind(b)
        .bind(&at)
        .execute(&mut **tx)
        .await?
        .rows_affected() as i64;
    }
    audit::record(
        tx,
        now,
        actor,
        "payment_reconcile",
        "payment_batches",
        0,
        &format!(
            "银行回盘: 成功{} 失败{} 重复{} 批次完成{}",
            report.paid, report.failed, report.repeated, report.batches_closed
        ),
    )
    .await?;
    Ok(Ok(report))
}

/// Fund performance by measure and district over what was paid (optionally in one year).
pub async fn fund_performance(
    tx: &mut Tx,
    scope: &Scope,
    year: Option<i32>,
) -> Result<Vec<FundPerformance>, StoreError> {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "a.region",
        Some("a.person_id = {}"),
        Some("a.enterprise_id = {}"),
    );
    w.and_raw("i.state = 'paid'");
    if let Some(y) = year {
        w.and(Arg::Text(format!("{y}%")), |ph| {
            format!("i.settled_at LIKE {ph}")
        });
    }
    let sql = format!(
        "SELECT a.measure, a.district, a.fund, COUNT(*) AS payments, CAST(SUM(i.amount_fen) AS BIGINT) AS spent, \
         COUNT(DISTINCT a.person_id) AS persons, COUNT(DISTINCT a.enterprise_id) AS enterprises, \
         COUNT(DISTINCT CASE WHEN a.enterprise_id IS NOT NULL THEN a.person_id END) AS jobs \
         FROM payment_items i JOIN applications a ON a.id = i.application_id{} \
         GROUP BY a.measure, a.district, a.fund ORDER BY a.district, a.measure",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), |r| {
        Ok::<_, sqlx::Error>(FundPerformance {
            measure: r.text("measure")?,
            district: r.text("district")?,
            fund: r.text("fund")?,
            payments: r.int("payments")?,
            spent_fen: r.int("spent")?,
            persons: r.int("persons")?,
            enterprises: r.int("enterprises")?,
            jobs: r.int("jobs")?,
        })
    })
    .await
}
