//! 就业市场 pages: job search for everyone (phone width first), a posting with "投递",
//! posting management for employers and officers (publish, close, applicants, matching
//! seekers), and a job seeker's own page (profile, recommended postings, push inbox,
//! applications).

use super::policy::url_escape;
use super::{Nav, UiError, choices, nav_for, render};
use crate::AppState;
use crate::access::{Caller, MaybeCaller};
use crate::api::jobs::{
    JobSearchParams, apply_as, close_as, enterprise_for, person_for, run_search,
};
use crate::error::{ApiError, ApiQuery, IdPath};
use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leye_domain::access::Permission;
use leye_domain::jobs::{ContractType, Education, PayUnit, PostingInput, SeekerInput, SkillLevel};
use leye_domain::{Money, Regions};
use leye_store::PostingRecord;
use std::collections::HashMap;

type Raw = HashMap<String, String>;

pub fn router() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/jobs", get(search))
        .route("/jobs/{id}", get(detail))
        .route("/jobs/{id}/apply", post(apply))
        .route("/postings", get(postings).post(publish))
        .route("/postings/{id}", get(manage))
        .route("/postings/{id}/close", post(close))
        .route("/job-applications/{id}/state", post(set_state))
        .route("/me/jobs", get(my_jobs))
        .route("/persons/{id}/jobs", get(seeker_page))
        .route("/persons/{id}/jobs/profile", post(save_profile))
        .route("/persons/{id}/jobs/push", post(set_push))
}

/// A posting as a card or a detail page shows it.
pub struct PostingShown {
    pub id: i64,
    pub title: String,
    pub enterprise: String,
    pub place: String,
    pub pay: String,
    pub unit: &'static str,
    pub occupation: String,
    pub contract: &'static str,
    pub education: &'static str,
    pub level: &'static str,
    pub headcount: i64,
    pub quality: bool,
    pub gig: bool,
    pub social_insurance: bool,
    pub ages: String,
    pub published: String,
    pub valid_until: String,
    pub open: bool,
    pub description: String,
    pub address: String,
    pub distance: String,
    /// 专项岗位 label (empty: none); set where one posting is shown.
    pub program: &'static str,
}

/// The label of a posting's programme (专项岗位), empty for none.
fn program_label(p: &PostingRecord) -> &'static str {
    p.program
        .as_deref()
        .and_then(leye_domain::jobs::Program::from_code)
        .map_or("", |p| p.label_zh())
}

fn shown(
    p: &PostingRecord,
    names: &leye_jobs::index::OccupationNames,
    today: &str,
    distance: Option<f64>,
) -> PostingShown {
    PostingShown {
        id: p.id,
        title: p.title.clone(),
        enterprise: p.enterprise_name.clone(),
        place: Regions::huzhou().full_name(&p.region),
        pay: format!(
            "{}-{}",
            Money::from_fen(p.pay_min_fen),
            Money::from_fen(p.pay_max_fen)
        ),
        unit: PayUnit::yuan_per_code(&p.pay_unit),
        occupation: names
            .get(&p.occupation)
            .cloned()
            .unwrap_or_else(|| p.occupation.clone()),
        contract: ContractType::from_code(&p.contract_type).map_or("", |c| c.label_zh()),
        education: Education::from_code(&p.education).map_or("", |e| e.label_zh()),
        level: p
            .skill_level
            .as_deref()
            .and_then(SkillLevel::from_code)
            .map_or("不限", |l| l.label_zh()),
        headcount: p.headcount,
        quality: p.quality,
        gig: p.gig,
        social_insurance: p.social_insurance,
        ages: match (p.age_min, p.age_max) {
            (None, None) => String::new(),
            (a, b) => format!(
                "{}-{}",
                a.map_or("16".to_string(), |v| v.to_string()),
                b.map_or(String::new(), |v| v.to_string())
            ),
        },
        published: p.published_on.clone(),
        valid_until: p.valid_until.clone(),
        open: p.is_live(today),
        description: p.description.clone(),
        address: p.address.clone(),
        distance: distance.map_or(String::new(), |d| format!("{d:.1}")),
        program: "",
    }
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct SearchPage {
    nav: Nav,
    p: JobSearchParams,
    error: String,
    searched: bool,
    total: usize,
    hits: Vec<PostingShown>,
    counties: Vec<(String, String, usize)>,
    majors: Vec<(String, String, usize)>,
    quality: usize,
    gig: usize,
    region_choices: Vec<(String, String)>,
    major_choices: Vec<(String, String)>,
    educations: Vec<(&'static str, &'static str)>,
    prev: String,
    next: String,
    page: usize,
}

fn with_page(p: &JobSearchParams, page: usize) -> String {
    let mut q = p.clone();
    q.page = page.to_string();
    let pairs = [
        ("q", &q.q),
        ("region", &q.region),
        ("occupation", &q.occupation),
        ("pay", &q.pay),
        ("education", &q.education),
        ("since", &q.since),
        ("kind", &q.kind),
        ("quality", &q.quality),
        ("lat", &q.lat),
        ("lon", &q.lon),
        ("km", &q.km),
        ("sort", &q.sort),
        ("page", &q.page),
    ];
    let s: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", url_escape(v)))
        .collect();
    format!("/jobs?{}", s.join("&"))
}

async fn search(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<JobSearchParams>,
) -> Result<Response, UiError> {
    let nav = nav_for(&caller, &headers);
    let today = app.clock.today();
    let names = app.jobs.names(&app.store).await?;
    let regions = Regions::huzhou();
    let region_choices = super::county_choices();
    let mut major_choices: Vec<(String, String)> = names
        .iter()
        .filter(|(c, _)| c.len() == 1)
        .map(|(c, n)| (c.clone(), n.clone()))
        .collect();
    major_choices.sort();
    let mut page = SearchPage {
        nav,
        p: p.clone(),
        error: String::new(),
        searched: false,
        total: 0,
        hits: Vec::new(),
        counties: Vec::new(),
        majors: Vec::new(),
        quality: 0,
        gig: 0,
        region_choices,
        major_choices,
        educations: choices(Education::ALL, |e| (e.code(), e.label_zh())),
        prev: String::new(),
        next: String::new(),
        page: 1,
    };
    let (q, n, per_page) = match p.parse(today) {
        Ok(x) => x,
        Err(e) => {
            page.error = e.message;
            let mut res = render(page)?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
    };
    let found = run_search(&app, &q).await?;
    let r = &found.result;
    page.searched = true;
    page.total = r.total;
    page.page = n;
    page.hits = found
        .postings
        .iter()
        .map(|(p, d)| shown(p, &names, &today.to_string(), *d))
        .collect();
    page.counties = r
        .by_county
        .iter()
        .map(|(c, k)| {
            (
                c.clone(),
                regions.get(c).map_or(c.clone(), |x| x.name.clone()),
                *k,
            )
        })
        .collect();
    page.majors = r
        .by_major
        .iter()
        .map(|(c, k)| (c.clone(), names.get(c).cloned().unwrap_or_default(), *k))
        .collect();
    page.quality = r.quality;
    page.gig = r.gig;
    if n > 1 {
        page.prev = with_page(&p, n - 1);
    }
    if n * per_page < r.total.min(leye_jobs::index::MAX_WINDOW) {
        page.next = with_page(&p, n + 1);
    }
    render(page)
}

/// The Chinese reason lines of a posting's quality decision.
fn quality_lines(p: &PostingRecord, today: chrono::NaiveDate) -> Vec<(String, bool)> {
    let on = chrono::NaiveDate::parse_from_str(&p.published_on, "%Y-%m-%d").unwrap_or(today);
    leye_jobs::PayTerms::of_record(p)
        .and_then(|t| leye_jobs::price_terms(&t, on).ok())
        .map(|pr| pr.reasons)
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "job.html")]
struct DetailPage {
    nav: Nav,
    p: PostingShown,
    reasons: Vec<(String, bool)>,
    may_apply: bool,
    may_manage: bool,
    signed_in: bool,
    message: String,
    error: String,
}

async fn detail_with(
    app: &AppState,
    caller: &Option<Caller>,
    headers: &HeaderMap,
    id: i64,
    message: String,
    error: String,
) -> Result<Response, UiError> {
    let today = app.clock.today();
    // The most viewed page: a live posting comes from the search index's records.
    let p = app
        .jobs
        .posting(&app.store, today, id)
        .await?
        .ok_or(ApiError::not_found("岗位"))?;
    let program = program_label(&p);
    let names = app.jobs.names(&app.store).await?;
    let may_manage = caller.as_ref().is_some_and(|c| {
        c.may(Permission::PostingWrite)
            && c.scope
                .covers_subject(Regions::huzhou(), &p.region, None, Some(p.enterprise_id))
    });
    let mut shown_p = shown(&p, &names, &today.to_string(), None);
    shown_p.program = program;
    render(DetailPage {
        nav: nav_for(caller, headers),
        reasons: quality_lines(&p, today),
        p: shown_p,
        may_apply: caller
            .as_ref()
            .is_some_and(|c| c.may(Permission::SeekerProfile) && c.user.person_id.is_some()),
        may_manage,
        signed_in: caller.is_some(),
        message,
        error,
    })
}

async fn detail(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let msg = q.get("msg").cloned().unwrap_or_default();
    detail_with(&app, &caller, &headers, id, msg, String::new()).await
}

async fn apply(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let event = raw
        .get("event_id")
        .and_then(|e| e.trim().parse::<i64>().ok());
    let r = match person_for(&caller, None) {
        Ok(person) => apply_as(&app, &caller, person, id, event).await.map(|_| ()),
        Err(e) => Err(e),
    };
    let back = match event {
        Some(e) => format!("/events/{e}"),
        None => format!("/jobs/{id}"),
    };
    match r {
        Ok(()) => Ok(Redirect::to(&format!(
            "{back}?msg={}",
            url_escape("已投递,用人单位将与您联系")
        ))
        .into_response()),
        Err(e) if event.is_some() && e.status.is_client_error() => Ok(Redirect::to(&format!(
            "{back}?err={}",
            url_escape(&e.body.message)
        ))
        .into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let status = e.status;
            let mut res = detail_with(
                &app,
                &Some(caller),
                &headers,
                id,
                String::new(),
                e.body.message,
            )
            .await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// One posting in the management list.
pub struct ManagedShown {
    pub p: PostingShown,
    pub status: &'static str,
}

/// The publish form's choices and free texts as typed.
#[derive(Default)]
pub struct Sel {
    pub pay_unit: String,
    pub contract_type: String,
    pub education: String,
    pub skill_level: String,
    pub credit_code: String,
    pub description: String,
    pub social_insurance: bool,
    pub program: String,
}

impl Sel {
    fn of(raw: &Raw) -> Self {
        let g = |k: &str| raw.get(k).cloned().unwrap_or_default();
        Self {
            pay_unit: g("pay_unit"),
            contract_type: g("contract_type"),
            education: g("education"),
            skill_level: g("skill_level"),
            credit_code: g("credit_code"),
            description: g("description"),
            social_insurance: raw.is_empty() || raw.contains_key("social_insurance"),
            program: g("program"),
        }
    }
}

/// A publish form field with its value and error.
pub struct FieldShown {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub error: String,
    pub hint: &'static str,
}

#[derive(Template)]
#[template(path = "postings.html")]
struct PostingsPage {
    nav: Nav,
    items: Vec<ManagedShown>,
    fields: Vec<FieldShown>,
    employer: bool,
    pay_units: Vec<(&'static str, &'static str)>,
    contracts: Vec<(&'static str, &'static str)>,
    educations: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    programs: Vec<(&'static str, &'static str)>,
    sel: Sel,
    quality_count: i64,
    quality_heads: i64,
    target: i64,
    year: i32,
    message: String,
    errors: Vec<String>,
}

const POSTING_FIELDS: &[(&str, &str, &str)] = &[
    ("title", "岗位名称", "如:数控车床操作工"),
    ("occupation", "职业编码", "职业分类大典编码,如6-18-01-01"),
    ("headcount", "招聘人数", ""),
    ("region", "工作地点区划代码", "如330502001"),
    ("address", "工作地址", ""),
    ("pay_min", "薪酬下限(元)", ""),
    ("pay_max", "薪酬上限(元)", ""),
    ("contract_months", "合同期限(月)", "固定期限合同必填"),
    ("age_min", "最小年龄", "可空"),
    ("age_max", "最大年龄", "可空"),
    ("valid_until", "有效期至", "YYYY-MM-DD,最长180天"),
];

async fn postings_with(
    app: &AppState,
    caller: &Caller,
    raw: Raw,
    message: String,
    errors: Vec<leye_domain::FieldError>,
) -> Result<Response, UiError> {
    use chrono::Datelike;
    let today = app.clock.today();
    let names = app.jobs.names(&app.store).await?;
    let mut tx = app.store.begin_read().await?;
    let page = leye_store::postings_in_scope(
        &mut tx,
        &caller.scope,
        false,
        leye_store::Paging {
            page: 1,
            per_page: 200,
            over_cap: false,
        },
    )
    .await?;
    let year = today.year();
    let (quality_count, quality_heads) = leye_store::quality_postings_between(
        &mut tx,
        &caller.scope,
        &format!("{year}-01-01"),
        &format!("{year}-12-31"),
    )
    .await?;
    tx.commit().await?;
    let target = leye_jobs::quality_params()
        .and_then(|p| p.int_at("target_per_year", today))
        .map_or(0, |(v, _)| v);
    let t = today.to_string();
    let fields = POSTING_FIELDS
        .iter()
        .map(|(name, label, hint)| FieldShown {
            name,
            label,
            value: raw.get(*name).cloned().unwrap_or_else(|| match *name {
                "valid_until" => (today + chrono::Days::new(60)).to_string(),
                "headcount" => "1".into(),
                _ => String::new(),
            }),
            error: errors
                .iter()
                .find(|e| e.field == *name)
                .map(|e| e.message.clone())
                .unwrap_or_default(),
            hint,
        })
        .collect();
    let mut res = render(PostingsPage {
        nav: Nav::of(caller),
        items: page
            .items
            .iter()
            .map(|p| ManagedShown {
                p: shown(p, &names, &t, None),
                status: if p.is_live(&t) {
                    "招聘中"
                } else if p.status == "closed" {
                    "已关闭"
                } else {
                    "已过期"
                },
            })
            .collect(),
        fields,
        employer: caller.user.enterprise_id.is_some(),
        pay_units: choices(PayUnit::ALL, |x| (x.code(), x.label_zh())),
        contracts: choices(ContractType::ALL, |x| (x.code(), x.label_zh())),
        educations: choices(Education::ALL, |x| (x.code(), x.label_zh())),
        levels: choices(SkillLevel::ALL, |x| (x.code(), x.label_zh())),
        programs: choices(leye_domain::jobs::Program::ALL, |x| {
            (x.code(), x.label_zh())
        }),
        sel: Sel::of(&raw),
        quality_count,
        quality_heads,
        target,
        year,
        message,
        errors: errors.iter().map(|e| e.message.clone()).collect(),
    })?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn postings(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let msg = q.get("msg").cloned().unwrap_or_default();
    postings_with(&app, &caller, Raw::new(), msg, Vec::new()).await
}

async fn publish(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let input = PostingInput {
        title: get("title"),
        description: get("description"),
        occupation: get("occupation"),
        skill_level: get("skill_level"),
        headcount: get("headcount"),
        region: get("region"),
        address: get("address"),
        lat: None,
        lon: None,
        pay_unit: get("pay_unit"),
        pay_min: get("pay_min"),
        pay_max: get("pay_max"),
        contract_type: get("contract_type"),
        contract_months: get("contract_months"),
        social_insurance: raw.contains_key("social_insurance"),
        education: get("education"),
        age_min: get("age_min"),
        age_max: get("age_max"),
        valid_until: get("valid_until"),
        program: get("program"),
    };
    let enterprise = if caller.user.enterprise_id.is_some() {
        enterprise_for(&caller, None)
    } else {
        let code = get("credit_code");
        let mut tx = app.store.begin_read().await?;
        let found = leye_store::enterprise_ids_by_credit_codes(&mut tx, &[code.trim()]).await?;
        tx.commit().await?;
        found.get(code.trim()).copied().ok_or_else(|| {
            leye_domain::FieldError::new(
                "credit_code",
                "unknown_enterprise",
                format!("统一社会信用代码“{}”的企业未登记", code.trim()),
            )
            .into()
        })
    };
    let r = match enterprise {
        Ok(e) => leye_jobs::publish(
            &app.store,
            &caller.scope,
            e,
            &input,
            &caller.actor,
            app.clock.now(),
            app.clock.today(),
        )
        .await
        .map_err(|e| match e {
            leye_jobs::JobsError::Fields(f) => Err(f),
            other => Ok(ApiError::from(other)),
        }),
        Err(e) => Err(Ok(e)),
    };
    match r {
        Ok((id, pricing)) => {
            app.jobs
                .catch_up(&app.store, app.clock.today(), true)
                .await?;
            let msg = if pricing.quality {
                "岗位已发布(计入优质就业岗位),正在推送给匹配的求职者"
            } else {
                "岗位已发布,正在推送给匹配的求职者"
            };
            Ok(Redirect::to(&format!("/postings/{id}?msg={}", url_escape(msg))).into_response())
        }
        Err(Err(fields)) => postings_with(&app, &caller, raw, String::new(), fields).await,
        Err(Ok(e)) if e.status.is_client_error() => {
            let field = e.body.field.clone().unwrap_or_default();
            let status = e.status;
            let mut res = postings_with(
                &app,
                &caller,
                raw,
                String::new(),
                vec![leye_domain::FieldError::new(
                    &field,
                    "refused",
                    e.body.message,
                )],
            )
            .await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(Ok(e)) => Err(e.into()),
    }
}

/// One applicant.
pub struct ApplicantShown {
    pub id: i64,
    pub name: String,
    pub state: &'static str,
    pub code: String,
    pub at: String,
}

/// One matching seeker.
pub struct MatchShown {
    pub person_id: i64,
    pub name: String,
    pub score: i64,
    pub distance: String,
    pub why: String,
}

#[derive(Template)]
#[template(path = "posting.html")]
struct ManagePage {
    nav: Nav,
    p: PostingShown,
    reasons: Vec<(String, bool)>,
    applicants: Vec<ApplicantShown>,
    matches: Vec<MatchShown>,
    may_match: bool,
    slots: Vec<super::market::SlotShown>,
    message: String,
    error: String,
}

fn state_label(s: &str) -> &'static str {
    match s {
        "applied" => "已投递",
        "interview" => "邀请面试",
        "hired" => "已录用",
        "declined" => "未录用",
        _ => "已撤回",
    }
}

async fn manage_with(
    app: &AppState,
    caller: &Caller,
    id: i64,
    message: String,
    error: String,
) -> Result<Response, UiError> {
    let today = app.clock.today();
    let p = crate::api::jobs::managed_posting(app, caller, id).await?;
    let mut tx = app.store.begin_read().await?;
    let applicants = leye_store::job_applications(&mut tx, &caller.scope, Some(id)).await?;
    let slots = leye_store::slots_of_posting(&mut tx, id).await?;
    tx.commit().await?;
    let names = app.jobs.names(&app.store).await?;
    let may_match = caller.may(Permission::MatchRead);
    let matches = if may_match {
        leye_jobs::seekers_for_posting(&app.store, &caller.scope, id, today, 20, false)
            .await?
            .1
            .into_iter()
            .map(|(s, m)| MatchShown {
                person_id: s.person_id,
                name: s.name,
                score: m.score,
                distance: format!("{:.1}", m.distance_km),
                why: m.explanation,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut shown_p = shown(&p, &names, &today.to_string(), None);
    shown_p.program = program_label(&p);
    render(ManagePage {
        nav: Nav::of(caller),
        reasons: quality_lines(&p, today),
        p: shown_p,
        applicants: applicants
            .into_iter()
            .map(|a| ApplicantShown {
                id: a.id,
                name: a.name,
                state: state_label(&a.state),
                code: a.state,
                at: a.created_at.chars().take(10).collect(),
            })
            .collect(),
        matches,
        may_match,
        slots: slots
            .iter()
            .map(|s| super::market::slot_shown(s, Some(p.pay_min_fen), String::new()))
            .collect(),
        message,
        error,
    })
}

async fn manage(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let msg = q.get("msg").cloned().unwrap_or_default();
    let err = q.get("err").cloned().unwrap_or_default();
    manage_with(&app, &caller, id, msg, err).await
}

async fn close(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let r = close_as(&app, &caller, id).await;
    match r {
        Ok(()) => Ok(Redirect::to(&format!(
            "/postings/{id}?msg={}",
            url_escape("岗位已关闭,已从检索中撤下")
        ))
        .into_response()),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let mut res = manage_with(&app, &caller, id, String::new(), e.body.message).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

async fn set_state(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let state = raw.get("state").cloned().unwrap_or_default();
    let back = raw
        .get("posting")
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(0);
    let mut tx = app.store.begin().await?;
    let r = leye_store::set_job_application_state(
        &mut tx,
        &caller.scope,
        id,
        state.trim(),
        &caller.actor,
        app.clock.now(),
    )
    .await;
    match r {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/postings/{back}?msg={}",
                url_escape("已更新投递状态")
            ))
            .into_response())
        }
        Err(e) => {
            drop(tx);
            let e = ApiError::from(e);
            if e.status == StatusCode::UNPROCESSABLE_ENTITY && back > 0 {
                let mut res =
                    manage_with(&app, &caller, back, String::new(), e.body.message).await?;
                *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                Ok(res)
            } else {
                Err(e.into())
            }
        }
    }
}

/// A recommended posting.
pub struct RecShown {
    pub p: PostingShown,
    pub score: i64,
    pub why: String,
}

/// One inbox line.
pub struct InboxShown {
    pub posting_id: i64,
    pub title: String,
    pub enterprise: String,
    pub why: String,
    pub at: String,
    pub new: bool,
}

/// The profile form's values.
#[derive(Default)]
pub struct SeekerForm {
    pub occupations: String,
    pub skills: String,
    pub skill_level: String,
    pub education: String,
    pub region: String,
    pub commute_km: String,
    pub pay_wanted: String,
    pub available_from: String,
    pub gig_ok: bool,
    pub push_opt_in: bool,
}

impl SeekerForm {
    fn of_record(s: &leye_store::SeekerRecord) -> Self {
        Self {
            occupations: s.occupations.join(", "),
            skills: s.skills.join(", "),
            skill_level: s.skill_level.clone().unwrap_or_default(),
            education: s.education.clone(),
            region: s.region.clone(),
            commute_km: s.commute_km.to_string(),
            pay_wanted: s
                .pay_wanted_fen
                .map(|f| Money::from_fen(f).to_string())
                .unwrap_or_default(),
            available_from: s.available_from.clone().unwrap_or_default(),
            gig_ok: s.gig_ok,
            push_opt_in: s.push_opt_in,
        }
    }

    fn of(raw: &Raw) -> Self {
        let g = |k: &str| raw.get(k).cloned().unwrap_or_default();
        Self {
            occupations: g("occupations"),
            skills: g("skills"),
            skill_level: g("skill_level"),
            education: g("education"),
            region: g("region"),
            commute_km: g("commute_km"),
            pay_wanted: g("pay_wanted"),
            available_from: g("available_from"),
            gig_ok: raw.contains_key("gig_ok"),
            push_opt_in: raw.contains_key("push_opt_in"),
        }
    }
}

#[derive(Template)]
#[template(path = "seeker.html")]
struct SeekerPage {
    nav: Nav,
    person_id: i64,
    name: String,
    own: bool,
    has_profile: bool,
    push_on: bool,
    v: SeekerForm,
    educations: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    recs: Vec<RecShown>,
    inbox: Vec<InboxShown>,
    applied: Vec<ApplicantShown>,
    message: String,
    errors: Vec<String>,
}

async fn seeker_with(
    app: &AppState,
    caller: &Caller,
    person_id: i64,
    form: Option<Raw>,
    message: String,
    errors: Vec<String>,
) -> Result<Response, UiError> {
    let today = app.clock.today();
    app.jobs.catch_up(&app.store, today, false).await?;
    let mut tx = app.store.begin().await?;
    let person = leye_store::get_person(&mut tx, &caller.scope, person_id).await?;
    let profile = leye_store::seeker_of_person(&mut tx, &caller.scope, person_id).await?;
    let own = caller.user.person_id == Some(person_id);
    // Only the person themself reads (and so marks read) their inbox.
    let inbox = if own {
        leye_store::inbox(&mut tx, &caller.scope, person_id, app.clock.now()).await?
    } else {
        Vec::new()
    };
    let applied = leye_store::job_applications(&mut tx, &caller.scope, None)
        .await?
        .into_iter()
        .filter(|a| a.person_id == person_id)
        .collect::<Vec<_>>();
    tx.commit().await?;
    let names = app.jobs.names(&app.store).await?;
    let recs = if profile.is_some() {
        leye_jobs::postings_for_person(
            &app.store,
            &app.jobs.index,
            &caller.scope,
            person_id,
            today,
            10,
        )
        .await?
    } else {
        Vec::new()
    };
    let v = match (form, &profile) {
        (Some(raw), _) => SeekerForm::of(&raw),
        (None, Some(s)) => SeekerForm::of_record(s),
        (None, None) => SeekerForm {
            region: person.residence_region.clone(),
            commute_km: "10".into(),
            push_opt_in: true,
            ..Default::default()
        },
    };
    let t = today.to_string();
    let mut res = render(SeekerPage {
        nav: Nav::of(caller),
        person_id,
        name: person.name.clone(),
        own,
        has_profile: profile.is_some(),
        push_on: profile.as_ref().is_some_and(|p| p.push_opt_in),
        v,
        educations: choices(Education::ALL, |x| (x.code(), x.label_zh())),
        levels: choices(SkillLevel::ALL, |x| (x.code(), x.label_zh())),
        recs: recs
            .iter()
            .map(|(p, m)| RecShown {
                p: shown(p, &names, &t, Some(m.distance_km)),
                score: m.score,
                why: m.explanation.clone(),
            })
            .collect(),
        inbox: inbox
            .into_iter()
            .map(|n| InboxShown {
                posting_id: n.posting_id,
                title: n.title,
                enterprise: n.enterprise_name,
                why: n.reason,
                at: n.created_at.chars().take(10).collect(),
                new: !n.read,
            })
            .collect(),
        applied: applied
            .into_iter()
            .map(|a| ApplicantShown {
                id: a.posting_id,
                name: format!("{}({})", a.title, a.enterprise_name),
                state: state_label(&a.state),
                code: a.state,
                at: a.created_at.chars().take(10).collect(),
            })
            .collect(),
        message,
        errors: errors.clone(),
    })?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn my_jobs(caller: Caller) -> Result<Response, UiError> {
    match caller.user.person_id {
        Some(id) => Ok(Redirect::to(&format!("/persons/{id}/jobs")).into_response()),
        None => Ok(Redirect::to("/jobs").into_response()),
    }
}

async fn seeker_page(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let msg = q.get("msg").cloned().unwrap_or_default();
    seeker_with(&app, &caller, id, None, msg, Vec::new()).await
}

async fn save_profile(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let input = SeekerInput {
        occupations: get("occupations"),
        skills: get("skills"),
        skill_level: get("skill_level"),
        education: get("education"),
        region: get("region"),
        commute_km: get("commute_km"),
        pay_wanted: get("pay_wanted"),
        available_from: get("available_from"),
        gig_ok: raw.contains_key("gig_ok"),
        push_opt_in: raw.contains_key("push_opt_in"),
    };
    match leye_jobs::save_profile(
        &app.store,
        &caller.scope,
        id,
        &input,
        &caller.actor,
        app.clock.now(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/persons/{id}/jobs?msg={}",
            url_escape("求职意向已保存")
        ))
        .into_response()),
        Err(leye_jobs::JobsError::Fields(f)) => {
            seeker_with(
                &app,
                &caller,
                id,
                Some(raw),
                String::new(),
                f.into_iter().map(|e| e.message).collect(),
            )
            .await
        }
        Err(e) => {
            let e = ApiError::from(e);
            if e.status == StatusCode::UNPROCESSABLE_ENTITY {
                seeker_with(
                    &app,
                    &caller,
                    id,
                    Some(raw),
                    String::new(),
                    vec![e.body.message],
                )
                .await
            } else {
                Err(e.into())
            }
        }
    }
}

async fn set_push(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let on = raw.get("on").is_some_and(|v| v == "1");
    let mut tx = app.store.begin().await?;
    leye_store::set_push(
        &mut tx,
        &caller.scope,
        id,
        on,
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    let msg = if on {
        "已开启岗位推送"
    } else {
        "已退订岗位推送"
    };
    Ok(Redirect::to(&format!("/persons/{id}/jobs?msg={}", url_escape(msg))).into_response())
}
