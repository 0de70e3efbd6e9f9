//! Help for people who struggle over JSON: coverage, zero-employment households, hard-to-employ
//! statuses, cases, contacts, confirmation.

use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody, IdPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

/// Coverage of help in the caller's scope by county, township and village.
#[utoipa::path(get, path = "/api/v1/help/coverage", tag = "help",
    responses((status = 200, description = "{since, interval_days, total, by_county, by_township, by_village}", body = Value)))]
pub async fn coverage(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let c = leye_help::coverage(&app.store, &caller.scope, app.clock.today()).await?;
    Ok(Json(serde_json::to_value(c).unwrap_or_default()))
}

/// Whether to include closed spells and cases.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OpenQuery {
    /// 包括已清零/已结案的
    pub all: Option<bool>,
}

/// Zero-employment households in scope (open spells, or all).
#[utoipa::path(get, path = "/api/v1/help/zero-households", tag = "help", params(OpenQuery),
    responses((status = 200, body = Value)))]
pub async fn zero_households(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OpenQuery>,
) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::list_zero(&mut tx, &caller.scope, !q.all.unwrap_or(false)).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": rows })))
}

/// Filter by status.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StateQuery {
    /// proposed, confirmed, ended, dismissed
    pub state: Option<String>,
}

/// Hard-to-employ statuses in scope.
#[utoipa::path(get, path = "/api/v1/help/hard-to-employ", tag = "help", params(StateQuery),
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn hard_to_employ(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<StateQuery>,
) -> Result<Json<Value>, ApiError> {
    let state = q.state.as_deref().filter(|s| !s.is_empty());
    if let Some(s) = state
        && !["proposed", "confirmed", "ended", "dismissed"].contains(&s)
    {
        return Err(leye_domain::FieldError::new(
            "state",
            "invalid_choice",
            format!("状态“{s}”无效,可选: proposed, confirmed, ended, dismissed"),
        )
        .into());
    }
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::list_hte(&mut tx, &caller.scope, state).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": rows })))
}

/// Confirm a proposed hard-to-employ status (opens a case).
#[utoipa::path(post, path = "/api/v1/help/hard-to-employ/{id}/confirm", tag = "help", params(("id" = i64, Path)),
    responses((status = 200, body = Value), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn confirm(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    leye_help::confirm(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        id,
    )
    .await?;
    Ok(Json(json!({ "person_id": id, "state": "confirmed" })))
}

/// Cases in scope (open, or all), with their last contact.
#[utoipa::path(get, path = "/api/v1/help/cases", tag = "help", params(OpenQuery),
    responses((status = 200, body = Value)))]
pub async fn cases(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OpenQuery>,
) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::list_cases(&mut tx, &caller.scope, !q.all.unwrap_or(false)).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": rows })))
}

/// A contact with the person or household of a case.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// 联系日期 YYYY-MM-DD (not after today)
    pub on_date: String,
    /// visit, phone, online, station
    pub channel: String,
    /// 联系情况
    pub note: String,
}

/// Record a contact on an open case.
#[utoipa::path(post, path = "/api/v1/help/cases/{id}/contacts", tag = "help", params(("id" = i64, Path)),
    request_body = ContactInput,
    responses((status = 201, body = Value), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_contact(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    leye_help::contact(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        id,
        &input.on_date,
        &input.channel,
        &input.note,
    )
    .await?;
    let mut tx = app.store.begin_read().await?;
    let c = leye_store::get_case(&mut tx, &caller.scope, id).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::to_value(c).unwrap_or_default()),
    ))
}
