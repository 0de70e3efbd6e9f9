//! The 安薪指数 against a hand computation, its bounds, and the cases and disputes flows on
//! both backends.

use super::*;
use leye_testkit::{both_backends, now, today};
use proptest::prelude::*;

fn method() -> IndexMethod {
    IndexMethod::on(today()).unwrap()
}

#[test]
fn index_matches_a_hand_computation() {
    let i = IndexInputs {
        township: "330502102".into(),
        workers: 10_000,
        cases: 5,
        amount_fen: 50_000_000,
        warned: 1,
        due: 4,
        on_time: 3,
        repeat_employers: 1,
    };
    let r = index(&i, &method());
    // cases 5/10 → 50; amount 500,000 yuan of a 1,000,000 cap → 50; on time 3/4 → 75;
    // 1 repeat employer of a cap of 3 → 66.7; 1 of 5 found by warning → 20.
    assert_eq!(
        (
            r.cases_part,
            r.amount_part,
            r.timely_part,
            r.repeat_part,
            r.warning_part
        ),
        (50.0, 50.0, 75.0, 66.7, 20.0)
    );
    // (50×30 + 50×20 + 75×30 + 66.67×10 + 20×10) / 100 = 56.17
    assert_eq!(r.score, 56.2);
    assert!(r.talk, "below 60");
    let quiet = index(
        &IndexInputs {
            township: "x".into(),
            workers: 3_000,
            ..Default::default()
        },
        &method(),
    );
    assert_eq!((quiet.score, quiet.talk), (100.0, false));
}

proptest! {
    #[test]
    fn index_stays_in_bounds_and_more_cases_never_help(
        workers in 0i64..100_000, cases in 0i64..200, extra in 1i64..50,
        amount in 0i64..1_000_000_000, due in 0i64..100, repeat in 0i64..10,
    ) {
        let i = IndexInputs {
            township: "t".into(), workers, cases, amount_fen: amount, warned: 0,
            due, on_time: due / 2, repeat_employers: repeat,
        };
        let a = index(&i, &method());
        prop_assert!((0.0..=100.0).contains(&a.score));
        let more = IndexInputs { cases: cases + extra, ..i.clone() };
        prop_assert!(index(&more, &method()).score <= a.score);
    }
}

async fn cases_and_disputes(store: Store) {
    let scope = Scope::Region("330502".into());
    let officer = Actor::system("监察员");
    let req =
        |employer: &str, region: &str, route: &str, opened: &str, source: &str| ArrearsRequest {
            employer_name: employer.into(),
            project: "某安置房项目".into(),
            department: "construction".into(),
            source: source.into(),
            region: region.into(),
            workers: "12".into(),
            claimed_yuan: "96000".into(),
            route: route.into(),
            opened_on: opened.into(),
        };
    // Bad input: a village code where a township is needed; a future date.
    let e = open_arrears(
        &store,
        &scope,
        &officer,
        now(),
        &req(
            "甲建筑",
            "330502102201",
            "mediation",
            "2026-11-02",
            "complaint",
        ),
    )
    .await;
    assert!(matches!(e, Err(RightsError::Field(f)) if f.code == "not_township"));
    let e = open_arrears(
        &store,
        &scope,
        &officer,
        now(),
        &req(
            "甲建筑",
            "330502102",
            "mediation",
            "2026-12-02",
            "complaint",
        ),
    )
    .await;
    assert!(matches!(e, Err(RightsError::Field(f)) if f.code == "future"));
    // Out of the caller's area.
    let e = open_arrears(
        &store,
        &Scope::Region("330521".into()),
        &officer,
        now(),
        &req(
            "甲建筑",
            "330502102",
            "mediation",
            "2026-11-02",
            "complaint",
        ),
    )
    .await;
    assert!(e.is_err());
    let a = open_arrears(
        &store,
        &scope,
        &officer,
        now(),
        &req(
            "甲建筑",
            "330502102",
            "mediation",
            "2026-11-02",
            "complaint",
        ),
    )
    .await
    .unwrap();
    open_arrears(
        &store,
        &scope,
        &officer,
        now(),
        &req(
            "甲建筑",
            "330502102",
            "arbitration",
            "2026-06-01",
            "hotline",
        ),
    )
    .await
    .unwrap();
    open_arrears(
        &store,
        &scope,
        &officer,
        now(),
        &req("乙物流", "330502102", "inspection", "2026-11-05", "warning"),
    )
    .await
    .unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let open = leye_store::open_arrears(&mut tx, &scope).await.unwrap();
    tx.commit().await.unwrap();
    let first = open.iter().find(|c| c.id == a).unwrap();
    assert_eq!(first.due_on, "2026-11-17", "mediation: 15 days");
    // Close one on time with what was recovered; recovering more than claimed is refused.
    let mut tx = store.begin().await.unwrap();
    let e = leye_store::close_arrears(
        &mut tx,
        &scope,
        a,
        "2026-11-10",
        10_000_000,
        &officer,
        now(),
    )
    .await;
    assert!(e.is_err());
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    leye_store::close_arrears(&mut tx, &scope, a, "2026-11-10", 9_600_000, &officer, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // The ranking for November: 织里 has 2 cases this month (one found by warning), a repeat
    // employer, and of the cases due by month's end (June's arbitration, the November
    // mediation) one was on time.
    let (_, rows) = ranking(&store, &scope, "2026-11-01".parse().unwrap())
        .await
        .unwrap();
    let zhili = rows
        .iter()
        .find(|r| r.inputs.township == "330502102")
        .unwrap();
    assert_eq!(
        (
            zhili.inputs.cases,
            zhili.inputs.warned,
            zhili.inputs.repeat_employers,
            zhili.inputs.due,
            zhili.inputs.on_time
        ),
        (2, 1, 1, 2, 1)
    );
    assert_eq!(
        zhili.score,
        index(&zhili.inputs, &method()).score,
        "reproducible from its inputs"
    );
    assert!(rows.iter().all(|r| r.inputs.township.starts_with("330502")));
    assert_eq!(
        rows.last().unwrap().inputs.township,
        "330502102",
        "the worst is last"
    );
    let repeat = repeat_offenders(&store, &scope, today()).await.unwrap();
    assert_eq!(repeat, vec![("甲建筑".to_string(), 2, 19_200_000)]);

    // Disputes: arbitration 45 days, one extension of at most 15; mediation cannot be extended.
    let d = open_dispute(
        &store,
        &scope,
        &officer,
        now(),
        "arbitration",
        "330502102",
        "丙制造",
        "30000",
        "2026-10-01",
    )
    .await
    .unwrap();
    let m = open_dispute(
        &store,
        &scope,
        &officer,
        now(),
        "mediation",
        "330502102",
        "丁服务",
        "8000",
        "2026-11-20",
    )
    .await
    .unwrap();
    let e = extend_dispute(&store, &scope, &officer, now(), d, 16).await;
    assert!(matches!(e, Err(RightsError::Field(f)) if f.code == "too_long"));
    extend_dispute(&store, &scope, &officer, now(), d, 15)
        .await
        .unwrap();
    let e = extend_dispute(&store, &scope, &officer, now(), d, 5).await;
    assert!(matches!(e, Err(RightsError::Field(f)) if f.code == "already_extended"));
    let e = extend_dispute(&store, &scope, &officer, now(), m, 5).await;
    assert!(matches!(e, Err(RightsError::Field(f)) if f.code == "not_arbitration"));
    close_dispute(&store, &scope, &officer, now(), m, "mediated")
        .await
        .unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let arb = leye_store::get_dispute(&mut tx, &scope, d).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((arb.due_on.as_str(), arb.extended), ("2026-11-30", true));
}

both_backends!(cases_and_disputes);
