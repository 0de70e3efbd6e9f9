//! 技能与创业 pages: the overview of the registries of plan 二(二), 二(四) and 二(五) with the
//! counts that feed the plan's targets; each registry's list, record, form, import, template
//! and export; key-enterprise service tickets (用工服务单) from demand to placement; and
//! employment impact assessments with their one-page report.

use super::imports::{io_error, read_upload, result_page, xlsx_response};
use super::policy::url_escape;
use super::{Nav, UiError, choices, local_ts, pager, render};
use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiQuery, IdPath};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use leye_domain::access::Permission;
use leye_domain::registry::{Kind, REGION_HEADER, Registry};
use leye_domain::service::{Channel, TicketState};
use leye_domain::{Regions, Scope};
use leye_skills::catalogue;
use leye_store::Paging;
use leye_store::registry::RegistryFilter;
use std::collections::HashMap;

type Raw = HashMap<String, String>;

pub fn router() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/skills", get(overview))
        .route("/skills/{registry}", get(list).post(create))
        .route(
            "/skills/{registry}/import",
            post(import).layer(DefaultBodyLimit::max(50 * 1024 * 1024)),
        )
        .route("/skills/{registry}/template.xlsx", get(template))
        .route("/skills/{registry}/export.xlsx", get(export))
        .route("/skills/{registry}/{id}", get(record))
        .route("/skills/{registry}/{id}/edit", get(edit).post(update))
        // The registries of labour rights, under their own permissions.
        .route("/rights/registries/{registry}", get(list).post(create))
        .route(
            "/rights/registries/{registry}/import",
            post(import).layer(DefaultBodyLimit::max(50 * 1024 * 1024)),
        )
        .route("/rights/registries/{registry}/template.xlsx", get(template))
        .route("/rights/registries/{registry}/export.xlsx", get(export))
        .route("/rights/registries/{registry}/{id}", get(record))
        .route(
            "/rights/registries/{registry}/{id}/edit",
            get(edit).post(update),
        )
        .route("/service/tickets", get(tickets).post(new_ticket))
        .route("/service/tickets/{id}", get(ticket))
        .route("/service/tickets/{id}/link", post(link))
        .route("/service/tickets/{id}/place", post(place))
        .route("/service/tickets/{id}/take-hires", post(take_hires))
        .route("/service/tickets/{id}/close", post(close))
        .route("/me/demands", get(demands).post(new_demand))
        .route("/service/impact", get(impacts).post(assess))
        .route("/service/impact/{id}", get(impact))
}

fn registry(uri: &axum::http::Uri, id: &str) -> Result<&'static Registry, UiError> {
    Ok(crate::api::skills::find(uri, id)?)
}

/// Where a registry's pages live: labour rights' under 劳动者权益, the others under 技能与创业.
fn base(reg: &Registry) -> &'static str {
    if reg.area == leye_domain::registry::Area::Rights {
        "/rights/registries"
    } else {
        "/skills"
    }
}

/// May the caller write rows of this registry (its area's permission)?
fn may_write(caller: &Caller, reg: &Registry) -> bool {
    caller.may(if reg.area == leye_domain::registry::Area::Rights {
        Permission::RightsWrite
    } else {
        Permission::SkillsWrite
    })
}

/// The page a registry's pages lead back to: (link, Chinese label).
fn home(reg: &Registry) -> (&'static str, &'static str) {
    if reg.area == leye_domain::registry::Area::Rights {
        ("/rights", "劳动者权益")
    } else {
        ("/skills", "技能与创业")
    }
}

/// The caller's region prefix for counts (`None`: nothing, e.g. an enterprise).
fn region_prefix(scope: &Scope) -> Option<String> {
    match scope {
        Scope::System => Some(String::new()),
        Scope::Region(code) => Regions::huzhou().get(code).map(|r| r.prefix().to_string()),
        _ => None,
    }
}

/// A target of the plan fed by these registries, with its count so far.
pub struct TargetShown {
    pub name: String,
    pub clause: String,
    pub actual: String,
    pub target: String,
    pub basis: &'static str,
    pub met: bool,
}

/// A registry on the overview.
pub struct RegistryShown {
    pub id: &'static str,
    pub label: &'static str,
    pub clause: &'static str,
    pub about: &'static str,
    pub rows: i64,
}

/// One menu group of registries.
pub struct AreaShown {
    pub label: &'static str,
    pub registries: Vec<RegistryShown>,
}

#[derive(Template)]
#[template(path = "skills.html")]
struct OverviewPage {
    nav: Nav,
    year: i32,
    targets: Vec<TargetShown>,
    areas: Vec<AreaShown>,
    /// Startup loans by partner bank: bank, loans, amount (yuan).
    loans: Vec<(String, i64, String)>,
    /// Startup spaces by level of the 2618 system: level, what is summed, spaces, sum.
    spaces: Vec<(String, &'static str, i64, i64)>,
    tickets: bool,
    impact: bool,
}

async fn overview(State(app): State<AppState>, caller: Caller) -> Result<Response, UiError> {
    let today = app.clock.today();
    let year_start = today.with_ordinal(1).unwrap_or(today);
    let mut tx = app.store.begin_read().await?;
    let counts = leye_skills::counts::counts(&mut tx, year_start, today)
        .await
        .map_err(ApiError::from)?;
    let mut areas: Vec<AreaShown> = Vec::new();
    for r in catalogue::ALL {
        let rows = leye_store::registry::count(&mut tx, &caller.scope, r).await?;
        let shown = RegistryShown {
            id: r.id,
            label: r.label,
            clause: r.clause,
            about: r.about,
            rows,
        };
        match areas.iter_mut().find(|a| a.label == r.area.label_zh()) {
            Some(a) => a.registries.push(shown),
            None => areas.push(AreaShown {
                label: r.area.label_zh(),
                registries: vec![shown],
            }),
        }
    }
    let money = |fen: i64| leye_domain::Money::from_fen(fen).to_string();
    let loans = leye_store::registry::sums_by(
        &mut tx,
        &caller.scope,
        &catalogue::STARTUP_LOANS,
        "bank",
        "amount_fen",
    )
    .await?
    .into_iter()
    .map(|(bank, n, fen)| (bank, n, money(fen)))
    .collect();
    let mut spaces = Vec::new();
    for (col, what) in [("workstations", "工位"), ("free_workstations", "免费工位")] {
        for (level, n, sum) in leye_store::registry::sums_by(
            &mut tx,
            &caller.scope,
            &catalogue::STARTUP_SPACES,
            "cluster_level",
            col,
        )
        .await?
        {
            let label = leye_domain::registry::label_of(
                catalogue::STARTUP_SPACES
                    .field("cluster_level")
                    .map_or(leye_domain::registry::Kind::Text(0), |f| f.kind),
                &level,
            )
            .to_string();
            spaces.push((label, what, n, sum));
        }
    }
    tx.commit().await?;
    let prefix = region_prefix(&caller.scope);
    let cat = leye_monitor::catalogue::Catalogue::current();
    let targets = cat
        .targets
        .iter()
        .filter(|t| leye_skills::counts::counts_indicator(&t.indicator))
        .map(|t| {
            let actual: i64 = counts
                .iter()
                .filter(|c| c.indicator == t.indicator)
                .filter(|c| prefix.as_deref().is_some_and(|p| c.region.starts_with(p)))
                .map(|c| c.n)
                .sum();
            let stock = t.rule == leye_monitor::catalogue::Rule::CountBy;
            TargetShown {
                name: t.name.clone(),
                clause: t.clause.clone(),
                actual: format!("{actual}{}", t.unit),
                target: format!("{}{}", t.value, t.unit),
                basis: if stock {
                    "到2026年累计"
                } else {
                    "本年累计"
                },
                met: actual >= t.value,
            }
        })
        .collect();
    render(OverviewPage {
        nav: Nav::of(&caller),
        year: today.year(),
        targets,
        areas,
        loans,
        spaces,
        tickets: caller.may(Permission::TicketWork),
        impact: caller.may(Permission::ImpactAssess),
    })
}

/// A field of the form.
pub struct FieldShown {
    pub name: &'static str,
    pub header: &'static str,
    pub required: bool,
    /// text, number, date or select
    pub input: &'static str,
    pub options: Vec<(&'static str, &'static str)>,
    pub hint: String,
    pub value: String,
}

/// A row of the list.
pub struct RowShown {
    pub id: i64,
    pub cells: Vec<String>,
    pub region: String,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "registry.html")]
struct ListPage {
    nav: Nav,
    reg: &'static Registry,
    base: &'static str,
    home: (&'static str, &'static str),
    headers: Vec<&'static str>,
    rows: Vec<RowShown>,
    fields: Vec<FieldShown>,
    f_q: String,
    f_region: String,
    may_write: bool,
    message: String,
    error: String,
    total: String,
    page: i64,
    pages: i64,
    query: String,
}

fn form_fields(reg: &Registry, values: &Raw, default_region: &str) -> Vec<FieldShown> {
    let mut out: Vec<FieldShown> = reg
        .fields
        .iter()
        .map(|f| {
            let (input, options, hint) = match f.kind {
                Kind::Choice(all) => ("select", all.to_vec(), String::new()),
                Kind::Level => (
                    "select",
                    leye_domain::jobs::SkillLevel::ALL
                        .iter()
                        .map(|l| (l.code(), l.label_zh()))
                        .collect(),
                    String::new(),
                ),
                Kind::Flag => ("select", vec![("0", "否"), ("1", "是")], String::new()),
                Kind::Date => ("date", Vec::new(), String::new()),
                Kind::Int(min, max) => ("number", Vec::new(), format!("{min}–{max}")),
                Kind::Money => ("text", Vec::new(), "元".into()),
                Kind::Person => ("text", Vec::new(), "18位身份证号,人员须已登记".into()),
                Kind::Enterprise => (
                    "text",
                    Vec::new(),
                    "18位统一社会信用代码,企业须已登记".into(),
                ),
                Kind::CreditText => ("text", Vec::new(), "18位统一社会信用代码".into()),
                Kind::Ref(..) => ("text", Vec::new(), "已登记的名称或编号".into()),
                Kind::Occupation => ("text", Vec::new(), "如6-18-01-01".into()),
                Kind::Region => ("text", Vec::new(), "区划代码".into()),
                Kind::Text(max) => ("text", Vec::new(), format!("≤{max}字")),
            };
            FieldShown {
                name: f.name,
                header: f.header,
                required: f.required,
                input,
                options,
                hint,
                value: values.get(f.name).cloned().unwrap_or_default(),
            }
        })
        .collect();
    out.push(FieldShown {
        name: "region",
        header: REGION_HEADER,
        required: reg.region_from.is_none(),
        input: "text",
        options: Vec::new(),
        hint: if reg.region_from.is_some() {
            "可不填,随所属记录".into()
        } else {
            "如330502或乡镇9位代码".into()
        },
        value: values
            .get("region")
            .cloned()
            .unwrap_or_else(|| default_region.to_string()),
    });
    out
}

/// The region a form starts with: the caller's own (a county officer writes in their county).
fn default_region(scope: &Scope) -> String {
    match scope {
        Scope::Region(code) if code != "330500" => code.clone(),
        _ => String::new(),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct ListQuery {
    q: Option<String>,
    region: Option<String>,
    page: Option<i64>,
    msg: Option<String>,
}

async fn list_page(
    app: &AppState,
    caller: &Caller,
    reg: &'static Registry,
    q: &ListQuery,
    values: &Raw,
    error: String,
) -> Result<Response, UiError> {
    let filter = RegistryFilter {
        q: q.q.clone(),
        region: q.region.clone(),
    };
    let mut tx = app.store.begin_read().await?;
    let page = leye_store::registry::list(
        &mut tx,
        &caller.scope,
        reg,
        &filter,
        Paging::new(q.page, Some(50)),
    )
    .await?;
    tx.commit().await?;
    let p = pager(&page, &[("q", &q.q), ("region", &q.region)]);
    let listed: Vec<usize> = reg
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.listed)
        .map(|(i, _)| i)
        .collect();
    render(ListPage {
        nav: Nav::of(caller),
        reg,
        base: base(reg),
        home: home(reg),
        headers: listed.iter().map(|i| reg.fields[*i].header).collect(),
        rows: page
            .items
            .into_iter()
            .map(|r| RowShown {
                id: r.id,
                cells: listed.iter().map(|i| r.cells[*i].clone()).collect(),
                region: r.region_name,
                updated: local_ts(&r.updated_at),
            })
            .collect(),
        fields: form_fields(reg, values, &default_region(&caller.scope)),
        f_q: q.q.clone().unwrap_or_default(),
        f_region: q.region.clone().unwrap_or_default(),
        may_write: may_write(caller, reg),
        message: q.msg.clone().unwrap_or_default(),
        error,
        total: p.total,
        page: p.page,
        pages: p.pages,
        query: p.query,
    })
}

async fn list(
    uri: axum::http::Uri,
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, UiError> {
    let reg = registry(&uri, &id)?;
    list_page(&app, &caller, reg, &q, &Raw::new(), String::new()).await
}

async fn create(
    uri: axum::http::Uri,
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let reg = registry(&uri, &id)?;
    let r = crate::api::skills::create_row(&app, &caller, reg, |k| {
        raw.get(k).cloned().unwrap_or_default()
    })
    .await;
    match r {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}/{}?msg={}",
            base(reg),
            reg.id,
            url_escape(&format!("已登记{}", reg.label))
        ))
        .into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let status = e.status;
            let mut res = list_page(
                &app,
                &caller,
                reg,
                &ListQuery::default(),
                &raw,
                e.body.message.clone(),
            )
            .await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

async fn import(
    uri: axum::http::Uri,
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    form: Multipart,
) -> Result<Response, UiError> {
    let reg = registry(&uri, &id)?;
    let (file, bytes, skip_invalid) = read_upload(form).await?;
    let report = leye_io::registry::import(
        &app.store,
        &caller.scope,
        &caller.actor,
        reg,
        (&file, &bytes),
        leye_io::ImportOptions { skip_invalid },
        app.clock.now(),
    )
    .await
    .map_err(io_error)?;
    result_page(
        &caller,
        reg.label,
        file,
        report,
        &format!("{}/{}", base(reg), reg.id),
    )
}

async fn template(uri: axum::http::Uri, Path(id): Path<String>) -> Result<Response, UiError> {
    let reg = registry(&uri, &id)?;
    let bytes = leye_io::registry::template(reg).map_err(io_error)?;
    Ok(xlsx_response(&format!("{}导入模板.xlsx", reg.label), bytes))
}

async fn export(
    uri: axum::http::Uri,
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, UiError> {
    let reg = registry(&uri, &id)?;
    let filter = RegistryFilter {
        q: q.q,
        region: q.region,
    };
    let bytes = leye_io::registry::export(&app.store, &caller.scope, reg, &filter)
        .await
        .map_err(io_error)?;
    Ok(xlsx_response(
        &format!("{}_{}.xlsx", reg.label, app.clock.today()),
        bytes,
    ))
}

#[derive(Template)]
#[template(path = "registry_row.html")]
struct RecordPage {
    nav: Nav,
    reg: &'static Registry,
    base: &'static str,
    home: (&'static str, &'static str),
    id: i64,
    pairs: Vec<(&'static str, String)>,
    region: String,
    updated: String,
    may_write: bool,
    message: String,
}

fn row_id(raw: &str) -> Result<i64, UiError> {
    raw.parse()
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "记录不存在").into())
}

async fn record(
    uri: axum::http::Uri,
    State(app): State<AppState>,
    caller: Caller,
    Path((id, row)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, UiError> {
    let reg = registry(&uri, &id)?;
    let row = row_id(&row)?;
    let mut tx = app.store.begin_read().await?;
    let r = leye_store::registry::get(&mut tx, &caller.scope, reg, row).await?;
    tx.commit().await?;
    render(RecordPage {
        nav: Nav::of(&caller),
        reg,
        base: base(reg),
        home: home(reg),
        id: row,
        pairs: reg.fields.iter().map(|f| f.header).zip(r.cells).collect(),
        region: r.region_name,
        updated: local_ts(&r.updated_at),
        may_write: may_write(&caller, reg),
        message: q.msg.unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "registry_edit.html")]
struct EditPage {
    nav: Nav,
    reg: &'static Registry,
    base: &'static str,
    home: (&'static str, &'static str),
    id: i64,
    fields: Vec<FieldShown>,
    error: String,
}

/// The stored values as a form holds them (the server's copy: ID numbers included).
async fn stored(app: &AppState, caller: &Caller, reg: &Registry, row: i64) -> Result<Raw, UiError> {
    let mut tx = app.store.begin_read().await?;
    let raw = leye_store::registry::raw_values(&mut tx, &caller.scope, reg, row).await?;
    tx.commit().await?;
    Ok(raw.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// The values without ID numbers: the page never shows them (a blank keeps the person).
fn people_blank(reg: &Registry, mut values: Raw) -> Raw {
    for f in reg.fields.iter().filter(|f| f.kind == Kind::Person) {
        values.insert(f.name.to_string(), String::new());
    }
    values
}

fn edit_page(
    caller: &Caller,
    reg: &'static Registry,
    row: i64,
    values: &Raw,
    error: String,
) -> Result<Response, UiError> {
    let mut fields = form_fields(reg, values, "");
    for f in fields.iter_mut() {
        if reg.field(f.name).is_some_and(|x| x.kind == Kind::Person) {
            f.required = false;
            f.hint = "留空则不变".into();
        }
    }
    render(EditPage {
        nav: Nav::of(caller),
        reg,
        base: base(reg),
        home: home(reg),
        id: row,
        fields,
        error,
    })
}

async fn edit(
    uri: axum::http::Uri,
    State(app): State<AppState>,
    caller: Caller,
    Path((id, row)): Path<(String, String)>,
) -> Result<Response, UiError> {
    let reg = registry(&uri, &id)?;
    let row = row_id(&row)?;
    let values = people_blank(reg, stored(&app, &caller, reg, row).await?);
    edit_page(&caller, reg, row, &values, String::new())
}

async fn update(
    uri: axum::http::Uri,
    State(app): State<AppState>,
    caller: Caller,
    Path((id, row)): Path<(String, String)>,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let reg = registry(&uri, &id)?;
    let row = row_id(&row)?;
    // A person left blank stays who they were.
    let before = stored(&app, &caller, reg, row).await?;
    let get = |k: &str| {
        let typed = raw.get(k).cloned().unwrap_or_default();
        match reg.field(k) {
            Some(f) if f.kind == Kind::Person && typed.trim().is_empty() => {
                before.get(k).cloned().unwrap_or_default()
            }
            _ => typed,
        }
    };
    match crate::api::skills::update_row(&app, &caller, reg, row, get).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}/{}/{row}?msg={}",
            base(reg),
            reg.id,
            url_escape("已保存")
        ))
        .into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let status = e.status;
            let values = people_blank(reg, raw.clone());
            let mut res = edit_page(&caller, reg, row, &values, e.body.message.clone())?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

// ---- 用工服务单 ----

/// A ticket in a list or on its page.
pub struct TicketShown {
    pub id: i64,
    pub enterprise: String,
    pub title: String,
    pub occupation: String,
    pub headcount: i64,
    pub placed: i64,
    pub fill_rate: String,
    pub deadline: String,
    pub state: &'static str,
    pub overdue: bool,
    pub days_to_fill: String,
    pub opened: String,
    pub institution: String,
    pub posting_id: Option<i64>,
    pub event: String,
    pub class: String,
}

fn ticket_shown(t: &leye_store::TicketRecord, today: chrono::NaiveDate) -> TicketShown {
    let f = leye_skills::tickets::figures(t, today);
    TicketShown {
        id: t.id,
        enterprise: t.enterprise_name.clone(),
        title: t.title.clone(),
        occupation: format!("{} {}", t.occupation, t.occupation_name),
        headcount: t.headcount,
        placed: t.placed,
        fill_rate: format!("{}%", f.fill_rate_bp / 100),
        deadline: t.deadline.clone(),
        state: TicketState::from_code(&t.state).map_or("", |s| s.label_zh()),
        overdue: f.overdue,
        days_to_fill: f.days_to_fill.map(|d| format!("{d}天")).unwrap_or_default(),
        opened: t.opened_on.clone(),
        institution: t.institution_name.clone().unwrap_or_default(),
        posting_id: t.posting_id,
        event: t.event_title.clone().unwrap_or_default(),
        class: t.class_code.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "tickets.html")]
struct TicketsPage {
    nav: Nav,
    items: Vec<TicketShown>,
    key_enterprises: Vec<(i64, String)>,
    f_state: String,
    states: Vec<(&'static str, &'static str)>,
    today: String,
    message: String,
    error: String,
    filled: usize,
    open: usize,
    mean_days: String,
}

#[derive(Debug, Default, serde::Deserialize)]
struct TicketQuery {
    state: Option<String>,
    msg: Option<String>,
}

async fn tickets_page(
    app: &AppState,
    caller: &Caller,
    q: &TicketQuery,
    error: String,
) -> Result<Response, UiError> {
    let today = app.clock.today();
    let mut tx = app.store.begin_read().await?;
    let list = leye_store::list_tickets(&mut tx, &caller.scope, q.state.as_deref()).await?;
    let key_enterprises = leye_store::key_enterprises(&mut tx, &caller.scope).await?;
    tx.commit().await?;
    let items: Vec<TicketShown> = list.iter().map(|t| ticket_shown(t, today)).collect();
    let days: Vec<i64> = list
        .iter()
        .filter_map(|t| leye_skills::tickets::figures(t, today).days_to_fill)
        .collect();
    render(TicketsPage {
        nav: Nav::of(caller),
        filled: list.iter().filter(|t| t.filled_on.is_some()).count(),
        open: list
            .iter()
            .filter(|t| t.state == "open" || t.state == "working")
            .count(),
        mean_days: if days.is_empty() {
            "—".into()
        } else {
            format!(
                "{:.1}天",
                days.iter().sum::<i64>() as f64 / days.len() as f64
            )
        },
        items,
        key_enterprises,
        f_state: q.state.clone().unwrap_or_default(),
        states: choices(TicketState::ALL, |s| (s.code(), s.label_zh())),
        today: today.to_string(),
        message: q.msg.clone().unwrap_or_default(),
        error,
    })
}

async fn tickets(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TicketQuery>,
) -> Result<Response, UiError> {
    tickets_page(&app, &caller, &q, String::new()).await
}

async fn new_ticket(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let r = async {
        let t = crate::api::skills::ticket_input(
            &get("enterprise_id"),
            &get("occupation"),
            &get("title"),
            &get("headcount"),
            &get("deadline"),
            app.clock.today(),
        )?;
        let mut tx = app.store.begin().await?;
        let id =
            leye_store::create_ticket(&mut tx, &caller.scope, &t, &caller.actor, app.clock.now())
                .await?;
        tx.commit().await?;
        Ok::<i64, ApiError>(id)
    }
    .await;
    match r {
        Ok(id) => Ok(Redirect::to(&format!("/service/tickets/{id}")).into_response()),
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            let mut res = tickets_page(
                &app,
                &caller,
                &TicketQuery::default(),
                e.body.message.clone(),
            )
            .await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "ticket.html")]
struct TicketPage {
    nav: Nav,
    t: TicketShown,
    placements: Vec<leye_store::TicketPlacement>,
    steps: Vec<leye_store::TicketStepRecord>,
    postings: Vec<(i64, String)>,
    events: Vec<(i64, String)>,
    classes: Vec<(i64, String)>,
    institutions: Vec<(i64, String)>,
    channels: Vec<(&'static str, &'static str)>,
    hires: usize,
    active: bool,
    fillable: bool,
    today: String,
    message: String,
    error: String,
}

fn channel_label(code: &str) -> &'static str {
    Channel::from_code(code).map_or("", |c| c.label_zh())
}

fn step_label(code: &str) -> &'static str {
    match code {
        "open" => "登记需求",
        "link_posting" => "关联岗位",
        "link_event" => "对接招聘活动",
        "link_class" => "安排订单培训",
        "assign_institution" => "指派人力资源机构",
        "place" => "登记上岗",
        "close" => "关闭",
        _ => "",
    }
}

async fn ticket_page(
    app: &AppState,
    caller: &Caller,
    id: i64,
    message: String,
    error: String,
) -> Result<Response, UiError> {
    let today = app.clock.today();
    let mut tx = app.store.begin_read().await?;
    let t = leye_store::get_ticket(&mut tx, &caller.scope, id).await?;
    let placements = leye_store::ticket_placements(&mut tx, id).await?;
    let steps = leye_store::ticket_steps(&mut tx, id).await?;
    let hires = leye_store::unplaced_hires(&mut tx, &t).await?.len();
    let options = leye_store::ticket_options(&mut tx, &t, &today.to_string()).await?;
    tx.commit().await?;
    let active = t.state == "open" || t.state == "working";
    render(TicketPage {
        nav: Nav::of(caller),
        fillable: active,
        active: active || t.state == "filled",
        t: ticket_shown(&t, today),
        placements,
        steps,
        postings: options.postings,
        events: options.events,
        classes: options.classes,
        institutions: options.institutions,
        channels: choices(Channel::ALL, |c| (c.code(), c.label_zh())),
        hires,
        today: today.to_string(),
        message,
        error,
    })
}

async fn ticket(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<TicketQuery>,
) -> Result<Response, UiError> {
    ticket_page(&app, &caller, id, q.msg.unwrap_or_default(), String::new()).await
}

async fn after_ticket(
    app: &AppState,
    caller: &Caller,
    id: i64,
    r: Result<(), ApiError>,
    done: &str,
) -> Result<Response, UiError> {
    match r {
        Ok(()) => Ok(
            Redirect::to(&format!("/service/tickets/{id}?msg={}", url_escape(done)))
                .into_response(),
        ),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let status = e.status;
            let mut res =
                ticket_page(app, caller, id, String::new(), e.body.message.clone()).await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

async fn link(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let r = async {
        let l = crate::api::skills::link_of(&get("kind"), &get("target"))?;
        let mut tx = app.store.begin().await?;
        leye_store::link_ticket(
            &mut tx,
            &caller.scope,
            id,
            l,
            &caller.actor,
            app.clock.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    after_ticket(&app, &caller, id, r, "已关联").await
}

async fn place(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let r = crate::api::skills::place_as(
        &app,
        &caller,
        id,
        &get("id_number"),
        &get("channel"),
        &get("placed_on"),
    )
    .await
    .map(|_| ());
    after_ticket(&app, &caller, id, r, "已登记上岗").await
}

async fn take_hires(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let r = leye_skills::tickets::take_over_hires(
        &app.store,
        &caller.scope,
        id,
        &caller.actor,
        app.clock.now(),
    )
    .await
    .map_err(ApiError::from);
    let done = match &r {
        Ok(n) => format!("已将岗位录用的{n}人登记上岗"),
        Err(_) => String::new(),
    };
    after_ticket(&app, &caller, id, r.map(|_| ()), &done).await
}

async fn close(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let note = raw.get("note").cloned().unwrap_or_default();
    let r = crate::api::skills::close_as(&app, &caller, id, &note)
        .await
        .map(|_| ());
    after_ticket(&app, &caller, id, r, "服务单已关闭").await
}

// ---- 企业用工需求 ----

#[derive(Template)]
#[template(path = "demands.html")]
struct DemandsPage {
    nav: Nav,
    items: Vec<TicketShown>,
    today: String,
    message: String,
    error: String,
}

/// The caller's own enterprise (an employer account), or a clear refusal.
fn own_enterprise(caller: &Caller) -> Result<i64, ApiError> {
    caller.user.enterprise_id.ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "no_enterprise",
            "该账号未绑定企业,不能提交用工需求",
        )
    })
}

async fn demands_page(
    app: &AppState,
    caller: &Caller,
    message: String,
    error: String,
) -> Result<Response, UiError> {
    own_enterprise(caller)?;
    let today = app.clock.today();
    let mut tx = app.store.begin_read().await?;
    let list = leye_store::list_tickets(&mut tx, &caller.scope, None).await?;
    tx.commit().await?;
    render(DemandsPage {
        nav: Nav::of(caller),
        items: list.iter().map(|t| ticket_shown(t, today)).collect(),
        today: today.to_string(),
        message,
        error,
    })
}

/// 用工需求: a key enterprise's own demands (service tickets) and the form for a new one.
async fn demands(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TicketQuery>,
) -> Result<Response, UiError> {
    demands_page(&app, &caller, q.msg.unwrap_or_default(), String::new()).await
}

async fn new_demand(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let r = async {
        let enterprise = own_enterprise(&caller)?;
        let t = crate::api::skills::ticket_input(
            &enterprise.to_string(),
            &get("occupation"),
            &get("title"),
            &get("headcount"),
            &get("deadline"),
            app.clock.today(),
        )?;
        let mut tx = app.store.begin().await?;
        leye_store::create_ticket(&mut tx, &caller.scope, &t, &caller.actor, app.clock.now())
            .await?;
        tx.commit().await?;
        Ok::<(), ApiError>(())
    }
    .await;
    match r {
        Ok(()) => Ok(Redirect::to(&format!(
            "/me/demands?msg={}",
            url_escape("已提交用工需求,人社部门将安排专人对接")
        ))
        .into_response()),
        Err(e)
            if e.status == StatusCode::UNPROCESSABLE_ENTITY || e.status == StatusCode::CONFLICT =>
        {
            let status = e.status;
            let mut res =
                demands_page(&app, &caller, String::new(), e.body.message.clone()).await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

// ---- 就业影响评估 ----

/// An assessment in the list.
pub struct ImpactShown {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub enterprise: String,
    pub jobs: i64,
    pub score: i64,
    pub assessed_on: String,
}

#[derive(Template)]
#[template(path = "impacts.html")]
struct ImpactsPage {
    nav: Nav,
    items: Vec<ImpactShown>,
    kinds: Vec<(&'static str, &'static str)>,
    industries: Vec<(&'static str, &'static str)>,
    values: Raw,
    error: String,
}

impl ImpactsPage {
    fn value(&self, k: &str) -> String {
        self.values.get(k).cloned().unwrap_or_default()
    }
}

async fn impacts_page(
    app: &AppState,
    caller: &Caller,
    values: Raw,
    error: String,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin_read().await?;
    let list = leye_store::list_impacts(&mut tx, &caller.scope).await?;
    tx.commit().await?;
    render(ImpactsPage {
        nav: Nav::of(caller),
        items: list
            .into_iter()
            .map(|r| ImpactShown {
                id: r.id,
                kind: leye_skills::impact::Subject::from_code(&r.input.kind)
                    .map_or("", |k| k.label_zh()),
                title: r.input.title,
                enterprise: r.enterprise_name.unwrap_or_default(),
                jobs: r.input.jobs,
                score: r.input.score,
                assessed_on: r.input.assessed_on,
            })
            .collect(),
        kinds: choices(leye_skills::impact::Subject::ALL, |k| {
            (k.code(), k.label_zh())
        }),
        industries: choices(leye_domain::enterprise::Industry::ALL, |i| {
            (i.code(), i.label_zh())
        }),
        values,
        error,
    })
}

async fn impacts(State(app): State<AppState>, caller: Caller) -> Result<Response, UiError> {
    impacts_page(&app, &caller, Raw::new(), String::new()).await
}

async fn assess(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
    let input = leye_skills::impact::ImpactInput {
        title: get("title"),
        kind: get("kind"),
        credit_code: get("credit_code"),
        region: get("region"),
        investment_yuan: get("investment_yuan"),
        jobs: get("jobs"),
        pay_yuan: get("pay_yuan"),
        skilled_jobs: get("skilled_jobs"),
        graduate_jobs: get("graduate_jobs"),
        industry: get("industry"),
    };
    match leye_skills::impact::record(
        &app.store,
        &caller.scope,
        &input,
        app.clock.today(),
        &caller.actor,
        app.clock.now(),
    )
    .await
    .map_err(ApiError::from)
    {
        Ok(id) => Ok(Redirect::to(&format!("/service/impact/{id}")).into_response()),
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            let mut res = impacts_page(&app, &caller, raw, e.body.message.clone()).await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "impact.html")]
struct ImpactPage {
    nav: Nav,
    r: leye_store::ImpactRecord,
    kind: &'static str,
    industry: &'static str,
    investment: String,
    pay: String,
    a: leye_skills::impact::Assessment,
    parts: Vec<(leye_skills::impact::Part, String)>,
    realised: Option<leye_skills::impact::Realised>,
    realised_share: String,
}

async fn impact(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let (r, realised) = crate::api::skills::impact_with_realised(&app, &caller, id).await?;
    let a = leye_skills::impact::recorded(&r).ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "invalid_data",
            "评估记录的说明无法读取",
        )
    })?;
    let parts = a
        .parts
        .iter()
        .map(|p| {
            (
                p.clone(),
                format!("{}.{:02}", p.points_x100 / 100, p.points_x100 % 100),
            )
        })
        .collect();
    render(ImpactPage {
        nav: Nav::of(&caller),
        kind: leye_skills::impact::Subject::from_code(&r.input.kind).map_or("", |k| k.label_zh()),
        industry: leye_domain::enterprise::Industry::from_code(&r.input.industry)
            .map_or("", |i| i.label_zh()),
        investment: leye_domain::Money::from_fen(r.input.investment_fen).to_string(),
        pay: leye_domain::Money::from_fen(r.input.pay_fen).to_string(),
        realised_share: realised
            .as_ref()
            .and_then(|x| x.share_bp)
            .map(|b| format!("{}%", b / 100))
            .unwrap_or_default(),
        realised,
        parts,
        a,
        r,
    })
}
