//! The policy engine over HTTP: measures, evaluate (good and bad situations), the guide page
//! of every measure, the self-check form, and the offers of a sweep with their export.

use super::{Env, call, call_raw, env, page, person_body, send};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use leye_testkit::TestDb;
use serde_json::{Value, json};

async fn form(env: &Env, uri: &str, body: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Bearer {}", env.token))
        .body(Body::from(body.to_string()))
        .unwrap();
    let (s, bytes, _) = send(&env.app, req).await;
    (s, String::from_utf8_lossy(&bytes).to_string())
}

#[tokio::test]
async fn evaluate_explains_and_names_bad_fields() {
    let db = TestDb::sqlite().await;
    let env = env(db.store.clone()).await;
    let (s, v) = call(&env, Method::GET, "/api/v1/policy/measures", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v.as_array().unwrap().len() >= 19);
    let situation = json!({
        "persons": [{"id": "a", "birth": "1970-03-01", "sex": "M", "registered_unemployed": true,
                     "registered_unemployed_since": "2025-01-01", "disability_certificate": false}]
    });
    let (s, v) = call(
        &env,
        Method::POST,
        "/api/v1/policy/evaluate?date=2026-11-28&measure=hard_to_employ",
        Some(situation),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d = &v["decisions"][0];
    assert_eq!(
        (d["measure"].as_str(), d["status"].as_str()),
        (Some("hard_to_employ"), Some("eligible"))
    );
    assert_eq!(d["clause"], "二(三)3");
    assert!(
        d["conditions"][2]["children"][0]["decisive"]
            .as_bool()
            .unwrap()
    );
    // Bad situations: 422 naming the field; unknown measure and bad date: 400.
    let (s, v) = call(
        &env,
        Method::POST,
        "/api/v1/policy/evaluate",
        Some(json!({"persons": [{"id": "a", "birth": "1970-02-30"}]})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["field"], "persons[0].birth");
    assert!(v["message"].as_str().unwrap().contains("情形数据有误"));
    let (s, _, _) = call_raw(
        &env,
        Method::POST,
        "/api/v1/policy/evaluate",
        b"{not json".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, v) = call(
        &env,
        Method::POST,
        "/api/v1/policy/evaluate?measure=nope",
        Some(json!({})),
    )
    .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("measure"))
    );
    let (s, _) = call(
        &env,
        Method::POST,
        "/api/v1/policy/evaluate?date=2026-13-01",
        Some(json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // The schema is in the OpenAPI document.
    let (_, doc) = call(&env, Method::GET, "/api/v1/openapi.json", None).await;
    assert!(doc["paths"]["/api/v1/policy/evaluate"]["post"].is_object());
    assert!(doc["components"]["schemas"]["Situation"].is_object());
}

#[tokio::test]
async fn guide_pages_come_from_the_rules() {
    let db = TestDb::sqlite().await;
    let env = env(db.store.clone()).await;
    let (s, html) = page(&env, "/policies").await;
    assert_eq!(s, StatusCode::OK);
    for m in leye_policy::measures::ALL {
        assert!(html.contains(&format!("/policies/{}", m.id)), "{}", m.id);
        let (s, g) = page(&env, &format!("/policies/{}", m.id)).await;
        assert_eq!(s, StatusCode::OK, "{}", m.id);
        assert!(
            g.contains(m.clause) && g.contains("申请材料") && g.contains("来源"),
            "{}",
            m.id
        );
    }
    // The guide shows the parameter values with their sources.
    let (_, g) = page(&env, "/policies/job_expansion").await;
    assert!(g.contains("补助标准1500.00元/人"), "{g}");
    assert!(g.contains("2025年版为3个月以上"));
    let (s, _) = page(&env, "/policies/no_such_measure").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn self_check_shows_each_decision_with_its_reasons() {
    let db = TestDb::sqlite().await;
    let env = env(db.store.clone()).await;
    let (s, html) = page(&env, "/policies/check").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("出生日期"));
    let body = "csrf=&date=2026-11-28&birth=1970-03-01&sex=M&registered_unemployed=1\
                &registered_unemployed_since=2025-01-01&disability_certificate=0";
    let (s, html) = form(&env, "/policies/check", body).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let hard = html
        .split("<section")
        .find(|s| s.contains("data-measure=\"hard_to_employ\""))
        .expect("hard-to-employ decision");
    assert!(
        hard.contains("符合条件") && hard.contains("决定性条件"),
        "{hard}"
    );
    // Something undecidable names what is missing, in Chinese.
    assert!(html.contains("还需要了解"));
    // A bad date is shown next to its field, nothing else happens.
    let (s, html) = form(&env, "/policies/check", "csrf=&birth=1970-02-30").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("出生日期填写有误"), "{html}");
    let (s, html) = form(
        &env,
        "/policies/check",
        "csrf=&business.annual_rent_fen=abc",
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("本年度实付租金"), "{html}");
}

#[tokio::test]
async fn offers_after_a_sweep_scoped_and_exported() {
    let db = TestDb::sqlite().await;
    let env = env(db.store.clone()).await;
    // A registered-unemployed man of 56 in 吴兴.
    let mut p = person_body("普查对象", 901);
    p["id_number"] = json!(leye_testkit::id_number("330502", "19700301", 901));
    let (s, v) = call(&env, Method::POST, "/api/v1/persons", Some(p)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, v) = call(
        &env,
        Method::POST,
        &format!("/api/v1/persons/{id}/labour-events"),
        Some(json!({"status": "unemployed", "effective": "2025-01-01"})),
    )
    .await;
    assert!(s.is_success(), "{v}");
    let (s, _) = form(&env, "/offers/sweep", "csrf=").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, html) = page(&env, "/offers?measure=hard_to_employ").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("普查对象") && html.contains("就业困难人员认定"),
        "{html}"
    );
    let (s, v) = call(
        &env,
        Method::GET,
        "/api/v1/policy/offers?measure=hard_to_employ",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 1);
    let explanation: Value =
        serde_json::from_str(v["items"][0]["explanation"].as_str().unwrap()).unwrap();
    assert_eq!(explanation["status"], "eligible");
    let (s, bytes, headers) = call_raw(&env, Method::GET, "/offers/export.xlsx", vec![]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"));
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("xlsx")
    );
    let (s, v) = call(
        &env,
        Method::GET,
        "/api/v1/policy/offers?status=bogus",
        None,
    )
    .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("status"))
    );
}

#[tokio::test]
async fn citizens_need_no_account_for_guides_and_the_self_check() {
    let db = TestDb::sqlite().await;
    let env = env(db.store.clone()).await;
    let anon = |method: &str, uri: &str, body: &str| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    for uri in ["/policies", "/policies/hard_to_employ", "/policies/check"] {
        let (s, body, _) = send(&env.app, anon("GET", uri, "")).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert!(
            String::from_utf8_lossy(&body).contains("登录"),
            "{uri}: signed-out header"
        );
    }
    let (s, body, _) = send(
        &env.app,
        anon(
            "POST",
            "/policies/check",
            "date=2026-11-28&birth=1970-03-01&sex=M&registered_unemployed=1&registered_unemployed_since=2025-01-01&disability_certificate=0",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains("符合条件"));
    // The offers stay behind a sign-in.
    let (s, _, _) = send(&env.app, anon("GET", "/offers", "")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
}
