//! 申请审批 pages: the list (with the overdue filter), a new application (from scratch or from
//! a 免申即享 offer), one application with its decision, log, documents and the actions the
//! caller may take; 资金发放 (batches, bank files, bank results), 预算, 资金绩效.

use super::policy::{Shown, shown_json, url_escape};
use super::{Nav, UiError, render};
use crate::AppState;
use crate::access::Caller;
use crate::api::applications::{ActInput, ApplicationQuery, BudgetInput, act_request, budget_of};
use crate::error::{ApiError, ApiQuery, IdPath};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use leye_apply::ApplyRequest;
use leye_domain::Money;
use leye_domain::access::Permission;
use leye_domain::application::{AppAction, AppState as St, RejectReason};
use leye_domain::attachment::MAX_ATTACHMENT_BYTES;
use leye_store::ApplicationRecord;
use std::collections::HashMap;

type Raw = HashMap<String, String>;

pub fn router() -> Router<AppState> {
    use axum::routing::{get, post};
    let upload = || DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES + 64 * 1024);
    Router::new()
        .route("/applications", get(list))
        .route("/applications/new", get(new_form).post(create))
        .route("/applications/bulk", post(bulk))
        .route("/applications/{id}", get(detail))
        .route("/applications/{id}/submit", post(submit))
        .route("/applications/{id}/review", post(review))
        .route("/applications/{id}/return", post(return_it))
        .route("/applications/{id}/approve", post(approve))
        .route("/applications/{id}/reject", post(reject))
        .route(
            "/applications/{id}/attachments",
            post(attach).layer(upload()),
        )
        .route(
            "/applications/{id}/attachments/{aid}",
            get(download_attachment),
        )
        .route("/payments", get(payments))
        .route("/payments/batches", post(create_batches))
        .route("/payments/batches/{id}/file.xlsx", get(bank_file))
        .route(
            "/payments/reconcile",
            post(reconcile).layer(DefaultBodyLimit::max(50 * 1024 * 1024)),
        )
        .route("/budgets", get(budgets).post(set_budget))
        .route("/funds", get(funds))
}

fn yuan(fen: Option<i64>) -> String {
    fen.map(|f| format!("{}元", Money::from_fen(f)))
        .unwrap_or_default()
}

fn state_label(code: &str) -> &'static str {
    St::from_code(code).map_or("未知", |s| s.label_zh())
}

fn decision_label(code: &str) -> &'static str {
    match code {
        "eligible" => "符合条件",
        "not_eligible" => "不符合条件",
        _ => "信息不足,暂无法判定",
    }
}

fn fund_label(code: &str) -> &'static str {
    leye_policy::funds::Fund::from_code(code).map_or("未知", |f| f.label_zh())
}

/// One row of the list.
pub struct AppRow {
    pub id: i64,
    pub number: String,
    pub measure: String,
    pub who: String,
    pub enterprise: String,
    pub amount: String,
    pub state: &'static str,
    pub due: String,
    pub overdue: bool,
    pub decision: &'static str,
}

fn row(a: &ApplicationRecord, today: &str) -> AppRow {
    AppRow {
        id: a.id,
        number: a.number.clone(),
        measure: leye_sweep::measure_name(&a.measure).into(),
        who: a.person_name.clone().unwrap_or_default(),
        enterprise: a.enterprise_name.clone().unwrap_or_default(),
        amount: yuan(a.amount_fen),
        state: state_label(&a.state),
        due: a.due_on.clone().unwrap_or_default(),
        overdue: a.due_on.as_deref().is_some_and(|d| d < today),
        decision: decision_label(&a.decision_status),
    }
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<AppRow>,
    total: String,
    page: i64,
    pages: i64,
    states: Vec<(&'static str, &'static str)>,
    state: String,
    measures: Vec<(String, String)>,
    measure: String,
    overdue: bool,
    may_submit: bool,
    may_review: bool,
    may_decide: bool,
    message: String,
    errors: Vec<String>,
}

fn measure_choices() -> Vec<(String, String)> {
    let mut m = vec![(String::new(), "全部措施".to_string())];
    m.extend(
        leye_policy::measures::ALL
            .iter()
            .map(|x| (x.id.to_string(), x.name.to_string())),
    );
    m
}

async fn list(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ApplicationQuery>,
) -> Result<Response, UiError> {
    list_page(&app, &caller, &q, String::new(), Vec::new()).await
}

async fn list_page(
    app: &AppState,
    caller: &Caller,
    q: &ApplicationQuery,
    message: String,
    errors: Vec<String>,
) -> Result<Response, UiError> {
    let f = q.filter(app.clock.today())?;
    let mut tx = app.store.begin_read().await?;
    let page = leye_store::list_applications(
        &mut tx,
        &caller.scope,
        &f,
        leye_store::Paging::new(q.page, Some(50)),
    )
    .await?;
    tx.commit().await?;
    let today = app.clock.today().to_string();
    let mut states = vec![("", "全部状态")];
    states.extend(St::ALL.iter().map(|s| (s.code(), s.label_zh())));
    render(ListPage {
        nav: Nav::of(caller),
        rows: page.items.iter().map(|a| row(a, &today)).collect(),
        total: super::shown_total(&page),
        page: page.page,
        pages: ((page.total + 49) / 50).max(1),
        states,
        state: q.state.clone().unwrap_or_default(),
        measures: measure_choices(),
        measure: q.measure.clone().unwrap_or_default(),
        overdue: q.overdue.unwrap_or(false),
        may_submit: caller.may(Permission::ApplicationSubmit),
        may_review: caller.may(Permission::ApplicationReview),
        may_decide: caller.may(Permission::ApplicationDecide),
        message,
        errors,
    })
}

/// 批量办理: the same step on every ticked application, each in its own transaction with every
/// check of a single step; what was refused is listed with its reason.
async fn bulk(
    State(app): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> Result<Response, UiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let action = match pairs
        .iter()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.as_str())
    {
        Some("start_review") if caller.may(Permission::ApplicationReview) => AppAction::StartReview,
        Some("approve") if caller.may(Permission::ApplicationDecide) => AppAction::Approve,
        Some("start_review" | "approve") => {
            return Err(UiError(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "您的角色不能办理此操作",
            )));
        }
        _ => {
            return Err(UiError(ApiError::from(leye_domain::FieldError::new(
                "action",
                "invalid_choice",
                "请选择批量办理的操作",
            ))));
        }
    };
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let req = leye_apply::ActRequest {
        action,
        reason: None,
        note: String::new(),
    };
    let (mut done, mut errors) = (0, Vec::new());
    for id in &ids {
        match leye_apply::act(
            &app.store,
            &caller.scope,
            &caller.actor,
            app.clock.now(),
            *id,
            &req,
        )
        .await
        .map_err(ApiError::from)
        {
            Ok(_) => done += 1,
            Err(e) if e.status.is_client_error() => {
                errors.push(format!("申请#{id}: {}", e.body.message));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let message = if ids.is_empty() {
        "没有勾选任何申请".to_string()
    } else {
        format!(
            "{}: 成功{done}笔,未办理{}笔",
            action.label_zh(),
            errors.len()
        )
    };
    list_page(&app, &caller, &ApplicationQuery::default(), message, errors).await
}

#[derive(Template)]
#[template(path = "application_form.html")]
struct FormPage {
    nav: Nav,
    measures: Vec<(String, String)>,
    values: Raw,
    offer: String,
    error: String,
}

impl FormPage {
    fn v(&self, k: &str) -> String {
        self.values.get(k).cloned().unwrap_or_default()
    }
}

async fn new_form(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let mut values: Raw = q
        .into_iter()
        .filter(|(k, _)| {
            ["measure", "person_id", "enterprise_id", "offer_id"].contains(&k.as_str())
        })
        .collect();
    // A job seeker applies for themself, an employer for its own enterprise.
    match caller.scope {
        leye_domain::Scope::Person(p) => {
            values.insert("person_id".into(), p.to_string());
        }
        leye_domain::Scope::Enterprise(e) => {
            values.insert("enterprise_id".into(), e.to_string());
        }
        _ => {}
    }
    let mut offer = String::new();
    if let Some(id) = values.get("offer_id").and_then(|v| v.parse::<i64>().ok()) {
        let mut tx = app.store.begin_read().await?;
        let o = leye_store::get_offer(&mut tx, &caller.scope, id).await?;
        tx.commit().await?;
        offer = format!(
            "{} — {} {}",
            leye_sweep::measure_name(&o.measure),
            o.person_name.clone().unwrap_or_default(),
            o.enterprise_name.clone().unwrap_or_default()
        );
        values.insert("measure".into(), o.measure.clone());
        if let Some(p) = o.person_id {
            values.insert("person_id".into(), p.to_string());
        }
        if let Some(e) = o.enterprise_id {
            values.insert("enterprise_id".into(), e.to_string());
        }
    }
    render(FormPage {
        nav: Nav::of(&caller),
        measures: measure_choices().into_iter().skip(1).collect(),
        values,
        offer,
        error: String::new(),
    })
}

fn opt_id(raw: &Raw, k: &str, label: &str) -> Result<Option<i64>, leye_domain::FieldError> {
    match raw.get(k).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
            leye_domain::FieldError::new(k, "invalid_id", format!("{label}“{v}”应为数字编号"))
        }),
    }
}

async fn create(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let parsed = (|| {
        Ok::<_, leye_domain::FieldError>(ApplyRequest {
            measure: raw.get("measure").cloned().unwrap_or_default(),
            person_id: opt_id(&raw, "person_id", "人员编号")?,
            enterprise_id: opt_id(&raw, "enterprise_id", "单位编号")?,
            offer_id: opt_id(&raw, "offer_id", "名单记录")?,
            payee_name: raw.get("payee_name").cloned().unwrap_or_default(),
            payee_account: raw.get("payee_account").cloned().unwrap_or_default(),
            draft: raw.contains_key("draft"),
        })
    })();
    let result = match parsed {
        Ok(req) => leye_apply::apply(
            &app.store,
            &caller.scope,
            &caller.actor,
            app.clock.now(),
            &req,
        )
        .await
        .map_err(ApiError::from),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
        Err(e) if e.status.is_client_error() => {
            let page = FormPage {
                nav: Nav::of(&caller),
                measures: measure_choices().into_iter().skip(1).collect(),
                offer: String::new(),
                error: e.body.message.clone(),
                values: raw,
            };
            let mut res = render(page)?;
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// One fact line of the detail page.
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

/// One transition line.
pub struct LogRow {
    pub at: String,
    pub action: &'static str,
    pub to: &'static str,
    pub by: String,
    pub reason: &'static str,
    pub note: String,
}

#[derive(Template)]
#[template(path = "application.html")]
struct DetailPage {
    nav: Nav,
    id: i64,
    number: String,
    state: &'static str,
    facts: Vec<Fact>,
    d: Shown,
    log: Vec<LogRow>,
    files: Vec<leye_store::AttachmentMeta>,
    may_attach: bool,
    can_submit: bool,
    can_review: bool,
    can_decide: bool,
    reasons: Vec<(&'static str, &'static str)>,
    message: String,
    error: String,
}

async fn detail_page(
    app: &AppState,
    caller: &Caller,
    id: i64,
    message: String,
    error: String,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin_read().await?;
    let a = leye_store::get_application(&mut tx, &caller.scope, id, false).await?;
    let log = leye_store::transitions_of(&mut tx, id).await?;
    let files = leye_store::attachments_of(&mut tx, id).await?;
    tx.commit().await?;
    let regions = leye_domain::Regions::huzhou();
    let st = St::from_code(&a.state).unwrap_or(St::Draft);
    let actions = st.actions();
    let channel = match a.channel.as_str() {
        "offer" => "免申即享名单",
        "self" => "本人申请",
        "system" => "系统生成",
        _ => "经办人员代办",
    };
    let facts = vec![
        Fact {
            label: "措施",
            value: leye_sweep::measure_name(&a.measure).into(),
        },
        Fact {
            label: "条款",
            value: a.clause.clone(),
        },
        Fact {
            label: "申请对象",
            value: a.person_name.clone().unwrap_or_default(),
        },
        Fact {
            label: "用人单位",
            value: a.enterprise_name.clone().unwrap_or_default(),
        },
        Fact {
            label: "受理地区",
            value: regions.full_name(&a.region),
        },
        Fact {
            label: "资金来源",
            value: fund_label(&a.fund).into(),
        },
        Fact {
            label: "预算年度",
            value: a.budget_year.to_string(),
        },
        Fact {
            label: "金额",
            value: yuan(a.amount_fen),
        },
        Fact {
            label: "收款人",
            value: a.payee_name.clone(),
        },
        Fact {
            label: "收款账号",
            value: a.payee_account.clone(),
        },
        Fact {
            label: "申请渠道",
            value: channel.into(),
        },
        Fact {
            label: "判定日期",
            value: a.decided_on.clone(),
        },
        Fact {
            label: "办理时限",
            value: a.due_on.clone().unwrap_or_default(),
        },
    ];
    let decision = serde_json::from_str(&a.decision_json).unwrap_or_default();
    render(DetailPage {
        nav: Nav::of(caller),
        id,
        number: a.number.clone(),
        state: state_label(&a.state),
        facts,
        d: shown_json(&decision),
        log: log
            .iter()
            .map(|t| LogRow {
                at: super::local_ts(&t.at),
                action: AppAction::from_code(&t.action).map_or("创建草稿", |x| x.label_zh()),
                to: state_label(&t.to_state),
                by: t.by_name.clone(),
                reason: t
                    .reason
                    .as_deref()
                    .and_then(RejectReason::from_code)
                    .map_or("", |r| r.label_zh()),
                note: t.note.clone(),
            })
            .collect(),
        files,
        may_attach: caller.may(Permission::ApplicationSubmit)
            && !matches!(st, St::Approved | St::Rejected | St::Paid),
        can_submit: actions.contains(&AppAction::Submit)
            && caller.may(Permission::ApplicationSubmit),
        can_review: caller.may(Permission::ApplicationReview)
            && (actions.contains(&AppAction::StartReview) || actions.contains(&AppAction::Return)),
        can_decide: actions.contains(&AppAction::Approve)
            && caller.may(Permission::ApplicationDecide),
        reasons: RejectReason::ALL
            .iter()
            .map(|r| (r.code(), r.label_zh()))
            .collect(),
        message,
        error,
    })
}

async fn detail(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let msg = q.get("msg").cloned().unwrap_or_default();
    detail_page(&app, &caller, id, msg, String::new()).await
}

async fn do_act(
    app: AppState,
    caller: Caller,
    id: i64,
    action: AppAction,
    raw: Raw,
) -> Result<Response, UiError> {
    let input = ActInput {
        reason: raw.get("reason").cloned(),
        note: raw.get("note").cloned().unwrap_or_default(),
    };
    let result = match act_request(action, &input) {
        Ok(req) => leye_apply::act(
            &app.store,
            &caller.scope,
            &caller.actor,
            app.clock.now(),
            id,
            &req,
        )
        .await
        .map_err(ApiError::from),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(to) => {
            let msg = url_escape(&format!(
                "已{},当前状态: {}",
                action.label_zh(),
                to.label_zh()
            ));
            Ok(Redirect::to(&format!("/applications/{id}?msg={msg}")).into_response())
        }
        // A refused step (four eyes, budget, once-only...) is shown on the page itself.
        Err(e)
            if e.status == StatusCode::UNPROCESSABLE_ENTITY || e.status == StatusCode::CONFLICT =>
        {
            let mut res =
                detail_page(&app, &caller, id, String::new(), e.body.message.clone()).await?;
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

macro_rules! ui_action {
    ($name:ident, $action:expr) => {
        async fn $name(
            State(app): State<AppState>,
            caller: Caller,
            IdPath(id): IdPath,
            Form(raw): Form<Raw>,
        ) -> Result<Response, UiError> {
            do_act(app, caller, id, $action, raw).await
        }
    };
}

ui_action!(submit, AppAction::Submit);
ui_action!(review, AppAction::StartReview);
ui_action!(return_it, AppAction::Return);
ui_action!(approve, AppAction::Approve);
ui_action!(reject, AppAction::Reject);

/// The one file of a multipart upload.
async fn one_file(mut form: Multipart, too_big: &str) -> Result<(String, Vec<u8>), UiError> {
    let bad = |m: &str| {
        UiError(
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_file", m).with_field("file"),
        )
    };
    while let Some(field) = form.next_field().await.map_err(|_| bad(too_big))? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("上传文件").to_string();
            let bytes = field.bytes().await.map_err(|_| bad(too_big))?.to_vec();
            return Ok((name, bytes));
        }
    }
    Err(bad("请选择要上传的文件"))
}

async fn attach(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    form: Multipart,
) -> Result<Response, UiError> {
    let (name, bytes) = one_file(form, "上传中断或附件过大(最大10MB),请重试").await?;
    match leye_apply::attach(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        id,
        &name,
        &bytes,
    )
    .await
    .map_err(ApiError::from)
    {
        Ok(_) => {
            let msg = url_escape(&format!("已上传附件“{name}”"));
            Ok(Redirect::to(&format!("/applications/{id}?msg={msg}")).into_response())
        }
        Err(e)
            if e.status.is_client_error()
                && e.status != StatusCode::FORBIDDEN
                && e.status != StatusCode::NOT_FOUND =>
        {
            let mut res =
                detail_page(&app, &caller, id, String::new(), e.body.message.clone()).await?;
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

async fn download_attachment(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, aid)): Path<(String, String)>,
) -> Result<Response, UiError> {
    let parse = |v: &str| v.parse::<i64>().map_err(|_| ApiError::not_found("附件"));
    let (id, aid) = (parse(&id)?, parse(&aid)?);
    let mut tx = app.store.begin().await?;
    // Reading the application checks the caller's scope first.
    leye_store::get_application(&mut tx, &caller.scope, id, false).await?;
    let (meta, bytes) = leye_store::attachment_content(&mut tx, id, aid).await?;
    leye_store::record_audit(
        &mut tx,
        app.clock.now(),
        &caller.actor,
        "attachment_read",
        "applications",
        id,
        &format!("查看附件 {}", meta.name),
    )
    .await?;
    tx.commit().await?;
    let mime = leye_domain::attachment::AttachmentKind::from_code(&meta.kind)
        .map_or("application/octet-stream", |k| k.mime());
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename*=UTF-8''{}", url_escape(&meta.name)),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// One batch on the payments page.
pub struct BatchRow {
    pub id: i64,
    pub number: String,
    pub fund: &'static str,
    pub items: i64,
    pub total: String,
    pub paid: i64,
    pub failed: i64,
    pub state: &'static str,
    pub created_at: String,
}

#[derive(Template)]
#[template(path = "payments.html")]
struct PaymentsPage {
    nav: Nav,
    batches: Vec<BatchRow>,
    waiting: i64,
    message: String,
    errors: Vec<String>,
}

async fn payments_page(
    app: &AppState,
    caller: &Caller,
    message: String,
    errors: Vec<String>,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin_read().await?;
    let all = leye_store::list_batches(&mut tx, &caller.scope).await?;
    let waiting = leye_store::list_applications(
        &mut tx,
        &caller.scope,
        &leye_store::ApplicationFilter {
            state: Some("approved".into()),
            ..Default::default()
        },
        leye_store::Paging::new(Some(1), Some(1)),
    )
    .await?;
    tx.commit().await?;
    render(PaymentsPage {
        nav: Nav::of(caller),
        batches: all
            .iter()
            .map(|b| BatchRow {
                id: b.id,
                number: b.number.clone(),
                fund: fund_label(&b.fund),
                items: b.items,
                total: yuan(Some(b.total_fen)),
                paid: b.paid,
                failed: b.failed,
                state: if b.state == "sent" {
                    "待回盘"
                } else {
                    "已对账"
                },
                created_at: b.created_at.get(..10).unwrap_or("").to_string(),
            })
            .collect(),
        waiting: waiting.total,
        message,
        errors,
    })
}

async fn payments(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    payments_page(
        &app,
        &caller,
        q.get("msg").cloned().unwrap_or_default(),
        Vec::new(),
    )
    .await
}

async fn create_batches(State(app): State<AppState>, caller: Caller) -> Result<Response, UiError> {
    let made = leye_apply::payments::create_batches(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
    )
    .await
    .map_err(ApiError::from)?;
    let msg = if made.is_empty() {
        "没有待发放的已批准申请".to_string()
    } else {
        made.iter()
            .map(|b| {
                format!(
                    "已生成批次{}({}笔,{})",
                    b.number,
                    b.items,
                    yuan(Some(b.total_fen))
                )
            })
            .collect::<Vec<_>>()
            .join(";")
    };
    Ok(Redirect::to(&format!("/payments?msg={}", url_escape(&msg))).into_response())
}

async fn bank_file(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let id = id
        .parse::<i64>()
        .map_err(|_| ApiError::not_found("发放批次"))?;
    let (b, bytes) = leye_apply::payments::bank_file(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        id,
    )
    .await
    .map_err(ApiError::from)?;
    Ok(super::imports::xlsx_response(
        &format!("代发文件{}.xlsx", b.number),
        bytes,
    ))
}

async fn reconcile(
    State(app): State<AppState>,
    caller: Caller,
    form: Multipart,
) -> Result<Response, UiError> {
    let (name, bytes) = one_file(form, "上传中断或文件过大(最大50MB),请重试").await?;
    let outcome = match leye_apply::payments::parse_result_file(&name, &bytes) {
        Ok(rows) => {
            leye_apply::payments::reconcile(&app.store, &caller.actor, app.clock.now(), &rows).await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(r) => {
            let msg = format!(
                "对账完成: 到账{}笔,失败{}笔(可重新生成批次发放),重复回盘{}笔,完成批次{}个",
                r.paid, r.failed, r.repeated, r.batches_closed
            );
            Ok(Redirect::to(&format!("/payments?msg={}", url_escape(&msg))).into_response())
        }
        Err(leye_apply::ApplyError::Rows(rows)) => {
            let errors = rows
                .iter()
                .take(200)
                .map(|(r, m)| format!("第{r}行: {m}"))
                .collect();
            let mut res =
                payments_page(&app, &caller, "回盘文件有误,未做任何更改".into(), errors).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

/// One budget line.
pub struct BudgetRow {
    pub measure: String,
    pub district: String,
    pub year: i64,
    pub amount: String,
    pub committed: String,
    pub left: String,
}

#[derive(Template)]
#[template(path = "budgets.html")]
struct BudgetsPage {
    nav: Nav,
    rows: Vec<BudgetRow>,
    measures: Vec<(String, String)>,
    districts: Vec<(String, String)>,
    year: i32,
    error: String,
    message: String,
}

async fn budgets_page(
    app: &AppState,
    caller: &Caller,
    message: String,
    error: String,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin_read().await?;
    let all = leye_store::list_budgets(&mut tx, &caller.scope).await?;
    tx.commit().await?;
    let regions = leye_domain::Regions::huzhou();
    let districts = regions
        .all()
        .filter(|r| r.level == leye_domain::region::RegionLevel::County)
        .filter(|r| caller.scope.covers_region(regions, &r.code))
        .map(|r| (r.code.to_string(), r.name.clone()))
        .collect();
    use chrono::Datelike;
    render(BudgetsPage {
        nav: Nav::of(caller),
        rows: all
            .iter()
            .map(|b| BudgetRow {
                measure: leye_sweep::measure_name(&b.measure).into(),
                district: regions.full_name(&b.district),
                year: b.year,
                amount: yuan(Some(b.amount_fen)),
                committed: yuan(Some(b.committed_fen)),
                left: yuan(Some(b.amount_fen - b.committed_fen)),
            })
            .collect(),
        measures: measure_choices().into_iter().skip(1).collect(),
        districts,
        year: app.clock.today().year(),
        error,
        message,
    })
}

async fn budgets(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    budgets_page(
        &app,
        &caller,
        q.get("msg").cloned().unwrap_or_default(),
        String::new(),
    )
    .await
}

async fn set_budget(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let result = async {
        let year = get("year").trim().parse::<i64>().map_err(|_| {
            ApiError::from(leye_domain::FieldError::new(
                "year",
                "invalid_year",
                format!("年度“{}”无效", get("year")),
            ))
        })?;
        let b = budget_of(&BudgetInput {
            measure: get("measure"),
            district: get("district"),
            year,
            amount_yuan: get("amount_yuan"),
        })?;
        let mut tx = app.store.begin().await?;
        leye_store::set_budget(&mut tx, &caller.scope, &b, &caller.actor, app.clock.now()).await?;
        tx.commit().await?;
        Ok::<_, ApiError>(b)
    }
    .await;
    match result {
        Ok(b) => {
            let msg = format!(
                "已设置{}{}年{}预算{}",
                leye_domain::Regions::huzhou().full_name(&b.district),
                b.year,
                leye_sweep::measure_name(&b.measure),
                yuan(Some(b.amount_fen))
            );
            Ok(Redirect::to(&format!("/budgets?msg={}", url_escape(&msg))).into_response())
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let mut res =
                budgets_page(&app, &caller, String::new(), e.body.message.clone()).await?;
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// One line of fund performance.
pub struct PerfRow {
    pub district: String,
    pub measure: String,
    pub fund: &'static str,
    pub payments: i64,
    pub spent: String,
    pub persons: i64,
    pub enterprises: i64,
    pub jobs: i64,
    pub per_job: String,
}

#[derive(Template)]
#[template(path = "funds.html")]
struct FundsPage {
    nav: Nav,
    rows: Vec<PerfRow>,
    year: String,
    total: String,
}

async fn funds(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<crate::api::applications::YearQuery>,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::fund_performance(&mut tx, &caller.scope, q.year).await?;
    tx.commit().await?;
    let regions = leye_domain::Regions::huzhou();
    let total: i64 = rows.iter().map(|r| r.spent_fen).sum();
    render(FundsPage {
        nav: Nav::of(&caller),
        rows: rows
            .iter()
            .map(|r| PerfRow {
                district: regions.full_name(&r.district),
                measure: leye_sweep::measure_name(&r.measure).into(),
                fund: fund_label(&r.fund),
                payments: r.payments,
                spent: yuan(Some(r.spent_fen)),
                persons: r.persons,
                enterprises: r.enterprises,
                jobs: r.jobs,
                per_job: if r.jobs > 0 {
                    yuan(Some(r.spent_fen / r.jobs))
                } else {
                    "—".into()
                },
            })
            .collect(),
        year: q.year.map(|y| y.to_string()).unwrap_or_default(),
        total: yuan(Some(total)),
    })
}
