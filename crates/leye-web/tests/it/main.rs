//! API and UI tests. Every registry test runs on SQLite and on PostgreSQL.

mod access_matrix;
mod applications;
mod i18n;
mod jobs;
mod market;
mod monitor;
mod outage;
mod policy;
mod rights;
mod sessions;
mod skills;
mod units;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use leye_store::Store;
use leye_testkit::{both_backends, credit_code, id_number, now};
use leye_web::{AppState, Clock, app};
use serde_json::{Value, json};
use tower::ServiceExt;

/// The application with a city-bureau admin whose API token every helper sends.
#[derive(Clone)]
pub struct Env {
    pub app: Router,
    pub token: String,
    pub store: Store,
}

/// Create a user of a role and an API token for them; returns the token.
pub async fn user_with_token(
    store: &Store,
    username: &str,
    role: &str,
    region: Option<&str>,
    enterprise: Option<i64>,
    person: Option<i64>,
) -> String {
    let u = leye_store::NewUser {
        username: username.into(),
        display_name: username.into(),
        password_hash: leye_web::auth::hash_password("pass1234").unwrap(),
        role: role.into(),
        region_code: region.map(str::to_string),
        unit: (role == "unit_officer").then(|| "市经信局".to_string()),
        enterprise_id: enterprise,
        person_id: person,
    };
    let mut tx = store.begin().await.unwrap();
    let actor = leye_store::Actor::system("test");
    let id = leye_store::create_user(&mut tx, &actor, &u, now())
        .await
        .unwrap();
    let token = format!("leye_test_{username}");
    let hash = leye_web::auth::sha256_hex(&token);
    leye_store::create_api_token(&mut tx, &actor, id, "t", &hash, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    token
}

pub async fn env(store: Store) -> Env {
    let token = user_with_token(&store, "admin", "city_admin", None, None, None).await;
    let app = app(AppState::new(store.clone(), Clock::Fixed(now())).unwrap());
    Env { app, token, store }
}

pub async fn send(
    app: &Router,
    req: Request<Body>,
) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, bytes, headers)
}

pub async fn call_as(
    env: &Env,
    token: &str,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Vec<u8>) {
    let b = body.map(|v| v.to_string().into_bytes()).unwrap_or_default();
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json");
    // An empty token calls as nobody (public routes).
    if !token.is_empty() {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    let req = req.body(Body::from(b)).unwrap();
    let (s, bytes, _) = send(&env.app, req).await;
    (s, bytes)
}

async fn call_raw(
    env: &Env,
    method: Method,
    uri: &str,
    body: Vec<u8>,
) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {}", env.token))
        .body(Body::from(body))
        .unwrap();
    send(&env.app, req).await
}

async fn call(app: &Env, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let b = body.map(|v| v.to_string().into_bytes()).unwrap_or_default();
    let (s, bytes, _) = call_raw(app, method, uri, b).await;
    (s, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn page(app: &Env, uri: &str) -> (StatusCode, String) {
    let (s, bytes, _) = call_raw(app, Method::GET, uri, vec![]).await;
    (s, String::from_utf8(bytes).unwrap())
}

pub fn person_body(name: &str, seq: u32) -> Value {
    json!({
        "name": name,
        "id_number": id_number("330502", "19880315", seq),
        "phone": "13912345678",
        "residence_region": "330502102201",
        "address": "湖州市吴兴区织里镇大港路88号",
        "education": "bachelor",
        "school": "湖州师范学院",
        "graduation_date": "2010-06-30",
        "urban": true
    })
}

pub fn enterprise_body(n: u32) -> Value {
    json!({
        "credit_code": credit_code("330522", n),
        "name": format!("长兴测试{n}有限公司"),
        "industry": "C",
        "region": "330522108",
        "registered_investment_yuan": "1000000",
        "scale": "medium"
    })
}

async fn counts(app: &Env) -> (i64, i64, i64) {
    let p = call(app, Method::GET, "/api/v1/persons", None).await.1["total"]
        .as_i64()
        .unwrap();
    let h = call(app, Method::GET, "/api/v1/households", None).await.1["total"]
        .as_i64()
        .unwrap();
    let e = call(app, Method::GET, "/api/v1/enterprises", None).await.1["total"]
        .as_i64()
        .unwrap();
    (p, h, e)
}

async fn person_lifecycle(store: Store) {
    let app = env(store).await;
    let (s, p) = call(
        &app,
        Method::POST,
        "/api/v1/persons",
        Some(person_body("钱多多", 21)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = p["id"].as_i64().unwrap();
    // Personal data is masked in the answer.
    assert_eq!(
        p["id_number_masked"],
        "330502********0215".replace("0215", &id_number("330502", "19880315", 21)[14..])
    );
    assert_eq!(p["phone_masked"], "139****5678");
    assert_eq!(p["address_masked"], "湖州市吴兴区****");
    assert!(p.get("id_number").is_none() && p.get("phone").is_none());
    assert_eq!(p["residence_region_name"], "湖州市吴兴区织里镇织里东村");

    let mut body = person_body("钱多多", 21);
    body["residence_region"] = json!("330503101");
    body["veteran"] = json!(true);
    let (s, p2) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/persons/{id}"),
        Some(body),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p2}");
    assert_eq!(
        (p2["veteran"].as_bool(), p2["version"].as_i64()),
        (Some(true), Some(2))
    );

    let (s, ev) = call(
        &app,
        Method::POST,
        &format!("/api/v1/persons/{id}/labour-events"),
        Some(json!({"status": "unemployed", "effective": "2026-05-01", "benefit_months": 4})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{ev}");
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/persons?labour_status=unemployed&region=330503",
        None,
    )
    .await;
    assert_eq!(list["total"], 1);
    let (_, hist) = call(
        &app,
        Method::GET,
        &format!("/api/v1/persons/{id}/labour-events"),
        None,
    )
    .await;
    assert_eq!(hist[0]["status_label"], "登记失业");
    let (s, e) = call(&app, Method::GET, "/api/v1/persons/999999", None).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

async fn households_and_enterprises(store: Store) {
    let app = env(store).await;
    let a = call(
        &app,
        Method::POST,
        "/api/v1/persons",
        Some(person_body("户主", 1)),
    )
    .await
    .1["id"]
        .as_i64()
        .unwrap();
    let b = call(
        &app,
        Method::POST,
        "/api/v1/persons",
        Some(person_body("配偶", 2)),
    )
    .await
    .1["id"]
        .as_i64()
        .unwrap();
    let (s, h) = call(
        &app,
        Method::POST,
        "/api/v1/households",
        Some(json!({"region": "330502102201", "members": [{"person_id": a, "relation": "head"}, {"person_id": b, "relation": "spouse"}]})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    assert_eq!(h["members"][0]["relation_label"], "户主");

    let (s, e) = call(
        &app,
        Method::POST,
        "/api/v1/enterprises",
        Some(enterprise_body(7)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let eid = e["id"].as_i64().unwrap();
    assert_eq!(
        (e["is_key"].as_bool(), e["region_name"].as_str()),
        (Some(false), Some("湖州市长兴县泗安镇"))
    );
    let (s, hc) = call(
        &app,
        Method::POST,
        &format!("/api/v1/enterprises/{eid}/headcount"),
        Some(json!({"month": "2026-10", "headcount": 650})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{hc}");
    let (_, e) = call(
        &app,
        Method::GET,
        &format!("/api/v1/enterprises/{eid}"),
        None,
    )
    .await;
    assert_eq!(e["is_key"], true);
    assert!(
        e["key_reasons"][0]["explanation"]
            .as_str()
            .unwrap()
            .contains("二(五)2")
    );
    let (s, err) = call(
        &app,
        Method::POST,
        &format!("/api/v1/enterprises/{eid}/headcount"),
        Some(json!({"month": "2027-01", "headcount": 1})),
    )
    .await;
    assert_eq!(
        (s, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("month"))
    );
    let (_, list) = call(
        &app,
        Method::GET,
        "/api/v1/enterprises?industry=c&region=330522",
        None,
    )
    .await;
    assert_eq!(list["total"], 1);
}

/// One bad request: method, path, raw body, and the expected status, code and field.
type BadRequest = (
    Method,
    String,
    Vec<u8>,
    u16,
    &'static str,
    Option<&'static str>,
);

fn bad_requests() -> Vec<BadRequest> {
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = person_body("测试", 5);
        f(&mut v);
        v.to_string().into_bytes()
    };
    let ent = |f: &dyn Fn(&mut Value)| {
        let mut v = enterprise_body(9);
        f(&mut v);
        v.to_string().into_bytes()
    };
    let p = || "/api/v1/persons".to_string();
    vec![
        (
            Method::POST,
            p(),
            b"{".to_vec(),
            400,
            "malformed_json",
            None,
        ),
        (
            Method::POST,
            p(),
            vec![0xff, 0xfe, 0x00],
            400,
            "malformed_json",
            None,
        ),
        (Method::POST, p(), b"".to_vec(), 400, "malformed_json", None),
        (
            Method::POST,
            p(),
            with(&|v| v["name"] = json!(12)),
            422,
            "invalid_type",
            Some("name"),
        ),
        (
            Method::POST,
            p(),
            with(&|v| v["urban"] = json!("yes")),
            422,
            "invalid_type",
            Some("urban"),
        ),
        (
            Method::POST,
            p(),
            with(&|v| {
                v.as_object_mut().unwrap().remove("id_number");
            }),
            422,
            "required",
            Some("id_number"),
        ),
        (
            Method::POST,
            p(),
            with(&|v| v["salary"] = json!(1)),
            422,
            "unknown_field",
            Some("salary"),
        ),
        (
            Method::POST,
            p(),
            with(&|v| v["id_number"] = json!("330502198803150211")),
            422,
            "invalid_id_number",
            Some("id_number"),
        ),
        (
            Method::POST,
            p(),
            with(&|v| v["id_number"] = json!(id_number("330502", "20270101", 1))),
            422,
            "invalid_id_number",
            Some("id_number"),
        ),
        (
            Method::POST,
            p(),
            with(&|v| v["id_number"] = json!(id_number("330502", "19900230", 1))),
            422,
            "invalid_id_number",
            Some("id_number"),
        ),
        (
            Method::POST,
            p(),
            with(&|v| v["residence_region"] = json!("330599")),
            422,
            "unknown_region",
            Some("residence_region"),
        ),
        (
            Method::POST,
            p(),
            with(&|v| v["name"] = json!("名".repeat(51))),
            422,
            "too_long",
            Some("name"),
        ),
        (
            Method::POST,
            p(),
            with(&|v| v["address"] = json!("路".repeat(5000))),
            422,
            "too_long",
            Some("address"),
        ),
        (
            Method::POST,
            p(),
            with(&|v| v["phone"] = json!("12345")),
            422,
            "invalid_phone",
            Some("phone"),
        ),
        (
            Method::POST,
            p(),
            with(&|v| v["disability_grade"] = json!(9_223_372_036_854_775_807i64)),
            422,
            "invalid_choice",
            Some("disability_grade"),
        ),
        (
            Method::POST,
            p(),
            with(&|v| v["disability_grade"] = json!(1e300)),
            422,
            "invalid_type",
            Some("disability_grade"),
        ),
        (
            Method::POST,
            "/api/v1/enterprises".into(),
            ent(&|v| v["credit_code"] = json!("91330522MA0000000X")),
            422,
            "invalid_credit_code",
            Some("credit_code"),
        ),
        (
            Method::POST,
            "/api/v1/enterprises".into(),
            ent(&|v| v["industry"] = json!("Z")),
            422,
            "invalid_choice",
            Some("industry"),
        ),
        (
            Method::POST,
            "/api/v1/enterprises".into(),
            ent(&|v| v["registered_investment_yuan"] = json!("1.234")),
            422,
            "invalid_money",
            Some("registered_investment_yuan"),
        ),
        (
            Method::POST,
            "/api/v1/households".into(),
            json!({"region": "330502", "members": [{"person_id": 424242, "relation": "head"}]})
                .to_string()
                .into_bytes(),
            422,
            "unknown_person",
            Some("members[0].person_id"),
        ),
        (
            Method::POST,
            "/api/v1/households".into(),
            json!({"region": "330502", "members": []})
                .to_string()
                .into_bytes(),
            422,
            "required",
            Some("members"),
        ),
        (
            Method::PUT,
            "/api/v1/persons/abc".into(),
            with(&|_| {}),
            400,
            "invalid_id",
            None,
        ),
        (
            Method::GET,
            "/api/v1/persons/99999999999999999999999".into(),
            vec![],
            400,
            "invalid_id",
            None,
        ),
        (
            Method::GET,
            "/api/v1/persons/-1".into(),
            vec![],
            400,
            "invalid_id",
            None,
        ),
        (
            Method::PUT,
            "/api/v1/persons/424242".into(),
            with(&|_| {}),
            404,
            "not_found",
            None,
        ),
        (
            Method::GET,
            "/api/v1/persons?per_page=abc".into(),
            vec![],
            400,
            "invalid_query",
            None,
        ),
        (
            Method::GET,
            "/api/v1/persons?labour_status=working".into(),
            vec![],
            400,
            "invalid_query",
            Some("labour_status"),
        ),
        (
            Method::GET,
            "/api/v1/persons?region=999999".into(),
            vec![],
            400,
            "unknown_region",
            Some("region"),
        ),
        (
            Method::GET,
            "/api/v1/persons?bogus=1".into(),
            vec![],
            400,
            "invalid_query",
            None,
        ),
        (
            Method::GET,
            "/api/v1/nothing-here".into(),
            vec![],
            404,
            "no_such_route",
            None,
        ),
        (Method::DELETE, p(), vec![], 405, "method_not_allowed", None),
        (
            Method::POST,
            p(),
            vec![b' '; 3 * 1024 * 1024],
            413,
            "body_too_large",
            None,
        ),
    ]
}

async fn bad_input_is_rejected_and_changes_nothing(store: Store) {
    let app = env(store.clone()).await;
    for (method, uri, body, status, code, field) in bad_requests() {
        let (s, bytes, _) = call_raw(&app, method.clone(), &uri, body).await;
        let v: Value = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            panic!(
                "{method} {uri}: not JSON: {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        assert_eq!(
            (s.as_u16(), v["code"].as_str()),
            (status, Some(code)),
            "{method} {uri}: {v}"
        );
        assert_eq!(v["field"].as_str(), field, "{method} {uri}: {v}");
        let msg = v["message"].as_str().unwrap();
        assert!(
            msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "message not Chinese: {msg}"
        );
    }
    assert_eq!(counts(&app).await, (0, 0, 0));
    let mut tx = store.begin().await.unwrap();
    assert!(
        leye_store::audit_entries(&mut tx, "person", 1)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn duplicates_are_409_and_change_nothing(store: Store) {
    let app = env(store).await;
    assert_eq!(
        call(
            &app,
            Method::POST,
            "/api/v1/persons",
            Some(person_body("甲", 3))
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let (s, e) = call(
        &app,
        Method::POST,
        "/api/v1/persons",
        Some(person_body("乙", 3)),
    )
    .await;
    assert_eq!(
        (s, e["code"].as_str(), e["field"].as_str()),
        (StatusCode::CONFLICT, Some("duplicate"), Some("id_number"))
    );
    assert_eq!(
        call(
            &app,
            Method::POST,
            "/api/v1/enterprises",
            Some(enterprise_body(1))
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let (s, e) = call(
        &app,
        Method::POST,
        "/api/v1/enterprises",
        Some(enterprise_body(1)),
    )
    .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::CONFLICT, Some("credit_code"))
    );
    // 15-digit legacy form of an 18-digit number already registered is the same person.
    let eighteen = id_number("330502", "19700101", 12);
    let fifteen = format!("{}{}", &eighteen[..6], &eighteen[8..17]);
    let mut a = person_body("丙", 0);
    a["id_number"] = json!(eighteen);
    assert_eq!(
        call(&app, Method::POST, "/api/v1/persons", Some(a)).await.0,
        StatusCode::CREATED
    );
    let mut b = person_body("丙", 0);
    b["id_number"] = json!(fifteen);
    assert_eq!(
        call(&app, Method::POST, "/api/v1/persons", Some(b)).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(counts(&app).await, (2, 0, 1));
}

both_backends!(
    person_lifecycle,
    households_and_enterprises,
    bad_input_is_rejected_and_changes_nothing,
    duplicates_are_409_and_change_nothing,
);

#[tokio::test]
async fn no_truncated_or_corrupted_body_causes_a_500() {
    let db = leye_testkit::TestDb::sqlite().await;
    let app = env(db.store.clone()).await;
    let valid = person_body("截断", 9).to_string().into_bytes();
    for cut in 0..valid.len() {
        let (s, _, _) =
            call_raw(&app, Method::POST, "/api/v1/persons", valid[..cut].to_vec()).await;
        assert!(s.is_client_error(), "cut at {cut}: {s}");
    }
    for i in 0..valid.len() {
        for c in [b'"', b'}', b'9', 0xe4] {
            let mut b = valid.clone();
            b[i] = c;
            let (s, _, _) = call_raw(&app, Method::POST, "/api/v1/persons", b).await;
            assert!(s.as_u16() < 500, "byte {i} -> {c}: {s}");
        }
    }
}

#[tokio::test]
async fn openapi_documents_every_route() {
    let db = leye_testkit::TestDb::sqlite().await;
    let app = env(db.store.clone()).await;
    let (s, doc) = call(&app, Method::GET, "/api/v1/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for p in [
        "/healthz",
        "/api/v1/regions",
        "/api/v1/regions/{code}",
        "/api/v1/persons",
        "/api/v1/persons/{id}",
        "/api/v1/persons/{id}/labour-events",
        "/api/v1/households",
        "/api/v1/households/{id}",
        "/api/v1/enterprises",
        "/api/v1/enterprises/{id}",
        "/api/v1/enterprises/{id}/headcount",
    ] {
        assert!(paths.contains(&p), "{p} missing from OpenAPI: {paths:?}");
    }
    assert!(doc["components"]["schemas"]["PersonInput"].is_object());
    // Every `{param}` of every path is declared as a path parameter of every operation there
    // (schemathesis refuses operations that are not, and clients cannot build their URLs).
    let mut undeclared = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let names: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|r| r.split('}').next())
            .collect();
        for (method, op) in ops.as_object().unwrap() {
            for n in &names {
                let declared = op["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == *n && p["in"] == "path"));
                if !declared {
                    undeclared.push(format!("{method} {path}: {n}"));
                }
            }
        }
    }
    assert!(
        undeclared.is_empty(),
        "undeclared path parameters: {undeclared:#?}"
    );
}

#[tokio::test]
async fn health_regions_and_security_headers() {
    let db = leye_testkit::TestDb::sqlite().await;
    let app = env(db.store.clone()).await;
    let (s, h) = call(&app, Method::GET, "/healthz", None).await;
    assert_eq!(
        (s, h["status"].as_str(), h["database"].as_str()),
        (StatusCode::OK, Some("ok"), Some("sqlite"))
    );
    let (_, zone) = call(&app, Method::GET, "/api/v1/regions?zone=CHQ", None).await;
    let names: Vec<&str> = zone
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "township")
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["泗安镇", "天子湖镇"]);
    let (_, kids) = call(&app, Method::GET, "/api/v1/regions?parent=330500", None).await;
    assert_eq!(kids.as_array().unwrap().len(), 5);
    let (_, _, headers) = call_raw(&app, Method::GET, "/", vec![]).await;
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn ui_pages_are_chinese_and_masked() {
    let db = leye_testkit::TestDb::sqlite().await;
    let app = env(db.store.clone()).await;
    let body = person_body("孙悟空", 77);
    let full_id = body["id_number"].as_str().unwrap().to_string();
    let (_, p) = call(&app, Method::POST, "/api/v1/persons", Some(body)).await;
    let id = p["id"].as_i64().unwrap();
    let (s, home) = page(&app, "/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(home.contains("您好") && home.contains("已登记人员") && home.contains("湖州市"));
    let (_, list) = page(&app, "/persons?region=330502").await;
    assert!(list.contains("孙悟空"));
    assert!(!list.contains(&full_id), "full ID number shown in a list");
    assert!(list.contains(&format!("{}********{}", &full_id[..6], &full_id[14..])));
    assert!(!list.contains("13912345678"));
    let (s, csv) = page(&app, "/persons/export.csv?region=330502").await;
    assert_eq!(s, StatusCode::OK);
    assert!(csv.starts_with('\u{feff}') && csv.contains("孙悟空"));
    assert!(
        csv.contains(&format!("{}********{}", &full_id[..6], &full_id[14..]))
            && !csv.contains(&full_id)
    );
    let (s, detail) = page(&app, &format!("/persons/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(detail.contains("湖州师范学院") && !detail.contains(&full_id));
    let (s, err) = page(&app, "/persons/abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err.contains("编号“abc”无效"));
    let (s, err) = page(&app, "/persons?labour_status=x").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err.contains("就业状态"));
    let (s, err) = page(&app, "/no/such/page").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(err.contains("页面不存在"));
    let (s, regions) = page(&app, "/regions/330522").await;
    assert_eq!(s, StatusCode::OK);
    assert!(regions.contains("泗安镇") && regions.contains("CHQ"));
    let (s, css) = page(&app, "/static/app.css").await;
    assert_eq!(s, StatusCode::OK);
    assert!(css.contains("font-family"));
}

/// A new person who applies to a posting (as the admin, on their behalf) and is hired;
/// returns their name.
pub async fn hire_through(env: &Env, posting: i64, seq: u32) -> String {
    let name = format!("录用{seq}");
    let (s, p) = call(
        env,
        Method::POST,
        "/api/v1/persons",
        Some(person_body(&name, seq)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let person = p["id"].as_i64().unwrap();
    let (s, b) = call(
        env,
        Method::PUT,
        &format!("/api/v1/persons/{person}/seeker"),
        Some(json!({"occupations": "6-18-01-01", "region": "330502102", "commute_km": "20"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, a) = call(
        env,
        Method::POST,
        &format!("/api/v1/jobs/{posting}/apply"),
        Some(json!({"person_id": person})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let application = a["id"].as_i64().unwrap();
    for state in ["interview", "hired"] {
        let (s, b) = call(
            env,
            Method::POST,
            &format!("/api/v1/job-applications/{application}/state"),
            Some(json!({ "state": state })),
        )
        .await;
        assert!(s.is_success(), "{state}: {s} {b}");
    }
    name
}
