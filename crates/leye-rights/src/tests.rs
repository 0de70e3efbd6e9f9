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

#[test]
fn percentiles_match_excel() {
    // PERCENTILE.INC({1,2,3,4}, 0.25) = 1.75; PERCENTILE.INC({15,20,35,40,50}, 0.4) = 29.
    assert_eq!(percentile(&[100, 200, 300, 400], 25.0), Some(175));
    assert_eq!(
        percentile(&[1500, 2000, 3500, 4000, 5000], 40.0),
        Some(2900)
    );
    assert_eq!(percentile(&[7], 90.0), Some(7));
    assert_eq!(percentile(&[], 50.0), None);
}

proptest! {
    #[test]
    fn percentiles_are_ordered_and_bounded(mut v in proptest::collection::vec(1i64..10_000_000, 1..200)) {
        v.sort_unstable();
        let ps: Vec<i64> = [10.0, 25.0, 50.0, 75.0, 90.0].iter().map(|p| percentile(&v, *p).unwrap()).collect();
        prop_assert!(ps.windows(2).all(|w| w[0] <= w[1]));
        prop_assert!(ps[0] >= v[0] && ps[4] <= v[v.len() - 1]);
        if v.len() % 2 == 1 {
            prop_assert_eq!(ps[2], v[v.len() / 2]);
        }
    }
}

async fn wage_guidance(store: Store) {
    let actor = Actor::system("统计员");
    let mut csv = String::from("年度,职业,技能等级,月工资(元)\n");
    for k in 0..12 {
        csv.push_str(&format!("2025,焊工,四级,{}\n", 5000 + k * 100));
    }
    for k in 0..3 {
        csv.push_str(&format!("2025,调香师,一级,{}\n", 20000 + k * 1000));
    }
    let (year, n) = import_wages(&store, &actor, now(), "w.csv", csv.as_bytes())
        .await
        .unwrap();
    assert_eq!((year, n), (2025, 15));
    let (min, cells) = guidance_of(&store, 2025).await.unwrap();
    assert_eq!(min, 10);
    let welder = cells.iter().find(|c| c.occupation == "焊工").unwrap();
    assert_eq!(welder.samples, 12);
    // 5000..6100 by 100: P50 = 5550, P10 = 5110, P90 = 5990.
    let p = welder.percentiles.unwrap();
    assert_eq!((p[0], p[2], p[4]), (511_000, 555_000, 599_000));
    let rare = cells.iter().find(|c| c.occupation == "调香师").unwrap();
    assert_eq!((rare.samples, rare.percentiles), (3, None), "suppressed");
    // A bad row refuses the file and changes nothing; a re-import replaces the year.
    let bad = "年度,职业,技能等级,月工资(元)\n2025,焊工,四级,5000\n2025,焊工,四级,很多\n";
    let e = import_wages(&store, &actor, now(), "w.csv", bad.as_bytes()).await;
    assert!(matches!(e, Err(RightsError::Field(f)) if f.message.contains("第3行")));
    assert_eq!(guidance_of(&store, 2025).await.unwrap().1.len(), 2);
    let again = "年度,职业,技能等级,月工资(元)\n2025,焊工,四级,5000\n";
    import_wages(&store, &actor, now(), "w.csv", again.as_bytes())
        .await
        .unwrap();
    assert_eq!(guidance_of(&store, 2025).await.unwrap().1[0].samples, 1);
}

both_backends!(wage_guidance);

/// Every registry of this module imports its own template (its example person and enterprise
/// registered first).
async fn every_rights_template_imports(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let person = leye_domain::person::PersonInput {
        name: "示例人员".into(),
        id_number: leye_io::example_id_number(),
        residence_region: "330502102201".into(),
        urban: true,
        ..Default::default()
    }
    .parse(Regions::huzhou(), today())
    .unwrap();
    leye_store::create_person(
        &mut tx,
        &Scope::System,
        &Actor::system("test"),
        &person,
        now(),
    )
    .await
    .unwrap();
    let e = leye_domain::enterprise::EnterpriseInput {
        credit_code: leye_io::example_credit_code(),
        name: "湖州示例制造有限公司".into(),
        industry: "C".into(),
        region: "330502".into(),
        scale: "large".into(),
        ..Default::default()
    }
    .parse(Regions::huzhou())
    .unwrap();
    leye_store::create_enterprise(&mut tx, &Scope::System, &Actor::system("test"), &e, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for reg in crate::catalogue::ALL {
        let t = leye_io::registry::template(reg).unwrap();
        let r = leye_io::registry::import(
            &store,
            &Scope::System,
            &Actor::system("test"),
            reg,
            ("模板.xlsx", &t),
            leye_io::ImportOptions::default(),
            now(),
        )
        .await
        .unwrap();
        assert!(!r.rejected && r.created == 1, "{}: {:?}", reg.id, r.errors);
    }
}

both_backends!(every_rights_template_imports);

/// Arrears from a file: the template imports; a bad row is named (row, column, why) and nothing
/// is written; with skip-invalid the good rows are, each with its route's deadline.
async fn arrears_from_a_file(store: Store) {
    let sys = Actor::system("test");
    let scope = Scope::Region("330502".into());
    let t = leye_io::sheet::template("t", ARREARS_COLUMNS, |_| None).unwrap();
    let r = import_arrears(
        &store,
        &scope,
        &sys,
        now(),
        ("t.xlsx", &t),
        Default::default(),
    )
    .await
    .unwrap();
    assert_eq!((r.created, r.rejected), (1, false), "{:?}", r.errors);
    let csv = "欠薪单位,行业主管部门,线索来源,乡镇(街道)区划代码,涉及人数,涉及金额(元),处置途径,立案日期\n\
               甲建筑公司,住房和城乡建设,投诉,330502102,5,30000,inspection,2026-11-20\n\
               乙物流公司,交通运输,热线,330502,3,9000,调解,2026-11-21\n\
               丙公司,水利,投诉,330502102,3,9000,上访,2026-11-21\n";
    let run = |skip: bool| {
        let store = store.clone();
        let sys = sys.clone();
        let scope = scope.clone();
        async move {
            import_arrears(
                &store,
                &scope,
                &sys,
                now(),
                ("a.csv", csv.as_bytes()),
                leye_io::ImportOptions { skip_invalid: skip },
            )
            .await
            .unwrap()
        }
    };
    let r = run(false).await;
    assert!(r.rejected);
    let why: Vec<(usize, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(
        why,
        [(3, "乡镇(街道)区划代码"), (4, "处置途径")],
        "{:?}",
        r.errors
    );
    let mut tx = store.begin_read().await.unwrap();
    assert_eq!(
        leye_store::open_arrears(&mut tx, &scope)
            .await
            .unwrap()
            .len(),
        1
    );
    tx.commit().await.unwrap();
    let r = run(true).await;
    assert_eq!(r.created, 1);
    let mut tx = store.begin_read().await.unwrap();
    let open = leye_store::open_arrears(&mut tx, &scope).await.unwrap();
    tx.commit().await.unwrap();
    let jia = open
        .iter()
        .find(|c| c.employer_name == "甲建筑公司")
        .unwrap();
    assert_eq!(jia.route, "inspection");
    assert!(jia.due_on > jia.opened_on);
}

both_backends!(arrears_from_a_file);

/// Disputes from a file: labels or codes, a bad row named, the statutory deadline on each.
async fn disputes_from_a_file(store: Store) {
    let sys = Actor::system("test");
    let scope = Scope::Region("330502".into());
    let t = leye_io::sheet::template("t", DISPUTE_COLUMNS, |_| None).unwrap();
    let r = import_disputes(
        &store,
        &scope,
        &sys,
        now(),
        ("t.xlsx", &t),
        Default::default(),
    )
    .await
    .unwrap();
    assert_eq!((r.created, r.rejected), (1, false), "{:?}", r.errors);
    let csv = "争议类别,区划代码,用人单位,请求金额(元),受理日期\n\
               调解,330502102,甲公司,5000,2026-11-20\n\
               诉讼,330502102,乙公司,5000,2026-11-20\n\
               仲裁,330502102,丙公司,5000,2027-01-01\n";
    let r = import_disputes(
        &store,
        &scope,
        &sys,
        now(),
        ("d.csv", csv.as_bytes()),
        leye_io::ImportOptions { skip_invalid: true },
    )
    .await
    .unwrap();
    assert_eq!(r.created, 1);
    let why: Vec<(usize, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(why, [(3, "争议类别"), (4, "受理日期")], "{:?}", r.errors);
    let mut tx = store.begin_read().await.unwrap();
    let all = leye_store::disputes_between(&mut tx, &scope, "2026-01-01", "2026-12-31")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let jia = all.iter().find(|d| d.employer_name == "甲公司").unwrap();
    assert_eq!(
        (jia.kind.as_str(), jia.due_on.as_str()),
        ("mediation", "2026-12-05")
    );
}

both_backends!(disputes_from_a_file);
