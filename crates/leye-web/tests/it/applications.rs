//! Trying to break the application rules through the API: four eyes, the state machine,
//! budgets, once-only, payment only by reconciliation, bad bodies. Every refusal is a 4xx
//! with a Chinese message and changes nothing; nothing is ever a 5xx.

use super::{Env, call_as, enterprise_body, env, person_body, user_with_token};
use axum::http::{Method, StatusCode};
use leye_store::Store;
use leye_testkit::both_backends;
use serde_json::{Value, json};

async fn call(
    env: &Env,
    token: &str,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let (s, b) = call_as(env, token, method, uri, body).await;
    assert!(
        !s.is_server_error(),
        "{uri}: {s} {}",
        String::from_utf8_lossy(&b)
    );
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

async fn breaking_the_rules_through_the_api(store: Store) {
    let env = env(store.clone()).await;
    let admin = env.token.clone();
    // A 2026 graduate hired by a 吴兴 firm.
    let mut pb = person_body("应届生甲", 801);
    pb["id_number"] = json!(leye_testkit::id_number("330502", "20030601", 801));
    pb["graduation_date"] = json!("2026-06-30");
    let (_, p) = call(&env, &admin, Method::POST, "/api/v1/persons", Some(pb)).await;
    let person = p["id"].as_i64().unwrap();
    let mut eb = enterprise_body(801);
    eb["region"] = json!("330502102");
    let (_, e) = call(&env, &admin, Method::POST, "/api/v1/enterprises", Some(eb)).await;
    let firm = e["id"].as_i64().unwrap();
    for ev in [
        json!({"status": "unemployed", "effective": "2026-06-30"}),
        json!({"status": "employed", "effective": "2026-07-01", "enterprise_id": firm}),
    ] {
        let (s, _) = call(
            &env,
            &admin,
            Method::POST,
            &format!("/api/v1/persons/{person}/labour-events"),
            Some(ev),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let a = user_with_token(
        &store,
        "sub",
        "township_officer",
        Some("330502102"),
        None,
        None,
    )
    .await;
    let b = user_with_token(
        &store,
        "rev",
        "township_officer",
        Some("330502102"),
        None,
        None,
    )
    .await;
    let c = user_with_token(&store, "dec", "county_officer", Some("330502"), None, None).await;
    let far = user_with_token(&store, "far", "county_officer", Some("330521"), None, None).await;
    let seeker = user_with_token(&store, "seeker", "job_seeker", None, None, Some(person)).await;

    // Bad bodies.
    let good = json!({"measure": "job_expansion", "person_id": person, "enterprise_id": firm,
                      "payee_name": "某公司", "payee_account": "6222021234567890"});
    for (body, status, field) in [
        (
            json!({"measure": "job_expansion", "person_id": person}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "payee_name",
        ),
        (
            {
                let mut g = good.clone();
                g["measure"] = json!("no_such");
                g
            },
            StatusCode::UNPROCESSABLE_ENTITY,
            "measure",
        ),
        (
            {
                let mut g = good.clone();
                g["payee_account"] = json!("62-22");
                g
            },
            StatusCode::UNPROCESSABLE_ENTITY,
            "payee_account",
        ),
        (
            {
                let mut g = good.clone();
                g["state"] = json!("approved");
                g
            },
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
        (
            {
                let mut g = good.clone();
                g["person_id"] = json!(999_999);
                g
            },
            StatusCode::NOT_FOUND,
            "",
        ),
    ] {
        let (s, v) = call(
            &env,
            &a,
            Method::POST,
            "/api/v1/applications",
            Some(body.clone()),
        )
        .await;
        assert!(
            s == status || (field.is_empty() && s.is_client_error()),
            "{body}: {s} {v}"
        );
        if !field.is_empty() {
            assert_eq!(v["field"], json!(field), "{v}");
        }
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Out of scope: another county's officer cannot apply for this case.
    let (s, _) = call(
        &env,
        &far,
        Method::POST,
        "/api/v1/applications",
        Some(good.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "as if the person did not exist");
    let (s, v) = call(&env, &a, Method::GET, "/api/v1/applications", None).await;
    assert_eq!(
        (s, v["total"].as_i64()),
        (StatusCode::OK, Some(0)),
        "nothing was written"
    );

    let (s, v) = call(
        &env,
        &a,
        Method::POST,
        "/api/v1/applications",
        Some(good.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["decision"]["status"], json!("eligible"));
    assert_eq!(v["payee_account"], json!("6222********7890"), "masked");
    let id = v["id"].as_i64().unwrap();
    let act = |who: &str, what: &str, body: Value| {
        let env = env.clone();
        let who = who.to_string();
        let uri = format!("/api/v1/applications/{id}/{what}");
        async move { call(&env, &who, Method::POST, &uri, Some(body)).await }
    };
    // One live application per subject.
    let (s, _) = call(
        &env,
        &a,
        Method::POST,
        "/api/v1/applications",
        Some(good.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // The job seeker sees their case, may not review it.
    let (s, _) = call(
        &env,
        &seeker,
        Method::GET,
        &format!("/api/v1/applications/{id}"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = act(&seeker, "review", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Four eyes, in every order.
    let (s, v) = act(&a, "review", json!({})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("four_eyes"))
    );
    let (s, v) = act(&c, "approve", json!({})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("transition_not_allowed")
        ),
        "not yet in review"
    );
    let (s, _) = act(&b, "review", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = act(&b, "approve", json!({})).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a township officer does not decide"
    );
    let (s, v) = act(&c, "reject", json!({"reason": "perhaps"})).await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let (s, v) = act(&c, "reject", json!({})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required"))
    );
    let (s, v) = act(&c, "return", json!({"note": " "})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("note_required"))
    );
    // Budget: none, too little, enough.
    let (s, v) = act(&c, "approve", json!({})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("over_budget"))
    );
    let budget = |yuan: &str| json!({"measure": "job_expansion", "district": "330502", "year": 2026, "amount_yuan": yuan});
    let (s, _) = call(
        &env,
        &a,
        Method::POST,
        "/api/v1/budgets",
        Some(budget("1000000")),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a township officer sets no budget"
    );
    let (s, _) = call(
        &env,
        &c,
        Method::POST,
        "/api/v1/budgets",
        Some(budget("1000")),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = act(&c, "approve", json!({})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("over_budget"))
    );
    assert!(
        v["message"].as_str().unwrap().contains("剩余1000.00元"),
        "{v}"
    );
    let (s, v) = call(
        &env,
        &c,
        Method::POST,
        "/api/v1/budgets",
        Some(budget("1500")),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = act(&c, "approve", json!({})).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{v}"
    );
    // Approved is approved: no second approval, no rejection, no budget cut below it.
    let (s, _) = act(&c, "approve", json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = act(&c, "reject", json!({"reason": "not_eligible"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, v) = call(
        &env,
        &c,
        Method::POST,
        "/api/v1/budgets",
        Some(budget("100")),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("below_committed"))
    );
    // Paying is not an API verb: only a bank result moves an application to paid.
    for (m, uri) in [
        (Method::POST, format!("/api/v1/applications/{id}/pay")),
        (Method::PUT, format!("/api/v1/applications/{id}")),
    ] {
        let (s, _) = call(&env, &c, m, &uri, Some(json!({"state": "paid"}))).await;
        assert!(
            s == StatusCode::NOT_FOUND
                || s == StatusCode::METHOD_NOT_ALLOWED
                || s == StatusCode::FORBIDDEN,
            "{uri}: {s}"
        );
    }
    // Batches: one, then nothing new.
    let (s, v) = call(&env, &c, Method::POST, "/api/v1/payments/batches", None).await;
    assert_eq!(
        (s, v["items"].as_array().map(Vec::len)),
        (StatusCode::CREATED, Some(1))
    );
    let (_, v) = call(&env, &c, Method::POST, "/api/v1/payments/batches", None).await;
    assert_eq!(v["items"].as_array().map(Vec::len), Some(0));
    let (_, v) = call(
        &env,
        &c,
        Method::GET,
        &format!("/api/v1/applications/{id}"),
        None,
    )
    .await;
    assert_eq!(v["state"], json!("approved"));
    let log: Vec<&str> = v["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["action"].as_str().unwrap())
        .collect();
    assert_eq!(log, ["submit", "start_review", "approve"]);
}

both_backends!(breaking_the_rules_through_the_api);

async fn bulk_steps_check_every_item(store: Store) {
    let env = env(store.clone()).await;
    let hires = leye_synth::hires::graduate_hires(
        &store,
        "330502102",
        "330502102201",
        2,
        2,
        leye_testkit::today(),
        leye_testkit::now(),
    )
    .await
    .unwrap();
    let a = user_with_token(
        &store,
        "bsub",
        "township_officer",
        Some("330502102"),
        None,
        None,
    )
    .await;
    let b = user_with_token(
        &store,
        "brev",
        "township_officer",
        Some("330502102"),
        None,
        None,
    )
    .await;
    let c = user_with_token(&store, "bdec", "county_officer", Some("330502"), None, None).await;
    let mut ids = Vec::new();
    for p in &hires.persons {
        let body = json!({"measure": "job_expansion", "person_id": p, "enterprise_id": hires.firm,
                          "payee_name": "某公司", "payee_account": "6222021234567890"});
        let (s, v) = call(&env, &a, Method::POST, "/api/v1/applications", Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    // Enough budget for one of the two.
    let (s, _) = call(&env, &c, Method::POST, "/api/v1/budgets",
        Some(json!({"measure": "job_expansion", "district": "330502", "year": 2026, "amount_yuan": "1500"}))).await;
    assert_eq!(s, StatusCode::OK);
    let form = |action: &str| {
        let mut pairs = vec![("action".to_string(), action.to_string())];
        pairs.extend(ids.iter().map(|i| ("ids".to_string(), i.to_string())));
        serde_urlencoded::to_string(pairs).unwrap().into_bytes()
    };
    let post = |token: &str, body: Vec<u8>| {
        axum::http::Request::builder()
            .method("POST")
            .uri("/applications/bulk")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    // The submitter may not review their own: both refused, each with its reason.
    let (s, page, _) = super::send(&env.app, post(&a, form("start_review"))).await;
    let page = String::from_utf8_lossy(&page).to_string();
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("成功0笔,未办理2笔") && page.contains("双人复核"),
        "{page}"
    );
    let (_, page, _) = super::send(&env.app, post(&b, form("start_review"))).await;
    assert!(String::from_utf8_lossy(&page).contains("成功2笔"));
    // A township officer may not approve in bulk either.
    let (s, _, _) = super::send(&env.app, post(&b, form("approve"))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, page, _) = super::send(&env.app, post(&c, form("approve"))).await;
    let page = String::from_utf8_lossy(&page).to_string();
    assert!(
        page.contains("成功1笔,未办理1笔") && page.contains("预算不足"),
        "{page}"
    );
}

both_backends!(bulk_steps_check_every_item);
