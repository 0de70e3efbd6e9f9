//! Labour rights over the API: bad reports refused field by field, nothing written; the
//! 安薪指数 answered with its inputs and method, and recomputable from them.

use super::{call_as, env, user_with_token};
use axum::http::{Method, StatusCode};
use leye_store::Store;
use leye_testkit::both_backends;
use serde_json::{Value, json};

async fn arrears_and_index(store: Store) {
    let env = env(store.clone()).await;
    let officer = user_with_token(&store, "jc", "county_officer", Some("330502"), None, None).await;
    let other = user_with_token(&store, "jc2", "county_officer", Some("330521"), None, None).await;
    let good = json!({"employer_name": "某建筑公司", "department": "construction", "source": "complaint",
        "region": "330502102", "workers": "8", "claimed_yuan": "64000", "route": "mediation",
        "opened_on": "2026-11-03"});
    for (patch, field) in [
        (json!({"region": "330502102201"}), "region"),
        (json!({"workers": "0"}), "workers"),
        (json!({"route": "prayer"}), "route"),
        (json!({"claimed_yuan": "-5"}), "claimed_yuan"),
        (json!({"opened_on": "2027-01-01"}), "opened_on"),
    ] {
        let mut body = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, b) = call_as(
            &env,
            &officer,
            Method::POST,
            "/api/v1/rights/arrears",
            Some(body),
        )
        .await;
        let v: Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(
            (s, v["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{v}"
        );
    }
    let (s, _) = call_as(
        &env,
        &other,
        Method::POST,
        "/api/v1/rights/arrears",
        Some(good.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "another county");
    let (_, b) = call_as(&env, &officer, Method::GET, "/api/v1/rights/arrears", None).await;
    assert_eq!(
        serde_json::from_slice::<Value>(&b).unwrap()["items"],
        json!([]),
        "nothing written"
    );
    let (s, _) = call_as(
        &env,
        &officer,
        Method::POST,
        "/api/v1/rights/arrears",
        Some(good),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, b) = call_as(
        &env,
        &officer,
        Method::GET,
        "/api/v1/rights/index?month=2026-11",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let v: Value = serde_json::from_slice(&b).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let zhili = rows
        .iter()
        .find(|r| r["inputs"]["township"] == "330502102")
        .unwrap();
    assert_eq!(zhili["inputs"]["cases"], json!(1));
    // Recompute from the published inputs and method.
    let inputs: leye_rights::IndexInputs = leye_rights::IndexInputs {
        township: "330502102".into(),
        workers: zhili["inputs"]["workers"].as_i64().unwrap(),
        cases: 1,
        amount_fen: zhili["inputs"]["amount_fen"].as_i64().unwrap(),
        warned: 0,
        due: zhili["inputs"]["due"].as_i64().unwrap(),
        on_time: zhili["inputs"]["on_time"].as_i64().unwrap(),
        repeat_employers: 0,
    };
    let method = leye_rights::IndexMethod::on("2026-11-01".parse().unwrap()).unwrap();
    assert_eq!(
        zhili["score"].as_f64(),
        Some(leye_rights::index(&inputs, &method).score)
    );
    let (s, _) = call_as(
        &env,
        &officer,
        Method::GET,
        "/api/v1/rights/index?month=2026-13",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

both_backends!(arrears_and_index);
