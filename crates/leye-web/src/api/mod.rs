//! The JSON API under `/api/v1/`, and its OpenAPI 3 document generated from the handlers'
//! annotations (`/api/v1/openapi.json`).

pub mod applications;
mod enterprises;
mod help;
mod households;
pub mod jobs;
pub mod market;
mod me;
pub mod monitor;
mod persons;
pub mod policy;
mod regions;
mod rights;
pub mod skills;

pub use enterprises::EnterpriseQuery;
pub use households::HouseholdQuery;
pub use me::{AuditQuery, AuditView};
pub use persons::{PersonQuery, page_of_persons, reveal_reason};
pub use regions::{RegionView, view as region_view};

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use utoipa::OpenApi;

/// OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(title = "乐业 (leye) API", description = "湖州市就业友好型城市平台 JSON API。认证: `Authorization: Bearer <接口令牌>`(在“我的账号”页面生成),或浏览器会话(写操作需带 X-CSRF-Token)。错误统一为 {code, message, field?},message 为中文。"),
    paths(
        healthz,
        regions::list, regions::get_one,
        persons::list, persons::create, persons::get_one, persons::update,
        persons::list_events, persons::add_event, persons::reveal, me::me, me::audit,
        households::list, households::create, households::get_one, households::update,
        enterprises::list, enterprises::create, enterprises::get_one, enterprises::update,
        enterprises::headcount, enterprises::set_headcount,
        policy::measures, policy::evaluate, policy::offers,
        applications::list, applications::create, applications::get_one,
        applications::submit, applications::review, applications::return_it,
        applications::approve, applications::reject,
        applications::budgets, applications::set_budget,
        applications::batches, applications::create_batches, applications::performance,
        help::coverage, help::zero_households, help::hard_to_employ, help::confirm,
        help::cases, help::add_contact,
        rights::index, rights::arrears, rights::create_arrears, rights::disputes, rights::wages,
        rights::coverage,
        jobs::search, jobs::suggest, jobs::get_one, jobs::occupations, jobs::create_posting,
        jobs::list_postings, jobs::close_posting, jobs::matches, jobs::posting_applications,
        jobs::set_state, jobs::get_seeker, jobs::put_seeker, jobs::apply, jobs::inbox,
        jobs::recommendations,
        market::create_slot, market::posting_slots, market::open_slots, market::sign_up,
        market::slot_signups, market::person_gigs, market::worker_action, market::employer_action,
        market::worker_rating, market::employer_rating,
        market::list_events, market::get_event, market::create_event, market::cancel_event,
        market::join_event, market::register, market::check_in,
        market::shortage_quarters, market::shortage, market::publish_shortage,
        monitor::indicators, monitor::indicator, monitor::targets, monitor::tasks,
        monitor::add_note, monitor::alerts, monitor::acknowledge, monitor::resolve,
        monitor::refresh, monitor::surveyed, monitor::report, monitor::dashboard,
        skills::registries, skills::rows, skills::row, skills::create, skills::update,
        skills::tickets, skills::create_ticket, skills::ticket, skills::link, skills::place,
        skills::close, skills::impacts, skills::assess, skills::impact,
    ),
    components(schemas(ErrorBody, leye_policy::Situation, skills::TicketInput, skills::LinkInput, skills::PlaceInput, skills::CloseInput, skills::ImpactBody)),
    tags(
        (name = "registry", description = "人员、家庭、企业登记 (registry)"),
        (name = "regions", description = "行政区划 (regions)"),
        (name = "policy", description = "政策规则引擎: 措施、情形判定、免申即享名单"),
        (name = "applications", description = "申请、审批(双人复核)、预算、资金发放与资金绩效"),
        (name = "help", description = "困难群体帮扶: 就业困难人员认定、零就业家庭、帮扶档案与覆盖率"),
        (name = "rights", description = "劳动者权益: 欠薪、安薪指数、劳动争议、工资指导价位"),
        (name = "jobs", description = "就业市场: 岗位检索、岗位发布、人岗匹配、求职登记、投递与岗位推送"),
        (name = "gig", description = "零工市场: 班次、报名、签到、完工与报酬确认、双向评价"),
        (name = "events", description = "招聘活动: 活动、参会企业与岗位、求职者报名与签到、面试与录用统计"),
        (name = "skills", description = "技能、创业与企业服务: 培训、评价证书、技工院校、青创空间与项目、人力资源服务机构等名录,重点企业用工服务单,就业影响评估"),
        (name = "monitor", description = "就业监测预警: 监测指标、目标任务与督查、预警签收处置、调查失业率、就业形势分析报告、大屏"),
        (name = "system", description = "运行状态"),
    )
)]
pub struct ApiDoc;

/// Routes of the API (mounted at `/api/v1`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/regions", get(regions::list))
        .route("/regions/{code}", get(regions::get_one))
        .route("/persons", get(persons::list).post(persons::create))
        .route("/persons/{id}", get(persons::get_one).put(persons::update))
        .route("/persons/{id}/reveal", axum::routing::post(persons::reveal))
        .route("/me", get(me::me))
        .route("/audit", get(me::audit))
        .route(
            "/persons/{id}/labour-events",
            get(persons::list_events).post(persons::add_event),
        )
        .route(
            "/households",
            get(households::list).post(households::create),
        )
        .route(
            "/households/{id}",
            get(households::get_one).put(households::update),
        )
        .route(
            "/enterprises",
            get(enterprises::list).post(enterprises::create),
        )
        .route(
            "/enterprises/{id}",
            get(enterprises::get_one).put(enterprises::update),
        )
        .route(
            "/enterprises/{id}/headcount",
            get(enterprises::headcount).post(enterprises::set_headcount),
        )
        .route("/policy/measures", get(policy::measures))
        .route("/policy/evaluate", axum::routing::post(policy::evaluate))
        .route("/policy/offers", get(policy::offers))
        .route(
            "/applications",
            get(applications::list).post(applications::create),
        )
        .route("/applications/{id}", get(applications::get_one))
        .route("/applications/{id}/submit", post(applications::submit))
        .route("/applications/{id}/review", post(applications::review))
        .route("/applications/{id}/return", post(applications::return_it))
        .route("/applications/{id}/approve", post(applications::approve))
        .route("/applications/{id}/reject", post(applications::reject))
        .route(
            "/budgets",
            get(applications::budgets).post(applications::set_budget),
        )
        .route(
            "/payments/batches",
            get(applications::batches).post(applications::create_batches),
        )
        .route("/funds/performance", get(applications::performance))
        .route("/registries", get(skills::registries))
        .route("/rights/registries", get(skills::registries))
        .route(
            "/rights/registries/{registry}",
            get(skills::rows).post(skills::create),
        )
        .route(
            "/rights/registries/{registry}/{id}",
            get(skills::row).put(skills::update),
        )
        .route(
            "/registries/{registry}",
            get(skills::rows).post(skills::create),
        )
        .route(
            "/registries/{registry}/{id}",
            get(skills::row).put(skills::update),
        )
        .route(
            "/service/tickets",
            get(skills::tickets).post(skills::create_ticket),
        )
        .route("/service/tickets/{id}", get(skills::ticket))
        .route("/service/tickets/{id}/link", post(skills::link))
        .route("/service/tickets/{id}/place", post(skills::place))
        .route("/service/tickets/{id}/close", post(skills::close))
        .route(
            "/impact-assessments",
            get(skills::impacts).post(skills::assess),
        )
        .route("/impact-assessments/{id}", get(skills::impact))
        .route("/rights/index", get(rights::index))
        .route(
            "/rights/arrears",
            get(rights::arrears).post(rights::create_arrears),
        )
        .route("/rights/disputes", get(rights::disputes))
        .route("/rights/wages", get(rights::wages))
        .route("/rights/coverage", get(rights::coverage))
        .route("/help/coverage", get(help::coverage))
        .route("/help/zero-households", get(help::zero_households))
        .route("/help/hard-to-employ", get(help::hard_to_employ))
        .route("/help/hard-to-employ/{id}/confirm", post(help::confirm))
        .route("/help/cases", get(help::cases))
        .route("/help/cases/{id}/contacts", post(help::add_contact))
        .route("/jobs/search", get(jobs::search))
        .route("/jobs/suggest", get(jobs::suggest))
        .route("/jobs/{id}", get(jobs::get_one))
        .route("/jobs/{id}/apply", post(jobs::apply))
        .route("/occupations", get(jobs::occupations))
        .route(
            "/postings",
            get(jobs::list_postings).post(jobs::create_posting),
        )
        .route("/postings/{id}/close", post(jobs::close_posting))
        .route("/postings/{id}/matches", get(jobs::matches))
        .route(
            "/postings/{id}/applications",
            get(jobs::posting_applications),
        )
        .route("/job-applications/{id}/state", post(jobs::set_state))
        .route(
            "/persons/{id}/seeker",
            get(jobs::get_seeker).put(jobs::put_seeker),
        )
        .route("/persons/{id}/inbox", get(jobs::inbox))
        .route("/persons/{id}/recommendations", get(jobs::recommendations))
        .route(
            "/postings/{id}/slots",
            get(market::posting_slots).post(market::create_slot),
        )
        .route("/gig/slots", get(market::open_slots))
        .route("/gig/slots/{id}/signup", post(market::sign_up))
        .route("/gig/slots/{id}/signups", get(market::slot_signups))
        .route("/gig/signups/{id}/worker", post(market::worker_action))
        .route("/gig/signups/{id}/employer", post(market::employer_action))
        .route(
            "/gig/signups/{id}/worker/rating",
            post(market::worker_rating),
        )
        .route(
            "/gig/signups/{id}/employer/rating",
            post(market::employer_rating),
        )
        .route("/persons/{id}/gigs", get(market::person_gigs))
        .route(
            "/events",
            get(market::list_events).post(market::create_event),
        )
        .route("/events/{id}", get(market::get_event))
        .route("/events/{id}/cancel", post(market::cancel_event))
        .route("/events/{id}/join", post(market::join_event))
        .route("/events/{id}/register", post(market::register))
        .route("/events/{id}/check-in", post(market::check_in))
        .route("/shortage", get(market::shortage_quarters))
        .route("/shortage/{quarter}", get(market::shortage))
        .route(
            "/shortage/{quarter}/publish",
            post(market::publish_shortage),
        )
        .route("/monitor/indicators", get(monitor::indicators))
        .route("/monitor/indicators/{id}", get(monitor::indicator))
        .route("/monitor/targets", get(monitor::targets))
        .route("/monitor/tasks", get(monitor::tasks))
        .route("/monitor/tasks/notes", post(monitor::add_note))
        .route("/monitor/refresh", post(monitor::refresh))
        .route("/monitor/surveyed", post(monitor::surveyed))
        .route("/monitor/dashboard", get(monitor::dashboard))
        .route("/alerts", get(monitor::alerts))
        .route("/alerts/{id}/acknowledge", post(monitor::acknowledge))
        .route("/alerts/{id}/resolve", post(monitor::resolve))
        .route("/reports", get(monitor::report))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn openapi() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_route",
        "没有这个接口,请查看 /api/v1/openapi.json",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "该接口不支持此请求方法",
    )
}

/// Health of the service and its database.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` or `degraded`
    pub status: String,
    /// `sqlite` or `postgres`
    pub database: String,
}

/// Liveness and database check.
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(app): State<AppState>) -> impl IntoResponse {
    let database = match app.store.backend() {
        leye_store::Backend::Sqlite => "sqlite",
        leye_store::Backend::Postgres => "postgres",
    }
    .to_string();
    match app.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok".into(),
                database,
            }),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "degraded".into(),
                database,
            }),
        ),
    }
}

/// Paging parameters shared by every list.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// Page number, from 1
    pub page: Option<i64>,
    /// Rows per page, 1-200 (default 50)
    pub per_page: Option<i64>,
}

impl PageParams {
    pub fn paging(&self) -> leye_store::Paging {
        leye_store::Paging::new(self.page, self.per_page)
    }
}
