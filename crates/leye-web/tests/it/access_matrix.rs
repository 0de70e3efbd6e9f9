//! The access matrix: every route of `ROUTES`, for every role, in scope and out of scope.
//! Denied means 403 and nothing leaked; allowed means the request got past the guard and the
//! store (a read in scope is 200); out of scope means 403 or 404 with nothing leaked.

use super::{Env, call_as, enterprise_body, env, person_body, user_with_token};
use axum::http::{Method, StatusCode};
use leye_domain::access::Role;
use leye_store::Store;
use leye_testkit::{both_backends, now};
use leye_web::access::{Access, ROUTES};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};

static SEQ: AtomicU32 = AtomicU32::new(500);

fn next() -> u32 {
    SEQ.fetch_add(1, Ordering::SeqCst)
}

/// One side of the fixture (吴兴 = in scope, 德清 = out of scope for the local roles).
#[derive(Clone)]
struct Side {
    person: i64,
    person_body: Value,
    household: i64,
    household_body: Value,
    enterprise: i64,
    enterprise_body: Value,
    /// An approved job-expansion application of the person at the enterprise, in a payment
    /// batch, with one attachment.
    application: i64,
    attachment: i64,
    batch: i64,
    /// A public-welfare placement of the person.
    placement: i64,
    /// An assistance case of the person.
    case: i64,
    /// A service station in the village.
    station: i64,
    /// A posting of the enterprise, and the person's application to it (the person has a
    /// job-seeker profile).
    posting: i64,
    job_application: i64,
    /// A gig posting of the enterprise with one slot the person signed up for, and a
    /// recruitment event held today in the village.
    gig_posting: i64,
    slot: i64,
    signup: i64,
    event: i64,
    /// An HR institution (a registry row), a service ticket of the enterprise (made a key
    /// enterprise by its headcount) and an impact assessment of a policy for the village.
    registry_row: i64,
    ticket: i64,
    impact: i64,
    /// A labour-relations service station in the village's township (a rights registry row).
    rights_row: i64,
    /// Text that must not appear in an answer to someone who may not see this side.
    secret: String,
}

/// The skills fixture of one side: (registry row, ticket, impact assessment).
async fn skills(env: &Env, village: &str, enterprise: i64, name: &str) -> (i64, i64, i64) {
    let id_of = |b: &[u8], path: &str| {
        let v: Value = serde_json::from_slice(b).unwrap();
        v.pointer(path).and_then(Value::as_i64).unwrap()
    };
    let calls = [
        (
            format!("/api/v1/enterprises/{enterprise}/headcount"),
            json!({"month": "2026-11", "headcount": 600}),
        ),
        (
            "/api/v1/registries/hr-institutions".to_string(),
            json!({"name": format!("{name}人力资源公司"), "services": "recruitment",
                   "registered_on": "2025-01-01", "region": village}),
        ),
        (
            "/api/v1/service/tickets".to_string(),
            json!({"enterprise_id": enterprise, "occupation": "6-18-01-01", "title": "车工",
                   "headcount": 2, "deadline": "2026-12-31"}),
        ),
        (
            "/api/v1/impact-assessments".to_string(),
            json!({"title": format!("{name}稳岗政策"), "kind": "policy", "region": village,
                   "jobs": "100", "pay_yuan": "5000", "industry": "C"}),
        ),
    ];
    let mut ids = Vec::new();
    for (uri, body) in calls {
        let (s, b) = call_as(env, &env.token, Method::POST, &uri, Some(body)).await;
        assert!(s.is_success(), "{uri}: {s} {}", String::from_utf8_lossy(&b));
        ids.push(b);
    }
    (
        id_of(&ids[1], "/id"),
        id_of(&ids[2], "/ticket/id"),
        id_of(&ids[3], "/assessment/id"),
    )
}

/// The application, its documents, its payment batch, a placement and an assistance case of one side.
async fn cases(
    env: &Env,
    village: &str,
    person: i64,
    enterprise: i64,
    name: &str,
) -> (i64, i64, i64, i64, i64, i64) {
    use leye_apply::{ActRequest, act};
    use leye_domain::application::AppAction;
    for event in [
        json!({"status": "unemployed", "effective": "2026-06-30"}),
        json!({"status": "employed", "effective": "2026-07-01", "enterprise_id": enterprise}),
    ] {
        let (s, b) = call_as(
            env,
            &env.token,
            Method::POST,
            &format!("/api/v1/persons/{person}/labour-events"),
            Some(event),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&b));
    }
    let (s, a) = call_as(
        env,
        &env.token,
        Method::POST,
        "/api/v1/applications",
        Some(
            json!({"measure": "job_expansion", "person_id": person, "enterprise_id": enterprise,
                    "payee_name": name, "payee_account": "6222021234567890"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&a));
    let application = serde_json::from_slice::<Value>(&a).unwrap()["id"]
        .as_i64()
        .unwrap();
    let store = &env.store;
    let scope = leye_domain::Scope::System;
    let sys = leye_store::Actor::system("test");
    let mut officers = Vec::new();
    for r in ["reviewer", "approver"] {
        let who = format!("{r}_{village}");
        user_with_token(
            store,
            &who,
            "county_officer",
            Some(&village[..6]),
            None,
            None,
        )
        .await;
        let mut tx = store.begin().await.unwrap();
        let u = leye_store::user_by_name(&mut tx, &who)
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        officers.push(leye_store::Actor::user(u.id, &who, "127.0.0.1"));
    }
    let mut tx = store.begin().await.unwrap();
    leye_store::set_budget(
        &mut tx,
        &scope,
        &leye_store::Budget {
            measure: "job_expansion".into(),
            district: village[..6].into(),
            year: 2026,
            amount_fen: 100_000_000,
            committed_fen: 0,
        },
        &sys,
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    for (who, action) in [(0, AppAction::StartReview), (1, AppAction::Approve)] {
        let step = ActRequest {
            action,
            reason: None,
            note: String::new(),
        };
        act(store, &scope, &officers[who], now(), application, &step)
            .await
            .unwrap();
    }
    let attachment = leye_apply::attach(
        store,
        &scope,
        &sys,
        now(),
        application,
        "合同.pdf",
        b"%PDF-1.4 x",
    )
    .await;
    // Approved applications take no more documents: attach before approval is the normal
    // case, here the store is used directly for the fixture.
    let attachment = match attachment {
        Ok(a) => a,
        Err(_) => {
            let mut tx = store.begin().await.unwrap();
            let a = leye_store::add_attachment(
                &mut tx,
                application,
                "合同.pdf",
                "pdf",
                &"0".repeat(64),
                b"%PDF-1.4 x",
                &sys,
                now(),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            a
        }
    };
    let batches = leye_apply::payments::create_batches(
        store,
        &leye_domain::Scope::Region(village.into()),
        &sys,
        now(),
    )
    .await
    .unwrap();
    let mut tx = store.begin().await.unwrap();
    let post = leye_store::create_post(
        &mut tx,
        &scope,
        &leye_store::NewPost {
            name: format!("{name}的岗位"),
            enterprise_id: enterprise,
            region: village.into(),
            full_time: true,
            monthly_pay_fen: 260_000,
            payee_account: "6222021234567890".into(),
        },
        &sys,
        now(),
    )
    .await
    .unwrap();
    let placement = leye_store::insert_placement(
        &mut tx,
        &scope,
        &leye_store::NewPlacement {
            post_id: post,
            person_id: person,
            placement_no: 1,
            start_on: "2026-01-01".into(),
            subsidy_end: "2028-12-31".into(),
            decision_json: "{}".into(),
        },
        &sys,
        now(),
    )
    .await
    .unwrap();
    let case = leye_store::open_case(
        &mut tx,
        &format!("p{person}"),
        village,
        "2026-11-01",
        &sys,
        now(),
    )
    .await
    .unwrap();
    let station = leye_store::create_station(
        &mut tx,
        &scope,
        &leye_store::NewStation {
            name: format!("{name}驿站"),
            kind: "station".into(),
            region: village.into(),
            address: "村委会".into(),
            hours: "工作日".into(),
        },
        &sys,
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (
        application,
        attachment,
        batches[0].id,
        placement,
        case,
        station,
    )
}

fn posting_input(village: &str, title: &str) -> leye_domain::jobs::PostingInput {
    leye_domain::jobs::PostingInput {
        title: title.into(),
        occupation: "6-18-01-01".into(),
        headcount: "2".into(),
        region: village.into(),
        pay_unit: "month".into(),
        pay_min: "5000".into(),
        pay_max: "7000".into(),
        contract_type: "fixed".into(),
        contract_months: "24".into(),
        social_insurance: true,
        valid_until: "2027-01-31".into(),
        ..Default::default()
    }
}

/// A posting of the side's enterprise, the person's profile and their application to it.
async fn jobs(env: &Env, village: &str, person: i64, enterprise: i64, name: &str) -> (i64, i64) {
    let store = &env.store;
    let scope = leye_domain::Scope::System;
    let sys = leye_store::Actor::system("test");
    let (posting, _) = leye_jobs::publish(
        store,
        &scope,
        enterprise,
        &posting_input(village, &format!("{name}的车工岗位")),
        &sys,
        now(),
        leye_testkit::today(),
    )
    .await
    .unwrap();
    let profile = leye_domain::jobs::SeekerInput {
        occupations: "6-18-01-01".into(),
        region: village.into(),
        push_opt_in: true,
        ..Default::default()
    };
    leye_jobs::save_profile(store, &scope, person, &profile, &sys, now())
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    let application = leye_store::apply_to_posting(
        &mut tx,
        &scope,
        person,
        posting,
        None,
        "2026-11-28",
        &sys,
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (posting, application)
}

/// A gig posting with a slot the person signed up for, and an event held today in the village.
async fn market(
    env: &Env,
    village: &str,
    person: i64,
    enterprise: i64,
    name: &str,
) -> (i64, i64, i64, i64) {
    let store = &env.store;
    let scope = leye_domain::Scope::System;
    let sys = leye_store::Actor::system("test");
    let gig = leye_domain::jobs::PostingInput {
        pay_unit: "hour".into(),
        pay_min: "30".into(),
        pay_max: "40".into(),
        contract_type: "gig".into(),
        contract_months: String::new(),
        ..posting_input(village, &format!("{name}的分拣零工"))
    };
    let (gig_posting, _) = leye_jobs::publish(
        store,
        &scope,
        enterprise,
        &gig,
        &sys,
        now(),
        leye_testkit::today(),
    )
    .await
    .unwrap();
    let facts = leye_domain::gig::SlotInput {
        date: "2026-11-30".into(),
        start: "08:00".into(),
        end: "12:00".into(),
        places: "5".into(),
        note: String::new(),
    }
    .parse(
        leye_domain::gig::SlotTerms {
            pay_unit: leye_domain::jobs::PayUnit::Hour,
            rate_fen: 3000,
            valid_until: leye_testkit::today() + chrono::Days::new(30),
        },
        leye_testkit::today(),
    )
    .unwrap();
    let mut tx = store.begin().await.unwrap();
    let slot = leye_store::create_slot(
        &mut tx,
        &scope,
        gig_posting,
        &facts,
        "2026-11-28",
        &sys,
        now(),
    )
    .await
    .unwrap();
    let at = chrono::NaiveDateTime::parse_from_str("2026-11-28 10:00", leye_domain::gig::SLOT_TIME)
        .unwrap();
    let signup = leye_store::sign_up(&mut tx, &scope, person, slot, at, &sys, now())
        .await
        .unwrap();
    let event = leye_domain::recruitment::EventInput {
        title: format!("{name}的招聘会"),
        mode: "offline".into(),
        region: village.into(),
        venue: "村委会".into(),
        starts_on: "2026-11-28".into(),
        organiser: "人力社保局".into(),
        ..Default::default()
    }
    .parse(leye_domain::Regions::huzhou(), leye_testkit::today())
    .unwrap();
    let event = leye_store::create_event(&mut tx, &scope, &event, &sys, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (gig_posting, slot, signup, event)
}

async fn side(env: &Env, village: &str, name: &str, code_n: u32) -> Side {
    let admin = env.token.clone();
    let mut pb = person_body(name, next());
    pb["residence_region"] = json!(village);
    // A 2026 graduate, so that hiring them earns the job-expansion subsidy.
    pb["id_number"] = json!(leye_testkit::id_number("330502", "20030601", next()));
    pb["graduation_date"] = json!("2026-06-30");
    let (s, p) = call_as(
        env,
        &admin,
        Method::POST,
        "/api/v1/persons",
        Some(pb.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&p));
    let person = serde_json::from_slice::<Value>(&p).unwrap()["id"]
        .as_i64()
        .unwrap();
    let hb = json!({"region": village, "members": [{"person_id": person, "relation": "head"}]});
    let (s, h) = call_as(
        env,
        &admin,
        Method::POST,
        "/api/v1/households",
        Some(hb.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let household = serde_json::from_slice::<Value>(&h).unwrap()["id"]
        .as_i64()
        .unwrap();
    let mut eb = enterprise_body(code_n);
    eb["region"] = json!(village);
    eb["name"] = json!(format!("{name}的企业"));
    let (s, e) = call_as(
        env,
        &admin,
        Method::POST,
        "/api/v1/enterprises",
        Some(eb.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let enterprise = serde_json::from_slice::<Value>(&e).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (application, attachment, batch, placement, case, station) =
        cases(env, village, person, enterprise, name).await;
    let (posting, job_application) = jobs(env, village, person, enterprise, name).await;
    let (gig_posting, slot, signup, event) = market(env, village, person, enterprise, name).await;
    let (registry_row, ticket, impact) = skills(env, village, enterprise, name).await;
    let (s, b) = call_as(
        env,
        &env.token,
        Method::POST,
        "/api/v1/rights/registries/labour-stations",
        Some(
            json!({"name": format!("{name}劳动关系服务站"), "opened_on": "2025-01-01",
                     "staff": 2, "region": &village[..9]}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&b));
    let rights_row = serde_json::from_slice::<Value>(&b).unwrap()["id"]
        .as_i64()
        .unwrap();
    Side {
        registry_row,
        ticket,
        impact,
        rights_row,
        posting,
        job_application,
        gig_posting,
        slot,
        signup,
        event,
        application,
        attachment,
        batch,
        placement,
        case,
        station,
        person,
        person_body: pb,
        household,
        household_body: hb,
        enterprise,
        enterprise_body: eb,
        secret: name.into(),
    }
}

struct Subject {
    token: String,
    user_id: i64,
    spare_token: i64,
    /// None: the role sees the whole city, so nothing is out of scope.
    outside: bool,
}

async fn subject(store: &Store, role: Role, inside: &Side) -> Subject {
    let name = format!("u_{}", role.code());
    let (region, ent, person) = match role {
        Role::CountyOfficer => (Some("330502"), None, None),
        Role::TownshipOfficer => (Some("330502102"), None, None),
        Role::VillageWorker => (Some("330502102201"), None, None),
        Role::Employer => (None, Some(inside.enterprise), None),
        Role::JobSeeker => (None, None, Some(inside.person)),
        _ => (None, None, None),
    };
    let token = user_with_token(store, &name, role.code(), region, ent, person).await;
    let mut tx = store.begin().await.unwrap();
    let user = leye_store::user_by_name(&mut tx, &name)
        .await
        .unwrap()
        .unwrap();
    let actor = leye_store::Actor::system("test");
    let spare = leye_store::create_api_token(
        &mut tx,
        &actor,
        user.id,
        "spare",
        &format!("spare_{name}"),
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let outside = !matches!(role, Role::CityAdmin | Role::Auditor | Role::UnitOfficer);
    Subject {
        token,
        user_id: user.id,
        spare_token: spare,
        outside,
    }
}

fn form(pairs: &[(&str, String)]) -> Vec<u8> {
    serde_urlencoded::to_string(pairs).unwrap().into_bytes()
}

fn person_form(body: &Value) -> Vec<u8> {
    let s = |k: &str| body[k].as_str().unwrap_or("").to_string();
    form(&[
        ("name", s("name")),
        ("id_number", s("id_number")),
        ("residence_region", s("residence_region")),
        ("education", "bachelor".into()),
        ("assistance", "none".into()),
        ("urban", "on".into()),
    ])
}

/// The request for a route against one side: (uri, content type, body).
async fn request_for(
    env: &Env,
    template: &str,
    method: &str,
    target: &Side,
    subj: &Subject,
) -> (String, &'static str, Vec<u8>) {
    let id_for = |t: &str| {
        if t.contains("/service/tickets") {
            target.ticket
        } else if t.contains("/impact") {
            target.impact
        } else if t.contains("/rights/registries/{registry}") {
            target.rights_row
        } else if t.contains("{registry}") {
            target.registry_row
        } else if t.contains("/postings/{id}/slots") {
            target.gig_posting
        } else if t.contains("/gig/slots/") {
            target.slot
        } else if t.contains("/gig/signups/") {
            target.signup
        } else if t.contains("/events/") {
            target.event
        } else if t.contains("/postings/") || t.contains("/jobs/{id}") {
            target.posting
        } else if t.contains("/job-applications/") {
            target.job_application
        } else if t.contains("/help/cases") {
            target.case
        } else if t.contains("/help/stations") {
            target.station
        } else if t.contains("/hte/") || t.contains("/hard-to-employ/") {
            target.person
        } else if t.contains("/applications") {
            target.application
        } else if t.contains("/payments/batches") {
            target.batch
        } else if t.contains("/welfare/placements") {
            target.placement
        } else if t.contains("/households") {
            target.household
        } else if t.contains("/enterprises") {
            target.enterprise
        } else if t.contains("/persons") {
            target.person
        } else if t.contains("/account/tokens") {
            subj.spare_token
        } else {
            subj.user_id + 10_000 // a user id that does not exist: disabling it is a 404, not a lock-out
        }
    };
    let mut uri = template
        .replace("/monitor/indicators/{id}", "/monitor/indicators/job_ratio")
        .replace("{id}", &id_for(template).to_string())
        .replace("{code}", "330502")
        .replace("{measure}", "job_expansion")
        .replace("{entity}", "persons")
        .replace("{quarter}", "2026Q3")
        .replace(
            "{registry}",
            if template.contains("/rights/registries/") {
                "labour-stations"
            } else {
                "hr-institutions"
            },
        )
        .replace("{aid}", &target.attachment.to_string());
    const JSON: &str = "application/json";
    const FORM: &str = "application/x-www-form-urlencoded";
    let fresh_person = || {
        let mut b = person_body("新登记", next());
        b["residence_region"] = target.person_body["residence_region"].clone();
        b
    };
    let j = |v: Value| (JSON, v.to_string().into_bytes());
    let village = target.person_body["residence_region"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let seeker_form = || {
        vec![
            ("occupations", "6-18-01-01".to_string()),
            ("region", village.clone()),
            ("commute_km", "10".into()),
            ("push_opt_in", "1".into()),
        ]
    };
    let (ct, body) = match (method, template) {
        ("GET", _) => (JSON, vec![]),
        ("POST", "/api/v1/postings") => {
            let p = posting_input(&village, "新车工岗位");
            j(
                json!({"title": p.title, "occupation": p.occupation, "headcount": p.headcount,
                "region": p.region, "pay_unit": p.pay_unit, "pay_min": p.pay_min, "pay_max": p.pay_max,
                "contract_type": p.contract_type, "contract_months": p.contract_months,
                "social_insurance": true, "valid_until": p.valid_until}),
            )
        }
        ("POST", "/postings") => (
            FORM,
            form(&[
                (
                    "credit_code",
                    target.enterprise_body["credit_code"]
                        .as_str()
                        .unwrap_or("")
                        .into(),
                ),
                ("title", "新车工岗位".into()),
                ("occupation", "6-18-01-01".into()),
                ("headcount", "1".into()),
                ("region", village.clone()),
                ("pay_unit", "month".into()),
                ("pay_min", "5000".into()),
                ("pay_max", "7000".into()),
                ("contract_type", "fixed".into()),
                ("contract_months", "12".into()),
                ("social_insurance", "1".into()),
                ("education", "none".into()),
                ("valid_until", "2027-01-31".into()),
            ]),
        ),
        ("POST", "/api/v1/jobs/{id}/apply") => j(json!({"person_id": target.person})),
        ("POST", "/api/v1/registries/{registry}") => j(json!({"name": format!("新机构{}", next()),
            "services": "dispatch", "registered_on": "2026-01-01", "region": village})),
        ("PUT", "/api/v1/registries/{registry}/{id}") => {
            j(json!({"name": target.secret.clone() + "人力资源公司",
            "services": "outsourcing", "registered_on": "2025-01-01", "region": village}))
        }
        ("POST", "/skills/{registry}/{id}/edit") => (
            FORM,
            form(&[
                ("name", target.secret.clone() + "人力资源公司"),
                ("services", "outsourcing".into()),
                ("registered_on", "2025-01-01".into()),
                ("region", village.clone()),
            ]),
        ),
        ("POST", "/api/v1/rights/registries/{registry}")
        | ("PUT", "/api/v1/rights/registries/{registry}/{id}") => j(json!({
            "name": target.secret.clone() + "劳动关系服务站", "opened_on": "2025-01-01",
            "staff": 3, "region": &village[..9]})),
        ("POST", "/rights/registries/{registry}")
        | ("POST", "/rights/registries/{registry}/{id}/edit") => (
            FORM,
            form(&[
                ("name", target.secret.clone() + "劳动关系服务站"),
                ("opened_on", "2025-01-01".into()),
                ("staff", "3".into()),
                ("region", village[..9].to_string()),
            ]),
        ),
        ("POST", "/skills/{registry}") => (
            FORM,
            form(&[
                ("name", format!("新机构{}", next())),
                ("services", "dispatch".into()),
                ("registered_on", "2026-01-01".into()),
                ("region", village.clone()),
            ]),
        ),
        ("POST", "/api/v1/service/tickets") => j(json!({"enterprise_id": target.enterprise,
            "occupation": "6-18-01-01", "title": "焊工", "headcount": 1, "deadline": "2026-12-31"})),
        ("POST", "/me/demands") => (
            FORM,
            form(&[
                ("occupation", "6-18-01-01".into()),
                ("title", "车工".into()),
                ("headcount", "2".into()),
                ("deadline", "2026-12-31".into()),
            ]),
        ),
        ("POST", "/service/tickets") => (
            FORM,
            form(&[
                ("enterprise_id", target.enterprise.to_string()),
                ("occupation", "6-18-01-01".into()),
                ("title", "焊工".into()),
                ("headcount", "1".into()),
                ("deadline", "2026-12-31".into()),
            ]),
        ),
        ("POST", "/api/v1/service/tickets/{id}/link") => {
            j(json!({"kind": "institution", "target": target.registry_row}))
        }
        ("POST", "/service/tickets/{id}/link") => (
            FORM,
            form(&[
                ("kind", "institution".into()),
                ("target", target.registry_row.to_string()),
            ]),
        ),
        ("POST", "/api/v1/service/tickets/{id}/place") => j(json!({
            "id_number": target.person_body["id_number"], "channel": "dispatch"})),
        ("POST", "/service/tickets/{id}/place") => (
            FORM,
            form(&[
                (
                    "id_number",
                    target.person_body["id_number"]
                        .as_str()
                        .unwrap_or("")
                        .into(),
                ),
                ("channel", "dispatch".into()),
            ]),
        ),
        ("POST", "/api/v1/service/tickets/{id}/close") => j(json!({"note": "企业取消需求"})),
        ("POST", "/service/tickets/{id}/close") => (FORM, form(&[("note", "企业取消需求".into())])),
        ("POST", "/api/v1/impact-assessments") | ("POST", "/service/impact") => {
            let pairs = [
                ("title", "新政策".to_string()),
                ("kind", "policy".into()),
                ("region", village.clone()),
                ("jobs", "10".into()),
                ("pay_yuan", "4000".into()),
                ("industry", "C".into()),
            ];
            if template.starts_with("/api/") {
                j(Value::Object(
                    pairs
                        .iter()
                        .map(|(k, v)| (k.to_string(), json!(v)))
                        .collect(),
                ))
            } else {
                (FORM, form(&pairs))
            }
        }
        ("POST", "/api/v1/postings/{id}/slots") => {
            j(json!({"date": "2026-12-05", "start": "08:00",
            "end": "12:00", "places": "3"}))
        }
        ("POST", "/postings/{id}/slots") => (
            FORM,
            form(&[
                ("date", "2026-12-05".into()),
                ("start", "08:00".into()),
                ("end", "12:00".into()),
                ("places", "3".into()),
            ]),
        ),
        ("POST", "/api/v1/gig/slots/{id}/signup") | ("POST", "/api/v1/events/{id}/register") => {
            j(json!({"person_id": target.person}))
        }
        ("POST", "/api/v1/gig/signups/{id}/worker") => j(json!({"action": "check_in"})),
        ("POST", "/api/v1/gig/signups/{id}/employer") => j(json!({"action": "no_show"})),
        ("POST", "/gig/signups/{id}/worker") => (FORM, form(&[("action", "check_in".into())])),
        ("POST", "/gig/signups/{id}/employer") => (FORM, form(&[("action", "no_show".into())])),
        ("POST", t) if t.starts_with("/api/v1/gig/signups/") && t.ends_with("/rating") => {
            j(json!({"stars": "5"}))
        }
        ("POST", t) if t.starts_with("/gig/signups/") && t.ends_with("/rating") => {
            (FORM, form(&[("stars", "5".into())]))
        }
        ("POST", "/api/v1/events") | ("POST", "/events") => {
            let pairs = [
                ("title", "新招聘会".to_string()),
                ("mode", "offline".into()),
                ("region", village.clone()),
                ("venue", "文化礼堂".into()),
                ("starts_on", "2026-12-10".into()),
                ("organiser", "人力社保局".into()),
            ];
            if template.starts_with("/api") {
                j(serde_json::Value::Object(
                    pairs
                        .iter()
                        .map(|(k, v)| ((*k).to_string(), json!(v)))
                        .collect(),
                ))
            } else {
                (FORM, form(&pairs))
            }
        }
        ("POST", "/api/v1/events/{id}/join") => j(json!({"enterprise_id": target.enterprise,
            "posting_ids": [target.posting]})),
        ("POST", "/events/{id}/join") => (
            FORM,
            form(&[
                ("enterprise_id", target.enterprise.to_string()),
                ("posting_id", target.posting.to_string()),
            ]),
        ),
        ("POST", "/api/v1/events/{id}/check-in") => {
            j(json!({"id_number": target.person_body["id_number"]}))
        }
        ("POST", "/events/{id}/check-in") => (
            FORM,
            form(&[(
                "id_number",
                target.person_body["id_number"]
                    .as_str()
                    .unwrap_or("")
                    .into(),
            )]),
        ),
        ("POST", "/jobs/shortage/publish") => (FORM, form(&[("quarter", "2026Q3".into())])),
        ("POST", "/api/v1/job-applications/{id}/state") => j(json!({"state": "interview"})),
        ("POST", "/job-applications/{id}/state") => (
            FORM,
            form(&[
                ("state", "interview".into()),
                ("posting", target.posting.to_string()),
            ]),
        ),
        ("PUT", "/api/v1/persons/{id}/seeker") => j(json!({"occupations": "6-18-01-01",
            "region": village, "push_opt_in": true})),
        ("POST", "/persons/{id}/jobs/profile") => (FORM, form(&seeker_form())),
        ("POST", "/persons/{id}/jobs/push") => (FORM, form(&[("on", "0".into())])),
        ("POST", "/api/v1/persons") => j(fresh_person()),
        ("PUT", "/api/v1/persons/{id}") => j(target.person_body.clone()),
        ("POST", "/api/v1/persons/{id}/reveal") => j(json!({"reason": "电话回访就业意向"})),
        ("POST", "/api/v1/persons/{id}/labour-events") => {
            j(json!({"status": "employed", "effective": "2026-01-01"}))
        }
        ("POST", "/api/v1/households") | ("POST", "/households/new") => {
            // A fresh person to head the new household, registered by the admin.
            let (_, p) = call_as(
                env,
                &env.token,
                Method::POST,
                "/api/v1/persons",
                Some(fresh_person()),
            )
            .await;
            let pid = serde_json::from_slice::<Value>(&p).unwrap()["id"]
                .as_i64()
                .unwrap_or(0);
            let region = target.household_body["region"]
                .as_str()
                .unwrap_or("")
                .to_string();
            if template.starts_with("/api") {
                j(json!({"region": region, "members": [{"person_id": pid, "relation": "head"}]}))
            } else {
                (
                    FORM,
                    form(&[
                        ("region", region),
                        ("members[0].person_id", pid.to_string()),
                        ("members[0].relation", "head".into()),
                        ("income_band", "unknown".into()),
                    ]),
                )
            }
        }
        ("PUT", "/api/v1/households/{id}") => j(target.household_body.clone()),
        ("POST", "/households/{id}/edit") => {
            let b = &target.household_body;
            let pid = b["members"][0]["person_id"]
                .as_i64()
                .unwrap_or(0)
                .to_string();
            (
                FORM,
                form(&[
                    ("region", b["region"].as_str().unwrap_or("").into()),
                    ("members[0].person_id", pid),
                    ("members[0].relation", "head".into()),
                    ("income_band", "unknown".into()),
                ]),
            )
        }
        ("POST", "/api/v1/enterprises") => {
            let mut b = enterprise_body(next());
            b["region"] = target.enterprise_body["region"].clone();
            j(b)
        }
        ("PUT", "/api/v1/enterprises/{id}") => j(target.enterprise_body.clone()),
        ("POST", "/api/v1/enterprises/{id}/headcount") => {
            j(json!({"month": "2026-10", "headcount": 12}))
        }
        ("POST", "/enterprises/new") | ("POST", "/enterprises/{id}/edit") => {
            let mut b = if template.ends_with("new") {
                enterprise_body(next())
            } else {
                target.enterprise_body.clone()
            };
            b["region"] = target.enterprise_body["region"].clone();
            let s = |k: &str| b[k].as_str().unwrap_or("").to_string();
            (
                FORM,
                form(&[
                    ("credit_code", s("credit_code")),
                    ("name", s("name")),
                    ("industry", "C".into()),
                    ("region", s("region")),
                    ("scale", "medium".into()),
                ]),
            )
        }
        ("POST", "/persons/new") => (FORM, person_form(&fresh_person())),
        ("POST", "/persons/{id}/edit") => (FORM, person_form(&target.person_body)),
        ("POST", "/persons/{id}/reveal") => (FORM, form(&[("reason", "电话回访就业意向".into())])),
        ("POST", "/admin/users") => {
            let n = next();
            (
                FORM,
                form(&[
                    ("username", format!("new{n}")),
                    ("display_name", "新用户".into()),
                    ("role", "auditor".into()),
                    ("password", "abcd1234".into()),
                ]),
            )
        }
        ("POST", "/account/tokens") => (FORM, form(&[("name", "对接".into())])),
        ("POST", "/api/v1/applications") => j(json!({"measure": "job_expansion",
            "person_id": target.person, "enterprise_id": target.enterprise,
            "payee_name": "甲", "payee_account": "6222021234567890"})),
        ("POST", "/applications/new") => (
            FORM,
            form(&[
                ("measure", "job_expansion".into()),
                ("person_id", target.person.to_string()),
                ("enterprise_id", target.enterprise.to_string()),
                ("payee_name", "甲".into()),
                ("payee_account", "6222021234567890".into()),
            ]),
        ),
        ("POST", t) if t.starts_with("/api/v1/applications/") => j(json!({"note": "补充合同"})),
        ("POST", "/applications/{id}/reject") => (FORM, form(&[("reason", "not_eligible".into())])),
        ("POST", "/applications/{id}/return") => (FORM, form(&[("note", "补充合同".into())])),
        ("POST", "/api/v1/budgets") | ("POST", "/budgets") => {
            let district = target.enterprise_body["region"].as_str().unwrap_or("")[..6].to_string();
            if template.starts_with("/api") {
                j(
                    json!({"measure": "job_expansion", "district": district, "year": 2026, "amount_yuan": "2000000"}),
                )
            } else {
                (
                    FORM,
                    form(&[
                        ("measure", "job_expansion".into()),
                        ("district", district),
                        ("year", "2026".into()),
                        ("amount_yuan", "2000000".into()),
                    ]),
                )
            }
        }
        ("POST", "/welfare/posts") => (
            FORM,
            form(&[
                ("name", "保洁".into()),
                ("enterprise_id", target.enterprise.to_string()),
                (
                    "region",
                    target.person_body["residence_region"]
                        .as_str()
                        .unwrap_or("")
                        .into(),
                ),
                ("full_time", "1".into()),
                ("monthly_pay_yuan", "2600".into()),
                ("payee_account", "6222021234567890".into()),
            ]),
        ),
        ("POST", "/welfare/placements") => (
            FORM,
            form(&[
                ("post_id", "1".into()),
                ("person_id", target.person.to_string()),
                ("start_on", "2026-01-01".into()),
            ]),
        ),
        ("POST", "/applications/{id}/attachments") | ("POST", "/payments/reconcile") => {
            let (name, content): (&str, &[u8]) = if template.contains("attachments") {
                ("合同.pdf", b"%PDF-1.4 matrix")
            } else {
                (
                    "回盘.csv",
                    "支付流水号,结果\nSQ-0000-000000-1,成功\n".as_bytes(),
                )
            };
            let mut body = format!(
                "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n--XyZ--\r\n");
            ("multipart/form-data; boundary=XyZ", body)
        }
        ("POST", "/persons/{id}/labour-events") => (
            FORM,
            form(&[
                ("status", "unemployed".into()),
                ("effective", "2026-11-01".into()),
            ]),
        ),
        ("POST", "/help/cases/{id}/contacts") => (
            FORM,
            form(&[
                ("on_date", "2026-11-20".into()),
                ("channel", "phone".into()),
                ("note", "电话回访".into()),
            ]),
        ),
        ("POST", "/api/v1/help/cases/{id}/contacts") => {
            j(json!({"on_date": "2026-11-20", "channel": "phone", "note": "电话回访"}))
        }
        ("POST", "/help/stations") => (
            FORM,
            form(&[
                ("name", "新驿站".into()),
                ("kind", "station".into()),
                (
                    "region",
                    target.person_body["residence_region"]
                        .as_str()
                        .unwrap_or("")
                        .into(),
                ),
                ("address", "村委会".into()),
                ("hours", "工作日".into()),
            ]),
        ),
        ("POST", "/help/stations/{id}/services") => (
            FORM,
            form(&[
                ("on_date", "2026-11-20".into()),
                ("service", "policy_consult".into()),
                ("outcome", "政策咨询".into()),
            ]),
        ),
        ("POST", "/help/cases/{id}") => (FORM, form(&[("services", "training".into())])),
        ("POST", "/help/hte/{id}/dismiss") => (FORM, form(&[("reason", "另有收入来源".into())])),
        ("POST", "/welfare/accrue") => (FORM, form(&[("month", "2026-11".into())])),
        ("POST", "/welfare/placements/{id}/end") => {
            (FORM, form(&[("ended_on", "2027-01-01".into())]))
        }
        ("POST", "/api/v1/policy/evaluate") => j(json!({"persons": [{"id": "a"}]})),
        ("POST", "/policies/check") => (FORM, form(&[("birth", "1980-01-01".into())])),
        ("POST", "/account/password") => (
            FORM,
            form(&[
                ("old_password", "wrong".into()),
                ("new_password", "abcd1234".into()),
            ]),
        ),
        ("POST", "/login") => (
            FORM,
            form(&[("username", "nobody".into()), ("password", "x".into())]),
        ),
        _ => (FORM, vec![]),
    };
    if (method, template) == ("POST", "/api/v1/postings") {
        uri = format!("{uri}?enterprise_id={}", target.enterprise);
    }
    (uri, ct, body)
}

async fn send_as(
    env: &Env,
    token: &str,
    method: &str,
    uri: &str,
    ct: &str,
    body: Vec<u8>,
) -> (StatusCode, String) {
    let req = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", ct)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::from(body))
        .unwrap();
    let (s, bytes, _) = super::send(&env.app, req).await;
    (s, String::from_utf8_lossy(&bytes).to_string())
}

fn allowed(role: Role, access: Access) -> bool {
    match access {
        Access::Public | Access::SignedIn => true,
        Access::Perm(p) => role.allows(p),
    }
}

fn targets_a_record(template: &str) -> bool {
    [
        "/persons/{id}",
        "/households/{id}",
        "/enterprises/{id}",
        "/applications/{id}",
        "/payments/batches/{id}",
        "/welfare/placements/{id}",
        "/help/cases/{id}",
        "/help/stations/{id}",
        "/help/hte/{id}",
        "/hard-to-employ/{id}",
        "/postings/{id}",
        "/job-applications/{id}",
        "/gig/slots/{id}/signups",
        "/gig/signups/{id}",
        "/service/tickets/{id}",
        "/impact-assessments/{id}",
        "/service/impact/{id}",
        "/{registry}/{id}",
    ]
    .iter()
    .any(|p| template.contains(p))
        || template.ends_with("/gig/slots/{id}")
}

async fn every_route_for_every_role(store: Store) {
    let env = env(store.clone()).await;
    let inside = side(&env, "330502102201", "吴兴甲", 1).await;
    let outside = side(&env, "330521101201", "德清乙", 2).await;
    let mut checked = 0;
    for role in Role::ALL {
        let subj = subject(&store, *role, &inside).await;
        for (method, template, access) in ROUTES {
            let may = allowed(*role, *access);
            let (uri, ct, body) = request_for(&env, template, method, &inside, &subj).await;
            let (s, text) = send_as(&env, &subj.token, method, &uri, ct, body).await;
            let what = format!("{} {method} {uri}", role.code());
            assert!(!s.is_server_error(), "{what}: {s} {text}");
            if may {
                // A public route may still answer 401 (a wrong password at /login).
                let unauthorized = s == StatusCode::UNAUTHORIZED && *access != Access::Public;
                assert!(
                    s != StatusCode::FORBIDDEN && !unauthorized,
                    "{what} should be allowed: {s} {text}"
                );
                if *method == "GET" {
                    assert!(s.is_success() || s.is_redirection(), "{what}: {s} {text}");
                }
            } else {
                assert_eq!(s, StatusCode::FORBIDDEN, "{what} should be denied: {text}");
                assert!(
                    !text.contains(&outside.secret) && !text.contains(&inside.secret),
                    "{what} leaked a name"
                );
            }
            if may && subj.outside && *access != Access::Public && targets_a_record(template) {
                // The employer and the job seeker reach only their own records.
                let (uri, ct, body) = request_for(&env, template, method, &outside, &subj).await;
                let (s, text) = send_as(&env, &subj.token, method, &uri, ct, body).await;
                assert!(
                    s == StatusCode::NOT_FOUND || s == StatusCode::FORBIDDEN,
                    "{} {method} {uri} out of scope: {s} {text}",
                    role.code()
                );
                assert!(
                    !text.contains(&outside.secret),
                    "{} {method} {uri} leaked {}",
                    role.code(),
                    outside.secret
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, Role::ALL.len() * ROUTES.len());
    // Lists in scope never show the other side.
    for (role, list) in [
        (Role::CountyOfficer, "/api/v1/persons"),
        (Role::Employer, "/api/v1/enterprises"),
        (Role::JobSeeker, "/api/v1/households"),
    ] {
        let token = format!("leye_test_u_{}", role.code());
        let (s, body) = call_as(&env, &token, Method::GET, list, None).await;
        let text = String::from_utf8_lossy(&body);
        assert_eq!(s, StatusCode::OK);
        assert!(
            !text.contains(&outside.secret),
            "{} {list}: {text}",
            role.code()
        );
    }
}

async fn anonymous_callers_are_sent_to_login(store: Store) {
    let env = env(store).await;
    for (method, template, access) in ROUTES {
        if *access == Access::Public {
            continue;
        }
        let uri = template
            .replace("{id}", "1")
            .replace("{code}", "330502")
            .replace("{measure}", "job_expansion")
            .replace("{entity}", "persons")
            .replace("{quarter}", "2026Q3")
            .replace("{registry}", "labour-stations")
            .replace("{aid}", "1");
        let req = axum::http::Request::builder()
            .method(*method)
            .uri(&uri)
            .body(axum::body::Body::empty())
            .unwrap();
        let (s, _, headers) = super::send(&env.app, req).await;
        if uri.starts_with("/api/") {
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {uri}");
        } else {
            assert_eq!(s, StatusCode::SEE_OTHER, "{method} {uri}");
            assert!(
                headers["location"]
                    .to_str()
                    .unwrap()
                    .starts_with("/login?next=")
            );
        }
    }
    let (s, _) = call_as(&env, "leye_forged", Method::GET, "/api/v1/persons", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

both_backends!(
    every_route_for_every_role,
    anonymous_callers_are_sent_to_login
);
