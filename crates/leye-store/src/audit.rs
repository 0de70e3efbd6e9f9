//! The audit log (审计日志): one row per change, written in the transaction of the change.

use crate::sql::{RowExt, ts};
use crate::{Actor, StoreError, Tx};
use sqlx::Row;

/// One audit row.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
}

/// Append an audit row (inside the caller's transaction).
pub(crate) async fn record(
    tx: &mut Tx,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: i64,
    detail: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(ts(now))
    .bind(&actor.0)
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The latest audit rows about an entity (newest first). Reading the log is for auditors and
/// system jobs; access control is the caller's (issue: accounts and roles).
pub async fn audit_entries(
    tx: &mut Tx,
    entity: &str,
    entity_id: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log \
         WHERE entity = $1 AND entity_id = $2 ORDER BY id DESC LIMIT 200",
    )
    .bind(entity)
    .bind(entity_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.int("id")?,
                at: r.text("at")?,
                actor: r.text("actor")?,
                action: r.text("action")?,
                entity: r.text("entity")?,
                entity_id: r.opt_int("entity_id")?,
                detail: r.try_get("detail")?,
            })
        })
        .collect()
}
