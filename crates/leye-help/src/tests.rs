//! Identification and the zero-employment list follow the registry at once; cases open and
//! close with them; coverage is computed from cases and contacts. Both backends.

use super::*;
use leye_domain::household::{HouseholdInput, MemberInput};
use leye_domain::labour::LabourEventInput;
use leye_domain::person::PersonInput;
use leye_store::*;
use leye_testkit::{both_backends, id_number, now, today};

fn sys() -> Actor {
    Actor::system("test")
}

async fn person(tx: &mut Tx, seq: u32, birth: &str, events: &[(&str, &str)]) -> i64 {
    let facts = PersonInput {
        name: format!("居民{seq}"),
        id_number: id_number("330502", birth, seq),
        residence_region: "330502102201".into(),
        urban: true,
        ..Default::default()
    }
    .parse(Regions::huzhou(), today())
    .unwrap();
    let b = facts.id_number.birth_date();
    let id = create_person(tx, &Scope::System, &sys(), &facts, now())
        .await
        .unwrap();
    for (status, on) in events {
        event(tx, id, b, status, on).await;
    }
    id
}

async fn event(tx: &mut Tx, id: i64, birth: NaiveDate, status: &str, on: &str) {
    let e = LabourEventInput {
        status: status.into(),
        effective: on.into(),
        ..Default::default()
    }
    .parse(birth, today())
    .unwrap();
    append_labour_event(tx, &Scope::System, &sys(), id, &e, today(), now())
        .await
        .unwrap();
}

async fn hte_state(store: &Store, p: i64) -> Option<String> {
    let mut tx = store.begin_read().await.unwrap();
    let s = hte_of(&mut tx, p).await.unwrap().map(|h| h.state);
    tx.commit().await.unwrap();
    s
}

async fn open_zero_count(store: &Store) -> usize {
    let mut tx = store.begin_read().await.unwrap();
    let n = list_zero(&mut tx, &Scope::System, true)
        .await
        .unwrap()
        .len();
    tx.commit().await.unwrap();
    n
}

async fn lifecycle(store: Store) {
    let backend = store.backend();
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    // A man of 56 registered unemployed since 2025-06-01 (older: hard to employ) and his wife,
    // also registered unemployed: an urban household with nobody at work.
    let mut tx = store.begin().await.unwrap();
    let husband = person(&mut tx, 11, "19700301", &[("unemployed", "2025-06-01")]).await;
    let wife = person(&mut tx, 12, "19780501", &[("unemployed", "2026-09-01")]).await;
    // A man one day short of 55 on the day of the check: not (yet) older.
    let younger = person(&mut tx, 13, "19711129", &[("unemployed", "2025-06-01")]).await;
    let h = HouseholdInput {
        region: "330502102201".into(),
        urban: true,
        business_income: false,
        income_band: None,
        members: vec![
            MemberInput {
                person_id: husband,
                relation: "head".into(),
            },
            MemberInput {
                person_id: wife,
                relation: "spouse".into(),
            },
        ],
    }
    .parse(Regions::huzhou())
    .unwrap();
    let hid = create_household(&mut tx, &Scope::System, &sys(), &h, now())
        .await
        .unwrap();
    let c = refresh_household(&mut tx, backend, hid, today(), &sys(), now())
        .await
        .unwrap();
    refresh_person(&mut tx, backend, younger, today(), &sys(), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((c.zero_entered, c.proposed), (1, 2), "{c:?}");
    let mut tx = store.begin_read().await.unwrap();
    let his = hte_of(&mut tx, husband).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    assert!(
        his.categories.contains("零就业家庭成员"),
        "{}",
        his.categories
    );
    assert_eq!(
        hte_state(&store, husband).await.as_deref(),
        Some("proposed")
    );
    // She is a member of a zero-employment household: hard to employ too.
    assert_eq!(hte_state(&store, wife).await.as_deref(), Some("proposed"));
    assert_eq!(hte_state(&store, younger).await, None, "54 and 364 days");
    assert_eq!(open_zero_count(&store).await, 1);

    // The wife finds a job: the household leaves the list in the same transaction.
    let mut tx = store.begin().await.unwrap();
    event(&mut tx, wife, d("1978-05-01"), "employed", "2026-11-20").await;
    let c = refresh_person(&mut tx, backend, wife, today(), &sys(), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((c.zero_cleared, c.dismissed), (1, 1));
    assert_eq!(open_zero_count(&store).await, 0);
    assert_eq!(hte_state(&store, wife).await.as_deref(), Some("dismissed"));
    // ...and loses it: back on the list, a new spell with a new deadline.
    let mut tx = store.begin().await.unwrap();
    event(&mut tx, wife, d("1978-05-01"), "unemployed", "2026-11-27").await;
    refresh_person(&mut tx, backend, wife, today(), &sys(), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let all = list_zero(&mut tx, &Scope::System, false).await.unwrap();
    let cases = list_cases(&mut tx, &Scope::System, false).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].clear_reason.as_deref(), Some("家庭成员已实现就业"));
    assert_eq!(all[1].deadline, "2026-12-28");
    assert_eq!(
        cases.iter().filter(|c| c.kind == "household").count(),
        2,
        "a case per spell"
    );
    assert!(
        cases
            .iter()
            .any(|c| c.outcome.as_deref() == Some("家庭成员已实现就业"))
    );

    // An officer confirms the husband: a case is opened for him.
    let officer = Actor::system("经办人");
    let scope = Scope::Region("330502".into());
    confirm(&store, &scope, &officer, now(), husband)
        .await
        .unwrap();
    assert_eq!(
        hte_state(&store, husband).await.as_deref(),
        Some("confirmed")
    );
    let e = confirm(&store, &scope, &officer, now(), husband).await;
    assert!(matches!(e, Err(HelpError::Field(f)) if f.code == "not_proposed"));

    // Coverage: two need help, both have cases, nobody a helper or a contact yet.
    let cov = super::coverage(&store, &scope, today()).await.unwrap();
    assert_eq!(
        (cov.total.need, cov.total.with_case, cov.total.covered),
        (2, 2, 0)
    );
    assert_eq!(cov.by_county[0].region, "330502");
    let mut tx = store.begin().await.unwrap();
    let open = list_cases(&mut tx, &scope, true).await.unwrap();
    let helper = create_user(
        &mut tx,
        &sys(),
        &NewUser {
            username: "helper".into(),
            display_name: "社区帮扶员".into(),
            password_hash: "x".into(),
            role: "village_worker".into(),
            region_code: Some("330502102201".into()),
            unit: None,
            enterprise_id: None,
            person_id: None,
        },
        now(),
    )
    .await
    .unwrap();
    for c in &open {
        update_case(
            &mut tx,
            &scope,
            c.id,
            Some(helper),
            "job_referral",
            &officer,
            now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    for c in &open {
        contact(
            &store,
            &scope,
            &officer,
            now(),
            c.id,
            "2026-11-28",
            "visit",
            "上门了解求职意向",
        )
        .await
        .unwrap();
    }
    let e = contact(
        &store,
        &scope,
        &officer,
        now(),
        open[0].id,
        "2026-12-01",
        "visit",
        "x",
    )
    .await;
    assert!(matches!(e, Err(HelpError::Field(f)) if f.code == "future"));
    let cov = super::coverage(&store, &scope, today()).await.unwrap();
    assert_eq!((cov.total.with_helper, cov.total.covered), (2, 2));
    // A month and more later without a new contact, they are no longer covered.
    let later = super::coverage(&store, &scope, d("2026-12-29"))
        .await
        .unwrap();
    assert_eq!(later.total.covered, 0);
    // A contact removed: coverage drops at once.
    let mut tx = store.begin().await.unwrap();
    sqlx::query("DELETE FROM case_contacts WHERE case_id = $1")
        .bind(open[0].id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let cov = super::coverage(&store, &scope, today()).await.unwrap();
    assert_eq!(cov.total.covered, 1);

    // The husband is hired: still hard to employ until six months of work, then the status
    // ends and his case closes.
    let mut tx = store.begin().await.unwrap();
    event(&mut tx, husband, d("1970-03-01"), "employed", "2026-11-28").await;
    refresh_person(&mut tx, backend, husband, today(), &sys(), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        hte_state(&store, husband).await.as_deref(),
        Some("confirmed")
    );
    let mut tx = store.begin().await.unwrap();
    let c = refresh_person(&mut tx, backend, husband, d("2027-05-28"), &sys(), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(c.ended, 1);
    let mut tx = store.begin_read().await.unwrap();
    let h = hte_of(&mut tx, husband).await.unwrap().unwrap();
    let history = hte_history(&mut tx, husband).await.unwrap();
    let cases = list_cases(&mut tx, &Scope::System, true).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (h.state.as_str(), h.reason.as_str()),
        ("ended", "稳定就业已满6个月")
    );
    let states: Vec<&str> = history.iter().map(|e| e.state.as_str()).collect();
    assert_eq!(states, ["proposed", "confirmed", "ended"]);
    assert!(
        cases.iter().all(|c| c.person_id != Some(husband)),
        "his case closed"
    );
}

both_backends!(lifecycle);

#[test]
fn months_count_whole_months() {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    assert_eq!(months_between(d("2026-11-28"), d("2027-05-27")), 5);
    assert_eq!(months_between(d("2026-11-28"), d("2027-05-28")), 6);
}

#[test]
fn services_parse_from_codes() {
    assert_eq!(
        parse_services(&["training".into(), "job_referral".into(), "training".into()]).unwrap(),
        "job_referral;training"
    );
    assert!(parse_services(&["magic".into()]).is_err());
}

async fn groups_and_stations(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let mk = |name: &str, birth: &str, seq: u32, f: fn(&mut PersonInput)| {
        let mut input = PersonInput {
            name: name.into(),
            id_number: id_number("330502", birth, seq),
            residence_region: "330502102201".into(),
            urban: true,
            ..Default::default()
        };
        f(&mut input);
        input.parse(Regions::huzhou(), today()).unwrap()
    };
    let people = [
        mk("老兵", "19860101", 21, |p| p.veteran = true),
        mk("退休老兵", "19500101", 23, |p| p.veteran = true),
        mk("残疾女工", "19900101", 22, |p| {
            p.disability_grade = Some(3)
        }),
        mk("农村青年", "19960101", 25, |p| p.urban = false),
        mk("广元来湖", "19920101", 27, |p| {
            p.hukou_region = Some("510802".into())
        }),
        mk("大龄女工", "19800101", 24, |_| {}),
    ];
    let mut ids = Vec::new();
    for p in &people {
        ids.push(
            create_person(&mut tx, &Scope::System, &sys(), p, now())
                .await
                .unwrap(),
        );
    }
    let b = |s: &str| s.parse::<NaiveDate>().unwrap();
    event(&mut tx, ids[0], b("1986-01-01"), "employed", "2020-01-01").await;
    event(&mut tx, ids[1], b("1950-01-01"), "retired", "2010-01-01").await;
    event(&mut tx, ids[3], b("1996-01-01"), "unemployed", "2026-01-01").await;
    tx.commit().await.unwrap();
    let scope = Scope::Region("330502".into());
    let counts: std::collections::HashMap<Group, GroupCount> =
        super::groups(&store, &scope, today())
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(
        counts[&Group::Veteran].total,
        1,
        "the retired veteran is not counted"
    );
    assert_eq!(counts[&Group::Veteran].employed, 1);
    assert_eq!(counts[&Group::Disabled].total, 1);
    assert_eq!(counts[&Group::Surplus].total, 1);
    assert_eq!(counts[&Group::Surplus].unemployed, 1);
    assert_eq!(counts[&Group::Paired].total, 1);
    // Women 16-65: the disabled worker, the one from 广元 and the one born in 1980 (and the
    // ID numbers' sex decides: odd sequence digits are men).
    let mut tx = store.begin_read().await.unwrap();
    let women = group_members(
        &mut tx,
        &scope,
        &Group::Women.condition(today()).unwrap(),
        50,
    )
    .await
    .unwrap();
    let older = group_members(
        &mut tx,
        &scope,
        &Group::Older.condition(today()).unwrap(),
        50,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let names = |v: &[GroupMember]| v.iter().map(|m| m.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&women),
        ["残疾女工", "大龄女工"],
        "{:?}",
        names(&women)
    );
    assert_eq!(
        names(&older),
        ["大龄女工"],
        "a woman of 46; the veteran is 40"
    );

    // 扩中家庭: a low-income household whose member works is tracked, with its worker counted.
    let mut tx = store.begin().await.unwrap();
    let h = HouseholdInput {
        region: "330502102201".into(),
        urban: true,
        business_income: false,
        income_band: Some("low".into()),
        members: vec![MemberInput {
            person_id: ids[0],
            relation: "head".into(),
        }],
    }
    .parse(Regions::huzhou())
    .unwrap();
    create_household(&mut tx, &Scope::System, &sys(), &h, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (n, working, rows) = expand_middle(&store, &scope, today()).await.unwrap();
    assert_eq!((n, working), (1, 1));
    assert_eq!((rows[0].members, rows[0].employed), (1, 1));

    // Its income is followed: a change of band is recorded from the day it is made, and the
    // family page shows twelve months of work and income.
    let hid = leye_store::list_households(
        &mut store.begin_read().await.unwrap(),
        &Scope::System,
        &Default::default(),
        leye_store::Paging::new(None, None),
    )
    .await
    .unwrap()
    .items
    .iter()
    .find(|x| x.members.iter().any(|m| m.person_id == ids[0]))
    .unwrap()
    .id;
    let mut tx = store.begin().await.unwrap();
    let mut moved = h.clone();
    moved.income_band = leye_domain::household::IncomeBand::Middle;
    leye_store::update_household(&mut tx, &Scope::System, &sys(), hid, &moved, now())
        .await
        .unwrap();
    let history = leye_store::income_history(&mut tx, hid).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        history.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
        ["low", "middle"]
    );
    let f = super::family(&store, &scope, hid, today()).await.unwrap();
    assert_eq!(f.months.len(), 12);
    assert_eq!(f.months[11].month, "2026-11");
    assert_eq!(f.months[11].income_band, "middle");
    assert_eq!(
        f.months[0].income_band, "low",
        "before the first record: the first band"
    );

    // Stations: one in a village, a gig market in its township; services logged.
    let officer = Actor::system("经办人");
    let village = super::create_station(
        &store,
        &scope,
        &officer,
        now(),
        &StationRequest {
            name: "织里东村人社驿站".into(),
            kind: "station".into(),
            region: "330502102201".into(),
            address: "村委会一楼".into(),
            hours: "周一至周五 8:30-17:00".into(),
        },
    )
    .await
    .unwrap();
    super::create_station(
        &store,
        &scope,
        &officer,
        now(),
        &StationRequest {
            name: "织里零工市场".into(),
            kind: "gig_market".into(),
            region: "330502102".into(),
            address: "大港路".into(),
            hours: "每天 6:00-10:00".into(),
        },
    )
    .await
    .unwrap();
    let e = super::create_station(
        &store,
        &Scope::Region("330521".into()),
        &officer,
        now(),
        &StationRequest {
            name: "越界".into(),
            kind: "station".into(),
            region: "330502102201".into(),
            address: "x".into(),
            hours: "x".into(),
        },
    )
    .await;
    assert!(e.is_err(), "not in the caller's area");
    super::log_service(
        &store,
        &scope,
        &officer,
        now(),
        village,
        "2026-11-28",
        Some(ids[3]),
        "job_referral",
        "推荐至织里童装厂",
    )
    .await
    .unwrap();
    super::log_service(
        &store,
        &scope,
        &officer,
        now(),
        village,
        "2026-11-28",
        None,
        "policy_consult",
        "咨询灵活就业社保补贴",
    )
    .await
    .unwrap();
    let e = super::log_service(
        &store,
        &scope,
        &officer,
        now(),
        village,
        "2026-11-28",
        None,
        "magic",
        "x",
    )
    .await;
    assert!(matches!(e, Err(HelpError::Field(f)) if f.field == "service"));
    let st = super::stations(&store, &scope, today()).await.unwrap();
    assert_eq!(st.stations.len(), 2);
    assert_eq!(
        st.stations.iter().map(|s| s.recent_services).sum::<i64>(),
        2
    );
    assert_eq!(st.with_own, 1);
    let in_township = Regions::huzhou().children("330502102").count();
    assert_eq!(st.with_nearby, in_township);
    assert!(st.villages > in_township, "the whole district is in scope");
}

both_backends!(groups_and_stations);

#[test]
fn family_months_follow_events_and_bands() {
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let ev = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    let events = vec![
        // At work from 31 March (counts for March), out of work from 1 June.
        ev(&[("2026-03-31", "employed"), ("2026-06-01", "unemployed")]),
        ev(&[("2026-05-15", "employed")]),
    ];
    let incomes = vec![
        ("2026-02-10".to_string(), "low".to_string()),
        ("2026-05-01".to_string(), "lower_middle".to_string()),
    ];
    let m = super::family_months(&events, &incomes, "middle", d("2026-06-20"), 5);
    let got: Vec<(&str, usize, &str)> = m
        .iter()
        .map(|x| (x.month.as_str(), x.employed, x.income_band.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("2026-02", 0, "low"),
            ("2026-03", 1, "low"),
            ("2026-04", 1, "low"),
            ("2026-05", 2, "lower_middle"),
            ("2026-06", 1, "lower_middle"),
        ]
    );
    // Without records, the current band.
    assert_eq!(
        super::family_months(&[], &[], "middle", d("2026-06-20"), 1)[0].income_band,
        "middle"
    );
}
