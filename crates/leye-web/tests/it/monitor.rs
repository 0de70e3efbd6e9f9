//! Monitoring through the API and the pages: the layoff alert within one headcount report,
//! the surveyed rate refused row by row or recorded with its alert, alerts handled by the
//! region that owns them, task notes by the responsible unit only, the report as HTML with
//! charts whose numbers match its tables, and as XLSX.

use super::{call_as, enterprise_body, env, user_with_token};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use leye_store::Store;
use leye_testkit::both_backends;
use serde_json::{Value, json};

fn body(b: &[u8]) -> Value {
    serde_json::from_slice(b).unwrap_or(Value::Null)
}

async fn page(
    env: &super::Env,
    token: &str,
    uri: &str,
) -> (StatusCode, String, axum::http::HeaderMap) {
    let req = Request::builder()
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let (s, b, h) = super::send(&env.app, req).await;
    (s, String::from_utf8_lossy(&b).to_string(), h)
}

async fn monitoring_end_to_end(store: Store) {
    let env = env(store.clone()).await;
    let admin = env.token.clone();
    let nanxun = user_with_token(
        &store,
        "nanxun_m",
        "county_officer",
        Some("330503"),
        None,
        None,
    )
    .await;
    let wuxing = user_with_token(
        &store,
        "wuxing_m",
        "county_officer",
        Some("330502"),
        None,
        None,
    )
    .await;
    // A designated key enterprise in 吴兴区 reports 300 then 270 staff: one alert, at once.
    let mut e = enterprise_body(901);
    e["region"] = json!("330502");
    e["designated_key"] = json!(true);
    e["designation_reason"] = json!("重点骨干企业");
    let (s, b) = call_as(&env, &admin, Method::POST, "/api/v1/enterprises", Some(e)).await;
    assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&b));
    let id = body(&b)["id"].as_i64().unwrap();
    for (month, n) in [("2026-09", 300), ("2026-10", 270)] {
        let (s, b) = call_as(
            &env,
            &admin,
            Method::POST,
            &format!("/api/v1/enterprises/{id}/headcount"),
            Some(json!({"month": month, "headcount": n, "loss_cause": if n == 270 { "layoff" } else { "other" }})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    }
    let (_, b) = call_as(&env, &admin, Method::GET, "/api/v1/alerts", None).await;
    let items = body(&b)["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["rule"], "layoff");
    let layoff = items[0]["id"].as_i64().unwrap();

    // The surveyed rate: a bad row refuses the batch and names it; nothing is written.
    let (s, b) = call_as(
        &env,
        &admin,
        Method::POST,
        "/api/v1/monitor/surveyed",
        Some(json!({"rows": [
            {"month": "2026-09", "rate": "4.8", "source": "国家统计局湖州调查队"},
            {"month": "2026-10", "rate": "百分之五", "source": "国家统计局湖州调查队"}
        ]})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let err = body(&b);
    assert_eq!(err["field"], "rate");
    assert!(
        err["message"].as_str().unwrap().starts_with("第2行"),
        "{err}"
    );
    for bad in [
        json!({"rows": [{"month": "2027-01", "rate": "4", "source": "x"}]}),
        json!({"rows": [{"month": "2026-10", "rate": "101", "source": "x"}]}),
        json!({"rows": [{"month": "2026-10", "region": "330599", "rate": "4", "source": "x"}]}),
        json!({"rows": [{"month": "2026-10", "rate": "4", "source": " "}]}),
        json!({"rows": []}),
    ] {
        let (s, b) = call_as(
            &env,
            &admin,
            Method::POST,
            "/api/v1/monitor/surveyed",
            Some(bad.clone()),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            String::from_utf8_lossy(&b)
        );
    }
    let (s, b) = call_as(
        &env,
        &admin,
        Method::POST,
        "/api/v1/monitor/surveyed",
        Some(json!({"rows": [
            {"month": "2026-09", "rate": "4.8", "source": "国家统计局湖州调查队"},
            {"month": "2026-10", "rate": "5.1%", "source": "国家统计局湖州调查队"}
        ]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    assert_eq!(body(&b)["alerts_raised"], 2);

    // 南浔区 does not see 吴兴区's alert and cannot act on it; 吴兴区 acknowledges, resolves.
    // The outbox told 吴兴区 (its region) of the layoff; the first look reads the notice.
    let (_, b) = call_as(&env, &wuxing, Method::GET, "/api/v1/alerts", None).await;
    assert_eq!(body(&b)["unread_notices"], 1, "{}", body(&b));
    let (_, b) = call_as(&env, &wuxing, Method::GET, "/api/v1/alerts", None).await;
    assert_eq!(body(&b)["unread_notices"], 0);
    let (_, b) = call_as(&env, &nanxun, Method::GET, "/api/v1/alerts", None).await;
    assert_eq!(body(&b)["items"].as_array().map(Vec::len), Some(0));
    let ack = format!("/api/v1/alerts/{layoff}/acknowledge");
    let (s, _) = call_as(&env, &nanxun, Method::POST, &ack, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, b) = call_as(&env, &wuxing, Method::POST, &ack, None).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let resolve = format!("/api/v1/alerts/{layoff}/resolve");
    let (s, b) = call_as(
        &env,
        &wuxing,
        Method::POST,
        &resolve,
        Some(json!({"resolution": ""})),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        String::from_utf8_lossy(&b)
    );
    let (s, b) = call_as(
        &env,
        &wuxing,
        Method::POST,
        &resolve,
        Some(json!({"resolution": "企业已按程序报告,已对接岗位"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body(&b)["state"], "resolved");

    // Task notes: a unit on its own tasks only.
    let unit = user_with_token(&store, "jingxin_m", "unit_officer", None, None, None).await;
    let note = |clause: &str| json!({"clause": clause, "progress": "30", "note": "召开推进会"});
    let (s, _) = call_as(
        &env,
        &unit,
        Method::POST,
        "/api/v1/monitor/tasks/notes",
        Some(note("二(一)2")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = call_as(
        &env,
        &unit,
        Method::POST,
        "/api/v1/monitor/tasks/notes",
        Some(note("二(三)3")),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call_as(
        &env,
        &unit,
        Method::POST,
        "/api/v1/monitor/tasks/notes",
        Some(note("九(九)9")),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, b) = call_as(&env, &unit, Method::GET, "/api/v1/monitor/tasks", None).await;
    let tasks = body(&b)["items"].as_array().cloned().unwrap_or_default();
    assert!(
        tasks.iter().all(|t| t["mine"] == true),
        "a unit sees its own tasks"
    );
    assert!(
        tasks
            .iter()
            .any(|t| t["notes"].as_array().is_some_and(|n| n.len() == 1))
    );
    let (_, b) = call_as(&env, &unit, Method::GET, "/api/v1/monitor/targets", None).await;
    let targets = body(&b)["items"].as_array().cloned().unwrap_or_default();
    assert!(
        !targets.is_empty()
            && targets.iter().all(|t| t["lead"] == "市经信局"
                || t["co"].as_array().unwrap().contains(&json!("市经信局")))
    );

    // Figures, then the report: its charts print the numbers of its tables.
    let (s, b) = call_as(&env, &admin, Method::POST, "/api/v1/monitor/refresh", None).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let (_, b) = call_as(
        &env,
        &admin,
        Method::GET,
        "/api/v1/monitor/indicators?month=2026-10",
        None,
    )
    .await;
    let rows = body(&b)["items"].as_array().cloned().unwrap_or_default();
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(row("surveyed_unemployment_rate")["value"], "5.10%");
    assert_eq!(row("key_enterprise_job_losses")["value"], "30");
    assert_eq!(row("key_enterprise_headcount")["value"], "270");
    assert_eq!(row("key_enterprise_losses_layoff")["value"], "30");
    assert_eq!(row("key_enterprise_losses_closure")["value"], "—");
    let (s, _) = call_as(
        &env,
        &admin,
        Method::GET,
        "/api/v1/monitor/indicators?month=2026-13",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, b) = call_as(
        &env,
        &admin,
        Method::GET,
        "/api/v1/reports?period=2026-10&kind=monthly",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let r = body(&b);
    let head = r["tables"][0]["rows"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        head.iter()
            .any(|row| row[0] == "城镇调查失业率" && row[1] == "5.10%"),
        "{head:?}"
    );
    let (s, html, h) = page(&env, &admin, "/reports/view?period=2026-10&kind=monthly").await;
    assert_eq!(s, StatusCode::OK);
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(html.matches("<svg").count() == 3 && !html.contains("<script"));
    assert!(
        html.contains("重点企业减员: 测试") || html.contains("重点企业减员"),
        "alerts of the period are listed"
    );
    let (s, _, h) = page(
        &env,
        &admin,
        "/reports/download?period=2026-10&kind=quarterly&format=xlsx",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let (s, _, _) = page(&env, &admin, "/reports/download?period=2026-10&format=pdf").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = call_as(
        &env,
        &admin,
        Method::GET,
        "/api/v1/reports?period=2099-01",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // Pages: the dashboard refreshes itself; an employer may not see monitoring.
    let (s, html, _) = page(&env, &admin, "/dashboard").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("http-equiv=\"refresh\" content=\"60\"") && html.contains("id=\"tile-ytd\"")
    );
    let (s, html, _) = page(&env, &admin, "/monitor?month=2026-10").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("5.10%"));
    let (s, html, _) = page(&env, &admin, "/monitor?month=abc").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("格式不正确"),
        "a bad month is explained, not a crash"
    );
    let employer = user_with_token(&store, "qiye_m", "employer", None, Some(id), None).await;
    let (s, _, _) = page(&env, &employer, "/dashboard").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

both_backends!(monitoring_end_to_end);
