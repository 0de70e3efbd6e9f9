//! Monitoring API (就业监测, plan 二(五)1): indicator definitions and figures, the plan's
//! targets and tasks with progress notes, alerts, the surveyed unemployment rate, recomputing
//! the figures, the situation report and the dashboard. Figures are aggregates: no personal
//! data leaves through here. The helpers (`*_as`, `rows_*`) are shared with the pages.

use crate::AppState;
use crate::access::Caller;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody, IdPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use leye_domain::access::Role;
use leye_domain::{FieldError, Regions, Scope};
use leye_monitor::catalogue::Catalogue;
use leye_monitor::figures::{CITY, Figures, Mon, mon_exact, mon_of, mon_str};
use leye_monitor::report::{Period, ReportKind};
use leye_monitor::targets::{Standing, progress};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The month asked for, or the last complete month; never a future month.
pub fn month_of(raw: Option<&str>, app: &AppState) -> Result<Mon, ApiError> {
    let now = mon_of(app.clock.today());
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(now - 1),
        Some(s) => match mon_exact(s) {
            Some(m) if m <= now => Ok(m),
            Some(_) => Err(FieldError::new("month", "future", format!("月份{s}尚未到来")).into()),
            None => Err(FieldError::new(
                "month",
                "invalid_month",
                format!("月份“{s}”格式不正确(应为YYYY-MM)"),
            )
            .into()),
        },
    }
}

/// The region asked for (city, county, township or management zone), the city by default.
pub fn region_of(raw: Option<&str>) -> Result<String, ApiError> {
    let regions = Regions::huzhou();
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(CITY.into()),
        Some(s) if s.len() <= 9 && regions.get(s).is_some() => Ok(s.to_string()),
        Some(s) if regions.zones().any(|z| z.code == s) => Ok(s.to_string()),
        Some(s) => Err(FieldError::new(
            "region",
            "unknown_region",
            format!("地区“{s}”不是湖州市的市、区县、乡镇(街道)或功能区"),
        )
        .into()),
    }
}

/// The name of a region key (zones included).
pub fn region_name(code: &str) -> String {
    let regions = Regions::huzhou();
    if let Some(z) = regions.zones().find(|z| z.code == code) {
        return z.name.clone();
    }
    regions.full_name(code)
}

/// Regions one may pick: the city, its counties and the two zones.
pub fn region_choices() -> Vec<(String, String)> {
    let regions = Regions::huzhou();
    let mut out = vec![(CITY.to_string(), "湖州市".to_string())];
    out.extend(
        regions
            .children(CITY)
            .map(|r| (r.code.clone(), r.name.clone())),
    );
    out.extend(regions.zones().map(|z| (z.code.clone(), z.name.clone())));
    out
}

/// Stored figures of `from..=to`.
pub async fn stored(app: &AppState, from: Mon, to: Mon) -> Result<Figures, ApiError> {
    Ok(leye_monitor::report::figures_for(&app.store, from, to).await?)
}

/// An indicator with its figure for a month, the month before and a year before.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    #[serde(flatten)]
    pub def: leye_monitor::catalogue::Indicator,
    pub value: String,
    pub previous: String,
    pub year_ago: String,
    pub num: Option<i64>,
    pub den: Option<i64>,
}

fn display(figures: &Figures, id: &str, region: &str, m: Mon) -> (String, Option<(i64, i64)>) {
    let v = figures.get(id, region, m);
    let shown = match (Catalogue::current().indicator(id), v) {
        (Some(i), Some((n, d))) => i.display(n, d),
        _ => "—".to_string(),
    };
    (shown, v)
}

pub fn rows_indicators(figures: &Figures, region: &str, m: Mon) -> Vec<IndicatorRow> {
    Catalogue::current()
        .indicators
        .iter()
        .map(|i| {
            let (value, v) = display(figures, &i.id, region, m);
            IndicatorRow {
                value,
                previous: display(figures, &i.id, region, m - 1).0,
                year_ago: display(figures, &i.id, region, m - 12).0,
                num: v.map(|x| x.0),
                den: v.map(|x| x.1),
                def: i.clone(),
            }
        })
        .collect()
}

/// A target's progress as shown.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    pub id: String,
    pub name: String,
    pub clause: String,
    pub lead: String,
    pub co: Vec<String>,
    pub goal: String,
    pub actual: String,
    pub projection: String,
    pub pace_needed: String,
    /// Share of the year's target done, in % (flows).
    pub share: Option<f64>,
    pub standing: Option<Standing>,
    pub standing_label: String,
    pub source: String,
}

/// Targets for a region up to a month; a responsible unit sees its own only.
pub fn rows_targets(figures: &Figures, region: &str, m: Mon, unit: Option<&str>) -> Vec<TargetRow> {
    use leye_monitor::catalogue::{Rule, group, hundredths};
    Catalogue::current()
        .targets
        .iter()
        .filter(|t| unit.is_none_or(|u| t.concerns(u)))
        .map(|t| {
            let p = progress(figures, t, region, m);
            let target = leye_monitor::targets::target_for(t, region);
            let goal = match (t.rule, target) {
                (_, None) => "—".into(),
                (Rule::AtMost, Some(v)) => format!("≤{}%", hundredths(v)),
                (Rule::AtLeastRate, Some(v)) => format!("≥{}%", hundredths(v)),
                (Rule::About, Some(v)) => {
                    format!("{}%左右(±{})", hundredths(v), hundredths(t.band))
                }
                (Rule::Zero, _) => "动态清零".into(),
                (_, Some(v)) => format!("{}{}", group(v), t.unit),
            };
            let none = || "—".to_string();
            TargetRow {
                id: t.id.clone(),
                name: t.name.clone(),
                clause: t.clause.clone(),
                lead: t.lead.clone(),
                co: t.co.clone(),
                goal,
                actual: p
                    .as_ref()
                    .map_or_else(|| "暂无数据".into(), |p| p.show(t, p.actual)),
                projection: p
                    .as_ref()
                    .filter(|_| t.rule == Rule::AtLeast)
                    .map_or_else(none, |p| p.show(t, p.projection)),
                pace_needed: p
                    .as_ref()
                    .filter(|p| {
                        t.rule == Rule::AtLeast && p.target_value.is_some() && p.months < 12
                    })
                    .map_or_else(none, |p| format!("{}/月", p.show(t, p.pace_needed))),
                share: p
                    .as_ref()
                    .and_then(|p| p.share_bp)
                    .map(|s| s as f64 / 100.0),
                standing: p.as_ref().and_then(|p| p.standing),
                standing_label: p
                    .as_ref()
                    .and_then(|p| p.standing)
                    .map_or("—", Standing::label)
                    .to_string(),
                source: t.source.clone(),
            }
        })
        .collect()
}

/// The unit a caller answers for, if they are a responsible-unit officer.
pub fn unit_of(caller: &Caller) -> Option<&str> {
    match &caller.scope {
        Scope::ResponsibleUnit(u) => Some(u.as_str()),
        _ => None,
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MonthQuery {
    /// YYYY-MM; the last complete month by default
    pub month: Option<String>,
    /// 330500 (city), a county or township code, or a zone (NTH, CHQ)
    pub region: Option<String>,
}

/// Every indicator with its figure for a month and region (定义 included).
#[utoipa::path(get, path = "/api/v1/monitor/indicators", tag = "monitor", params(MonthQuery),
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn indicators(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> Result<Json<Value>, ApiError> {
    let m = month_of(q.month.as_deref(), &app)?;
    let region = region_of(q.region.as_deref())?;
    let f = stored(&app, m - 12, m).await?;
    Ok(Json(json!({
        "month": mon_str(m), "region": region, "region_name": region_name(&region),
        "items": rows_indicators(&f, &region, m),
    })))
}

/// One indicator: its definition and its last 24 months for the city and every county.
#[utoipa::path(get, path = "/api/v1/monitor/indicators/{id}", tag = "monitor", params(("id" = String, Path)),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)))]
pub async fn indicator(
    State(app): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<Value>, ApiError> {
    let x = indicator_series(&app, &id, 24).await?;
    let months: Vec<String> = x.months.iter().map(|m| mon_str(*m)).collect();
    Ok(Json(
        json!({ "definition": x.def, "months": months, "series": x.series }),
    ))
}

/// An indicator over the last `n` complete months: its definition, the months, the stored
/// figures, and per region choice (code, name, values shown).
pub struct IndicatorSeries {
    pub def: leye_monitor::catalogue::Indicator,
    pub months: Vec<Mon>,
    pub figures: Figures,
    pub series: Vec<(String, String, Vec<String>)>,
}

pub async fn indicator_series(
    app: &AppState,
    id: &str,
    n: i32,
) -> Result<IndicatorSeries, ApiError> {
    let def = Catalogue::current()
        .indicator(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("指标"))?;
    let last = month_of(None, app)?;
    let months: Vec<Mon> = (last - n + 1..=last).collect();
    let figures = stored(app, last - n + 1, last).await?;
    let series = region_choices()
        .into_iter()
        .map(|(code, name)| {
            let vals = months
                .iter()
                .map(|m| display(&figures, id, &code, *m).0)
                .collect();
            (code, name, vals)
        })
        .collect();
    Ok(IndicatorSeries {
        def,
        months,
        figures,
        series,
    })
}

/// The plan's targets: actual against target by year and region, projection, pace.
#[utoipa::path(get, path = "/api/v1/monitor/targets", tag = "monitor", params(MonthQuery),
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn targets(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> Result<Json<Value>, ApiError> {
    let m = month_of(q.month.as_deref(), &app)?;
    let region = region_of(q.region.as_deref())?;
    let f = stored(&app, m - m.rem_euclid(12), m).await?;
    Ok(Json(json!({
        "month": mon_str(m), "region": region, "allocation": Catalogue::current().allocation.method,
        "items": rows_targets(&f, &region, m, unit_of(&caller)),
    })))
}

/// The plan's tasks with their units and progress notes (a unit: its own tasks).
#[utoipa::path(get, path = "/api/v1/monitor/tasks", tag = "monitor", responses((status = 200, body = Value)))]
pub async fn tasks(State(app): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "items": tasks_as(&app, &caller).await? })))
}

/// A task as shown, with its notes (newest first).
#[derive(Debug, Clone, Serialize)]
pub struct TaskRow {
    pub clause: String,
    pub title: String,
    pub lead: String,
    pub co: Vec<String>,
    pub mine: bool,
    pub notes: Vec<leye_store::TaskNote>,
}

pub async fn tasks_as(app: &AppState, caller: &Caller) -> Result<Vec<TaskRow>, ApiError> {
    let mut tx = app.store.begin_read().await?;
    let notes = leye_store::task_notes(&mut tx, None).await?;
    tx.commit().await?;
    let unit = unit_of(caller);
    Ok(Catalogue::current()
        .tasks
        .iter()
        .filter(|t| unit.is_none_or(|u| t.concerns(u)))
        .map(|t| TaskRow {
            clause: t.clause.clone(),
            title: t.title.clone(),
            lead: t.lead.clone(),
            co: t.co.clone(),
            mine: unit.is_some_and(|u| t.concerns(u)),
            notes: notes
                .iter()
                .filter(|n| n.clause == t.clause)
                .cloned()
                .collect(),
        })
        .collect())
}

/// A progress note.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskNoteInput {
    /// The task's clause, e.g. 二(三)1
    pub clause: String,
    /// Progress in % (0-100), optional
    #[serde(default)]
    pub progress: Option<String>,
    pub note: String,
}

/// Record a note: a responsible unit on its own tasks; the city bureau on any.
pub async fn note_as(app: &AppState, caller: &Caller, i: &TaskNoteInput) -> Result<i64, ApiError> {
    let clause = i.clause.trim();
    let task = Catalogue::current()
        .tasks
        .iter()
        .find(|t| t.clause == clause)
        .ok_or_else(|| {
            FieldError::new(
                "clause",
                "unknown_task",
                format!("方案中没有任务“{clause}”"),
            )
        })?;
    let unit = match unit_of(caller) {
        Some(u) if task.concerns(u) => u.to_string(),
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("任务{clause}不是本单位牵头或配合的任务"),
            ));
        }
        None if caller.role == Role::CityAdmin => "市人力社保局".to_string(),
        None => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "只有责任单位可以填报任务进展",
            ));
        }
    };
    let progress = match i
        .progress
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => Some(
            s.trim_end_matches('%')
                .parse::<i64>()
                .ok()
                .filter(|p| (0..=100).contains(p))
                .ok_or_else(|| {
                    FieldError::new(
                        "progress",
                        "invalid_progress",
                        format!("进度“{s}”应为0到100的整数"),
                    )
                })?,
        ),
    };
    let note = i.note.trim();
    if note.is_empty() || note.chars().count() > 2000 {
        return Err(FieldError::new("note", "invalid_note", "请填写进展情况(不超过2000字)").into());
    }
    let mut tx = app.store.begin().await?;
    let id = leye_store::add_task_note(
        &mut tx,
        clause,
        &unit,
        &app.clock.today().to_string(),
        progress,
        note,
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[utoipa::path(post, path = "/api/v1/monitor/tasks/notes", tag = "monitor", request_body = TaskNoteInput,
    responses((status = 201, body = Value), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_note(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(i): ApiJson<TaskNoteInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = note_as(&app, &caller, &i).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    /// open, acknowledged, resolved, or active (not resolved)
    pub state: Option<String>,
}

/// Alerts in the caller's area (a unit: the ones it owns), newest first, and how many of the
/// caller's notices were unread (they are read now).
pub async fn alerts_as(
    app: &AppState,
    caller: &Caller,
    state: Option<&str>,
) -> Result<(Vec<leye_store::AlertRecord>, i64), ApiError> {
    let state = match state.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s @ ("open" | "acknowledged" | "resolved" | "active")) => Some(s),
        Some(s) => {
            return Err(FieldError::new(
                "state",
                "invalid_state",
                format!("状态“{s}”无效(open、acknowledged、resolved或active)"),
            )
            .into());
        }
    };
    let mut tx = app.store.begin().await?;
    let list =
        leye_store::list_alerts(&mut tx, &caller.scope, Regions::huzhou(), state, 500).await?;
    let unread = leye_store::unread_alert_notices(&mut tx, caller.user.id).await?;
    leye_store::read_alert_notices(&mut tx, caller.user.id, app.clock.now()).await?;
    tx.commit().await?;
    Ok((list, unread))
}

#[utoipa::path(get, path = "/api/v1/alerts", tag = "monitor", params(AlertQuery),
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn alerts(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AlertQuery>,
) -> Result<Json<Value>, ApiError> {
    let (items, unread) = alerts_as(&app, &caller, q.state.as_deref()).await?;
    Ok(Json(json!({ "items": items, "unread_notices": unread })))
}

/// Acknowledge (`None`) or resolve an alert.
pub async fn act_on_alert_as(
    app: &AppState,
    caller: &Caller,
    id: i64,
    resolution: Option<&str>,
) -> Result<leye_store::AlertRecord, ApiError> {
    let mut tx = app.store.begin().await?;
    let a = leye_store::act_on_alert(
        &mut tx,
        &caller.scope,
        Regions::huzhou(),
        id,
        resolution,
        &caller.actor,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(a)
}

#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", tag = "monitor", params(("id" = i64, Path)),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn acknowledge(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(act_on_alert_as(&app, &caller, id, None).await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    /// What was done (处置情况)
    pub resolution: String,
}

#[utoipa::path(post, path = "/api/v1/alerts/{id}/resolve", tag = "monitor", params(("id" = i64, Path)),
    request_body = ResolveInput,
    responses((status = 200, body = Value), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resolve(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(i): ApiJson<ResolveInput>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(
        act_on_alert_as(&app, &caller, id, Some(&i.resolution)).await?
    )))
}

/// Recompute the default window (24 months), run the checks on the figures, deliver alerts.
pub async fn refresh_now(
    app: &AppState,
    actor: &leye_store::Actor,
) -> Result<(leye_monitor::load::RefreshReport, usize), ApiError> {
    let today = app.clock.today();
    let (from, to) = leye_monitor::load::default_window(today);
    let report = leye_monitor::load::refresh(&app.store, from, to, actor, app.clock.now()).await?;
    let figures = stored(app, from, to).await?;
    let raised = leye_monitor::alerts::daily(&app.store, &figures, today, app.clock.now()).await?;
    leye_monitor::alerts::deliver(&app.store, app.clock.now()).await?;
    Ok((report, raised))
}

#[utoipa::path(post, path = "/api/v1/monitor/refresh", tag = "monitor",
    responses((status = 200, body = Value)))]
pub async fn refresh(State(app): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let (report, raised) = refresh_now(&app, &caller.actor).await?;
    Ok(Json(json!({ "report": report, "alerts_raised": raised })))
}

/// One month of the surveyed rate as entered.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyedInput {
    /// YYYY-MM
    pub month: String,
    /// 330500 or a county code; the city by default
    #[serde(default)]
    pub region: Option<String>,
    /// In %, e.g. "4.8"
    pub rate: String,
    /// Where the figure comes from, e.g. 国家统计局湖州调查队
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyedBatch {
    pub rows: Vec<SurveyedInput>,
}

/// Check every row first (which row, which field, why); write all or nothing, raise the
/// surveyed-rate alerts in the same transaction, then deliver them.
pub async fn surveyed_as(
    app: &AppState,
    caller: &Caller,
    rows: &[SurveyedInput],
) -> Result<(usize, usize), ApiError> {
    if rows.is_empty() {
        return Err(FieldError::new("rows", "empty", "请至少填写一个月的数据").into());
    }
    let now_m = mon_of(app.clock.today());
    let mut good = Vec::new();
    for (k, r) in rows.iter().enumerate() {
        let at = |field: &'static str, code: &'static str, why: String| -> ApiError {
            FieldError::new(field, code, format!("第{}行: {why}", k + 1)).into()
        };
        let row = leye_monitor::alerts::surveyed_row(
            &r.month,
            r.region.as_deref(),
            &r.rate,
            &r.source,
            now_m,
        )
        .map_err(|(field, code, why)| at(field, code, why))?;
        good.push(row);
    }
    let mut tx = app.store.begin().await?;
    leye_store::set_surveyed_rates(&mut tx, &good, &caller.actor, app.clock.now()).await?;
    let raised =
        leye_monitor::alerts::check_surveyed(&mut tx, app.clock.today(), app.clock.now()).await?;
    tx.commit().await?;
    leye_monitor::alerts::deliver(&app.store, app.clock.now()).await?;
    Ok((good.len(), raised.len()))
}

#[utoipa::path(post, path = "/api/v1/monitor/surveyed", tag = "monitor", request_body = SurveyedBatch,
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn surveyed(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<SurveyedBatch>,
) -> Result<Json<Value>, ApiError> {
    let (n, raised) = surveyed_as(&app, &caller, &b.rows).await?;
    Ok(Json(json!({ "recorded": n, "alerts_raised": raised })))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// YYYY-MM (or 2026Q3, 2026); the last complete month by default
    pub period: Option<String>,
    /// monthly, quarterly or annual
    pub kind: Option<String>,
}

/// The period asked for.
pub fn period_of(app: &AppState, q: &ReportQuery) -> Result<Period, ApiError> {
    let kind = match q.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => ReportKind::Monthly,
        Some(k) => ReportKind::parse(k).ok_or_else(|| {
            FieldError::new(
                "kind",
                "invalid_kind",
                format!("报告类型“{k}”无效(monthly、quarterly或annual)"),
            )
        })?,
    };
    let raw = match q.period.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => p.to_string(),
        None => mon_str(month_of(None, app)?),
    };
    let p = Period::parse(&raw, kind)?;
    if p.first > mon_of(app.clock.today()) {
        return Err(FieldError::new("period", "future", format!("报告期{raw}尚未到来")).into());
    }
    Ok(p)
}

/// The employment situation report: narrative and tables (the HTML and XLSX are pages).
#[utoipa::path(get, path = "/api/v1/reports", tag = "monitor", params(ReportQuery),
    responses((status = 200, body = Value), (status = 422, body = ErrorBody)))]
pub async fn report(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = period_of(&app, &q)?;
    let r = leye_monitor::report::build(&app.store, &p, app.clock.today()).await?;
    Ok(Json(
        json!({ "period": r.period, "narrative": r.narrative, "tables": r.tables }),
    ))
}

/// The dashboard's figures: headline indicators, county totals, alerts in scope.
/// One headline figure of the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    pub id: &'static str,
    pub name: String,
    pub value: String,
    pub month: String,
}

/// A county's year-to-date totals.
#[derive(Debug, Clone, Serialize)]
pub struct CountyTotals {
    pub code: String,
    pub name: String,
    pub new_urban_employment_ytd: i64,
    pub quality_jobs_ytd: i64,
}

/// What the big screen shows.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// The last complete month (of the headline figures).
    pub month: String,
    pub new_urban_employment_ytd: i64,
    pub headline: Vec<Headline>,
    pub counties: Vec<CountyTotals>,
    /// Unresolved alerts in the caller's scope (ten newest).
    pub alerts: Vec<leye_store::AlertRecord>,
    /// When the figures were computed (UTC, RFC 3339).
    pub computed_at: Option<String>,
    /// When this answer was made (Huzhou time).
    pub generated_at: String,
}

pub async fn dashboard_as(app: &AppState, caller: &Caller) -> Result<Dashboard, ApiError> {
    // Headline figures are of the last complete month; year-to-date totals run to today.
    let m = mon_of(app.clock.today());
    let last = m - 1;
    // Two independent reads, each one statement: no transaction.
    let mut c = app.store.connection().await?;
    let alerts =
        leye_store::list_alerts(&mut c, &caller.scope, Regions::huzhou(), Some("active"), 10)
            .await?;
    let run = leye_store::last_indicator_run(&mut c).await?;
    drop(c);
    let key = format!(
        "{m}|{}",
        run.as_ref()
            .map(|r| format!("{}|{}|{}", r.computed_at, r.figures, r.millis))
            .unwrap_or_default()
    );
    let f = match app.figures.get(&key) {
        Some(f) => f,
        None => {
            let f = std::sync::Arc::new(
                leye_monitor::report::figures_of(
                    &app.store,
                    m - 12,
                    m,
                    &leye_monitor::report::top_regions(),
                )
                .await?,
            );
            app.figures.put(key, f.clone());
            f
        }
    };
    let cat = Catalogue::current();
    let headline = [
        "new_urban_employment",
        "registered_unemployment_rate",
        "surveyed_unemployment_rate",
        "job_ratio",
        "quality_jobs",
        "zero_households",
        "assistance_coverage",
        "key_enterprise_job_losses",
    ]
    .into_iter()
    .filter_map(|id| {
        Some(Headline {
            id,
            name: cat.indicator(id)?.name.clone(),
            value: display(&f, id, CITY, last).0,
            month: mon_str(last),
        })
    })
    .collect();
    let ytd = |id: &str, region: &str| -> i64 {
        (m - m.rem_euclid(12)..=m)
            .filter_map(|x| f.get(id, region, x))
            .map(|v| v.0)
            .sum()
    };
    let counties = Regions::huzhou()
        .children(CITY)
        .map(|c| CountyTotals {
            code: c.code.clone(),
            name: c.name.clone(),
            new_urban_employment_ytd: ytd("new_urban_employment", &c.code),
            quality_jobs_ytd: ytd("quality_jobs", &c.code),
        })
        .collect();
    Ok(Dashboard {
        month: mon_str(last),
        new_urban_employment_ytd: ytd("new_urban_employment", CITY),
        headline,
        counties,
        alerts,
        computed_at: run.map(|r| r.computed_at),
        generated_at: leye_domain::time::local(app.clock.now())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
    })
}

#[utoipa::path(get, path = "/api/v1/monitor/dashboard", tag = "monitor", responses((status = 200, body = Value)))]
pub async fn dashboard(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<Json<Dashboard>, ApiError> {
    Ok(Json(dashboard_as(&app, &caller).await?))
}
