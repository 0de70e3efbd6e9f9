//! Accounts (用户), sessions and API tokens. Passwords and tokens arrive here already hashed:
//! this crate never sees a secret in clear.

use crate::sql::{RowExt, ts};
use crate::{Actor, StoreError, Tx, audit};
use chrono::{DateTime, Utc};
use leye_domain::FieldError;
use sqlx::any::AnyRow;

/// A stored account.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: String,
    pub region_code: Option<String>,
    pub unit: Option<String>,
    pub enterprise_id: Option<i64>,
    pub person_id: Option<i64>,
    pub disabled: bool,
    pub failed_logins: i64,
    pub locked_until: Option<String>,
    pub created_at: String,
}

/// A new account, checked by the caller (role, region...).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub region_code: Option<String>,
    pub unit: Option<String>,
    pub enterprise_id: Option<i64>,
    pub person_id: Option<i64>,
}

const COLS: &str = "id, username, display_name, password_hash, role, region_code, unit, enterprise_id, person_id, \
    disabled, failed_logins, locked_until, created_at";

fn from_row(r: &AnyRow) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: r.int("id")?,
        username: r.text("username")?,
        display_name: r.text("display_name")?,
        password_hash: r.text("password_hash")?,
        role: r.text("role")?,
        region_code: r.opt_text("region_code")?,
        unit: r.opt_text("unit")?,
        enterprise_id: r.opt_int("enterprise_id")?,
        person_id: r.opt_int("person_id")?,
        disabled: r.flag("disabled")?,
        failed_logins: r.int("failed_logins")?,
        locked_until: r.opt_text("locked_until")?,
        created_at: r.text("created_at")?,
    })
}

/// Create an account. A taken username is `Duplicate`.
pub async fn create_user(
    tx: &mut Tx,
    actor: &Actor,
    u: &NewUser,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    if user_by_name(tx, &u.username).await?.is_some() {
        return Err(StoreError::Duplicate {
            field: "username",
            message: format!("用户名{}已被使用", u.username),
        });
    }
    for (field, id, table, what) in [
        ("enterprise_id", u.enterprise_id, "enterprises", "企业"),
        ("person_id", u.person_id, "persons", "人员"),
    ] {
        if let Some(id) = id {
            let sql = if table == "enterprises" {
                "SELECT id FROM enterprises WHERE id = $1"
            } else {
                "SELECT id FROM persons WHERE id = $1"
            };
            if sqlx::query(sql)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?
                .is_none()
            {
                return Err(StoreError::Invalid(FieldError::new(
                    field,
                    "unknown_reference",
                    format!("{what}{id}不存在"),
                )));
            }
        }
    }
    let row = sqlx::query(
        "INSERT INTO users (username, display_name, password_hash, role, region_code, unit, enterprise_id, person_id, \
         created_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(&u.username)
    .bind(&u.display_name)
    .bind(&u.password_hash)
    .bind(&u.role)
    .bind(u.region_code.clone())
    .bind(u.unit.clone())
    .bind(u.enterprise_id)
    .bind(u.person_id)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?;
    let id = row.int("id")?;
    let after = serde_json::json!({"username": u.username, "role": u.role, "region_code": u.region_code, "unit": u.unit,
        "enterprise_id": u.enterprise_id, "person_id": u.person_id})
    .to_string();
    let change = audit::Change {
        action: "create",
        entity: "user",
        entity_id: id,
        detail: &u.username,
        before: "",
        after: &after,
    };
    audit::append(tx, now, actor, change).await?;
    Ok(id)
}

/// Look an account up by name.
pub async fn user_by_name(tx: &mut Tx, username: &str) -> Result<Option<UserRecord>, StoreError> {
    let sql = format!("SELECT {COLS} FROM users WHERE username = $1");
    let row = crate::sql::q(sql, &[])
        .bind(username.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Look an account up by id.
pub async fn user_by_id(tx: &mut Tx, id: i64) -> Result<Option<UserRecord>, StoreError> {
    let row = crate::sql::q(format!("SELECT {COLS} FROM users WHERE id = $1"), &[])
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Every account, by name.
pub async fn list_users(tx: &mut Tx) -> Result<Vec<UserRecord>, StoreError> {
    let rows = crate::sql::q(format!("SELECT {COLS} FROM users ORDER BY username"), &[])
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// Count a failed login; lock the account until `lock_until` when `lock` is set.
pub async fn record_login_failure(
    tx: &mut Tx,
    user_id: i64,
    lock_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET failed_logins = failed_logins + 1, locked_until = COALESCE($1, locked_until) WHERE id = $2")
        .bind(lock_until.map(ts))
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    let detail = if lock_until.is_some() {
        "登录失败次数过多,账号暂时锁定"
    } else {
        "密码错误"
    };
    audit::record(
        tx,
        now,
        &Actor::system("登录"),
        "login_failed",
        "user",
        user_id,
        detail,
    )
    .await
}

/// A successful login clears the failure count and the lock.
pub async fn record_login_success(
    tx: &mut Tx,
    actor: &Actor,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    audit::record(tx, now, actor, "login", "user", user_id, "").await
}

/// Enable or disable an account; disabling ends its sessions and revokes its tokens.
pub async fn set_user_disabled(
    tx: &mut Tx,
    actor: &Actor,
    user_id: i64,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound { entity: "用户" });
    }
    if disabled {
        bump_auth_epoch(tx).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(ts(now))
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    }
    audit::record(
        tx,
        now,
        actor,
        if disabled { "disable" } else { "enable" },
        "user",
        user_id,
        "",
    )
    .await
}

/// Replace a password hash; other sessions of the user end.
pub async fn set_password(
    tx: &mut Tx,
    actor: &Actor,
    user_id: i64,
    hash: &str,
    keep_session: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(ts(now))
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep_session.unwrap_or(""))
        .execute(&mut **tx)
        .await?;
    bump_auth_epoch(tx).await?;
    audit::record(tx, now, actor, "password_change", "user", user_id, "").await
}

/// A live session.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub csrf_token: String,
    pub lang: String,
    /// When it ends (the stored timestamp).
    pub expires_at: String,
}

impl SessionRecord {
    /// Whether the session is still live at `now` (what [`session`] asks the database).
    pub fn live_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at > ts(now)
    }
}

/// Move the authentication epoch on, in the transaction that ends sessions or revokes
/// tokens: every server that remembers callers forgets them when it sees the epoch move
/// (migration 0013).
pub async fn bump_auth_epoch(tx: &mut Tx) -> Result<(), StoreError> {
    sqlx::query("UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn auth_epoch_on<'c>(
    ex: impl sqlx::Executor<'c, Database = sqlx::Any>,
) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT epoch FROM auth_epoch WHERE id = 1")
        .fetch_optional(ex)
        .await?
        .map(|r| r.int("epoch"))
        .transpose()?
        .unwrap_or(0))
}

/// Store a new session (by the hash of its cookie value).
pub async fn create_session(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    lang: &str,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, lang, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(lang)
        .bind(ts(now))
        .bind(ts(expires))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The session of a cookie, if it is live and its account enabled.
pub async fn session(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<SessionRecord>, StoreError> {
    session_on(&mut **tx, token_hash, now).await
}

/// The user columns prefixed for a join (`u.id, u.username, ...`).
fn user_cols() -> &'static str {
    static COLS_U: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    COLS_U.get_or_init(|| {
        COLS.split(',')
            .map(|c| format!("u.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// A live session and its enabled user, in one statement (it runs for every signed-in
/// request, so one round trip instead of a transaction and two lookups).
pub(crate) async fn session_on<'c>(
    ex: impl sqlx::Executor<'c, Database = sqlx::Any>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<SessionRecord>, StoreError> {
    let row = crate::sql::q(
        format!(
            "SELECT {}, s.csrf_token, s.lang, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
            user_cols()
        ),
        &[],
    )
    .bind(token_hash.to_string())
    .bind(ts(now))
    .fetch_optional(ex)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let user = from_row(&row)?;
    if user.disabled {
        return Ok(None);
    }
    Ok(Some(SessionRecord {
        user,
        csrf_token: row.text("csrf_token")?,
        lang: row.text("lang")?,
        expires_at: row.text("expires_at")?,
    }))
}

/// End a session.
pub async fn delete_session(tx: &mut Tx, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut **tx)
        .await?;
    bump_auth_epoch(tx).await
}

/// A stored API token (never its secret).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// Store a new API token by its hash.
pub async fn create_api_token(
    tx: &mut Tx,
    actor: &Actor,
    user_id: i64,
    name: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let row = sqlx::query("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(ts(now))
        .fetch_one(&mut **tx)
        .await?;
    let id = row.int("id")?;
    audit::record(tx, now, actor, "token_create", "user", user_id, name).await?;
    Ok(id)
}

/// The account behind a live token.
pub async fn user_by_token(
    tx: &mut Tx,
    token_hash: &str,
) -> Result<Option<UserRecord>, StoreError> {
    user_by_token_on(&mut **tx, token_hash).await
}

/// The enabled user of an unrevoked API token, in one statement.
pub(crate) async fn user_by_token_on<'c>(
    ex: impl sqlx::Executor<'c, Database = sqlx::Any>,
    token_hash: &str,
) -> Result<Option<UserRecord>, StoreError> {
    let row = crate::sql::q(
        format!(
            "SELECT {} FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
            user_cols()
        ),
        &[],
    )
    .bind(token_hash.to_string())
    .fetch_optional(ex)
    .await?;
    Ok(row
        .as_ref()
        .map(from_row)
        .transpose()?
        .filter(|u| !u.disabled))
}

/// Tokens of an account.
pub async fn api_tokens(tx: &mut Tx, user_id: i64) -> Result<Vec<ApiTokenRecord>, StoreError> {
    let rows = sqlx::query("SELECT id, user_id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id")
        .bind(user_id)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ApiTokenRecord {
                id: r.int("id")?,
                user_id: r.int("user_id")?,
                name: r.text("name")?,
                created_at: r.text("created_at")?,
                revoked_at: r.opt_text("revoked_at")?,
            })
        })
        .collect()
}

/// Revoke a token of an account.
pub async fn revoke_api_token(
    tx: &mut Tx,
    actor: &Actor,
    user_id: i64,
    token_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(ts(now))
        .bind(token_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound { entity: "令牌" });
    }
    bump_auth_epoch(tx).await?;
    audit::record(
        tx,
        now,
        actor,
        "token_revoke",
        "user",
        user_id,
        &token_id.to_string(),
    )
    .await
}
