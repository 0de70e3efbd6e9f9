//! Create and edit forms (each error shown next to its field, what was typed kept), the
//! audited "show in full" action, and CSV exports (masked).

use super::{Nav, UiError, render};
use crate::AppState;
use crate::access::Caller;
use crate::api::{EnterpriseQuery, HouseholdQuery, PersonQuery, reveal_reason};
use crate::error::{ApiError, ApiQuery, IdPath, region_filter};
use crate::views::{EnterpriseView, HouseholdView, PersonView};
use askama::Template;
use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use leye_domain::enterprise::{EnterpriseInput, Industry, Scale};
use leye_domain::household::{HouseholdInput, IncomeBand, MemberInput, Relation};
use leye_domain::person::{Assistance, Education, PersonInput};
use leye_domain::{FieldError, Regions};
use leye_store as store;
use std::collections::HashMap;

/// A form field as rendered.
#[derive(Debug, Clone, Default)]
pub struct FormField {
    pub name: String,
    pub label: String,
    /// `text`, `check` or `select`
    pub kind: &'static str,
    pub value: String,
    pub hint: String,
    pub error: String,
    pub options: Vec<(String, String)>,
}

pub(crate) fn text_field(name: &str, label: &str, value: &str, hint: &str) -> FormField {
    FormField {
        name: name.into(),
        label: label.into(),
        kind: "text",
        value: value.into(),
        hint: hint.into(),
        ..Default::default()
    }
}

fn check_field(name: &str, label: &str, on: bool) -> FormField {
    FormField {
        name: name.into(),
        label: label.into(),
        kind: "check",
        value: if on { "on".into() } else { String::new() },
        ..Default::default()
    }
}

pub(crate) fn select_field(
    name: &str,
    label: &str,
    value: &str,
    options: Vec<(String, String)>,
) -> FormField {
    FormField {
        name: name.into(),
        label: label.into(),
        kind: "select",
        value: value.into(),
        options,
        ..Default::default()
    }
}

fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    blank: Option<&str>,
) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = blank
        .map(|b| vec![(String::new(), b.to_string())])
        .unwrap_or_default();
    v.extend(
        all.iter()
            .map(|x| (code(*x).to_string(), label(*x).to_string())),
    );
    v
}

/// Put each error next to its field.
fn attach(fields: &mut [FormField], errs: &[FieldError]) -> Vec<String> {
    let mut unplaced = Vec::new();
    for e in errs {
        match fields
            .iter_mut()
            .find(|f| f.name == e.field || e.field.starts_with(&format!("{}.", f.name)))
        {
            Some(f) => f.error = e.message.clone(),
            None => unplaced.push(e.message.clone()),
        }
    }
    unplaced
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct FormPage {
    nav: Nav,
    title: String,
    action: String,
    fields: Vec<FormField>,
    errors: Vec<String>,
}

fn form_page(
    caller: &Caller,
    title: String,
    action: String,
    mut fields: Vec<FormField>,
    errs: &[FieldError],
) -> Result<Response, UiError> {
    let unplaced = attach(&mut fields, errs);
    if let Some(first) = unplaced.first()
        && let Some(f) = fields.first_mut()
        && f.error.is_empty()
    {
        f.error = first.clone();
    }
    let status = if errs.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(FormPage {
        nav: Nav::of(caller),
        title,
        action,
        fields,
        errors: errs.iter().map(|e| e.message.clone()).collect(),
    })?;
    Ok((status, page).into_response())
}

type Raw = HashMap<String, String>;

fn get<'a>(raw: &'a Raw, k: &str) -> &'a str {
    raw.get(k).map(String::as_str).unwrap_or("")
}

fn opt(raw: &Raw, k: &str) -> Option<String> {
    Some(get(raw, k).trim().to_string()).filter(|s| !s.is_empty())
}

// ---- persons ----

fn person_fields(raw: &Raw, editing: bool) -> Vec<FormField> {
    let keep = if editing { "留空表示不修改" } else { "" };
    vec![
        text_field("name", "姓名", get(raw, "name"), ""),
        text_field(
            "id_number",
            "身份证号",
            get(raw, "id_number"),
            if editing { keep } else { "18位,末位可为X" },
        ),
        text_field(
            "phone",
            "联系电话",
            get(raw, "phone"),
            if editing { keep } else { "手机或固话" },
        ),
        text_field(
            "residence_region",
            "常住地区划代码",
            get(raw, "residence_region"),
            "如 330502102201(村/社区)",
        ),
        text_field(
            "hukou_region",
            "户籍地区划代码",
            get(raw, "hukou_region"),
            "6位,可为外省",
        ),
        text_field("address", "居住地址", get(raw, "address"), keep),
        select_field(
            "education",
            "文化程度",
            get(raw, "education"),
            options(Education::ALL, Education::code, Education::label_zh, None),
        ),
        text_field("school", "毕业院校", get(raw, "school"), ""),
        text_field(
            "graduation_date",
            "毕业日期",
            get(raw, "graduation_date"),
            "YYYY-MM-DD",
        ),
        select_field(
            "disability_grade",
            "残疾等级(持证)",
            get(raw, "disability_grade"),
            vec![
                ("".into(), "无".into()),
                ("1".into(), "一级".into()),
                ("2".into(), "二级".into()),
                ("3".into(), "三级".into()),
                ("4".into(), "四级".into()),
            ],
        ),
        select_field(
            "assistance",
            "低保状态",
            get(raw, "assistance"),
            options(
                Assistance::ALL,
                Assistance::code,
                Assistance::label_zh,
                None,
            ),
        ),
        check_field("veteran", "退役军人", get(raw, "veteran") == "on"),
        check_field(
            "poverty_alleviated",
            "脱贫户",
            get(raw, "poverty_alleviated") == "on",
        ),
        check_field("urban", "城镇人口", get(raw, "urban") == "on"),
    ]
}

fn person_input(raw: &Raw) -> Result<PersonInput, FieldError> {
    let disability_grade = match opt(raw, "disability_grade") {
        None => None,
        Some(g) => Some(g.parse::<i64>().map_err(|_| {
            FieldError::new("disability_grade", "invalid_choice", "残疾等级应为1-4级")
        })?),
    };
    Ok(PersonInput {
        name: get(raw, "name").into(),
        id_number: get(raw, "id_number").into(),
        phone: opt(raw, "phone"),
        hukou_region: opt(raw, "hukou_region"),
        residence_region: get(raw, "residence_region").into(),
        address: opt(raw, "address"),
        education: opt(raw, "education"),
        school: opt(raw, "school"),
        graduation_date: opt(raw, "graduation_date"),
        disability_grade,
        veteran: get(raw, "veteran") == "on",
        poverty_alleviated: get(raw, "poverty_alleviated") == "on",
        assistance: opt(raw, "assistance"),
        urban: get(raw, "urban") == "on",
    })
}

pub async fn new_person(caller: Caller) -> Result<Response, UiError> {
    let raw: Raw = [
        ("urban", "on"),
        ("education", "none"),
        ("assistance", "none"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    form_page(
        &caller,
        "登记人员".into(),
        "/persons/new".into(),
        person_fields(&raw, false),
        &[],
    )
}

pub async fn create_person(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let fields = || person_fields(&raw, false);
    let title = || "登记人员".to_string();
    let input = match person_input(&raw) {
        Ok(i) => i,
        Err(e) => return form_page(&caller, title(), "/persons/new".into(), fields(), &[e]),
    };
    let facts = match input.parse_all(Regions::huzhou(), app.clock.today()) {
        Ok(f) => f,
        Err(errs) => return form_page(&caller, title(), "/persons/new".into(), fields(), &errs),
    };
    let mut tx = app.store.begin().await?;
    match store::create_person(
        &mut tx,
        &caller.scope,
        &caller.actor,
        &facts,
        app.clock.now(),
    )
    .await
    {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/persons/{id}")).into_response())
        }
        Err(e) => form_page(
            &caller,
            title(),
            "/persons/new".into(),
            fields(),
            &[store_field_error(e)?],
        ),
    }
}

/// A store error that belongs to a field goes next to it; anything else is an error page.
fn store_field_error(e: store::StoreError) -> Result<FieldError, UiError> {
    match e {
        store::StoreError::Duplicate { field, message } => {
            Ok(FieldError::new(field, "duplicate", message))
        }
        store::StoreError::Invalid(f) => Ok(f),
        store::StoreError::Forbidden(region) => Ok(FieldError::new(
            "residence_region",
            "forbidden",
            format!("无权在“{region}”登记"),
        )),
        other => Err(UiError::from(other)),
    }
}

fn person_raw(p: &store::PersonRecord) -> Raw {
    let mut r = Raw::new();
    let mut put = |k: &str, v: &str| {
        r.insert(k.to_string(), v.to_string());
    };
    put("name", &p.name);
    put("residence_region", &p.residence_region);
    put("hukou_region", p.hukou_region.as_deref().unwrap_or(""));
    put("education", &p.education);
    put("school", p.school.as_deref().unwrap_or(""));
    put(
        "graduation_date",
        p.graduation_date.as_deref().unwrap_or(""),
    );
    put(
        "disability_grade",
        &p.disability_grade
            .map(|g| g.to_string())
            .unwrap_or_default(),
    );
    put("assistance", &p.assistance);
    for (k, on) in [
        ("veteran", p.veteran),
        ("poverty_alleviated", p.poverty_alleviated),
        ("urban", p.urban),
    ] {
        put(k, if on { "on" } else { "" });
    }
    r
}

pub async fn edit_person(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin().await?;
    let p = store::get_person(&mut tx, &caller.scope, id).await?;
    tx.commit().await?;
    form_page(
        &caller,
        "修改人员".to_string(),
        format!("/persons/{id}/edit"),
        person_fields(&person_raw(&p), true),
        &[],
    )
}

pub async fn update_person(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(mut raw): Form<Raw>,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin().await?;
    let old = store::get_person(&mut tx, &caller.scope, id).await?;
    let shown = raw.clone();
    // Personal data is never put in the form; left blank it stays as it is.
    for (k, v) in [
        ("id_number", Some(old.id_number.clone())),
        ("phone", old.phone.clone()),
        ("address", old.address.clone()),
    ] {
        if get(&raw, k).trim().is_empty() {
            raw.insert(k.into(), v.unwrap_or_default());
        }
    }
    let action = format!("/persons/{id}/edit");
    let title = "修改人员".to_string();
    let facts = match person_input(&raw)
        .map_err(|e| vec![e])
        .and_then(|i| i.parse_all(Regions::huzhou(), app.clock.today()))
    {
        Ok(f) => f,
        Err(errs) => return form_page(&caller, title, action, person_fields(&shown, true), &errs),
    };
    match store::update_person(
        &mut tx,
        &caller.scope,
        &caller.actor,
        id,
        &facts,
        app.clock.now(),
    )
    .await
    {
        Ok(_) => {
            app.after_person_change(&mut tx, &caller.actor, id).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/persons/{id}")).into_response())
        }
        Err(e) => form_page(
            &caller,
            title,
            action,
            person_fields(&shown, true),
            &[store_field_error(e)?],
        ),
    }
}

#[derive(Template)]
#[template(path = "revealed.html")]
struct RevealedPage {
    nav: Nav,
    id: i64,
    name: String,
    reason: String,
    id_number: String,
    phone: String,
    address: String,
}

pub async fn reveal_person(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let reason = reveal_reason(get(&raw, "reason"))
        .map_err(|e| UiError(ApiError::new(StatusCode::BAD_REQUEST, e.code, e.message)))?;
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
    render(RevealedPage {
        nav: Nav::of(&caller),
        id,
        name: p.name,
        reason,
        id_number: p.id_number,
        phone: p.phone.unwrap_or_else(|| "未登记".into()),
        address: p.address.unwrap_or_else(|| "未登记".into()),
    })
}

// ---- enterprises ----

fn enterprise_fields(raw: &Raw) -> Vec<FormField> {
    vec![
        text_field(
            "credit_code",
            "统一社会信用代码",
            get(raw, "credit_code"),
            "18位",
        ),
        text_field("name", "企业名称", get(raw, "name"), ""),
        select_field(
            "industry",
            "行业门类",
            get(raw, "industry"),
            options(Industry::ALL, Industry::code, Industry::label_zh, None),
        ),
        text_field("region", "所在区划代码", get(raw, "region"), "如 330522108"),
        text_field(
            "registered_investment_yuan",
            "注册投资额(元)",
            get(raw, "registered_investment_yuan"),
            "如 5000000000",
        ),
        select_field(
            "scale",
            "企业规模",
            get(raw, "scale"),
            options(Scale::ALL, Scale::code, Scale::label_zh, None),
        ),
        check_field(
            "designated_key",
            "人社部门认定为重点企业",
            get(raw, "designated_key") == "on",
        ),
        text_field(
            "designation_reason",
            "认定理由",
            get(raw, "designation_reason"),
            "认定时必填",
        ),
    ]
}

fn enterprise_input(raw: &Raw) -> EnterpriseInput {
    EnterpriseInput {
        credit_code: get(raw, "credit_code").into(),
        name: get(raw, "name").into(),
        industry: get(raw, "industry").into(),
        region: get(raw, "region").into(),
        registered_investment_yuan: opt(raw, "registered_investment_yuan"),
        scale: get(raw, "scale").into(),
        designated_key: get(raw, "designated_key") == "on",
        designation_reason: opt(raw, "designation_reason"),
    }
}

pub async fn new_enterprise(caller: Caller) -> Result<Response, UiError> {
    let raw: Raw = [("industry", "C"), ("scale", "small")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    form_page(
        &caller,
        "登记企业".into(),
        "/enterprises/new".into(),
        enterprise_fields(&raw),
        &[],
    )
}

pub async fn create_enterprise(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let page = |errs: &[FieldError]| {
        form_page(
            &caller,
            "登记企业".into(),
            "/enterprises/new".into(),
            enterprise_fields(&raw),
            errs,
        )
    };
    let facts = match enterprise_input(&raw).parse_all(Regions::huzhou()) {
        Ok(f) => f,
        Err(errs) => return page(&errs),
    };
    let mut tx = app.store.begin().await?;
    match store::create_enterprise(
        &mut tx,
        &caller.scope,
        &caller.actor,
        &facts,
        app.clock.now(),
    )
    .await
    {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/enterprises/{id}")).into_response())
        }
        Err(e) => page(&[store_field_error(e).map(|f| {
            if f.code == "forbidden" {
                FieldError {
                    field: "region".into(),
                    ..f
                }
            } else {
                f
            }
        })?]),
    }
}

fn enterprise_raw(e: &store::EnterpriseRecord) -> Raw {
    let mut r = Raw::new();
    for (k, v) in [
        ("credit_code", e.credit_code.clone()),
        ("name", e.name.clone()),
        ("industry", e.industry.clone()),
        ("region", e.region.clone()),
        (
            "registered_investment_yuan",
            leye_domain::Money::from_fen(e.registered_investment_fen).to_string(),
        ),
        ("scale", e.scale.clone()),
        (
            "designated_key",
            if e.designated_key {
                "on".into()
            } else {
                String::new()
            },
        ),
        (
            "designation_reason",
            e.designation_reason.clone().unwrap_or_default(),
        ),
    ] {
        r.insert(k.into(), v);
    }
    r
}

pub async fn edit_enterprise(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin().await?;
    let e = store::get_enterprise(&mut tx, &caller.scope, id).await?;
    tx.commit().await?;
    form_page(
        &caller,
        "修改企业".to_string(),
        format!("/enterprises/{id}/edit"),
        enterprise_fields(&enterprise_raw(&e)),
        &[],
    )
}

pub async fn update_enterprise(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    let page = |errs: &[FieldError]| {
        form_page(
            &caller,
            "修改企业".into(),
            format!("/enterprises/{id}/edit"),
            enterprise_fields(&raw),
            errs,
        )
    };
    let facts = match enterprise_input(&raw).parse_all(Regions::huzhou()) {
        Ok(f) => f,
        Err(errs) => return page(&errs),
    };
    let mut tx = app.store.begin().await?;
    match store::update_enterprise(
        &mut tx,
        &caller.scope,
        &caller.actor,
        id,
        &facts,
        app.clock.now(),
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            // A new name is on its open postings' change feed: shown at once on this server.
            app.jobs
                .catch_up(&app.store, app.clock.today(), true)
                .await?;
            Ok(Redirect::to(&format!("/enterprises/{id}")).into_response())
        }
        Err(store::StoreError::NotFound { entity }) => Err(UiError(ApiError::not_found(entity))),
        Err(e) => page(&[store_field_error(e)?]),
    }
}

// ---- households ----

const MEMBER_ROWS: usize = 6;

fn household_fields(raw: &Raw) -> Vec<FormField> {
    let mut v = vec![
        text_field(
            "region",
            "居住地区划代码",
            get(raw, "region"),
            "如 330502102201",
        ),
        check_field("urban", "城镇户", get(raw, "urban") == "on"),
        check_field(
            "business_income",
            "有经营性或投资性收入",
            get(raw, "business_income") == "on",
        ),
        select_field(
            "income_band",
            "收入群体",
            get(raw, "income_band"),
            options(
                IncomeBand::ALL,
                IncomeBand::code,
                IncomeBand::label_zh,
                None,
            ),
        ),
    ];
    for i in 0..MEMBER_ROWS {
        v.push(text_field(
            &format!("members[{i}].person_id"),
            &format!("成员{}:人员编号", i + 1),
            get(raw, &format!("members[{i}].person_id")),
            if i == 0 { "户主的人员编号" } else { "" },
        ));
        v.push(select_field(
            &format!("members[{i}].relation"),
            &format!("成员{}:与户主关系", i + 1),
            get(raw, &format!("members[{i}].relation")),
            options(
                Relation::ALL,
                Relation::code,
                Relation::label_zh,
                Some("(不填)"),
            ),
        ));
    }
    v
}

fn household_input(raw: &Raw) -> Result<HouseholdInput, FieldError> {
    let mut members = Vec::new();
    for i in 0..MEMBER_ROWS {
        let pid = get(raw, &format!("members[{i}].person_id")).trim();
        if pid.is_empty() {
            continue;
        }
        let person_id = pid.parse::<i64>().map_err(|_| {
            FieldError::new(
                &format!("members[{i}].person_id"),
                "invalid_id",
                format!("人员编号“{pid}”应为数字"),
            )
        })?;
        members.push(MemberInput {
            person_id,
            relation: get(raw, &format!("members[{i}].relation")).into(),
        });
    }
    Ok(HouseholdInput {
        region: get(raw, "region").into(),
        urban: get(raw, "urban") == "on",
        business_income: get(raw, "business_income") == "on",
        income_band: opt(raw, "income_band"),
        members,
    })
}

async fn save_household(
    app: &AppState,
    caller: &Caller,
    id: Option<i64>,
    raw: &Raw,
) -> Result<Result<i64, Vec<FieldError>>, UiError> {
    let facts = match household_input(raw)
        .map_err(|e| vec![e])
        .and_then(|h| h.parse_all(Regions::huzhou()))
    {
        Ok(f) => f,
        Err(errs) => return Ok(Err(errs)),
    };
    let mut tx = app.store.begin().await?;
    let r = match id {
        None => {
            store::create_household(
                &mut tx,
                &caller.scope,
                &caller.actor,
                &facts,
                app.clock.now(),
            )
            .await
        }
        Some(id) => store::update_household(
            &mut tx,
            &caller.scope,
            &caller.actor,
            id,
            &facts,
            app.clock.now(),
        )
        .await
        .map(|h| h.id),
    };
    match r {
        Ok(id) => {
            app.after_household_change(&mut tx, &caller.actor, id)
                .await?;
            tx.commit().await?;
            Ok(Ok(id))
        }
        Err(store::StoreError::NotFound { entity }) => Err(UiError(ApiError::not_found(entity))),
        Err(e) => Ok(Err(vec![store_field_error(e).map(|f| {
            if f.code == "forbidden" {
                FieldError {
                    field: "region".into(),
                    ..f
                }
            } else {
                f
            }
        })?])),
    }
}

pub async fn new_household(caller: Caller) -> Result<Response, UiError> {
    let raw: Raw = [
        ("urban", "on"),
        ("income_band", "unknown"),
        ("members[0].relation", "head"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    form_page(
        &caller,
        "登记家庭".into(),
        "/households/new".into(),
        household_fields(&raw),
        &[],
    )
}

pub async fn create_household(
    State(app): State<AppState>,
    caller: Caller,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    match save_household(&app, &caller, None, &raw).await? {
        Ok(id) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        Err(e) => form_page(
            &caller,
            "登记家庭".into(),
            "/households/new".into(),
            household_fields(&raw),
            &e,
        ),
    }
}

pub async fn edit_household(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, UiError> {
    let mut tx = app.store.begin().await?;
    let h = store::get_household(&mut tx, &caller.scope, id).await?;
    tx.commit().await?;
    let mut raw = Raw::new();
    raw.insert("region".into(), h.region.clone());
    raw.insert("income_band".into(), h.income_band.clone());
    if h.urban {
        raw.insert("urban".into(), "on".into());
    }
    if h.business_income {
        raw.insert("business_income".into(), "on".into());
    }
    for (i, m) in h.members.iter().enumerate().take(MEMBER_ROWS) {
        raw.insert(format!("members[{i}].person_id"), m.person_id.to_string());
        raw.insert(format!("members[{i}].relation"), m.relation.clone());
    }
    form_page(
        &caller,
        "修改家庭".to_string(),
        format!("/households/{id}/edit"),
        household_fields(&raw),
        &[],
    )
}

pub async fn update_household(
    State(app): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    Form(raw): Form<Raw>,
) -> Result<Response, UiError> {
    match save_household(&app, &caller, Some(id), &raw).await? {
        Ok(id) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        Err(e) => form_page(
            &caller,
            "修改家庭".to_string(),
            format!("/households/{id}/edit"),
            household_fields(&raw),
            &e,
        ),
    }
}

// ---- exports ----

const EXPORT_MAX: i64 = 50_000;

/// Read every page of a store list (up to [`EXPORT_MAX`] rows) and map each item to a CSV row.
macro_rules! all_rows {
    ($tx:expr, $list:path, $scope:expr, $filter:expr, $row:expr) => {{
        let mut rows: Vec<Vec<String>> = Vec::new();
        let max = store::Paging::MAX_PER_PAGE;
        for page in 1.. {
            let p = $list(
                &mut $tx,
                $scope,
                $filter,
                store::Paging::new(Some(page), Some(max)),
            )
            .await?;
            let done = p.items.len() < max as usize || page * max >= EXPORT_MAX;
            rows.extend(p.items.iter().map($row));
            if done {
                break;
            }
        }
        rows
    }};
}

fn csv_line(cells: &[String]) -> String {
    let mut s = cells
        .iter()
        .map(|c| {
            // Quote, and defuse spreadsheet formulas.
            let c = if c.starts_with(['=', '+', '-', '@']) {
                format!("'{c}")
            } else {
                c.clone()
            };
            format!("\"{}\"", c.replace('"', "\"\""))
        })
        .collect::<Vec<_>>()
        .join(",");
    s.push_str("\r\n");
    s
}

/// A list download in the format its path asks for: `.xlsx` (Chinese headers, every cell as
/// text so that Excel keeps long numbers) or `.csv` (UTF-8 with BOM).
fn table_response(
    uri: &axum::http::Uri,
    stem: &str,
    header: &[&str],
    rows: Vec<Vec<String>>,
) -> Result<Response, UiError> {
    if uri.path().ends_with(".xlsx") {
        let bytes = leye_io::sheet_bytes(stem, header, &rows).map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "生成Excel文件失败",
            )
        })?;
        return Ok(super::imports::xlsx_response(
            &format!("{stem}.xlsx"),
            bytes,
        ));
    }
    Ok(csv_response(
        &format!("{}.csv", uri.path().rsplit('/').nth(1).unwrap_or("export")),
        header,
        rows,
    ))
}

fn csv_response(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> Response {
    let mut body = String::from("\u{feff}");
    body.push_str(&csv_line(
        &header.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
    ));
    for r in rows {
        body.push_str(&csv_line(&r));
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub async fn export_persons(
    State(app): State<AppState>,
    caller: Caller,
    uri: axum::http::Uri,
    ApiQuery(q): ApiQuery<PersonQuery>,
) -> Result<Response, UiError> {
    let f = q.filter()?;
    let mut tx = app.store.begin().await?;
    let rows = all_rows!(tx, store::list_persons, &caller.scope, &f, |item| {
        let v = PersonView::from(item);
        vec![
            v.id.to_string(),
            v.name,
            v.id_number_masked,
            v.sex_label,
            v.birth_date,
            v.phone_masked.unwrap_or_default(),
            v.residence_region_name,
            v.education_label,
            v.labour_status_label,
        ]
    });
    tx.commit().await?;
    table_response(
        &uri,
        "人员",
        &[
            "编号",
            "姓名",
            "身份证号(脱敏)",
            "性别",
            "出生日期",
            "联系电话(脱敏)",
            "常住地",
            "文化程度",
            "就业状态",
        ],
        rows,
    )
}

pub async fn export_households(
    State(app): State<AppState>,
    caller: Caller,
    uri: axum::http::Uri,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
) -> Result<Response, UiError> {
    let f = store::HouseholdFilter {
        region: region_filter("region", &q.region)?,
        urban: q.urban,
    };
    let mut tx = app.store.begin().await?;
    let rows = all_rows!(tx, store::list_households, &caller.scope, &f, |item| {
        let h = HouseholdView::from(item);
        let members = h
            .members
            .iter()
            .map(|m| format!("{}({})", m.name, m.relation_label))
            .collect::<Vec<_>>()
            .join("、");
        vec![
            h.id.to_string(),
            h.region_name,
            if h.urban { "城镇" } else { "农村" }.into(),
            h.income_band_label,
            members,
        ]
    });
    tx.commit().await?;
    table_response(
        &uri,
        "家庭",
        &["编号", "居住地", "城乡", "收入群体", "成员"],
        rows,
    )
}

pub async fn export_enterprises(
    State(app): State<AppState>,
    caller: Caller,
    uri: axum::http::Uri,
    ApiQuery(q): ApiQuery<EnterpriseQuery>,
) -> Result<Response, UiError> {
    let f = q.filter()?;
    let mut tx = app.store.begin().await?;
    let rows = all_rows!(tx, store::list_enterprises, &caller.scope, &f, |item| {
        let e = EnterpriseView::from(item);
        vec![
            e.id.to_string(),
            e.name,
            e.credit_code,
            e.industry_label,
            e.region_name,
            e.scale_label,
            e.latest_headcount
                .map(|h| h.headcount.to_string())
                .unwrap_or_default(),
            if e.is_key { "是" } else { "否" }.into(),
        ]
    });
    tx.commit().await?;
    table_response(
        &uri,
        "企业",
        &[
            "编号",
            "企业名称",
            "统一社会信用代码",
            "行业",
            "所在地",
            "规模",
            "最近用工人数",
            "重点企业",
        ],
        rows,
    )
}
