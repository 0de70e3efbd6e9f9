//! Gig work (slots, sign-ups, check-in, completion, pay confirmation, ratings), recruitment
//! events (enterprises, postings, attendees, interviews and hires counted) and the quarterly
//! shortage list, on both backends.

use super::tests::{City, city, input, sys};
use super::*;
use chrono::NaiveDateTime;
use leye_domain::gig::{GigAction, GigSide, GigState, Rating, SlotInput, SlotTerms};
use leye_domain::recruitment::EventInput;
use leye_domain::shortage::Quarter;
use leye_store::*;
use leye_testkit::{both_backends, now, today};

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, leye_domain::gig::SLOT_TIME).unwrap()
}

fn gig_input() -> PostingInput {
    PostingInput {
        pay_unit: "hour".into(),
        pay_min: "30".into(),
        pay_max: "35".into(),
        contract_type: "gig".into(),
        contract_months: String::new(),
        social_insurance: false,
        ..input("仓库分拣临时工", "4-02-07-08", "330502001", ("", ""))
    }
}

async fn posting(store: &Store, c: &City, p: &PostingInput) -> i64 {
    publish(
        store,
        &Scope::Enterprise(c.enterprise),
        c.enterprise,
        p,
        &sys(),
        now(),
        today(),
    )
    .await
    .unwrap()
    .0
}

async fn slot(
    store: &Store,
    scope: &Scope,
    posting_id: i64,
    date: &str,
    places: &str,
) -> Result<i64, StoreError> {
    let mut tx = store.begin().await.unwrap();
    let p = get_posting(&mut tx, posting_id).await.unwrap().unwrap();
    let terms = SlotTerms {
        pay_unit: leye_domain::jobs::PayUnit::from_code(&p.pay_unit).unwrap(),
        rate_fen: p.pay_min_fen,
        valid_until: chrono::NaiveDate::parse_from_str(&p.valid_until, "%Y-%m-%d").unwrap(),
    };
    let facts = SlotInput {
        date: date.into(),
        start: "08:00".into(),
        end: "12:00".into(),
        places: places.into(),
        note: "请带手套".into(),
    }
    .parse(terms, today())
    .unwrap();
    let r = create_slot(
        &mut tx,
        scope,
        posting_id,
        &facts,
        "2026-11-28",
        &sys(),
        now(),
    )
    .await;
    if r.is_ok() {
        tx.commit().await.unwrap();
    }
    r
}

async fn sign(store: &Store, person: i64, slot_id: i64) -> Result<i64, StoreError> {
    let mut tx = store.begin().await.unwrap();
    let r = sign_up(
        &mut tx,
        &Scope::Person(person),
        person,
        slot_id,
        local("2026-11-28 10:00"),
        &sys(),
        now(),
    )
    .await;
    if r.is_ok() {
        tx.commit().await.unwrap();
    }
    r
}

#[allow(clippy::too_many_arguments)]
async fn act(
    store: &Store,
    scope: Scope,
    signup: i64,
    side: GigSide,
    action: GigAction,
    pay: Option<i64>,
    note: &str,
    at: &str,
) -> Result<GigState, StoreError> {
    let mut tx = store.begin().await.unwrap();
    let r = gig_act(
        &mut tx,
        &scope,
        signup,
        side,
        action,
        pay,
        note,
        local(at),
        &sys(),
        now(),
    )
    .await;
    if r.is_ok() {
        tx.commit().await.unwrap();
    }
    r
}

fn code_of<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(f)) => f.code.to_string(),
        other => format!("{other:?}"),
    }
}

async fn gig_work_from_sign_up_to_ratings(store: Store) {
    let c = city(&store).await;
    let (s0, s1, s2, s3) = (c.seekers[0], c.seekers[1], c.seekers[2], c.seekers[3]);
    let gig = posting(&store, &c, &gig_input()).await;
    let regular = PostingInput {
        pay_unit: "hour".into(),
        pay_min: "40".into(),
        pay_max: "50".into(),
        ..input("数控车床操作工", "6-18-01-01", "330502001", ("", ""))
    };
    let regular = posting(&store, &c, &regular).await;
    let employer = Scope::Enterprise(c.enterprise);
    // Only gig postings take slots, and only their employer (or officers) may add them.
    assert_eq!(
        code_of(slot(&store, &employer, regular, "2026-11-30", "2").await),
        "not_gig"
    );
    assert!(matches!(
        slot(
            &store,
            &Scope::Enterprise(c.enterprise + 1),
            gig,
            "2026-11-30",
            "2"
        )
        .await,
        Err(StoreError::Forbidden(_))
    ));
    let morning = slot(&store, &employer, gig, "2026-11-30", "2")
        .await
        .unwrap();
    let same_time = slot(&store, &employer, gig, "2026-11-30", "5")
        .await
        .unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let m = get_slot(&mut tx, morning).await.unwrap().unwrap();
    assert_eq!(m.pay_fen, 12000, "30 元/小时 × 4 小时");
    assert_eq!(
        open_slots(&mut tx, local("2026-11-28 10:00"), Some("330502"), 50)
            .await
            .unwrap()
            .len(),
        2
    );
    tx.commit().await.unwrap();

    // Two places: two sign up, the third is told it is full, nobody signs up twice.
    let a = sign(&store, s0, morning).await.unwrap();
    let b = sign(&store, s2, morning).await.unwrap();
    assert_eq!(code_of(sign(&store, s3, morning).await), "full");
    assert_eq!(
        code_of(sign(&store, s0, morning).await),
        "already_signed_up"
    );
    assert_eq!(code_of(sign(&store, s0, same_time).await), "overlap");
    // A cancellation gives the place back.
    let w = |p: i64| Scope::Person(p);
    assert_eq!(
        act(
            &store,
            w(s2),
            b,
            GigSide::Worker,
            GigAction::Cancel,
            None,
            "",
            "2026-11-29 20:00"
        )
        .await
        .unwrap(),
        GigState::Cancelled
    );
    let d = sign(&store, s3, morning).await.unwrap();
    // Someone else cannot act for the worker.
    assert!(matches!(
        act(
            &store,
            w(s1),
            a,
            GigSide::Worker,
            GigAction::CheckIn,
            None,
            "",
            "2026-11-30 07:30"
        )
        .await,
        Err(StoreError::Forbidden(_))
    ));
    // Check-in opens an hour before the start.
    assert_eq!(
        code_of(
            act(
                &store,
                w(s0),
                a,
                GigSide::Worker,
                GigAction::CheckIn,
                None,
                "",
                "2026-11-30 06:30"
            )
            .await
        ),
        "refused"
    );
    act(
        &store,
        w(s0),
        a,
        GigSide::Worker,
        GigAction::CheckIn,
        None,
        "",
        "2026-11-30 07:30",
    )
    .await
    .unwrap();
    // Ratings wait for the work to be done.
    let mut tx = store.begin().await.unwrap();
    let early = rate_gig(
        &mut tx,
        &w(s0),
        a,
        GigSide::Worker,
        true,
        &Rating::parse("5", "").unwrap(),
        &sys(),
        now(),
    )
    .await;
    assert_eq!(code_of(early), "not_done");
    tx.rollback().await.unwrap();
    // Paying less than the slot promised needs a reason.
    assert_eq!(
        code_of(
            act(
                &store,
                employer.clone(),
                a,
                GigSide::Employer,
                GigAction::Complete,
                Some(10000),
                "",
                "2026-11-30 12:00"
            )
            .await
        ),
        "required"
    );
    assert_eq!(
        act(
            &store,
            employer.clone(),
            a,
            GigSide::Employer,
            GigAction::Complete,
            None,
            "",
            "2026-11-30 12:00"
        )
        .await
        .unwrap(),
        GigState::Completed
    );
    // The worker says the pay did not arrive, then confirms it.
    act(
        &store,
        w(s0),
        a,
        GigSide::Worker,
        GigAction::DisputePay,
        None,
        "只收到100元",
        "2026-11-30 13:00",
    )
    .await
    .unwrap();
    // The dispute is a lead for the labour-rights officers of the area, and only of the area.
    let mut tx = store.begin_read().await.unwrap();
    let leads = disputed_gigs(&mut tx, &Scope::Region("330502".into()))
        .await
        .unwrap();
    assert_eq!(leads.iter().map(|g| g.id).collect::<Vec<_>>(), [a]);
    assert!(
        disputed_gigs(&mut tx, &Scope::Region("330503".into()))
            .await
            .unwrap()
            .is_empty()
    );
    tx.commit().await.unwrap();
    assert_eq!(
        act(
            &store,
            w(s0),
            a,
            GigSide::Worker,
            GigAction::ConfirmPay,
            None,
            "",
            "2026-12-01 09:00"
        )
        .await
        .unwrap(),
        GigState::Paid
    );
    // The no-show frees the place; the employer cannot mark it before the start.
    assert_eq!(
        code_of(
            act(
                &store,
                employer.clone(),
                d,
                GigSide::Employer,
                GigAction::NoShow,
                None,
                "",
                "2026-11-30 07:00"
            )
            .await
        ),
        "refused"
    );
    act(
        &store,
        employer.clone(),
        d,
        GigSide::Employer,
        GigAction::NoShow,
        None,
        "",
        "2026-11-30 09:00",
    )
    .await
    .unwrap();
    // Both sides rate once.
    let mut tx = store.begin().await.unwrap();
    rate_gig(
        &mut tx,
        &w(s0),
        a,
        GigSide::Worker,
        true,
        &Rating::parse("5", "准时结算").unwrap(),
        &sys(),
        now(),
    )
    .await
    .unwrap();
    rate_gig(
        &mut tx,
        &employer,
        a,
        GigSide::Employer,
        true,
        &Rating::parse("4", "").unwrap(),
        &sys(),
        now(),
    )
    .await
    .unwrap();
    let again = rate_gig(
        &mut tx,
        &w(s0),
        a,
        GigSide::Worker,
        true,
        &Rating::parse("1", "").unwrap(),
        &sys(),
        now(),
    )
    .await;
    assert_eq!(code_of(again), "already_rated");
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let m = get_slot(&mut tx, morning).await.unwrap().unwrap();
    assert_eq!(
        m.taken, 1,
        "the cancelled and the no-show gave their places back"
    );
    let s = get_signup(&mut tx, a).await.unwrap().unwrap();
    assert_eq!(
        (
            s.state.as_str(),
            s.pay_fen,
            s.worker_stars,
            s.employer_stars
        ),
        ("paid", Some(12000), Some(5), Some(4))
    );
    let e = enterprise_rating(&mut tx, c.enterprise).await.unwrap();
    assert_eq!((e.count, e.stars_x10), (1, 50));
    assert_eq!(
        worker_rating(&mut tx, s.seeker_id).await.unwrap().stars_x10,
        40
    );
    assert!(
        disputed_gigs(&mut tx, &Scope::System)
            .await
            .unwrap()
            .is_empty(),
        "confirmed: no longer disputed"
    );
    let steps: Vec<String> = gig_transitions(&mut tx, a)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.to_state)
        .collect();
    assert_eq!(
        steps,
        [
            "signed_up",
            "checked_in",
            "completed",
            "pay_disputed",
            "paid"
        ]
    );
    assert_eq!(
        signups_of_slot(&mut tx, &employer, morning)
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        signups_of_person(&mut tx, &w(s0), s0).await.unwrap().len(),
        1
    );
    // The transition log is append-only, whatever the application does.
    let tamper = sqlx::query("UPDATE gig_transitions SET to_state = 'paid'")
        .execute(&mut *tx)
        .await;
    assert!(tamper.is_err(), "gig_transitions must refuse updates");
}

async fn events_count_what_happened(store: Store) {
    let c = city(&store).await;
    let ids = [
        posting(
            &store,
            &c,
            &input(
                "数控车床操作工",
                "6-18-01-01",
                "330502001",
                ("6000", "9000"),
            ),
        )
        .await,
        posting(
            &store,
            &c,
            &input("装配钳工", "6-18-01-01", "330502001", ("6000", "9000")),
        )
        .await,
        posting(
            &store,
            &c,
            &input("质检员", "6-18-01-01", "330502001", ("6000", "9000")),
        )
        .await,
    ];
    let fair = EventInput {
        title: "吴兴区冬季招聘会".into(),
        mode: "offline".into(),
        region: "330502".into(),
        venue: "吴兴区人力资源市场".into(),
        starts_on: "2026-11-28".into(),
        ends_on: String::new(),
        organiser: "吴兴区人力社保局".into(),
        description: String::new(),
    }
    .parse(Regions::huzhou(), today())
    .unwrap();
    let mut tx = store.begin().await.unwrap();
    let other_county = create_event(
        &mut tx,
        &Scope::Region("330503".into()),
        &fair,
        &sys(),
        now(),
    )
    .await;
    assert!(matches!(other_county, Err(StoreError::Forbidden(_))));
    let ev = create_event(
        &mut tx,
        &Scope::Region("330502".into()),
        &fair,
        &sys(),
        now(),
    )
    .await
    .unwrap();
    let employer = Scope::Enterprise(c.enterprise);
    let t = "2026-11-28";
    assert_eq!(
        join_event(
            &mut tx,
            &employer,
            ev,
            c.enterprise,
            &ids[..2],
            t,
            &sys(),
            now()
        )
        .await
        .unwrap(),
        2
    );
    assert_eq!(
        code_of(
            join_event(
                &mut tx,
                &employer,
                ev,
                c.enterprise,
                &ids[..1],
                t,
                &sys(),
                now()
            )
            .await
        ),
        "nothing_new"
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        code_of(
            join_event(
                &mut tx,
                &employer,
                ev,
                c.enterprise,
                &[999_999],
                t,
                &sys(),
                now()
            )
            .await
        ),
        "not_own"
    );
    tx.rollback().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let p0 = Scope::Person(c.seekers[0]);
    register_attendee(&mut tx, &p0, ev, c.seekers[0], t, &sys(), now())
        .await
        .unwrap();
    assert_eq!(
        code_of(register_attendee(&mut tx, &p0, ev, c.seekers[0], t, &sys(), now()).await),
        "already_registered"
    );
    // A walk-in is registered as they check in.
    check_in_attendee(
        &mut tx,
        &Scope::Region("330502".into()),
        ev,
        c.seekers[1],
        t,
        &sys(),
        now(),
    )
    .await
    .unwrap();
    // Applications at the event: only to its postings.
    let a = apply_to_posting(
        &mut tx,
        &p0,
        c.seekers[0],
        ids[0],
        Some(ev),
        t,
        &sys(),
        now(),
    )
    .await
    .unwrap();
    let p1 = Scope::Person(c.seekers[1]);
    let b = apply_to_posting(
        &mut tx,
        &p1,
        c.seekers[1],
        ids[1],
        Some(ev),
        t,
        &sys(),
        now(),
    )
    .await
    .unwrap();
    assert_eq!(
        code_of(
            apply_to_posting(
                &mut tx,
                &p1,
                c.seekers[1],
                ids[2],
                Some(ev),
                t,
                &sys(),
                now()
            )
            .await
        ),
        "not_in_event"
    );
    set_job_application_state(&mut tx, &employer, a, "interview", &sys(), now())
        .await
        .unwrap();
    set_job_application_state(&mut tx, &employer, a, "declined", &sys(), now())
        .await
        .unwrap();
    set_job_application_state(&mut tx, &employer, b, "hired", &sys(), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin_read().await.unwrap();
    let e = get_event(&mut tx, ev).await.unwrap().unwrap();
    assert_eq!(
        e.stats,
        EventStats {
            enterprises: 1,
            postings: 2,
            headcount: 6,
            registered: 2,
            attended: 1,
            applications: 2,
            interviews: 2,
            hires: 1
        }
    );
    assert_eq!(
        events_held(&mut tx, 2026, t).await.unwrap(),
        [("330502".to_string(), 1)]
    );
    assert_eq!(event_enterprises(&mut tx, ev).await.unwrap()[0].2, 2);
    assert_eq!(
        list_events(&mut tx, Some(2026), Some("330502"))
            .await
            .unwrap()
            .len(),
        1
    );
    tx.commit().await.unwrap();
    // After the event, nothing more can be added to it.
    let mut tx = store.begin().await.unwrap();
    let late = register_attendee(
        &mut tx,
        &Scope::Person(c.seekers[2]),
        ev,
        c.seekers[2],
        "2026-11-29",
        &sys(),
        now(),
    )
    .await;
    assert_eq!(code_of(late), "over");
}

async fn shortage_list_is_computed_and_published_once(store: Store) {
    let c = city(&store).await;
    // 3 postings × 3 people wanted for lathe operators; four seekers want the work.
    for k in 0..3 {
        posting(
            &store,
            &c,
            &input(
                &format!("数控车床操作工{k}"),
                "6-18-01-01",
                "330502001",
                ("6000", "9000"),
            ),
        )
        .await;
    }
    // 12 wanted for one occupation nobody seeks.
    posting(
        &store,
        &c,
        &PostingInput {
            headcount: "12".into(),
            ..input("焊工", "6-18-02-04", "330502001", ("6000", "9000"))
        },
    )
    .await;
    let q = Quarter::parse("2026Q4").unwrap();
    let early = shortage::publish(&store, q, today(), &sys(), now()).await;
    assert!(early.is_err_and(|e| e.to_string().contains("尚未结束")));
    let (rule, source, lines) = shortage::compute(&store, q).await.unwrap();
    assert!(source.contains("unverified"));
    let lathe = lines
        .iter()
        .find(|l| l.occupation == "6-18-01-01" && l.region == "330502")
        .unwrap();
    assert_eq!(
        (lathe.demand, lathe.supply, lathe.ratio_permille),
        (9, 4, Some(2250))
    );
    assert!(
        !lathe.shortage,
        "9 wanted is below the minimum demand of {}",
        rule.min_demand
    );
    let welder = lines
        .iter()
        .find(|l| l.occupation == "6-18-02-04" && l.region == "330502")
        .unwrap();
    assert!(welder.shortage && welder.supply == 0);
    assert_eq!(
        lines.iter().filter(|l| l.region == "330500").count(),
        2,
        "a city line per occupation"
    );
    let later = chrono::NaiveDate::from_ymd_opt(2027, 1, 2).unwrap();
    assert_eq!(
        shortage::publish(&store, q, later, &sys(), now())
            .await
            .unwrap(),
        2
    );
    let again = shortage::publish(&store, q, later, &sys(), now()).await;
    assert!(again.is_err_and(|e| e.to_string().contains("不能重复发布")));
    assert_eq!(
        shortage::publish_due(&store, later, now()).await.unwrap(),
        None,
        "2026Q4 is out already"
    );
    let mut tx = store.begin_read().await.unwrap();
    let stored = shortage_lines(&mut tx, "2026Q4").await.unwrap();
    assert_eq!(
        stored, lines,
        "the published list is the computed one, in order"
    );
    assert_eq!(shortage_quarters(&mut tx).await.unwrap().len(), 1);
}

both_backends!(
    gig_work_from_sign_up_to_ratings,
    events_count_what_happened,
    shortage_list_is_computed_and_published_once
);
