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

/// Labour-relations service (二(六)2): stations and coordinators counted against every township
/// and village of the area; an award decided by the policy engine's reward rule; GDP and wage
/// growth side by side (一) — each a registry written over the API and shown on /rights.
async fn labour_relations_service_and_wages(store: Store) {
    let env = env(store).await;
    let post = |uri: &'static str, body: Value| {
        let env = env.clone();
        async move {
            let (s, b) = call_as(&env, &env.token, Method::POST, uri, Some(body)).await;
            (
                s,
                serde_json::from_slice::<Value>(&b).unwrap_or(Value::Null),
            )
        }
    };
    let (s, _) = post(
        "/api/v1/rights/registries/labour-stations",
        json!({"name": "织里镇劳动关系服务站", "opened_on": "2025-01-01", "staff": 3, "region": "330502102"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    // One station a township.
    let (s, dup) = post(
        "/api/v1/rights/registries/labour-stations",
        json!({"name": "又一个", "opened_on": "2025-02-01", "staff": 1, "region": "330502102"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{dup}");
    let (s, _) = post(
        "/api/v1/rights/registries/labour-coordinators",
        json!({"name": "王协调", "appointed_on": "2025-03-01", "region": "330502102201"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    // Rights registries are not reached through the skills routes, nor the other way round.
    let (s, _) = call_as(
        &env,
        &env.token,
        Method::GET,
        "/api/v1/registries/labour-stations",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call_as(
        &env,
        &env.token,
        Method::GET,
        "/api/v1/rights/registries/hr-institutions",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let c = leye_rights::service_coverage(&env.store, &leye_domain::Scope::Region("330502".into()))
        .await
        .unwrap();
    assert_eq!(
        (c.townships_with_station, c.villages_with_coordinator),
        (1, 1)
    );
    assert!(c.townships > 1 && c.villages > 1);
    assert!(!c.missing_stations.iter().any(|m| m.ends_with("织里镇")));
    // An award named this year, not yet rewarded: the engine's rule gives the municipal reward.
    let (_, e) = super::call(
        &env,
        Method::POST,
        "/api/v1/enterprises",
        Some(super::enterprise_body(951)),
    )
    .await;
    let code = e["credit_code"].as_str().unwrap().to_string();
    let (s, a) = post(
        "/api/v1/rights/registries/harmonious-awards",
        json!({"enterprise_id": code, "level": "市级", "awarded_on": "2026-06-01"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let r = leye_rights::award_rewards(
        &env.store,
        &leye_domain::Scope::System,
        leye_testkit::today(),
    )
    .await
    .unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(
        r[0].decision.status,
        leye_policy::decision::Status::Eligible
    );
    assert_eq!(
        r[0].decision.amount,
        Some(leye_domain::Money::from_yuan(20_000))
    );
    // Two years of the economy: wages grew 6%, GDP 5%.
    for (year, gdp, wage) in [(2024, 40_000_000, 100_000), (2025, 42_000_000, 106_000)] {
        let (s, b) = post(
            "/api/v1/rights/registries/economy",
            json!({"year": year, "gdp_wan": gdp, "avg_wage": wage, "source": "湖州市统计公报", "region": "330500"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let (s, html) = super::page(&env, "/rights").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"stations-rate\""), "coverage shown");
    assert!(
        html.contains("符合奖励条件") && html.contains("20000.00元"),
        "the award's reward"
    );
    assert!(
        html.contains("<svg") && html.contains("6.00%") && html.contains("5.00%"),
        "the chart"
    );
    let (s, page) = super::page(&env, "/rights/registries/labour-stations").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("织里镇劳动关系服务站") && page.contains("href=\"/rights\""));
}

both_backends!(labour_relations_service_and_wages);

#[test]
fn wage_growth_against_gdp() {
    let g = leye_rights::wage_growth(&[(2025, 105, 110), (2024, 100, 100), (2022, 90, 80)]);
    assert_eq!(g.len(), 3);
    assert_eq!(
        (g[0].year, g[0].gdp_growth_bp),
        (2022, None),
        "no year before"
    );
    assert_eq!(
        (g[1].year, g[1].gdp_growth_bp),
        (2024, None),
        "2023 is missing"
    );
    assert_eq!(
        (g[2].gdp_growth_bp, g[2].wage_growth_bp, g[2].in_step),
        (Some(500), Some(1000), Some(true))
    );
}

/// Insurance coverage by group (二(六)1): listed people decided by the engine — an older worker
/// past 65 is not eligible for work-injury insurance on its own — and enrolments counted among
/// the eligible.
async fn insurance_coverage_by_group(store: Store) {
    let env = env(store).await;
    let mut numbers = Vec::new();
    for (name, birth, seq) in [
        ("骑手甲", "19950101", 961),
        ("骑手乙", "19960101", 962),
        ("老工人", "19550101", 963),
        ("灵活就业者", "19900101", 964),
    ] {
        let mut pb = super::person_body(name, seq);
        let number = leye_testkit::id_number("330502", birth, seq);
        pb["id_number"] = json!(number);
        let (s, p) = super::call(&env, Method::POST, "/api/v1/persons", Some(pb)).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        numbers.push(number);
    }
    for (n, grp, enrolled) in [
        (0, "platform_worker", "2026-05-01"),
        (1, "platform_worker", ""),
        (2, "older_worker", "2026-05-01"),
        (3, "flexible", "2026-03-01"),
    ] {
        let (s, b) = call_as(
            &env,
            &env.token,
            Method::POST,
            "/api/v1/rights/registries/insurance-roster",
            Some(json!({"person_id": numbers[n], "grp": grp, "enrolled_on": enrolled})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&b));
    }
    let c = leye_rights::insurance_coverage(
        &env.store,
        &leye_domain::Scope::System,
        leye_testkit::today(),
    )
    .await
    .unwrap();
    let of = |g: &str| c.iter().find(|x| x.group == g).unwrap().clone();
    let riders = of("platform_worker");
    assert_eq!((riders.listed, riders.eligible, riders.enrolled), (2, 2, 1));
    let older = of("older_worker");
    assert_eq!(
        (older.listed, older.eligible, older.not_eligible),
        (1, 0, 1),
        "71 is past 65"
    );
    let flexible = of("flexible");
    assert_eq!((flexible.eligible, flexible.enrolled), (1, 1));
    let (_, html) = super::page(&env, "/rights").await;
    assert!(
        html.contains("id=\"insurance-coverage\"") && html.contains("50.0%"),
        "the riders' coverage"
    );
    let (s, b) = call_as(
        &env,
        &env.token,
        Method::GET,
        "/api/v1/rights/coverage",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let v: Value = serde_json::from_slice(&b).unwrap();
    let riders = v["insurance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "platform_worker")
        .unwrap()
        .clone();
    assert_eq!(
        (riders["eligible"].as_i64(), riders["enrolled"].as_i64()),
        (Some(2), Some(1))
    );
}

both_backends!(insurance_coverage_by_group);
