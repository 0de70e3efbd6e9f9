//! 公益性岗位 pages: alerts before subsidies end (90 and 30 days) and the re-placement list,
//! posts, placing a hard-to-employ person (decided by the policy engine, with the subsidy end
//! date and its explanation), and ending a placement.

use super::policy::{Shown, shown_json, url_escape};
use super::{Nav, UiError, render};
use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiQuery, IdPath};
use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leye_domain::{FieldError, Money};
use std::collections::HashMap;

type Raw = HashMap<String, String>;

pub fn router() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/welfare", get(page))
        .route("/welfare/posts", post(create_post))
        .route("/welfare/placements", post(place))
        .route("/welfare/placements/{id}", get(placement))
        .route("/welfare/placements/{id}/end", post(end))
        .route("/welfare/accrue", post(accrue))
}

/// A placement needing attention.
pub struct AlertRow {
    pub id: i64,
    pub person: String,
    pub post: String,
    pub unit: String,
    pub start: String,
    pub end: String,
    pub alert: &'static str,
    pub days: i64,
    pub placements: i64,
    pub again: &'static str,
}

/// A post.
pub struct PostRow {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub region: String,
    pub full_time: &'static str,
    pub pay: String,
    pub account: String,
    pub occupied: i64,
}

#[derive(Template)]
#[template(path = "welfare.html")]
struct WelfarePage {
    nav: Nav,
    alerts: Vec<AlertRow>,
    posts: Vec<PostRow>,
    running: Vec<leye_store::PlacementRecord>,
    today: String,
    month: String,
    message: String,
    error: String,
    values: Raw,
}

impl WelfarePage {
    fn v(&self, k: &str) -> String {
        self.values.get(k).cloned().unwrap_or_default()
    }
}

async fn page_with(
    app: &AppState,
    caller: &Caller,
    message: String,
    error: String,
    values: Raw,
) -> Result<Response, UiError> {
    let today = app.clock.today();
    let alerts = leye_apply::welfare::alerts(&app.store, &caller.scope, today)
        .await
        .map_err(ApiError::from)?;
    let mut tx = app.store.begin_read().await?;
    let posts = leye_store::list_posts(&mut tx, &caller.scope).await?;
    let running = leye_store::running_placements(&mut tx, &caller.scope).await?;
    tx.commit().await?;
    let regions = leye_domain::Regions::huzhou();
    render(WelfarePage {
        nav: Nav::of(caller),
        alerts: alerts
            .iter()
            .map(|a| AlertRow {
                id: a.placement.id,
                person: a.placement.person_name.clone(),
                post: a.placement.post_name.clone(),
                unit: a.placement.enterprise_name.clone(),
                start: a.placement.start_on.clone(),
                end: a.placement.subsidy_end.clone(),
                alert: a.alert.label_zh(),
                days: a.days_left,
                placements: a.placements,
                again: match a.may_be_placed_again {
                    Some(true) => "可以再次安置",
                    Some(false) => "不可再次安置",
                    None => "",
                },
            })
            .collect(),
        posts: posts
            .iter()
            .map(|p| PostRow {
                id: p.id,
                name: p.name.clone(),
                unit: p.enterprise_name.clone(),
                region: regions.full_name(&p.region),
                full_time: if p.full_time {
                    "全日制"
                } else {
                    "非全日制"
                },
                pay: format!("{}元", Money::from_fen(p.monthly_pay_fen)),
                account: p.payee_account.clone(),
                occupied: p.occupied,
            })
            .collect(),
        running,
        today: today.to_string(),
        month: leye_domain::YearMonth::of(today).to_string(),
        message,
        error,
        values,
    })
}

async fn page(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let msg = q.get("msg").cloned().unwrap_or_default();
    page_with(&app, &caller, msg, String::new(), Raw::new()).await
}

/// Show a refusal on the page itself, keeping what was typed.
async fn refused(
    app: &AppState,
    caller: &Caller,
    e: ApiError,
    raw: Raw,
) -> Result<Response, UiError> {
    if e.status != StatusCode::UNPROCESSABLE_ENTITY && e.status != StatusCode::CONFLICT {
        return Err(e.into());
    }
    let mut res = page_with(app, caller, String::new(), e.body.message.clone(), raw).await?;
    *res.status_mut() = e.status;
    Ok(res)
}

fn id_field(raw: &Raw, k: &str, label: &str) -> Result<i64, FieldError> {
    let v = raw.get(k).map(|s| s.trim()).unwrap_or("");
    v.parse::<i64>().map_err(|_| {
        FieldError::new(
            k,
            "invalid_id",
            format!("请填写{label}(数字编号),而不是“{v}”"),
        )
    })
}

fn date_field(raw: &Raw, k: &str, label: &str) -> Result<chrono::NaiveDate, FieldError> {
    let v = raw.get(k).map(|s| s.trim()).unwrap_or("");
    leye_domain::cells::required_date(k, label, v)
}

async fn create_post(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let result = async {
        let req = leye_apply::welfare::PostRequest {
            name: get("name"),
            enterprise_id: Some(id_field(&raw, "enterprise_id", "用人单位编号")?),
            region: get("region"),
            full_time: raw.contains_key("full_time"),
            monthly_pay_yuan: get("monthly_pay_yuan"),
            payee_account: get("payee_account"),
        };
        leye_apply::welfare::create_post(
            &app.store,
            &caller.scope,
            &caller.actor,
            app.clock.now(),
            &req,
        )
        .await
        .map_err(ApiError::from)
    }
    .await;
    match result {
        Ok(_) => {
            let msg = url_escape(&format!("已新增岗位“{}”", get("name").trim()));
            Ok(Redirect::to(&format!("/welfare?msg={msg}")).into_response())
        }
        Err(e) => refused(&app, &caller, e, raw).await,
    }
}

async fn place(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let result = async {
        let post = id_field(&raw, "post_id", "岗位")?;
        let person = id_field(&raw, "person_id", "人员编号")?;
        let start = date_field(&raw, "start_on", "上岗日期")?;
        leye_apply::welfare::place(
            &app.store,
            &caller.scope,
            &caller.actor,
            app.clock.now(),
            post,
            person,
            start,
        )
        .await
        .map_err(ApiError::from)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/welfare/placements/{id}")).into_response()),
        Err(e) => refused(&app, &caller, e, raw).await,
    }
}

#[derive(Template)]
#[template(path = "placement.html")]
struct PlacementPage {
    nav: Nav,
    p: leye_store::PlacementRecord,
    d: Shown,
}

async fn placement(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin_read().await?;
    let p = leye_store::get_placement(&mut tx, &caller.scope, id).await?;
    tx.commit().await?;
    let d = shown_json(&serde_json::from_str(&p.decision_json).unwrap_or_default());
    render(PlacementPage {
        nav: Nav::of(&caller),
        p,
        d,
    })
}

async fn end(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let result = async {
        let on = date_field(&raw, "ended_on", "离岗日期")?;
        let mut tx = app.store.begin().await?;
        leye_store::end_placement(
            &mut tx,
            &caller.scope,
            id,
            &on.to_string(),
            &caller.actor,
            app.clock.now(),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, ApiError>(on)
    }
    .await;
    match result {
        Ok(on) => {
            let msg = url_escape(&format!("已登记离岗({on})"));
            Ok(Redirect::to(&format!("/welfare?msg={msg}")).into_response())
        }
        Err(e) => refused(&app, &caller, e, raw).await,
    }
}

async fn accrue(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let raw_month = raw.get("month").cloned().unwrap_or_default();
    let result = async {
        let month = leye_domain::YearMonth::parse(raw_month.trim()).map_err(|_| {
            FieldError::new(
                "month",
                "invalid_month",
                format!("月份“{}”无效,应为YYYY-MM", raw_month.trim()),
            )
        })?;
        leye_apply::welfare::accrue(
            &app.store,
            &caller.scope,
            &caller.actor,
            app.clock.now(),
            month,
        )
        .await
        .map_err(ApiError::from)
        .map(|a| (month, a))
    }
    .await;
    match result {
        Ok((month, a)) => {
            let msg = url_escape(&format!(
                "{month}岗位补贴和社会保险补贴: 新生成申请{}笔(合计{}元),已有{}笔;请到“申请审批”受理审核",
                a.created,
                Money::from_fen(a.total_fen),
                a.existing
            ));
            Ok(Redirect::to(&format!("/welfare?msg={msg}")).into_response())
        }
        Err(e) => refused(&app, &caller, e, raw).await,
    }
}
