//! Gig work, recruitment events and the shortage list over the API, as their users drive
//! them: an employer offers a shift, a job seeker signs up, checks in, is paid and both rate;
//! an officer records a fair, an employer brings postings, a seeker registers, is checked in
//! by ID number and hired there; the quarter's list is previewed, refused early, published
//! once. Bad input is refused with every field named and changes nothing.

use super::{call_as, enterprise_body, env, person_body, user_with_token};
use axum::http::{Method, StatusCode};
use leye_store::Store;
use leye_testkit::both_backends;
use serde_json::{Value, json};

fn v(b: &[u8]) -> Value {
    serde_json::from_slice(b).unwrap_or(Value::Null)
}

struct Cast {
    env: super::Env,
    employer: String,
    seeker: String,
    seeker_person: i64,
    seeker_id_number: String,
    officer: String,
    admin: String,
}

async fn cast(store: Store) -> Cast {
    let env = env(store.clone()).await;
    let (s, e) = call_as(
        &env,
        &env.token,
        Method::POST,
        "/api/v1/enterprises",
        Some(enterprise_body(41)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let firm = v(&e)["id"].as_i64().unwrap();
    let pb = person_body("零工甲", 4101);
    let (s, p) = call_as(
        &env,
        &env.token,
        Method::POST,
        "/api/v1/persons",
        Some(pb.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let person = v(&p)["id"].as_i64().unwrap();
    let employer = user_with_token(&store, "gig_hr", "employer", None, Some(firm), None).await;
    let seeker =
        user_with_token(&store, "gig_worker", "job_seeker", None, None, Some(person)).await;
    let officer = user_with_token(
        &store,
        "wx_officer",
        "county_officer",
        Some("330502"),
        None,
        None,
    )
    .await;
    let (s, b) = call_as(
        &env,
        &seeker,
        Method::PUT,
        &format!("/api/v1/persons/{person}/seeker"),
        Some(json!({"occupations": "4-02-07-08", "region": "330502102201", "gig_ok": true})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let admin = env.token.clone();
    Cast {
        env,
        employer,
        seeker,
        seeker_person: person,
        seeker_id_number: pb["id_number"].as_str().unwrap().to_string(),
        officer,
        admin,
    }
}

async fn post(c: &Cast, token: &str, uri: &str, body: Value) -> (StatusCode, Value) {
    let (s, b) = call_as(&c.env, token, Method::POST, uri, Some(body)).await;
    (s, v(&b))
}

async fn get(c: &Cast, token: &str, uri: &str) -> Value {
    let (s, b) = call_as(&c.env, token, Method::GET, uri, None).await;
    assert_eq!(s, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&b));
    v(&b)
}

async fn gig_shift_end_to_end(store: Store) {
    let c = cast(store.clone()).await;
    let (s, p) = post(
        &c,
        &c.employer,
        "/api/v1/postings",
        json!({"title": "仓库分拣临时工", "occupation": "4-02-07-08", "headcount": "10",
            "region": "330522108", "pay_unit": "hour", "pay_min": "30", "pay_max": "35",
            "contract_type": "gig", "valid_until": "2026-12-31"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let posting = p["id"].as_i64().unwrap();
    // A bad shift names every wrong field and changes nothing.
    let before = store.fingerprint().await.unwrap();
    let (s, e) = post(
        &c,
        &c.employer,
        &format!("/api/v1/postings/{posting}/slots"),
        json!({"date": "2026-11-01", "start": "25:00", "end": "12:00", "places": "0"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = e["message"].as_str().unwrap();
    for part in ["日期不能早于今天", "开始时间", "名额"] {
        assert!(msg.contains(part), "{msg}");
    }
    assert_eq!(store.fingerprint().await.unwrap(), before);
    // Today 10:30-14:30 (the test clock reads 10:00 in Huzhou), two places.
    let (s, slot) = post(
        &c,
        &c.employer,
        &format!("/api/v1/postings/{posting}/slots"),
        json!({"date": "2026-11-28", "start": "10:30", "end": "14:30", "places": "2", "note": "东门集合"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{slot}");
    let slot = slot["id"].as_i64().unwrap();
    let market = get(&c, "", "/api/v1/gig/slots?region=330522").await;
    assert_eq!(market["items"][0]["pay_yuan"], json!("120.00"));
    assert_eq!(market["items"][0]["places_left"], json!(2));
    let (s, u) = post(
        &c,
        &c.seeker,
        &format!("/api/v1/gig/slots/{slot}/signup"),
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    let signup = u["id"].as_i64().unwrap();
    let (s, again) = post(
        &c,
        &c.seeker,
        &format!("/api/v1/gig/slots/{slot}/signup"),
        json!({}),
    )
    .await;
    assert_eq!(
        (s, again["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("already_signed_up"))
    );
    // The employer sees the sign-up; the worker does not see other people's.
    let list = get(
        &c,
        &c.employer,
        &format!("/api/v1/gig/slots/{slot}/signups"),
    )
    .await;
    assert_eq!(list["items"][0]["name"], json!("零工甲"));
    let (s, _) = call_as(
        &c.env,
        &c.seeker,
        Method::GET,
        &format!("/api/v1/gig/slots/{slot}/signups"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Work cannot be confirmed before the check-in; the worker checks in, the employer confirms.
    let employer_act = format!("/api/v1/gig/signups/{signup}/employer");
    let worker_act = format!("/api/v1/gig/signups/{signup}/worker");
    let (s, e) = post(
        &c,
        &c.employer,
        &employer_act,
        json!({"action": "complete"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["message"], json!("请先签到"));
    let (s, e) = post(&c, &c.seeker, &worker_act, json!({"action": "check_in"})).await;
    assert_eq!(
        (s, e["state"].as_str()),
        (StatusCode::OK, Some("checked_in")),
        "{e}"
    );
    let (s, e) = post(
        &c,
        &c.employer,
        &employer_act,
        json!({"action": "complete", "pay": "100"}),
    )
    .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("note")),
        "below the slot's pay needs a reason"
    );
    let (s, e) = post(
        &c,
        &c.employer,
        &employer_act,
        json!({"action": "complete"}),
    )
    .await;
    assert_eq!(
        (s, e["state"].as_str()),
        (StatusCode::OK, Some("completed")),
        "{e}"
    );
    // Only the worker confirms the pay; then each side rates once, an officer cannot.
    let (s, _) = post(
        &c,
        &c.employer,
        &worker_act,
        json!({"action": "confirm_pay"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "an employer has no worker side");
    let (s, e) = post(&c, &c.seeker, &worker_act, json!({"action": "confirm_pay"})).await;
    assert_eq!((s, e["state"].as_str()), (StatusCode::OK, Some("paid")));
    let (s, e) = post(
        &c,
        &c.officer,
        &format!("{worker_act}/rating"),
        json!({"stars": "5"}),
    )
    .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("not_a_party"))
    );
    let (s, _) = post(
        &c,
        &c.seeker,
        &format!("{worker_act}/rating"),
        json!({"stars": "5", "comment": "结算及时"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = post(
        &c,
        &c.employer,
        &format!("{employer_act}/rating"),
        json!({"stars": "4"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = post(
        &c,
        &c.employer,
        &format!("{employer_act}/rating"),
        json!({"stars": "9"}),
    )
    .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("stars"))
    );
    let mine = get(
        &c,
        &c.seeker,
        &format!("/api/v1/persons/{}/gigs", c.seeker_person),
    )
    .await;
    let row = &mine["items"][0];
    assert_eq!(
        (row["state"].as_str(), row["pay_fen"].as_i64()),
        (Some("paid"), Some(12000))
    );
    assert_eq!(
        (row["worker_stars"].as_i64(), row["employer_stars"].as_i64()),
        (Some(5), Some(4))
    );
}

async fn recruitment_event_end_to_end(store: Store) {
    let c = cast(store.clone()).await;
    let (s, p) = post(
        &c,
        &c.employer,
        "/api/v1/postings",
        json!({"title": "电商客服", "occupation": "4-01-02-02", "headcount": "4",
            "region": "330522108", "pay_unit": "month", "pay_min": "5000", "pay_max": "6500",
            "contract_type": "fixed", "contract_months": "24", "social_insurance": true,
            "valid_until": "2027-01-31"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let posting = p["id"].as_i64().unwrap();
    let before = store.fingerprint().await.unwrap();
    let (s, e) = post(
        &c,
        &c.officer,
        "/api/v1/events",
        json!({"title": "", "mode": "offline", "region": "330502",
        "starts_on": "2026-13-01", "organiser": "吴兴区人力社保局"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("活动名称") && msg.contains("开始日期"),
        "{msg}"
    );
    // An officer of 吴兴 may not record a fair in 长兴.
    let (s, _) = post(
        &c,
        &c.officer,
        "/api/v1/events",
        json!({"title": "长兴招聘会", "mode": "online",
        "region": "330522", "starts_on": "2026-11-28", "organiser": "长兴县人力社保局"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(store.fingerprint().await.unwrap(), before);
    let (s, ev) = post(&c, &c.officer, "/api/v1/events", json!({"title": "吴兴区冬季招聘会", "mode": "offline",
        "region": "330502", "venue": "吴兴区人力资源市场", "starts_on": "2026-11-28", "organiser": "吴兴区人力社保局"})).await;
    assert_eq!(s, StatusCode::CREATED, "{ev}");
    let ev = ev["id"].as_i64().unwrap();
    let (s, j) = post(
        &c,
        &c.employer,
        &format!("/api/v1/events/{ev}/join"),
        json!({"posting_ids": [posting]}),
    )
    .await;
    assert_eq!(
        (s, j["postings_added"].as_i64()),
        (StatusCode::OK, Some(1)),
        "{j}"
    );
    let (s, _) = post(
        &c,
        &c.seeker,
        &format!("/api/v1/events/{ev}/register"),
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = post(
        &c,
        &c.officer,
        &format!("/api/v1/events/{ev}/check-in"),
        json!({"id_number": "330502198803150000"}),
    )
    .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("id_number")),
        "{e}"
    );
    let (s, e) = post(
        &c,
        &c.officer,
        &format!("/api/v1/events/{ev}/check-in"),
        json!({"id_number": c.seeker_id_number}),
    )
    .await;
    assert_eq!(
        (s, e["name"].as_str()),
        (StatusCode::OK, Some("零工甲")),
        "{e}"
    );
    let (s, a) = post(
        &c,
        &c.seeker,
        &format!("/api/v1/jobs/{posting}/apply"),
        json!({"event_id": ev}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let (s, _) = post(
        &c,
        &c.employer,
        &format!("/api/v1/job-applications/{}/state", a["id"]),
        json!({"state": "hired"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let page = get(&c, "", &format!("/api/v1/events/{ev}")).await;
    let stats = &page["event"]["stats"];
    assert_eq!(
        [
            &stats["enterprises"],
            &stats["postings"],
            &stats["headcount"],
            &stats["registered"],
            &stats["attended"],
            &stats["interviews"],
            &stats["hires"]
        ],
        [
            &json!(1),
            &json!(1),
            &json!(4),
            &json!(1),
            &json!(1),
            &json!(1),
            &json!(1)
        ]
    );
    assert_eq!(page["postings"][0]["title"], json!("电商客服"));
    let year = get(&c, "", "/api/v1/events?year=2026").await;
    assert_eq!(
        (year["held"].as_i64(), year["target"].as_i64()),
        (Some(1), Some(500))
    );
    assert!(year["target_source"].as_str().unwrap().contains("二(三)1"));
    let (s, _) = call_as(&c.env, "", Method::GET, "/api/v1/events?year=abc", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn shortage_list_over_the_api(store: Store) {
    let c = cast(store).await;
    for k in 0..2 {
        let (s, _) = post(
            &c,
            &c.employer,
            "/api/v1/postings",
            json!({"title": format!("焊工{k}"), "occupation": "6-18-02-04", "headcount": "8",
                "region": "330522108", "pay_unit": "month", "pay_min": "7000", "pay_max": "9000",
                "contract_type": "fixed", "contract_months": "24", "social_insurance": true,
                "valid_until": "2027-01-31"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let now = get(&c, "", "/api/v1/shortage/2026Q4").await;
    assert_eq!(now["published"], json!(false));
    let welder = now["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["occupation"] == "6-18-02-04" && l["region"] == "330522")
        .unwrap()
        .clone();
    assert_eq!(
        (
            welder["demand"].as_i64(),
            welder["supply"].as_i64(),
            welder["shortage"].as_bool()
        ),
        (Some(16), Some(0), Some(true))
    );
    assert_eq!(welder["occupation_name"], json!("焊工"));
    let (s, e) = post(&c, &c.admin, "/api/v1/shortage/2026Q4/publish", json!({})).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("not_over"))
    );
    let (s, _) = post(&c, &c.officer, "/api/v1/shortage/2026Q3/publish", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the city publishes the list");
    let (s, _) = post(&c, &c.admin, "/api/v1/shortage/2026Q3/publish", json!({})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = post(&c, &c.admin, "/api/v1/shortage/2026Q3/publish", json!({})).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("already_published"))
    );
    assert_eq!(
        get(&c, "", "/api/v1/shortage/2026Q3").await["published"],
        json!(true)
    );
    assert_eq!(
        get(&c, "", "/api/v1/shortage").await["items"][0]["quarter"],
        json!("2026Q3")
    );
    let (s, _) = call_as(&c.env, "", Method::GET, "/api/v1/shortage/2026Q9", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

both_backends!(
    gig_shift_end_to_end,
    recruitment_event_end_to_end,
    shortage_list_over_the_api
);

/// The event form refused in the browser comes back filled in, with the reason.
#[tokio::test]
async fn a_refused_event_form_keeps_what_was_typed() {
    let db = leye_testkit::TestDb::sqlite().await;
    let env = env(db.store.clone()).await;
    let body = serde_urlencoded::to_string([
        ("title", "织里童装招聘会"),
        ("mode", "offline"),
        ("region", "330502"),
        ("venue", ""),
        ("starts_on", "2026-12-05"),
        ("organiser", "吴兴区人力社保局"),
    ])
    .unwrap();
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/events")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Bearer {}", env.token))
        .body(axum::body::Body::from(body))
        .unwrap();
    let (s, _, headers) = super::send(&env.app, req).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let to = headers["location"].to_str().unwrap().to_string();
    let (s, page) = call_as(&env, &env.token, Method::GET, &to, None).await;
    assert_eq!(s, StatusCode::OK);
    let page = String::from_utf8_lossy(&page);
    assert!(page.contains("线下活动请填写举办地点"), "{to}");
    assert!(
        page.contains("value=\"织里童装招聘会\""),
        "the title typed comes back"
    );
}
