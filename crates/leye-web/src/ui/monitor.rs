//! 就业监测 pages: the indicators of a month and region (with recomputation and the surveyed
//! rate for the city bureau), an indicator's definition and trend, the plan's targets, its
//! tasks with progress notes, alerts, the big-screen dashboard (大屏) and the situation report.

use super::market::{back, notes};
use super::{Nav, UiError, local_ts, nav_for, render};
use crate::AppState;
use crate::access::Caller;
use crate::api::monitor::{
    IndicatorRow, ReportQuery, SurveyedInput, TargetRow, TaskNoteInput, TaskRow, act_on_alert_as,
    alerts_as, dashboard_as, indicator_series, month_of, note_as, period_of, refresh_now,
    region_choices, region_name, region_of, rows_indicators, rows_targets, stored, surveyed_as,
    tasks_as, unit_of,
};
use crate::error::{ApiQuery, IdPath};
use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leye_domain::access::Permission;
use leye_monitor::catalogue::Catalogue;
use leye_monitor::figures::{CITY, Mon, mon_str};
use leye_monitor::svg;
use std::collections::HashMap;

type Raw = HashMap<String, String>;

pub fn router() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/monitor", get(monitor))
        .route("/monitor/refresh", post(refresh))
        .route("/monitor/surveyed", post(surveyed))
        .route("/monitor/indicators/{id}", get(indicator))
        .route("/targets", get(targets))
        .route("/tasks", get(tasks))
        .route("/tasks/notes", post(add_note))
        .route("/alerts", get(alerts))
        .route("/alerts/{id}/acknowledge", post(acknowledge))
        .route("/alerts/{id}/resolve", post(resolve))
        .route("/dashboard", get(dashboard))
        .route("/reports", get(reports))
        .route("/reports/view", get(report_view))
        .route("/reports/download", get(report_download))
}

fn get(raw: &Raw, k: &str) -> String {
    raw.get(k).cloned().unwrap_or_default()
}

/// Month and region from the query; a bad value is reported and the default used.
fn pick(app: &AppState, q: &Raw, error: &mut String) -> (Mon, String) {
    let m = match month_of(q.get("month").map(String::as_str), app) {
        Ok(m) => m,
        Err(e) => {
            *error = e.body.message;
            month_of(None, app).unwrap_or_default()
        }
    };
    let region = match region_of(q.get("region").map(String::as_str)) {
        Ok(r) => r,
        Err(e) => {
            *error = e.body.message;
            CITY.to_string()
        }
    };
    (m, region)
}

#[derive(Template)]
#[template(path = "monitor.html")]
struct MonitorPage {
    nav: Nav,
    month: String,
    region: String,
    region_label: String,
    regions: Vec<(String, String)>,
    rows: Vec<IndicatorRow>,
    run: String,
    may_admin: bool,
    counties: Vec<(String, String)>,
    message: String,
    error: String,
}

async fn monitor(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let (message, mut error) = notes(&q);
    let (m, region) = pick(&app, &q, &mut error);
    let f = stored(&app, m - 12, m).await?;
    let mut tx = app.store.begin_read().await?;
    let run = leye_store::last_indicator_run(&mut tx).await?;
    tx.commit().await?;
    let run = run.map_or_else(String::new, |r| {
        format!(
            "{} · {}—{} · {} · {} · {} ms",
            local_ts(&r.computed_at),
            r.from_month,
            r.to_month,
            r.events,
            r.figures,
            r.millis
        )
    });
    let mut counties = vec![(CITY.to_string(), "湖州市".to_string())];
    counties.extend(super::county_choices());
    render(MonitorPage {
        nav: nav_for(&Some(caller.clone()), &headers),
        month: mon_str(m),
        region_label: region_name(&region),
        rows: rows_indicators(&f, &region, m),
        region,
        regions: region_choices(),
        run,
        may_admin: caller.may(Permission::MonitorAdmin),
        counties,
        message,
        error,
    })
}

async fn refresh(State(app): State<AppState>, caller: Caller) -> Result<Response, UiError> {
    let r = refresh_now(&app, &caller.actor).await.map(|(r, raised)| {
        format!(
            "已重新计算{}至{}的{}项数据(读取就业事件{}条,用时{}毫秒),新预警{}条",
            r.from, r.to, r.figures, r.events, r.millis, raised
        )
    });
    back("/monitor", r)
}

async fn surveyed(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let row = SurveyedInput {
        month: get(&raw, "month"),
        region: Some(get(&raw, "region")),
        rate: get(&raw, "rate"),
        source: get(&raw, "source"),
    };
    let r = surveyed_as(&app, &caller, &[row])
        .await
        .map(|(n, raised)| format!("已录入{n}个月的调查失业率,新预警{raised}条"));
    back("/monitor", r)
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    nav: Nav,
    def: leye_monitor::catalogue::Indicator,
    kind_label: String,
    status_label: String,
    chart: String,
    months: Vec<String>,
    series: Vec<(String, String, Vec<String>)>,
    /// New urban employment by industry section (city): (section, name, entries per month).
    by_industry: Vec<(String, String, Vec<String>)>,
}

async fn indicator(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, UiError> {
    let crate::api::monitor::IndicatorSeries {
        def,
        months,
        figures: f,
        series,
    } = indicator_series(&app, &id, 12).await?;
    let value = |region: &str, m: Mon| -> Option<f64> {
        let (n, d) = f.get(&id, region, m)?;
        let v = def.scaled(n, d)?;
        Some(match def.kind {
            leye_monitor::catalogue::Kind::Flow | leye_monitor::catalogue::Kind::Stock => v as f64,
            _ => v as f64 / 100.0,
        })
    };
    let labels: Vec<String> = months
        .iter()
        .map(|m| mon_str(*m)[2..].to_string())
        .collect();
    let decimals = match def.kind {
        leye_monitor::catalogue::Kind::Flow | leye_monitor::catalogue::Kind::Stock => 0,
        _ => 2,
    };
    let chart = svg::line_chart(
        &def.name,
        &labels,
        &[svg::Series {
            name: "湖州市",
            values: months.iter().map(|m| value(CITY, *m)).collect(),
        }],
        decimals,
    );
    let by_industry = if id == "new_urban_employment" {
        leye_domain::enterprise::Industry::ALL
            .iter()
            .filter_map(|i| {
                let key = format!("new_urban_employment:{}", i.code());
                let vals: Vec<Option<i64>> = months
                    .iter()
                    .map(|m| f.get(&key, CITY, *m).map(|v| v.0))
                    .collect();
                vals.iter().any(Option::is_some).then(|| {
                    (
                        i.code().to_string(),
                        i.label_zh().to_string(),
                        vals.iter()
                            .map(|v| v.map_or("—".into(), leye_monitor::catalogue::group))
                            .collect(),
                    )
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    use leye_monitor::catalogue::{Kind, Status};
    render(IndicatorPage {
        nav: nav_for(&Some(caller), &headers),
        kind_label: match def.kind {
            Kind::Flow => "当月发生数(全年为各月之和)",
            Kind::Stock => "月末时点数",
            Kind::Rate => "比率(%)",
            Kind::Ratio => "倍数",
            Kind::Mean => "平均数",
        }
        .into(),
        status_label: match def.status {
            Status::Computed => "由平台业务记录计算",
            Status::Imported => "由统计部门数据导入",
            Status::Awaiting => "待相关业务模块接入后计算",
        }
        .into(),
        def,
        chart,
        months: months.iter().map(|m| mon_str(*m)).collect(),
        series,
        by_industry,
    })
}

#[derive(Template)]
#[template(path = "targets.html")]
struct TargetsPage {
    nav: Nav,
    month: String,
    region: String,
    region_label: String,
    regions: Vec<(String, String)>,
    rows: Vec<TargetRow>,
    chart: String,
    allocation: String,
    unit: String,
    error: String,
}

async fn targets(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let mut error = String::new();
    let (m, region) = pick(&app, &q, &mut error);
    let f = stored(&app, m - m.rem_euclid(12), m).await?;
    let lang = caller.lang.clone();
    let rows = rows_targets(&f, &region, m, unit_of(&caller));
    let bars: Vec<(String, f64, String, bool)> = rows
        .iter()
        .filter_map(|r| {
            Some((
                r.name.clone(),
                r.share?,
                format!(
                    "{:.1}% · {}",
                    r.share?,
                    crate::i18n::tr(&lang, &r.standing_label)
                ),
                r.standing != Some(leye_monitor::targets::Standing::Behind),
            ))
        })
        .collect();
    let alloc = &Catalogue::current().allocation;
    render(TargetsPage {
        nav: nav_for(&Some(caller.clone()), &headers),
        month: mon_str(m),
        region_label: region_name(&region),
        region,
        regions: region_choices(),
        chart: if bars.is_empty() {
            String::new()
        } else {
            svg::progress_bars(&crate::i18n::tr(&lang, "年度目标完成进度"), &bars)
        },
        rows,
        allocation: format!("{}({})", alloc.method, alloc.method_source),
        unit: unit_of(&caller).unwrap_or_default().to_string(),
        error,
    })
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    nav: Nav,
    rows: Vec<TaskRow>,
    may_note: bool,
    unit: String,
    message: String,
    error: String,
}

async fn tasks(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let (message, error) = notes(&q);
    let rows = tasks_as(&app, &caller).await?;
    render(TasksPage {
        nav: nav_for(&Some(caller.clone()), &headers),
        rows,
        may_note: caller.may(Permission::TaskNote),
        unit: unit_of(&caller).unwrap_or("市人力社保局").to_string(),
        message,
        error,
    })
}

async fn add_note(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let i = TaskNoteInput {
        clause: get(&raw, "clause"),
        progress: Some(get(&raw, "progress")),
        note: get(&raw, "note"),
    };
    let r = note_as(&app, &caller, &i)
        .await
        .map(|_| format!("已记录任务{}的进展", i.clause.trim()));
    back("/tasks", r)
}

/// An alert as shown.
pub struct AlertShown {
    pub id: i64,
    pub severity: String,
    pub severity_label: String,
    pub title: String,
    pub detail: String,
    pub region: String,
    pub owner: String,
    pub month: String,
    pub state: String,
    pub state_label: String,
    pub raised_at: String,
    pub handled: String,
}

fn shown(a: leye_store::AlertRecord) -> AlertShown {
    let when = |s: &Option<String>| s.as_deref().map(local_ts).unwrap_or_default();
    AlertShown {
        id: a.id,
        severity_label: match a.severity.as_str() {
            "red" => "红色",
            "orange" => "橙色",
            _ => "黄色",
        }
        .into(),
        severity: a.severity,
        title: a.title,
        detail: a.detail,
        region: region_name(&a.region),
        owner: a.owner,
        month: a.month,
        state_label: match a.state.as_str() {
            "open" => "待签收",
            "acknowledged" => "处置中",
            _ => "已处置",
        }
        .into(),
        handled: match a.state.as_str() {
            "resolved" => format!(
                "{} {}: {}",
                when(&a.resolved_at),
                a.resolved_by.unwrap_or_default(),
                a.resolution.unwrap_or_default()
            ),
            "acknowledged" => format!(
                "{} {}",
                when(&a.acknowledged_at),
                a.acknowledged_by.unwrap_or_default()
            ),
            _ => String::new(),
        },
        state: a.state,
        raised_at: when(&Some(a.raised_at)),
    }
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    nav: Nav,
    /// Notices of new alerts the caller had not seen before this page.
    unread: i64,
    state: String,
    rows: Vec<AlertShown>,
    may_handle: bool,
    message: String,
    error: String,
}

async fn alerts(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let (message, mut error) = notes(&q);
    let mut state = get(&q, "state");
    if state.is_empty() {
        state = "active".into();
    }
    let (rows, unread) = match alerts_as(&app, &caller, Some(&state)).await {
        Ok(r) => r,
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            error = e.body.message;
            state = "active".into();
            alerts_as(&app, &caller, Some("active")).await?
        }
        Err(e) => return Err(e.into()),
    };
    render(AlertsPage {
        nav: nav_for(&Some(caller.clone()), &headers),
        unread,
        state,
        rows: rows.into_iter().map(shown).collect(),
        may_handle: caller.may(Permission::AlertHandle),
        message,
        error,
    })
}

async fn acknowledge(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let r = act_on_alert_as(&app, &caller, id, None)
        .await
        .map(|a| format!("已签收预警: {}", a.title));
    back("/alerts", r)
}

async fn resolve(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let text = get(&raw, "resolution");
    let r = act_on_alert_as(&app, &caller, id, Some(&text))
        .await
        .map(|a| format!("已处置预警: {}", a.title));
    back("/alerts", r)
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: Nav,
    month: String,
    ytd: String,
    headline: Vec<(String, String, String)>,
    counties: Vec<(String, String, String)>,
    alerts: Vec<AlertShown>,
    generated_at: String,
    computed_at: String,
    /// Seconds between reloads (`?refresh=`, 5 to 3600; 60 by default).
    refresh: u32,
}

async fn dashboard(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<Raw>,
) -> Result<Response, UiError> {
    let refresh = q
        .get("refresh")
        .and_then(|r| r.trim().parse::<u32>().ok())
        .map_or(60, |r| r.clamp(5, 3600));
    let d = dashboard_as(&app, &caller).await?;
    let group = leye_monitor::catalogue::group;
    let page = DashboardPage {
        nav: nav_for(&Some(caller), &headers),
        month: d.month,
        ytd: group(d.new_urban_employment_ytd),
        headline: d
            .headline
            .into_iter()
            .map(|h| (h.id.to_string(), h.name, h.value))
            .collect(),
        counties: d
            .counties
            .into_iter()
            .map(|c| {
                (
                    c.name,
                    group(c.new_urban_employment_ytd),
                    group(c.quality_jobs_ytd),
                )
            })
            .collect(),
        alerts: d.alerts.into_iter().map(shown).collect(),
        generated_at: d.generated_at,
        computed_at: d.computed_at.as_deref().map(local_ts).unwrap_or_default(),
        refresh,
    };
    render(page)
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    nav: Nav,
    period: String,
    kind: String,
    label: String,
    narrative: Vec<String>,
    query: String,
    error: String,
}

async fn reports(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, UiError> {
    let mut error = String::new();
    let p = match period_of(&app, &q) {
        Ok(p) => p,
        Err(e) => {
            error = e.body.message;
            period_of(
                &app,
                &ReportQuery {
                    period: None,
                    kind: None,
                },
            )?
        }
    };
    let r = leye_monitor::report::build(&app.store, &p, app.clock.today()).await?;
    let kind = serde_json::to_value(p.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let period = mon_str(p.last);
    render(ReportsPage {
        nav: nav_for(&Some(caller), &headers),
        query: format!("period={period}&kind={kind}"),
        period,
        kind,
        label: format!("{}{}", p.label, p.kind.label()),
        narrative: r.narrative,
        error,
    })
}

/// The report as its self-contained HTML document.
async fn report_view(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, UiError> {
    let p = period_of(&app, &q)?;
    let r = leye_monitor::report::build(&app.store, &p, app.clock.today()).await?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], r.html).into_response())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DownloadQuery {
    period: Option<String>,
    kind: Option<String>,
    format: Option<String>,
}

/// The report as a file: `format=xlsx` (tables) or `html` (the document).
async fn report_download(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<DownloadQuery>,
) -> Result<Response, UiError> {
    let p = period_of(
        &app,
        &ReportQuery {
            period: q.period,
            kind: q.kind,
        },
    )?;
    let r = leye_monitor::report::build(&app.store, &p, app.clock.today()).await?;
    let stem = p.file_stem();
    let encoded = super::policy::url_escape(&stem);
    let (ctype, ext, body) = match q.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            leye_monitor::report::xlsx(&r)?,
        ),
        "html" => ("text/html; charset=utf-8", "html", r.html.into_bytes()),
        other => {
            return Err(UiError(
                leye_domain::FieldError::new(
                    "format",
                    "invalid_format",
                    format!("文件格式“{other}”无效(xlsx或html)"),
                )
                .into(),
            ));
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"report.{ext}\"; filename*=UTF-8''{encoded}.{ext}"),
            ),
        ],
        body,
    )
        .into_response())
}
