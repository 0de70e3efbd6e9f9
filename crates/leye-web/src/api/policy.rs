//! The policy engine over HTTP: the measures, evaluating a situation, and the 免申即享 offers.

use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use leye_policy::Situation;
use serde::Deserialize;
use utoipa::IntoParams;

/// Every measure with its clause, responsible unit, who, benefit, documents and parameters.
#[utoipa::path(get, path = "/api/v1/policy/measures", tag = "policy",
    responses((status = 200, description = "措施列表(含参数及来源)", body = serde_json::Value)))]
pub async fn measures() -> Result<Json<serde_json::Value>, ApiError> {
    let m = leye_policy::measures().map_err(ApiError::from)?;
    Ok(Json(serde_json::to_value(m).unwrap_or_default()))
}

/// Evaluation options.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EvalQuery {
    /// 判定日期 YYYY-MM-DD (default today)
    pub date: Option<String>,
    /// Only these measures, comma-separated ids
    pub measure: Option<String>,
}

/// Parse `date` (default `today`) and `measure` (comma-separated ids) of a query.
pub fn eval_options(
    q: &EvalQuery,
    today: NaiveDate,
) -> Result<(NaiveDate, Option<Vec<String>>), ApiError> {
    let on = match q.date.as_deref().filter(|d| !d.is_empty()) {
        None => today,
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_date",
                format!("判定日期“{d}”格式不正确(应为YYYY-MM-DD)"),
            )
            .with_field("date")
        })?,
    };
    let only = match q.measure.as_deref().filter(|m| !m.is_empty()) {
        None => None,
        Some(list) => {
            let ids: Vec<String> = list.split(',').map(|s| s.trim().to_string()).collect();
            for id in &ids {
                if leye_policy::measures::find(id).is_none() {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "unknown_measure",
                        format!("措施“{id}”不存在"),
                    )
                    .with_field("measure"));
                }
            }
            Some(ids)
        }
    };
    Ok((on, only))
}

/// Evaluate a situation: every measure (or those named) for every subject it applies to,
/// each decision with its explanation. A bad situation is a 422 naming the field.
#[utoipa::path(post, path = "/api/v1/policy/evaluate", tag = "policy", params(EvalQuery),
    request_body(content = Situation, description = "情形: 人员、家庭、单位、用工关系;未给出的事实视为未知", content_type = "application/json"),
    responses(
        (status = 200, description = "{date, decisions: [{measure, clause, subject, on, status, missing?, amount, period, conditions}]}", body = serde_json::Value),
        (status = 422, description = "情形数据有误", body = crate::error::ErrorBody),
        (status = 400, description = "参数有误", body = crate::error::ErrorBody),
    ))]
pub async fn evaluate(
    State(app): State<AppState>,
    _caller: Caller,
    ApiQuery(q): ApiQuery<EvalQuery>,
    body: String,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (on, only) = eval_options(&q, app.clock.today())?;
    let situation = Situation::from_json(&body)?;
    let decisions =
        leye_policy::evaluate(&situation, on, only.as_deref()).map_err(ApiError::from)?;
    Ok(Json(
        serde_json::json!({ "date": on, "decisions": decisions }),
    ))
}

/// Offer filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OfferQuery {
    /// Measure id
    pub measure: Option<String>,
    /// open, applied, paid, dismissed
    pub status: Option<String>,
    /// Region code prefix
    pub region: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl OfferQuery {
    pub fn filter(&self) -> Result<leye_store::OfferFilter, ApiError> {
        if let Some(s) = self.status.as_deref().filter(|s| !s.is_empty())
            && !matches!(s, "open" | "applied" | "paid" | "dismissed")
        {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_status",
                format!("状态“{s}”无效,可选: open, applied, paid, dismissed"),
            )
            .with_field("status"));
        }
        Ok(leye_store::OfferFilter {
            measure: self.measure.clone(),
            status: self.status.clone(),
            region: crate::error::region_filter("region", &self.region)?,
        })
    }
}

/// 免申即享 offers in the caller's scope: who the sweep found entitled and not yet applied.
#[utoipa::path(get, path = "/api/v1/policy/offers", tag = "policy", params(OfferQuery),
    responses((status = 200, description = "分页的名单", body = serde_json::Value),
              (status = 400, body = crate::error::ErrorBody)))]
pub async fn offers(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OfferQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let filter = q.filter()?;
    let mut tx = app.store.begin_read().await?;
    let page = leye_store::list_offers(
        &mut tx,
        &caller.scope,
        &filter,
        leye_store::Paging::new(q.page, q.per_page),
    )
    .await?;
    tx.commit().await.map_err(leye_store::StoreError::from)?;
    Ok(Json(serde_json::to_value(page).unwrap_or_default()))
}
