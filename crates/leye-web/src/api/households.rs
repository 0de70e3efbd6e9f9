//! Households (户).

use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody, IdPath, region_filter};
use crate::views::{HouseholdView, Page};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use leye_domain::Regions;
use leye_domain::household::HouseholdInput;
use leye_store as store;
use serde::Deserialize;
use utoipa::IntoParams;

/// Household filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct HouseholdQuery {
    /// Region code
    pub region: Option<String>,
    /// true: urban households only; false: rural only
    pub urban: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// List households in scope.
#[utoipa::path(get, path = "/api/v1/households", tag = "registry", params(HouseholdQuery),
    responses((status = 200, body = Page<HouseholdView>), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
) -> Result<Json<Page<HouseholdView>>, ApiError> {
    let f = store::HouseholdFilter {
        region: region_filter("region", &q.region)?,
        urban: q.urban,
    };
    let scope = &caller.scope;
    let mut tx = app.store.begin().await?;
    let page =
        store::list_households(&mut tx, scope, &f, store::Paging::new(q.page, q.per_page)).await?;
    tx.commit().await?;
    Ok(Json(Page::from_store(&page)))
}

/// Register a household with its members.
#[utoipa::path(post, path = "/api/v1/households", tag = "registry", request_body = HouseholdInput,
    responses((status = 201, body = HouseholdView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<HouseholdInput>,
) -> Result<(StatusCode, Json<HouseholdView>), ApiError> {
    let facts = input.parse(Regions::huzhou())?;
    let (scope, actor) = (&caller.scope, &caller.actor);
    let mut tx = app.store.begin().await?;
    let id = store::create_household(&mut tx, scope, actor, &facts, app.clock.now()).await?;
    app.after_household_change(&mut tx, actor, id).await?;
    let rec = store::get_household(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json((&rec).into())))
}

/// One household with members.
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = HouseholdView), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<HouseholdView>, ApiError> {
    let scope = &caller.scope;
    let mut tx = app.store.begin().await?;
    let rec = store::get_household(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok(Json((&rec).into()))
}

/// Replace a household's facts and members.
#[utoipa::path(put, path = "/api/v1/households/{id}", tag = "registry", params(("id" = i64, Path)), request_body = HouseholdInput,
    responses((status = 200, body = HouseholdView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<HouseholdInput>,
) -> Result<Json<HouseholdView>, ApiError> {
    let facts = input.parse(Regions::huzhou())?;
    let (scope, actor) = (&caller.scope, &caller.actor);
    let mut tx = app.store.begin().await?;
    let rec = store::update_household(&mut tx, scope, actor, id, &facts, app.clock.now()).await?;
    app.after_household_change(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(Json((&rec).into()))
}
