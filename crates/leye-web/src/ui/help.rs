//! 困难群体帮扶 pages: coverage by county and township, the zero-employment households with
//! their clocks, hard-to-employ proposals to confirm, cases without a recent contact; one case
//! with its helper, services and contacts; and the labour-event form on a person's page.

use super::policy::url_escape;
use super::{Nav, UiError, render};
use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiQuery, IdPath};
use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leye_domain::access::{Permission, Role};
use leye_domain::{FieldError, Regions};
use leye_help::{Channel, Service};
use std::collections::HashMap;

type Raw = HashMap<String, String>;

pub fn router() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/help", get(page))
        .route("/help/hte/{id}/confirm", post(confirm))
        .route("/help/hte/{id}/dismiss", post(dismiss))
        .route("/help/cases/{id}", get(case).post(update_case))
        .route("/help/cases/{id}/contacts", post(add_contact))
        .route("/help/cases/{id}/close", post(close_case))
        .route("/persons/{id}/labour-events", post(labour_event))
        .route("/help/groups", get(groups))
        .route("/help/stations", get(stations).post(create_station))
        .route("/help/stations/{id}/services", post(log_service))
}

/// A coverage line.
pub struct CovRow {
    pub region: String,
    pub need: i64,
    pub with_case: i64,
    pub with_helper: i64,
    pub covered: i64,
    pub rate: String,
}

fn cov_rows(rows: &[leye_store::CoverageRow]) -> Vec<CovRow> {
    let regions = Regions::huzhou();
    rows.iter()
        .map(|r| CovRow {
            region: if r.region.is_empty() {
                "合计".into()
            } else {
                regions.full_name(&r.region)
            },
            need: r.need,
            with_case: r.with_case,
            with_helper: r.with_helper,
            covered: r.covered,
            rate: if r.need == 0 {
                "—".into()
            } else {
                format!("{:.1}%", r.covered as f64 * 100.0 / r.need as f64)
            },
        })
        .collect()
}

/// A zero-employment household on the list.
pub struct ZeroRow {
    pub household_id: i64,
    pub head: String,
    pub region: String,
    pub identified_on: String,
    pub days: i64,
    pub deadline: String,
    pub overdue: bool,
    pub case_id: Option<i64>,
}

/// A proposal or status.
pub struct HteRow {
    pub person_id: i64,
    pub name: String,
    pub region: String,
    pub categories: String,
    pub since: String,
}

/// A case needing a contact.
pub struct CaseRow {
    pub id: i64,
    pub kind: &'static str,
    pub name: String,
    pub region: String,
    pub helper: String,
    pub last_contact: String,
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    nav: Nav,
    total: Vec<CovRow>,
    counties: Vec<CovRow>,
    townships: Vec<CovRow>,
    interval: i64,
    zero: Vec<ZeroRow>,
    proposals: Vec<HteRow>,
    confirmed: usize,
    due: Vec<CaseRow>,
    may_confirm: bool,
    message: String,
    error: String,
}

fn kind_label(k: &str) -> &'static str {
    if k == "household" {
        "零就业家庭"
    } else {
        "就业困难人员"
    }
}

async fn page_with(
    app: &AppState,
    caller: &Caller,
    message: String,
    error: String,
) -> Result<Response, UiError> {
    let today = app.clock.today();
    let cov = leye_help::coverage(&app.store, &caller.scope, today)
        .await
        .map_err(ApiError::from)?;
    let mut tx = app.store.begin_read().await?;
    let zero = leye_store::list_zero(&mut tx, &caller.scope, true).await?;
    let proposals = leye_store::list_hte(&mut tx, &caller.scope, Some("proposed")).await?;
    let confirmed = leye_store::list_hte(&mut tx, &caller.scope, Some("confirmed"))
        .await?
        .len();
    let cases = leye_store::list_cases(&mut tx, &caller.scope, true).await?;
    tx.commit().await?;
    let regions = Regions::huzhou();
    let case_of = |key_household: i64| {
        cases
            .iter()
            .find(|c| c.kind == "household" && c.household_id == Some(key_household))
            .map(|c| c.id)
    };
    render(HelpPage {
        nav: Nav::of(caller),
        total: cov_rows(std::slice::from_ref(&cov.total)),
        counties: cov_rows(&cov.by_county),
        townships: cov_rows(&cov.by_township),
        interval: cov.interval_days,
        zero: zero
            .iter()
            .map(|z| {
                let identified = z.identified_on.parse().unwrap_or(today);
                ZeroRow {
                    household_id: z.household_id,
                    head: z.head_name.clone().unwrap_or_default(),
                    region: regions.full_name(&z.region),
                    identified_on: z.identified_on.clone(),
                    days: (today - identified).num_days(),
                    deadline: z.deadline.clone(),
                    overdue: z.deadline.as_str() < today.to_string().as_str(),
                    case_id: case_of(z.household_id),
                }
            })
            .collect(),
        proposals: proposals
            .iter()
            .map(|h| HteRow {
                person_id: h.person_id,
                name: h.person_name.clone(),
                region: regions.full_name(&h.region),
                categories: h.categories.replace(';', "、"),
                since: h.proposed_on.clone(),
            })
            .collect(),
        confirmed,
        due: cases
            .iter()
            .filter(|c| {
                c.helper_id.is_none()
                    || c.last_contact
                        .as_deref()
                        .is_none_or(|d| d < cov.since.as_str())
            })
            .map(|c| CaseRow {
                id: c.id,
                kind: kind_label(&c.kind),
                name: c.name.clone().unwrap_or_default(),
                region: regions.full_name(&c.region),
                helper: c.helper_name.clone().unwrap_or_default(),
                last_contact: c.last_contact.clone().unwrap_or_default(),
            })
            .collect(),
        may_confirm: caller.may(Permission::HelpConfirm),
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
    page_with(&app, &caller, msg, String::new()).await
}

/// A refusal shown on the page it came from.
async fn refused_on_help(
    app: &AppState,
    caller: &Caller,
    e: ApiError,
) -> Result<Response, UiError> {
    if e.status != StatusCode::UNPROCESSABLE_ENTITY {
        return Err(e.into());
    }
    let mut res = page_with(app, caller, String::new(), e.body.message.clone()).await?;
    *res.status_mut() = e.status;
    Ok(res)
}

async fn confirm(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    match leye_help::confirm(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        id,
    )
    .await
    .map_err(ApiError::from)
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/help?msg={}",
            url_escape("已确认为就业困难人员,并开立帮扶档案")
        ))
        .into_response()),
        Err(e) => refused_on_help(&app, &caller, e).await,
    }
}

async fn dismiss(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let reason = raw.get("reason").cloned().unwrap_or_default();
    match leye_help::dismiss(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        id,
        &reason,
    )
    .await
    .map_err(ApiError::from)
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/help?msg={}", url_escape("已不予认定"))).into_response())
        }
        Err(e) => refused_on_help(&app, &caller, e).await,
    }
}

/// One contact line.
pub struct ContactRow {
    pub on_date: String,
    pub channel: &'static str,
    pub note: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "help_case.html")]
struct CasePage {
    nav: Nav,
    c: leye_store::CaseRecord,
    kind: &'static str,
    region: String,
    services: Vec<(&'static str, &'static str, bool)>,
    helpers: Vec<(i64, String, bool)>,
    channels: Vec<(&'static str, &'static str)>,
    contacts: Vec<ContactRow>,
    today: String,
    may_work: bool,
    message: String,
    error: String,
}

/// Accounts in the caller's area who may be helpers (community, township and county staff).
async fn helpers(tx: &mut leye_store::Tx, caller: &Caller) -> Result<Vec<(i64, String)>, UiError> {
    let regions = Regions::huzhou();
    Ok(leye_store::list_users(tx)
        .await?
        .into_iter()
        .filter(|u| !u.disabled)
        .filter(|u| {
            matches!(
                Role::from_code(&u.role),
                Some(Role::VillageWorker | Role::TownshipOfficer | Role::CountyOfficer)
            ) && u
                .region_code
                .as_deref()
                .is_some_and(|r| caller.scope.covers_region(regions, r))
        })
        .map(|u| (u.id, u.display_name))
        .collect())
}

async fn case_page(
    app: &AppState,
    caller: &Caller,
    id: i64,
    message: String,
    error: String,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin_read().await?;
    let c = leye_store::get_case(&mut tx, &caller.scope, id).await?;
    let contacts = leye_store::contacts_of(&mut tx, id).await?;
    let staff = helpers(&mut tx, caller).await?;
    tx.commit().await?;
    let chosen: Vec<&str> = c.services.split(';').collect();
    render(CasePage {
        nav: Nav::of(caller),
        kind: kind_label(&c.kind),
        region: Regions::huzhou().full_name(&c.region),
        services: Service::ALL
            .iter()
            .map(|s| (s.code(), s.label_zh(), chosen.contains(&s.code())))
            .collect(),
        helpers: staff
            .into_iter()
            .map(|(uid, name)| (uid, name, c.helper_id == Some(uid)))
            .collect(),
        channels: Channel::ALL
            .iter()
            .map(|x| (x.code(), x.label_zh()))
            .collect(),
        contacts: contacts
            .iter()
            .map(|k| ContactRow {
                on_date: k.on_date.clone(),
                channel: Channel::from_code(&k.channel).map_or("", |x| x.label_zh()),
                note: k.note.clone(),
                by: k.by_name.clone(),
            })
            .collect(),
        today: app.clock.today().to_string(),
        may_work: caller.may(Permission::HelpWork) && c.closed_on.is_none(),
        c,
        message,
        error,
    })
}

async fn case(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let msg = q.get("msg").cloned().unwrap_or_default();
    case_page(&app, &caller, id, msg, String::new()).await
}

/// After a case step: back to the case with a message, or the case with the refusal.
async fn after_step(
    app: &AppState,
    caller: &Caller,
    id: i64,
    r: Result<(), ApiError>,
    done: &str,
) -> Result<Response, UiError> {
    match r {
        Ok(()) => {
            Ok(Redirect::to(&format!("/help/cases/{id}?msg={}", url_escape(done))).into_response())
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let mut res = case_page(app, caller, id, String::new(), e.body.message.clone()).await?;
            *res.status_mut() = e.status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

async fn update_case(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    axum_extra_form: axum::body::Bytes,
) -> Result<Response, UiError> {
    // Several `services` fields: read the form as pairs.
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&axum_extra_form).unwrap_or_default();
    let r = async {
        let services: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| k == "services")
            .map(|(_, v)| v.clone())
            .collect();
        let services = leye_help::parse_services(&services)?;
        let helper = match pairs
            .iter()
            .find(|(k, _)| k == "helper_id")
            .map(|(_, v)| v.trim())
        {
            None | Some("") => None,
            Some(v) => Some(
                v.parse::<i64>()
                    .map_err(|_| FieldError::new("helper_id", "invalid_id", "请选择帮扶责任人"))?,
            ),
        };
        let mut tx = app.store.begin().await?;
        if let Some(h) = helper {
            let ok = helpers(&mut tx, &caller)
                .await
                .map_err(|e| e.0)?
                .iter()
                .any(|(uid, _)| *uid == h);
            if !ok {
                return Err(FieldError::new(
                    "helper_id",
                    "invalid_helper",
                    "帮扶责任人须为本辖区的社区、乡镇或区县工作人员",
                )
                .into());
            }
        }
        leye_store::update_case(
            &mut tx,
            &caller.scope,
            id,
            helper,
            &services,
            &caller.actor,
            app.clock.now(),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, ApiError>(())
    }
    .await;
    after_step(&app, &caller, id, r, "已保存帮扶责任人和帮扶计划").await
}

async fn add_contact(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let r = leye_help::contact(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        id,
        &get("on_date"),
        &get("channel"),
        &get("note"),
    )
    .await
    .map_err(ApiError::from);
    after_step(&app, &caller, id, r, "已记录联系情况").await
}

async fn close_case(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let r = async {
        let outcome = leye_domain::field::text(
            "outcome",
            "帮扶结果",
            raw.get("outcome").map(String::as_str).unwrap_or(""),
            200,
        )?;
        let mut tx = app.store.begin().await?;
        leye_store::close_case(
            &mut tx,
            &caller.scope,
            id,
            &app.clock.today().to_string(),
            &outcome,
            &caller.actor,
            app.clock.now(),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, ApiError>(())
    }
    .await;
    after_step(&app, &caller, id, r, "已结案").await
}

/// 登记就业状态变化 from a person's page: appended to the history, and the person's household
/// re-decided in the same transaction.
async fn labour_event(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let r = async {
        let mut tx = app.store.begin().await?;
        let person = leye_store::get_person(&mut tx, &caller.scope, id).await?;
        let birth = person.birth_date.parse().unwrap_or(chrono::NaiveDate::MIN);
        let input = leye_domain::labour::LabourEventInput {
            status: get("status"),
            effective: get("effective"),
            enterprise_id: match get("enterprise_id").trim() {
                "" => None,
                v => Some(v.parse::<i64>().map_err(|_| {
                    FieldError::new("enterprise_id", "invalid_id", "单位编号应为数字")
                })?),
            },
            ..Default::default()
        };
        let event = input.parse(birth, app.clock.today())?;
        leye_store::append_labour_event(
            &mut tx,
            &caller.scope,
            &caller.actor,
            id,
            &event,
            app.clock.today(),
            app.clock.now(),
        )
        .await?;
        app.after_person_change(&mut tx, &caller.actor, id).await?;
        tx.commit().await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/persons/{id}")).into_response()),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => Err(UiError(e)),
        Err(e) => Err(e.into()),
    }
}

/// One group on the groups page.
pub struct GroupRow {
    pub code: &'static str,
    pub label: &'static str,
    pub total: i64,
    pub unemployed: i64,
    pub employed: i64,
    pub measures: Vec<(&'static str, &'static str)>,
}

/// One person of the chosen group.
pub struct GroupPerson {
    pub id: i64,
    pub name: String,
    pub region: String,
    pub birth: String,
    pub status: &'static str,
    pub hte: &'static str,
}

/// A 扩中 household.
pub struct ExpandRow {
    pub household_id: i64,
    pub head: String,
    pub region: String,
    pub band: &'static str,
    pub members: i64,
    pub employed: i64,
}

/// An open posting of a programme meant for the chosen group.
pub struct ProgramJob {
    pub id: i64,
    pub title: String,
    pub employer: String,
    pub program: &'static str,
    pub headcount: i64,
}

#[derive(Template)]
#[template(path = "help_groups.html")]
struct GroupsPage {
    nav: Nav,
    groups: Vec<GroupRow>,
    chosen: &'static str,
    members: Vec<GroupPerson>,
    jobs: Vec<ProgramJob>,
    expand_total: i64,
    expand_working: i64,
    expand: Vec<ExpandRow>,
}

pub(super) async fn groups(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let today = app.clock.today();
    let counts = leye_help::groups(&app.store, &caller.scope, today)
        .await
        .map_err(ApiError::from)?;
    let chosen = match q.get("group").map(String::as_str) {
        None | Some("") => None,
        Some(g) => Some(leye_help::Group::parse_field("group", "群体", g)?),
    };
    let mut members = Vec::new();
    let mut jobs = Vec::new();
    if let Some(g) = chosen {
        let cond = g.condition(today).map_err(ApiError::from)?;
        let mut tx = app.store.begin_read().await?;
        members = leye_store::group_members(&mut tx, &caller.scope, &cond, 200).await?;
        let codes: Vec<&str> = g.programs().iter().map(|p| p.code()).collect();
        jobs =
            leye_store::program_postings(&mut tx, &caller.scope, &codes, &today.to_string(), 100)
                .await?
                .into_iter()
                .map(|(id, title, employer, program, headcount)| ProgramJob {
                    id,
                    title,
                    employer,
                    program: leye_domain::jobs::Program::from_code(&program)
                        .map_or("", |p| p.label_zh()),
                    headcount,
                })
                .collect();
        tx.commit().await?;
    }
    let (expand_total, expand_working, expand) =
        leye_help::expand_middle(&app.store, &caller.scope, today)
            .await
            .map_err(ApiError::from)?;
    let regions = Regions::huzhou();
    render(GroupsPage {
        nav: Nav::of(&caller),
        expand_total,
        expand_working,
        expand: expand
            .iter()
            .map(|h| ExpandRow {
                household_id: h.household_id,
                head: h.head_name.clone().unwrap_or_default(),
                region: regions.full_name(&h.region),
                band: leye_domain::household::IncomeBand::from_code(&h.income_band)
                    .map_or("", |b| b.label_zh()),
                members: h.members,
                employed: h.employed,
            })
            .collect(),
        groups: counts
            .iter()
            .map(|(g, c)| GroupRow {
                code: g.code(),
                label: g.label_zh(),
                total: c.total,
                unemployed: c.unemployed,
                employed: c.employed,
                measures: g
                    .measures()
                    .iter()
                    .filter_map(|m| leye_policy::measures::find(m).map(|x| (x.id, x.name)))
                    .collect(),
            })
            .collect(),
        chosen: chosen.map_or("", |g| g.label_zh()),
        jobs,
        members: members
            .iter()
            .map(|m| GroupPerson {
                id: m.person_id,
                name: m.name.clone(),
                region: regions.full_name(&m.region),
                birth: m.birth_date.clone(),
                status: m
                    .labour_status
                    .as_deref()
                    .and_then(leye_domain::labour::LabourStatus::from_code)
                    .map_or("未登记", |s| s.label_zh()),
                hte: m.hte_state.as_deref().map_or("", leye_help::state_label),
            })
            .collect(),
    })
}

/// One station.
pub struct StationRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub region: String,
    pub address: String,
    pub hours: String,
    pub recent: i64,
}

#[derive(Template)]
#[template(path = "help_stations.html")]
struct StationsPage {
    nav: Nav,
    stations: Vec<StationRow>,
    villages: usize,
    with_own: usize,
    with_nearby: usize,
    kinds: Vec<(&'static str, &'static str)>,
    services: Vec<(&'static str, &'static str)>,
    today: String,
    may_create: bool,
    may_log: bool,
    message: String,
    error: String,
}

async fn stations_page(
    app: &AppState,
    caller: &Caller,
    message: String,
    error: String,
) -> Result<Response, UiError> {
    let st = leye_help::stations(&app.store, &caller.scope, app.clock.today())
        .await
        .map_err(ApiError::from)?;
    let regions = Regions::huzhou();
    render(StationsPage {
        nav: Nav::of(caller),
        stations: st
            .stations
            .iter()
            .map(|s| StationRow {
                id: s.id,
                name: s.name.clone(),
                kind: leye_help::StationKind::from_code(&s.kind).map_or("", |k| k.label_zh()),
                region: regions.full_name(&s.region),
                address: s.address.clone(),
                hours: s.hours.clone(),
                recent: s.recent_services,
            })
            .collect(),
        villages: st.villages,
        with_own: st.with_own,
        with_nearby: st.with_nearby,
        kinds: leye_help::StationKind::ALL
            .iter()
            .map(|k| (k.code(), k.label_zh()))
            .collect(),
        services: leye_help::StationService::ALL
            .iter()
            .map(|k| (k.code(), k.label_zh()))
            .collect(),
        today: app.clock.today().to_string(),
        may_create: caller.may(Permission::HelpConfirm),
        may_log: caller.may(Permission::HelpWork),
        message,
        error,
    })
}

pub(super) async fn stations(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let msg = q.get("msg").cloned().unwrap_or_default();
    stations_page(&app, &caller, msg, String::new()).await
}

async fn station_step(
    app: &AppState,
    caller: &Caller,
    r: Result<(), ApiError>,
    done: &str,
) -> Result<Response, UiError> {
    match r {
        Ok(()) => {
            Ok(Redirect::to(&format!("/help/stations?msg={}", url_escape(done))).into_response())
        }
        Err(e)
            if e.status == StatusCode::UNPROCESSABLE_ENTITY
                || e.status == StatusCode::FORBIDDEN =>
        {
            let status = e.status;
            let mut res = stations_page(app, caller, String::new(), e.body.message.clone()).await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn create_station(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let req = leye_help::StationRequest {
        name: get("name"),
        kind: get("kind"),
        region: get("region"),
        address: get("address"),
        hours: get("hours"),
    };
    let r = leye_help::create_station(
        &app.store,
        &caller.scope,
        &caller.actor,
        app.clock.now(),
        &req,
    )
    .await
    .map(|_| ())
    .map_err(ApiError::from);
    station_step(&app, &caller, r, "已登记驿站").await
}

pub(super) async fn log_service(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let r = async {
        let person = match get("person_id").trim() {
            "" => None,
            v => Some(
                v.parse::<i64>()
                    .map_err(|_| FieldError::new("person_id", "invalid_id", "人员编号应为数字"))?,
            ),
        };
        leye_help::log_service(
            &app.store,
            &caller.scope,
            &caller.actor,
            app.clock.now(),
            id,
            &get("on_date"),
            person,
            &get("service"),
            &get("outcome"),
        )
        .await
        .map_err(ApiError::from)
    }
    .await;
    station_step(&app, &caller, r, "已记录服务").await
}
