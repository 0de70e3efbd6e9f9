//! Skills, entrepreneurship and enterprise service over the API and the pages: a registry row
//! written, refused with every bad field named, listed with masked ID numbers; a
//! key-enterprise ticket from demand to placement (its posting's hires taken over); an
//! impact assessment and its one-page report — on both backends.

use super::{Env, call, call_as, enterprise_body, env, page, person_body};
use axum::http::{Method, StatusCode};
use leye_store::Store;
use leye_testkit::both_backends;
use serde_json::{Value, json};

/// An enterprise made key by its headcount, and a registered person: (enterprise, id number).
pub async fn skills_fixture(env: &Env, n: u32) -> (i64, i64, String) {
    let (s, e) = call(
        env,
        Method::POST,
        "/api/v1/enterprises",
        Some(enterprise_body(n)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let enterprise = e["id"].as_i64().unwrap();
    let (s, _) = call(
        env,
        Method::POST,
        &format!("/api/v1/enterprises/{enterprise}/headcount"),
        Some(json!({"month": "2026-10", "headcount": 620})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let pb = person_body("上岗测试", n);
    let (s, p) = call(env, Method::POST, "/api/v1/persons", Some(pb.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    (
        enterprise,
        p["id"].as_i64().unwrap(),
        pb["id_number"].as_str().unwrap().to_string(),
    )
}

async fn registries_over_the_api(store: Store) {
    let env = env(store).await;
    let (_, _, id_number) = skills_fixture(&env, 931).await;
    let (s, all) = call(&env, Method::GET, "/api/v1/registries", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(all["items"].as_array().unwrap().len(), 18);
    // Every bad field at once, in Chinese, nothing written.
    let (s, e) = call(
        &env,
        Method::POST,
        "/api/v1/registries/startup-spaces",
        Some(
            json!({"name": "", "stage": "银河", "cluster_level": "circle", "cluster": "吴兴青创圈",
                     "workstations": "10", "free_workstations": "3", "occupied": "abc",
                     "opened_on": "2025-02-30", "region": "999999"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let m = e["message"].as_str().unwrap();
    for part in [
        "请填写名称",
        "空间类型“银河”",
        "已入驻工位“abc”不是整数",
        "启用日期",
        "不是湖州市的区划",
    ] {
        assert!(m.contains(part), "{part}: {m}");
    }
    let (s, e) = call(
        &env,
        Method::POST,
        "/api/v1/registries/startup-spaces",
        Some(json!({"nme": "x"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["message"].as_str().unwrap().contains("没有字段“nme”"));
    let (_, list) = call(&env, Method::GET, "/api/v1/registries/startup-spaces", None).await;
    assert_eq!(list["total"], 0);
    // A youth startup with its founder by ID number; the list masks it.
    let (s, made) = call(
        &env,
        Method::POST,
        "/api/v1/registries/youth-startups",
        Some(json!({"name": "竹编文创", "founder_id": id_number, "stage": "运营中",
                     "started_on": "2026-05-01", "jobs_created": 6, "rural": true, "region": "330502102"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    let (_, list) = call(&env, Method::GET, "/api/v1/registries/youth-startups", None).await;
    let text = list.to_string();
    assert!(
        text.contains("竹编文创") && text.contains("上岗测试("),
        "{text}"
    );
    assert!(!text.contains(&id_number), "the ID number is masked");
    let (s, dup) = call(
        &env,
        Method::POST,
        "/api/v1/registries/youth-startups",
        Some(
            json!({"name": "竹编文创", "founder_id": id_number, "stage": "idea",
                     "started_on": "2026-05-01", "jobs_created": 0, "region": "330502"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{dup}");
    // Edited through its page: the founder left blank stays; the stage changes.
    let row = made["id"].as_i64().unwrap();
    let (s, html) = page(&env, &format!("/skills/youth-startups/{row}/edit")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("竹编文创") && !html.contains(&id_number),
        "the form never shows the ID number"
    );
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/skills/youth-startups/{row}/edit"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Bearer {}", env.token))
        .body(axum::body::Body::from(
            "name=%E7%AB%B9%E7%BC%96%E6%96%87%E5%88%9B&founder_id=&stage=closed&started_on=2026-05-01&jobs_created=6&rural=1&region=330502102",
        ))
        .unwrap();
    let (s, _, headers) = super::send(&env.app, req).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(headers["location"].to_str().unwrap().contains("msg="));
    let (_, one) = call(
        &env,
        Method::GET,
        &format!("/api/v1/registries/youth-startups/{row}"),
        None,
    )
    .await;
    assert_eq!(one["cells"][4], "已停止", "{one}");
    assert!(
        one["cells"][1].as_str().unwrap().starts_with("上岗测试("),
        "{one}"
    );
    // Over the API: the whole row; a name another row has is refused.
    let (s, _) = call(
        &env,
        Method::POST,
        "/api/v1/registries/youth-startups",
        Some(
            json!({"name": "茶饮品牌", "founder_id": id_number, "stage": "idea",
                     "started_on": "2026-06-01", "jobs_created": 0, "region": "330502"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = call(
        &env,
        Method::PUT,
        &format!("/api/v1/registries/youth-startups/{row}"),
        Some(
            json!({"name": "茶饮品牌", "founder_id": id_number, "stage": "idea",
                     "started_on": "2026-05-01", "jobs_created": 6, "region": "330502"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(e["message"].as_str().unwrap().contains("另一条"), "{e}");
    let (s, e) = call(
        &env,
        Method::PUT,
        &format!("/api/v1/registries/youth-startups/{row}"),
        Some(
            json!({"name": "竹编文创", "founder_id": id_number, "stage": "operating",
                     "started_on": "2026-05-01", "jobs_created": 9, "region": "330502"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(e["cells"][6], "9");
    // The page shows it, and the overview counts it towards the 2,000 a year.
    let (s, html) = page(&env, "/skills/youth-startups").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("竹编文创") && !html.contains(&id_number));
    let (s, html) = page(&env, "/skills").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("新增青创项目"), "{html}");
    let (s, _) = page(&env, "/skills/no-such").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The form: a bad row comes back with the message and what was typed.
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/skills/hr-institutions")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Bearer {}", env.token))
        .body(axum::body::Body::from(
            "name=%E6%B9%96%E5%B7%9E%E4%BA%BA%E5%8A%9B&services=recruitment&registered_on=2026-13-01&region=330502",
        ))
        .unwrap();
    let (s, body, _) = super::send(&env.app, req).await;
    let html = String::from_utf8_lossy(&body);
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("登记日期") && html.contains("湖州人力"),
        "{html}"
    );
}

async fn a_ticket_from_demand_to_placement(store: Store) {
    let env = env(store.clone()).await;
    let (enterprise, _, id_number) = skills_fixture(&env, 932).await;
    let (s, t) = call(
        &env,
        Method::POST,
        "/api/v1/service/tickets",
        Some(
            json!({"enterprise_id": enterprise, "occupation": "6-18-01-01", "title": "数控车工",
                     "headcount": 2, "deadline": "2026-12-31"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let id = t["ticket"]["id"].as_i64().unwrap();
    // A deadline in the past and a bad headcount, named together.
    let (s, e) = call(
        &env,
        Method::POST,
        "/api/v1/service/tickets",
        Some(
            json!({"enterprise_id": enterprise, "occupation": "6-18-01-01", "title": "x",
                     "headcount": 0, "deadline": "2020-01-01"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let m = e["message"].as_str().unwrap();
    assert!(m.contains("需求人数") && m.contains("截止日期"), "{m}");
    // A posting of the enterprise, linked; a person hired through it is taken over.
    let (s, p) = call(
        &env,
        Method::POST,
        &format!("/api/v1/postings?enterprise_id={enterprise}"),
        Some(json!({"title": "数控车工", "occupation": "6-18-01-01", "headcount": "2",
                     "region": "330502102", "pay_unit": "month", "pay_min": "6000", "pay_max": "8000",
                     "contract_type": "fixed", "contract_months": "36", "social_insurance": true,
                     "valid_until": "2026-12-31"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let posting = p["id"].as_i64().unwrap();
    let (s, l) = call(
        &env,
        Method::POST,
        &format!("/api/v1/service/tickets/{id}/link"),
        Some(json!({"kind": "posting", "target": posting})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{l}");
    assert_eq!(l["ticket"]["state"], "working");
    let hired = super::hire_through(&env, posting, 933).await;
    let (s, html) = page(&env, &format!("/service/tickets/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("take-hires"), "the hire is offered");
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/service/tickets/{id}/take-hires"))
        .header("authorization", format!("Bearer {}", env.token))
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, _, _) = super::send(&env.app, req).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    // The second by ID number (送工上岗): filled, 100%.
    let (s, placed) = call(
        &env,
        Method::POST,
        &format!("/api/v1/service/tickets/{id}/place"),
        Some(json!({"id_number": id_number, "channel": "dispatch"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{placed}");
    assert_eq!(placed["ticket"]["state"], "filled");
    assert_eq!(placed["figures"]["fill_rate_bp"], 10_000);
    let (s, again) = call(
        &env,
        Method::POST,
        &format!("/api/v1/service/tickets/{id}/place"),
        Some(json!({"id_number": id_number, "channel": "dispatch"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
    let (_, full) = call(
        &env,
        Method::GET,
        &format!("/api/v1/service/tickets/{id}"),
        None,
    )
    .await;
    let steps: Vec<&str> = full["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["open", "link_posting", "place", "place"]);
    let people = full["placements"].to_string();
    assert!(
        people.contains(&hired) && !people.contains(&id_number),
        "{people}"
    );
    let (_, html) = page(&env, &format!("/service/tickets/{id}")).await;
    assert!(html.contains("100%") && html.contains("已满足"), "{html}");
}

async fn an_impact_assessment_and_its_report(store: Store) {
    let env = env(store).await;
    let (enterprise, _, _) = skills_fixture(&env, 934).await;
    let (_, e) = call(
        &env,
        Method::GET,
        &format!("/api/v1/enterprises/{enterprise}"),
        None,
    )
    .await;
    let code = e["credit_code"].as_str().unwrap().to_string();
    let (s, a) = call(
        &env,
        Method::POST,
        "/api/v1/impact-assessments",
        Some(
            json!({"title": "新能源电池项目", "kind": "project", "credit_code": code,
                     "investment_yuan": "1000000000", "jobs": "200", "pay_yuan": "4980",
                     "skilled_jobs": "60", "graduate_jobs": "30", "industry": "C"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["assessment"]["score"], 93, "{a}");
    assert_eq!(a["realised"]["baseline"], 620);
    let id = a["assessment"]["id"].as_i64().unwrap();
    let (s, html) = page(&env, &format!("/service/impact/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("新能源电池项目") && html.contains("93") && html.contains("unverified"));
    let (s, e) = call(
        &env,
        Method::POST,
        "/api/v1/impact-assessments",
        Some(json!({"title": "x", "kind": "project", "jobs": "-1", "pay_yuan": "abc", "industry": "Q9"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let m = e["message"].as_str().unwrap();
    for part in ["岗位数", "月薪", "行业门类", "投资额", "统一社会信用代码"] {
        assert!(m.contains(part), "{part}: {m}");
    }
    let (_, list) = call(&env, Method::GET, "/api/v1/impact-assessments", None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

both_backends!(
    registries_over_the_api,
    a_ticket_from_demand_to_placement,
    an_impact_assessment_and_its_report
);

/// Pages of the module for the English check: (ticket, assessment) made.
pub async fn i18n_fixture(env: &Env) -> Value {
    let (enterprise, _, _) = skills_fixture(env, 935).await;
    let (_, t) = call_as(
        env,
        &env.token,
        Method::POST,
        "/api/v1/service/tickets",
        Some(
            json!({"enterprise_id": enterprise, "occupation": "6-18-01-01", "title": "车工",
                     "headcount": 1, "deadline": "2026-12-31"}),
        ),
    )
    .await;
    let (_, a) = call_as(
        env,
        &env.token,
        Method::POST,
        "/api/v1/impact-assessments",
        Some(
            json!({"title": "稳岗政策", "kind": "policy", "region": "330502",
                     "jobs": "100", "pay_yuan": "5000", "industry": "C"}),
        ),
    )
    .await;
    let (_, r) = call_as(
        env,
        &env.token,
        Method::POST,
        "/api/v1/registries/hr-institutions",
        Some(json!({"name": "湖州人力", "services": "dispatch", "registered_on": "2025-01-01", "region": "330502"})),
    )
    .await;
    json!({
        "ticket": serde_json::from_slice::<Value>(&t).unwrap()["ticket"]["id"],
        "impact": serde_json::from_slice::<Value>(&a).unwrap()["assessment"]["id"],
        "row": serde_json::from_slice::<Value>(&r).unwrap()["id"],
    })
}

/// A key enterprise states its own demand; the officers see it as a ticket; an enterprise that
/// is not a key enterprise is told why.
async fn an_employer_submits_a_demand(store: Store) {
    let env = env(store.clone()).await;
    let (key, _, _) = skills_fixture(&env, 936).await;
    let (_, small) = call(
        &env,
        Method::POST,
        "/api/v1/enterprises",
        Some(enterprise_body(937)),
    )
    .await;
    let small = small["id"].as_i64().unwrap();
    let hr = super::user_with_token(&store, "hr_key", "employer", None, Some(key), None).await;
    let hr_small =
        super::user_with_token(&store, "hr_small", "employer", None, Some(small), None).await;
    let submit = |token: String| {
        let env = env.clone();
        async move {
            let req = axum::http::Request::builder()
                .method("POST")
                .uri("/me/demands")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::from(
                    "title=%E8%A3%85%E9%85%8D%E5%B7%A5&occupation=6-18-01-01&headcount=4&deadline=2026-12-31",
                ))
                .unwrap();
            let (s, b, _) = super::send(&env.app, req).await;
            (s, String::from_utf8_lossy(&b).to_string())
        }
    };
    let (s, _) = submit(hr.clone()).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, html) = submit(hr_small).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不是重点企业"), "{html}");
    let (s, b) = call_as(&env, &hr, Method::GET, "/me/demands", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8_lossy(&b).contains("装配工"));
    let (_, list) = call(&env, Method::GET, "/api/v1/service/tickets", None).await;
    let titles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ticket"]["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"装配工"), "{titles:?}");
    // The employer does not work tickets.
    let (s, _) = call_as(&env, &hr, Method::GET, "/service/tickets", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

both_backends!(an_employer_submits_a_demand);
