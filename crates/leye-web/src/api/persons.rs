//! Persons (人员) and their labour-status history.

use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody, IdPath, code_filter, region_filter};
use crate::views::{LabourEventView, Page, PersonView};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use leye_domain::Regions;
use leye_domain::labour::{LabourEventInput, LabourStatus};
use leye_domain::person::{Education, PersonInput};
use leye_store as store;
use serde::Deserialize;
use utoipa::IntoParams;

/// Person filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PersonQuery {
    /// Region code: residents of it or anywhere inside it
    pub region: Option<String>,
    /// Part of the name
    pub name: Option<String>,
    /// employed, unemployed, student, retired, out_of_labour_force
    pub labour_status: Option<String>,
    /// Education code
    pub education: Option<String>,
    /// M or F
    pub sex: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl PersonQuery {
    pub(crate) fn filter(&self) -> Result<store::PersonFilter, ApiError> {
        let sex = match self.sex.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s @ ("M" | "F")) => Some(s.to_string()),
            Some(_) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    "性别参数应为M或F",
                )
                .with_field("sex"));
            }
        };
        Ok(store::PersonFilter {
            region: region_filter("region", &self.region)?,
            name: self.name.clone(),
            labour_status: code_filter(
                "labour_status",
                "就业状态",
                &self.labour_status,
                LabourStatus::parse_field,
            )?,
            education: code_filter(
                "education",
                "文化程度",
                &self.education,
                Education::parse_field,
            )?
            .map(|e| e.code().to_string()),
            sex,
        })
    }
    pub(crate) fn paging(&self) -> store::Paging {
        store::Paging::new(self.page, self.per_page)
    }
}

/// List persons in the caller's scope (masked).
#[utoipa::path(get, path = "/api/v1/persons", tag = "registry", params(PersonQuery),
    responses((status = 200, body = Page<PersonView>), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PersonQuery>,
) -> Result<Json<Page<PersonView>>, ApiError> {
    let page = page_of_persons(&app, &caller, &q).await?;
    Ok(Json(Page::from_store_owned(page)))
}

/// A page of the persons in the caller's scope that match the query (the API's and the
/// UI's list): a list seen over the count cap is not counted again (see [`ListTotals`]).
///
/// [`ListTotals`]: crate::ListTotals
pub async fn page_of_persons(
    app: &AppState,
    caller: &Caller,
    q: &PersonQuery,
) -> Result<store::Page<store::PersonRecord>, ApiError> {
    let f = q.filter()?;
    let key = format!("persons|{:?}|{f:?}", caller.scope);
    let paging = app.totals.paging(&key, q.paging());
    // One statement when the total is known (two when it is counted): no transaction.
    let mut c = app.store.connection().await?;
    let page = store::list_persons(&mut c, &caller.scope, &f, paging).await?;
    app.totals.note(key, paging, &page);
    Ok(page)
}

/// Register a person.
#[utoipa::path(post, path = "/api/v1/persons", tag = "registry", request_body = PersonInput,
    responses((status = 201, body = PersonView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<(StatusCode, Json<PersonView>), ApiError> {
    let facts = input.parse(Regions::huzhou(), app.clock.today())?;
    let (scope, actor) = (&caller.scope, &caller.actor);
    let mut tx = app.store.begin().await?;
    let id = store::create_person(&mut tx, scope, actor, &facts, app.clock.now()).await?;
    let rec = store::get_person(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json((&rec).into())))
}

/// One person (masked).
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = PersonView), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<PersonView>, ApiError> {
    let scope = &caller.scope;
    let mut tx = app.store.begin().await?;
    let rec = store::get_person(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok(Json((&rec).into()))
}

/// Replace a person's facts.
#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "registry", params(("id" = i64, Path)), request_body = PersonInput,
    responses((status = 200, body = PersonView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<Json<PersonView>, ApiError> {
    let facts = input.parse(Regions::huzhou(), app.clock.today())?;
    let (scope, actor) = (&caller.scope, &caller.actor);
    let mut tx = app.store.begin().await?;
    let rec = store::update_person(&mut tx, scope, actor, id, &facts, app.clock.now()).await?;
    app.after_person_change(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(Json((&rec).into()))
}

/// A person's labour-status history.
#[utoipa::path(get, path = "/api/v1/persons/{id}/labour-events", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<LabourEventView>), (status = 404, body = ErrorBody)))]
pub async fn list_events(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Vec<LabourEventView>>, ApiError> {
    let scope = &caller.scope;
    let mut tx = app.store.begin().await?;
    let h = store::labour_history(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok(Json(h.iter().map(LabourEventView::from).collect()))
}

/// Record a change of labour status (appended; history is never rewritten).
#[utoipa::path(post, path = "/api/v1/persons/{id}/labour-events", tag = "registry", params(("id" = i64, Path)),
    request_body = LabourEventInput,
    responses((status = 201, body = LabourEventView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_event(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<LabourEventInput>,
) -> Result<(StatusCode, Json<LabourEventView>), ApiError> {
    let (scope, actor) = (&caller.scope, &caller.actor);
    let mut tx = app.store.begin().await?;
    let person = store::get_person(&mut tx, scope, id).await?;
    let birth = person.birth_date.parse().unwrap_or(chrono::NaiveDate::MIN);
    let event = input.parse(birth, app.clock.today())?;
    let rec = store::append_labour_event(
        &mut tx,
        scope,
        actor,
        id,
        &event,
        app.clock.today(),
        app.clock.now(),
    )
    .await?;
    app.after_person_change(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json((&rec).into())))
}

/// Why personal data is being read in full.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealInput {
    /// 查看理由, e.g. "电话回访就业意向" (4-200 characters)
    pub reason: String,
}

/// Personal data in full.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Revealed {
    pub id: i64,
    pub id_number: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// Check a reveal reason.
pub fn reveal_reason(raw: &str) -> Result<String, leye_domain::FieldError> {
    let r = leye_domain::field::text("reason", "查看理由", raw, 200)?;
    if r.chars().count() < 4 {
        return Err(leye_domain::FieldError::new(
            "reason",
            "too_short",
            "查看理由至少4个字",
        ));
    }
    Ok(r)
}

/// Show a person's ID number, phone and address in full: needs a reason, is audited.
#[utoipa::path(post, path = "/api/v1/persons/{id}/reveal", tag = "registry", params(("id" = i64, Path)),
    request_body = RevealInput,
    responses((status = 200, body = Revealed), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reveal(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<RevealInput>,
) -> Result<Json<Revealed>, ApiError> {
    let reason = reveal_reason(&input.reason)?;
    let mut tx = app.store.begin().await?;
    let p = store::reveal_person(
        &mut tx,
        &caller.scope,
        &caller.actor,
        id,
        &reason,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(Revealed {
        id: p.id,
        id_number: p.id_number,
        phone: p.phone,
        address: p.address,
    }))
}
