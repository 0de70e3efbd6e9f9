//! The job market over JSON: search (public), typeahead, postings (employers and officers),
//! matching (officers), job-seeker profiles, applications and the push inbox.

use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody, IdPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use leye_domain::jobs::{PostingInput, SeekerInput};
use leye_domain::{FieldError, Money, Regions};
use leye_jobs::index::{SearchQuery, SearchResult, Sort};
use leye_store::PostingRecord;
use serde::Deserialize;
use serde_json::{Value, json};

/// Search parameters as typed in a form or a URL; every one optional.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct JobSearchParams {
    /// Keywords, e.g. 车床, 电商
    #[serde(default)]
    pub q: String,
    /// Region code (county, township or village)
    #[serde(default)]
    pub region: String,
    /// Occupation code; its subtree matches too
    #[serde(default)]
    pub occupation: String,
    /// Monthly pay reached at least (yuan)
    #[serde(default)]
    pub pay: String,
    /// The seeker's education code: postings asking for more are left out
    #[serde(default)]
    pub education: String,
    /// Published on or after YYYY-MM-DD
    #[serde(default)]
    pub since: String,
    /// `gig` (零工 only), `regular`, or empty
    #[serde(default)]
    pub kind: String,
    /// `1` for quality jobs only
    #[serde(default)]
    pub quality: String,
    /// A point (latitude, longitude) and a radius in km
    #[serde(default)]
    pub lat: String,
    #[serde(default)]
    pub lon: String,
    #[serde(default)]
    pub km: String,
    /// relevance (default), distance, pay, newest
    #[serde(default)]
    pub sort: String,
    /// 1-based page
    #[serde(default)]
    pub page: String,
    #[serde(default)]
    pub per_page: String,
}

fn bad(field: &str, code: &'static str, m: String) -> FieldError {
    FieldError::new(field, code, m)
}

impl JobSearchParams {
    /// Check the parameters into an index query (`today` bounds validity).
    pub fn parse(
        &self,
        today: chrono::NaiveDate,
    ) -> Result<(SearchQuery, usize, usize), FieldError> {
        let t = |s: &str| s.trim().to_string();
        let num = |field: &str,
                   label: &str,
                   raw: &str,
                   lo: f64,
                   hi: f64|
         -> Result<Option<f64>, FieldError> {
            match raw.trim() {
                "" => Ok(None),
                s => match s.parse::<f64>() {
                    Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => Ok(Some(v)),
                    _ => Err(bad(
                        field,
                        "out_of_range",
                        format!("{label}“{s}”无效,应在{lo}至{hi}之间"),
                    )),
                },
            }
        };
        if self.q.chars().count() > 50 {
            return Err(bad("q", "too_long", "关键词最多50个字".into()));
        }
        let region = match self.region.trim() {
            "" => None,
            r if Regions::huzhou().get(r).is_some() => Some(r.to_string()),
            r => {
                return Err(bad(
                    "region",
                    "unknown_region",
                    format!("区划代码“{r}”不存在"),
                ));
            }
        };
        let occupation = match self.occupation.trim() {
            "" => None,
            o => Some(leye_domain::jobs::OccupationCode::parse("occupation", o)?.to_string()),
        };
        let pay = match self.pay.trim() {
            "" => None,
            s => Some(
                Money::parse_yuan(s)
                    .map_err(|e| bad("pay", "invalid_money", format!("期望月薪:{e}")))?
                    .fen(),
            ),
        };
        let education = match self.education.trim() {
            "" => None,
            e => Some(
                leye_domain::jobs::Education::parse_field("education", "学历", e)?
                    .code()
                    .to_string(),
            ),
        };
        let since = match self.since.trim() {
            "" => None,
            s => Some(
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| {
                        bad(
                            "since",
                            "invalid_date",
                            format!("发布日期“{s}”无效,应为YYYY-MM-DD"),
                        )
                    })?
                    .to_string(),
            ),
        };
        let gig = match self.kind.trim() {
            "" => None,
            "gig" => Some(true),
            "regular" => Some(false),
            k => {
                return Err(bad(
                    "kind",
                    "invalid_kind",
                    format!("岗位类型“{k}”无效,应为 gig 或 regular"),
                ));
            }
        };
        let lat = num("lat", "纬度", &self.lat, 29.5, 31.8)?;
        let lon = num("lon", "经度", &self.lon, 118.5, 121.5)?;
        let km = num("km", "距离(公里)", &self.km, 0.1, 200.0)?;
        let near = match (lat, lon) {
            (Some(a), Some(b)) => Some((a, b, km.unwrap_or(10.0))),
            (None, None) => None,
            _ => {
                return Err(bad(
                    "lat",
                    "incomplete_point",
                    "按距离查找需要同时提供纬度和经度".into(),
                ));
            }
        };
        let sort = match self.sort.trim() {
            "" | "relevance" => Sort::Relevance,
            "distance" | "pay" | "newest" => Sort::from_code(self.sort.trim()),
            s => {
                return Err(bad(
                    "sort",
                    "invalid_sort",
                    format!("排序“{s}”无效,可选 relevance, distance, pay, newest"),
                ));
            }
        };
        if sort == Sort::Distance && near.is_none() {
            return Err(bad(
                "sort",
                "no_point",
                "按距离排序需要提供位置(纬度和经度)".into(),
            ));
        }
        let per_page =
            num("per_page", "每页条数", &self.per_page, 1.0, 100.0)?.unwrap_or(20.0) as usize;
        let max_page = leye_jobs::index::MAX_WINDOW / per_page;
        let page = num("page", "页码", &self.page, 1.0, 1e9)?.unwrap_or(1.0) as usize;
        if page > max_page {
            return Err(bad(
                "page",
                "beyond_cap",
                format!("最多翻到第{max_page}页,请增加筛选条件缩小范围"),
            ));
        }
        Ok((
            SearchQuery {
                q: t(&self.q),
                region,
                occupation,
                pay_at_least_fen: pay,
                education,
                since,
                gig,
                quality_only: matches!(self.quality.trim(), "1" | "true" | "on"),
                near,
                sort,
                offset: (page - 1) * per_page,
                limit: per_page,
                today: today.to_string(),
            },
            page,
            per_page,
        ))
    }
}

/// A search result with the postings read from the database (the truth), in index order.
pub struct Found {
    pub result: SearchResult,
    pub postings: Vec<(std::sync::Arc<PostingRecord>, Option<f64>)>,
}

/// Run a search: bring the index up to date, query it, and take the postings of the page
/// from the index's records (as fresh as the index: see [`crate::Jobs::catch_up`]).
pub async fn run_search(app: &AppState, q: &SearchQuery) -> Result<Found, ApiError> {
    let today = app.clock.today();
    app.jobs.catch_up(&app.store, today, false).await?;
    let result = app.jobs.index.search(q)?;
    let ids: Vec<i64> = result.hits.iter().map(|h| h.id).collect();
    let distance: std::collections::HashMap<i64, Option<f64>> =
        result.hits.iter().map(|h| (h.id, h.distance_km)).collect();
    let postings = app
        .jobs
        .index
        .records(&ids)
        .into_iter()
        .map(|p| {
            let d = distance.get(&p.id).copied().flatten();
            (p, d)
        })
        .collect();
    Ok(Found { result, postings })
}

fn county_name(code: &str) -> String {
    Regions::huzhou()
        .get(code)
        .map_or_else(|| code.to_string(), |r| r.name.clone())
}

/// A posting as the public sees it. Written out as a struct, not `json!`: search results
/// are the most requested answer, and a `json!` object is a map built and sorted per posting.
#[derive(Debug, serde::Serialize)]
pub struct PostingOut<'a> {
    id: i64,
    title: &'a str,
    enterprise: &'a str,
    enterprise_id: i64,
    description: &'a str,
    occupation: &'a str,
    occupation_name: Option<&'a str>,
    skill_level: Option<&'a str>,
    headcount: i64,
    region: &'a str,
    region_name: String,
    address: &'a str,
    lat: f64,
    lon: f64,
    pay_unit: &'a str,
    pay_min_yuan: String,
    pay_max_yuan: String,
    monthly_min_yuan: String,
    monthly_max_yuan: String,
    contract_type: &'a str,
    contract_months: Option<i64>,
    social_insurance: bool,
    education: &'a str,
    age_min: Option<i64>,
    age_max: Option<i64>,
    gig: bool,
    quality: bool,
    status: &'a str,
    published_on: &'a str,
    valid_until: &'a str,
    /// In search results only (null without a place to measure from).
    #[serde(skip_serializing_if = "Option::is_none")]
    distance_km: Option<Option<f64>>,
}

impl<'a> PostingOut<'a> {
    pub fn of(p: &'a PostingRecord, names: &'a leye_jobs::index::OccupationNames) -> Self {
        Self {
            id: p.id,
            title: &p.title,
            enterprise: &p.enterprise_name,
            enterprise_id: p.enterprise_id,
            description: &p.description,
            occupation: &p.occupation,
            occupation_name: names.get(&p.occupation).map(String::as_str),
            skill_level: p.skill_level.as_deref(),
            headcount: p.headcount,
            region: &p.region,
            region_name: Regions::huzhou().full_name(&p.region),
            address: &p.address,
            lat: p.lat,
            lon: p.lon,
            pay_unit: &p.pay_unit,
            pay_min_yuan: Money::from_fen(p.pay_min_fen).to_string(),
            pay_max_yuan: Money::from_fen(p.pay_max_fen).to_string(),
            monthly_min_yuan: Money::from_fen(p.monthly_min_fen).to_string(),
            monthly_max_yuan: Money::from_fen(p.monthly_max_fen).to_string(),
            contract_type: &p.contract_type,
            contract_months: p.contract_months,
            social_insurance: p.social_insurance,
            education: &p.education,
            age_min: p.age_min,
            age_max: p.age_max,
            gig: p.gig,
            quality: p.quality,
            status: &p.status,
            published_on: &p.published_on,
            valid_until: &p.valid_until,
            distance_km: None,
        }
    }
}

/// A posting as the public sees it, as a JSON value (to nest in other answers).
pub fn posting_json(p: &PostingRecord, names: &leye_jobs::index::OccupationNames) -> Value {
    serde_json::to_value(PostingOut::of(p, names)).unwrap_or_default()
}

/// The answer of a job search.
#[derive(Debug, serde::Serialize)]
pub struct SearchOut<'a> {
    total: usize,
    page: usize,
    per_page: usize,
    items: Vec<PostingOut<'a>>,
    facets: Value,
}

/// Search live postings: keywords in Chinese, filters, sort, facets; at most 1,000 results
/// deep. Anyone may search.
#[utoipa::path(get, path = "/api/v1/jobs/search", tag = "jobs", params(JobSearchParams),
    responses((status = 200, description = "{total, page, per_page, items, facets}", body = Value),
              (status = 422, body = ErrorBody)))]
pub async fn search(
    State(app): State<AppState>,
    ApiQuery(p): ApiQuery<JobSearchParams>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (q, page, per_page) = p.parse(app.clock.today())?;
    let found = run_search(&app, &q).await?;
    let names = app.jobs.names(&app.store).await?;
    let r = &found.result;
    let out = SearchOut {
        total: r.total,
        page,
        per_page,
        items: found
            .postings
            .iter()
            .map(|(p, d)| PostingOut {
                distance_km: Some(d.map(|d| (d * 10.0).round() / 10.0)),
                ..PostingOut::of(p, &names)
            })
            .collect(),
        facets: json!({
            "county": r.by_county.iter().map(|(c, n)| json!({"code": c, "name": county_name(c), "count": n})).collect::<Vec<_>>(),
            "major": r.by_major.iter().map(|(c, n)| json!({"code": c, "name": names.get(c), "count": n})).collect::<Vec<_>>(),
            "quality": r.quality, "gig": r.gig,
        }),
    };
    // Written straight from the borrowed records (no intermediate JSON value).
    Ok(Json(out).into_response())
}

/// Typeahead text.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SuggestQuery {
    #[serde(default)]
    pub q: String,
}

/// Suggestions for what is being typed (titles of live postings and occupation names).
#[utoipa::path(get, path = "/api/v1/jobs/suggest", tag = "jobs", params(SuggestQuery),
    responses((status = 200, body = Value)))]
pub async fn suggest(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<SuggestQuery>,
) -> Result<Json<Value>, ApiError> {
    app.jobs
        .catch_up(&app.store, app.clock.today(), false)
        .await?;
    let text: String = q.q.chars().take(20).collect();
    Ok(Json(
        json!({ "items": app.jobs.index.typeahead(&text, 10) }),
    ))
}

/// One posting (public).
#[utoipa::path(get, path = "/api/v1/jobs/{id}", params(("id" = i64, Path)), tag = "jobs",
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(app): State<AppState>,
    IdPath(id): IdPath,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let p = app
        .jobs
        .posting(&app.store, app.clock.today(), id)
        .await?
        .ok_or(ApiError::not_found("岗位"))?;
    let names = app.jobs.names(&app.store).await?;
    Ok(Json(PostingOut::of(&p, &names)).into_response())
}

/// The occupation taxonomy (职业分类大典 entries known to this installation).
#[utoipa::path(get, path = "/api/v1/occupations", tag = "jobs", responses((status = 200, body = Value)))]
pub async fn occupations(State(app): State<AppState>) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let all = leye_store::occupations(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": all })))
}

/// Which enterprise a posting is for.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseParam {
    /// Needed for officers; an employer always posts for its own enterprise
    pub enterprise_id: Option<i64>,
}

/// The record a caller acts for: the one their account is bound to (an employer's enterprise,
/// a job seeker's person), else the one named. A bound caller naming another is refused.
fn bound_or_named(
    own: Option<i64>,
    named: Option<i64>,
    field: &str,
    other: &str,
    missing: &str,
) -> Result<i64, ApiError> {
    match (own, named) {
        (Some(own), None) => Ok(own),
        (Some(own), Some(n)) if n == own => Ok(own),
        (Some(_), Some(_)) => Err(ApiError::new(StatusCode::FORBIDDEN, "out_of_scope", other)),
        (None, Some(n)) => Ok(n),
        (None, None) => Err(FieldError::new(field, "required", missing.to_string()).into()),
    }
}

/// The enterprise a caller publishes for: an employer's own, else the one named.
pub fn enterprise_for(caller: &Caller, named: Option<i64>) -> Result<i64, ApiError> {
    bound_or_named(
        caller.user.enterprise_id,
        named,
        "enterprise_id",
        "用人单位只能为本单位发布岗位",
        "请指定用人单位",
    )
}

/// Publish a posting. It is checked (fair hiring, minimum wage, ranges), marked a quality job
/// or not, searchable at once, and pushed to fitting seekers by the outbox worker.
#[utoipa::path(post, path = "/api/v1/postings", tag = "jobs", params(EnterpriseParam), request_body = PostingInput,
    responses((status = 201, body = Value), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_posting(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(e): ApiQuery<EnterpriseParam>,
    ApiJson(input): ApiJson<PostingInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let enterprise = enterprise_for(&caller, e.enterprise_id)?;
    let (id, pricing) = leye_jobs::publish(
        &app.store,
        &caller.scope,
        enterprise,
        &input,
        &caller.actor,
        app.clock.now(),
        app.clock.today(),
    )
    .await?;
    app.jobs
        .catch_up(&app.store, app.clock.today(), true)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "pricing": pricing })),
    ))
}

/// Postings in scope (an employer: its own), newest first.
#[utoipa::path(get, path = "/api/v1/postings", tag = "jobs", responses((status = 200, body = Value)))]
pub async fn list_postings(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
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
    tx.commit().await?;
    Ok(Json(
        json!({ "total": page.total, "total_capped": page.total_capped, "items": page.items }),
    ))
}

/// Close a posting (filled or withdrawn); it leaves the search at once.
#[utoipa::path(post, path = "/api/v1/postings/{id}/close", params(("id" = i64, Path)), tag = "jobs",
    responses((status = 200, body = Value), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close_posting(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    close_as(&app, &caller, id).await?;
    Ok(Json(json!({ "id": id, "status": "closed" })))
}

/// A posting the caller may manage (its employer, or an officer of its area); 403 otherwise.
pub async fn managed_posting(
    app: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<PostingRecord, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let p = leye_store::get_posting(&mut tx, id)
        .await?
        .ok_or(ApiError::not_found("岗位"))?;
    tx.commit().await?;
    if caller
        .scope
        .covers_subject(Regions::huzhou(), &p.region, None, Some(p.enterprise_id))
    {
        Ok(p)
    } else {
        Err(leye_store::StoreError::OutOfScope { entity: "岗位" }.into())
    }
}

/// The best seekers for a posting among those in the caller's area, with score and reasons.
#[utoipa::path(get, path = "/api/v1/postings/{id}/matches", params(("id" = i64, Path)), tag = "jobs",
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn matches(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    managed_posting(&app, &caller, id).await?;
    let (_, best) =
        leye_jobs::seekers_for_posting(&app.store, &caller.scope, id, app.clock.today(), 50, false)
            .await?;
    Ok(Json(json!({ "items": best.iter().map(|(s, m)| json!({
        "person_id": s.person_id, "name": s.name, "region": s.region,
        "occupations": s.occupations, "score": m.score, "explanation": m.explanation,
        "distance_km": (m.distance_km * 10.0).round() / 10.0,
    })).collect::<Vec<_>>() })))
}

/// Applications to a posting (its employer, or officers of its area).
#[utoipa::path(get, path = "/api/v1/postings/{id}/applications", params(("id" = i64, Path)), tag = "jobs", responses((status = 200, body = Value)))]
pub async fn posting_applications(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    managed_posting(&app, &caller, id).await?;
    let mut tx = app.store.begin_read().await?;
    let rows = leye_store::job_applications(&mut tx, &caller.scope, Some(id)).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": rows })))
}

/// A new state for an application.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateInput {
    /// interview, hired, declined
    pub state: String,
}

/// Move an application on: interview, hired (final) or declined (final).
#[utoipa::path(post, path = "/api/v1/job-applications/{id}/state", params(("id" = i64, Path)), tag = "jobs", request_body = StateInput,
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn set_state(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(s): ApiJson<StateInput>,
) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin().await?;
    leye_store::set_job_application_state(
        &mut tx,
        &caller.scope,
        id,
        s.state.trim(),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({ "id": id, "state": s.state.trim() })))
}

/// A person's job-seeker profile.
#[utoipa::path(get, path = "/api/v1/persons/{id}/seeker", params(("id" = i64, Path)), tag = "jobs",
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn get_seeker(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let s = leye_store::seeker_of_person(&mut tx, &caller.scope, id)
        .await?
        .ok_or(ApiError::not_found("求职登记"))?;
    tx.commit().await?;
    Ok(Json(json!(s)))
}

/// Create or replace a person's job-seeker profile (a job seeker: their own).
#[utoipa::path(put, path = "/api/v1/persons/{id}/seeker", params(("id" = i64, Path)), tag = "jobs", request_body = SeekerInput,
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn put_seeker(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<SeekerInput>,
) -> Result<Json<Value>, ApiError> {
    let sid = leye_jobs::save_profile(
        &app.store,
        &caller.scope,
        id,
        &input,
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    Ok(Json(json!({ "id": sid, "person_id": id })))
}

/// Who applies.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyInput {
    /// Needed for officers applying on someone's behalf; a job seeker applies as themself
    #[serde(default)]
    pub person_id: Option<i64>,
    /// The recruitment event the application is made at (counted for it)
    #[serde(default)]
    pub event_id: Option<i64>,
}

/// The person a caller acts for: a job seeker themself, else the one named.
pub fn person_for(caller: &Caller, named: Option<i64>) -> Result<i64, ApiError> {
    bound_or_named(
        caller.user.person_id,
        named,
        "person_id",
        "只能为本人投递",
        "请指定求职人员",
    )
}

/// Apply for `person` to posting `id` in one transaction; the application's id.
pub async fn apply_as(
    app: &AppState,
    caller: &Caller,
    person: i64,
    id: i64,
    event: Option<i64>,
) -> Result<i64, ApiError> {
    let mut tx = app.store.begin().await?;
    let aid = leye_store::apply_to_posting(
        &mut tx,
        &caller.scope,
        person,
        id,
        event,
        &app.clock.today().to_string(),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(aid)
}

/// Close posting `id` and take it out of this server's index at once.
pub async fn close_as(app: &AppState, caller: &Caller, id: i64) -> Result<(), ApiError> {
    let mut tx = app.store.begin().await?;
    leye_store::close_posting(
        &mut tx,
        &caller.scope,
        id,
        &app.clock.today().to_string(),
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    app.jobs
        .catch_up(&app.store, app.clock.today(), true)
        .await?;
    Ok(())
}

/// Apply to an open posting (once).
#[utoipa::path(post, path = "/api/v1/jobs/{id}/apply", params(("id" = i64, Path)), tag = "jobs", request_body = ApplyInput,
    responses((status = 201, body = Value), (status = 422, body = ErrorBody)))]
pub async fn apply(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(a): ApiJson<ApplyInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let person = person_for(&caller, a.person_id)?;
    let aid = apply_as(&app, &caller, person, id, a.event_id).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": aid }))))
}

/// A person's push inbox (reading marks it read).
#[utoipa::path(get, path = "/api/v1/persons/{id}/inbox", params(("id" = i64, Path)), tag = "jobs", responses((status = 200, body = Value)))]
pub async fn inbox(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    let mut tx = app.store.begin().await?;
    let rows = leye_store::inbox(&mut tx, &caller.scope, id, app.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(json!({ "items": rows })))
}

/// The best live postings for a person's profile, with score and reasons.
#[utoipa::path(get, path = "/api/v1/persons/{id}/recommendations", params(("id" = i64, Path)), tag = "jobs", responses((status = 200, body = Value)))]
pub async fn recommendations(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    let today = app.clock.today();
    app.jobs.catch_up(&app.store, today, false).await?;
    let best =
        leye_jobs::postings_for_person(&app.store, &app.jobs.index, &caller.scope, id, today, 20)
            .await?;
    let names = app.jobs.names(&app.store).await?;
    Ok(Json(json!({ "items": best.iter().map(|(p, m)| json!({
        "posting": posting_json(p, &names), "score": m.score, "explanation": m.explanation,
    })).collect::<Vec<_>>() })))
}
