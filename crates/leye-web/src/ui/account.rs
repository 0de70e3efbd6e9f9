//! Sign-in and sign-out, the user's own account (password, API tokens), user administration
//! and the audit-log search.

use super::{Nav, Pager, UiError, pager, render, scope_name};
use crate::AppState;
use crate::access::{COOKIE, Caller, MaybeCaller, Via};
use crate::api::{AuditQuery, AuditView};
use crate::auth::{
    check_password_strength, hash_password, random_token, sha256_hex, verify_password,
};
use crate::error::{ApiError, ApiQuery, IdPath};
use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Duration;
use leye_domain::Regions;
use leye_domain::access::Role;
use leye_store as store;
use std::collections::HashMap;

/// Failed logins before a temporary lock, and how long the lock lasts.
const MAX_FAILURES: i64 = 5;
const LOCK_MINUTES: i64 = 15;
/// Lifetime of a browser session.
const SESSION_HOURS: i64 = 8;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang", post(switch_lang))
        .route("/account", get(account))
        .route("/account/password", post(change_password))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route("/admin/users", get(users).post(create_user))
        .route("/admin/users/{id}/disable", post(disable_user))
        .route("/admin/users/{id}/enable", post(enable_user))
        .route("/audit", get(audit))
}

type Raw = HashMap<String, String>;

fn get_s<'a>(raw: &'a Raw, k: &str) -> &'a str {
    raw.get(k).map(String::as_str).unwrap_or("")
}

/// Only local paths may be a post-login target.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Nav,
    error: String,
    username: String,
    next: String,
}

/// Switch the language (kept in a cookie) and go back to the page the user was on.
async fn switch_lang(headers: HeaderMap, Form(raw): Form<Raw>) -> Response {
    let lang = crate::i18n::normalise(raw.get("lang").map(String::as_str));
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| r[i..].to_string()))
        .unwrap_or_else(|| "/".into());
    let cookie = format!(
        "{}={lang}; Path=/; SameSite=Lax; Max-Age=31536000",
        crate::i18n::COOKIE
    );
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to(safe_next(&back)),
    )
        .into_response()
}

async fn login_page(
    MaybeCaller(c): MaybeCaller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
) -> Result<Response, UiError> {
    let next = safe_next(q.get("next").map(String::as_str).unwrap_or("/")).to_string();
    if c.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    render(LoginPage {
        nav: Nav::anonymous(crate::access::lang_of(&headers)),
        error: String::new(),
        username: String::new(),
        next,
    })
}

async fn login(
    State(app): State<AppState>,
    headers: HeaderMap,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let username = get_s(&raw, "username").trim().to_string();
    let next = safe_next(get_s(&raw, "next")).to_string();
    let fail = |msg: &str| -> Result<Response, UiError> {
        let page = render(LoginPage {
            nav: Nav::anonymous(crate::access::lang_of(&headers)),
            error: msg.into(),
            username: username.clone(),
            next: next.clone(),
        })?;
        Ok((StatusCode::UNAUTHORIZED, page).into_response())
    };
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(user) = store::user_by_name(&mut tx, &username).await? else {
        return fail("用户名或密码错误");
    };
    if user.disabled {
        return fail("账号已停用,请联系管理员");
    }
    if let Some(until) = user
        .locked_until
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        && until > now
    {
        let local = leye_domain::time::local(until.with_timezone(&chrono::Utc));
        return fail(&format!(
            "登录失败次数过多,账号已临时锁定,请于{}后再试",
            local.format("%H:%M")
        ));
    }
    if !verify_password(get_s(&raw, "password"), &user.password_hash) {
        let lock =
            (user.failed_logins + 1 >= MAX_FAILURES).then(|| now + Duration::minutes(LOCK_MINUTES));
        store::record_login_failure(&mut tx, user.id, lock, now).await?;
        tx.commit().await?;
        return if lock.is_some() {
            fail(&format!(
                "登录失败次数过多,账号已临时锁定{LOCK_MINUTES}分钟"
            ))
        } else {
            fail("用户名或密码错误")
        };
    }
    let token = random_token();
    let csrf = random_token();
    let actor = store::Actor::user(user.id, &user.username, "");
    store::record_login_success(&mut tx, &actor, user.id, now).await?;
    store::create_session(
        &mut tx,
        &sha256_hex(&token),
        user.id,
        &csrf,
        "zh",
        now,
        now + Duration::hours(SESSION_HOURS),
    )
    .await?;
    tx.commit().await?;
    let secure = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        == Some("https");
    let cookie = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_HOURS * 3600,
        if secure { "; Secure" } else { "" }
    );
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
}

async fn logout(State(app): State<AppState>, caller: Caller) -> Result<Response, UiError> {
    if let Via::Session { token_hash, .. } = &caller.via {
        let mut tx = app.store.begin().await?;
        store::delete_session(&mut tx, token_hash).await?;
        tx.commit().await?;
        app.callers.forget_all();
    }
    let clear = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    Ok(([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response())
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    nav: Nav,
    username: String,
    display_name: String,
    scope_name: String,
    message: String,
    password_error: String,
    new_token: String,
    token_error: String,
    tokens: Vec<store::ApiTokenRecord>,
}

async fn account_page(
    app: &AppState,
    caller: &Caller,
    message: &str,
    password_error: &str,
    new_token: &str,
    token_error: &str,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin().await?;
    let tokens = store::api_tokens(&mut tx, caller.user.id).await?;
    tx.commit().await?;
    let status = if password_error.is_empty() && token_error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(AccountPage {
        nav: Nav::of(caller),
        username: caller.user.username.clone(),
        display_name: caller.user.display_name.clone(),
        scope_name: scope_name(&caller.scope),
        message: message.into(),
        password_error: password_error.into(),
        new_token: new_token.into(),
        token_error: token_error.into(),
        tokens,
    })?;
    Ok((status, page).into_response())
}

async fn account(State(app): State<AppState>, caller: Caller) -> Result<Response, UiError> {
    account_page(&app, &caller, "", "", "", "").await
}

async fn change_password(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    if !verify_password(get_s(&raw, "old_password"), &caller.user.password_hash) {
        return account_page(&app, &caller, "", "原密码不正确", "", "").await;
    }
    let new = get_s(&raw, "new_password");
    if let Err(e) = check_password_strength(new) {
        return account_page(&app, &caller, "", e, "", "").await;
    }
    let hash = hash_password(new).map_err(|_| {
        UiError(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "密码处理失败",
        ))
    })?;
    let keep = match &caller.via {
        Via::Session { token_hash, .. } => Some(token_hash.as_str()),
        Via::Token => None,
    };
    let mut tx = app.store.begin().await?;
    store::set_password(
        &mut tx,
        &caller.actor,
        caller.user.id,
        &hash,
        keep,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    app.callers.forget_all();
    account_page(
        &app,
        &caller,
        "密码已修改,其他设备上的登录已退出",
        "",
        "",
        "",
    )
    .await
}

async fn create_token(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let name = match leye_domain::field::text("name", "令牌名称", get_s(&raw, "name"), 50) {
        Ok(n) => n,
        Err(e) => return account_page(&app, &caller, "", "", "", &e.message).await,
    };
    let token = format!("leye_{}", random_token());
    let mut tx = app.store.begin().await?;
    store::create_api_token(
        &mut tx,
        &caller.actor,
        caller.user.id,
        &name,
        &sha256_hex(&token),
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    account_page(
        &app,
        &caller,
        "令牌已生成,请立即复制保存,离开本页后无法再次查看",
        "",
        &token,
        "",
    )
    .await
}

async fn revoke_token(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin().await?;
    store::revoke_api_token(&mut tx, &caller.actor, caller.user.id, id, app.clock.now()).await?;
    tx.commit().await?;
    app.callers.forget_all();
    account_page(&app, &caller, "令牌已撤销", "", "", "").await
}

// ---- user administration ----

struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role_label: String,
    scope: String,
    disabled: bool,
    locked: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    nav: Nav,
    message: String,
    users: Vec<UserRow>,
    fields: Vec<super::forms::FormField>,
    roles: Vec<(&'static str, &'static str)>,
}

fn user_fields(raw: &Raw) -> Vec<super::forms::FormField> {
    let f = |name: &str, label: &str, hint: &str| super::forms::FormField {
        name: name.into(),
        label: label.into(),
        kind: "text",
        value: get_s(raw, name).into(),
        hint: hint.into(),
        ..Default::default()
    };
    vec![
        f("username", "用户名", "字母、数字、下划线,2-40位"),
        f("display_name", "姓名或单位", ""),
        f("role", "角色", ""),
        f("region_code", "管辖区划代码", "区县/乡镇/村社角色必填"),
        f("unit", "责任单位", "如 市经信局"),
        f("enterprise_id", "企业编号", "用人单位角色必填"),
        f("person_id", "人员编号", "求职者角色必填"),
        f("password", "初始密码", "8位以上,含字母和数字"),
    ]
}

async fn users_page(
    app: &AppState,
    caller: &Caller,
    message: &str,
    raw: &Raw,
    err: Option<leye_domain::FieldError>,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin().await?;
    let list = store::list_users(&mut tx).await?;
    tx.commit().await?;
    let now = app.clock.now();
    let users = list
        .into_iter()
        .map(|u| {
            let role = Role::from_code(&u.role);
            let scope = match (role, &u.region_code, &u.unit, u.enterprise_id, u.person_id) {
                (Some(r), Some(code), _, _, _) if r.needs_region() => {
                    Regions::huzhou().full_name(code)
                }
                (_, _, Some(unit), _, _) => unit.clone(),
                (_, _, _, Some(e), _) => format!("企业 {e}"),
                (_, _, _, _, Some(p)) => format!("人员 {p}"),
                _ => "湖州市".into(),
            };
            let locked = u
                .locked_until
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .is_some_and(|t| t > now);
            UserRow {
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                role_label: role.map_or("未知", |r| r.label_zh()).into(),
                scope,
                disabled: u.disabled,
                locked,
            }
        })
        .collect();
    let mut fields = user_fields(raw);
    if let Some(e) = &err
        && let Some(f) = fields.iter_mut().find(|f| f.name == e.field)
    {
        f.error = e.message.clone();
    }
    let page = render(UsersPage {
        nav: Nav::of(caller),
        message: message.into(),
        users,
        fields,
        roles: Role::ALL.iter().map(|r| (r.code(), r.label_zh())).collect(),
    })?;
    Ok((
        if err.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        page,
    )
        .into_response())
}

async fn users(State(app): State<AppState>, caller: Caller) -> Result<Response, UiError> {
    users_page(&app, &caller, "", &Raw::new(), None).await
}

/// Check the new-user form.
pub fn parse_new_user(raw: &Raw) -> Result<store::NewUser, leye_domain::FieldError> {
    use leye_domain::FieldError;
    let username = get_s(raw, "username").trim().to_string();
    if !(2..=40).contains(&username.len())
        || !username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
    {
        return Err(FieldError::new(
            "username",
            "invalid_username",
            "用户名应为2-40位字母、数字、下划线、点或横线",
        ));
    }
    let display_name =
        leye_domain::field::text("display_name", "姓名或单位", get_s(raw, "display_name"), 50)?;
    let role = Role::parse_field("role", "角色", get_s(raw, "role"))?;
    let opt = |k: &str| Some(get_s(raw, k).trim().to_string()).filter(|s| !s.is_empty());
    let region_code = match opt("region_code") {
        Some(c) => Some(
            Regions::huzhou()
                .code(&c)
                .map_err(|e| FieldError::new("region_code", "unknown_region", e.to_string()))?
                .as_str()
                .to_string(),
        ),
        None if role.needs_region() => {
            return Err(FieldError::new(
                "region_code",
                "required",
                "该角色须填写管辖区划代码",
            ));
        }
        None => None,
    };
    let unit = opt("unit");
    if role == Role::UnitOfficer && unit.is_none() {
        return Err(FieldError::new(
            "unit",
            "required",
            "责任单位人员须填写所属单位",
        ));
    }
    let num = |k: &str, label: &str| -> Result<Option<i64>, FieldError> {
        opt(k)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| FieldError::new(k, "invalid_id", format!("{label}应为数字")))
            })
            .transpose()
    };
    let enterprise_id = num("enterprise_id", "企业编号")?;
    if role == Role::Employer && enterprise_id.is_none() {
        return Err(FieldError::new(
            "enterprise_id",
            "required",
            "用人单位角色须填写企业编号",
        ));
    }
    let person_id = num("person_id", "人员编号")?;
    if role == Role::JobSeeker && person_id.is_none() {
        return Err(FieldError::new(
            "person_id",
            "required",
            "求职者角色须填写人员编号",
        ));
    }
    check_password_strength(get_s(raw, "password"))
        .map_err(|m| FieldError::new("password", "weak_password", m))?;
    let password_hash = hash_password(get_s(raw, "password"))
        .map_err(|_| FieldError::new("password", "internal", "密码处理失败"))?;
    Ok(store::NewUser {
        username,
        display_name,
        password_hash,
        role: role.code().into(),
        region_code: region_code.filter(|_| role.needs_region()),
        unit: unit.filter(|_| role == Role::UnitOfficer),
        enterprise_id: enterprise_id.filter(|_| role == Role::Employer),
        person_id: person_id.filter(|_| role == Role::JobSeeker),
    })
}

async fn create_user(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let mut shown = raw.clone();
    shown.remove("password");
    let u = match parse_new_user(&raw) {
        Ok(u) => u,
        Err(e) => return users_page(&app, &caller, "", &shown, Some(e)).await,
    };
    let mut tx = app.store.begin().await?;
    match store::create_user(&mut tx, &caller.actor, &u, app.clock.now()).await {
        Ok(_) => {
            tx.commit().await?;
            users_page(&app, &caller, "已创建用户", &Raw::new(), None).await
        }
        Err(store::StoreError::Duplicate { field, message }) => {
            users_page(
                &app,
                &caller,
                "",
                &shown,
                Some(leye_domain::FieldError::new(field, "duplicate", message)),
            )
            .await
        }
        Err(store::StoreError::Invalid(f)) => users_page(&app, &caller, "", &shown, Some(f)).await,
        Err(e) => Err(e.into()),
    }
}

async fn set_disabled(
    app: AppState,
    caller: Caller,
    id: i64,
    disabled: bool,
) -> Result<Response, UiError> {
    if id == caller.user.id && disabled {
        return users_page(&app, &caller, "不能停用自己的账号", &Raw::new(), None).await;
    }
    let mut tx = app.store.begin().await?;
    store::set_user_disabled(&mut tx, &caller.actor, id, disabled, app.clock.now()).await?;
    tx.commit().await?;
    app.callers.forget_all();
    users_page(
        &app,
        &caller,
        if disabled {
            "账号已停用,其登录和令牌已失效"
        } else {
            "账号已启用"
        },
        &Raw::new(),
        None,
    )
    .await
}

async fn disable_user(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    set_disabled(app, caller, id, true).await
}

async fn enable_user(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    set_disabled(app, caller, id, false).await
}

// ---- audit ----

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Nav,
    items: Vec<AuditView>,
    f_actor: String,
    f_action: String,
    f_entity: String,
    f_from: String,
    f_to: String,
    total: String,
    page: i64,
    pages: i64,
    query: String,
}

async fn audit(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Response, UiError> {
    let f = q.filter()?;
    let mut tx = app.store.begin().await?;
    let page = store::search_audit(&mut tx, &f, store::Paging::new(q.page, q.per_page)).await?;
    tx.commit().await?;
    let Pager {
        total,
        page: pg,
        pages,
        query,
    } = pager(
        &page,
        &[
            ("actor", &q.actor),
            ("action", &q.action),
            ("entity", &q.entity),
            ("from", &q.from),
            ("to", &q.to),
        ],
    );
    render(AuditPage {
        nav: Nav::of(&caller),
        items: page.items.iter().map(AuditView::from).collect(),
        f_actor: q.actor.unwrap_or_default(),
        f_action: q.action.unwrap_or_default(),
        f_entity: q.entity.unwrap_or_default(),
        f_from: q.from.unwrap_or_default(),
        f_to: q.to.unwrap_or_default(),
        total,
        page: pg,
        pages,
        query,
    })
}
