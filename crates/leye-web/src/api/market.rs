//! Gig work (零工市场), recruitment events (招聘活动) and the shortage-occupation list
//! (紧缺工种目录) over JSON.

use crate::AppState;
use crate::access::Caller;
use crate::api::jobs::{enterprise_for, person_for};
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody, IdPath};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDateTime};
use leye_domain::gig::{GigAction, GigSide, Rating, SlotInput, SlotTerms};
use leye_domain::jobs::PayUnit;
use leye_domain::recruitment::EventInput;
use leye_domain::shortage::Quarter;
use leye_domain::{FieldError, Money, Regions};
use serde::Deserialize;
use serde_json::{Value, json};

/// Several field errors as one answer: the first field named, every message said.
pub fn fields_error(errors: Vec<FieldError>) -> ApiError {
    let message = errors
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join(";");
    match errors.into_iter().next() {
        Some(first) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, first.code, message)
            .with_field(&first.field),
        None => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "输入有误"),
    }
}

/// Local (China) time now, as gig slots are written.
pub fn local_now(app: &AppState) -> NaiveDateTime {
    leye_domain::time::local(app.clock.now()).naive_local()
}

// ---------------------------------------------------------------- gig work

/// Offer a time slot on a gig posting: checked against the posting (pay unit, validity),
/// priced from its hourly or daily rate. Returns the slot's id.
pub async fn add_slot(
    app: &AppState,
    caller: &Caller,
    posting_id: i64,
    input: &SlotInput,
) -> Result<i64, ApiError> {
    let p = crate::api::jobs::managed_posting(app, caller, posting_id).await?;
    let today = app.clock.today();
    let terms = SlotTerms {
        pay_unit: PayUnit::from_code(&p.pay_unit).unwrap_or(PayUnit::Month),
        rate_fen: p.pay_min_fen,
        valid_until: chrono::NaiveDate::parse_from_str(&p.valid_until, "%Y-%m-%d").unwrap_or(today),
    };
    let facts = input.parse(terms, today).map_err(fields_error)?;
    let mut tx = app.store.begin().await?;
    let id = leye_store::create_slot(
        &mut tx,
        &caller.scope,
        posting_id,
        &facts,
        &today.to_string(),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn slot_json(s: &leye_store::SlotRecord) -> Value {
    json!({
        "id": s.id, "posting_id": s.posting_id, "title": s.title, "enterprise_id": s.enterprise_id,
        "enterprise": s.enterprise_name, "region": s.region, "region_name": Regions::huzhou().full_name(&s.region),
        "address": s.address, "starts_at": s.starts_at, "ends_at": s.ends_at, "places": s.places,
        "places_left": s.places - s.taken, "pay_yuan": Money::from_fen(s.pay_fen).to_string(),
        "note": s.note, "cancelled": s.cancelled,
    })
}

/// Add a time slot (班次) to a gig posting.
#[utoipa::path(post, path = "/api/v1/postings/{id}/slots", params(("id" = i64, Path)), tag = "gig", request_body = SlotInput,
    responses((status = 201, body = Value), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_slot(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<SlotInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let sid = add_slot(&app, &caller, id, &input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": sid }))))
}

/// The slots of a posting (public).
#[utoipa::path(get, path = "/api/v1/postings/{id}/slots", params(("id" = i64, Path)), tag = "gig", responses((status = 200, body = Value)))]
pub async fn posting_slots(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::slots_of_posting(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(
        json!({ "items": rows.iter().map(slot_json).collect::<Vec<_>>() }),
    ))
}

/// Where to look for gig work.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SlotFilter {
    /// Region code (county, township or village)
    #[serde(default)]
    pub region: Option<String>,
}

/// The gig market: slots not yet over, earliest first (public).
#[utoipa::path(get, path = "/api/v1/gig/slots", tag = "gig", params(SlotFilter),
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn open_slots(
    State(app): State<AppState>,
    ApiQuery(f): ApiQuery<SlotFilter>,
) -> Result<Json<Value>, ApiError> {
    let region = crate::error::region_filter("region", &f.region)?;
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::open_slots(&mut tx, local_now(&app), region.as_deref(), 200).await?;
    tx.commit().await?;
    Ok(Json(
        json!({ "items": rows.iter().map(slot_json).collect::<Vec<_>>() }),
    ))
}

/// Who signs up.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// Needed for officers acting for someone; a job seeker acts as themself
    #[serde(default)]
    pub person_id: Option<i64>,
}

/// Sign `person` up for slot `id` in one transaction.
pub async fn sign_up_as(
    app: &AppState,
    caller: &Caller,
    person: i64,
    slot: i64,
) -> Result<i64, ApiError> {
    let mut tx = app.store.begin().await?;
    let id = leye_store::sign_up(
        &mut tx,
        &caller.scope,
        person,
        slot,
        local_now(app),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Sign up for a slot (a job seeker: themself).
#[utoipa::path(post, path = "/api/v1/gig/slots/{id}/signup", params(("id" = i64, Path)), tag = "gig", request_body = PersonInput,
    responses((status = 201, body = Value), (status = 422, body = ErrorBody)))]
pub async fn sign_up(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(p): ApiJson<PersonInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let person = person_for(&caller, p.person_id)?;
    let sid = sign_up_as(&app, &caller, person, id).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": sid }))))
}

/// The sign-ups of a slot (its employer, or officers of its area).
#[utoipa::path(get, path = "/api/v1/gig/slots/{id}/signups", params(("id" = i64, Path)), tag = "gig",
    responses((status = 200, body = Value), (status = 403, body = ErrorBody)))]
pub async fn slot_signups(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::signups_of_slot(&mut tx, &caller.scope, id).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": rows })))
}

/// A person's gig sign-ups.
#[utoipa::path(get, path = "/api/v1/persons/{id}/gigs", params(("id" = i64, Path)), tag = "gig", responses((status = 200, body = Value)))]
pub async fn person_gigs(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::signups_of_person(&mut tx, &caller.scope, id).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": rows })))
}

/// What to do to a sign-up.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GigActionInput {
    /// cancel, check_in, no_show, complete (employer), confirm_pay, dispute_pay (worker)
    pub action: String,
    /// On completion: the pay owed in yuan (default: what the slot promised)
    #[serde(default)]
    pub pay: String,
    /// A reason (needed when the pay is below the slot's)
    #[serde(default)]
    pub note: String,
}

/// Move a sign-up on as `side`; the new state's code.
pub async fn act_as(
    app: &AppState,
    caller: &Caller,
    signup: i64,
    side: GigSide,
    input: &GigActionInput,
) -> Result<&'static str, ApiError> {
    let action = GigAction::parse_field("action", "操作", &input.action)?;
    let pay = match input.pay.trim() {
        "" => None,
        s => Some(
            Money::parse_yuan(s)
                .map_err(|e| FieldError::new("pay", "invalid_money", format!("报酬:{e}")))?
                .fen(),
        ),
    };
    let note: String = input.note.trim().chars().take(200).collect();
    let mut tx = app.store.begin().await?;
    let to = leye_store::gig_act(
        &mut tx,
        &caller.scope,
        signup,
        side,
        action,
        pay,
        &note,
        local_now(app),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(to.code())
}

/// The worker's side of a sign-up: cancel, check in, confirm or dispute the pay.
#[utoipa::path(post, path = "/api/v1/gig/signups/{id}/worker", params(("id" = i64, Path)), tag = "gig", request_body = GigActionInput,
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn worker_action(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(a): ApiJson<GigActionInput>,
) -> Result<Json<Value>, ApiError> {
    let state = act_as(&app, &caller, id, GigSide::Worker, &a).await?;
    Ok(Json(json!({ "id": id, "state": state })))
}

/// The employer's side of a sign-up: check in, mark a no-show, confirm the work and the pay.
#[utoipa::path(post, path = "/api/v1/gig/signups/{id}/employer", params(("id" = i64, Path)), tag = "gig", request_body = GigActionInput,
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn employer_action(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(a): ApiJson<GigActionInput>,
) -> Result<Json<Value>, ApiError> {
    let state = act_as(&app, &caller, id, GigSide::Employer, &a).await?;
    Ok(Json(json!({ "id": id, "state": state })))
}

/// A rating of the other side.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// 1 to 5
    pub stars: String,
    #[serde(default)]
    pub comment: String,
}

/// Rate the other side of a finished sign-up. Only the worker themself, or the employer's own
/// account, rates: an officer cannot rate for them.
pub async fn rate_as(
    app: &AppState,
    caller: &Caller,
    signup: i64,
    side: GigSide,
    input: &RatingInput,
) -> Result<(), ApiError> {
    let party = match side {
        GigSide::Worker => caller.user.person_id.is_some(),
        GigSide::Employer => caller.user.enterprise_id.is_some(),
    };
    let rating = Rating::parse(&input.stars, &input.comment).map_err(fields_error)?;
    let mut tx = app.store.begin().await?;
    leye_store::rate_gig(
        &mut tx,
        &caller.scope,
        signup,
        side,
        party,
        &rating,
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The worker rates the employer.
#[utoipa::path(post, path = "/api/v1/gig/signups/{id}/worker/rating", params(("id" = i64, Path)), tag = "gig", request_body = RatingInput,
    responses((status = 201, body = Value), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn worker_rating(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(r): ApiJson<RatingInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    rate_as(&app, &caller, id, GigSide::Worker, &r).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

/// The employer rates the worker.
#[utoipa::path(post, path = "/api/v1/gig/signups/{id}/employer/rating", params(("id" = i64, Path)), tag = "gig", request_body = RatingInput,
    responses((status = 201, body = Value), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn employer_rating(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(r): ApiJson<RatingInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    rate_as(&app, &caller, id, GigSide::Employer, &r).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

// ---------------------------------------------------------------- recruitment events

/// Which events.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EventFilter {
    /// Year the events start in (default: this year)
    #[serde(default)]
    pub year: Option<String>,
    /// Region code
    #[serde(default)]
    pub region: Option<String>,
}

/// The year of a filter: this year when empty; 2000..=2100.
pub fn year_of(raw: &Option<String>, today: chrono::NaiveDate) -> Result<i32, ApiError> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today.year()),
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| {
                FieldError::new("year", "invalid_year", format!("年份“{s}”无效")).into()
            }),
    }
}

/// The 500-a-year target of 二(三)1 with its source.
pub fn events_target(today: chrono::NaiveDate) -> Result<(i64, String), ApiError> {
    let (v, u) = leye_jobs::events_params()?.int_at("events_per_year", today)?;
    Ok((v, u.source))
}

/// Recruitment events of a year, with how many were held against the target (public).
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(EventFilter),
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn list_events(
    State(app): State<AppState>,
    ApiQuery(f): ApiQuery<EventFilter>,
) -> Result<Json<Value>, ApiError> {
    let today = app.clock.today();
    let year = year_of(&f.year, today)?;
    let region = crate::error::region_filter("region", &f.region)?;
    let mut tx = app.store.begin_read().await?;
    let items = leye_store::list_events(&mut tx, Some(year), region.as_deref()).await?;
    let held = leye_store::events_held(&mut tx, year, &today.to_string()).await?;
    tx.commit().await?;
    let (target, source) = events_target(today)?;
    Ok(Json(json!({
        "year": year, "items": items,
        "held": held.iter().map(|(_, n)| n).sum::<i64>(),
        "held_by_county": held.iter().map(|(c, n)| json!({"county": c, "name": Regions::huzhou().full_name(c), "held": n})).collect::<Vec<_>>(),
        "target": target, "target_source": source,
    })))
}

/// One event with its figures, enterprises and postings (public).
#[utoipa::path(get, path = "/api/v1/events/{id}", params(("id" = i64, Path)), tag = "events",
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn get_event(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let e = leye_store::get_event(&mut tx, id)
        .await?
        .ok_or(ApiError::not_found("招聘活动"))?;
    let enterprises = leye_store::event_enterprises(&mut tx, id).await?;
    let ids = leye_store::event_posting_ids(&mut tx, id).await?;
    let postings = leye_store::get_postings(&mut tx, &ids).await?;
    tx.commit().await?;
    let names = app.jobs.names(&app.store).await?;
    Ok(Json(json!({
        "event": e,
        "enterprises": enterprises.iter().map(|(id, name, n)| json!({"id": id, "name": name, "postings": n})).collect::<Vec<_>>(),
        "postings": postings.iter().map(|p| crate::api::jobs::posting_json(p, &names)).collect::<Vec<_>>(),
    })))
}

/// Record an event (officers of its region).
pub async fn create_event_as(
    app: &AppState,
    caller: &Caller,
    input: &EventInput,
) -> Result<i64, ApiError> {
    let facts = input
        .parse(Regions::huzhou(), app.clock.today())
        .map_err(fields_error)?;
    let mut tx = app.store.begin().await?;
    let id = leye_store::create_event(
        &mut tx,
        &caller.scope,
        &facts,
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Record a recruitment event.
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventInput,
    responses((status = 201, body = Value), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_event(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<EventInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = create_event_as(&app, &caller, &input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

/// Cancel event `id` (officers of its region).
pub async fn cancel_event_as(app: &AppState, caller: &Caller, id: i64) -> Result<(), ApiError> {
    let mut tx = app.store.begin().await?;
    leye_store::cancel_event(
        &mut tx,
        &caller.scope,
        id,
        &app.clock.today().to_string(),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Cancel an event that has not ended.
#[utoipa::path(post, path = "/api/v1/events/{id}/cancel", params(("id" = i64, Path)), tag = "events",
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn cancel_event(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    cancel_event_as(&app, &caller, id).await?;
    Ok(Json(json!({ "id": id, "cancelled": true })))
}

/// An enterprise taking part.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinInput {
    /// Needed for officers; an employer joins as its own enterprise
    #[serde(default)]
    pub enterprise_id: Option<i64>,
    /// Live postings of the enterprise brought to the event
    #[serde(default)]
    pub posting_ids: Vec<i64>,
}

/// Join event `id` with postings; how many were added.
pub async fn join_as(
    app: &AppState,
    caller: &Caller,
    id: i64,
    input: &JoinInput,
) -> Result<usize, ApiError> {
    let enterprise = enterprise_for(caller, input.enterprise_id)?;
    if input.posting_ids.len() > 100 {
        return Err(FieldError::new("posting_ids", "too_many", "一次最多带入100个岗位").into());
    }
    let mut tx = app.store.begin().await?;
    let n = leye_store::join_event(
        &mut tx,
        &caller.scope,
        id,
        enterprise,
        &input.posting_ids,
        &app.clock.today().to_string(),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// An enterprise takes part in an event with some of its live postings.
#[utoipa::path(post, path = "/api/v1/events/{id}/join", params(("id" = i64, Path)), tag = "events", request_body = JoinInput,
    responses((status = 200, body = Value), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn join_event(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(j): ApiJson<JoinInput>,
) -> Result<Json<Value>, ApiError> {
    let n = join_as(&app, &caller, id, &j).await?;
    Ok(Json(json!({ "id": id, "postings_added": n })))
}

/// Register `person` for event `id`.
pub async fn register_as(
    app: &AppState,
    caller: &Caller,
    id: i64,
    person: i64,
) -> Result<(), ApiError> {
    let mut tx = app.store.begin().await?;
    leye_store::register_attendee(
        &mut tx,
        &caller.scope,
        id,
        person,
        &app.clock.today().to_string(),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Register for an event (a job seeker: themself).
#[utoipa::path(post, path = "/api/v1/events/{id}/register", params(("id" = i64, Path)), tag = "events", request_body = PersonInput,
    responses((status = 201, body = Value), (status = 422, body = ErrorBody)))]
pub async fn register(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(p): ApiJson<PersonInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let person = person_for(&caller, p.person_id)?;
    register_as(&app, &caller, id, person).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "person_id": person })),
    ))
}

/// Who came.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInInput {
    /// The ID number read from the person's card (身份证号)
    pub id_number: String,
}

/// Check a person in at event `id` by ID number; their (masked) name.
pub async fn check_in_as(
    app: &AppState,
    caller: &Caller,
    id: i64,
    id_number: &str,
) -> Result<String, ApiError> {
    let number = leye_domain::IdNumber::parse(id_number.trim(), app.clock.today())
        .map_err(|e| FieldError::new("id_number", "invalid_id_number", e.to_string()))?;
    let mut tx = app.store.begin().await?;
    let person = leye_store::find_person_by_id_number(&mut tx, &caller.scope, number.as_str())
        .await?
        .ok_or_else(|| {
            FieldError::new(
                "id_number",
                "unknown_person",
                "该身份证号的人员未登记或不在您的辖区,请先登记",
            )
        })?;
    leye_store::check_in_attendee(
        &mut tx,
        &caller.scope,
        id,
        person.id,
        &app.clock.today().to_string(),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(person.name)
}

/// Check a person in at the event (on the day; a walk-in is registered on the spot).
#[utoipa::path(post, path = "/api/v1/events/{id}/check-in", params(("id" = i64, Path)), tag = "events", request_body = CheckInInput,
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn check_in(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(c): ApiJson<CheckInInput>,
) -> Result<Json<Value>, ApiError> {
    let name = check_in_as(&app, &caller, id, &c.id_number).await?;
    Ok(Json(json!({ "id": id, "name": name })))
}

// ---------------------------------------------------------------- shortage list

/// A quarter from a path or form.
pub fn quarter_of(raw: &str) -> Result<Quarter, ApiError> {
    Quarter::parse(raw)
        .map_err(|e| FieldError::new("quarter", "invalid_quarter", e.to_string()).into())
}

/// A list of lines as JSON, with occupation and region names.
pub fn lines_json(
    lines: &[leye_domain::shortage::ShortageLine],
    names: &leye_jobs::index::OccupationNames,
) -> Vec<Value> {
    lines
        .iter()
        .map(|l| {
            json!({
                "occupation": l.occupation, "occupation_name": names.get(&l.occupation),
                "region": l.region, "region_name": Regions::huzhou().full_name(&l.region),
                "demand": l.demand, "supply": l.supply, "ratio": l.ratio_text(),
                "ratio_permille": l.ratio_permille, "shortage": l.shortage,
            })
        })
        .collect()
}

/// Published shortage-occupation lists (public).
#[utoipa::path(get, path = "/api/v1/shortage", tag = "jobs", responses((status = 200, body = Value)))]
pub async fn shortage_quarters(State(app): State<AppState>) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let items = leye_store::shortage_quarters(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": items })))
}

/// A quarter's list: the published one, or (not yet published) the figures as they stand,
/// marked `published: false` (public).
#[utoipa::path(get, path = "/api/v1/shortage/{quarter}", params(("quarter" = String, Path)), tag = "jobs",
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn shortage(
    State(app): State<AppState>,
    Path(quarter): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let q = quarter_of(&quarter)?;
    let names = app.jobs.names(&app.store).await?;
    let l = leye_jobs::shortage::list(&app.store, q).await?;
    let (published, lines, rule_source) = (l.published.is_some(), l.lines, l.source);
    Ok(Json(json!({
        "quarter": q.to_string(), "label": q.label_zh(), "published": published, "rule": rule_source,
        "items": lines_json(&lines, &names),
    })))
}

/// Publish a quarter's list once the quarter is over (city administrators).
#[utoipa::path(post, path = "/api/v1/shortage/{quarter}/publish", params(("quarter" = String, Path)), tag = "jobs",
    responses((status = 201, body = Value), (status = 422, body = ErrorBody)))]
pub async fn publish_shortage(
    State(app): State<AppState>,
    caller: Caller,
    Path(quarter): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let q = quarter_of(&quarter)?;
    let n = leye_jobs::shortage::publish(
        &app.store,
        q,
        app.clock.today(),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "quarter": q.to_string(), "shortage": n })),
    ))
}
