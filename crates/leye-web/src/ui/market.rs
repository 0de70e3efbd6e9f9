//! 零工市场, 招聘活动 and 紧缺工种目录 pages: the gig market (anyone looks, job seekers sign
//! up), a slot's sign-ups for its employer, a worker's own gigs, recruitment events (list,
//! record, join, register, check in, apply at the event) and the quarterly shortage list.
//! Every action answers with a redirect carrying a message or the refusal in Chinese.

use super::policy::url_escape;
use super::{Nav, UiError, nav_for, render};
use crate::AppState;
use crate::access::{Caller, MaybeCaller};
use crate::api::jobs::person_for;
use crate::api::market::{
    GigActionInput, JoinInput, RatingInput, act_as, add_slot, cancel_event_as, check_in_as,
    create_event_as, events_target, join_as, local_now, quarter_of, rate_as, register_as,
    sign_up_as, year_of,
};
use crate::error::{ApiError, ApiQuery, IdPath};
use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leye_domain::access::Permission;
use leye_domain::gig::{GigSide, GigState, SlotInput};
use leye_domain::jobs::PayUnit;
use leye_domain::recruitment::{EventInput, EventMode};
use leye_domain::shortage::Quarter;
use leye_domain::{Money, Regions};
use std::collections::HashMap;

type Raw = HashMap<String, String>;

pub fn router() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/gig", get(market))
        .route("/gig/slots/{id}", get(slot_page))
        .route("/gig/slots/{id}/signup", post(sign_up))
        .route("/gig/signups/{id}/worker", post(worker_act))
        .route("/gig/signups/{id}/employer", post(employer_act))
        .route("/gig/signups/{id}/worker/rating", post(worker_rate))
        .route("/gig/signups/{id}/employer/rating", post(employer_rate))
        .route("/persons/{id}/gigs", get(my_gigs))
        .route("/postings/{id}/slots", post(add_slot_form))
        .route("/events", get(events).post(create_event))
        .route("/events/{id}", get(event_page))
        .route("/events/{id}/cancel", post(cancel_event))
        .route("/events/{id}/join", post(join))
        .route("/events/{id}/register", post(register))
        .route("/events/{id}/check-in", post(check_in))
        .route("/jobs/shortage", get(shortage))
        .route("/jobs/shortage/publish", post(publish_shortage))
}

fn get(raw: &Raw, k: &str) -> String {
    raw.get(k).cloned().unwrap_or_default()
}

/// Redirect to `to` with the outcome: `msg` when done, `err` when the input was refused;
/// anything else (not found, out of scope, failures) is an error page with its status.
pub(crate) fn back(to: &str, r: Result<String, ApiError>) -> Result<Response, UiError> {
    let sep = if to.contains('?') { '&' } else { '?' };
    match r {
        Ok(msg) => Ok(Redirect::to(&format!("{to}{sep}msg={}", url_escape(&msg))).into_response()),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT | StatusCode::BAD_REQUEST
            ) =>
        {
            Ok(
                Redirect::to(&format!("{to}{sep}err={}", url_escape(&e.body.message)))
                    .into_response(),
            )
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn notes(q: &Raw) -> (String, String) {
    (get(q, "msg"), get(q, "err"))
}

fn yuan(fen: i64) -> String {
    Money::from_fen(fen).to_string()
}

fn stars(x10: i64, count: i64) -> String {
    if count == 0 {
        String::new()
    } else {
        format!("{}.{}★({count})", x10 / 10, x10 % 10)
    }
}

// ---------------------------------------------------------------- gig market

/// A slot as the market shows it.
pub struct SlotShown {
    pub id: i64,
    pub posting_id: i64,
    pub title: String,
    pub enterprise: String,
    pub rating: String,
    pub place: String,
    pub day: String,
    pub hours: String,
    pub pay: String,
    pub rate: String,
    pub unit: &'static str,
    pub places: i64,
    pub left: i64,
    pub note: String,
}

pub(crate) fn slot_shown(
    s: &leye_store::SlotRecord,
    rate_fen: Option<i64>,
    rating: String,
) -> SlotShown {
    SlotShown {
        id: s.id,
        posting_id: s.posting_id,
        title: s.title.clone(),
        enterprise: s.enterprise_name.clone(),
        rating,
        place: Regions::huzhou().full_name(&s.region),
        day: s.starts_at.chars().take(10).collect(),
        hours: format!(
            "{}-{}",
            s.starts_at.get(11..).unwrap_or(""),
            s.ends_at.get(11..).unwrap_or("")
        ),
        pay: yuan(s.pay_fen),
        rate: rate_fen.map(yuan).unwrap_or_default(),
        unit: PayUnit::yuan_per_code(&s.pay_unit),
        places: s.places,
        left: s.places - s.taken,
        note: s.note.clone(),
    }
}

#[derive(Template)]
#[template(path = "gig.html")]
struct MarketPage {
    nav: Nav,
    region: String,
    region_choices: Vec<(String, String)>,
    slots: Vec<SlotShown>,
    may_sign: bool,
    person_id: i64,
    message: String,
    error: String,
}

async fn market(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let (message, mut error) = notes(&q);
    let region = match crate::error::region_filter("region", &q.get("region").cloned()) {
        Ok(r) => r,
        Err(e) => {
            error = e.body.message;
            None
        }
    };
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::open_slots(&mut tx, local_now(&app), region.as_deref(), 200).await?;
    let mut ratings: HashMap<i64, String> = HashMap::new();
    for s in &rows {
        if let std::collections::hash_map::Entry::Vacant(slot) = ratings.entry(s.enterprise_id) {
            let r = leye_store::enterprise_rating(&mut tx, s.enterprise_id).await?;
            slot.insert(stars(r.stars_x10, r.count));
        }
    }
    tx.commit().await?;
    let person_id = caller.as_ref().and_then(|c| c.user.person_id).unwrap_or(0);
    render(MarketPage {
        nav: nav_for(&caller, &headers),
        region: region.unwrap_or_default(),
        region_choices: super::county_choices(),
        slots: rows
            .iter()
            .map(|s| {
                slot_shown(
                    s,
                    None,
                    ratings.get(&s.enterprise_id).cloned().unwrap_or_default(),
                )
            })
            .collect(),
        may_sign: caller
            .as_ref()
            .is_some_and(|c| c.may(Permission::SeekerProfile) && c.user.person_id.is_some()),
        person_id,
        message,
        error,
    })
}

async fn sign_up(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let r = match person_for(&caller, None) {
        Ok(person) => sign_up_as(&app, &caller, person, id)
            .await
            .map(|_| "报名成功,请按时到岗签到".to_string()),
        Err(e) => Err(e),
    };
    match (&r, caller.user.person_id) {
        (Ok(_), Some(p)) => back(&format!("/persons/{p}/gigs"), r),
        _ => back("/gig", r),
    }
}

/// A sign-up with the actions the viewing side may take.
pub struct SignupShown {
    pub id: i64,
    pub title: String,
    pub enterprise: String,
    pub name: String,
    pub day: String,
    pub hours: String,
    pub state: &'static str,
    pub code: &'static str,
    pub slot_pay: String,
    pub pay: String,
    pub checked_in: String,
    pub given: Option<i64>,
    pub received: Option<i64>,
    pub rateable: bool,
}

fn signup_shown(s: &leye_store::SignupRecord, side: GigSide) -> SignupShown {
    let state = GigState::from_code(&s.state);
    let (given, received) = match side {
        GigSide::Worker => (s.worker_stars, s.employer_stars),
        GigSide::Employer => (s.employer_stars, s.worker_stars),
    };
    SignupShown {
        id: s.id,
        title: s.title.clone(),
        enterprise: s.enterprise_name.clone(),
        name: s.name.clone(),
        day: s.starts_at.chars().take(10).collect(),
        hours: format!(
            "{}-{}",
            s.starts_at.get(11..).unwrap_or(""),
            s.ends_at.get(11..).unwrap_or("")
        ),
        state: state.map_or("未知", GigState::label_zh),
        code: state.map_or("", GigState::code),
        slot_pay: yuan(s.slot_pay_fen),
        pay: s.pay_fen.map(yuan).unwrap_or_default(),
        checked_in: s.checked_in_at.clone().unwrap_or_default(),
        given,
        received,
        rateable: state.is_some_and(GigState::rateable),
    }
}

#[derive(Template)]
#[template(path = "gig_slot.html")]
struct SlotPage {
    nav: Nav,
    s: SlotShown,
    signups: Vec<SignupShown>,
    may_rate: bool,
    message: String,
    error: String,
}

async fn slot_page(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let (message, error) = notes(&q);
    let mut tx = app.store.begin_read().await?;
    let slot = leye_store::get_slot(&mut tx, id)
        .await?
        .ok_or(ApiError::not_found("班次"))?;
    let rows = leye_store::signups_of_slot(&mut tx, &caller.scope, id).await?;
    let posting = leye_store::get_posting(&mut tx, slot.posting_id).await?;
    tx.commit().await?;
    render(SlotPage {
        nav: Nav::of(&caller),
        s: slot_shown(&slot, posting.map(|p| p.pay_min_fen), String::new()),
        signups: rows
            .iter()
            .map(|s| signup_shown(s, GigSide::Employer))
            .collect(),
        may_rate: caller.user.enterprise_id.is_some(),
        message,
        error,
    })
}

#[derive(Template)]
#[template(path = "gigs.html")]
struct GigsPage {
    nav: Nav,
    person_id: i64,
    name: String,
    own: bool,
    signups: Vec<SignupShown>,
    rating: String,
    message: String,
    error: String,
}

async fn my_gigs(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let (message, error) = notes(&q);
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::signups_of_person(&mut tx, &caller.scope, id).await?;
    let seeker = leye_store::seeker_of_person(&mut tx, &caller.scope, id).await?;
    let rating = match &seeker {
        Some(s) => {
            let r = leye_store::worker_rating(&mut tx, s.id).await?;
            stars(r.stars_x10, r.count)
        }
        None => String::new(),
    };
    tx.commit().await?;
    render(GigsPage {
        nav: Nav::of(&caller),
        person_id: id,
        name: seeker.map(|s| s.name).unwrap_or_default(),
        own: caller.user.person_id == Some(id),
        signups: rows
            .iter()
            .map(|s| signup_shown(s, GigSide::Worker))
            .collect(),
        rating,
        message,
        error,
    })
}

/// Where a sign-up's page is for a side.
async fn signup_home(app: &AppState, id: i64, side: GigSide) -> Result<String, UiError> {
    let mut tx = app.store.begin_read().await?;
    let s = leye_store::get_signup(&mut tx, id)
        .await?
        .ok_or(ApiError::not_found("报名记录"))?;
    tx.commit().await?;
    Ok(match side {
        GigSide::Worker => format!("/persons/{}/gigs", s.person_id),
        GigSide::Employer => format!("/gig/slots/{}", s.slot_id),
    })
}

async fn gig_act(
    app: &AppState,
    caller: &Caller,
    id: i64,
    side: GigSide,
    raw: &Raw,
) -> Result<Response, UiError> {
    let home = signup_home(app, id, side).await?;
    let input = GigActionInput {
        action: get(raw, "action"),
        pay: get(raw, "pay"),
        note: get(raw, "note"),
    };
    let r = act_as(app, caller, id, side, &input).await.map(|code| {
        format!(
            "已更新:{}",
            GigState::from_code(code).map_or(code, GigState::label_zh)
        )
    });
    back(&home, r)
}

async fn worker_act(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    gig_act(&app, &caller, id, GigSide::Worker, &raw).await
}

async fn employer_act(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    gig_act(&app, &caller, id, GigSide::Employer, &raw).await
}

async fn gig_rate(
    app: &AppState,
    caller: &Caller,
    id: i64,
    side: GigSide,
    raw: &Raw,
) -> Result<Response, UiError> {
    let home = signup_home(app, id, side).await?;
    let input = RatingInput {
        stars: get(raw, "stars"),
        comment: get(raw, "comment"),
    };
    let r = rate_as(app, caller, id, side, &input)
        .await
        .map(|()| "感谢评价".to_string());
    back(&home, r)
}

async fn worker_rate(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    gig_rate(&app, &caller, id, GigSide::Worker, &raw).await
}

async fn employer_rate(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    gig_rate(&app, &caller, id, GigSide::Employer, &raw).await
}

async fn add_slot_form(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let input = SlotInput {
        date: get(&raw, "date"),
        start: get(&raw, "start"),
        end: get(&raw, "end"),
        places: get(&raw, "places"),
        note: get(&raw, "note"),
    };
    let r = add_slot(&app, &caller, id, &input)
        .await
        .map(|_| "班次已发布,求职者可在零工市场报名".to_string());
    back(&format!("/postings/{id}"), r)
}

// ---------------------------------------------------------------- recruitment events

/// An event in a list or on its page.
pub struct EventShown {
    pub id: i64,
    pub title: String,
    pub mode: &'static str,
    pub place: String,
    pub venue: String,
    pub dates: String,
    pub organiser: String,
    pub description: String,
    pub status: &'static str,
    pub s: leye_store::EventStats,
}

fn event_shown(e: &leye_store::EventRecord, today: &str) -> EventShown {
    EventShown {
        id: e.id,
        title: e.title.clone(),
        mode: EventMode::from_code(&e.mode).map_or("", EventMode::label_zh),
        place: Regions::huzhou().full_name(&e.region),
        venue: e.venue.clone(),
        dates: if e.starts_on == e.ends_on {
            e.starts_on.clone()
        } else {
            format!("{} 至 {}", e.starts_on, e.ends_on)
        },
        organiser: e.organiser.clone(),
        description: e.description.clone(),
        status: if e.cancelled {
            "已取消"
        } else if e.runs_on(today) {
            "进行中"
        } else if e.is_over(today) {
            "已结束"
        } else {
            "报名中"
        },
        s: e.stats,
    }
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    nav: Nav,
    year: i32,
    items: Vec<EventShown>,
    held: i64,
    target: i64,
    target_source: String,
    by_county: Vec<(String, i64)>,
    may_create: bool,
    v: Raw,
    message: String,
    error: String,
}

async fn events(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let (message, mut error) = notes(&q);
    let today = app.clock.today();
    let year = match year_of(&q.get("year").cloned(), today) {
        Ok(y) => y,
        Err(e) => {
            error = e.body.message;
            chrono::Datelike::year(&today)
        }
    };
    let mut tx = app.store.begin_read().await?;
    let items = leye_store::list_events(&mut tx, Some(year), None).await?;
    let held = leye_store::events_held(&mut tx, year, &today.to_string()).await?;
    tx.commit().await?;
    let (target, target_source) = events_target(today)?;
    let t = today.to_string();
    let mut v = Raw::new();
    for k in [
        "title",
        "mode",
        "region",
        "venue",
        "starts_on",
        "ends_on",
        "organiser",
        "description",
    ] {
        v.insert(k.into(), get(&q, k));
    }
    render(EventsPage {
        nav: nav_for(&caller, &headers),
        year,
        items: items.iter().map(|e| event_shown(e, &t)).collect(),
        held: held.iter().map(|(_, n)| n).sum(),
        target,
        target_source,
        by_county: held
            .iter()
            .map(|(c, n)| (Regions::huzhou().full_name(c), *n))
            .collect(),
        may_create: caller
            .as_ref()
            .is_some_and(|c| c.may(Permission::EventManage)),
        v,
        message,
        error,
    })
}

async fn create_event(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let input = EventInput {
        title: get(&raw, "title"),
        mode: get(&raw, "mode"),
        region: get(&raw, "region"),
        venue: get(&raw, "venue"),
        starts_on: get(&raw, "starts_on"),
        ends_on: get(&raw, "ends_on"),
        organiser: get(&raw, "organiser"),
        description: get(&raw, "description"),
    };
    match create_event_as(&app, &caller, &input).await {
        Ok(id) => back(&format!("/events/{id}"), Ok("招聘活动已登记".into())),
        Err(e) => {
            // Keep what was typed: the form comes back filled in.
            let mut q: Vec<(String, String)> = raw
                .iter()
                .filter(|(k, _)| k.as_str() != "csrf")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            q.sort();
            let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
            back(&format!("/events?{qs}"), Err(e))
        }
    }
}

/// A posting in an event, with whether the viewer already applied.
pub struct EventPostingShown {
    pub id: i64,
    pub title: String,
    pub enterprise: String,
    pub pay: String,
    pub unit: &'static str,
    pub headcount: i64,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    nav: Nav,
    e: EventShown,
    enterprises: Vec<(i64, String, i64)>,
    postings: Vec<EventPostingShown>,
    /// The employer's own live postings not yet in the event.
    own_postings: Vec<(i64, String)>,
    may_join: bool,
    may_register: bool,
    registered: bool,
    may_apply: bool,
    may_manage: bool,
    open: bool,
    running: bool,
    message: String,
    error: String,
}

async fn event_page(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let (message, error) = notes(&q);
    let today = app.clock.today().to_string();
    let mut tx = app.store.begin_read().await?;
    let e = leye_store::get_event(&mut tx, id)
        .await?
        .ok_or(ApiError::not_found("招聘活动"))?;
    let enterprises = leye_store::event_enterprises(&mut tx, id).await?;
    let ids = leye_store::event_posting_ids(&mut tx, id).await?;
    let postings = leye_store::get_postings(&mut tx, &ids).await?;
    let person = caller.as_ref().and_then(|c| c.user.person_id);
    let registered = match person {
        Some(p) => leye_store::is_registered(&mut tx, id, p).await?,
        None => false,
    };
    let own_postings = match caller
        .as_ref()
        .and_then(|c| c.user.enterprise_id.map(|e| (c, e)))
    {
        Some((c, _)) => leye_store::postings_in_scope(
            &mut tx,
            &c.scope,
            true,
            leye_store::Paging {
                page: 1,
                per_page: 100,
                over_cap: false,
            },
        )
        .await?
        .items
        .into_iter()
        .filter(|p| p.is_live(&today) && !ids.contains(&p.id))
        .map(|p| (p.id, p.title))
        .collect(),
        None => Vec::new(),
    };
    tx.commit().await?;
    let may = |p: Permission| caller.as_ref().is_some_and(|c| c.may(p));
    let open = !e.is_over(&today);
    let running = e.runs_on(&today);
    let may_manage = may(Permission::EventManage)
        && caller
            .as_ref()
            .is_some_and(|c| c.scope.covers_region(Regions::huzhou(), &e.region));
    render(EventPage {
        nav: nav_for(&caller, &headers),
        e: event_shown(&e, &today),
        enterprises,
        postings: postings
            .iter()
            .map(|p| EventPostingShown {
                id: p.id,
                title: p.title.clone(),
                enterprise: p.enterprise_name.clone(),
                pay: format!("{}-{}", yuan(p.pay_min_fen), yuan(p.pay_max_fen)),
                unit: PayUnit::yuan_per_code(&p.pay_unit),
                headcount: p.headcount,
                live: p.is_live(&today),
            })
            .collect(),
        own_postings,
        may_join: open
            && may(Permission::PostingWrite)
            && caller
                .as_ref()
                .is_some_and(|c| c.user.enterprise_id.is_some()),
        may_register: open && person.is_some() && may(Permission::SeekerProfile),
        registered,
        may_apply: running && person.is_some() && may(Permission::SeekerProfile),
        may_manage,
        open,
        running,
        message,
        error,
    })
}

async fn cancel_event(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let r = cancel_event_as(&app, &caller, id)
        .await
        .map(|()| "招聘活动已取消".to_string());
    back(&format!("/events/{id}"), r)
}

async fn join(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let mut ids = Vec::new();
    let mut enterprise_id = None;
    for (k, v) in &raw {
        match k.as_str() {
            "posting_id" => match v.trim().parse::<i64>() {
                Ok(n) => ids.push(n),
                Err(_) => {
                    return back(
                        &format!("/events/{id}"),
                        Err(leye_domain::FieldError::new(
                            "posting_ids",
                            "invalid",
                            format!("岗位编号“{v}”无效"),
                        )
                        .into()),
                    );
                }
            },
            "enterprise_id" => enterprise_id = v.trim().parse::<i64>().ok(),
            _ => {}
        }
    }
    let r = join_as(
        &app,
        &caller,
        id,
        &JoinInput {
            enterprise_id,
            posting_ids: ids,
        },
    )
    .await
    .map(|n| format!("已报名参会,带入{n}个岗位"));
    back(&format!("/events/{id}"), r)
}

async fn register(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let r = match person_for(&caller, None) {
        Ok(p) => register_as(&app, &caller, id, p)
            .await
            .map(|()| "已报名,活动当天请携带身份证到场签到".to_string()),
        Err(e) => Err(e),
    };
    back(&format!("/events/{id}"), r)
}

async fn check_in(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let r = check_in_as(&app, &caller, id, &get(&raw, "id_number"))
        .await
        .map(|name| format!("{name} 已签到"));
    back(&format!("/events/{id}"), r)
}

// ---------------------------------------------------------------- shortage list

/// A line of the list as shown.
pub struct LineShown {
    pub occupation: String,
    pub code: String,
    pub region: String,
    pub demand: i64,
    pub supply: i64,
    pub ratio: String,
    pub shortage: bool,
}

#[derive(Template)]
#[template(path = "shortage.html")]
struct ShortagePage {
    nav: Nav,
    quarter: String,
    label: String,
    quarters: Vec<(String, String)>,
    published: bool,
    published_at: String,
    rule: String,
    city_only: bool,
    lines: Vec<LineShown>,
    shortages: usize,
    may_publish: bool,
    message: String,
    error: String,
}

async fn shortage(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let (message, mut error) = notes(&q);
    let today = app.clock.today();
    let current = Quarter::of(today);
    // The quarter under way by default: its figures as they stand; published lists by choice.
    let quarter = match q.get("quarter").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => current,
        Some(s) => match quarter_of(s) {
            Ok(x) => x,
            Err(e) => {
                error = e.body.message;
                current
            }
        },
    };
    let city_only = get(&q, "scope") != "county";
    let mut tx = app.store.begin_read().await?;
    let lists = leye_store::shortage_quarters(&mut tx).await?;
    tx.commit().await?;
    let leye_jobs::shortage::QuarterList {
        published: list,
        source: rule,
        lines,
    } = leye_jobs::shortage::list(&app.store, quarter).await?;
    let names = app.jobs.names(&app.store).await?;
    let city = leye_jobs::shortage::city_code();
    let shown: Vec<LineShown> = lines
        .iter()
        .filter(|l| (l.region == city) == city_only)
        .map(|l| LineShown {
            occupation: names
                .get(&l.occupation)
                .cloned()
                .unwrap_or_else(|| l.occupation.clone()),
            code: l.occupation.clone(),
            region: Regions::huzhou().full_name(&l.region),
            demand: l.demand,
            supply: l.supply,
            ratio: l.ratio_text(),
            shortage: l.shortage,
        })
        .collect();
    let mut quarters: Vec<(String, String)> = lists
        .iter()
        .filter_map(|l| Quarter::parse(&l.quarter).ok())
        .chain([current, current.previous()])
        .map(|x| (x.to_string(), x.label_zh()))
        .collect();
    quarters.sort();
    quarters.dedup();
    quarters.reverse();
    render(ShortagePage {
        nav: nav_for(&caller, &headers),
        quarter: quarter.to_string(),
        label: quarter.label_zh(),
        quarters,
        published: list.is_some(),
        published_at: list
            .map(|l| l.published_at.chars().take(10).collect())
            .unwrap_or_default(),
        rule,
        city_only,
        shortages: shown.iter().filter(|l| l.shortage).count(),
        lines: shown,
        may_publish: caller
            .as_ref()
            .is_some_and(|c| c.may(Permission::ShortagePublish))
            && quarter < current,
        message,
        error,
    })
}

async fn publish_shortage(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let raw_q = get(&raw, "quarter");
    let r = match quarter_of(&raw_q) {
        Ok(q) => leye_jobs::shortage::publish(
            &app.store,
            q,
            app.clock.today(),
            &caller.actor,
            app.clock.now(),
        )
        .await
        .map(|n| format!("{}紧缺工种目录已发布:{n}行列为紧缺", q.label_zh()))
        .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    back(
        &format!("/jobs/shortage?quarter={}", url_escape(raw_q.trim())),
        r,
    )
}
