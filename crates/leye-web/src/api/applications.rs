//! Applications, budgets, payment batches and fund performance over JSON.

use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody, IdPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use leye_apply::{ActRequest, ApplyRequest};
use leye_domain::application::{AppAction, AppState as State_, RejectReason};
use leye_domain::{FieldError, Money};
use leye_store::{ApplicationFilter, ApplicationRecord, Paging};
use serde::Deserialize;
use serde_json::{Value, json};

/// Filters of the application list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ApplicationQuery {
    /// 状态: draft, submitted, under_review, approved, rejected, returned, paid
    pub state: Option<String>,
    /// 措施代码
    pub measure: Option<String>,
    /// 只看超过办理时限的
    pub overdue: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl ApplicationQuery {
    pub fn filter(&self, today: chrono::NaiveDate) -> Result<ApplicationFilter, FieldError> {
        if let Some(s) = self.state.as_deref().filter(|s| !s.is_empty()) {
            State_::parse_field("state", "状态", s)?;
        }
        if let Some(m) = self.measure.as_deref().filter(|m| !m.is_empty())
            && leye_policy::measures::find(m).is_none()
        {
            return Err(FieldError::new(
                "measure",
                "unknown_measure",
                format!("措施“{m}”不存在"),
            ));
        }
        Ok(ApplicationFilter {
            state: self.state.clone(),
            measure: self.measure.clone(),
            person_id: None,
            overdue_on: self.overdue.unwrap_or(false).then(|| today.to_string()),
        })
    }
}

/// An application as the API shows it (payee account masked).
pub fn view(a: &ApplicationRecord) -> Value {
    let mut v = serde_json::to_value(a).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "state_label".into(),
            json!(State_::from_code(&a.state).map(|s| s.label_zh())),
        );
        o.insert(
            "amount_yuan".into(),
            json!(a.amount_fen.map(|f| Money::from_fen(f).to_string())),
        );
        o.insert(
            "measure_name".into(),
            json!(leye_sweep::measure_name(&a.measure)),
        );
    }
    v
}

/// Applications in the caller's scope, newest first (or the overdue ones, oldest deadline
/// first).
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", params(ApplicationQuery),
    responses((status = 200, description = "{items, total, page, per_page}", body = Value),
              (status = 422, body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ApplicationQuery>,
) -> Result<Json<Value>, ApiError> {
    let f = q.filter(app.clock.today())?;
    let mut tx = app.store.begin_read().await?;
    let page =
        leye_store::list_applications(&mut tx, &caller.scope, &f, Paging::new(q.page, q.per_page))
            .await?;
    tx.commit().await?;
    Ok(Json(json!({
        "items": page.items.iter().map(view).collect::<Vec<_>>(),
        "total": page.total, "page": page.page, "per_page": page.per_page,
    })))
}

/// What an application asks for.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationInput {
    /// 措施代码(从免申即享名单申请时可省略)
    #[serde(default)]
    pub measure: String,
    pub person_id: Option<i64>,
    /// 就业关系类措施: 用人单位
    pub enterprise_id: Option<i64>,
    /// 从免申即享名单的记录申请
    pub offer_id: Option<i64>,
    /// 收款人
    pub payee_name: String,
    /// 收款账号(社保卡或银行卡号)
    pub payee_account: String,
    /// 只保存草稿,不提交
    #[serde(default)]
    pub draft: bool,
}

impl From<ApplicationInput> for ApplyRequest {
    fn from(i: ApplicationInput) -> Self {
        ApplyRequest {
            measure: i.measure,
            person_id: i.person_id,
            enterprise_id: i.enterprise_id,
            offer_id: i.offer_id,
            payee_name: i.payee_name,
            payee_account: i.payee_account,
            draft: i.draft,
        }
    }
}

/// One application with its decision, transition log and attachments.
pub async fn detail(app: &AppState, caller: &Caller, id: i64) -> Result<Value, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let a = leye_store::get_application(&mut tx, &caller.scope, id, false).await?;
    let log = leye_store::transitions_of(&mut tx, id).await?;
    let files = leye_store::attachments_of(&mut tx, id).await?;
    tx.commit().await?;
    let mut v = view(&a);
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "decision".into(),
            serde_json::from_str(&a.decision_json).unwrap_or(Value::Null),
        );
        o.insert("transitions".into(), json!(log));
        o.insert("attachments".into(), json!(files));
    }
    Ok(v)
}

/// Apply for a measure: the policy engine decides now, and the decision is kept with it.
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications",
    request_body = ApplicationInput,
    responses((status = 201, description = "申请及其判定", body = Value),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "已有在办的同类申请", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req: ApplyRequest = input.into();
    let id = leye_apply::apply(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        &req,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(detail(&app, &caller, id).await?)))
}

/// One application.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = Value), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(detail(&app, &caller, id).await?))
}

/// Why, for a transition.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActInput {
    /// 不予批准理由(不予批准时必填): not_eligible, missing_documents, already_received,
    /// false_information, out_of_area, budget_exhausted
    pub reason: Option<String>,
    /// 说明(退回时必填: 需补充的材料)
    #[serde(default)]
    pub note: String,
}

/// Parse the reason and note of a transition.
pub fn act_request(action: AppAction, input: &ActInput) -> Result<ActRequest, FieldError> {
    let reason = match input.reason.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(RejectReason::parse_field("reason", "不予批准理由", r)?),
        None => None,
    };
    let note = if input.note.trim().is_empty() {
        String::new()
    } else {
        leye_domain::field::text("note", "说明", &input.note, 500)?
    };
    Ok(ActRequest {
        action,
        reason,
        note,
    })
}

async fn act(
    app: AppState,
    caller: Caller,
    id: i64,
    action: AppAction,
    input: ActInput,
) -> Result<Json<Value>, ApiError> {
    let req = act_request(action, &input)?;
    leye_apply::act(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        id,
        &req,
    )
    .await?;
    Ok(Json(detail(&app, &caller, id).await?))
}

macro_rules! action {
    ($name:ident, $action:expr, $path:literal, $what:literal) => {
        #[doc = $what]
        #[utoipa::path(post, path = $path, tag = "applications", params(("id" = i64, Path)),
            request_body = ActInput,
            responses((status = 200, body = Value), (status = 403, body = ErrorBody),
                      (status = 404, body = ErrorBody),
                      (status = 422, description = "状态不允许、双人复核、预算不足、一次性补贴已批准等", body = ErrorBody)))]
        pub async fn $name(
            State(app): State<AppState>,
            caller: Caller,
            IdPath(id): IdPath,
            ApiJson(input): ApiJson<ActInput>,
        ) -> Result<Json<Value>, ApiError> {
            act(app, caller, id, $action, input).await
        }
    };
}

action!(
    submit,
    AppAction::Submit,
    "/api/v1/applications/{id}/submit",
    "Submit a draft or a returned application."
);
action!(
    review,
    AppAction::StartReview,
    "/api/v1/applications/{id}/review",
    "Take an application into review (not one's own submission)."
);
action!(
    return_it,
    AppAction::Return,
    "/api/v1/applications/{id}/return",
    "Return an application for more documents (note required)."
);
action!(
    approve,
    AppAction::Approve,
    "/api/v1/applications/{id}/approve",
    "Approve: four eyes, eligible decision, once-only and budget checked."
);
action!(
    reject,
    AppAction::Reject,
    "/api/v1/applications/{id}/reject",
    "Reject with a reason from the fixed list."
);

/// A budget line to set.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetInput {
    pub measure: String,
    /// 区县代码
    pub district: String,
    pub year: i64,
    /// 预算金额(元)
    pub amount_yuan: String,
}

/// Check a budget line.
pub fn budget_of(b: &BudgetInput) -> Result<leye_store::Budget, FieldError> {
    if leye_policy::measures::find(&b.measure).is_none() {
        return Err(FieldError::new(
            "measure",
            "unknown_measure",
            format!("措施“{}”不存在", b.measure),
        ));
    }
    let regions = leye_domain::Regions::huzhou();
    match regions.get(b.district.trim()) {
        Some(r) if r.level == leye_domain::region::RegionLevel::County => {}
        _ => {
            return Err(FieldError::new(
                "district",
                "invalid_district",
                format!("“{}”不是湖州市的区县代码", b.district.trim()),
            ));
        }
    }
    if !(2000..=2100).contains(&b.year) {
        return Err(FieldError::new(
            "year",
            "invalid_year",
            format!("年度“{}”无效", b.year),
        ));
    }
    let amount = Money::parse_yuan(&b.amount_yuan).map_err(|e| {
        FieldError::new(
            "amount_yuan",
            "invalid_money",
            format!("金额“{}”无效: {e}", b.amount_yuan.trim()),
        )
    })?;
    Ok(leye_store::Budget {
        measure: b.measure.clone(),
        district: b.district.trim().into(),
        year: b.year,
        amount_fen: amount.fen(),
        committed_fen: 0,
    })
}

/// Budgets in scope with what is committed.
#[utoipa::path(get, path = "/api/v1/budgets", tag = "applications",
    responses((status = 200, body = Value)))]
pub async fn budgets(State(app): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let all = leye_store::list_budgets(&mut tx, &caller.scope).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": all })))
}

/// Set a budget (not below what is already approved).
#[utoipa::path(post, path = "/api/v1/budgets", tag = "applications", request_body = BudgetInput,
    responses((status = 200, body = Value), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_budget(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<BudgetInput>,
) -> Result<Json<Value>, ApiError> {
    let b = budget_of(&input)?;
    let mut tx = app.store.begin().await?;
    leye_store::set_budget(&mut tx, &caller.scope, &b, &caller.actor, app.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(
        json!({"measure": b.measure, "district": b.district, "year": b.year, "amount_fen": b.amount_fen}),
    ))
}

/// Payment batches in scope.
#[utoipa::path(get, path = "/api/v1/payments/batches", tag = "applications",
    responses((status = 200, body = Value)))]
pub async fn batches(State(app): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let all = leye_store::list_batches(&mut tx, &caller.scope).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": all })))
}

/// Build payment batches from the approved, unpaid applications in scope (one per fund).
/// Running it again adds only what is new: nothing is ever batched twice.
#[utoipa::path(post, path = "/api/v1/payments/batches", tag = "applications",
    responses((status = 201, body = Value), (status = 403, body = ErrorBody)))]
pub async fn create_batches(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let made = leye_apply::payments::create_batches(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "items": made }))))
}

/// Year filter of the fund performance.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    pub year: Option<i32>,
}

/// Fund performance (资金绩效) by measure and district: spent, people and enterprises
/// helped, jobs.
#[utoipa::path(get, path = "/api/v1/funds/performance", tag = "applications", params(YearQuery),
    responses((status = 200, body = Value)))]
pub async fn performance(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::fund_performance(&mut tx, &caller.scope, q.year).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": rows })))
}
