//! The web UI in simplified Chinese: server-rendered pages (askama), no script, every asset
//! embedded in the binary. Pages read through the same store functions as the API, with the
//! caller's scope, and show personal data masked.

use crate::AppState;
use crate::api::{EnterpriseQuery, HouseholdQuery, PersonQuery, RegionView, region_view};
use crate::error::{ApiError, ApiQuery, IdPath, region_filter};
use crate::views::{EnterpriseView, HouseholdView, LabourEventView, PersonView};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use leye_domain::enterprise::Industry;
use leye_domain::labour::LabourStatus;
use leye_domain::region::RegionLevel;
use leye_domain::{Regions, Scope};
use leye_store as store;

const APP_CSS: &str = include_str!("../../static/app.css");

/// UI routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/app.css", get(css))
        .route("/persons", get(persons))
        .route("/persons/{id}", get(person))
        .route("/households", get(households))
        .route("/households/{id}", get(household))
        .route("/enterprises", get(enterprises))
        .route("/enterprises/{id}", get(enterprise))
        .route("/regions", get(regions_root))
        .route("/regions/{code}", get(region))
        .fallback(page_not_found)
}

/// An error shown as a Chinese page with the right status.
pub struct UiError(ApiError);

impl<E: Into<ApiError>> From<E> for UiError {
    fn from(e: E) -> Self {
        UiError(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    heading: String,
    message: String,
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let heading = match self.0.status {
            StatusCode::NOT_FOUND => "找不到页面或记录",
            s if s.is_client_error() => "请求有误",
            _ => "系统暂时出现问题",
        };
        let page = ErrorPage {
            heading: heading.into(),
            message: self.0.body.message,
        };
        match page.render() {
            Ok(html) => (self.0.status, Html(html)).into_response(),
            Err(_) => (self.0.status, "出错了").into_response(),
        }
    }
}

fn render(t: impl Template) -> Result<Response, UiError> {
    t.render().map(|h| Html(h).into_response()).map_err(|e| {
        tracing::error!(error = %e, "template");
        UiError(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "页面生成失败",
        ))
    })
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        APP_CSS,
    )
}

async fn page_not_found() -> UiError {
    UiError(ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "您访问的页面不存在。",
    ))
}

fn scope_name(scope: &Scope) -> String {
    match scope {
        Scope::System => "全部".into(),
        Scope::Region(code) => Regions::huzhou().full_name(code),
        Scope::ResponsibleUnit(u) => u.clone(),
        Scope::Enterprise(_) => "本企业".into(),
        Scope::Person(_) => "本人".into(),
    }
}

struct CountyRow {
    code: String,
    name: String,
    children: usize,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    scope_name: String,
    counts: store::RegistryCounts,
    counties: Vec<CountyRow>,
    zones: Vec<String>,
}

async fn home(State(app): State<AppState>) -> Result<Response, UiError> {
    let (scope, _) = app.caller();
    let counts = app.store.counts(&scope).await?;
    let r = Regions::huzhou();
    let counties = r
        .children("330500")
        .map(|c| CountyRow {
            code: c.code.clone(),
            name: c.name.clone(),
            children: r.children(&c.code).count(),
        })
        .collect();
    let zones = r.zones().map(|z| z.name.clone()).collect();
    render(Home {
        scope_name: scope_name(&scope),
        counts,
        counties,
        zones,
    })
}

/// Paging figures and the query string (without `page`) for the pager links.
struct Pager {
    total: i64,
    page: i64,
    pages: i64,
    query: String,
}

fn pager<T>(p: &store::Page<T>, pairs: &[(&str, &Option<String>)]) -> Pager {
    let query = serde_urlencoded::to_string(
        pairs
            .iter()
            .filter_map(|(k, v)| v.as_deref().filter(|s| !s.is_empty()).map(|v| (*k, v)))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    Pager {
        total: p.total,
        page: p.page,
        pages: ((p.total + p.per_page - 1) / p.per_page).max(1),
        query,
    }
}

#[derive(Template)]
#[template(path = "persons_list.html")]
struct PersonsPage {
    items: Vec<PersonView>,
    statuses: Vec<(&'static str, &'static str)>,
    f_region: String,
    f_name: String,
    f_status: String,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
}

async fn persons(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<PersonQuery>,
) -> Result<Response, UiError> {
    let f = q.filter()?;
    let (scope, _) = app.caller();
    let mut tx = app.store.begin().await?;
    let page = store::list_persons(&mut tx, &scope, &f, q.paging()).await?;
    tx.commit().await?;
    let pg = pager(
        &page,
        &[
            ("region", &q.region),
            ("name", &q.name),
            ("labour_status", &q.labour_status),
        ],
    );
    render(PersonsPage {
        items: page.items.iter().map(PersonView::from).collect(),
        statuses: LabourStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label_zh()))
            .collect(),
        f_region: q.region.unwrap_or_default(),
        f_name: q.name.unwrap_or_default(),
        f_status: q.labour_status.unwrap_or_default(),
        total: pg.total,
        page: pg.page,
        pages: pg.pages,
        query: pg.query,
    })
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    p: PersonView,
    events: Vec<LabourEventView>,
}

async fn person(State(app): State<AppState>, IdPath(id): IdPath) -> Result<Response, UiError> {
    let (scope, _) = app.caller();
    let mut tx = app.store.begin().await?;
    let p = store::get_person(&mut tx, &scope, id).await?;
    let events = store::labour_history(&mut tx, &scope, id).await?;
    tx.commit().await?;
    render(PersonPage {
        p: (&p).into(),
        events: events.iter().map(LabourEventView::from).collect(),
    })
}

#[derive(Template)]
#[template(path = "households_list.html")]
struct HouseholdsPage {
    items: Vec<HouseholdView>,
    f_region: String,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
}

async fn households(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
) -> Result<Response, UiError> {
    let f = store::HouseholdFilter {
        region: region_filter("region", &q.region)?,
        urban: q.urban,
    };
    let (scope, _) = app.caller();
    let mut tx = app.store.begin().await?;
    let page =
        store::list_households(&mut tx, &scope, &f, store::Paging::new(q.page, q.per_page)).await?;
    tx.commit().await?;
    let pg = pager(&page, &[("region", &q.region)]);
    render(HouseholdsPage {
        items: page.items.iter().map(HouseholdView::from).collect(),
        f_region: q.region.unwrap_or_default(),
        total: pg.total,
        page: pg.page,
        pages: pg.pages,
        query: pg.query,
    })
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    h: HouseholdView,
}

async fn household(State(app): State<AppState>, IdPath(id): IdPath) -> Result<Response, UiError> {
    let (scope, _) = app.caller();
    let mut tx = app.store.begin().await?;
    let h = store::get_household(&mut tx, &scope, id).await?;
    tx.commit().await?;
    render(HouseholdPage { h: (&h).into() })
}

#[derive(Template)]
#[template(path = "enterprises_list.html")]
struct EnterprisesPage {
    items: Vec<EnterpriseView>,
    industries: Vec<(&'static str, &'static str)>,
    f_region: String,
    f_name: String,
    f_industry: String,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
}

async fn enterprises(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<EnterpriseQuery>,
) -> Result<Response, UiError> {
    let f = q.filter()?;
    let (scope, _) = app.caller();
    let mut tx = app.store.begin().await?;
    let page = store::list_enterprises(&mut tx, &scope, &f, store::Paging::new(q.page, q.per_page))
        .await?;
    tx.commit().await?;
    let pg = pager(
        &page,
        &[
            ("region", &q.region),
            ("name", &q.name),
            ("industry", &q.industry),
        ],
    );
    render(EnterprisesPage {
        items: page.items.iter().map(EnterpriseView::from).collect(),
        industries: Industry::ALL
            .iter()
            .map(|i| (i.code(), i.label_zh()))
            .collect(),
        f_region: q.region.unwrap_or_default(),
        f_name: q.name.unwrap_or_default(),
        f_industry: q.industry.unwrap_or_default(),
        total: pg.total,
        page: pg.page,
        pages: pg.pages,
        query: pg.query,
    })
}

#[derive(Template)]
#[template(path = "enterprise.html")]
struct EnterprisePage {
    e: EnterpriseView,
    /// (month, headcount, change from the month before)
    headcount: Vec<(String, u32, String)>,
}

async fn enterprise(State(app): State<AppState>, IdPath(id): IdPath) -> Result<Response, UiError> {
    let (scope, _) = app.caller();
    let mut tx = app.store.begin().await?;
    let e = store::get_enterprise(&mut tx, &scope, id).await?;
    let h = store::headcount_history(&mut tx, &scope, id).await?;
    tx.commit().await?;
    let mut rows = Vec::with_capacity(h.len());
    let mut prev: Option<u32> = None;
    for x in h.iter().rev().take(24).rev() {
        let change = prev.map_or(String::new(), |p| {
            format!("{:+}", i64::from(x.headcount) - i64::from(p))
        });
        rows.push((x.month.to_string(), x.headcount, change));
        prev = Some(x.headcount);
    }
    rows.reverse();
    render(EnterprisePage {
        e: (&e).into(),
        headcount: rows,
    })
}

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsPage {
    title: String,
    path: Vec<(String, String)>,
    items: Vec<RegionView>,
}

async fn regions_root() -> Result<Response, UiError> {
    region(Path("330500".to_string())).await
}

async fn region(Path(code): Path<String>) -> Result<Response, UiError> {
    let r = Regions::huzhou();
    let this = r
        .get(&code)
        .ok_or_else(|| ApiError::not_found("行政区划"))?;
    let path = r
        .path(&code)
        .iter()
        .map(|x| (x.code.clone(), x.name.clone()))
        .collect();
    let items = r.children(&code).map(region_view).collect();
    let title = match this.level {
        RegionLevel::Village => format!("{}({})", r.full_name(&code), this.level.label_zh()),
        _ => format!("{} 的下级区划", r.full_name(&code)),
    };
    render(RegionsPage { title, path, items })
}
