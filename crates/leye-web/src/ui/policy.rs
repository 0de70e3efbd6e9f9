//! Policy pages: the 办事指南 of every measure generated from the rule itself, the
//! "我能享受哪些政策" self-check, and the 免申即享 offers of the sweep.

use super::forms::{FormField, select_field, text_field};
use super::{Nav, UiError, nav_for, render};
use crate::AppState;
use crate::access::{Caller, MaybeCaller};
use crate::api::policy::OfferQuery;
use crate::error::{ApiError, ApiQuery};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Router};
use leye_domain::Money;
use leye_domain::access::Permission;
use leye_policy::{Condition, Decision, MeasureInfo, Outcome, Status};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/policies", get(index))
        .route("/policies/check", get(check_form).post(check))
        .route("/policies/{measure}", get(guide))
        .route("/offers", get(offers))
        .route("/offers/export.xlsx", get(export_offers))
        .route("/offers/sweep", post(run_sweep))
}

/// One row of a flattened explanation tree.
pub struct Row {
    pub depth: usize,
    /// ✓ met, ✗ not met, ? unknown, · note
    pub mark: &'static str,
    pub class: &'static str,
    pub text: String,
    pub clause: String,
    pub decisive: bool,
    pub facts: String,
    pub params: Vec<String>,
}

fn flatten(cs: &[Condition], depth: usize, marks: bool, out: &mut Vec<Row>) {
    for c in cs {
        let (mark, class) = match (marks, c.outcome) {
            (false, _) => ("·", "note"),
            (true, Outcome::Met) => ("✓", "met"),
            (true, Outcome::NotMet) => ("✗", "not-met"),
            (true, Outcome::Unknown) => ("?", "unknown"),
        };
        out.push(Row {
            depth,
            mark,
            class,
            text: c.text.clone(),
            clause: c.clause.clone(),
            decisive: c.decisive,
            facts: c
                .facts
                .iter()
                .map(|(k, v)| format!("{}={v}", fact_label(k)))
                .collect::<Vec<_>>()
                .join(";"),
            params: c
                .params
                .iter()
                .map(|p| {
                    format!(
                        "{}: {} {}(自{}起;来源: {})",
                        p.description, p.value, p.unit, p.from, p.source
                    )
                })
                .collect(),
        });
        flatten(&c.children, depth + 1, marks, out);
    }
}

/// Chinese names of facts the rules use that the self-check form does not ask for.
const FACT_LABELS: &[(&str, &str)] = &[
    ("age", "年龄"),
    ("assistance", "低保状态"),
    ("benefit_consecutive_months", "连续领取失业保险金月数"),
    ("disability_home_posts", "残疾人之家岗位数"),
    ("disability_kind", "残疾类别"),
    ("disabled_staff", "安排残疾人数"),
    ("education", "文化程度"),
    ("end", "结束日期"),
    ("first_approval", "首次核定日期"),
    ("first_job_after_school", "离校后首次就业"),
    ("full_time", "全日制"),
    ("graduated_years_ago", "毕业年限"),
    ("hard_to_employ", "就业困难人员"),
    ("harmonious_award_date", "和谐劳动关系评定日期"),
    ("higher_education_graduate", "高校毕业生"),
    ("hire_date", "招用日期"),
    ("hired_from_registered_unemployment", "招用时为登记失业人员"),
    ("is_student", "在校学生"),
    ("monthly_pay_fen", "月工资"),
    ("monthly_pay_yuan", "月工资(元)"),
    ("months", "月数"),
    ("parameter", "参数"),
    ("partner_college_students", "合作院校学生数"),
    ("placement_number", "第几次安置"),
    ("prior_placements", "此前安置次数"),
    ("registered_unemployed_months", "登记失业月数"),
    ("replacement_group", "属于可再次安置群体"),
    ("special_worker", "特殊工种"),
    ("staff", "职工人数"),
    ("start", "开始日期"),
    ("started_business", "已创业"),
    ("statutory_retirement", "法定退休日期"),
    ("traineeship_base", "见习基地"),
    ("unemployed_since_graduation", "离校后未就业"),
];

/// Chinese names of the facts the rules use (for explanations and "missing" lists).
/// The Chinese name of a fact a rule records (the code itself when it has none).
pub fn fact_label(name: &str) -> String {
    CHECK_FIELDS
        .iter()
        .map(|f| (f.0, f.1))
        .chain(FACT_LABELS.iter().copied())
        .find(|f| f.0 == name)
        .map(|f| f.1.to_string())
        .unwrap_or_else(|| name.to_string())
}

#[derive(Template)]
#[template(path = "policies.html")]
struct IndexPage {
    nav: Nav,
    measures: Vec<MeasureInfo>,
}

async fn index(MaybeCaller(caller): MaybeCaller, headers: HeaderMap) -> Result<Response, UiError> {
    let measures = leye_policy::measures().map_err(policy_error)?;
    render(IndexPage {
        nav: nav_for(&caller, &headers),
        measures,
    })
}

fn policy_error(e: leye_policy::PolicyError) -> UiError {
    UiError(e.into())
}

#[derive(Template)]
#[template(path = "policy.html")]
struct GuidePage {
    nav: Nav,
    m: MeasureInfo,
    subject: &'static str,
    rows: Vec<Row>,
    today: String,
}

async fn guide(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let Some(measure) = leye_policy::measures::find(&id) else {
        return Err(UiError(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("没有编号为“{id}”的政策措施"),
        )));
    };
    let today = app.clock.today();
    let blank = measure.blank(today).map_err(policy_error)?;
    let mut rows = Vec::new();
    flatten(&blank.conditions, 0, false, &mut rows);
    render(GuidePage {
        nav: nav_for(&caller, &headers),
        m: MeasureInfo::of(measure).map_err(policy_error)?,
        subject: measure.subject().label_zh(),
        rows,
        today: today.to_string(),
    })
}

/// How a self-check field turns into a JSON fact.
#[derive(Clone, Copy)]
enum Kind {
    Date,
    Tri,
    Int,
    Yuan,
    Text,
    Choice(fn() -> Vec<(&'static str, &'static str)>),
}

/// The choices of a coded enumeration: (code, Chinese label), from the enumeration itself.
macro_rules! choices {
    ($t:ty) => {
        || <$t>::ALL.iter().map(|v| (v.code(), v.label_zh())).collect()
    };
}

fn sexes() -> Vec<(&'static str, &'static str)> {
    vec![("M", "男"), ("F", "女")]
}

fn original_retirement_ages() -> Vec<(&'static str, &'static str)> {
    vec![
        ("60", "60周岁(男)"),
        ("55", "55周岁(女,管理岗位)"),
        ("50", "50周岁(女,工人岗位)"),
    ]
}

/// The self-check form: JSON path of the fact (relative to the person), label, kind.
const CHECK_FIELDS: &[(&str, &str, Kind)] = &[
    ("birth", "出生日期", Kind::Date),
    ("sex", "性别", Kind::Choice(sexes)),
    (
        "original_retirement_age",
        "原法定退休年龄",
        Kind::Choice(original_retirement_ages),
    ),
    ("hukou_region", "户籍地区划代码(6位)", Kind::Text),
    (
        "education",
        "文化程度",
        Kind::Choice(choices!(leye_domain::person::Education)),
    ),
    ("graduation_date", "毕业日期", Kind::Date),
    ("student", "在校大学生", Kind::Tri),
    ("registered_unemployed", "已在浙江登记失业", Kind::Tri),
    ("registered_unemployed_since", "失业登记日期", Kind::Date),
    (
        "benefit_consecutive_months",
        "连续领取失业保险金月数",
        Kind::Int,
    ),
    ("zero_employment_household", "零就业家庭成员", Kind::Tri),
    (
        "assistance",
        "低保/低保边缘",
        Kind::Choice(choices!(leye_domain::person::Assistance)),
    ),
    ("disability_certificate", "持有残疾人证", Kind::Tri),
    (
        "disability_kind",
        "残疾类别",
        Kind::Choice(choices!(leye_policy::situation::DisabilityKind)),
    ),
    ("disability_grade", "残疾等级(1-4)", Kind::Int),
    ("veteran_self_employed", "自主就业退役军人", Kind::Tri),
    ("poverty_alleviated", "脱贫户成员/脱贫劳务人员", Kind::Tri),
    ("employed", "目前就业", Kind::Tri),
    ("works_in_huzhou", "在湖州就业", Kind::Tri),
    ("flexible_worker", "灵活就业人员", Kind::Tri),
    (
        "special_worker",
        "无劳动关系的特定从业人员",
        Kind::Choice(choices!(leye_policy::situation::SpecialWorker)),
    ),
    ("business.founded", "创业: 营业执照登记日期", Kind::Date),
    (
        "business.registered_in_huzhou",
        "创业: 在湖州登记",
        Kind::Tri,
    ),
    (
        "business.legal_representative",
        "创业: 本人为法定代表人",
        Kind::Tri,
    ),
    ("business.operating", "创业: 正常经营", Kind::Tri),
    (
        "business.first_subsidy",
        "创业: 首次申请一次性创业补贴",
        Kind::Tri,
    ),
    ("business.youth_project", "创业: 青创项目", Kind::Tri),
    ("business.rural_ecommerce", "创业: 农村电商", Kind::Tri),
    (
        "business.insured_hires",
        "创业: 招用并缴纳养老保险满1年的人数",
        Kind::Int,
    ),
    ("business.rented_premises", "创业: 租用经营场地", Kind::Tri),
    (
        "business.annual_rent_fen",
        "创业: 本年度实付租金(元)",
        Kind::Yuan,
    ),
    (
        "business.loan_requested_fen",
        "创业: 申请创业担保贷款金额(元)",
        Kind::Yuan,
    ),
];

const TRI: &[(&str, &str)] = &[("", "不清楚"), ("1", "是"), ("0", "否")];

fn check_fields(raw: &HashMap<String, String>) -> Vec<FormField> {
    let v = |n: &str| raw.get(n).cloned().unwrap_or_default();
    let mut fields = vec![text_field(
        "date",
        "判定日期",
        &v("date"),
        "YYYY-MM-DD,默认今天",
    )];
    for (name, label, kind) in CHECK_FIELDS {
        fields.push(match kind {
            Kind::Date => text_field(name, label, &v(name), "YYYY-MM-DD"),
            Kind::Int | Kind::Text => text_field(name, label, &v(name), ""),
            Kind::Yuan => text_field(name, label, &v(name), "元"),
            Kind::Tri => select_field(
                name,
                label,
                &v(name),
                TRI.iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect(),
            ),
            Kind::Choice(choices) => {
                let mut o = vec![(String::new(), "不清楚".to_string())];
                o.extend(
                    choices()
                        .into_iter()
                        .map(|(a, b)| (a.to_string(), b.to_string())),
                );
                select_field(name, label, &v(name), o)
            }
        });
    }
    fields
}

/// One decision as the self-check shows it.
pub struct Shown {
    pub measure: String,
    pub name: String,
    pub clause: String,
    pub status: &'static str,
    pub class: &'static str,
    pub amount: String,
    pub period: String,
    pub missing: String,
    pub rows: Vec<Row>,
}

/// A decision as stored with an application or placement (its JSON), shown the same way.
pub fn shown_json(v: &serde_json::Value) -> Shown {
    fn rows(cs: &serde_json::Value, depth: usize, out: &mut Vec<Row>) {
        for c in cs.as_array().into_iter().flatten() {
            let (mark, class) = match c["outcome"].as_str() {
                Some("met") => ("✓", "met"),
                Some("not_met") => ("✗", "not-met"),
                _ => ("?", "unknown"),
            };
            let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
            out.push(Row {
                depth,
                mark,
                class,
                text: text(&c["text"]),
                clause: text(&c["clause"]),
                decisive: c["decisive"].as_bool().unwrap_or(false),
                facts: c["facts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| {
                        format!(
                            "{}={}",
                            fact_label(f[0].as_str().unwrap_or("")),
                            text(&f[1])
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(";"),
                params: c["params"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| {
                        format!(
                            "{}: {} {}(自{}起;来源: {})",
                            text(&p["description"]),
                            text(&p["value"]),
                            text(&p["unit"]),
                            text(&p["from"]),
                            text(&p["source"])
                        )
                    })
                    .collect(),
            });
            rows(&c["children"], depth + 1, out);
        }
    }
    let (status, class) = match v["status"].as_str() {
        Some("eligible") => ("符合条件", "met"),
        Some("not_eligible") => ("不符合条件", "not-met"),
        _ => ("信息不足,暂无法判定", "unknown"),
    };
    let mut out = Vec::new();
    rows(&v["conditions"], 0, &mut out);
    let measure = v["measure"].as_str().unwrap_or("").to_string();
    Shown {
        name: leye_sweep::measure_name(&measure).to_string(),
        clause: v["clause"].as_str().unwrap_or("").to_string(),
        measure,
        status,
        class,
        amount: v["amount"]
            .as_i64()
            .map(|f| format!("{}元", leye_domain::Money::from_fen(f)))
            .unwrap_or_default(),
        period: match (v["period"][0].as_str(), v["period"][1].as_str()) {
            (Some(a), Some(b)) => format!("{a} 至 {b}"),
            _ => String::new(),
        },
        missing: v["missing"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| fact_label(m.as_str().unwrap_or("")))
            .collect::<Vec<_>>()
            .join("、"),
        rows: out,
    }
}

fn shown(d: &Decision) -> Shown {
    let (status, class) = match &d.status {
        Status::Eligible => ("符合条件", "met"),
        Status::NotEligible => ("不符合条件", "not-met"),
        Status::CannotDecide { .. } => ("信息不足,暂无法判定", "unknown"),
    };
    let missing = match &d.status {
        Status::CannotDecide { missing } => missing
            .iter()
            .map(|m| fact_label(m))
            .collect::<Vec<_>>()
            .join("、"),
        _ => String::new(),
    };
    let mut rows = Vec::new();
    flatten(&d.conditions, 0, true, &mut rows);
    Shown {
        measure: d.measure.to_string(),
        name: leye_sweep::measure_name(d.measure).to_string(),
        clause: d.clause.to_string(),
        status,
        class,
        amount: d.amount.map(|m| format!("{m}元")).unwrap_or_default(),
        period: d
            .period
            .map(|(a, b)| format!("{a} 至 {b}"))
            .unwrap_or_default(),
        missing,
        rows,
    }
}

#[derive(Template)]
#[template(path = "check.html")]
struct CheckPage {
    nav: Nav,
    fields: Vec<FormField>,
    errors: Vec<String>,
    results: Vec<Shown>,
    checked: bool,
}

async fn check_form(
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
) -> Result<Response, UiError> {
    render(CheckPage {
        nav: nav_for(&caller, &headers),
        fields: check_fields(&HashMap::new()),
        errors: Vec::new(),
        results: Vec::new(),
        checked: false,
    })
}

/// Build the situation of one person from the form; errors name the form field.
fn situation_from_form(
    raw: &HashMap<String, String>,
) -> Result<leye_policy::Situation, leye_domain::FieldError> {
    let mut person = Map::new();
    person.insert("id".into(), json!("本人"));
    let mut business = Map::new();
    for (name, label, kind) in CHECK_FIELDS {
        let Some(v) = raw.get(*name).map(|s| s.trim()).filter(|s| !s.is_empty()) else {
            continue;
        };
        let bad =
            |why: &str| leye_domain::FieldError::new(name, "invalid", format!("{label}: {why}"));
        let value = match kind {
            Kind::Date | Kind::Text | Kind::Choice(_) => json!(v),
            Kind::Tri => json!(v == "1"),
            Kind::Int => json!(v.parse::<u32>().map_err(|_| bad("应为非负整数"))?),
            Kind::Yuan => json!(Money::parse_yuan(v).map_err(|e| bad(&e.to_string()))?.fen()),
        };
        match name.strip_prefix("business.") {
            Some(b) => {
                business.insert(b.into(), value);
            }
            None => {
                person.insert((*name).into(), value);
            }
        }
    }
    if !business.is_empty() {
        person.insert("business".into(), Value::Object(business));
    }
    let text = json!({ "persons": [Value::Object(person)] }).to_string();
    leye_policy::Situation::from_json(&text).map_err(|mut e| {
        e.field = e
            .field
            .trim_start_matches("persons[0].")
            .trim_start_matches("persons[0]")
            .to_string();
        let label = fact_label(&e.field);
        let kind = CHECK_FIELDS.iter().find(|f| f.0 == e.field).map(|f| f.2);
        e.message = match kind {
            Some(Kind::Date) => format!("{label}填写有误: 应为有效日期,如2024-07-01"),
            _ => format!("{label}填写有误,请检查后重新填写"),
        };
        e
    })
}

async fn check(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    Form(raw): Form<HashMap<String, String>>,
) -> Result<Response, UiError> {
    let nav = nav_for(&caller, &headers);
    let mut fields = check_fields(&raw);
    let date = raw.get("date").map(|s| s.trim()).unwrap_or("");
    let on = if date.is_empty() {
        Ok(app.clock.today())
    } else {
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
            leye_domain::FieldError::new("date", "invalid_date", "判定日期格式应为YYYY-MM-DD")
        })
    };
    let parsed = on.and_then(|on| situation_from_form(&raw).map(|s| (on, s)));
    let (on, situation) = match parsed {
        Ok(x) => x,
        Err(e) => {
            if let Some(f) = fields.iter_mut().find(|f| f.name == e.field) {
                f.error = e.message.clone();
            }
            let page = CheckPage {
                nav,
                fields,
                errors: vec![e.message],
                results: Vec::new(),
                checked: false,
            };
            let mut res = render(page)?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
    };
    let decisions = leye_policy::evaluate(&situation, on, None).map_err(policy_error)?;
    // Eligible first, then undecided, then not eligible.
    let mut results: Vec<Shown> = decisions.iter().map(shown).collect();
    results.sort_by_key(|s| match s.class {
        "met" => 0,
        "unknown" => 1,
        _ => 2,
    });
    render(CheckPage {
        nav,
        fields,
        errors: Vec::new(),
        results,
        checked: true,
    })
}

/// One offer as listed.
pub struct OfferRow {
    pub id: i64,
    /// Still open: may be turned into an application
    pub open: bool,
    pub measure: String,
    pub clause: String,
    pub person_id: Option<i64>,
    pub who: String,
    pub enterprise: String,
    pub region: String,
    pub amount: String,
    pub period: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "offers.html")]
struct OffersPage {
    nav: Nav,
    rows: Vec<OfferRow>,
    total: String,
    page: i64,
    pages: i64,
    measure: String,
    measures: Vec<(String, String)>,
    summary: Vec<(String, String, i64, String)>,
    may_sweep: bool,
    may_apply: bool,
    message: String,
    query: String,
}

async fn offers(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OfferQueryUi>,
) -> Result<Response, UiError> {
    let api = OfferQuery {
        measure: q.measure.clone(),
        status: q.status.clone().or(Some("open".into())),
        region: q.region.clone(),
        page: q.page,
        per_page: Some(50),
    };
    let filter = api.filter()?;
    let mut tx = app.store.begin_read().await?;
    let paging = leye_store::Paging::new(q.page, Some(50));
    let page = leye_store::list_offers(&mut tx, &caller.scope, &filter, paging).await?;
    let counts = leye_store::count_offers(&mut tx, &caller.scope).await?;
    tx.commit().await.map_err(leye_store::StoreError::from)?;
    let regions = leye_domain::Regions::huzhou();
    let rows = page
        .items
        .iter()
        .map(|o| OfferRow {
            id: o.id,
            open: o.status == "open",
            measure: leye_sweep::measure_name(&o.measure).into(),
            clause: o.clause.clone(),
            person_id: o.person_id,
            who: o.person_name.clone().unwrap_or_default(),
            enterprise: o.enterprise_name.clone().unwrap_or_default(),
            region: regions.full_name(&o.region),
            amount: o
                .amount_fen
                .map(|f| format!("{}元", Money::from_fen(f)))
                .unwrap_or_default(),
            period: match (&o.period_start, &o.period_end) {
                (Some(a), Some(b)) => format!("{a} 至 {b}"),
                _ => String::new(),
            },
            status: leye_sweep::status_label(&o.status).into(),
        })
        .collect();
    let summary = counts
        .into_iter()
        .map(|(m, s, n, fen)| {
            (
                leye_sweep::measure_name(&m).to_string(),
                leye_sweep::status_label(&s).to_string(),
                n,
                Money::from_fen(fen).to_string(),
            )
        })
        .collect();
    let mut measures = vec![(String::new(), "全部措施".to_string())];
    measures.extend(
        leye_policy::measures::ALL
            .iter()
            .map(|m| (m.id.to_string(), m.name.to_string())),
    );
    let pages = (page.total + 49) / 50;
    render(OffersPage {
        nav: Nav::of(&caller),
        rows,
        total: super::shown_total(&page),
        page: page.page,
        pages: pages.max(1),
        measure: q.measure.clone().unwrap_or_default(),
        measures,
        summary,
        may_sweep: caller.may(Permission::SweepRun),
        may_apply: caller.may(Permission::ApplicationSubmit),
        message: q.msg.clone().unwrap_or_default(),
        query: q
            .measure
            .as_deref()
            .map(|m| format!("?measure={m}"))
            .unwrap_or_default(),
    })
}

/// Query of the offers page (the API's filters plus a message after a sweep).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferQueryUi {
    pub measure: Option<String>,
    pub status: Option<String>,
    pub region: Option<String>,
    pub page: Option<i64>,
    pub msg: Option<String>,
}

async fn export_offers(
    State(app): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OfferQueryUi>,
) -> Result<Response, UiError> {
    let api = OfferQuery {
        measure: q.measure.clone(),
        status: q.status.clone().or(Some("open".into())),
        region: q.region.clone(),
        page: None,
        per_page: None,
    };
    let filter = api.filter()?;
    let all = leye_sweep::all_offers(&app.store, &caller.scope, &filter)
        .await
        .map_err(sweep_error)?;
    let bytes = leye_sweep::to_xlsx(&all).map_err(sweep_error)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"offers.xlsx\"; filename*=UTF-8''%E5%85%8D%E7%94%B3%E5%8D%B3%E4%BA%AB%E5%90%8D%E5%8D%95.xlsx",
            ),
        ],
        bytes,
    )
        .into_response())
}

fn sweep_error(e: leye_sweep::SweepError) -> UiError {
    match e {
        leye_sweep::SweepError::Store(s) => UiError(s.into()),
        other => UiError(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "sweep",
            other.to_string(),
        )),
    }
}

async fn run_sweep(State(app): State<AppState>, caller: Caller) -> Result<Response, UiError> {
    let report = leye_sweep::sweep(
        &app.store,
        app.clock.today(),
        None,
        &caller.actor,
        app.clock.now(),
        |_, _| {},
    )
    .await
    .map_err(sweep_error)?;
    let msg = format!(
        "普查完成: {}人, 应享未享{}条, 撤回{}条",
        report.persons, report.saved.open, report.saved.withdrawn
    );
    let q: String = url_escape(&msg);
    Ok(Redirect::to(&format!("/offers?msg={q}")).into_response())
}

pub(crate) fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
