//! Skills, entrepreneurship and enterprise service over JSON: every registry of
//! [`leye_skills::catalogue`] (its description, rows, one row, a new row), key-enterprise
//! service tickets and employment impact assessments. The pages call the same functions.

use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody, IdPath};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use leye_domain::FieldError;
use leye_domain::registry::{Kind, Registry};
use leye_domain::service::Channel;
use leye_skills::catalogue;
use leye_store::registry::{Mode, RegistryFilter};
use leye_store::{Link, NewTicket, Paging, TicketRecord};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The registry a route names: labour rights' under `/rights/` (their own permissions), the
/// others elsewhere; a registry is never reached through the other's routes.
pub(crate) fn find(uri: &axum::http::Uri, id: &str) -> Result<&'static Registry, ApiError> {
    let path = uri.path();
    let rights = path.starts_with("/rights/") || path.starts_with("/api/v1/rights/");
    let all = if rights {
        leye_rights::catalogue::ALL
    } else {
        catalogue::ALL
    };
    all.iter()
        .copied()
        .find(|r| r.id == id)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个名录"))
}

fn registry(uri: &axum::http::Uri, id: &str) -> Result<&'static Registry, ApiError> {
    find(uri, id)
}

fn kind_name(k: Kind) -> Value {
    match k {
        Kind::Text(max) => json!({"type": "text", "max": max}),
        Kind::Int(min, max) => json!({"type": "integer", "min": min, "max": max}),
        Kind::Money => json!({"type": "yuan"}),
        Kind::Date => json!({"type": "date"}),
        Kind::Region => json!({"type": "region"}),
        Kind::Choice(all) => {
            json!({"type": "choice", "choices": all.iter().map(|(c, l)| json!({"code": c, "label": l})).collect::<Vec<_>>()})
        }
        Kind::Flag => json!({"type": "flag"}),
        Kind::Person => json!({"type": "id_number"}),
        Kind::Enterprise => json!({"type": "credit_code", "registered": true}),
        Kind::CreditText => json!({"type": "credit_code"}),
        Kind::Ref(table, title) => json!({"type": "reference", "table": table, "by": title}),
        Kind::Occupation => json!({"type": "occupation"}),
        Kind::Level => json!({"type": "skill_level"}),
    }
}

fn describe(r: &Registry) -> Value {
    json!({
        "id": r.id, "label": r.label, "area": r.area.label_zh(), "clause": r.clause, "about": r.about,
        "key": r.key, "title": r.title, "region_from": r.region_from,
        "fields": r.fields.iter().map(|f| json!({
            "name": f.name, "header": f.header, "required": f.required, "kind": kind_name(f.kind),
        })).collect::<Vec<_>>(),
    })
}

/// Every registry with its fields: what a row holds and how each field is written.
#[utoipa::path(get, path = "/api/v1/registries", tag = "skills",
    responses((status = 200, description = "{items: [{id, label, area, clause, key, fields: [{name, header, required, kind}]}]}", body = Value)))]
pub async fn registries(uri: axum::http::Uri) -> Json<Value> {
    let all = if uri.path().starts_with("/api/v1/rights/") {
        leye_rights::catalogue::ALL
    } else {
        catalogue::ALL
    };
    Json(json!({ "items": all.iter().map(|r| describe(r)).collect::<Vec<_>>() }))
}

/// A page of a registry's rows in scope.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RowsQuery {
    /// Text in the row's title field
    pub q: Option<String>,
    /// Within this region
    pub region: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Rows of a registry in the caller's scope, newest first; each cell as people read it
/// (labels, names, ID numbers masked), in the order of the registry's fields.
#[utoipa::path(get, path = "/api/v1/registries/{registry}", tag = "skills", params(("registry" = String, Path), RowsQuery),
    responses((status = 200, description = "{registry, total, page, per_page, items: [{id, region, region_name, cells, updated_at}]}", body = Value),
              (status = 404, body = ErrorBody)))]
pub async fn rows(
    uri: axum::http::Uri,
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<RowsQuery>,
) -> Result<Json<Value>, ApiError> {
    let reg = registry(&uri, &id)?;
    let mut tx = app.store.begin_read().await?;
    let page = leye_store::registry::list(
        &mut tx,
        &caller.scope,
        reg,
        &RegistryFilter {
            q: q.q,
            region: q.region,
        },
        Paging::new(q.page, q.per_page),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({
        "registry": describe(reg), "total": page.total, "total_capped": page.total_capped, "page": page.page,
        "per_page": page.per_page, "items": page.items,
    })))
}

/// One row of a registry.
#[utoipa::path(get, path = "/api/v1/registries/{registry}/{id}", tag = "skills",
    params(("registry" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn row(
    uri: axum::http::Uri,
    State(app): State<AppState>,
    caller: Caller,
    Path((id, row)): Path<(String, i64)>,
) -> Result<Json<Value>, ApiError> {
    let reg = registry(&uri, &id)?;
    let mut tx = app.store.begin_read().await?;
    let r = leye_store::registry::get(&mut tx, &caller.scope, reg, row).await?;
    tx.commit().await?;
    Ok(Json(json!(r)))
}

/// Check and write a new row given as `get(field)`; every bad field is named at once.
pub(crate) async fn create_row(
    app: &AppState,
    caller: &Caller,
    reg: &'static Registry,
    get: impl Fn(&str) -> String,
) -> Result<i64, ApiError> {
    let p = reg.parse(get).map_err(super::market::fields_error)?;
    let mut tx = app.store.begin().await?;
    let saved = leye_skills::save(
        &mut tx,
        &caller.scope,
        reg,
        &p,
        Mode::Create,
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved.id())
}

/// Check and write a row over the row `id`.
pub(crate) async fn update_row(
    app: &AppState,
    caller: &Caller,
    reg: &'static Registry,
    id: i64,
    get: impl Fn(&str) -> String,
) -> Result<(), ApiError> {
    let p = reg.parse(get).map_err(super::market::fields_error)?;
    let mut tx = app.store.begin().await?;
    leye_skills::save(
        &mut tx,
        &caller.scope,
        reg,
        &p,
        Mode::Update(id),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Text of a JSON value as a form would hold it.
fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => if *b { "是" } else { "否" }.to_string(),
        _ => String::new(),
    }
}

/// Refuse a field the registry does not have.
fn known_fields(reg: &Registry, body: &HashMap<String, Value>) -> Result<(), ApiError> {
    let known: Vec<&str> = reg
        .fields
        .iter()
        .map(|f| f.name)
        .chain(["region"])
        .collect();
    match body.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(FieldError::new(
            k,
            "unknown_field",
            format!("{}没有字段“{k}”,可用字段: {}", reg.label, known.join(", ")),
        )
        .into()),
        None => Ok(()),
    }
}

/// Replace a row: the whole row, as for a new one.
#[utoipa::path(put, path = "/api/v1/registries/{registry}/{id}", tag = "skills",
    params(("registry" = String, Path), ("id" = i64, Path)), request_body = Value,
    responses((status = 200, body = Value), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    uri: axum::http::Uri,
    State(app): State<AppState>,
    caller: Caller,
    Path((id, row)): Path<(String, i64)>,
    ApiJson(body): ApiJson<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let reg = registry(&uri, &id)?;
    known_fields(reg, &body)?;
    update_row(&app, &caller, reg, row, |k| text_of(body.get(k))).await?;
    let mut tx = app.store.begin_read().await?;
    let r = leye_store::registry::get(&mut tx, &caller.scope, reg, row).await?;
    tx.commit().await?;
    Ok(Json(json!(r)))
}

/// Register a row: a JSON object of field name → text, as a form or a file cell would hold it
/// (choices by code or label, people by ID number, enterprises by credit code, other rows by
/// name), plus `region` unless the registry takes it from a referenced row.
#[utoipa::path(post, path = "/api/v1/registries/{registry}", tag = "skills", params(("registry" = String, Path)),
    request_body = Value,
    responses((status = 201, description = "{id}", body = Value),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    uri: axum::http::Uri,
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<HashMap<String, Value>>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let reg = registry(&uri, &id)?;
    known_fields(reg, &body)?;
    let id = create_row(&app, &caller, reg, |k| text_of(body.get(k))).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

// ---- 用工服务单 ----

/// A new ticket, checked: the deadline is a date not before today, the headcount 1..10000.
pub(crate) fn ticket_input(
    enterprise_id: &str,
    occupation: &str,
    title: &str,
    headcount: &str,
    deadline: &str,
    today: chrono::NaiveDate,
) -> Result<NewTicket, ApiError> {
    let mut errors = Vec::new();
    let enterprise_id = enterprise_id.trim().parse::<i64>().unwrap_or_else(|_| {
        errors.push(FieldError::new(
            "enterprise_id",
            "required",
            "请选择重点企业",
        ));
        0
    });
    let occupation = leye_domain::jobs::OccupationCode::parse("occupation", occupation)
        .map(|o| o.as_str().to_string())
        .unwrap_or_else(|e| {
            errors.push(e);
            String::new()
        });
    let title = leye_domain::field::text("title", "岗位名称", title, 50).unwrap_or_else(|e| {
        errors.push(e);
        String::new()
    });
    let headcount = match headcount.trim().parse::<i64>() {
        Ok(n) if (1..=10_000).contains(&n) => n,
        _ => {
            errors.push(FieldError::new(
                "headcount",
                "out_of_range",
                "需求人数应为1到10000之间的整数",
            ));
            0
        }
    };
    let deadline = match leye_domain::cells::required_date("deadline", "截止日期", deadline) {
        Ok(d) if d >= today => d.to_string(),
        Ok(_) => {
            errors.push(FieldError::new(
                "deadline",
                "in_past",
                "截止日期不能早于今天",
            ));
            String::new()
        }
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    if !errors.is_empty() {
        return Err(super::market::fields_error(errors));
    }
    Ok(NewTicket {
        enterprise_id,
        occupation,
        title,
        headcount,
        deadline,
        opened_on: today.to_string(),
    })
}

/// What a link request names: `posting`, `event`, `class` or `institution`, and its id.
pub(crate) fn link_of(kind: &str, target: &str) -> Result<Link, ApiError> {
    let id = target.trim().parse::<i64>().map_err(|_| {
        ApiError::from(FieldError::new(
            "target",
            "required",
            "请选择要关联的岗位、活动、培训班或机构",
        ))
    })?;
    Ok(match kind {
        "posting" => Link::Posting(id),
        "event" => Link::Event(id),
        "class" => Link::Class(id),
        "institution" => Link::Institution(id),
        _ => {
            return Err(FieldError::new(
                "kind",
                "invalid_choice",
                "关联类型应为posting(岗位)、event(招聘活动)、class(培训班)或institution(人力资源机构)",
            )
            .into());
        }
    })
}

pub(crate) async fn place_as(
    app: &AppState,
    caller: &Caller,
    id: i64,
    id_number: &str,
    channel: &str,
    placed_on: &str,
) -> Result<TicketRecord, ApiError> {
    let channel = Channel::parse_field("channel", "上岗渠道", channel.trim())?;
    let today = app.clock.today();
    let on = match placed_on.trim() {
        "" => today,
        s => leye_domain::cells::required_date("placed_on", "上岗日期", s)?,
    };
    if on > today {
        return Err(FieldError::new("placed_on", "in_future", "上岗日期不能晚于今天").into());
    }
    Ok(leye_skills::tickets::place_by_id_number(
        &app.store,
        &caller.scope,
        id,
        id_number,
        channel,
        &on.to_string(),
        &caller.actor,
        app.clock.now(),
    )
    .await?)
}

pub(crate) async fn close_as(
    app: &AppState,
    caller: &Caller,
    id: i64,
    note: &str,
) -> Result<TicketRecord, ApiError> {
    let note = leye_domain::field::text("note", "关闭说明", note, 500)?;
    let mut tx = app.store.begin().await?;
    let t = leye_store::close_ticket(
        &mut tx,
        &caller.scope,
        id,
        &note,
        &app.clock.today().to_string(),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(t)
}

fn ticket_json(t: &TicketRecord, today: chrono::NaiveDate) -> Value {
    json!({ "ticket": t, "figures": leye_skills::tickets::figures(t, today) })
}

/// A state to filter tickets by.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TicketsQuery {
    /// open, working, filled, closed
    pub state: Option<String>,
}

/// Service tickets in scope (an employer: its own), open ones by deadline first, each with
/// its fill rate, days to fill and whether it is overdue.
#[utoipa::path(get, path = "/api/v1/service/tickets", tag = "skills", params(TicketsQuery),
    responses((status = 200, body = Value)))]
pub async fn tickets(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TicketsQuery>,
) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let list = leye_store::list_tickets(&mut tx, &caller.scope, q.state.as_deref()).await?;
    tx.commit().await?;
    let today = app.clock.today();
    Ok(Json(json!({
        "items": list.iter().map(|t| ticket_json(t, today)).collect::<Vec<_>>()
    })))
}

/// A key enterprise's hiring demand.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketInput {
    pub enterprise_id: i64,
    /// 职业编码, e.g. 6-18-01-01
    pub occupation: String,
    pub title: String,
    pub headcount: i64,
    /// YYYY-MM-DD, not before today
    pub deadline: String,
}

/// Open a service ticket for a key enterprise in scope.
#[utoipa::path(post, path = "/api/v1/service/tickets", tag = "skills", request_body = TicketInput,
    responses((status = 201, body = Value), (status = 422, body = ErrorBody)))]
pub async fn create_ticket(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<TicketInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let today = app.clock.today();
    let t = ticket_input(
        &b.enterprise_id.to_string(),
        &b.occupation,
        &b.title,
        &b.headcount.to_string(),
        &b.deadline,
        today,
    )?;
    let mut tx = app.store.begin().await?;
    let id = leye_store::create_ticket(&mut tx, &caller.scope, &t, &caller.actor, app.clock.now())
        .await?;
    let t = leye_store::get_ticket(&mut tx, &caller.scope, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(ticket_json(&t, today))))
}

/// A ticket with its placements (ID numbers masked) and its log.
#[utoipa::path(get, path = "/api/v1/service/tickets/{id}", tag = "skills", params(("id" = i64, Path)),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn ticket(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let t = leye_store::get_ticket(&mut tx, &caller.scope, id).await?;
    let placements = leye_store::ticket_placements(&mut tx, id).await?;
    let steps = leye_store::ticket_steps(&mut tx, id).await?;
    tx.commit().await?;
    let mut v = ticket_json(&t, app.clock.today());
    v["placements"] = json!(placements);
    v["steps"] = json!(steps);
    Ok(Json(v))
}

/// What to link to a ticket.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// posting, event, class or institution
    pub kind: String,
    pub target: i64,
}

/// Link a posting (of the ticket's enterprise), a recruitment event, a training class, or
/// assign an HR institution.
#[utoipa::path(post, path = "/api/v1/service/tickets/{id}/link", tag = "skills", params(("id" = i64, Path)),
    request_body = LinkInput, responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn link(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<LinkInput>,
) -> Result<Json<Value>, ApiError> {
    let l = link_of(&b.kind, &b.target.to_string())?;
    let mut tx = app.store.begin().await?;
    let t = leye_store::link_ticket(
        &mut tx,
        &caller.scope,
        id,
        l,
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(ticket_json(&t, app.clock.today())))
}

/// A placement (送工上岗).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceInput {
    /// The person's ID number (registered)
    pub id_number: String,
    /// posting, event, training, agency, dispatch
    pub channel: String,
    /// YYYY-MM-DD (default today)
    #[serde(default)]
    pub placed_on: String,
}

/// Record that a person took up the job; the ticket is filled when the count reaches the
/// headcount.
#[utoipa::path(post, path = "/api/v1/service/tickets/{id}/place", tag = "skills", params(("id" = i64, Path)),
    request_body = PlaceInput, responses((status = 200, body = Value), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn place(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<PlaceInput>,
) -> Result<Json<Value>, ApiError> {
    let t = place_as(&app, &caller, id, &b.id_number, &b.channel, &b.placed_on).await?;
    Ok(Json(ticket_json(&t, app.clock.today())))
}

/// Why a ticket is closed.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    pub note: String,
}

/// Close a ticket, filled or not.
#[utoipa::path(post, path = "/api/v1/service/tickets/{id}/close", tag = "skills", params(("id" = i64, Path)),
    request_body = CloseInput, responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn close(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<CloseInput>,
) -> Result<Json<Value>, ApiError> {
    let t = close_as(&app, &caller, id, &b.note).await?;
    Ok(Json(ticket_json(&t, app.clock.today())))
}

// ---- 就业影响评估 ----

/// An assessment with what its enterprise has created since (projects).
pub(crate) async fn impact_with_realised(
    app: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<
    (
        leye_store::ImpactRecord,
        Option<leye_skills::impact::Realised>,
    ),
    ApiError,
> {
    let mut tx = app.store.begin_read().await?;
    let r = leye_store::get_impact(&mut tx, &caller.scope, id).await?;
    let realised = match r.input.enterprise_id {
        Some(e) => {
            let series: Vec<(String, i64)> =
                leye_store::headcount_history(&mut tx, &leye_domain::Scope::System, e)
                    .await?
                    .iter()
                    .map(|h| (h.month.to_string(), i64::from(h.headcount)))
                    .collect();
            Some(leye_skills::impact::realised(
                r.input.jobs,
                &r.input.baseline_month,
                &series,
            ))
        }
        None => None,
    };
    tx.commit().await?;
    Ok((r, realised))
}

/// Assessments in scope, newest first.
#[utoipa::path(get, path = "/api/v1/impact-assessments", tag = "skills",
    responses((status = 200, body = Value)))]
pub async fn impacts(State(app): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let list = leye_store::list_impacts(&mut tx, &caller.scope).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": list })))
}

/// What a project or a policy draft promises.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImpactBody {
    pub title: String,
    /// project or policy
    pub kind: String,
    /// The investing enterprise (projects; registered)
    #[serde(default)]
    pub credit_code: String,
    /// Region of a policy draft
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub investment_yuan: String,
    pub jobs: String,
    /// Typical monthly pay of the jobs, yuan
    pub pay_yuan: String,
    #[serde(default)]
    pub skilled_jobs: String,
    #[serde(default)]
    pub graduate_jobs: String,
    /// GB/T 4754 section letter
    pub industry: String,
}

/// Score a promise by the documented method and record it; the answer has the score, its
/// parts and the source of every benchmark.
#[utoipa::path(post, path = "/api/v1/impact-assessments", tag = "skills", request_body = ImpactBody,
    responses((status = 201, body = Value), (status = 422, body = ErrorBody)))]
pub async fn assess(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<ImpactBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let input = leye_skills::impact::ImpactInput {
        title: b.title,
        kind: b.kind,
        credit_code: b.credit_code,
        region: b.region,
        investment_yuan: b.investment_yuan,
        jobs: b.jobs,
        pay_yuan: b.pay_yuan,
        skilled_jobs: b.skilled_jobs,
        graduate_jobs: b.graduate_jobs,
        industry: b.industry,
    };
    let id = leye_skills::impact::record(
        &app.store,
        &caller.scope,
        &input,
        app.clock.today(),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    let (r, realised) = impact_with_realised(&app, &caller, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "assessment": r, "scored": leye_skills::impact::recorded(&r), "realised": realised }),
        ),
    ))
}

/// An assessment, scored, with the jobs created since (projects).
#[utoipa::path(get, path = "/api/v1/impact-assessments/{id}", tag = "skills", params(("id" = i64, Path)),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn impact(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    let (r, realised) = impact_with_realised(&app, &caller, id).await?;
    Ok(Json(json!({
        "assessment": r, "scored": leye_skills::impact::recorded(&r), "realised": realised,
    })))
}
