//! The English switch is complete: every page, rendered in English, has no Chinese text left
//! except data (names of places and people, marked `lang="zh"`).

use super::{env, send};
use axum::body::Body;
use axum::http::Request;
use leye_testkit::TestDb;

const PAGES: &[&str] = &[
    "/",
    "/persons",
    "/persons/new",
    "/households",
    "/households/new",
    "/enterprises",
    "/enterprises/new",
    "/admin/users",
    "/account",
    "/audit",
    "/regions/330502102201",
    "/policies",
    "/policies/job_expansion",
    "/policies/check",
    "/offers",
    "/imports",
    "/applications",
    "/applications/new",
    "/applications/1",
    "/payments",
    "/budgets",
    "/funds",
    "/welfare",
    "/welfare/placements/1",
    "/help",
    "/help/cases/1",
    "/help/groups?group=older",
    "/help/stations",
    "/rights",
    "/rights/wages?year=2025",
    "/persons/1",
    "/households/1",
    "/jobs",
    "/jobs?q=车工",
    "/jobs?pay=abc",
    "/jobs/1",
    "/postings",
    "/postings/1",
    "/persons/1/jobs",
    "/gig",
    "/gig/slots/1",
    "/persons/1/gigs",
    "/events",
    "/events/1",
    "/jobs/shortage",
    "/jobs/shortage?scope=county",
    "/monitor",
    "/monitor?region=330502",
    "/monitor/indicators/registered_unemployment_rate",
    "/monitor/indicators/new_urban_employment",
    "/targets",
    "/tasks",
    "/alerts",
    "/dashboard",
    "/reports",
    "/skills",
    "/skills/youth-startups",
    "/rights/registries/labour-stations",
    "/rights/registries/economy",
    "/service/tickets",
    "/service/impact",
    "/no-such-page",
];

fn untranslated(html: &str) -> Vec<String> {
    // Data is marked lang="zh"; the language switch names itself.
    let re_data =
        regex_lite::Regex::new(r#"<([a-z0-9]+)[^>]*lang="zh"[^>]*>[^<]*</[a-z0-9]+>"#).unwrap();
    let cleaned = re_data.replace_all(html, "");
    // What a person typed comes back in form values: data, not UI text.
    let re_value = regex_lite::Regex::new(r#" value="[^"]*""#).unwrap();
    let cleaned = re_value.replace_all(&cleaned, "");
    let re_title = regex_lite::Regex::new(r"<title>[^<]*</title>").unwrap();
    let cleaned = re_title.replace_all(&cleaned, "");
    let re_cjk = regex_lite::Regex::new("[\u{4e00}-\u{9fff}][^<>]*").unwrap();
    re_cjk
        .find_iter(&cleaned)
        .map(|m| m.as_str().to_string())
        .collect()
}

/// An application (with a transition and a document), a post with a placement whose subsidy
/// ends within 90 days, so that every part of those pages is rendered.
async fn fixture(env: &super::Env) {
    use axum::http::Method;
    let (_, p) = super::call_as(
        env,
        &env.token,
        Method::POST,
        "/api/v1/persons",
        Some(super::person_body("译文测试", 901)),
    )
    .await;
    let person = serde_json::from_slice::<serde_json::Value>(&p).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, e) = super::call_as(
        env,
        &env.token,
        Method::POST,
        "/api/v1/enterprises",
        Some(super::enterprise_body(901)),
    )
    .await;
    let enterprise = serde_json::from_slice::<serde_json::Value>(&e).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, a) = super::call_as(
        env,
        &env.token,
        Method::POST,
        "/api/v1/applications",
        Some(
            serde_json::json!({"measure": "hard_to_employ", "person_id": person,
            "payee_name": "译文测试", "payee_account": "6222021234567890"}),
        ),
    )
    .await;
    assert!(s.is_success(), "{}", String::from_utf8_lossy(&a));
    let (s, h) = super::call_as(
        env,
        &env.token,
        Method::POST,
        "/api/v1/households",
        Some(serde_json::json!({"region": "330502102201", "members": [{"person_id": person, "relation": "head"}]})),
    )
    .await;
    assert!(s.is_success(), "{}", String::from_utf8_lossy(&h));
    let store = &env.store;
    let sys = leye_store::Actor::system("test");
    let scope = leye_domain::Scope::System;
    leye_apply::attach(
        store,
        &scope,
        &sys,
        leye_testkit::now(),
        1,
        "合同.pdf",
        b"%PDF-1.4 x",
    )
    .await
    .unwrap();
    let mut tx = store.begin().await.unwrap();
    let post = leye_store::create_post(
        &mut tx,
        &scope,
        &leye_store::NewPost {
            name: "保洁".into(),
            enterprise_id: enterprise,
            region: "330502102201".into(),
            full_time: true,
            monthly_pay_fen: 260_000,
            payee_account: "6222021234567890".into(),
        },
        &sys,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    leye_store::insert_placement(
        &mut tx,
        &scope,
        &leye_store::NewPlacement {
            post_id: post,
            person_id: person,
            placement_no: 1,
            start_on: "2024-01-01".into(),
            subsidy_end: "2026-12-31".into(),
            decision_json: "{}".into(),
        },
        &sys,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    leye_store::create_arrears(
        &mut tx,
        &scope,
        &leye_store::NewArrears {
            employer_name: "某建筑公司".into(),
            enterprise_id: None,
            project: "某项目".into(),
            department: "construction".into(),
            source: "complaint".into(),
            region: "330502102".into(),
            workers: 3,
            claimed_fen: 3_000_000,
            route: "mediation".into(),
            opened_on: "2026-10-01".into(),
            due_on: "2026-10-16".into(),
        },
        &sys,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    leye_store::create_dispute(
        &mut tx,
        &scope,
        &leye_store::NewDispute {
            kind: "arbitration".into(),
            region: "330502102".into(),
            employer_name: "某制造公司".into(),
            claim_fen: 1_000_000,
            accepted_on: "2026-11-01".into(),
            due_on: "2026-12-16".into(),
        },
        &sys,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    leye_store::create_station(
        &mut tx,
        &scope,
        &leye_store::NewStation {
            name: "驿站".into(),
            kind: "gig_market".into(),
            region: "330502102201".into(),
            address: "村委会".into(),
            hours: "工作日".into(),
        },
        &sys,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    leye_store::open_case(
        &mut tx,
        &format!("p{person}"),
        "330502102201",
        "2026-11-01",
        &sys,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (posting, _) = leye_jobs::publish(
        store,
        &scope,
        enterprise,
        &leye_domain::jobs::PostingInput {
            title: "车工".into(),
            description: "操作车床".into(),
            occupation: "6-18-01-01".into(),
            headcount: "2".into(),
            region: "330502102201".into(),
            pay_unit: "month".into(),
            pay_min: "5000".into(),
            pay_max: "7000".into(),
            contract_type: "fixed".into(),
            contract_months: "24".into(),
            social_insurance: true,
            age_max: "45".into(),
            valid_until: "2027-01-31".into(),
            ..Default::default()
        },
        &sys,
        leye_testkit::now(),
        leye_testkit::today(),
    )
    .await
    .unwrap();
    leye_jobs::save_profile(
        store,
        &scope,
        person,
        &leye_domain::jobs::SeekerInput {
            occupations: "6-18-01-01".into(),
            skills: "车床".into(),
            region: "330502102201".into(),
            push_opt_in: true,
            ..Default::default()
        },
        &sys,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    let mut tx = store.begin().await.unwrap();
    leye_store::apply_to_posting(
        &mut tx,
        &scope,
        person,
        posting,
        None,
        "2026-11-28",
        &sys,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    market_fixture(store, enterprise, person, posting).await;
}

/// A gig slot with a finished sign-up of the person, and a recruitment event held today with
/// the posting and the person.
async fn market_fixture(store: &leye_store::Store, enterprise: i64, person: i64, posting: i64) {
    use leye_domain::gig::{GigAction, GigSide, SLOT_TIME, SlotInput, SlotTerms};
    let scope = leye_domain::Scope::System;
    let sys = leye_store::Actor::system("test");
    let (gig, _) = leye_jobs::publish(
        store,
        &scope,
        enterprise,
        &leye_domain::jobs::PostingInput {
            title: "分拣零工".into(),
            occupation: "4-02-07-08".into(),
            headcount: "5".into(),
            region: "330502102201".into(),
            pay_unit: "hour".into(),
            pay_min: "30".into(),
            pay_max: "35".into(),
            contract_type: "gig".into(),
            valid_until: "2027-01-31".into(),
            ..Default::default()
        },
        &sys,
        leye_testkit::now(),
        leye_testkit::today(),
    )
    .await
    .unwrap();
    let facts = SlotInput {
        date: "2026-11-28".into(),
        start: "13:00".into(),
        end: "17:00".into(),
        places: "3".into(),
        note: "仓库东门集合".into(),
    }
    .parse(
        SlotTerms {
            pay_unit: leye_domain::jobs::PayUnit::Hour,
            rate_fen: 3000,
            valid_until: leye_testkit::today() + chrono::Days::new(60),
        },
        leye_testkit::today(),
    )
    .unwrap();
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, SLOT_TIME).unwrap();
    let mut tx = store.begin().await.unwrap();
    let slot = leye_store::create_slot(
        &mut tx,
        &scope,
        gig,
        &facts,
        "2026-11-28",
        &sys,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    let signup = leye_store::sign_up(
        &mut tx,
        &scope,
        person,
        slot,
        at("2026-11-28 09:00"),
        &sys,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    for (side, action, when) in [
        (GigSide::Worker, GigAction::CheckIn, "2026-11-28 12:30"),
        (GigSide::Employer, GigAction::Complete, "2026-11-28 17:00"),
        (GigSide::Worker, GigAction::DisputePay, "2026-11-28 18:00"),
    ] {
        leye_store::gig_act(
            &mut tx,
            &scope,
            signup,
            side,
            action,
            None,
            "",
            at(when),
            &sys,
            leye_testkit::now(),
        )
        .await
        .unwrap();
    }
    let event = leye_domain::recruitment::EventInput {
        title: "吴兴区冬季招聘会".into(),
        mode: "offline".into(),
        region: "330502".into(),
        venue: "吴兴区人力资源市场".into(),
        starts_on: "2026-11-28".into(),
        organiser: "吴兴区人力社保局".into(),
        description: "面向高校毕业生和就业困难人员".into(),
        ..Default::default()
    }
    .parse(leye_domain::Regions::huzhou(), leye_testkit::today())
    .unwrap();
    let event = leye_store::create_event(&mut tx, &scope, &event, &sys, leye_testkit::now())
        .await
        .unwrap();
    leye_store::join_event(
        &mut tx,
        &scope,
        event,
        enterprise,
        &[posting],
        "2026-11-28",
        &sys,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    leye_store::register_attendee(
        &mut tx,
        &scope,
        event,
        person,
        "2026-11-28",
        &sys,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Figures, an alert (the surveyed rate over 5%) and a task note, so that the monitoring
/// pages show every kind of row.
async fn monitor_fixture(env: &super::Env) {
    use axum::http::{Method, StatusCode};
    for (uri, body) in [
        (
            "/api/v1/monitor/surveyed",
            serde_json::json!({"rows": [{"month": "2026-10", "rate": "5.2", "source": "国家统计局湖州调查队"}]}),
        ),
        ("/api/v1/monitor/refresh", serde_json::json!({})),
        (
            "/api/v1/monitor/tasks/notes",
            serde_json::json!({"clause": "二(三)1", "progress": "60", "note": "已举办招聘会"}),
        ),
    ] {
        let (s, b) = super::call_as(env, &env.token, Method::POST, uri, Some(body)).await;
        assert!(
            s == StatusCode::OK || s == StatusCode::CREATED,
            "{uri}: {s} {}",
            String::from_utf8_lossy(&b)
        );
    }
}

#[tokio::test]
async fn english_pages_have_no_chinese_left() {
    let db = TestDb::sqlite().await;
    let env = env(db.store.clone()).await;
    fixture(&env).await;
    monitor_fixture(&env).await;
    let made = super::skills::i18n_fixture(&env).await;
    let mut pages: Vec<String> = PAGES.iter().map(|p| p.to_string()).collect();
    pages.extend([
        format!("/service/tickets/{}", made["ticket"]),
        format!("/service/impact/{}", made["impact"]),
        "/skills/hr-institutions".to_string(),
        format!("/skills/hr-institutions/{}", made["row"]),
        format!("/skills/hr-institutions/{}/edit", made["row"]),
    ]);
    let mut missing = Vec::new();
    for uri in &pages {
        let req = Request::builder()
            .uri(uri.as_str())
            .header("authorization", format!("Bearer {}", env.token))
            .header("cookie", "leye_lang=en")
            .body(Body::empty())
            .unwrap();
        let (_, bytes, _) = send(&env.app, req).await;
        let html = String::from_utf8_lossy(&bytes);
        assert!(html.contains("<html lang=\"en\">"), "{uri}");
        missing.extend(
            untranslated(&html)
                .into_iter()
                .map(|t| format!("{uri}: {t}")),
        );
    }
    let req = Request::builder()
        .uri("/login")
        .header("cookie", "leye_lang=en")
        .body(Body::empty())
        .unwrap();
    let (_, bytes, _) = send(&env.app, req).await;
    missing.extend(
        untranslated(&String::from_utf8_lossy(&bytes))
            .into_iter()
            .map(|t| format!("/login: {t}")),
    );
    assert!(
        missing.is_empty(),
        "untranslated in data/i18n/en.toml:\n{}",
        missing.join("\n")
    );
}

#[tokio::test]
async fn chinese_is_the_default_and_the_switch_sets_a_cookie() {
    let db = TestDb::sqlite().await;
    let env = env(db.store.clone()).await;
    let req = Request::builder()
        .method("POST")
        .uri("/lang")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("referer", "http://x/persons?page=2")
        .body(Body::from("lang=en"))
        .unwrap();
    let (s, _, h) = send(&env.app, req).await;
    assert_eq!(s.as_u16(), 303);
    assert!(
        h["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("leye_lang=en")
    );
    assert_eq!(h["location"], "/persons?page=2");
    let req = Request::builder()
        .uri("/login")
        .body(Body::empty())
        .unwrap();
    let (_, bytes, _) = send(&env.app, req).await;
    assert!(String::from_utf8_lossy(&bytes).contains("<h1>登录</h1>"));
}
