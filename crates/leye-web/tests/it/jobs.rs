//! The job market over the API: a posting is searchable as soon as it is saved and gone as
//! soon as it is closed, searches find what a person expects, bad postings and bad queries are
//! refused field by field and change nothing, and a job seeker applies once.

use super::{call_as, enterprise_body, env, person_body, user_with_token};
use axum::http::{Method, StatusCode};
use leye_store::Store;
use leye_testkit::both_backends;
use serde_json::{Value, json};

fn posting(title: &str, occupation: &str) -> Value {
    json!({"title": title, "occupation": occupation, "headcount": "3", "region": "330522108",
        "pay_unit": "month", "pay_min": "6000", "pay_max": "9000", "contract_type": "fixed",
        "contract_months": "24", "social_insurance": true, "valid_until": "2027-01-31",
        "description": "缴纳五险,包吃住"})
}

fn ids(body: &[u8]) -> Vec<i64> {
    let v: Value = serde_json::from_slice(body).unwrap();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

/// `k=v&k=v` with the values percent-encoded (Chinese keywords).
fn qs(q: &str) -> String {
    let pairs: Vec<(&str, &str)> = q.split('&').filter_map(|kv| kv.split_once('=')).collect();
    serde_urlencoded::to_string(pairs).unwrap()
}

async fn search(env: &super::Env, q: &str) -> Vec<i64> {
    let (s, b) = call_as(
        env,
        "",
        Method::GET,
        &format!("/api/v1/jobs/search?{}", qs(q)),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    ids(&b)
}

async fn fresh_searchable_and_refused(store: Store) {
    let env = env(store.clone()).await;
    let (_, e) = call_as(
        &env,
        &env.token,
        Method::POST,
        "/api/v1/enterprises",
        Some(enterprise_body(31)),
    )
    .await;
    let firm = serde_json::from_slice::<Value>(&e).unwrap()["id"]
        .as_i64()
        .unwrap();
    let employer = user_with_token(&store, "hr", "employer", None, Some(firm), None).await;
    let mut made = Vec::new();
    for (t, o) in [
        ("数控车床操作工", "6-18-01-01"),
        ("电子商务运营", "4-01-02-02"),
        ("叉车司机", "6-30-05-03"),
    ] {
        let (s, b) = call_as(
            &env,
            &employer,
            Method::POST,
            "/api/v1/postings",
            Some(posting(t, o)),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&b));
        let v: Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["pricing"]["quality"], json!(true));
        made.push(v["id"].as_i64().unwrap());
    }
    // Searchable at once (no waiting), by the words people use.
    assert_eq!(search(&env, "q=车床").await, [made[0]]);
    assert_eq!(search(&env, "q=电商").await, [made[1]]);
    assert_eq!(search(&env, "q=叉车&region=330522").await, [made[2]]);
    assert!(search(&env, "q=叉车&region=330502").await.is_empty());
    let (_, b) = call_as(&env, "", Method::GET, "/api/v1/jobs/search?quality=1", None).await;
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v["total"], json!(3));
    assert_eq!(v["facets"]["county"][0]["name"], json!("长兴县"));
    let (_, b) = call_as(
        &env,
        "",
        Method::GET,
        &format!("/api/v1/jobs/suggest?{}", qs("q=数控")),
        None,
    )
    .await;
    assert_eq!(
        serde_json::from_slice::<Value>(&b).unwrap()["items"],
        json!(["数控车床操作工"])
    );
    // Closed: gone at once.
    let (s, _) = call_as(
        &env,
        &employer,
        Method::POST,
        &format!("/api/v1/postings/{}/close", made[0]),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(search(&env, "q=车床").await.is_empty());
    // Its page still answers (from the database), as closed.
    let (s, b) = call_as(
        &env,
        "",
        Method::GET,
        &format!("/api/v1/jobs/{}", made[0]),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&b).unwrap()["status"],
        json!("closed")
    );
    // The employer is renamed: its open postings show the new name at once, in search results
    // and on their page (both read from the index's records).
    let mut renamed = enterprise_body(31);
    renamed["name"] = json!("长兴新名字有限公司");
    let (s, b) = call_as(
        &env,
        &env.token,
        Method::PUT,
        &format!("/api/v1/enterprises/{firm}"),
        Some(renamed),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let (_, b) = call_as(
        &env,
        "",
        Method::GET,
        &format!("/api/v1/jobs/search?{}", qs("q=电商")),
        None,
    )
    .await;
    assert_eq!(
        serde_json::from_slice::<Value>(&b).unwrap()["items"][0]["enterprise"],
        json!("长兴新名字有限公司")
    );
    let (_, b) = call_as(
        &env,
        "",
        Method::GET,
        &format!("/api/v1/jobs/{}", made[1]),
        None,
    )
    .await;
    assert_eq!(
        serde_json::from_slice::<Value>(&b).unwrap()["enterprise"],
        json!("长兴新名字有限公司")
    );
    // Bad postings: specific Chinese messages, nothing written.
    let before = store.fingerprint().await.unwrap();
    for (body, field, words) in [
        (
            posting("普工(限男性)", "6-18-01-01"),
            "title",
            "就业促进法第27条",
        ),
        (
            posting("普工", "6-18-01-99"),
            "occupation",
            "不在职业分类大典中",
        ),
        (
            {
                let mut p = posting("普工", "6-18-01-01");
                p["pay_min"] = json!("2000");
                p
            },
            "pay_min",
            "最低工资",
        ),
        (
            {
                let mut p = posting("普工", "6-18-01-01");
                p["valid_until"] = json!("2020-01-01");
                p
            },
            "valid_until",
            "已过",
        ),
        (
            {
                let mut p = posting("普工", "6-18-01-01");
                p["region"] = json!("330522999");
                p
            },
            "region",
            "",
        ),
    ] {
        let (s, b) = call_as(
            &env,
            &employer,
            Method::POST,
            "/api/v1/postings",
            Some(body),
        )
        .await;
        let v: Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["field"], json!(field), "{v}");
        assert!(v["message"].as_str().unwrap().contains(words), "{v}");
    }
    let (s, _) = call_as(
        &env,
        &employer,
        Method::POST,
        "/api/v1/postings?enterprise_id=999",
        Some(posting("车工", "6-18-01-01")),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "an employer posts only for itself"
    );
    assert_eq!(store.fingerprint().await.unwrap(), before);
    // Bad queries: 422 with the field, never a 500.
    for (q, field) in [
        ("pay=abc", "pay"),
        ("sort=distance", "sort"),
        ("lat=30.8", "lat"),
        ("page=999", "page"),
        ("region=999999", "region"),
        ("kind=x", "kind"),
    ] {
        let (s, b) = call_as(
            &env,
            "",
            Method::GET,
            &format!("/api/v1/jobs/search?{q}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(
            serde_json::from_slice::<Value>(&b).unwrap()["field"],
            json!(field),
            "{q}"
        );
    }
    let (s, _) = call_as(&env, "", Method::GET, "/api/v1/jobs/search?q=%5B%22(", None).await;
    assert_eq!(s, StatusCode::OK, "query syntax is text");
    // A job seeker: profile, recommendation, one application.
    let (_, p) = call_as(
        &env,
        &env.token,
        Method::POST,
        "/api/v1/persons",
        Some(person_body("求职者", 41)),
    )
    .await;
    let person = serde_json::from_slice::<Value>(&p).unwrap()["id"]
        .as_i64()
        .unwrap();
    let seeker = user_with_token(&store, "qz", "job_seeker", None, None, Some(person)).await;
    let (s, b) = call_as(&env, &seeker, Method::PUT, &format!("/api/v1/persons/{person}/seeker"),
        Some(json!({"occupations": "6-30-05-03", "region": "330522108", "commute_km": "20", "push_opt_in": true}))).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let (_, b) = call_as(
        &env,
        &seeker,
        Method::GET,
        &format!("/api/v1/persons/{person}/recommendations"),
        None,
    )
    .await;
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v["items"][0]["posting"]["id"], json!(made[2]), "{v}");
    assert!(
        v["items"][0]["explanation"]
            .as_str()
            .unwrap()
            .contains("意向职业相符")
    );
    let (s, _) = call_as(
        &env,
        &seeker,
        Method::POST,
        &format!("/api/v1/jobs/{}/apply", made[2]),
        Some(json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, b) = call_as(
        &env,
        &seeker,
        Method::POST,
        &format!("/api/v1/jobs/{}/apply", made[2]),
        Some(json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(String::from_utf8_lossy(&b).contains("已投递过"));
    let (s, _) = call_as(
        &env,
        &seeker,
        Method::POST,
        &format!("/api/v1/jobs/{}/apply", made[0]),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "closed postings take no applications"
    );
    let (_, b) = call_as(
        &env,
        &employer,
        Method::GET,
        &format!("/api/v1/postings/{}/applications", made[2]),
        None,
    )
    .await;
    assert_eq!(
        serde_json::from_slice::<Value>(&b).unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

both_backends!(fresh_searchable_and_refused);

/// Programme postings (专项岗位, issue 8): a post reserved for veterans takes veterans only and
/// shows on the veterans' group view; a 共富班车 post on the older workers' view; a bad code is
/// named.
async fn programme_postings_reach_their_groups(store: Store) {
    let env = env(store).await;
    let (_, e) = super::call(
        &env,
        Method::POST,
        "/api/v1/enterprises",
        Some(enterprise_body(941)),
    )
    .await;
    let enterprise = e["id"].as_i64().unwrap();
    let post = |title: &str, program: &str| {
        json!({"title": title, "occupation": "6-18-01-01", "headcount": "2",
               "region": "330502102", "pay_unit": "month", "pay_min": "5000", "pay_max": "7000",
               "contract_type": "fixed", "contract_months": "24", "social_insurance": true,
               "valid_until": "2026-12-31", "program": program})
    };
    let uri = format!("/api/v1/postings?enterprise_id={enterprise}");
    let (s, bad) = super::call(&env, Method::POST, &uri, Some(post("保安员", "lottery"))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad["message"].as_str().unwrap().contains("专项岗位"),
        "{bad}"
    );
    let (s, v) = super::call(
        &env,
        Method::POST,
        &uri,
        Some(post("安保队长", "veteran_direct")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let reserved = v["id"].as_i64().unwrap();
    let (s, b) = super::call(
        &env,
        Method::POST,
        &uri,
        Some(post("村口包装工", "gongfu_bus")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // A civilian and a veteran, each with a job-seeker profile.
    let mut ids = Vec::new();
    for (name, seq, veteran) in [("平民求职者", 942, false), ("退役老兵", 943, true)] {
        let mut pb = person_body(name, seq);
        pb["veteran"] = json!(veteran);
        let (s, p) = super::call(&env, Method::POST, "/api/v1/persons", Some(pb)).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let id = p["id"].as_i64().unwrap();
        let (s, _) = super::call(
            &env,
            Method::PUT,
            &format!("/api/v1/persons/{id}/seeker"),
            Some(json!({"occupations": "6-18-01-01", "region": "330502102", "commute_km": "20"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        ids.push(id);
    }
    let apply = |person: i64| {
        let env = env.clone();
        async move {
            super::call(
                &env,
                Method::POST,
                &format!("/api/v1/jobs/{reserved}/apply"),
                Some(json!({ "person_id": person })),
            )
            .await
        }
    };
    let (s, no) = apply(ids[0]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no["message"].as_str().unwrap().contains("只接受退役军人"),
        "{no}"
    );
    let (s, yes) = apply(ids[1]).await;
    assert_eq!(s, StatusCode::CREATED, "{yes}");
    let (_, html) = super::page(&env, &format!("/jobs/{reserved}")).await;
    assert!(
        html.contains("退役军人定向招录岗位"),
        "the job page says so"
    );
    let (_, html) = super::page(&env, "/help/groups?group=veteran").await;
    assert!(
        html.contains("安保队长") && !html.contains("村口包装工"),
        "{html}"
    );
    let (_, html) = super::page(&env, "/help/groups?group=older").await;
    assert!(html.contains("村口包装工") && !html.contains("安保队长"));
}

both_backends!(programme_postings_reach_their_groups);
