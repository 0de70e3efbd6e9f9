//! The registries, the counts that feed the targets, service tickets and impact assessments,
//! on both backends.

use super::*;
use crate::catalogue::*;
use crate::counts::{Count, TalentRule, counts, talents};
use leye_domain::Regions;
use leye_domain::enterprise::{EnterpriseInput, Headcount};
use leye_domain::person::PersonInput;
use leye_domain::registry::Registry;
use leye_domain::service::{Channel, TicketState};
use leye_store::registry::{Mode, RegistryFilter, Saved};
use leye_store::*;
use leye_testkit::{both_backends, credit_code, id_number, now, today};
use std::collections::HashMap;

fn sys() -> Actor {
    Actor::system("test")
}

fn city() -> Scope {
    Scope::Region("330500".into())
}

async fn enterprise(tx: &mut Tx, n: u32, region: &str, key: bool) -> (i64, String) {
    let code = credit_code(&region[..6], n);
    let e = EnterpriseInput {
        credit_code: code.clone(),
        name: format!("测试企业{n}"),
        industry: "C".into(),
        region: region.into(),
        scale: "large".into(),
        designated_key: key,
        designation_reason: key.then(|| "重点骨干企业".to_string()),
        ..Default::default()
    }
    .parse(Regions::huzhou())
    .unwrap();
    let id = create_enterprise(tx, &Scope::System, &sys(), &e, now())
        .await
        .unwrap();
    (id, code)
}

async fn person(tx: &mut Tx, seq: u32, residence: &str) -> (i64, String) {
    let number = id_number(&residence[..6], "19950101", seq);
    let facts = PersonInput {
        name: format!("学员{seq}"),
        id_number: number.clone(),
        residence_region: residence.into(),
        urban: true,
        ..Default::default()
    }
    .parse(Regions::huzhou(), today())
    .unwrap();
    let id = create_person(tx, &Scope::System, &sys(), &facts, now())
        .await
        .unwrap();
    (id, number)
}

fn row(pairs: &[(&str, &str)]) -> impl Fn(&str) -> String {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned().unwrap_or_default()
}

async fn put(
    tx: &mut Tx,
    scope: &Scope,
    reg: &Registry,
    pairs: &[(&str, &str)],
    mode: Mode,
) -> Result<Saved, SkillsError> {
    let p = reg.parse(row(pairs)).map_err(SkillsError::Fields)?;
    save(tx, scope, reg, &p, mode, &sys(), now()).await
}

fn count(cs: &[Count], id: &str, month: &str) -> i64 {
    cs.iter()
        .filter(|c| c.indicator == id && c.month == month)
        .map(|c| c.n)
        .sum()
}

async fn training_and_certificates(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let (_, n1) = person(&mut tx, 1, "330502001").await;
    let (_p2, n2) = person(&mut tx, 2, "330502001").await;
    let (_, n3) = person(&mut tx, 3, "330521001").await;
    let create = Mode::Create;
    put(
        &mut tx,
        &city(),
        &TRAINING_PROVIDERS,
        &[
            ("name", "吴兴职业培训学校"),
            ("kind", "社会培训机构"),
            ("approved_on", "2024-09-01"),
            ("region", "330502"),
        ],
        create,
    )
    .await
    .unwrap();
    // A course takes its region from its provider.
    put(
        &mut tx,
        &city(),
        &COURSES,
        &[
            ("code", "KC1"),
            ("name", "数控车工"),
            ("provider_id", "吴兴职业培训学校"),
            ("occupation", "6-18-01-01"),
            ("skill_level", "中级工"),
            ("category", "upgrading"),
            ("hours", "80"),
        ],
        create,
    )
    .await
    .unwrap();
    put(
        &mut tx,
        &city(),
        &TRAINING_CLASSES,
        &[
            ("code", "BJ1"),
            ("course_id", "KC1"),
            ("starts_on", "2026-03-01"),
            ("ends_on", "2026-03-31"),
            ("capacity", "40"),
        ],
        create,
    )
    .await
    .unwrap();
    for (n, status, done) in [
        (&n1, "结业", "2026-03-31"),
        (&n2, "结业", "2026-04-02"),
        (&n3, "在训", ""),
    ] {
        put(
            &mut tx,
            &city(),
            &TRAINEES,
            &[
                ("class_id", "BJ1"),
                ("person_id", n),
                ("status", status),
                ("completed_on", done),
            ],
            create,
        )
        .await
        .unwrap();
    }
    // Refusals, each specific: an unknown course, a person not registered, a completion date
    // for someone still in training, the same trainee twice.
    let e = put(
        &mut tx,
        &city(),
        &TRAINING_CLASSES,
        &[
            ("code", "BJ2"),
            ("course_id", "KC9"),
            ("starts_on", "2026-03-01"),
            ("ends_on", "2026-03-31"),
            ("capacity", "40"),
        ],
        create,
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string().ends_with("课程编号“KC9”不存在,请先登记"),
        "{e}"
    );
    let stranger = id_number("330502", "19900101", 77);
    let e = put(
        &mut tx,
        &city(),
        &TRAINEES,
        &[
            ("class_id", "BJ1"),
            ("person_id", &stranger),
            ("status", "在训"),
        ],
        create,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("不在人员库中"), "{e}");
    assert!(
        !e.to_string().contains(&stranger),
        "the ID number is masked: {e}"
    );
    let e = put(
        &mut tx,
        &city(),
        &TRAINEES,
        &[
            ("class_id", "BJ1"),
            ("person_id", &n3),
            ("status", "在训"),
            ("completed_on", "2026-04-01"),
        ],
        Mode::Upsert,
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string().ends_with("只有状态为“结业”时才填写结业日期"),
        "{e}"
    );
    let e = put(
        &mut tx,
        &city(),
        &TRAINEES,
        &[
            ("class_id", "BJ1"),
            ("person_id", &n1),
            ("status", "结业"),
            ("completed_on", "2026-03-31"),
        ],
        create,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("已登记"), "{e}");
    // The same row again by import is unchanged; a change is an update.
    let same = put(
        &mut tx,
        &city(),
        &TRAINEES,
        &[
            ("class_id", "BJ1"),
            ("person_id", &n1),
            ("status", "结业"),
            ("completed_on", "2026-03-31"),
        ],
        Mode::Upsert,
    )
    .await
    .unwrap();
    assert!(matches!(same, Saved::Unchanged(_)));
    // A county officer of 德清县 may not write in 吴兴区.
    let e = put(
        &mut tx,
        &Scope::Region("330521".into()),
        &TRAINING_PROVIDERS,
        &[
            ("name", "另一所学校"),
            ("kind", "院校"),
            ("approved_on", "2024-09-01"),
            ("region", "330502"),
        ],
        create,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("无权"), "{e}");

    // Certificates: 初级工 and above count, once a person a year; 学徒工 and 专项 do not.
    for (no, level, route, on) in [
        ("C0001", "初级工", "skill_level", "2026-05-10"),
        ("C0002", "高级工", "qualification", "2026-06-10"),
        ("C0003", "", "special_ability", "2026-06-11"),
    ] {
        put(
            &mut tx,
            &city(),
            &CERTIFICATIONS,
            &[
                ("certificate_no", no),
                ("person_id", &n1),
                ("occupation", "6-18-01-01"),
                ("skill_level", level),
                ("route", route),
                ("certified_on", on),
                ("issuer", "湖州市职业技能鉴定中心"),
                ("region", "330502001"),
            ],
            create,
        )
        .await
        .unwrap();
    }
    let e = put(
        &mut tx,
        &city(),
        &CERTIFICATIONS,
        &[
            ("certificate_no", "C0004"),
            ("person_id", &n2),
            ("occupation", "6-18-01-01"),
            ("skill_level", "初级工"),
            ("route", "专项职业能力考核"),
            ("certified_on", "2026-06-11"),
            ("issuer", "x"),
            ("region", "330502"),
        ],
        create,
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string()
            .ends_with("评价方式为“专项职业能力考核”时不填技能等级"),
        "{e}"
    );
    put(
        &mut tx,
        &city(),
        &CERTIFICATIONS,
        &[
            ("certificate_no", "C0005"),
            ("person_id", &n2),
            ("occupation", "6-18-01-01"),
            ("skill_level", "学徒工"),
            ("route", "skill_level"),
            ("certified_on", "2026-06-12"),
            ("issuer", "企业"),
            ("region", "330502"),
        ],
        create,
    )
    .await
    .unwrap();

    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let cs = counts(&mut tx, d("2026-01-01"), d("2026-12-31"))
        .await
        .unwrap();
    assert_eq!(count(&cs, "training_sessions", "2026-03"), 1);
    assert_eq!(count(&cs, "training_sessions", "2026-04"), 1);
    assert_eq!(count(&cs, "new_skilled_talents", "2026-05"), 1);
    assert_eq!(
        count(&cs, "new_skilled_talents", "2026-06"),
        0,
        "once a year"
    );
    // A window that starts after the person's first certificate of the year still knows it.
    let later = counts(&mut tx, d("2026-06-01"), d("2026-12-31"))
        .await
        .unwrap();
    assert_eq!(count(&later, "new_skilled_talents", "2026-06"), 0);

    // Lists: newest first, names with masked ID numbers, searchable; a county sees its own.
    let page = leye_store::registry::list(
        &mut tx,
        &city(),
        &TRAINEES,
        &RegistryFilter::default(),
        Paging::new(None, None),
    )
    .await
    .unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.items[2].cells[0], "BJ1");
    assert!(
        page.items[2].cells[1].starts_with("学员1(330502"),
        "{:?}",
        page.items[2].cells
    );
    assert!(!page.items[2].cells[1].contains(&n1));
    assert_eq!(page.items[2].cells[2], "结业");
    let found = leye_store::registry::list(
        &mut tx,
        &city(),
        &CERTIFICATIONS,
        &RegistryFilter {
            q: Some("C000".into()),
            region: Some("330502001".into()),
        },
        Paging::new(None, None),
    )
    .await
    .unwrap();
    assert_eq!(
        found.total, 3,
        "C0005 is in 吴兴区 but not in that township"
    );
    let deqing = leye_store::registry::list(
        &mut tx,
        &Scope::Region("330521".into()),
        &TRAINEES,
        &RegistryFilter::default(),
        Paging::new(None, None),
    )
    .await
    .unwrap();
    assert_eq!(deqing.total, 0, "trainees count where their class is");
    let one = leye_store::registry::get(&mut tx, &city(), &CERTIFICATIONS, found.items[0].id)
        .await
        .unwrap();
    assert_eq!(one.region_name, "湖州市吴兴区月河街道");
    tx.commit().await.unwrap();
}

async fn targets_counted_from_registries(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let (_, key_code) = enterprise(&mut tx, 1, "330502001", true).await;
    let (_, small_code) = enterprise(&mut tx, 2, "330503001", false).await;
    let create = Mode::Create;
    for (code, kind, on) in [
        (&key_code, "自主认定备案企业", "2025-05-01"),
        (&small_code, "自主认定备案企业", "2026-02-01"),
        (&small_code, "技能型企业", "2026-03-01"),
    ] {
        put(
            &mut tx,
            &city(),
            &SKILL_DESIGNATIONS,
            &[
                ("enterprise_id", code),
                ("kind", kind),
                ("designated_on", on),
            ],
            create,
        )
        .await
        .unwrap();
    }
    put(
        &mut tx,
        &city(),
        &SKILL_VILLAGES,
        &[
            ("name", "示例村"),
            ("designated_on", "2026-01-05"),
            ("region", "330502001"),
        ],
        create,
    )
    .await
    .unwrap();
    let e = put(
        &mut tx,
        &city(),
        &SKILL_VILLAGES,
        &[
            ("name", "又一次"),
            ("designated_on", "2026-01-05"),
            ("region", "330502001"),
        ],
        create,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("所在区划代码"), "{e}");
    // 一企一策 only for key enterprises.
    let e = put(
        &mut tx,
        &city(),
        &SERVICE_PLANS,
        &[
            ("enterprise_id", &small_code),
            ("officer", "李专员"),
            ("measures", "岗位收集"),
            ("agreed_on", "2026-01-01"),
        ],
        create,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("不是重点企业"), "{e}");
    put(
        &mut tx,
        &city(),
        &SERVICE_PLANS,
        &[
            ("enterprise_id", &key_code),
            ("officer", "李专员"),
            ("measures", "岗位收集"),
            ("agreed_on", "2026-01-01"),
        ],
        create,
    )
    .await
    .unwrap();
    // Researchers' leave: five years at most (二(二)4).
    let (_, researcher) = person(&mut tx, 9, "330502001").await;
    let leave = |ends: &'static str| {
        [
            ("person_id", researcher.as_str()),
            ("employer_unit", "湖州研究院"),
            ("project", "成果转化"),
            ("starts_on", "2025-01-01"),
            ("ends_on", ends),
            ("region", "330502"),
        ]
    };
    let e = put(
        &mut tx,
        &city(),
        &RESEARCH_LEAVES,
        &leave("2030-01-02"),
        create,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("不超过5年"), "{e}");
    put(
        &mut tx,
        &city(),
        &RESEARCH_LEAVES,
        &leave("2030-01-01"),
        create,
    )
    .await
    .unwrap();
    // Startup loans: within the limit of the policy parameters, summed by partner bank.
    for (amount, bank, on) in [
        ("300000", "湖州银行", "2026-03-01"),
        ("200000", "湖州银行", "2026-04-01"),
        ("100000", "农商银行", "2026-05-01"),
    ] {
        put(
            &mut tx,
            &city(),
            &STARTUP_LOANS,
            &[
                ("borrower_id", &researcher),
                ("bank", bank),
                ("amount_fen", amount),
                ("granted_on", on),
                ("months", "36"),
            ],
            create,
        )
        .await
        .unwrap();
    }
    let e = put(
        &mut tx,
        &city(),
        &STARTUP_LOANS,
        &[
            ("borrower_id", &researcher),
            ("bank", "湖州银行"),
            ("amount_fen", "500000.01"),
            ("granted_on", "2026-06-01"),
            ("months", "36"),
        ],
        create,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("个人最高额度500000.00元"), "{e}");
    let by_bank =
        leye_store::registry::sums_by(&mut tx, &city(), &STARTUP_LOANS, "bank", "amount_fen")
            .await
            .unwrap();
    assert_eq!(
        by_bank,
        [
            ("湖州银行".to_string(), 2, 50_000_000),
            ("农商银行".to_string(), 1, 10_000_000)
        ]
    );
    // Spaces: free and occupied workstations within the total.
    let e = put(
        &mut tx,
        &city(),
        &STARTUP_SPACES,
        &[
            ("name", "空间"),
            ("stage", "孵化器"),
            ("cluster_level", "青创圈"),
            ("cluster", "吴兴青创圈"),
            ("workstations", "10"),
            ("free_workstations", "11"),
            ("occupied", "3"),
            ("opened_on", "2025-01-01"),
            ("region", "330502"),
        ],
        create,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().ends_with("免费工位数不能大于工位数"), "{e}");

    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let cs = counts(&mut tx, d("2026-01-01"), d("2026-12-31"))
        .await
        .unwrap();
    // Stocks count from the month of their date, including those before the window.
    let stock = |id: &str| -> Vec<(String, i64)> {
        let mut v: Vec<(String, i64)> = cs
            .iter()
            .filter(|c| c.indicator == id)
            .map(|c| {
                assert!(c.stock);
                (c.month.clone(), c.n)
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        stock("self_certifying_enterprises"),
        [("2025-05".to_string(), 1), ("2026-02".to_string(), 1)]
    );
    assert_eq!(stock("skill_enterprises"), [("2026-03".to_string(), 1)]);
    assert_eq!(stock("skill_villages"), [("2026-01".to_string(), 1)]);
    tx.commit().await.unwrap();
}

async fn a_ticket_from_demand_to_placement(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let (key, _) = enterprise(&mut tx, 1, "330502001", true).await;
    let (small, _) = enterprise(&mut tx, 2, "330502001", false).await;
    set_headcount(
        &mut tx,
        &Scope::System,
        &sys(),
        key,
        Headcount {
            month: leye_domain::YearMonth::new(2026, 10).unwrap(),
            headcount: 600,
            loss_cause: None,
        },
        now(),
    )
    .await
    .unwrap();
    let (a, _) = person(&mut tx, 1, "330502001").await;
    let (b, b_number) = person(&mut tx, 2, "330503001").await;
    put(
        &mut tx,
        &city(),
        &HR_INSTITUTIONS,
        &[
            ("name", "湖州人力"),
            ("services", "招聘服务"),
            ("registered_on", "2025-01-01"),
            ("region", "330502"),
        ],
        Mode::Create,
    )
    .await
    .unwrap();
    let ticket = |enterprise_id| NewTicket {
        enterprise_id,
        occupation: "6-18-01-01".into(),
        title: "数控车工".into(),
        headcount: 2,
        deadline: "2026-12-31".into(),
        opened_on: "2026-11-01".into(),
    };
    let e = create_ticket(&mut tx, &city(), &ticket(small), &sys(), now())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("不是重点企业"), "{e}");
    // An officer of another county cannot open one for this enterprise.
    assert!(
        create_ticket(
            &mut tx,
            &Scope::Region("330521".into()),
            &ticket(key),
            &sys(),
            now()
        )
        .await
        .is_err()
    );
    let id = create_ticket(&mut tx, &city(), &ticket(key), &sys(), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let inst = leye_store::registry::list(
        &mut tx,
        &city(),
        &HR_INSTITUTIONS,
        &RegistryFilter::default(),
        Paging::new(None, None),
    )
    .await
    .unwrap()
    .items[0]
        .id;
    let t = link_ticket(&mut tx, &city(), id, Link::Institution(inst), &sys(), now())
        .await
        .unwrap();
    assert_eq!(t.state, "working");
    assert_eq!(t.institution_name.as_deref(), Some("湖州人力"));
    let e = link_ticket(&mut tx, &city(), id, Link::Posting(99), &sys(), now())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("不存在"), "{e}");
    let e = place(
        &mut tx,
        &city(),
        id,
        a,
        Channel::Agency,
        "2026-10-01",
        &sys(),
        now(),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("不能早于"), "{e}");
    let t = place(
        &mut tx,
        &city(),
        id,
        a,
        Channel::Agency,
        "2026-11-10",
        &sys(),
        now(),
    )
    .await
    .unwrap();
    assert_eq!((t.state.as_str(), t.placed), ("working", 1));
    let e = place(
        &mut tx,
        &city(),
        id,
        a,
        Channel::Dispatch,
        "2026-11-11",
        &sys(),
        now(),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("已登记"), "{e}");
    tx.commit().await.unwrap();
    // By ID number, from another county: the ticket is filled that day.
    let t = tickets::place_by_id_number(
        &store,
        &city(),
        id,
        &b_number,
        Channel::Dispatch,
        "2026-11-15",
        &sys(),
        now(),
    )
    .await
    .unwrap();
    assert_eq!(t.state, TicketState::Filled.code());
    assert_eq!(t.filled_on.as_deref(), Some("2026-11-15"));
    let f = tickets::figures(&t, today());
    assert_eq!(
        (f.fill_rate_bp, f.days_to_fill, f.overdue),
        (10_000, Some(14), false)
    );
    let e = tickets::place_by_id_number(
        &store,
        &city(),
        id,
        &id_number("330502", "19800101", 5),
        Channel::Dispatch,
        "2026-11-16",
        &sys(),
        now(),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("未登记"), "{e}");

    let mut tx = store.begin().await.unwrap();
    let e = place(
        &mut tx,
        &city(),
        id,
        b,
        Channel::Dispatch,
        "2026-11-16",
        &sys(),
        now(),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("已满足"), "{e}");
    let t = close_ticket(
        &mut tx,
        &city(),
        id,
        "需求已满足",
        "2026-11-20",
        &sys(),
        now(),
    )
    .await
    .unwrap();
    assert_eq!(t.state, "closed");
    let steps = ticket_steps(&mut tx, id).await.unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(
        names,
        ["open", "assign_institution", "place", "place", "close"]
    );
    let placed = ticket_placements(&mut tx, id).await.unwrap();
    assert_eq!(placed.len(), 2);
    assert!(placed[1].id_number_masked.contains('*'));
    // An employer sees its own tickets, an officer of another county none.
    assert_eq!(
        list_tickets(&mut tx, &Scope::Enterprise(key), None)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        list_tickets(&mut tx, &Scope::Region("330521".into()), None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        get_ticket(&mut tx, &Scope::Enterprise(small), id)
            .await
            .is_err()
    );
    tx.commit().await.unwrap();
}

async fn impact_assessed_and_compared(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let (key, code) = enterprise(&mut tx, 1, "330502001", true).await;
    tx.commit().await.unwrap();
    let input = impact::ImpactInput {
        title: "新能源电池项目".into(),
        kind: "重大投资项目".into(),
        credit_code: code,
        investment_yuan: "1000000000".into(),
        jobs: "200".into(),
        pay_yuan: "4980".into(),
        skilled_jobs: "60".into(),
        graduate_jobs: "60".into(),
        industry: "C".into(),
        ..Default::default()
    };
    let id = impact::record(&store, &city(), &input, today(), &sys(), now())
        .await
        .unwrap();
    let bad = impact::ImpactInput {
        skilled_jobs: "300".into(),
        credit_code: String::new(),
        ..input.clone()
    };
    let e = impact::record(&store, &city(), &bad, today(), &sys(), now())
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("不能大于岗位数") && text.contains("统一社会信用代码"),
        "{text}"
    );
    let mut tx = store.begin().await.unwrap();
    let r = get_impact(&mut tx, &city(), id).await.unwrap();
    assert_eq!(
        (r.input.score, r.input.baseline_month.as_str()),
        (100, "2026-10")
    );
    let a = impact::recorded(&r).unwrap();
    assert_eq!(a.grade, "优秀");
    assert_eq!(
        list_impacts(&mut tx, &Scope::Region("330521".into()))
            .await
            .unwrap()
            .len(),
        0
    );
    for (m, n) in [(10, 500), (11, 620)] {
        set_headcount(
            &mut tx,
            &Scope::System,
            &sys(),
            key,
            Headcount {
                month: leye_domain::YearMonth::new(2026, m).unwrap(),
                headcount: n,
                loss_cause: None,
            },
            now(),
        )
        .await
        .unwrap();
    }
    let series: Vec<(String, i64)> = headcount_history(&mut tx, &city(), key)
        .await
        .unwrap()
        .iter()
        .map(|h| (h.month.to_string(), i64::from(h.headcount)))
        .collect();
    let done = impact::realised(r.input.jobs, &r.input.baseline_month, &series);
    assert_eq!((done.created, done.share_bp), (Some(120), Some(6_000)));
    tx.commit().await.unwrap();
}

both_backends!(
    training_and_certificates,
    targets_counted_from_registries,
    a_ticket_from_demand_to_placement,
    impact_assessed_and_compared
);

#[test]
fn the_talent_rule_reads_its_parameters() {
    let r = TalentRule::on(today()).unwrap();
    assert!(r.qualifies(Some("junior")));
    assert!(!r.qualifies(Some("apprentice")));
    assert!(!r.qualifies(None));
    let certs = vec![
        (
            1,
            "2025-12-30".to_string(),
            Some("junior".to_string()),
            "330502".to_string(),
        ),
        (
            1,
            "2026-01-02".to_string(),
            Some("senior".to_string()),
            "330502".to_string(),
        ),
        (
            2,
            "2026-01-03".to_string(),
            Some("apprentice".to_string()),
            "330502".to_string(),
        ),
    ];
    assert_eq!(talents(&certs).unwrap().len(), 2, "a new year counts again");
}

#[test]
fn every_registry_is_well_formed() {
    let mut ids = std::collections::HashSet::new();
    for r in ALL {
        assert!(ids.insert(r.id), "{} twice", r.id);
        assert!(r.field(r.title).is_some(), "{}: title", r.id);
        for k in r.key {
            assert!(*k == "region" || r.field(k).is_some(), "{}: key {k}", r.id);
        }
        if let Some(f) = r.region_from {
            assert!(r.field(f).is_some(), "{}: region_from", r.id);
        }
        assert!(!r.about.is_empty() && !r.label.is_empty());
    }
}
