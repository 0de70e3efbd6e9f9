//! A small city with known answers, on both backends: indicators computed from the records,
//! alerts raised once and delivered through the outbox, seen only in scope.

use crate::figures::{CITY, mon};
use leye_domain::enterprise::{EnterpriseInput, Headcount, LossCause};
use leye_domain::labour::LabourEventInput;
use leye_domain::person::PersonInput;
use leye_domain::{Regions, Scope, YearMonth};
use leye_store::*;
use leye_testkit::{both_backends, credit_code, id_number, now, today};

fn sys() -> Actor {
    Actor::system("test")
}

async fn enterprise(tx: &mut Tx, n: u32, industry: &str, region: &str, key: bool) -> i64 {
    let e = EnterpriseInput {
        credit_code: credit_code(region, n),
        name: format!("测试企业{n}"),
        industry: industry.into(),
        region: region.into(),
        scale: "large".into(),
        designated_key: key,
        designation_reason: key.then(|| "重点骨干企业".to_string()),
        ..Default::default()
    }
    .parse(Regions::huzhou())
    .unwrap();
    create_enterprise(tx, &Scope::System, &sys(), &e, now())
        .await
        .unwrap()
}

/// A person with events (status, date, employer, benefit months).
async fn person(
    tx: &mut Tx,
    seq: u32,
    birth: &str,
    residence: &str,
    urban: bool,
    events: &[(&str, &str, Option<i64>, Option<i64>)],
) -> i64 {
    let facts = PersonInput {
        name: format!("居民{seq}"),
        id_number: id_number(&residence[..6], birth, seq),
        residence_region: residence.into(),
        urban,
        ..Default::default()
    }
    .parse(Regions::huzhou(), today())
    .unwrap();
    let b = facts.id_number.birth_date();
    let id = create_person(tx, &Scope::System, &sys(), &facts, now())
        .await
        .unwrap();
    for (status, on, enterprise_id, benefit_months) in events {
        let e = LabourEventInput {
            status: (*status).into(),
            effective: (*on).into(),
            enterprise_id: *enterprise_id,
            benefit_months: *benefit_months,
            ..Default::default()
        }
        .parse(b, today())
        .unwrap();
        append_labour_event(tx, &Scope::System, &sys(), id, &e, today(), now())
            .await
            .unwrap();
    }
    id
}

fn value(values: &[IndicatorValue], id: &str, region: &str, month: &str) -> Option<(i64, i64)> {
    values
        .iter()
        .find(|v| v.indicator == id && v.region == region && v.month == month)
        .map(|v| (v.num, v.den))
}

async fn indicators_from_a_small_city(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let factory = enterprise(&mut tx, 1, "C", "330502", false).await;
    let shop = enterprise(&mut tx, 2, "G", "330503", false).await;
    // 吴兴区: unemployed in January, hired by the factory in March.
    person(
        &mut tx,
        1,
        "19900101",
        "330502001001",
        true,
        &[
            ("unemployed", "2026-01-05", None, None),
            ("employed", "2026-03-10", Some(factory), None),
        ],
    )
    .await;
    // 吴兴区, aged 21: unemployed from February, drawing benefit.
    person(
        &mut tx,
        2,
        "20050101",
        "330502001001",
        true,
        &[("unemployed", "2026-02-01", None, Some(1))],
    )
    .await;
    // 南浔区: at the shop since 2020, retires in April (natural attrition).
    person(
        &mut tx,
        3,
        "19650101",
        "330503",
        true,
        &[
            ("employed", "2020-01-01", Some(shop), None),
            ("retired", "2026-04-01", None, None),
        ],
    )
    .await;
    // 南浔区, rural: employed in June (not urban employment).
    person(
        &mut tx,
        4,
        "19950101",
        "330503",
        false,
        &[("employed", "2026-06-01", Some(shop), None)],
    )
    .await;
    tx.commit().await.unwrap();

    let r = crate::load::refresh(
        &store,
        mon("2026-01").unwrap(),
        mon("2026-10").unwrap(),
        &sys(),
        now(),
    )
    .await
    .unwrap();
    assert_eq!(r.events, 6);
    let mut tx = store.begin_read().await.unwrap();
    let v = indicator_values(&mut tx, &[], &[], "2026-01", "2026-10")
        .await
        .unwrap();
    let run = last_indicator_run(&mut tx).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    assert_eq!((run.from_month.as_str(), run.events), ("2026-01", 6));

    // February: two unemployed in 吴兴区, one employed in 南浔区.
    assert_eq!(
        value(&v, "registered_unemployed", CITY, "2026-02"),
        Some((2, 0))
    );
    assert_eq!(
        value(&v, "registered_unemployed", "330502", "2026-02"),
        Some((2, 0))
    );
    assert_eq!(
        value(&v, "registered_unemployed", "330502001", "2026-02"),
        Some((2, 0))
    );
    assert_eq!(
        value(&v, "registered_unemployment_rate", CITY, "2026-02"),
        Some((2, 3))
    );
    assert_eq!(
        value(&v, "youth_unemployment_rate", CITY, "2026-02"),
        Some((1, 1))
    );
    assert_eq!(
        value(&v, "benefit_recipients", CITY, "2026-02"),
        Some((1, 0))
    );
    // March: one hired in 吴兴区; April: one retires in 南浔区.
    assert_eq!(
        value(&v, "new_urban_employment", "330502", "2026-03"),
        Some((1, 0))
    );
    assert_eq!(
        value(&v, "new_urban_employment", "330503", "2026-04"),
        Some((-1, 0))
    );
    assert_eq!(value(&v, "new_urban_employment", CITY, "2026-06"), None);
    // Shares of employment by sector: March factory + shop; June factory + shop (rural hire).
    assert_eq!(
        value(&v, "manufacturing_share", CITY, "2026-03"),
        Some((1, 2))
    );
    assert_eq!(value(&v, "services_share", CITY, "2026-06"), Some((1, 2)));
    // October: still one unemployed, the rate over the two in the labour force.
    assert_eq!(
        value(&v, "registered_unemployment_rate", CITY, "2026-10"),
        Some((1, 3))
    );

    // A second refresh replaces, never adds.
    crate::load::refresh(
        &store,
        mon("2026-01").unwrap(),
        mon("2026-10").unwrap(),
        &sys(),
        now(),
    )
    .await
    .unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let again = indicator_values(&mut tx, &[], &[], "2026-01", "2026-10")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(again.len(), v.len());
}

async fn alerts_are_raised_once_delivered_and_scoped(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let big = enterprise(&mut tx, 3, "C", "330502", true).await;
    let small = enterprise(&mut tx, 4, "C", "330503", false).await;
    for (id, month, n) in [
        (big, "2026-08", 300),
        (big, "2026-09", 290),
        (big, "2026-10", 265),
        (small, "2026-09", 40),
        (small, "2026-10", 20),
    ] {
        let h = Headcount {
            month: YearMonth::parse(month).unwrap(),
            headcount: n,
            loss_cause: (id == big && month == "2026-10").then_some(LossCause::Layoff),
        };
        set_headcount(&mut tx, &Scope::System, &sys(), id, h, now())
            .await
            .unwrap();
    }
    let raised = crate::alerts::check_layoffs(&mut tx, None, "2026-08", today(), now())
        .await
        .unwrap();
    // 290 → 265 is 25 people (≥ 20); 300 → 290 is neither 20 nor 10%; the small firm is
    // not a key enterprise.
    assert_eq!(raised.len(), 1);
    let again = crate::alerts::check_layoffs(&mut tx, Some(big), "2026-10", today(), now())
        .await
        .unwrap();
    assert!(again.is_empty(), "an alert is raised once");
    // The surveyed rate: 4.8% then 5.1% (ceiling and a 0.3-point rise).
    let rates = ["2026-09", "2026-10"].map(|m| SurveyedRate {
        month: m.into(),
        region: CITY.into(),
        rate_bp: if m == "2026-09" { 480 } else { 510 },
        source: "国家统计局湖州调查队".into(),
    });
    set_surveyed_rates(&mut tx, &rates, &sys(), now())
        .await
        .unwrap();
    let surveyed = crate::alerts::check_surveyed(&mut tx, today(), now())
        .await
        .unwrap();
    assert_eq!(surveyed.len(), 2);
    // Users: the city, 吴兴区, 南浔区, and a responsible unit.
    let mut users = Vec::new();
    for (name, role, region, unit) in [
        ("city", "city_admin", None, None),
        ("wuxing", "county_officer", Some("330502"), None),
        ("nanxun", "county_officer", Some("330503"), None),
        ("jingxin", "unit_officer", None, Some("市经信局")),
    ] {
        let u = NewUser {
            username: name.into(),
            display_name: name.into(),
            password_hash: "x".into(),
            role: role.into(),
            region_code: region.map(str::to_string),
            unit: unit.map(str::to_string),
            enterprise_id: None,
            person_id: None,
        };
        users.push(create_user(&mut tx, &sys(), &u, now()).await.unwrap());
    }
    tx.commit().await.unwrap();

    let delivered = crate::alerts::deliver(&store, now()).await.unwrap();
    // layoff (吴兴区): city + 吴兴区; two city-wide surveyed alerts: city only.
    assert_eq!(delivered, 4);
    assert_eq!(crate::alerts::deliver(&store, now()).await.unwrap(), 0);
    let mut tx = store.begin().await.unwrap();
    let unread = |i: usize| users[i];
    assert_eq!(unread_alert_notices(&mut tx, unread(0)).await.unwrap(), 3);
    assert_eq!(unread_alert_notices(&mut tx, unread(1)).await.unwrap(), 1);
    assert_eq!(unread_alert_notices(&mut tx, unread(2)).await.unwrap(), 0);

    let regions = Regions::huzhou();
    let wuxing = Scope::Region("330502".into());
    let nanxun = Scope::Region("330503".into());
    let layoff = list_alerts(&mut tx, &wuxing, regions, None, 10)
        .await
        .unwrap();
    assert_eq!(layoff.len(), 1);
    assert!(
        list_alerts(&mut tx, &nanxun, regions, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let unit = Scope::ResponsibleUnit("市经信局".into());
    assert!(
        list_alerts(&mut tx, &unit, regions, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        get_alert(&mut tx, &nanxun, regions, layoff[0].id)
            .await
            .is_err()
    );
    // Acknowledge, then resolve with a note; resolved is final.
    let id = layoff[0].id;
    let actor = Actor::system("吴兴区就业局");
    let a = act_on_alert(&mut tx, &wuxing, regions, id, None, &actor, now())
        .await
        .unwrap();
    assert_eq!(a.state, "acknowledged");
    assert!(
        act_on_alert(&mut tx, &wuxing, regions, id, None, &actor, now())
            .await
            .is_err()
    );
    assert!(
        act_on_alert(&mut tx, &wuxing, regions, id, Some("  "), &actor, now())
            .await
            .is_err()
    );
    let a = act_on_alert(
        &mut tx,
        &wuxing,
        regions,
        id,
        Some("企业已报告裁员方案,已对接岗位"),
        &actor,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(a.state, "resolved");
    assert!(
        act_on_alert(&mut tx, &wuxing, regions, id, Some("再次"), &actor, now())
            .await
            .is_err()
    );
    let active = list_alerts(&mut tx, &Scope::System, regions, Some("active"), 10)
        .await
        .unwrap();
    assert_eq!(active.len(), 2);
    tx.commit().await.unwrap();
}

both_backends!(
    indicators_from_a_small_city,
    alerts_are_raised_once_delivered_and_scoped
);
