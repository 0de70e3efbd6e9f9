//! The audit log (审计日志): append-only, one row per change or sensitive read, written in the
//! transaction that makes it, chained by hashes so that any changed, removed or inserted entry
//! is detected by [`verify_audit`]. The database refuses UPDATE and DELETE on it (triggers on
//! both backends).

use crate::sql::{Arg, RowExt, Where, ts};
use crate::{Actor, Page, Paging, StoreError, Tx};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;

/// One audit row.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
    /// Fields before the change (JSON; personal data masked)
    pub before_json: String,
    /// Fields after the change (JSON; personal data masked)
    pub after_json: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry: SHA-256 over the previous hash and every field, separated by U+001F.
fn entry_hash(e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let id = e.id.to_string();
    let eid = e.entity_id.map(|i| i.to_string()).unwrap_or_default();
    for part in [
        e.prev_hash.as_str(),
        &id,
        &e.at,
        &e.actor,
        &e.ip,
        &e.action,
        &e.entity,
        &eid,
        &e.detail,
        &e.before_json,
        &e.after_json,
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// What an audit row says about a change.
pub(crate) struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: i64,
    pub detail: &'a str,
    pub before: &'a str,
    pub after: &'a str,
}

/// Append an audit row inside the caller's transaction. Taking the chain head first (an
/// UPDATE) serialises concurrent appends on both backends.
pub(crate) async fn append(
    tx: &mut Tx,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    c: Change<'_>,
) -> Result<(), StoreError> {
    let head = sqlx::query(
        "UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash",
    )
    .fetch_one(&mut **tx)
    .await?;
    let mut e = AuditEntry {
        id: head.int("last_id")?,
        at: ts(now),
        actor: match actor.user_id {
            Some(id) => format!("{}#{id}", actor.name),
            None => actor.name.clone(),
        },
        ip: actor.ip.clone(),
        action: c.action.into(),
        entity: c.entity.into(),
        entity_id: Some(c.entity_id),
        detail: c.detail.into(),
        before_json: c.before.into(),
        after_json: c.after.into(),
        prev_hash: head.text("last_hash")?,
        hash: String::new(),
    };
    e.hash = entry_hash(&e);
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, ip, action, entity, entity_id, detail, before_json, after_json, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(e.id)
    .bind(&e.at)
    .bind(&e.actor)
    .bind(&e.ip)
    .bind(&e.action)
    .bind(&e.entity)
    .bind(e.entity_id)
    .bind(&e.detail)
    .bind(&e.before_json)
    .bind(&e.after_json)
    .bind(&e.prev_hash)
    .bind(&e.hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&e.hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Shorthand for a change without before/after.
pub async fn record(
    tx: &mut Tx,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: i64,
    detail: &str,
) -> Result<(), StoreError> {
    append(
        tx,
        now,
        actor,
        Change {
            action,
            entity,
            entity_id,
            detail,
            before: "",
            after: "",
        },
    )
    .await
}

const COLS: &str = "id, at, actor, ip, action, entity, entity_id, detail, before_json, after_json, prev_hash, hash";

fn from_row(r: &AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        id: r.int("id")?,
        at: r.text("at")?,
        actor: r.text("actor")?,
        ip: r.text("ip")?,
        action: r.text("action")?,
        entity: r.text("entity")?,
        entity_id: r.opt_int("entity_id")?,
        detail: r.text("detail")?,
        before_json: r.text("before_json")?,
        after_json: r.text("after_json")?,
        prev_hash: r.text("prev_hash")?,
        hash: r.text("hash")?,
    })
}

/// The latest audit rows about an entity (newest first).
pub async fn audit_entries(
    tx: &mut Tx,
    entity: &str,
    entity_id: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, at, actor, ip, action, entity, entity_id, detail, before_json, after_json, prev_hash, hash \
         FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id DESC LIMIT 200",
    )
    .bind(entity)
    .bind(entity_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// Filters of the audit search (auditor role).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    /// Inclusive date bounds `YYYY-MM-DD` (UTC timestamps compared as text)
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Search the audit log, newest first.
pub async fn search_audit(
    tx: &mut Tx,
    f: &AuditFilter,
    paging: Paging,
) -> Result<Page<AuditEntry>, StoreError> {
    let mut w = Where::default();
    if let Some(a) = f.actor.as_deref().filter(|s| !s.is_empty()) {
        w.and(Arg::Text(crate::sql::like_contains(a)), |ph| {
            format!("actor LIKE {ph} ESCAPE '\\'")
        });
    }
    if let Some(a) = f.action.as_deref().filter(|s| !s.is_empty()) {
        w.and(Arg::Text(a.into()), |ph| format!("action = {ph}"));
    }
    if let Some(e) = f.entity.as_deref().filter(|s| !s.is_empty()) {
        w.and(Arg::Text(e.into()), |ph| format!("entity = {ph}"));
    }
    if let Some(id) = f.entity_id {
        w.and(Arg::Int(id), |ph| format!("entity_id = {ph}"));
    }
    if let Some(d) = f.from.as_deref().filter(|s| !s.is_empty()) {
        w.and(Arg::Text(d.into()), |ph| format!("at >= {ph}"));
    }
    if let Some(d) = f.to.as_deref().filter(|s| !s.is_empty()) {
        w.and(Arg::Text(format!("{d}T99")), |ph| format!("at <= {ph}"));
    }
    crate::sql::page(
        tx,
        COLS,
        &format!("audit_log{}", w.sql()),
        "id DESC",
        &w,
        paging,
        from_row,
    )
    .await
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum AuditBreak {
    /// The entry's content no longer matches its hash.
    Changed { id: i64 },
    /// Entries are missing before this one (a gap in the ids).
    Removed { before_id: i64 },
    /// The entry does not link to the one before it (inserted, or its neighbour replaced).
    Relinked { id: i64 },
    /// The last entries are missing (the head remembers more).
    RemovedAtEnd { head_id: i64, last_id: i64 },
}

impl std::fmt::Display for AuditBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditBreak::Changed { id } => write!(f, "第{id}条审计记录的内容被修改"),
            AuditBreak::Removed { before_id } => write!(f, "第{before_id}条之前有审计记录被删除"),
            AuditBreak::Relinked { id } => {
                write!(f, "第{id}条审计记录与前一条不衔接(有记录被插入或替换)")
            }
            AuditBreak::RemovedAtEnd { head_id, last_id } => {
                write!(
                    f,
                    "最后的审计记录被删除(应到第{head_id}条,实际只到第{last_id}条)"
                )
            }
        }
    }
}

/// Walk the whole chain. `Ok(n)` is the number of entries checked; the first break is an `Err`.
pub async fn verify_audit(tx: &mut Tx) -> Result<Result<i64, AuditBreak>, StoreError> {
    let mut prev_hash = String::new();
    let mut prev_id = 0i64;
    let mut count = 0i64;
    loop {
        let rows = sqlx::query(
            "SELECT id, at, actor, ip, action, entity, entity_id, detail, before_json, after_json, prev_hash, hash \
             FROM audit_log WHERE id > $1 ORDER BY id LIMIT 5000",
        )
        .bind(prev_id)
        .fetch_all(&mut **tx)
        .await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let e = from_row(r)?;
            if e.id != prev_id + 1 {
                return Ok(Err(AuditBreak::Removed { before_id: e.id }));
            }
            if e.prev_hash != prev_hash {
                return Ok(Err(AuditBreak::Relinked { id: e.id }));
            }
            if entry_hash(&e) != e.hash {
                return Ok(Err(AuditBreak::Changed { id: e.id }));
            }
            prev_hash = e.hash;
            prev_id = e.id;
            count += 1;
        }
    }
    let head = sqlx::query("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await?;
    let head_id = head.int("last_id")?;
    if head_id != prev_id || head.text("last_hash")? != prev_hash {
        return Ok(Err(AuditBreak::RemovedAtEnd {
            head_id,
            last_id: prev_id,
        }));
    }
    Ok(Ok(count))
}
