//! 就业形势分析报告 (plan 二(五)1 "定期发布就业形势分析报告"): a monthly, quarterly or annual
//! report from the maintained figures. One self-contained HTML file (inline CSS and SVG, no
//! script, prints to A4), the same tables as an XLSX workbook, and a narrative written from the
//! figures. Charts and tables are built from the same numbers, so they cannot disagree.

use crate::MonitorError;
use crate::catalogue::{Catalogue, Kind, group, hundredths, round_div};
use crate::figures::{CITY, Figures, Mon, mon, mon_str, mon_year};
use crate::svg::{self, Series, esc};
use crate::targets::{Standing, progress};
use leye_domain::Regions;
use leye_store::{AlertRecord, Store};
use serde::Serialize;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Monthly,
    Quarterly,
    Annual,
}

impl ReportKind {
    pub fn parse(s: &str) -> Option<ReportKind> {
        Some(match s {
            "monthly" | "月度" => ReportKind::Monthly,
            "quarterly" | "季度" => ReportKind::Quarterly,
            "annual" | "年度" => ReportKind::Annual,
            _ => return None,
        })
    }
    pub fn label(self) -> &'static str {
        match self {
            ReportKind::Monthly => "月度",
            ReportKind::Quarterly => "季度",
            ReportKind::Annual => "年度",
        }
    }
}

/// The months a report covers.
#[derive(Debug, Clone, Serialize)]
pub struct Period {
    pub kind: ReportKind,
    pub first: Mon,
    pub last: Mon,
    /// `2026年10月`, `2026年第三季度`, `2026年`.
    pub label: String,
}

const QUARTERS: [&str; 4] = ["一", "二", "三", "四"];

impl Period {
    /// `2026-10` (any kind: the month, its quarter or its year), `2026Q3` or `2026`.
    pub fn parse(raw: &str, kind: ReportKind) -> Result<Period, MonitorError> {
        let bad = || MonitorError::Invalid {
            field: "period",
            message: format!("报告期“{raw}”格式不正确(应为YYYY-MM,如2026-10)"),
        };
        let raw = raw.trim();
        let month = if let Some(m) = crate::figures::mon_exact(raw) {
            m
        } else if let Some((y, q)) = raw.split_once(['Q', 'q']) {
            let (y, q): (i32, i32) = (y.parse().map_err(|_| bad())?, q.parse().map_err(|_| bad())?);
            if !(1..=4).contains(&q) || !(2000..=2100).contains(&y) {
                return Err(bad());
            }
            y * 12 + q * 3 - 1
        } else if raw.len() == 4 {
            let y: i32 = raw.parse().map_err(|_| bad())?;
            if !(2000..=2100).contains(&y) {
                return Err(bad());
            }
            y * 12 + 11
        } else {
            return Err(bad());
        };
        let year = mon_year(month);
        let m0 = month.rem_euclid(12);
        Ok(match kind {
            ReportKind::Monthly => Period {
                kind,
                first: month,
                last: month,
                label: format!("{year}年{}月", m0 + 1),
            },
            ReportKind::Quarterly => {
                let q = m0 / 3;
                Period {
                    kind,
                    first: year * 12 + q * 3,
                    last: year * 12 + q * 3 + 2,
                    label: format!("{year}年第{}季度", QUARTERS[q as usize]),
                }
            }
            ReportKind::Annual => Period {
                kind,
                first: year * 12,
                last: year * 12 + 11,
                label: format!("{year}年"),
            },
        })
    }

    /// A file name stem: `就业形势分析报告-2026-10-月度`, `…-2026Q4-季度`, `…-2026-年度`.
    pub fn file_stem(&self) -> String {
        let when = match self.kind {
            ReportKind::Monthly => mon_str(self.first),
            ReportKind::Quarterly => format!(
                "{}Q{}",
                mon_year(self.first),
                self.first.rem_euclid(12) / 3 + 1
            ),
            ReportKind::Annual => mon_year(self.first).to_string(),
        };
        format!("就业形势分析报告-{when}-{}", self.kind.label())
    }
}

/// A table of the report (also a sheet of the workbook).
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A generated report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub period: Period,
    pub narrative: Vec<String>,
    pub tables: Vec<Table>,
    /// The charts, each a complete `<svg>` element.
    pub charts: Vec<String>,
    pub html: String,
}

/// The value of an indicator over a period in a region: flows summed over the months, others
/// at the last month.
pub fn over(
    figures: &Figures,
    id: &str,
    region: &str,
    first: Mon,
    last: Mon,
) -> Option<(i64, i64)> {
    let ind = Catalogue::current().indicator(id)?;
    match ind.kind {
        Kind::Flow => {
            let mut any = false;
            let mut n = 0;
            for m in first..=last {
                if let Some((a, _)) = figures.get(id, region, m) {
                    n += a;
                    any = true;
                }
            }
            any.then_some((n, 0))
        }
        Kind::Mean => {
            let (mut n, mut d, mut any) = (0, 0, false);
            for m in first..=last {
                if let Some((a, b)) = figures.get(id, region, m) {
                    n += a;
                    d += b;
                    any = true;
                }
            }
            any.then_some((n, d))
        }
        _ => figures.get(id, region, last),
    }
}

fn shown(id: &str, v: Option<(i64, i64)>) -> String {
    match (Catalogue::current().indicator(id), v) {
        (Some(i), Some((n, d))) => i.display(n, d),
        _ => "—".into(),
    }
}

/// Change against the same period a year before: `+12.50%` (flows, stocks) or `+0.30个百分点`
/// (rates).
fn change(id: &str, now: Option<(i64, i64)>, before: Option<(i64, i64)>) -> String {
    let Some(ind) = Catalogue::current().indicator(id) else {
        return "—".into();
    };
    let (Some((n, d)), Some((bn, bd))) = (now, before) else {
        return "—".into();
    };
    match ind.kind {
        Kind::Flow | Kind::Stock => {
            if bn == 0 {
                "—".into()
            } else {
                let v = round_div((n - bn) * 10_000, bn.abs());
                format!("{}{}%", if v >= 0 { "+" } else { "" }, hundredths(v))
            }
        }
        _ => match (ind.scaled(n, d), ind.scaled(bn, bd)) {
            (Some(a), Some(b)) if ind.kind == Kind::Rate => {
                format!(
                    "{}{}个百分点",
                    if a >= b { "+" } else { "" },
                    hundredths(a - b)
                )
            }
            (Some(a), Some(b)) => format!("{}{}", if a >= b { "+" } else { "" }, hundredths(a - b)),
            _ => "—".into(),
        },
    }
}

const HEADLINE: [&str; 12] = [
    "new_urban_employment",
    "registered_unemployed",
    "registered_unemployment_rate",
    "surveyed_unemployment_rate",
    "youth_unemployment_rate",
    "long_term_unemployed_share",
    "benefit_recipients",
    "job_ratio",
    "quality_jobs",
    "recruitment_events",
    "zero_households",
    "assistance_coverage",
];

const BY_COUNTY: [&str; 5] = [
    "new_urban_employment",
    "registered_unemployment_rate",
    "job_ratio",
    "quality_jobs",
    "key_enterprise_job_losses",
];

/// Read the stored figures of `first..=last` (every region).
pub async fn figures_for(store: &Store, first: Mon, last: Mon) -> Result<Figures, MonitorError> {
    figures_of(store, first, last, &[]).await
}

/// The city and its counties: what the dashboard and the report's tables show.
pub fn top_regions() -> Vec<String> {
    std::iter::once(CITY.to_string())
        .chain(Regions::huzhou().children(CITY).map(|r| r.code.clone()))
        .collect()
}

/// Read the stored figures of `first..=last` for some regions (all when empty).
pub async fn figures_of(
    store: &Store,
    first: Mon,
    last: Mon,
    regions: &[String],
) -> Result<Figures, MonitorError> {
    let regions: Vec<&str> = regions.iter().map(String::as_str).collect();
    let mut tx = store.begin_read().await?;
    let values =
        leye_store::indicator_values(&mut tx, &[], &regions, &mon_str(first), &mon_str(last))
            .await?;
    tx.commit().await?;
    let mut f = Figures::default();
    for v in values {
        if let Some(m) = mon(&v.month) {
            f.set(&v.indicator, &v.region, m, v.num, v.den);
        }
    }
    Ok(f)
}

/// Build the report of `period` from the stored figures and the alerts raised in it. A period
/// still under way on `today` is reported up to the current month.
pub async fn build(
    store: &Store,
    period: &Period,
    today: chrono::NaiveDate,
) -> Result<Report, MonitorError> {
    let now = crate::figures::mon_of(today);
    if period.first > now {
        return Err(MonitorError::Invalid {
            field: "period",
            message: format!("报告期{}尚未开始", period.label),
        });
    }
    let mut period = period.clone();
    if period.last > now {
        period.last = now;
        period.label = format!("{}(截至{})", period.label, mon_str(now));
    }
    let period = &period;
    let figures = figures_of(
        store,
        (period.first - 12).min(period.last - 11),
        period.last,
        &top_regions(),
    )
    .await?;
    let mut tx = store.begin_read().await?;
    let alerts = leye_store::list_alerts(
        &mut tx,
        &leye_domain::Scope::System,
        Regions::huzhou(),
        None,
        500,
    )
    .await?;
    tx.commit().await?;
    let (first, last) = (mon_str(period.first), mon_str(period.last));
    let alerts: Vec<AlertRecord> = alerts
        .into_iter()
        .filter(|a| a.month >= first && a.month <= last)
        .collect();
    Ok(render(&figures, period, &alerts))
}

/// The report from figures (pure: tests build figures by hand).
pub fn render(figures: &Figures, period: &Period, alerts: &[AlertRecord]) -> Report {
    let cat = Catalogue::current();
    let regions = Regions::huzhou();
    let (first, last) = (period.first, period.last);
    let val = |id: &str, r: &str| over(figures, id, r, first, last);
    let before = |id: &str, r: &str| over(figures, id, r, first - 12, last - 12);

    // Table 1: the city's headline figures.
    let mut headline = Table {
        title: "主要指标".into(),
        headers: ["指标", "本期", "上年同期", "同比", "单位"]
            .map(String::from)
            .to_vec(),
        rows: Vec::new(),
    };
    for id in HEADLINE {
        let Some(ind) = cat.indicator(id) else {
            continue;
        };
        let (now, then) = (val(id, CITY), before(id, CITY));
        headline.rows.push(vec![
            ind.name.clone(),
            shown(id, now),
            shown(id, then),
            change(id, now, then),
            ind.unit.clone(),
        ]);
    }

    // Table 2: by county.
    let counties: Vec<_> = regions.children(CITY).collect();
    let mut by_county = Table {
        title: "分区县情况".into(),
        headers: std::iter::once("区县".to_string())
            .chain(
                BY_COUNTY
                    .iter()
                    .filter_map(|id| cat.indicator(id))
                    .map(|i| i.name.clone()),
            )
            .collect(),
        rows: Vec::new(),
    };
    for c in &counties {
        let mut row = vec![c.name.clone()];
        row.extend(BY_COUNTY.iter().map(|id| shown(id, val(id, &c.code))));
        by_county.rows.push(row);
    }

    // Table 3: the plan's targets, city-wide, year to date.
    let mut target_table = Table {
        title: "目标任务完成情况".into(),
        headers: [
            "目标",
            "条款",
            "年度目标",
            "累计完成",
            "完成进度",
            "全年预计",
            "状态",
            "牵头单位",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    let mut bars = Vec::new();
    for t in &cat.targets {
        let p = progress(figures, t, CITY, last);
        let (actual, share, projection, standing) = match &p {
            Some(p) => (
                p.show(t, p.actual),
                p.share_bp
                    .map_or("—".into(), |s| format!("{}%", hundredths(s))),
                p.show(t, p.projection),
                p.standing.map_or("—", Standing::label).to_string(),
            ),
            None => ("暂无数据".into(), "—".into(), "—".into(), "—".into()),
        };
        let goal = match t.rule {
            crate::catalogue::Rule::AtMost => format!("≤{}%", hundredths(t.value)),
            crate::catalogue::Rule::AtLeastRate => format!("≥{}%", hundredths(t.value)),
            crate::catalogue::Rule::About => {
                format!("{}%左右", hundredths(t.value))
            }
            crate::catalogue::Rule::Zero => "动态清零".into(),
            _ => format!("{}{}", group(t.value), t.unit),
        };
        if let Some(p) = p.as_ref().filter(|p| p.share_bp.is_some()) {
            bars.push((
                t.name.clone(),
                p.share_bp.unwrap_or(0) as f64 / 100.0,
                format!("{share} (预计{projection})"),
                p.standing != Some(Standing::Behind),
            ));
        }
        target_table.rows.push(vec![
            t.name.clone(),
            t.clause.clone(),
            goal,
            actual,
            share,
            projection,
            standing,
            t.lead.clone(),
        ]);
    }

    // Table 4: alerts of the period.
    let mut alert_table = Table {
        title: "本期预警".into(),
        headers: ["等级", "预警", "地区", "责任单位", "状态"]
            .map(String::from)
            .to_vec(),
        rows: Vec::new(),
    };
    for a in alerts {
        alert_table.rows.push(vec![
            severity_label(&a.severity).into(),
            a.title.clone(),
            regions.full_name(&a.region),
            a.owner.clone(),
            state_label(&a.state).into(),
        ]);
    }

    // Charts from the same figures.
    let trend_months: Vec<Mon> = (last - 11..=last).collect();
    let labels: Vec<String> = trend_months
        .iter()
        .map(|m| mon_str(*m)[2..].to_string())
        .collect();
    let trend = svg::line_chart(
        "城镇新增就业(人,近12个月)",
        &labels,
        &[Series {
            name: "全市",
            values: trend_months
                .iter()
                .map(|m| {
                    figures
                        .get("new_urban_employment", CITY, *m)
                        .map(|v| v.0 as f64)
                })
                .collect(),
        }],
        0,
    );
    let rate_ind = cat.indicator("registered_unemployment_rate");
    let rate_bars: Vec<(String, f64)> = counties
        .iter()
        .filter_map(|c| {
            let (n, d) = val("registered_unemployment_rate", &c.code)?;
            let v = rate_ind?.scaled(n, d)?;
            Some((c.name.clone(), v as f64 / 100.0))
        })
        .collect();
    let rates = svg::bar_chart("各区县登记失业率(期末)", &rate_bars, 2, "%");
    let progress_chart = svg::progress_bars("年度目标完成进度", &bars);
    let charts = vec![trend, rates, progress_chart];

    let narrative = narrative(figures, period);
    let html = html(
        period,
        &narrative,
        &charts,
        &[&headline, &by_county, &target_table, &alert_table],
    );
    Report {
        period: period.clone(),
        narrative,
        tables: vec![headline, by_county, target_table, alert_table],
        charts,
        html,
    }
}

fn severity_label(s: &str) -> &'static str {
    match s {
        "red" => "红色",
        "orange" => "橙色",
        _ => "黄色",
    }
}

fn state_label(s: &str) -> &'static str {
    match s {
        "open" => "待签收",
        "acknowledged" => "处置中",
        _ => "已处置",
    }
}

/// Sentences written from the figures ("10月全市城镇新增就业x人,同比增长y%...").
pub fn narrative(figures: &Figures, period: &Period) -> Vec<String> {
    let cat = Catalogue::current();
    let (first, last) = (period.first, period.last);
    let val = |id: &str| over(figures, id, CITY, first, last);
    let before = |id: &str| over(figures, id, CITY, first - 12, last - 12);
    let when = match period.kind {
        ReportKind::Monthly => format!("{}月", last.rem_euclid(12) + 1),
        ReportKind::Quarterly => format!("第{}季度", QUARTERS[(last.rem_euclid(12) / 3) as usize]),
        ReportKind::Annual => "全年".into(),
    };
    let mut out = Vec::new();
    let mut s = String::new();
    if let Some((n, _)) = val("new_urban_employment") {
        s.push_str(&format!("{when}全市城镇新增就业{}人", group(n)));
        if let Some((b, _)) = before("new_urban_employment").filter(|(b, _)| *b != 0) {
            let v = round_div((n - b) * 10_000, b.abs());
            s.push_str(&format!(
                ",同比{}{}%",
                if v >= 0 { "增长" } else { "下降" },
                hundredths(v.abs())
            ));
        }
        if let Some(t) = cat.target("new_urban_employment")
            && let Some(p) = progress(figures, t, CITY, last)
        {
            s.push_str(&format!(
                ";1-{}月累计{}人,完成年度目标{}人的{}%",
                p.months,
                group(p.actual),
                group(p.target),
                hundredths(p.share_bp.unwrap_or(0))
            ));
            if p.standing == Some(Standing::Behind) && p.months < 12 {
                s.push_str(&format!(
                    ",按当前进度全年预计{}人,其余月份每月需完成{}人",
                    group(p.projection),
                    group(p.pace_needed)
                ));
            }
        }
        s.push('。');
        out.push(s);
    } else {
        out.push(format!("{when}暂无城镇新增就业数据。"));
    }
    let mut s = String::new();
    if let Some((n, d)) = val("registered_unemployment_rate") {
        s.push_str(&format!(
            "期末登记失业{}人,登记失业率{}",
            group(n),
            shown("registered_unemployment_rate", Some((n, d)))
        ));
        if let Some(b) = before("registered_unemployment_rate") {
            s.push_str(&format!(
                "(同比{})",
                change("registered_unemployment_rate", Some((n, d)), Some(b))
            ));
        }
    }
    if let Some(v) = val("surveyed_unemployment_rate") {
        s.push_str(&format!(
            "{}城镇调查失业率{}(目标5%以内)",
            if s.is_empty() { "" } else { ";" },
            shown("surveyed_unemployment_rate", Some(v))
        ));
    }
    if let Some(v) = val("youth_unemployment_rate") {
        s.push_str(&format!(
            ";16-24岁青年登记失业率{}",
            shown("youth_unemployment_rate", Some(v))
        ));
    }
    if !s.is_empty() {
        s.push('。');
        out.push(s.trim_start_matches(';').to_string());
    }
    let mut s = String::new();
    if let Some(v) = val("job_ratio") {
        s.push_str(&format!(
            "人力资源市场求人倍率{}",
            shown("job_ratio", Some(v))
        ));
    }
    if let Some((n, _)) = val("quality_jobs") {
        s.push_str(&format!(",开发优质就业岗位{}个", group(n)));
    }
    if let Some((n, _)) = val("recruitment_events") {
        s.push_str(&format!(",举办招聘活动{}场", group(n)));
    }
    if !s.is_empty() {
        s.push('。');
        out.push(s.trim_start_matches(',').to_string());
    }
    let mut s = String::new();
    if let Some((n, _)) = val("key_enterprise_headcount") {
        s.push_str(&format!("重点企业用工{}人", group(n)));
        if let Some((l, _)) = val("key_enterprise_job_losses").filter(|(l, _)| *l > 0) {
            s.push_str(&format!(",减员{}人", group(l)));
        }
    }
    if let Some((n, _)) = val("zero_households") {
        s.push_str(&format!(
            "{}期末零就业家庭{}户{}",
            if s.is_empty() { "" } else { ";" },
            group(n),
            if n == 0 {
                ",保持动态清零"
            } else {
                ",尚未清零"
            }
        ));
    }
    if let Some(v) = val("assistance_coverage") {
        s.push_str(&format!(
            ";就业困难人员帮扶覆盖率{}",
            shown("assistance_coverage", Some(v))
        ));
    }
    if !s.is_empty() {
        s.push('。');
        out.push(s.trim_start_matches(';').to_string());
    }
    out
}

fn table_html(t: &Table) -> String {
    let mut s = format!("<h2>{}</h2><table><thead><tr>", esc(&t.title));
    for h in &t.headers {
        s.push_str(&format!("<th>{}</th>", esc(h)));
    }
    s.push_str("</tr></thead><tbody>");
    if t.rows.is_empty() {
        s.push_str(&format!(
            "<tr><td colspan=\"{}\">本期无</td></tr>",
            t.headers.len()
        ));
    }
    for r in &t.rows {
        s.push_str("<tr>");
        for c in r {
            s.push_str(&format!("<td>{}</td>", esc(c)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

fn html(period: &Period, narrative: &[String], charts: &[String], tables: &[&Table]) -> String {
    let title = format!(
        "湖州市就业形势分析报告({}{})",
        period.label,
        period.kind.label()
    );
    let mut s = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
body{{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif;max-width:780px;margin:24px auto;color:#222;line-height:1.7}}\
h1{{font-size:22px;text-align:center}}h2{{font-size:17px;border-left:4px solid #1f6feb;padding-left:8px;margin-top:28px}}\
table{{border-collapse:collapse;width:100%;font-size:13px}}th,td{{border:1px solid #ccc;padding:4px 6px;text-align:left}}th{{background:#f3f6fa}}\
.meta{{color:#666;text-align:center;font-size:13px}}figure{{margin:16px 0}}svg{{max-width:100%;height:auto}}\
@page{{size:A4;margin:16mm}}</style></head><body><h1>{}</h1><p class=\"meta\">统计期: {} 至 {} · 数据来源: 乐业平台业务记录、统计部门导入数据 · 依据: 湖州市就业友好型城市工作方案 二(五)1</p><h2>总体情况</h2>",
        esc(&title),
        esc(&title),
        mon_str(period.first),
        mon_str(period.last)
    );
    for p in narrative {
        s.push_str(&format!("<p>{}</p>", esc(p)));
    }
    for c in charts {
        s.push_str(&format!("<figure>{c}</figure>"));
    }
    for t in tables {
        s.push_str(&table_html(t));
    }
    s.push_str("<p class=\"meta\">指标定义见平台“监测指标”页面;目标分解方法见 data/targets/allocation.toml。</p></body></html>");
    s
}

/// The report's tables as a workbook, one sheet per table, the narrative first.
pub fn xlsx(report: &Report) -> Result<Vec<u8>, MonitorError> {
    let err = |e: rust_xlsxwriter::XlsxError| MonitorError::Report(e.to_string());
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    {
        let sheet = wb.add_worksheet();
        sheet.set_name("总体情况").map_err(err)?;
        sheet.set_column_width(0, 120).map_err(err)?;
        sheet
            .write_string_with_format(
                0,
                0,
                format!("就业形势分析报告 {}", report.period.label),
                &bold,
            )
            .map_err(err)?;
        for (i, p) in report.narrative.iter().enumerate() {
            sheet.write_string(i as u32 + 1, 0, p).map_err(err)?;
        }
    }
    for t in &report.tables {
        let sheet = wb.add_worksheet();
        sheet.set_name(&t.title).map_err(err)?;
        for (c, h) in t.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, h, &bold)
                .map_err(err)?;
            sheet.set_column_width(c as u16, 16).map_err(err)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                sheet.write_string(r as u32 + 1, c as u16, v).map_err(err)?;
            }
        }
    }
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::Contribution;

    fn sample() -> Figures {
        let regions = Regions::huzhou();
        let mut f = Figures::default();
        for m in mon("2025-01").unwrap()..=mon("2026-10").unwrap() {
            let y = if mon_year(m) == 2026 { 5000 } else { 4000 };
            f.add(
                regions,
                &Contribution::new("new_urban_employment", "330502", m, y, 0),
            );
            f.add(
                regions,
                &Contribution::new("registered_unemployment_rate", "330502", m, 30, 1000),
            );
            f.add(
                regions,
                &Contribution::new("registered_unemployment_rate", "330503", m, 20, 1000),
            );
        }
        f
    }

    #[test]
    fn periods_parse_with_their_months() {
        let p = Period::parse("2026-10", ReportKind::Quarterly).unwrap();
        assert_eq!(
            (mon_str(p.first), mon_str(p.last)),
            ("2026-10".into(), "2026-12".into())
        );
        assert_eq!(p.label, "2026年第四季度");
        assert_eq!(p.file_stem(), "就业形势分析报告-2026Q4-季度");
        let p = Period::parse("2026Q3", ReportKind::Quarterly).unwrap();
        assert_eq!(mon_str(p.first), "2026-07");
        let p = Period::parse("2026", ReportKind::Annual).unwrap();
        assert_eq!(mon_str(p.last), "2026-12");
        for bad in ["2026-13", "26-10", "2026Q5", "", "abcd", "2026/10"] {
            assert!(Period::parse(bad, ReportKind::Monthly).is_err(), "{bad}");
        }
    }

    #[test]
    fn narrative_and_tables_say_what_the_figures_say() {
        let p = Period::parse("2026-10", ReportKind::Monthly).unwrap();
        let r = render(&sample(), &p, &[]);
        assert_eq!(
            r.narrative[0],
            "10月全市城镇新增就业5,000人,同比增长25.00%;1-10月累计50,000人,完成年度目标60,000人的83.33%。"
        );
        assert!(
            r.narrative[1].starts_with("期末登记失业50人,登记失业率2.50%"),
            "{}",
            r.narrative[1]
        );
        let head = &r.tables[0];
        assert_eq!(
            head.rows[0][..4],
            ["城镇新增就业人数", "5,000", "4,000", "+25.00%"].map(String::from)
        );
        // The county bars carry the county table's rates.
        let county = &r.tables[1];
        let wx = county.rows.iter().find(|row| row[0] == "吴兴区").unwrap();
        assert_eq!(wx[2], "3.00%");
        assert!(r.charts[1].contains(">3.00%</text>") && r.charts[1].contains(">2.00%</text>"));
        // The trend chart prints the last 12 months of the city's figures.
        assert!(r.charts[0].contains(">5000</text>") && r.charts[0].contains(">4000</text>"));
        assert!(r.html.starts_with("<!doctype html>") && r.html.contains("<svg"));
        // Every chart is well-formed SVG (tags balanced, attributes quoted, text escaped).
        for svg in &r.charts {
            let mut reader = quick_xml::Reader::from_str(svg);
            let mut depth = 0i32;
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Start(e)) => {
                        if depth == 0 {
                            assert_eq!(e.name().as_ref(), "svg");
                        }
                        depth += 1;
                    }
                    Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("invalid SVG: {e}\n{svg}"),
                }
            }
            assert_eq!(depth, 0, "unbalanced SVG");
        }
        assert!(!r.html.contains("<script"), "the report is static");
        let bytes = xlsx(&r).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
