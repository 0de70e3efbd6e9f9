//! 劳动者权益 pages: the 安薪指数 ranking by township with its method, wage arrears cases
//! (new, open with deadlines, closing), repeat offenders, labour disputes.

use super::policy::url_escape;
use super::{Nav, UiError, choices, render};
use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiQuery, IdPath};
use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use leye_domain::access::Permission;
use leye_domain::{FieldError, Money, Regions};
use leye_rights::{Department, DisputeKind, Outcome, Route, Source};
use std::collections::HashMap;

type Raw = HashMap<String, String>;

pub fn router() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/rights", get(page))
        .route("/rights/arrears", post(new_arrears))
        .route("/rights/arrears/{id}/close", post(close_arrears))
        .route("/rights/disputes", post(new_dispute))
        .route("/rights/disputes/{id}/extend", post(extend))
        .route("/rights/disputes/{id}/close", post(close_dispute))
        .route("/rights/wages", get(wages))
        .route("/rights/arrears/template.xlsx", get(arrears_template))
        .route("/rights/disputes/template.xlsx", get(disputes_template))
        .route(
            "/rights/disputes/import",
            post(import_disputes).layer(axum::extract::DefaultBodyLimit::max(50 * 1024 * 1024)),
        )
        .route(
            "/rights/arrears/import",
            post(import_arrears).layer(axum::extract::DefaultBodyLimit::max(50 * 1024 * 1024)),
        )
        .route(
            "/rights/wages/import",
            post(import_wages).layer(axum::extract::DefaultBodyLimit::max(50 * 1024 * 1024)),
        )
}

/// One township in the ranking.
pub struct IndexRowShown {
    pub rank: usize,
    pub township: String,
    pub workers: i64,
    pub cases: i64,
    pub amount: String,
    pub score: String,
    pub parts: String,
    pub talk: bool,
}

/// One open arrears case.
pub struct ArrearsShown {
    pub id: i64,
    pub employer: String,
    pub project: String,
    pub department: &'static str,
    pub township: String,
    pub workers: i64,
    pub claimed: String,
    pub route: &'static str,
    pub opened: String,
    pub due: String,
    pub overdue: bool,
}

/// One dispute.
pub struct DisputeShown {
    pub id: i64,
    pub kind: &'static str,
    pub arbitration: bool,
    pub employer: String,
    pub claim: String,
    pub accepted: String,
    pub due: String,
    pub extended: bool,
    pub overdue: bool,
    pub outcome: &'static str,
}

/// A harmonious-labour-relations award and its reward.
pub struct AwardShown {
    pub enterprise: String,
    pub level: String,
    pub awarded_on: String,
    pub status: &'static str,
    pub amount: String,
    pub why: String,
}

/// A gig shift whose pay the worker disputes.
pub struct GigDisputeShown {
    pub slot_id: i64,
    pub worker: String,
    pub employer: String,
    pub shift: String,
    pub promised: String,
    pub confirmed: String,
}

#[derive(Template)]
#[template(path = "rights.html")]
struct RightsPage {
    nav: Nav,
    month: String,
    method: leye_rights::IndexMethod,
    ranking: Vec<IndexRowShown>,
    open: Vec<ArrearsShown>,
    repeat: Vec<(String, i64, String)>,
    disputes: Vec<DisputeShown>,
    /// Gig sign-ups whose worker reported the pay not received in full
    gig_disputes: Vec<GigDisputeShown>,
    mediated_share: String,
    /// 劳动关系服务站 and 协调员 coverage (二(六)2)
    stations: String,
    stations_rate: String,
    coordinators: String,
    coordinators_rate: String,
    missing_stations: Vec<String>,
    /// 和谐劳动关系企业 awards and the engine's reward for each
    awards: Vec<AwardShown>,
    /// year, GDP growth, wage growth, in step
    growth: Vec<(i64, String, String, &'static str)>,
    wage_chart: String,
    /// group, listed, eligible, enrolled, coverage, not eligible or undecided
    insurance: Vec<(String, usize, usize, usize, String, usize)>,
    routes: Vec<(&'static str, &'static str)>,
    departments: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    outcomes: Vec<(&'static str, &'static str)>,
    today: String,
    may_write: bool,
    message: String,
    error: String,
}

async fn page_with(
    app: &AppState,
    caller: &Caller,
    month: Option<&str>,
    message: String,
    error: String,
) -> Result<Response, UiError> {
    let today = app.clock.today();
    let first = match month.map(str::trim).filter(|m| !m.is_empty()) {
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
    let (method, rows) = leye_rights::ranking(&app.store, &caller.scope, first)
        .await
        .map_err(ApiError::from)?;
    let repeat = leye_rights::repeat_offenders(&app.store, &caller.scope, today)
        .await
        .map_err(ApiError::from)?;
    let year_back = today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(today);
    let mut tx = app.store.begin_read().await?;
    let open = leye_store::open_arrears(&mut tx, &caller.scope).await?;
    let disputes = leye_store::disputes_between(
        &mut tx,
        &caller.scope,
        &year_back.to_string(),
        &today.to_string(),
    )
    .await?;
    let gig_disputes = leye_store::disputed_gigs(&mut tx, &caller.scope).await?;
    tx.commit().await?;
    let coverage = leye_rights::service_coverage(&app.store, &caller.scope)
        .await
        .map_err(ApiError::from)?;
    let awards = leye_rights::award_rewards(&app.store, &caller.scope, today)
        .await
        .map_err(ApiError::from)?;
    let growth = leye_rights::city_wage_growth(&app.store)
        .await
        .map_err(ApiError::from)?;
    let insurance = leye_rights::insurance_coverage(&app.store, &caller.scope, today)
        .await
        .map_err(ApiError::from)?;
    let pct = |n: usize, d: usize| {
        if d == 0 {
            "—".to_string()
        } else {
            format!("{:.1}%", n as f64 * 100.0 / d as f64)
        }
    };
    let bp = |v: Option<i64>| v.map_or("—".to_string(), |b| format!("{:.2}%", b as f64 / 100.0));
    let years: Vec<String> = growth.iter().map(|g| g.year.to_string()).collect();
    let wage_chart = if growth.len() < 2 {
        String::new()
    } else {
        leye_monitor::svg::line_chart(
            "地区生产总值与职工平均工资增速(%)",
            &years,
            &[
                leye_monitor::svg::Series {
                    name: "地区生产总值增速",
                    values: growth
                        .iter()
                        .map(|g| g.gdp_growth_bp.map(|b| b as f64 / 100.0))
                        .collect(),
                },
                leye_monitor::svg::Series {
                    name: "在岗职工平均工资增速",
                    values: growth
                        .iter()
                        .map(|g| g.wage_growth_bp.map(|b| b as f64 / 100.0))
                        .collect(),
                },
            ],
            2,
        )
    };
    let regions = Regions::huzhou();
    let t = today.to_string();
    let closed: Vec<_> = disputes.iter().filter(|d| d.outcome.is_some()).collect();
    let mediated = closed
        .iter()
        .filter(|d| d.outcome.as_deref() == Some("mediated"))
        .count();
    render(RightsPage {
        nav: Nav::of(caller),
        month: format!("{:04}-{:02}", first.year(), first.month()),
        method,
        ranking: rows
            .iter()
            .enumerate()
            .map(|(k, r)| IndexRowShown {
                rank: k + 1,
                township: regions.full_name(&r.inputs.township),
                workers: r.inputs.workers,
                cases: r.inputs.cases,
                amount: format!("{}元", Money::from_fen(r.inputs.amount_fen)),
                score: format!("{:.1}", r.score),
                parts: format!(
                    "{:.0} / {:.0} / {:.0} / {:.0} / {:.0}",
                    r.cases_part, r.amount_part, r.timely_part, r.repeat_part, r.warning_part
                ),
                talk: r.talk,
            })
            .collect(),
        open: open
            .iter()
            .map(|c| ArrearsShown {
                id: c.id,
                employer: c.employer_name.clone(),
                project: c.project.clone(),
                department: Department::from_code(&c.department).map_or("", |d| d.label_zh()),
                township: regions.full_name(&c.region),
                workers: c.workers,
                claimed: format!("{}元", Money::from_fen(c.claimed_fen)),
                route: Route::from_code(&c.route).map_or("", |r| r.label_zh()),
                opened: c.opened_on.clone(),
                due: c.due_on.clone(),
                overdue: c.due_on < t,
            })
            .collect(),
        repeat: repeat
            .into_iter()
            .map(|(e, n, f)| (e, n, format!("{}元", Money::from_fen(f))))
            .collect(),
        disputes: disputes
            .iter()
            .map(|d| DisputeShown {
                id: d.id,
                kind: DisputeKind::from_code(&d.kind).map_or("", |k| k.label_zh()),
                arbitration: d.kind == "arbitration",
                employer: d.employer_name.clone(),
                claim: format!("{}元", Money::from_fen(d.claim_fen)),
                accepted: d.accepted_on.clone(),
                due: d.due_on.clone(),
                extended: d.extended,
                overdue: d.closed_on.is_none() && d.due_on < t,
                outcome: d
                    .outcome
                    .as_deref()
                    .and_then(Outcome::from_code)
                    .map_or("", |o| o.label_zh()),
            })
            .collect(),
        gig_disputes: gig_disputes
            .iter()
            .map(|g| GigDisputeShown {
                slot_id: g.slot_id,
                worker: g.name.clone(),
                employer: g.enterprise_name.clone(),
                shift: format!("{} {}", g.title, g.starts_at),
                promised: Money::from_fen(g.slot_pay_fen).to_string(),
                confirmed: g
                    .pay_fen
                    .map(|f| Money::from_fen(f).to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        stations: format!(
            "{} / {}",
            coverage.townships_with_station, coverage.townships
        ),
        stations_rate: pct(coverage.townships_with_station, coverage.townships),
        coordinators: format!(
            "{} / {}",
            coverage.villages_with_coordinator, coverage.villages
        ),
        coordinators_rate: pct(coverage.villages_with_coordinator, coverage.villages),
        missing_stations: coverage.missing_stations,
        awards: awards
            .iter()
            .map(|a| AwardShown {
                enterprise: a.enterprise.clone(),
                level: a.level.clone(),
                awarded_on: a.awarded_on.clone(),
                status: match a.decision.status {
                    leye_policy::decision::Status::Eligible => "符合奖励条件",
                    leye_policy::decision::Status::NotEligible => "不符合奖励条件",
                    leye_policy::decision::Status::CannotDecide { .. } => "缺少信息无法判定",
                },
                amount: a
                    .decision
                    .amount
                    .map(|m| format!("{m}元"))
                    .unwrap_or_default(),
                why: a
                    .decision
                    .conditions
                    .iter()
                    .filter(|c| c.outcome != leye_policy::decision::Outcome::Met)
                    .map(|c| c.text.clone())
                    .collect::<Vec<_>>()
                    .join(";"),
            })
            .collect(),
        growth: growth
            .iter()
            .map(|g| {
                (
                    g.year,
                    bp(g.gdp_growth_bp),
                    bp(g.wage_growth_bp),
                    match g.in_step {
                        Some(true) => "同步",
                        Some(false) => "低于经济增速",
                        None => "",
                    },
                )
            })
            .collect(),
        wage_chart,
        insurance: insurance
            .iter()
            .map(|g| {
                (
                    g.label.clone(),
                    g.listed,
                    g.eligible,
                    g.enrolled,
                    pct(g.enrolled, g.eligible),
                    g.not_eligible + g.cannot_decide,
                )
            })
            .collect(),
        mediated_share: if closed.is_empty() {
            "—".into()
        } else {
            format!("{:.1}%", mediated as f64 * 100.0 / closed.len() as f64)
        },
        routes: choices(Route::ALL, |x| (x.code(), x.label_zh())),
        departments: choices(Department::ALL, |x| (x.code(), x.label_zh())),
        sources: choices(Source::ALL, |x| (x.code(), x.label_zh())),
        kinds: choices(DisputeKind::ALL, |x| (x.code(), x.label_zh())),
        outcomes: choices(Outcome::ALL, |x| (x.code(), x.label_zh())),
        today: t,
        may_write: caller.may(Permission::RightsWrite),
        message,
        error,
    })
}

async fn page(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let msg = q.get("msg").cloned().unwrap_or_default();
    page_with(
        &app,
        &caller,
        q.get("month").map(String::as_str),
        msg,
        String::new(),
    )
    .await
}

async fn after(
    app: &AppState,
    caller: &Caller,
    r: Result<(), ApiError>,
    done: &str,
) -> Result<Response, UiError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/rights?msg={}", url_escape(done))).into_response()),
        Err(e)
            if e.status == StatusCode::UNPROCESSABLE_ENTITY
                || e.status == StatusCode::FORBIDDEN =>
        {
            let status = e.status;
            let mut res =
                page_with(app, caller, None, String::new(), e.body.message.clone()).await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

async fn new_arrears(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let req = leye_rights::ArrearsRequest {
        employer_name: get("employer_name"),
        project: get("project"),
        department: get("department"),
        source: get("source"),
        region: get("region"),
        workers: get("workers"),
        claimed_yuan: get("claimed_yuan"),
        route: get("route"),
        opened_on: get("opened_on"),
    };
    let r = leye_rights::open_arrears(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        &req,
    )
    .await
    .map(|_| ())
    .map_err(ApiError::from);
    after(&app, &caller, r, "已登记欠薪案件").await
}

async fn close_arrears(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let r = async {
        let recovered = Money::parse_yuan(&get("recovered_yuan")).map_err(|e| {
            FieldError::new(
                "recovered_yuan",
                "invalid_money",
                format!("追回金额无效: {e}"),
            )
        })?;
        let on = leye_domain::cells::required_date("closed_on", "办结日期", &get("closed_on"))?;
        let mut tx = app.store.begin().await?;
        leye_store::close_arrears(
            &mut tx,
            &caller.scope,
            id,
            &on.to_string(),
            recovered.fen(),
            &caller.actor,
            app.clock.now(),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, ApiError>(())
    }
    .await;
    after(&app, &caller, r, "已办结").await
}

async fn new_dispute(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let r = leye_rights::open_dispute(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        &get("kind"),
        &get("region"),
        &get("employer_name"),
        &get("claim_yuan"),
        &get("accepted_on"),
    )
    .await
    .map(|_| ())
    .map_err(ApiError::from);
    after(&app, &caller, r, "已登记劳动争议案件").await
}

async fn extend(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let days = raw
        .get("days")
        .map(|d| d.trim().parse::<i64>().unwrap_or(0))
        .unwrap_or(0);
    let r = leye_rights::extend_dispute(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        id,
        days,
    )
    .await
    .map_err(ApiError::from);
    after(&app, &caller, r, "已延期").await
}

async fn close_dispute(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let outcome = raw.get("outcome").cloned().unwrap_or_default();
    let r = leye_rights::close_dispute(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        id,
        &outcome,
    )
    .await
    .map_err(ApiError::from);
    after(&app, &caller, r, "已结案").await
}

/// One cell of the published prices.
pub struct CellShown {
    pub occupation: String,
    pub level: String,
    pub samples: usize,
    pub values: Vec<String>,
}

#[derive(Template)]
#[template(path = "rights_wages.html")]
struct WagesPage {
    nav: Nav,
    year: i64,
    min_sample: usize,
    cells: Vec<CellShown>,
    may_write: bool,
    message: String,
    error: String,
}

async fn wages_page(
    app: &AppState,
    caller: &Caller,
    year: i64,
    message: String,
    error: String,
) -> Result<Response, UiError> {
    let (min_sample, cells) = leye_rights::guidance_of(&app.store, year)
        .await
        .map_err(ApiError::from)?;
    render(WagesPage {
        nav: Nav::of(caller),
        year,
        min_sample,
        cells: cells
            .into_iter()
            .map(|c| CellShown {
                values: match c.percentiles {
                    Some(p) => p.iter().map(|f| Money::from_fen(*f).to_string()).collect(),
                    None => Vec::new(),
                },
                occupation: c.occupation,
                level: c.level,
                samples: c.samples,
            })
            .collect(),
        may_write: caller.may(Permission::RightsWrite),
        message,
        error,
    })
}

pub(super) async fn wages(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let year = match q.get("year").map(|y| y.trim()).filter(|y| !y.is_empty()) {
        Some(y) => y
            .parse::<i64>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| FieldError::new("year", "invalid_year", format!("年度“{y}”无效")))?,
        None => i64::from(app.clock.today().year() - 1),
    };
    let msg = q.get("msg").cloned().unwrap_or_default();
    wages_page(&app, &caller, year, msg, String::new()).await
}

pub(super) async fn import_wages(
    State(app): State<AppState>,
    caller: Caller,
    mut form: axum::extract::Multipart,
) -> Result<Response, UiError> {
    let mut file = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("上传文件").to_string();
            match field.bytes().await {
                Ok(b) => file = Some((name, b.to_vec())),
                Err(_) => break,
            }
        }
    }
    let Some((name, bytes)) = file else {
        return Err(UiError(ApiError::from(FieldError::new(
            "file",
            "required",
            "请选择企业薪酬调查文件(上传中断或文件过大时请重试)",
        ))));
    };
    match leye_rights::import_wages(&app.store, &caller.actor, app.clock.now(), &name, &bytes)
        .await
        .map_err(ApiError::from)
    {
        Ok((year, n)) => {
            let msg = url_escape(&format!("已导入{year}年企业薪酬调查{n}行"));
            Ok(Redirect::to(&format!("/rights/wages?year={year}&msg={msg}")).into_response())
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let year = i64::from(app.clock.today().year() - 1);
            let mut res =
                wages_page(&app, &caller, year, String::new(), e.body.message.clone()).await?;
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// The two case files officers import: wage-arrears cases and labour disputes.
#[derive(Debug, Clone, Copy)]
enum CaseFile {
    Arrears,
    Disputes,
}

impl CaseFile {
    /// (template title, what the result page calls the rows, the columns)
    fn describe(
        self,
    ) -> (
        &'static str,
        &'static str,
        &'static [leye_io::sheet::Column],
    ) {
        match self {
            CaseFile::Arrears => ("欠薪案件导入模板", "欠薪案件", leye_rights::ARREARS_COLUMNS),
            CaseFile::Disputes => (
                "劳动争议导入模板",
                "劳动争议案件",
                leye_rights::DISPUTE_COLUMNS,
            ),
        }
    }

    /// The import template: headers and an example row.
    fn template(self) -> Result<Response, UiError> {
        let (title, _, columns) = self.describe();
        let bytes =
            leye_io::sheet::template(title, columns, |_| None).map_err(super::imports::io_error)?;
        Ok(super::imports::xlsx_response(
            &format!("{title}.xlsx"),
            bytes,
        ))
    }

    /// Import the uploaded file (every row checked first; one transaction).
    async fn import(
        self,
        app: &AppState,
        caller: &Caller,
        form: axum::extract::Multipart,
    ) -> Result<Response, UiError> {
        let (file, bytes, skip_invalid) = super::imports::read_upload(form).await?;
        let (store, scope, actor, now) =
            (&app.store, &caller.scope, &caller.actor, app.clock.now());
        let upload = (file.as_str(), bytes.as_slice());
        let opts = leye_io::ImportOptions { skip_invalid };
        let report = match self {
            CaseFile::Arrears => {
                leye_rights::import_arrears(store, scope, actor, now, upload, opts).await
            }
            CaseFile::Disputes => {
                leye_rights::import_disputes(store, scope, actor, now, upload, opts).await
            }
        }
        .map_err(super::imports::io_error)?;
        super::imports::result_page(caller, self.describe().1, file, report, "/rights")
    }
}

async fn arrears_template() -> Result<Response, UiError> {
    CaseFile::Arrears.template()
}

async fn import_arrears(
    State(app): State<AppState>,
    caller: Caller,
    form: axum::extract::Multipart,
) -> Result<Response, UiError> {
    CaseFile::Arrears.import(&app, &caller, form).await
}

async fn disputes_template() -> Result<Response, UiError> {
    CaseFile::Disputes.template()
}

async fn import_disputes(
    State(app): State<AppState>,
    caller: Caller,
    form: axum::extract::Multipart,
) -> Result<Response, UiError> {
    CaseFile::Disputes.import(&app, &caller, form).await
}
