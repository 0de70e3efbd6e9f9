//! The web UI in simplified Chinese: server-rendered pages (askama), no script, every asset
//! embedded in the binary. Pages read through the same store functions as the API, with the
//! caller's scope, and show personal data masked. Which pages a role may open is decided by
//! the access table (`crate::access::ROUTES`), before any handler here runs.

mod account;
mod applications;
pub use account::parse_new_user;
pub mod chart;
mod forms;
mod help;
pub(crate) mod imports;
mod jobs;
pub(crate) mod market;
mod monitor;
mod policy;
pub use policy::fact_label;
mod rights;
mod skills;
mod welfare;

use crate::AppState;
use crate::access::Caller;
use crate::api::{EnterpriseQuery, HouseholdQuery, PersonQuery, RegionView, region_view};
use crate::error::{ApiError, ApiQuery, IdPath, region_filter};
use crate::views::{EnterpriseView, HouseholdView, LabourEventView, PersonView};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use leye_domain::access::Permission;
use leye_domain::enterprise::Industry;
use leye_domain::labour::LabourStatus;
use leye_domain::region::RegionLevel;
use leye_domain::{Regions, Scope};
use leye_store as store;

const APP_CSS: &str = include_str!("../../static/app.css");
const SUGGEST_JS: &str = include_str!("../../static/suggest.js");

/// UI routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/app.css", get(css))
        .route("/static/suggest.js", get(suggest_js))
        .route("/persons", get(persons))
        .route("/persons/{id}", get(person))
        .route("/households", get(households))
        .route("/households/{id}", get(household))
        .route("/enterprises", get(enterprises))
        .route("/enterprises/{id}", get(enterprise))
        .route("/regions", get(regions_root))
        .route("/regions/{code}", get(region))
        .route("/persons/export.csv", get(forms::export_persons))
        .route("/households/export.csv", get(forms::export_households))
        .route("/enterprises/export.csv", get(forms::export_enterprises))
        .route("/persons/export.xlsx", get(forms::export_persons))
        .route("/households/export.xlsx", get(forms::export_households))
        .route("/enterprises/export.xlsx", get(forms::export_enterprises))
        .route(
            "/persons/new",
            get(forms::new_person).post(forms::create_person),
        )
        .route(
            "/persons/{id}/edit",
            get(forms::edit_person).post(forms::update_person),
        )
        .route(
            "/persons/{id}/reveal",
            axum::routing::post(forms::reveal_person),
        )
        .route(
            "/enterprises/new",
            get(forms::new_enterprise).post(forms::create_enterprise),
        )
        .route(
            "/enterprises/{id}/edit",
            get(forms::edit_enterprise).post(forms::update_enterprise),
        )
        .route(
            "/households/new",
            get(forms::new_household).post(forms::create_household),
        )
        .route(
            "/households/{id}/edit",
            get(forms::edit_household).post(forms::update_household),
        )
        .merge(account::router())
        .merge(policy::router())
        .merge(imports::router())
        .merge(applications::router())
        .merge(welfare::router())
        .merge(help::router())
        .merge(rights::router())
        .merge(jobs::router())
        .merge(market::router())
        .merge(monitor::router())
        .merge(skills::router())
        .fallback(page_not_found)
}

/// An error shown as a Chinese page with the right status.
pub struct UiError(pub ApiError);

impl<E: Into<ApiError>> From<E> for UiError {
    fn from(e: E) -> Self {
        UiError(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Nav,
    heading: String,
    message: String,
}

/// What the page header shows: the user, and the menu their role may use.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub signed_in: bool,
    pub user: String,
    pub role: String,
    pub role_code: String,
    pub csrf: String,
    pub persons: bool,
    pub households: bool,
    pub enterprises: bool,
    pub users: bool,
    pub audit: bool,
    pub offers: bool,
    /// May import at least one entity (批量导入).
    pub imports: bool,
    pub applications: bool,
    pub payments: bool,
    pub budgets: bool,
    pub funds: bool,
    pub welfare: bool,
    pub help: bool,
    pub rights: bool,
    /// Sees monitoring, targets, alerts (就业监测)
    pub monitor: bool,
    /// Sees the skills, startup and enterprise-service registries (技能与创业)
    pub skills: bool,
    /// A key enterprise's own hiring demands (用工需求)
    pub demands: bool,
    /// May publish and manage postings (招聘岗位)
    pub postings: bool,
    /// Has a job-seeker page of their own (我的求职)
    pub seeker: bool,
    /// `zh` or `en`
    pub lang: String,
}

impl Nav {
    /// A signed-out header in a language.
    pub fn anonymous(lang: &str) -> Self {
        Self {
            lang: lang.to_string(),
            ..Default::default()
        }
    }

    /// Translate a Chinese UI text into the page's language.
    pub fn tr<S: AsRef<str> + ?Sized>(&self, zh: &S) -> String {
        crate::i18n::tr(&self.lang, zh.as_ref())
    }
}

impl Nav {
    pub fn of(c: &Caller) -> Self {
        use leye_domain::access::Permission::*;
        Self {
            signed_in: true,
            user: c.user.display_name.clone(),
            role: c.role.label_zh().into(),
            role_code: c.role.code().into(),
            csrf: c.csrf().into(),
            persons: c.may(PersonRead),
            households: c.may(HouseholdRead),
            enterprises: c.may(EnterpriseRead),
            users: c.may(UserAdmin),
            audit: c.may(AuditRead),
            offers: c.may(OfferRead),
            imports: [PersonWrite, HouseholdWrite, EnterpriseWrite]
                .into_iter()
                .any(|p| c.may(p)),
            applications: c.may(ApplicationRead),
            payments: c.may(PaymentRun),
            budgets: c.may(BudgetManage),
            funds: c.may(FundReport),
            welfare: c.may(WelfarePost),
            help: c.may(HelpRead),
            rights: c.may(RightsRead),
            monitor: c.may(MonitorRead),
            skills: c.may(SkillsRead),
            demands: c.may(DemandSubmit) && c.user.enterprise_id.is_some(),
            postings: c.may(PostingWrite),
            seeker: c.may(SeekerProfile) && c.user.person_id.is_some(),
            lang: c.lang.clone(),
        }
    }
}

/// The header for a page anyone may open: the caller's menu, or a signed-out header.
pub(crate) fn nav_for(caller: &Option<Caller>, headers: &axum::http::HeaderMap) -> Nav {
    match caller {
        Some(c) => Nav::of(c),
        None => Nav::anonymous(crate::access::lang_of(headers)),
    }
}

/// A stored UTC timestamp (RFC 3339) as Huzhou's local time `YYYY-MM-DD HH:MM`.
pub(crate) fn local_ts(s: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(s).map_or_else(
        |_| s.chars().take(16).collect(),
        |t| {
            leye_domain::time::local(t.with_timezone(&chrono::Utc))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        },
    )
}

/// Huzhou's counties as (code, name) choices of a select.
pub(crate) fn county_choices() -> Vec<(String, String)> {
    leye_domain::Regions::huzhou()
        .all()
        .filter(|r| r.level == leye_domain::region::RegionLevel::County)
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect()
}

/// The (code, Chinese label) pairs of a select.
pub(crate) fn choices<T: Copy>(
    all: &[T],
    f: impl Fn(T) -> (&'static str, &'static str),
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|x| f(*x)).collect()
}

/// An error page waiting for its header: the guard re-renders it with the caller's menu.
#[derive(Debug, Clone)]
pub struct ErrorPageInfo {
    heading: String,
    message: String,
}

fn error_page(status: StatusCode, nav: Nav, info: &ErrorPageInfo) -> Response {
    let page = ErrorPage {
        nav,
        heading: info.heading.clone(),
        message: info.message.clone(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, "出错了").into_response(),
    }
}

/// Give an error page for a signed-out visitor their language.
pub fn with_lang(res: Response, lang: &str) -> Response {
    match res.extensions().get::<ErrorPageInfo>().cloned() {
        Some(info) => error_page(res.status(), Nav::anonymous(lang), &info),
        None => res,
    }
}

/// Give an error page the signed-in caller's header and menu.
pub fn with_nav(res: Response, caller: &Caller) -> Response {
    match res.extensions().get::<ErrorPageInfo>().cloned() {
        Some(info) => error_page(res.status(), Nav::of(caller), &info),
        None => res,
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let heading = match self.0.status {
            StatusCode::NOT_FOUND => "找不到页面或记录",
            StatusCode::FORBIDDEN => "无权访问",
            s if s.is_client_error() => "请求有误",
            _ => "系统暂时出现问题",
        };
        let info = ErrorPageInfo {
            heading: heading.into(),
            message: self.0.body.message,
        };
        let mut res = error_page(self.0.status, Nav::default(), &info);
        res.extensions_mut().insert(info);
        res
    }
}

pub(crate) fn render(t: impl Template) -> Result<Response, UiError> {
    t.render().map(|h| Html(h).into_response()).map_err(|e| {
        tracing::error!(error = %e, "template");
        UiError(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "页面生成失败",
        ))
    })
}

async fn suggest_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        SUGGEST_JS,
    )
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

pub(crate) fn scope_name(scope: &Scope) -> String {
    match scope {
        Scope::System => "全部".into(),
        Scope::Region(code) => Regions::huzhou().full_name(code),
        Scope::ResponsibleUnit(u) => u.clone(),
        Scope::Enterprise(_) => "本企业".into(),
        Scope::Person(_) => "本人".into(),
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    nav: Nav,
    display_name: String,
    scope_name: String,
    counts: store::RegistryCounts,
    user_count: usize,
    chart: String,
    tasks: Vec<(&'static str, &'static str)>,
}

async fn home(State(app): State<AppState>, caller: Caller) -> Result<Response, UiError> {
    use leye_domain::access::Permission::*;
    let scope = &caller.scope;
    let counts = app.store.counts(scope).await?;
    let mut tx = app.store.begin().await?;
    let chart = if caller.may(PersonRead) {
        let rows: Vec<(String, i64)> = store::count_persons_by_county(&mut tx, scope)
            .await?
            .into_iter()
            .map(|(code, n)| {
                (
                    Regions::huzhou()
                        .get(&code)
                        .map_or(code.clone(), |r| r.name.clone()),
                    n,
                )
            })
            .collect();
        if rows.len() > 1 {
            chart::bar_chart(&rows, "人")
        } else {
            String::new()
        }
    } else {
        String::new()
    };
    let user_count = if caller.may(UserAdmin) {
        store::list_users(&mut tx).await?.len()
    } else {
        0
    };
    tx.commit().await?;
    let mut tasks = Vec::new();
    if caller.may(PersonWrite) {
        tasks.push(("/persons/new", "登记人员"));
    }
    if caller.may(HouseholdWrite) {
        tasks.push(("/households/new", "登记家庭"));
    }
    if caller.may(EnterpriseCreate) {
        tasks.push(("/enterprises/new", "登记企业"));
    }
    if caller.role == leye_domain::access::Role::Employer {
        tasks.push(("/enterprises", "本企业信息与用工人数"));
    }
    if caller.role == leye_domain::access::Role::JobSeeker {
        tasks.push(("/persons", "我的登记信息"));
    }
    tasks.push(("/account", "修改密码、管理接口令牌"));
    render(Home {
        display_name: caller.user.display_name.clone(),
        scope_name: scope_name(scope),
        nav: Nav::of(&caller),
        counts,
        user_count,
        chart,
        tasks,
    })
}

/// Paging figures and the query string (without `page`) for the pager links.
pub(crate) struct Pager {
    /// The total as shown: `10000+` when there are more than counted.
    total: String,
    page: i64,
    pages: i64,
    query: String,
}

/// A list's total as shown: `10000+` when there are more rows than were counted.
pub(crate) fn shown_total<T>(p: &store::Page<T>) -> String {
    if p.total_capped {
        format!("{}+", p.total)
    } else {
        p.total.to_string()
    }
}

pub(crate) fn pager<T>(p: &store::Page<T>, pairs: &[(&str, &Option<String>)]) -> Pager {
    let query = serde_urlencoded::to_string(
        pairs
            .iter()
            .filter_map(|(k, v)| v.as_deref().filter(|s| !s.is_empty()).map(|v| (*k, v)))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    Pager {
        total: shown_total(p),
        page: p.page,
        pages: ((p.total + p.per_page - 1) / p.per_page).max(1),
        query,
    }
}

#[derive(Template)]
#[template(path = "persons_list.html")]
struct PersonsPage {
    nav: Nav,
    can_create: bool,
    items: Vec<PersonView>,
    statuses: Vec<(&'static str, &'static str)>,
    f_region: String,
    f_name: String,
    f_status: String,
    total: String,
    page: i64,
    pages: i64,
    query: String,
}

async fn persons(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PersonQuery>,
) -> Result<Response, UiError> {
    let page = crate::api::page_of_persons(&app, &caller, &q).await?;
    let pg = pager(
        &page,
        &[
            ("region", &q.region),
            ("name", &q.name),
            ("labour_status", &q.labour_status),
        ],
    );
    render(PersonsPage {
        nav: Nav::of(&caller),
        can_create: caller.may(Permission::PersonWrite),
        items: page.items.into_iter().map(PersonView::from).collect(),
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
    nav: Nav,
    can_edit: bool,
    can_reveal: bool,
    p: PersonView,
    events: Vec<LabourEventView>,
    /// 帮扶与政策, for roles that see help
    help: Option<PersonHelpShown>,
}

/// The help section of a person's page.
pub struct PersonHelpShown {
    pub hte: &'static str,
    pub hte_reason: String,
    pub case_id: Option<i64>,
    /// (measure id, label with amount)
    pub entitlements: Vec<(String, String)>,
    /// Entitlements link to a new application (else to the measure's guide)
    pub may_apply: bool,
}

async fn person(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let scope = &caller.scope;
    let mut tx = app.store.begin().await?;
    let p = store::get_person(&mut tx, scope, id).await?;
    let events = store::labour_history(&mut tx, scope, id).await?;
    tx.commit().await?;
    let help = if caller.may(Permission::HelpRead) {
        let h = leye_help::person_help(&app.store, scope, id, app.clock.today()).await?;
        Some(PersonHelpShown {
            hte: h
                .hte
                .as_ref()
                .map_or("", |x| leye_help::state_label(&x.state)),
            hte_reason: h.hte.map(|x| x.reason).unwrap_or_default(),
            case_id: h.case_id,
            may_apply: caller.may(Permission::ApplicationSubmit),
            entitlements: h
                .entitlements
                .into_iter()
                .map(|(mid, name, fen)| {
                    let label = match fen {
                        Some(f) => format!("{name}({}元)", leye_domain::Money::from_fen(f)),
                        None => name,
                    };
                    (mid, label)
                })
                .collect(),
        })
    } else {
        None
    };
    render(PersonPage {
        nav: Nav::of(&caller),
        can_edit: caller.may(Permission::PersonWrite),
        can_reveal: caller.may(Permission::PersonReveal),
        p: (&p).into(),
        events: events.iter().map(LabourEventView::from).collect(),
        help,
    })
}

#[derive(Template)]
#[template(path = "households_list.html")]
struct HouseholdsPage {
    nav: Nav,
    can_create: bool,
    items: Vec<HouseholdView>,
    f_region: String,
    total: String,
    page: i64,
    pages: i64,
    query: String,
}

async fn households(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
) -> Result<Response, UiError> {
    let f = store::HouseholdFilter {
        region: region_filter("region", &q.region)?,
        urban: q.urban,
    };
    let scope = &caller.scope;
    let mut tx = app.store.begin().await?;
    let page =
        store::list_households(&mut tx, scope, &f, store::Paging::new(q.page, q.per_page)).await?;
    tx.commit().await?;
    let pg = pager(&page, &[("region", &q.region)]);
    render(HouseholdsPage {
        nav: Nav::of(&caller),
        can_create: caller.may(Permission::HouseholdWrite),
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
    nav: Nav,
    can_edit: bool,
    h: HouseholdView,
    /// 家庭服务, for roles that see help
    family: Option<FamilyShown>,
}

/// The family section of a household page.
pub struct FamilyShown {
    pub zero_since: String,
    pub zero_deadline: String,
    pub case_id: Option<i64>,
    pub expand_middle: bool,
    pub members: Vec<FamilyMemberShown>,
    /// The last twelve months: month, members at work, income band (label).
    pub months: Vec<(String, usize, &'static str)>,
}

/// One member in the family section.
pub struct FamilyMemberShown {
    pub person_id: i64,
    pub name: String,
    pub hte: &'static str,
    pub case_id: Option<i64>,
    /// (measure id, label with amount)
    pub entitlements: Vec<(String, String)>,
}

fn family_shown(f: leye_help::Family) -> FamilyShown {
    FamilyShown {
        zero_since: f
            .zero
            .as_ref()
            .map(|z| z.identified_on.clone())
            .unwrap_or_default(),
        zero_deadline: f
            .zero
            .as_ref()
            .map(|z| z.deadline.clone())
            .unwrap_or_default(),
        case_id: f.case_id,
        expand_middle: f.expand_middle,
        months: f
            .months
            .iter()
            .map(|m| {
                (
                    m.month.clone(),
                    m.employed,
                    leye_domain::household::IncomeBand::from_code(&m.income_band)
                        .map_or("", |b| b.label_zh()),
                )
            })
            .collect(),
        members: f
            .members
            .into_iter()
            .map(|m| FamilyMemberShown {
                person_id: m.person_id,
                name: m.name,
                hte: m.hte_state.as_deref().map_or("", leye_help::state_label),
                case_id: m.case_id,
                entitlements: m
                    .entitlements
                    .into_iter()
                    .map(|(id, name, fen)| {
                        let label = match fen {
                            Some(f) => format!("{name}({}元)", leye_domain::Money::from_fen(f)),
                            None => name,
                        };
                        (id, label)
                    })
                    .collect(),
            })
            .collect(),
    }
}

async fn household(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let scope = &caller.scope;
    let mut tx = app.store.begin().await?;
    let h = store::get_household(&mut tx, scope, id).await?;
    tx.commit().await?;
    let family = if caller.may(Permission::HelpRead) {
        Some(family_shown(
            leye_help::family(&app.store, scope, id, app.clock.today()).await?,
        ))
    } else {
        None
    };
    render(HouseholdPage {
        nav: Nav::of(&caller),
        can_edit: caller.may(Permission::HouseholdWrite),
        h: (&h).into(),
        family,
    })
}

#[derive(Template)]
#[template(path = "enterprises_list.html")]
struct EnterprisesPage {
    nav: Nav,
    can_create: bool,
    items: Vec<EnterpriseView>,
    industries: Vec<(&'static str, &'static str)>,
    f_region: String,
    f_name: String,
    f_industry: String,
    total: String,
    page: i64,
    pages: i64,
    query: String,
}

async fn enterprises(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<EnterpriseQuery>,
) -> Result<Response, UiError> {
    let f = q.filter()?;
    let scope = &caller.scope;
    let mut tx = app.store.begin().await?;
    let page =
        store::list_enterprises(&mut tx, scope, &f, store::Paging::new(q.page, q.per_page)).await?;
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
        nav: Nav::of(&caller),
        can_create: caller.may(Permission::EnterpriseCreate),
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
    nav: Nav,
    can_edit: bool,
    e: EnterpriseView,
    /// (month, headcount, change from the month before)
    headcount: Vec<(String, u32, String)>,
}

async fn enterprise(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let scope = &caller.scope;
    let mut tx = app.store.begin().await?;
    let e = store::get_enterprise(&mut tx, scope, id).await?;
    let h = store::headcount_history(&mut tx, scope, id).await?;
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
        nav: Nav::of(&caller),
        can_edit: caller.may(Permission::EnterpriseWrite),
        e: (&e).into(),
        headcount: rows,
    })
}

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsPage {
    nav: Nav,
    /// The place (data) and what the page lists of it (UI text).
    place: String,
    suffix: &'static str,
    path: Vec<(String, String)>,
    items: Vec<RegionView>,
}

async fn regions_root(caller: Caller) -> Result<Response, UiError> {
    region(caller, Path("330500".to_string())).await
}

async fn region(caller: Caller, Path(code): Path<String>) -> Result<Response, UiError> {
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
    let suffix = match this.level {
        RegionLevel::Village => this.level.label_zh(),
        _ => "的下级区划",
    };
    render(RegionsPage {
        nav: Nav::of(&caller),
        place: r.full_name(&code),
        suffix,
        path,
        items,
    })
}
