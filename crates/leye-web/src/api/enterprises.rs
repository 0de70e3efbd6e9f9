//! Enterprises (企业) and monthly headcount.

use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody, IdPath, code_filter, region_filter};
use crate::views::{EnterpriseView, Page};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use leye_domain::enterprise::{EnterpriseInput, Headcount, Industry};
use leye_domain::{FieldError, Regions, YearMonth};
use leye_store as store;
use serde::Deserialize;
use utoipa::IntoParams;

/// Enterprise filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseQuery {
    /// Region code
    pub region: Option<String>,
    /// GB/T 4754 section letter
    pub industry: Option<String>,
    /// Part of the name
    pub name: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl EnterpriseQuery {
    pub(crate) fn filter(&self) -> Result<store::EnterpriseFilter, ApiError> {
        let industry = self.industry.as_ref().map(|s| s.to_ascii_uppercase());
        Ok(store::EnterpriseFilter {
            region: region_filter("region", &self.region)?,
            industry: code_filter("industry", "行业门类", &industry, Industry::parse_field)?
                .map(|i| i.code().to_string()),
            name: self.name.clone(),
        })
    }
}

/// List enterprises in scope.
#[utoipa::path(get, path = "/api/v1/enterprises", tag = "registry", params(EnterpriseQuery),
    responses((status = 200, body = Page<EnterpriseView>), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<EnterpriseQuery>,
) -> Result<Json<Page<EnterpriseView>>, ApiError> {
    let f = q.filter()?;
    let scope = &caller.scope;
    let mut tx = app.store.begin().await?;
    let page =
        store::list_enterprises(&mut tx, scope, &f, store::Paging::new(q.page, q.per_page)).await?;
    tx.commit().await?;
    Ok(Json(Page::from_store(&page)))
}

/// Register an enterprise.
#[utoipa::path(post, path = "/api/v1/enterprises", tag = "registry", request_body = EnterpriseInput,
    responses((status = 201, body = EnterpriseView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<EnterpriseInput>,
) -> Result<(StatusCode, Json<EnterpriseView>), ApiError> {
    let facts = input.parse(Regions::huzhou())?;
    let (scope, actor) = (&caller.scope, &caller.actor);
    let mut tx = app.store.begin().await?;
    let id = store::create_enterprise(&mut tx, scope, actor, &facts, app.clock.now()).await?;
    let rec = store::get_enterprise(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json((&rec).into())))
}

/// One enterprise, with its key-enterprise status and reasons.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = EnterpriseView), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<EnterpriseView>, ApiError> {
    let scope = &caller.scope;
    let mut tx = app.store.begin().await?;
    let rec = store::get_enterprise(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok(Json((&rec).into()))
}

/// Replace an enterprise's facts.
#[utoipa::path(put, path = "/api/v1/enterprises/{id}", tag = "registry", params(("id" = i64, Path)), request_body = EnterpriseInput,
    responses((status = 200, body = EnterpriseView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<EnterpriseInput>,
) -> Result<Json<EnterpriseView>, ApiError> {
    let facts = input.parse(Regions::huzhou())?;
    let (scope, actor) = (&caller.scope, &caller.actor);
    let mut tx = app.store.begin().await?;
    let rec = store::update_enterprise(&mut tx, scope, actor, id, &facts, app.clock.now()).await?;
    tx.commit().await?;
    // A new name is on its open postings' change feed: shown at once on this server.
    app.jobs
        .catch_up(&app.store, app.clock.today(), true)
        .await?;
    Ok(Json((&rec).into()))
}

/// Monthly headcount history, oldest first.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/headcount", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Headcount>), (status = 404, body = ErrorBody)))]
pub async fn headcount(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Vec<Headcount>>, ApiError> {
    let scope = &caller.scope;
    let mut tx = app.store.begin().await?;
    let h = store::headcount_history(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok(Json(h))
}

/// Record or correct one month's headcount.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/headcount", tag = "registry", params(("id" = i64, Path)),
    request_body = Headcount,
    responses((status = 200, body = Vec<Headcount>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_headcount(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(h): ApiJson<Headcount>,
) -> Result<Json<Vec<Headcount>>, ApiError> {
    if h.month > YearMonth::of(app.clock.today()) {
        return Err(
            FieldError::new("month", "invalid_date", format!("月份{}晚于本月", h.month)).into(),
        );
    }
    let (scope, actor) = (&caller.scope, &caller.actor);
    let mut tx = app.store.begin().await?;
    store::set_headcount(&mut tx, scope, actor, id, h, app.clock.now()).await?;
    leye_monitor::alerts::check_layoffs(
        &mut tx,
        Some(id),
        &h.month.to_string(),
        app.clock.today(),
        app.clock.now(),
    )
    .await?;
    let all = store::headcount_history(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok(Json(all))
}
