//! Pricing against the minimum wage, search quality (what a person would expect to find),
//! freshness through the change feed, matching, and the push with its daily cap and dedupe on
//! both backends.

use super::*;
use crate::index::{SearchIndex, SearchQuery, Sort};
use leye_domain::enterprise::EnterpriseInput;
use leye_domain::person::PersonInput;
use leye_store::*;
use leye_testkit::{both_backends, credit_code, id_number, now, today};

pub(crate) fn sys() -> Actor {
    Actor::system("test")
}

pub(crate) fn input(
    title: &str,
    occupation: &str,
    region: &str,
    pay: (&str, &str),
) -> PostingInput {
    PostingInput {
        title: title.into(),
        description: String::new(),
        occupation: occupation.into(),
        headcount: "3".into(),
        region: region.into(),
        pay_unit: "month".into(),
        pay_min: pay.0.into(),
        pay_max: pay.1.into(),
        contract_type: "fixed".into(),
        contract_months: "24".into(),
        social_insurance: true,
        valid_until: "2027-01-31".into(),
        ..Default::default()
    }
}

#[test]
fn pay_below_the_minimum_wage_is_refused_and_quality_is_explained() {
    let low = input("普工", "6-18-01-01", "330502", ("2000", "3000"))
        .parse_all(Regions::huzhou(), today())
        .unwrap();
    let e = price(&low, today()).unwrap_err();
    assert!(e.to_string().contains("低于月最低工资标准2490.00元"), "{e}");
    let good = input("数控车床操作工", "6-18-01-01", "330502", ("6000", "9000"))
        .parse_all(Regions::huzhou(), today())
        .unwrap();
    let p = price(&good, today()).unwrap();
    assert!(p.quality, "{:?}", p.reasons);
    assert!(p.params.iter().all(|u| !u.source.is_empty()));
    let hourly = PostingInput {
        pay_unit: "hour".into(),
        pay_min: "25".into(),
        pay_max: "30".into(),
        contract_type: "gig".into(),
        contract_months: String::new(),
        ..input("分拣员", "4-02-07-08", "330502", ("", ""))
    }
    .parse_all(Regions::huzhou(), today())
    .unwrap();
    let h = price(&hourly, today()).unwrap();
    assert_eq!(h.monthly_min_fen, 2500 * 174);
    assert!(!h.quality, "gig work is not a quality job");
    let under = PostingInput {
        pay_min: "20".into(),
        ..PostingInput {
            pay_unit: "hour".into(),
            pay_max: "30".into(),
            contract_type: "gig".into(),
            contract_months: String::new(),
            ..input("分拣员", "4-02-07-08", "330502", ("", ""))
        }
    }
    .parse_all(Regions::huzhou(), today())
    .unwrap();
    assert!(
        price(&under, today())
            .unwrap_err()
            .to_string()
            .contains("小时最低工资标准24.00元")
    );
}

fn record(
    id: i64,
    title: &str,
    occupation: &str,
    region: &str,
    lat: f64,
    pay_max: i64,
) -> PostingRecord {
    PostingRecord {
        id,
        enterprise_id: 1,
        enterprise_name: "湖州示例制造有限公司".into(),
        title: title.into(),
        description: String::new(),
        occupation: occupation.into(),
        skill_level: None,
        headcount: 1,
        region: region.into(),
        address: String::new(),
        lat,
        lon: 120.1,
        pay_unit: "month".into(),
        pay_min_fen: 500_000,
        pay_max_fen: pay_max,
        monthly_min_fen: 500_000,
        monthly_max_fen: pay_max,
        contract_type: "fixed".into(),
        contract_months: Some(12),
        social_insurance: true,
        education: "none".into(),
        age_min: None,
        age_max: None,
        gig: false,
        quality: pay_max > 700_000,
        status: "open".into(),
        published_on: format!("2026-11-{:02}", 1 + id % 27),
        valid_until: "2027-01-01".into(),
        closed_on: None,
        seq: id,
        program: None,
    }
}

fn names() -> index::OccupationNames {
    leye_domain::jobs::builtin_occupations()
        .iter()
        .map(|o| (o.code.clone(), o.name.clone()))
        .collect()
}

fn sample_index() -> SearchIndex {
    let idx = SearchIndex::in_ram().unwrap();
    let rows = vec![
        record(
            1,
            "数控车床操作工",
            "6-18-01-01",
            "330502001",
            30.86,
            900_000,
        ),
        record(2, "电子商务运营", "4-01-02-02", "330502002", 30.87, 800_000),
        record(
            3,
            "焊工(二氧保焊)",
            "6-18-02-04",
            "330522001",
            31.0,
            700_000,
        ),
        record(4, "家政服务员", "4-10-01-06", "330503001", 30.6, 600_000),
        record(5, "CNC编程员", "6-18-01-01", "330502001", 30.86, 1_200_000),
        record(6, "仓库叉车司机", "6-30-05-03", "330523001", 30.65, 650_000),
    ];
    idx.apply(&rows, &names(), "2026-11-28").unwrap();
    idx
}

/// Each filter, alone and with keywords, keeps exactly the postings it should; a posting
/// replaced or closed moves or leaves.
#[test]
fn every_filter_narrows_and_changes_follow() {
    let idx = SearchIndex::in_ram().unwrap();
    let mut a = record(
        1,
        "数控车床操作工",
        "6-18-01-01",
        "330502102001",
        30.86,
        900_000,
    );
    a.education = "bachelor".into();
    a.published_on = "2026-11-01".into();
    let mut b = record(2, "车床学徒", "6-18-01-01", "330502103001", 30.87, 500_000);
    b.gig = true;
    b.published_on = "2026-11-25".into();
    let mut c = record(3, "车床维修工", "6-31-01-03", "330503001", 30.6, 800_000);
    c.valid_until = "2026-11-27".into(); // expired yesterday, not yet closed
    idx.apply(&[a.clone(), b, c], &names(), "2026-11-26")
        .unwrap();
    for words in ["", "车床"] {
        let q = |f: SearchQuery| {
            ids(
                &idx,
                SearchQuery {
                    q: words.into(),
                    ..f
                },
            )
        };
        let mut all = q(SearchQuery::default());
        all.sort();
        assert_eq!(all, [1, 2], "{words}: the expired posting is not found");
        assert_eq!(
            q(SearchQuery {
                region: Some("330502102".into()),
                ..Default::default()
            }),
            [1]
        );
        assert_eq!(
            q(SearchQuery {
                region: Some("330502103001".into()),
                ..Default::default()
            }),
            [2]
        );
        assert!(
            q(SearchQuery {
                region: Some("330521".into()),
                ..Default::default()
            })
            .is_empty()
        );
        assert_eq!(
            q(SearchQuery {
                education: Some("college".into()),
                ..Default::default()
            }),
            [2]
        );
        assert_eq!(
            q(SearchQuery {
                since: Some("2026-11-20".into()),
                ..Default::default()
            }),
            [2]
        );
        assert_eq!(
            q(SearchQuery {
                gig: Some(true),
                ..Default::default()
            }),
            [2]
        );
        assert_eq!(
            q(SearchQuery {
                gig: Some(false),
                ..Default::default()
            }),
            [1]
        );
        assert_eq!(
            q(SearchQuery {
                quality_only: true,
                ..Default::default()
            }),
            [1]
        );
        assert_eq!(
            q(SearchQuery {
                occupation: Some("6-31".into()),
                ..Default::default()
            })
            .len(),
            0
        );
        assert_eq!(
            q(SearchQuery {
                occupation: Some("6-18-01".into()),
                ..Default::default()
            })
            .len(),
            2
        );
        assert_eq!(
            q(SearchQuery {
                sort: Sort::Newest,
                ..Default::default()
            }),
            [2, 1]
        );
        assert_eq!(
            q(SearchQuery {
                sort: Sort::Pay,
                ..Default::default()
            }),
            [1, 2]
        );
    }
    // Replaced: it moves to another county; closed: it leaves.
    a.region = "330503001".into();
    idx.apply(&[a.clone()], &names(), "2026-11-28").unwrap();
    assert_eq!(
        ids(
            &idx,
            SearchQuery {
                region: Some("330503".into()),
                ..Default::default()
            }
        ),
        [1]
    );
    a.status = "closed".into();
    idx.apply(&[a], &names(), "2026-11-28").unwrap();
    assert_eq!(ids(&idx, SearchQuery::default()), [2]);
    assert_eq!(
        ids(
            &idx,
            SearchQuery {
                q: "数控".into(),
                ..Default::default()
            }
        ),
        Vec::<i64>::new()
    );
}

fn ids(idx: &SearchIndex, q: SearchQuery) -> Vec<i64> {
    idx.search(&SearchQuery {
        limit: 20,
        today: "2026-11-28".into(),
        ..q
    })
    .unwrap()
    .hits
    .into_iter()
    .map(|h| h.id)
    .collect()
}

fn kw(q: &str) -> SearchQuery {
    SearchQuery {
        q: q.into(),
        ..Default::default()
    }
}

#[test]
fn search_finds_what_a_person_expects() {
    let idx = sample_index();
    assert_eq!(ids(&idx, kw("车床")), [1], "车床 finds 数控车床操作工");
    assert_eq!(ids(&idx, kw("电商")), [2], "电商 finds 电子商务运营");
    assert_eq!(ids(&idx, kw("叉车")), [6]);
    let mut cnc = ids(&idx, kw("数控"));
    cnc.sort_unstable();
    assert_eq!(cnc, [1, 5], "数控 also finds CNC");
    let mut full = ids(&idx, kw("ＣＮＣ"));
    full.sort_unstable();
    assert_eq!(
        full,
        [1, 5],
        "full-width letters are normalised, CNC finds 数控"
    );
    assert!(ids(&idx, kw("焊工")).contains(&3));
    assert!(
        ids(&idx, kw("车工")).contains(&1),
        "the occupation's name is searchable"
    );
    assert!(ids(&idx, kw("游泳教练")).is_empty());
    // Brackets and quotes are text, not syntax.
    assert!(idx.search(&kw("焊工(\"[")).is_ok());
}

#[test]
fn filters_sorting_and_facets() {
    let idx = sample_index();
    let wuxing = ids(
        &idx,
        SearchQuery {
            region: Some("330502".into()),
            ..Default::default()
        },
    );
    assert_eq!(wuxing.len(), 3);
    let sub = ids(
        &idx,
        SearchQuery {
            occupation: Some("6-18".into()),
            ..Default::default()
        },
    );
    assert_eq!(sub.len(), 3, "occupation subtree");
    let rich = ids(
        &idx,
        SearchQuery {
            pay_at_least_fen: Some(850_000),
            ..Default::default()
        },
    );
    assert_eq!(rich.len(), 2);
    let by_pay = ids(
        &idx,
        SearchQuery {
            sort: Sort::Pay,
            ..Default::default()
        },
    );
    assert_eq!(by_pay[0], 5);
    let near = idx
        .search(&SearchQuery {
            near: Some((30.86, 120.1, 5.0)),
            sort: Sort::Distance,
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        near.total, 3,
        "only the three within 5 km (not 焊工 in 长兴, 18 km)"
    );
    assert!(
        near.hits
            .iter()
            .all(|h| h.distance_km.unwrap_or(99.0) < 5.0)
    );
    let all = idx
        .search(&SearchQuery {
            limit: 2,
            ..Default::default()
        })
        .unwrap();
    assert_eq!((all.total, all.hits.len()), (6, 2));
    assert_eq!(
        all.by_county
            .iter()
            .find(|(c, _)| c == "330502")
            .map(|x| x.1),
        Some(3)
    );
    assert_eq!(
        all.by_major.iter().find(|(m, _)| m == "6").map(|x| x.1),
        Some(4)
    );
    assert_eq!(all.quality, 3);
    let paged = idx
        .search(&SearchQuery {
            offset: 5000,
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert!(
        paged.hits.is_empty(),
        "pages past the cap are empty, not an error"
    );
}

#[test]
fn typeahead_and_removal() {
    let idx = sample_index();
    assert_eq!(idx.typeahead("数控", 5), ["数控车床操作工"]);
    let mut closed = record(
        1,
        "数控车床操作工",
        "6-18-01-01",
        "330502001",
        30.86,
        900_000,
    );
    closed.status = "closed".into();
    closed.seq = 99;
    idx.apply(&[closed], &names(), "2026-11-28").unwrap();
    assert!(ids(&idx, kw("车床")).is_empty());
    assert!(idx.typeahead("数控", 5).is_empty());
    assert_eq!(idx.seq(), 99);
}

proptest::proptest! {
    #[test]
    fn any_query_text_is_safe(q in "\\PC{0,40}") {
        let idx = sample_index();
        proptest::prop_assert!(idx.search(&kw(&q)).is_ok());
    }
    /// Recall through character pairs: any piece of a title (one character, two, a whole
    /// run, with ASCII around) finds the posting, however jieba cuts it.
    #[test]
    fn any_piece_of_a_title_finds_the_posting(
        parts in proptest::collection::vec(
            proptest::sample::select(vec!["车", "床", "数", "控", "工", "焊", "电", "商", "务", "CNC ", "PLC "]),
            1..10,
        ),
        from in 0usize..10,
        len in 1usize..6,
    ) {
        let title = parts.concat();
        let idx = SearchIndex::in_ram().unwrap();
        idx.apply(
            &[record(7, &title, "6-18-01-01", "330502001", 30.86, 900_000)],
            &names(),
            "2026-11-28",
        )
        .unwrap();
        let from = from.min(parts.len() - 1);
        let piece = parts[from..(from + len).min(parts.len())].concat();
        proptest::prop_assert_eq!(ids(&idx, kw(&piece)), vec![7], "{} in {}", piece, title);
    }
}

#[test]
fn character_pairs() {
    let t = |s: &str| -> Vec<(usize, String)> { index::bigram_tokens(s) };
    let own = |v: &[(usize, &str)]| -> Vec<(usize, String)> {
        v.iter().map(|(k, s)| (*k, s.to_string())).collect()
    };
    assert_eq!(t("车床"), own(&[(0, "车床")]));
    assert_eq!(
        t("数控车床工"),
        own(&[(0, "数控"), (1, "控车"), (2, "车床"), (3, "床工")])
    );
    assert_eq!(t("厨"), own(&[(0, "厨")]));
    assert_eq!(
        t("CAD制图 员"),
        own(&[(0, "cad"), (1, "制图"), (2, "图员")])
    );
    assert_eq!(t("制图cad"), own(&[(0, "制图"), (2, "cad")]));
    assert_eq!(t("a 车 b"), own(&[(0, "a"), (1, "车"), (2, "b")]));
}

pub(crate) struct City {
    pub(crate) enterprise: i64,
    pub(crate) seekers: Vec<i64>,
}

pub(crate) async fn city(store: &Store) -> City {
    let mut tx = store.begin().await.unwrap();
    let e = EnterpriseInput {
        credit_code: credit_code("330502", 7),
        name: "湖州精工机械有限公司".into(),
        industry: "C".into(),
        region: "330502".into(),
        scale: "medium".into(),
        ..Default::default()
    }
    .parse(Regions::huzhou())
    .unwrap();
    let enterprise = create_enterprise(&mut tx, &Scope::System, &sys(), &e, now())
        .await
        .unwrap();
    let mut persons = Vec::new();
    for i in 0..6u32 {
        let p = PersonInput {
            name: format!("求职者{i}"),
            id_number: id_number("330502", "19900101", i),
            residence_region: "330502001001".into(),
            phone: Some(format!("1380000{i:04}")),
            urban: true,
            ..Default::default()
        }
        .parse(Regions::huzhou(), today())
        .unwrap();
        persons.push(
            create_person(&mut tx, &Scope::System, &sys(), &p, now())
                .await
                .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    for (i, pid) in persons.iter().enumerate() {
        let s = SeekerInput {
            occupations: if i < 4 {
                "6-18-01-01".into()
            } else {
                "4-10-01-06".into()
            },
            skills: "数控车床".into(),
            region: "330502001".into(),
            commute_km: "15".into(),
            push_opt_in: i != 1,
            ..Default::default()
        };
        save_profile(store, &Scope::System, *pid, &s, &sys(), now())
            .await
            .unwrap();
    }
    City {
        enterprise,
        seekers: persons,
    }
}

async fn publish_search_match_push(store: Store) {
    let c = city(&store).await;
    let idx = SearchIndex::in_ram().unwrap();
    let names = occupation_names(&store).await.unwrap();
    // An employer may publish only for itself.
    let other = publish(
        &store,
        &Scope::Enterprise(c.enterprise + 1),
        c.enterprise,
        &input(
            "数控车床操作工",
            "6-18-01-01",
            "330502001",
            ("6000", "9000"),
        ),
        &sys(),
        now(),
        today(),
    )
    .await;
    assert!(
        matches!(other, Err(JobsError::Store(StoreError::Forbidden(_)))),
        "{other:?}"
    );
    let mut ids = Vec::new();
    for k in 0..5 {
        let (id, pricing) = publish(
            &store,
            &Scope::Enterprise(c.enterprise),
            c.enterprise,
            &input(
                &format!("数控车床操作工{k}号线"),
                "6-18-01-01",
                "330502001",
                ("6000", "9000"),
            ),
            &sys(),
            now(),
            today(),
        )
        .await
        .unwrap();
        assert!(pricing.quality);
        ids.push(id);
    }
    // Freshness: the change feed brings every new posting into the index.
    assert_eq!(
        refresh_index(&store, &idx, &names, today()).await.unwrap(),
        5
    );
    assert_eq!(
        idx.search(&SearchQuery {
            q: "车床".into(),
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .total,
        5
    );
    let mut tx = store.begin().await.unwrap();
    close_posting(
        &mut tx,
        &Scope::Enterprise(c.enterprise),
        ids[4],
        "2026-11-28",
        &sys(),
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        refresh_index(&store, &idx, &names, today()).await.unwrap(),
        1
    );
    assert_eq!(
        idx.ids().unwrap(),
        ids[..4].to_vec(),
        "the closed posting left the index"
    );
    // Matching: the four lathe operators first, with reasons.
    let (_, best) = seekers_for_posting(
        &store,
        &Scope::Region("330502".into()),
        ids[0],
        today(),
        10,
        false,
    )
    .await
    .unwrap();
    assert_eq!(best.len(), 4, "candidates share the posting's major group");
    assert!(best.iter().all(|(s, _)| s.occupations == ["6-18-01-01"]));
    assert!(
        best[0].1.explanation.contains("意向职业相符(车工)"),
        "{}",
        best[0].1.explanation
    );
    let (_, none) = seekers_for_posting(
        &store,
        &Scope::Region("330503".into()),
        ids[0],
        today(),
        10,
        false,
    )
    .await
    .unwrap();
    assert!(
        none.is_empty(),
        "an officer of another district sees none of these seekers"
    );
    let mine = postings_for_person(
        &store,
        &idx,
        &Scope::Person(c.seekers[0]),
        c.seekers[0],
        today(),
        10,
    )
    .await
    .unwrap();
    assert_eq!(mine.len(), 4);
    // Push: 5 postings, 3 a day at most, the opted-out seeker and the housekeepers get nothing.
    let sms = push::LoggingSms {
        store: store.clone(),
        now: now(),
    };
    let r = push::run(&store, &sms, now(), today()).await.unwrap();
    assert_eq!(r.postings, 5);
    assert_eq!(
        r.notified, 9,
        "3 lathe operators who accept pushes × 3 a day: {r:?}"
    );
    assert_eq!(r.sms, 9);
    let again = push::run(&store, &sms, now(), today()).await.unwrap();
    assert_eq!(
        (again.postings, again.notified, again.sms),
        (0, 0, 0),
        "nothing twice"
    );
    let mut tx = store.begin().await.unwrap();
    let inbox0 = inbox(&mut tx, &Scope::Person(c.seekers[0]), c.seekers[0], now())
        .await
        .unwrap();
    assert_eq!(inbox0.len(), 3);
    assert!(
        inbox(&mut tx, &Scope::Person(c.seekers[0]), c.seekers[1], now())
            .await
            .is_err(),
        "not someone else's inbox"
    );
    assert!(
        inbox(&mut tx, &Scope::Person(c.seekers[1]), c.seekers[1], now())
            .await
            .unwrap()
            .is_empty()
    );
    // Apply, and the employer sees the application.
    apply_to_posting(
        &mut tx,
        &Scope::Person(c.seekers[0]),
        c.seekers[0],
        ids[0],
        None,
        "2026-11-28",
        &sys(),
        now(),
    )
    .await
    .unwrap();
    let twice = apply_to_posting(
        &mut tx,
        &Scope::Person(c.seekers[0]),
        c.seekers[0],
        ids[0],
        None,
        "2026-11-28",
        &sys(),
        now(),
    )
    .await;
    assert!(matches!(twice, Err(StoreError::Invalid(ref f)) if f.code == "already_applied"));
    let closed = apply_to_posting(
        &mut tx,
        &Scope::Person(c.seekers[0]),
        c.seekers[0],
        ids[4],
        None,
        "2026-11-28",
        &sys(),
        now(),
    )
    .await;
    assert!(matches!(closed, Err(StoreError::Invalid(ref f)) if f.code == "closed"));
    let seen = job_applications(&mut tx, &Scope::Enterprise(c.enterprise), Some(ids[0]))
        .await
        .unwrap();
    assert_eq!(seen.len(), 1);
    assert!(
        job_applications(&mut tx, &Scope::Enterprise(c.enterprise + 1), None)
            .await
            .unwrap()
            .is_empty()
    );
    set_job_application_state(
        &mut tx,
        &Scope::Enterprise(c.enterprise),
        seen[0].id,
        "hired",
        &sys(),
        now(),
    )
    .await
    .unwrap();
    let back = set_job_application_state(
        &mut tx,
        &Scope::Enterprise(c.enterprise),
        seen[0].id,
        "interview",
        &sys(),
        now(),
    )
    .await;
    assert!(back.is_err(), "hired is final");
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let (n, heads) = quality_postings_between(&mut tx, &Scope::System, "2026-01-01", "2026-12-31")
        .await
        .unwrap();
    assert_eq!((n, heads), (5, 15));
}

async fn bad_postings_change_nothing(store: Store) {
    let c = city(&store).await;
    let before = store.fingerprint().await.unwrap();
    for bad in [
        input("普工,限男性", "6-18-01-01", "330502", ("6000", "9000")),
        input("普工", "9-99", "330502", ("6000", "9000")),
        input("普工", "6-18-01-99", "330502", ("6000", "9000")),
        input("普工", "6-18-01-01", "330502", ("1000", "2000")),
    ] {
        let r = publish(
            &store,
            &Scope::System,
            c.enterprise,
            &bad,
            &sys(),
            now(),
            today(),
        )
        .await;
        assert!(r.is_err(), "{bad:?}");
    }
    assert_eq!(store.fingerprint().await.unwrap(), before);
}

both_backends!(publish_search_match_push, bad_postings_change_nothing);
