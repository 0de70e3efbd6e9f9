//! The whole flow on both backends: apply, four eyes, budget, once-only, batch, bank result,
//! re-runs that change nothing, a failed payment paid on the second attempt, fund performance.

use super::*;
use leye_domain::enterprise::EnterpriseInput;
use leye_domain::labour::LabourEventInput;
use leye_domain::person::PersonInput;
use leye_store::*;
use leye_testkit::{both_backends, credit_code, id_number, now, today};

fn sys() -> Actor {
    Actor::system("test")
}

async fn user(tx: &mut Tx, name: &str) -> Actor {
    let id = create_user(
        tx,
        &sys(),
        &NewUser {
            username: name.into(),
            display_name: name.into(),
            password_hash: "x".into(),
            role: "county_officer".into(),
            region_code: Some("330521".into()),
            unit: None,
            enterprise_id: None,
            person_id: None,
        },
        now(),
    )
    .await
    .unwrap();
    Actor::user(id, name, "127.0.0.1")
}

/// A graduate of 2026 hired on 2026-07-01 after registering unemployed (一次性扩岗补助 1,500 元).
async fn graduate(tx: &mut Tx, seq: u32, firm: i64) -> i64 {
    let facts = PersonInput {
        name: format!("毕业生{seq}"),
        id_number: id_number("330502", "20030601", seq),
        residence_region: "330502102201".into(),
        education: Some("bachelor".into()),
        graduation_date: Some("2026-06-30".into()),
        ..Default::default()
    }
    .parse(Regions::huzhou(), today())
    .unwrap();
    let birth = facts.id_number.birth_date();
    let id = create_person(tx, &Scope::System, &sys(), &facts, now())
        .await
        .unwrap();
    for (status, on, ent) in [
        ("unemployed", "2026-06-30", None),
        ("employed", "2026-07-01", Some(firm)),
    ] {
        let e = LabourEventInput {
            status: status.into(),
            effective: on.into(),
            enterprise_id: ent,
            ..Default::default()
        }
        .parse(birth, today())
        .unwrap();
        append_labour_event(tx, &Scope::System, &sys(), id, &e, today(), now())
            .await
            .unwrap();
    }
    id
}

fn request(person: i64, firm: i64) -> ApplyRequest {
    ApplyRequest {
        measure: "job_expansion".into(),
        person_id: Some(person),
        enterprise_id: Some(firm),
        payee_name: "湖州扩岗测试有限公司".into(),
        payee_account: "6222 0212 3456 7890".into(),
        ..Default::default()
    }
}

fn step(action: AppAction) -> ActRequest {
    ActRequest {
        action,
        reason: None,
        note: String::new(),
    }
}

fn code(e: ApplyError) -> String {
    match e {
        ApplyError::Field(f) => f.code.to_string(),
        ApplyError::Store(StoreError::Invalid(f)) => f.code.to_string(),
        ApplyError::Store(StoreError::Duplicate { field, .. }) => format!("duplicate:{field}"),
        other => format!("{other:?}"),
    }
}

async fn state_of(store: &Store, id: i64) -> ApplicationRecord {
    let mut tx = store.begin_read().await.unwrap();
    let a = get_application(&mut tx, &Scope::System, id, false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    a
}

async fn flow(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let firm = EnterpriseInput {
        credit_code: credit_code("330521", 3),
        name: "湖州扩岗测试有限公司".into(),
        industry: "C".into(),
        region: "330521101".into(),
        scale: "medium".into(),
        ..Default::default()
    }
    .parse(Regions::huzhou())
    .unwrap();
    let firm = create_enterprise(&mut tx, &Scope::System, &sys(), &firm, now())
        .await
        .unwrap();
    let g1 = graduate(&mut tx, 21, firm).await;
    let g2 = graduate(&mut tx, 22, firm).await;
    let (a, b, c) = (
        user(&mut tx, "submitter").await,
        user(&mut tx, "reviewer").await,
        user(&mut tx, "approver").await,
    );
    tx.commit().await.unwrap();
    let county = Scope::Region("330521".into());

    // Bad input changes nothing.
    let mut bad = request(g1, firm);
    bad.payee_account = "12ab".into();
    assert_eq!(
        code(apply(&store, &county, &a, now(), &bad).await.unwrap_err()),
        "invalid_account"
    );
    // The decision is made and stored at submission; paid by the employer's district.
    let id = apply(&store, &county, &a, now(), &request(g1, firm))
        .await
        .unwrap();
    let app = state_of(&store, id).await;
    assert_eq!(app.state, "submitted");
    assert_eq!(app.decision_status, "eligible");
    assert_eq!(app.amount_fen, Some(150_000));
    assert_eq!(app.fund, "unemployment_insurance");
    assert_eq!(app.district, "330521");
    assert_eq!(app.subject, format!("p{g1}@e{firm}"));
    assert_eq!(app.due_on.as_deref(), Some("2026-12-03"));
    assert!(app.decision_json.contains("\"clause\":\"二(三)2\""));
    // One live application per subject and measure.
    assert_eq!(
        code(
            apply(&store, &county, &a, now(), &request(g1, firm))
                .await
                .unwrap_err()
        ),
        "duplicate:measure"
    );
    // Out of scope: another county cannot apply for this person.
    assert!(matches!(
        apply(
            &store,
            &Scope::Region("330523".into()),
            &a,
            now(),
            &request(g1, firm)
        )
        .await,
        Err(ApplyError::Store(StoreError::OutOfScope { .. }))
    ));

    // Four eyes.
    let e = act(
        &store,
        &county,
        &a,
        now(),
        id,
        &step(AppAction::StartReview),
    )
    .await;
    assert_eq!(code(e.unwrap_err()), "four_eyes");
    act(
        &store,
        &county,
        &b,
        now(),
        id,
        &step(AppAction::StartReview),
    )
    .await
    .unwrap();
    for who in [&a, &b] {
        let e = act(&store, &county, who, now(), id, &step(AppAction::Approve)).await;
        assert_eq!(code(e.unwrap_err()), "four_eyes");
    }
    // Pay is not an officer's action.
    let e = act(&store, &county, &c, now(), id, &step(AppAction::Pay)).await;
    assert_eq!(code(e.unwrap_err()), "transition_not_allowed");
    // Budget: none, then too little, then enough.
    let e = act(&store, &county, &c, now(), id, &step(AppAction::Approve)).await;
    let msg = e.unwrap_err().to_string();
    assert!(msg.contains("尚未安排"), "{msg}");
    let mut tx = store.begin().await.unwrap();
    let mut budget = Budget {
        measure: "job_expansion".into(),
        district: "330521".into(),
        year: 2026,
        amount_fen: 100_000,
        committed_fen: 0,
    };
    set_budget(&mut tx, &county, &budget, &c, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let e = act(&store, &county, &c, now(), id, &step(AppAction::Approve)).await;
    let msg = e.unwrap_err().to_string();
    assert!(
        msg.contains("预算不足") && msg.contains("剩余1000.00元"),
        "{msg}"
    );
    assert_eq!(state_of(&store, id).await.state, "under_review");
    let mut tx = store.begin().await.unwrap();
    budget.amount_fen = 1_000_000;
    set_budget(&mut tx, &county, &budget, &c, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let to = act(&store, &county, &c, now(), id, &step(AppAction::Approve))
        .await
        .unwrap();
    assert_eq!(to, AppState::Approved);
    // The budget cannot drop below what is committed.
    let mut tx = store.begin().await.unwrap();
    budget.amount_fen = 100;
    let e = set_budget(&mut tx, &county, &budget, &c, now()).await;
    assert!(matches!(e, Err(StoreError::Invalid(f)) if f.code == "below_committed"));
    drop(tx);

    // The second graduate: rejected needs a reason; a rejection frees the subject.
    let id2 = apply(&store, &county, &a, now(), &request(g2, firm))
        .await
        .unwrap();
    act(
        &store,
        &county,
        &b,
        now(),
        id2,
        &step(AppAction::StartReview),
    )
    .await
    .unwrap();
    let e = act(&store, &county, &c, now(), id2, &step(AppAction::Reject)).await;
    assert_eq!(code(e.unwrap_err()), "reason_required");
    let mut reject = step(AppAction::Reject);
    reject.reason = Some(RejectReason::MissingDocuments);
    act(&store, &county, &c, now(), id2, &reject).await.unwrap();
    let id2 = apply(&store, &county, &a, now(), &request(g2, firm))
        .await
        .unwrap();
    let mut ret = step(AppAction::Return);
    act(
        &store,
        &county,
        &b,
        now(),
        id2,
        &step(AppAction::StartReview),
    )
    .await
    .unwrap();
    assert_eq!(
        code(
            act(&store, &county, &c, now(), id2, &ret)
                .await
                .unwrap_err()
        ),
        "note_required"
    );
    ret.note = "请补充劳动合同".into();
    act(&store, &county, &c, now(), id2, &ret).await.unwrap();
    act(&store, &county, &a, now(), id2, &step(AppAction::Submit))
        .await
        .unwrap();
    act(
        &store,
        &county,
        &b,
        now(),
        id2,
        &step(AppAction::StartReview),
    )
    .await
    .unwrap();
    act(&store, &county, &c, now(), id2, &step(AppAction::Approve))
        .await
        .unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let log = transitions_of(&mut tx, id2).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|t| t.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "submit",
            "start_review",
            "return",
            "submit",
            "start_review",
            "approve"
        ]
    );
    assert_eq!(log[2].note, "请补充劳动合同");
    let overdue = list_applications(
        &mut tx,
        &county,
        &ApplicationFilter {
            overdue_on: Some("2027-06-01".into()),
            ..Default::default()
        },
        Paging::new(None, None),
    )
    .await
    .unwrap();
    assert_eq!(overdue.total, 2, "approved and unpaid for months");
    tx.commit().await.unwrap();

    // Attachments: type from content, duplicates refused, closed applications refused.
    let id3 = {
        let mut r = request(g2, firm);
        r.measure = "hard_to_employ".into();
        r.draft = true;
        // Lives in another county than the employer: out of this officer's reach.
        let e = apply(&store, &county, &a, now(), &r).await;
        assert!(matches!(
            e,
            Err(ApplyError::Store(StoreError::OutOfScope { .. }))
        ));
        apply(&store, &Scope::System, &a, now(), &r).await.unwrap()
    };
    let e = attach(&store, &Scope::System, &a, now(), id3, "合同.pdf", b"MZ..").await;
    assert_eq!(code(e.unwrap_err()), "bad_type");
    attach(
        &store,
        &Scope::System,
        &a,
        now(),
        id3,
        "合同.pdf",
        b"%PDF-1.4 x",
    )
    .await
    .unwrap();
    let e = attach(
        &store,
        &Scope::System,
        &a,
        now(),
        id3,
        "合同2.pdf",
        b"%PDF-1.4 x",
    )
    .await;
    assert_eq!(code(e.unwrap_err()), "duplicate:file");
    let e = attach(
        &store,
        &county,
        &a,
        now(),
        id,
        "x.png",
        b"\x89PNG\r\n\x1a\n",
    )
    .await;
    assert_eq!(code(e.unwrap_err()), "closed");

    // Payments: one batch, re-running finds nothing new.
    let batches = payments::create_batches(&store, &county, &a, now())
        .await
        .unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].items, 2);
    assert_eq!(batches[0].total_fen, 300_000);
    assert!(
        payments::create_batches(&store, &county, &a, now())
            .await
            .unwrap()
            .is_empty()
    );
    let (_, xlsx) = payments::bank_file(&store, &county, &a, now(), batches[0].id)
        .await
        .unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let lines = batch_lines(&mut tx, batches[0].id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(lines[0].payee_account, "6222021234567890");
    let sent = leye_io::table::read("b.xlsx", &xlsx, &payments::BANK_HEADERS).unwrap();
    assert_eq!(sent.rows.len(), 2);
    // The bank pays the first, fails the second.
    let result = format!(
        "支付流水号,结果,银行流水号,失败原因\n{},成功,B001,\n{},失败,,账户已销户\n",
        lines[0].idem_key, lines[1].idem_key
    );
    let rows = payments::parse_result_file("r.csv", result.as_bytes()).unwrap();
    let r = payments::reconcile(&store, &c, now(), &rows).await.unwrap();
    assert_eq!(
        (r.paid, r.failed, r.repeated, r.batches_closed),
        (1, 1, 0, 1)
    );
    // The same file again changes nothing.
    let r = payments::reconcile(&store, &c, now(), &rows).await.unwrap();
    assert_eq!((r.paid, r.failed, r.repeated), (0, 0, 2));
    // A contradicting file is refused whole.
    let bad = format!(
        "支付流水号,结果\n{},失败\nSQ-0000-000000-1,成功\n",
        lines[0].idem_key
    );
    let rows_bad = payments::parse_result_file("r.csv", bad.as_bytes()).unwrap();
    match payments::reconcile(&store, &c, now(), &rows_bad).await {
        Err(ApplyError::Rows(e)) => assert_eq!(e.len(), 2, "{e:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(state_of(&store, id).await.state, "paid");
    assert_eq!(state_of(&store, id2).await.state, "approved");
    // The failed item goes out again as attempt 2 with a new key, and is paid.
    let again = payments::create_batches(&store, &county, &a, now())
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    let mut tx = store.begin_read().await.unwrap();
    let lines2 = batch_lines(&mut tx, again[0].id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(lines2.len(), 1);
    assert!(lines2[0].idem_key.ends_with("-2"));
    let ok = format!("支付流水号,结果\n{},成功\n", lines2[0].idem_key);
    let rows = payments::parse_result_file("r.csv", ok.as_bytes()).unwrap();
    payments::reconcile(&store, &c, now(), &rows).await.unwrap();
    assert_eq!(state_of(&store, id2).await.state, "paid");

    // Once-only: a paid job-expansion subsidy cannot be applied for and approved again.
    let id4 = apply(&store, &county, &a, now(), &request(g1, firm))
        .await
        .unwrap();
    act(
        &store,
        &county,
        &b,
        now(),
        id4,
        &step(AppAction::StartReview),
    )
    .await
    .unwrap();
    let e = act(&store, &county, &c, now(), id4, &step(AppAction::Approve)).await;
    assert_eq!(code(e.unwrap_err()), "once_only");

    // The sweep does not offer again what was applied for or paid.
    let on = today();
    leye_sweep::sweep(
        &store,
        on,
        Some(&["job_expansion".to_string()]),
        &sys(),
        now(),
        |_, _| {},
    )
    .await
    .unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let offers = list_offers(
        &mut tx,
        &Scope::System,
        &OfferFilter::default(),
        Paging::new(None, None),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let status_of = |p: i64| {
        offers
            .items
            .iter()
            .find(|o| o.subject == format!("p{p}@e{firm}"))
            .map(|o| o.status.clone())
    };
    assert_eq!(status_of(g1).as_deref(), Some("paid"));
    assert_eq!(status_of(g2).as_deref(), Some("paid"));

    // Fund performance.
    let mut tx = store.begin_read().await.unwrap();
    let perf = fund_performance(&mut tx, &county, Some(2026))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(perf.len(), 1);
    assert_eq!(perf[0].spent_fen, 300_000);
    assert_eq!((perf[0].payments, perf[0].persons, perf[0].jobs), (2, 2, 2));
    assert_eq!(perf[0].enterprises, 1);
}

both_backends!(flow);

#[test]
fn result_files_say_which_row_is_wrong() {
    let e = payments::parse_result_file(
        "r.csv",
        "支付流水号,结果\nA-1,成功\n,成功\nA-2,也许\n".as_bytes(),
    )
    .unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("第3行") && text.contains("第4行") && text.contains("也许"),
        "{text}"
    );
    assert!(payments::parse_result_file("r.csv", "姓名,金额\n张三,1\n".as_bytes()).is_err());
}

#[test]
fn districts_are_counties() {
    assert_eq!(district_of("330502102201"), "330502");
    assert_eq!(district_of("330521101"), "330521");
}

/// An unemployed man born on `birth`, registered unemployed since 2023-06-01.
async fn unemployed_man(tx: &mut Tx, seq: u32, birth: &str) -> i64 {
    let facts = PersonInput {
        name: format!("人员{seq}"),
        id_number: id_number("330502", birth, seq),
        residence_region: "330502102201".into(),
        ..Default::default()
    }
    .parse(Regions::huzhou(), today())
    .unwrap();
    let b = facts.id_number.birth_date();
    let id = create_person(tx, &Scope::System, &sys(), &facts, now())
        .await
        .unwrap();
    let e = LabourEventInput {
        status: "unemployed".into(),
        effective: "2023-06-01".into(),
        ..Default::default()
    }
    .parse(b, today())
    .unwrap();
    append_labour_event(tx, &Scope::System, &sys(), id, &e, today(), now())
        .await
        .unwrap();
    id
}

async fn welfare_flow(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let unit = EnterpriseInput {
        credit_code: credit_code("330502", 9),
        name: "吴兴区某街道社区服务中心".into(),
        industry: "S".into(),
        region: "330502102".into(),
        scale: "small".into(),
        ..Default::default()
    }
    .parse(Regions::huzhou())
    .unwrap();
    let unit = create_enterprise(&mut tx, &Scope::System, &sys(), &unit, now())
        .await
        .unwrap();
    let younger = unemployed_man(&mut tx, 31, "19700101").await;
    let older = unemployed_man(&mut tx, 33, "19680601").await;
    tx.commit().await.unwrap();
    let scope = Scope::Region("330502".into());
    let actor = Actor::system("测试");
    let mut req = welfare::PostRequest {
        name: "社区保洁".into(),
        enterprise_id: Some(unit),
        region: "330502102201".into(),
        full_time: true,
        monthly_pay_yuan: "2000".into(),
        payee_account: "6222021234567890".into(),
    };
    let e = welfare::create_post(&store, &scope, &actor, now(), &req).await;
    let msg = e.unwrap_err().to_string();
    assert!(msg.contains("低于最低工资标准2490.00元"), "{msg}");
    req.monthly_pay_yuan = "2600".into();
    let post = welfare::create_post(&store, &scope, &actor, now(), &req)
        .await
        .unwrap();
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    // 36 months for someone far from retirement.
    let p1 = welfare::place(
        &store,
        &scope,
        &actor,
        now(),
        post,
        younger,
        d("2025-03-01"),
    )
    .await
    .unwrap();
    // To retirement for someone less than 5 years from it at first approval.
    welfare::place(&store, &scope, &actor, now(), post, older, d("2026-01-01"))
        .await
        .unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let y = placements_of_person(&mut tx, younger).await.unwrap();
    let o = placements_of_person(&mut tx, older).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(y[0].subsidy_end, "2028-02-29");
    assert_eq!(
        o[0].subsidy_end, "2029-04-30",
        "the day before statutory retirement, not 36 months"
    );
    // Never two at once.
    let e = welfare::place(
        &store,
        &scope,
        &actor,
        now(),
        post,
        younger,
        d("2026-06-01"),
    )
    .await;
    assert_eq!(code(e.unwrap_err()), "placement_overlap");
    // The alert 90 days before the end.
    let alerts = welfare::alerts(&store, &scope, d("2027-12-01"))
        .await
        .unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].placement.id, p1);
    assert_eq!(alerts[0].alert, welfare::Alert::Within90);
    assert_eq!(alerts[0].days_left, 90);
    // After the end he is listed, with his count and whether he may be placed again (a man
    // over 50 who is hard to employ: yes).
    let alerts = welfare::alerts(&store, &scope, d("2028-03-05"))
        .await
        .unwrap();
    let a = alerts.iter().find(|a| a.placement.id == p1).unwrap();
    assert_eq!(a.alert, welfare::Alert::Ended);
    assert_eq!(a.placements, 1);
    assert_eq!(a.may_be_placed_again, Some(true));
    let mut tx = store.begin().await.unwrap();
    end_placement(&mut tx, &scope, p1, "2028-02-29", &actor, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    welfare::place(
        &store,
        &scope,
        &actor,
        now(),
        post,
        younger,
        d("2028-03-01"),
    )
    .await
    .unwrap();
    // The monthly subsidies: one application per running placement, prorated by the days on
    // the post; running the accrual again creates nothing.
    let month = leye_domain::YearMonth::parse("2028-02").unwrap();
    let acc = welfare::accrue(&store, &scope, &actor, now(), month)
        .await
        .unwrap();
    assert_eq!((acc.created, acc.existing), (2, 0), "{acc:?}");
    assert_eq!(
        acc.total_fen,
        2 * 310_000,
        "both on the post the whole month"
    );
    let again = welfare::accrue(&store, &scope, &actor, now(), month)
        .await
        .unwrap();
    assert_eq!((again.created, again.existing), (0, 2));
    let march = leye_domain::YearMonth::parse("2028-03").unwrap();
    let acc = welfare::accrue(&store, &scope, &actor, now(), march)
        .await
        .unwrap();
    // p1 ended on 2028-02-29; the second placement started 2028-03-01; the older man all month.
    assert_eq!(acc.created, 2, "{acc:?}");
    let mut tx = store.begin_read().await.unwrap();
    let page = list_applications(
        &mut tx,
        &scope,
        &ApplicationFilter {
            measure: Some("public_welfare_post".into()),
            ..Default::default()
        },
        Paging::new(None, None),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(page.total, 4);
    assert!(
        page.items
            .iter()
            .all(|a| a.state == "submitted" && a.channel == "system")
    );
    // A third placement is over the cap (the engine says so before the database would).
    let e = welfare::place(
        &store,
        &scope,
        &actor,
        now(),
        post,
        younger,
        d("2032-01-01"),
    )
    .await;
    let msg = e.unwrap_err().to_string();
    assert!(msg.contains("累计安置不超过2次"), "{msg}");
}

both_backends!(welfare_flow);

/// Two approvals at the same moment against a budget that covers one: exactly one wins, on
/// both backends (SQLite serialises writers; on PostgreSQL the conditional UPDATE does).
async fn concurrent_approvals_never_overspend(store: Store) {
    let hires = leye_synth::hires::graduate_hires(
        &store,
        "330521101",
        "330521101201",
        2,
        3,
        today(),
        now(),
    )
    .await
    .unwrap();
    let mut tx = store.begin().await.unwrap();
    let (a, b) = (user(&mut tx, "race_a").await, user(&mut tx, "race_b").await);
    let deciders = [user(&mut tx, "race_c").await, user(&mut tx, "race_d").await];
    set_budget(
        &mut tx,
        &Scope::System,
        &Budget {
            measure: "job_expansion".into(),
            district: "330521".into(),
            year: 2026,
            amount_fen: 150_000,
            committed_fen: 0,
        },
        &sys(),
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut ids = Vec::new();
    for p in &hires.persons {
        let id = apply(&store, &Scope::System, &a, now(), &request(*p, hires.firm))
            .await
            .unwrap();
        act(
            &store,
            &Scope::System,
            &b,
            now(),
            id,
            &step(AppAction::StartReview),
        )
        .await
        .unwrap();
        ids.push(id);
    }
    let approve = step(AppAction::Approve);
    let (r1, r2) = tokio::join!(
        act(
            &store,
            &Scope::System,
            &deciders[0],
            now(),
            ids[0],
            &approve
        ),
        act(
            &store,
            &Scope::System,
            &deciders[1],
            now(),
            ids[1],
            &approve
        ),
    );
    let wins = [r1.is_ok(), r2.is_ok()].iter().filter(|x| **x).count();
    assert_eq!(wins, 1, "{r1:?} {r2:?}");
    let mut tx = store.begin_read().await.unwrap();
    let budgets = list_budgets(&mut tx, &Scope::System).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(budgets[0].committed_fen, 150_000);
}

both_backends!(concurrent_approvals_never_overspend);
