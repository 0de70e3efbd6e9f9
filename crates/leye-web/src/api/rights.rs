//! Labour rights over JSON: the 安薪指数 with its method and inputs, arrears cases, disputes,
//! wage guidance prices.

use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Datelike;
use leye_domain::FieldError;
use serde::Deserialize;
use serde_json::{Value, json};

/// A month, `YYYY-MM` (default: this month).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MonthQuery {
    pub month: Option<String>,
}

/// The 安薪指数 ranking of the townships in scope, with the method and every input, so that
/// anyone can recompute it.
#[utoipa::path(get, path = "/api/v1/rights/index", tag = "rights", params(MonthQuery),
    responses((status = 200, description = "{month, method, rows: [{inputs, parts, score, talk}]}", body = Value),
              (status = 422, body = ErrorBody)))]
pub async fn index(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> Result<Json<Value>, ApiError> {
    let today = app.clock.today();
    let first = match q.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => leye_domain::YearMonth::parse(m)
            .map_err(|_| {
                FieldError::new(
                    "month",
                    "invalid_month",
                    format!("月份“{m}”无效,应为YYYY-MM"),
                )
            })?
            .first_day(),
        None => today.with_day(1).unwrap_or(today),
    };
    let (method, rows) = leye_rights::ranking(&app.store, &caller.scope, first).await?;
    Ok(Json(json!({
        "month": format!("{:04}-{:02}", first.year(), first.month()),
        "method": method, "rows": rows,
    })))
}

/// Open wage-arrears cases in scope, oldest deadline first.
#[utoipa::path(get, path = "/api/v1/rights/arrears", tag = "rights",
    responses((status = 200, body = Value)))]
pub async fn arrears(State(app): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::open_arrears(&mut tx, &caller.scope).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": rows })))
}

/// A wage-arrears case as reported.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArrearsInput {
    pub employer_name: String,
    #[serde(default)]
    pub project: String,
    /// construction, transport, water, other
    pub department: String,
    /// complaint, hotline, inspection, warning
    pub source: String,
    /// 乡镇(街道)区划代码 (9 digits)
    pub region: String,
    pub workers: String,
    pub claimed_yuan: String,
    /// mediation, inspection, arbitration, joint_punishment, police
    pub route: String,
    /// YYYY-MM-DD
    pub opened_on: String,
}

/// Record a wage-arrears case; its deadline follows from the route.
#[utoipa::path(post, path = "/api/v1/rights/arrears", tag = "rights", request_body = ArrearsInput,
    responses((status = 201, body = Value), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_arrears(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(i): ApiJson<ArrearsInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req = leye_rights::ArrearsRequest {
        employer_name: i.employer_name,
        project: i.project,
        department: i.department,
        source: i.source,
        region: i.region,
        workers: i.workers,
        claimed_yuan: i.claimed_yuan,
        route: i.route,
        opened_on: i.opened_on,
    };
    let id = leye_rights::open_arrears(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        &req,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

/// Labour disputes in scope accepted in the last 12 months.
#[utoipa::path(get, path = "/api/v1/rights/disputes", tag = "rights",
    responses((status = 200, body = Value)))]
pub async fn disputes(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let today = app.clock.today();
    let from = today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(today);
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::disputes_between(
        &mut tx,
        &caller.scope,
        &from.to_string(),
        &today.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": rows })))
}

/// A survey year.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    pub year: Option<i64>,
}

/// Wage guidance prices of a year (default: last year): P10–P90 per occupation and level, in
/// fen; `percentiles` is null where the sample is too small to publish.
#[utoipa::path(get, path = "/api/v1/rights/wages", tag = "rights", params(YearQuery),
    responses((status = 200, body = Value)))]
pub async fn wages(
    State(app): State<AppState>,
    _caller: Caller,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    let year = q
        .year
        .unwrap_or(i64::from(app.clock.today().year() - 1))
        .clamp(2000, 2100);
    let (min, cells) = leye_rights::guidance_of(&app.store, year).await?;
    Ok(Json(
        json!({ "year": year, "min_sample": min, "items": cells }),
    ))
}

/// Labour-relations service and insurance coverage in scope (二(六)1-2), the engine's reward
/// for each harmonious-labour-relations award, and GDP against wage growth (一).
#[utoipa::path(get, path = "/api/v1/rights/coverage", tag = "rights",
    responses((status = 200, description = "{service, insurance: [{group, listed, eligible, enrolled, ...}], awards: [{enterprise, level, decision}], wage_growth: [{year, gdp_growth_bp, wage_growth_bp, in_step}]}", body = Value)))]
pub async fn coverage(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let today = app.clock.today();
    let service = leye_rights::service_coverage(&app.store, &caller.scope).await?;
    let insurance = leye_rights::insurance_coverage(&app.store, &caller.scope, today).await?;
    let awards = leye_rights::award_rewards(&app.store, &caller.scope, today).await?;
    let growth = leye_rights::city_wage_growth(&app.store).await?;
    Ok(Json(json!({
        "service": service, "insurance": insurance, "awards": awards, "wage_growth": growth,
    })))
}
