//! The sweep end to end on both backends: a small registry, a sweep, the offers it keeps,
//! a second sweep that changes nothing, and an offer withdrawn when it no longer holds.

use leye_domain::enterprise::EnterpriseInput;
use leye_domain::household::{HouseholdInput, MemberInput};
use leye_domain::labour::LabourEventInput;
use leye_domain::person::PersonInput;
use leye_domain::{Regions, Scope};
use leye_store::*;
use leye_testkit::{both_backends, credit_code, id_number, now, today};

fn sys() -> Actor {
    Actor::system("test")
}

async fn add_person(
    tx: &mut Tx,
    seq: u32,
    birth: &str,
    input: PersonInput,
    events: &[(&str, &str, Option<i64>)],
) -> i64 {
    let facts = PersonInput {
        name: format!("测试{seq}"),
        id_number: id_number("330502", birth, seq),
        residence_region: "330502102201".into(),
        ..input
    }
    .parse(Regions::huzhou(), today())
    .unwrap();
    let birth_date = facts.id_number.birth_date();
    let id = create_person(tx, &Scope::System, &sys(), &facts, now())
        .await
        .unwrap();
    for (status, on, ent) in events {
        let e = LabourEventInput {
            status: (*status).into(),
            effective: (*on).into(),
            enterprise_id: *ent,
            ..Default::default()
        }
        .parse(birth_date, today())
        .unwrap();
        append_labour_event(tx, &Scope::System, &sys(), id, &e, today(), now())
            .await
            .unwrap();
    }
    id
}

async fn sweep_finds_the_entitled(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let firm = EnterpriseInput {
        credit_code: credit_code("330502", 7),
        name: "湖州扩岗测试有限公司".into(),
        industry: "C".into(),
        region: "330521101".into(),
        scale: "medium".into(),
        ..Default::default()
    }
    .parse(Regions::huzhou())
    .unwrap();
    let eid = create_enterprise(&mut tx, &Scope::System, &sys(), &firm, now())
        .await
        .unwrap();
    // A man of 56, registered unemployed since 2025-01-01: hard-to-employ (older).
    let older = add_person(
        &mut tx,
        11,
        "19700301",
        PersonInput::default(),
        &[("unemployed", "2025-01-01", None)],
    )
    .await;
    // His wife, not working either: the household is a zero-employment household.
    let wife = add_person(
        &mut tx,
        12,
        "19780501",
        PersonInput::default(),
        &[("out_of_labour_force", "2020-01-01", None)],
    )
    .await;
    let h = HouseholdInput {
        region: "330502102201".into(),
        urban: true,
        business_income: false,
        income_band: None,
        members: vec![
            MemberInput {
                person_id: older,
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
    create_household(&mut tx, &Scope::System, &sys(), &h, now())
        .await
        .unwrap();
    // A 2026 graduate hired on 2026-07-01 after registering as unemployed: job expansion.
    let graduate = add_person(
        &mut tx,
        13,
        "20030601",
        PersonInput {
            education: Some("bachelor".into()),
            graduation_date: Some("2026-06-30".into()),
            ..Default::default()
        },
        &[
            ("unemployed", "2026-06-30", None),
            ("employed", "2026-07-01", Some(eid)),
        ],
    )
    .await;
    // Someone employed: nothing to offer.
    add_person(
        &mut tx,
        14,
        "19900101",
        PersonInput::default(),
        &[("employed", "2015-01-01", Some(eid))],
    )
    .await;
    tx.commit().await.unwrap();

    let on = "2026-11-28".parse().unwrap();
    let report = leye_sweep::sweep(&store, on, None, &sys(), now(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(report.persons, 4);
    let mut tx = store.begin_read().await.unwrap();
    let all = list_offers(
        &mut tx,
        &Scope::System,
        &OfferFilter::default(),
        Paging::new(None, Some(200)),
    )
    .await
    .unwrap();
    let found: Vec<(String, String)> = all
        .items
        .iter()
        .map(|o| (o.measure.clone(), o.subject.clone()))
        .collect();
    assert!(
        found.contains(&("hard_to_employ".into(), format!("p{older}"))),
        "{found:?}"
    );
    assert!(
        !found.contains(&("hard_to_employ".into(), format!("p{wife}"))),
        "not registered unemployed: {found:?}"
    );
    let job = all
        .items
        .iter()
        .find(|o| o.measure == "job_expansion")
        .expect("job expansion offer");
    assert_eq!(job.subject, format!("p{graduate}@e{eid}"));
    assert_eq!(job.amount_fen, Some(150_000));
    // Scoped by the employer's region (德清), so a 吴兴 officer does not see it.
    assert_eq!(job.region, "330521101");
    let wuxing = Scope::Region("330502".into());
    let mine = list_offers(
        &mut tx,
        &wuxing,
        &OfferFilter::default(),
        Paging::new(None, Some(200)),
    )
    .await
    .unwrap();
    assert!(mine.items.iter().all(|o| o.region.starts_with("330502")));
    assert!(mine.items.iter().any(|o| o.measure == "hard_to_employ"));
    let explanation: serde_json::Value = serde_json::from_str(&job.explanation).unwrap();
    assert_eq!(explanation["status"], "eligible");
    tx.commit().await.unwrap();

    // The same sweep again changes nothing.
    let again = leye_sweep::sweep(&store, on, None, &sys(), now(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(again.saved.open, report.saved.open);
    assert_eq!(again.saved.withdrawn, 0);

    // The older man finds work: his offer is withdrawn by the next sweep.
    let mut tx = store.begin().await.unwrap();
    let e = LabourEventInput {
        status: "employed".into(),
        effective: "2026-11-01".into(),
        enterprise_id: Some(eid),
        ..Default::default()
    }
    .parse("1970-03-01".parse().unwrap(), today())
    .unwrap();
    append_labour_event(&mut tx, &Scope::System, &sys(), older, &e, today(), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let later = leye_sweep::sweep(
        &store,
        on,
        Some(&["hard_to_employ".to_string()]),
        &sys(),
        now(),
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(later.saved.withdrawn, 1);
    let mut tx = store.begin_read().await.unwrap();
    let left = list_offers(
        &mut tx,
        &Scope::System,
        &OfferFilter {
            measure: Some("hard_to_employ".into()),
            ..Default::default()
        },
        Paging::new(None, Some(200)),
    )
    .await
    .unwrap();
    assert_eq!(left.total, 0);
    let bytes = leye_sweep::to_xlsx(&all.items).unwrap();
    assert!(bytes.starts_with(b"PK"));
    let csv = leye_sweep::to_csv(&all.items);
    assert!(
        csv.contains("一次性扩岗补助") && csv.contains("1500.00"),
        "{csv}"
    );
}

both_backends!(sweep_finds_the_entitled);

/// The same synthetic city gives the same offers on SQLite and PostgreSQL, among them
/// hard-to-employ people, job-expansion hires and graduate hires.
#[tokio::test]
async fn same_offers_on_both_backends() {
    use leye_synth::city::{CityOptions, load_city};
    let opts = CityOptions {
        scale: 0.002,
        seed: 7,
        today: today(),
    };
    let mut found = Vec::new();
    for db in [
        leye_testkit::TestDb::sqlite().await,
        leye_testkit::TestDb::postgres().await,
    ] {
        load_city(&db.store, opts, now(), &mut |_, _, _| {})
            .await
            .unwrap();
        let r = leye_sweep::sweep(&db.store, today(), None, &sys(), now(), |_, _| {})
            .await
            .unwrap();
        assert!(r.saved.open > 0, "{r:?}");
        assert!(r.persons_read < r.persons / 2, "{r:?}");
        // Reading everyone finds the same offers: none new, none withdrawn.
        let everyone = leye_sweep::sweep_reading(
            &db.store,
            today(),
            None,
            &sys(),
            now(),
            |_, _| {},
            leye_sweep::Reading::Everyone,
        )
        .await
        .unwrap();
        assert_eq!(everyone.persons_read, everyone.persons);
        assert_eq!(
            (everyone.saved.open, everyone.saved.withdrawn),
            (r.saved.open, 0)
        );
        assert_eq!(everyone.eligible, r.eligible);
        let all = leye_sweep::all_offers(&db.store, &Scope::System, &OfferFilter::default())
            .await
            .unwrap();
        let mut keys: Vec<(String, String, Option<i64>)> = all
            .into_iter()
            .map(|o| (o.measure, o.subject, o.amount_fen))
            .collect();
        keys.sort();
        found.push(keys);
    }
    assert_eq!(found[0], found[1]);
    let measures: std::collections::HashSet<&str> = found[0].iter().map(|k| k.0.as_str()).collect();
    for m in ["hard_to_employ", "job_expansion", "graduate_employment"] {
        assert!(measures.contains(m), "{m}: {measures:?}");
    }
}

/// On SQLite the sweep reads through a connection of its own; the pool's reader (the one
/// PostgreSQL uses) must give exactly the same batches: households, members, loose persons,
/// events in order, every typed value.
#[tokio::test]
async fn both_registry_readers_read_the_same() {
    use leye_synth::city::{CityOptions, load_city};
    let db = leye_testkit::TestDb::sqlite().await;
    assert!(db.store.sqlite_file().is_some());
    let opts = CityOptions {
        scale: 0.001,
        seed: 11,
        today: today(),
    };
    load_city(&db.store, opts, now(), &mut |_, _, _| {})
        .await
        .unwrap();
    // Persons outside any household, each with two events recorded for the same day; then a
    // household of the first and the last of them, whose ids are far apart (read by joining
    // each member rather than as one id range).
    let mut tx = db.store.begin().await.unwrap();
    let mut ids = Vec::new();
    for seq in 0..24 {
        let id = add_person(
            &mut tx,
            900 + seq,
            "19910203",
            PersonInput {
                education: Some("master".into()),
                graduation_date: Some("2016-07-01".into()),
                hukou_region: Some("510802".into()),
                ..Default::default()
            },
            &[
                ("unemployed", "2026-01-01", None),
                ("employed", "2026-03-01", None),
                ("unemployed", "2026-03-01", None),
            ],
        )
        .await;
        ids.push(id);
    }
    let h = HouseholdInput {
        region: "330502102201".into(),
        urban: true,
        business_income: false,
        income_band: None,
        members: vec![
            MemberInput {
                person_id: ids[0],
                relation: "head".into(),
            },
            MemberInput {
                person_id: ids[23],
                relation: "spouse".into(),
            },
        ],
    }
    .parse(Regions::huzhou())
    .unwrap();
    let hid = create_household(&mut tx, &Scope::System, &sys(), &h, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut read = Vec::new();
    for pooled in [false, true] {
        let mut reader = db.store.registry_reader(50).await.unwrap();
        if pooled {
            reader = reader.through_pool();
        }
        let mut batches = Vec::new();
        while let Some(b) = reader.next().await.unwrap() {
            batches.push(b);
        }
        read.push(batches);
    }
    let persons: usize = read[0].iter().map(|b| b.persons.len()).sum();
    let events: usize = read[0]
        .iter()
        .flat_map(|b| &b.persons)
        .map(|p| p.events.len())
        .sum();
    assert!(persons > 3000 && events > 2000, "{persons} {events}");
    let loose: Vec<_> = read[0]
        .iter()
        .flat_map(|b| &b.persons)
        .filter(|p| p.household_id.is_none())
        .collect();
    assert_eq!(loose.len(), 22);
    assert_eq!(loose[0].events.len(), 3);
    let far: Vec<i64> = read[0]
        .iter()
        .flat_map(|b| &b.persons)
        .filter(|p| p.household_id == Some(hid))
        .map(|p| p.id)
        .collect();
    assert_eq!(far, vec![ids[0], ids[23]]);
    assert_eq!(read[0], read[1]);
}

/// The database chooses exactly the persons [`SweepSelection::admits`] says (households whole,
/// loose persons alone), on both backends, for each kind of condition and for the sweep's own
/// selection on two dates.
#[tokio::test]
async fn selected_reading_is_what_admits_says() {
    use leye_synth::city::{CityOptions, load_city};
    let d = |s: &str| -> chrono::NaiveDate { s.parse().unwrap() };
    let of_batches: Vec<&'static leye_policy::Measure> = leye_policy::measures::ALL
        .iter()
        .copied()
        .filter(|m| m.subject() != leye_policy::SubjectKind::Enterprise)
        .collect();
    let mut selections = Vec::new();
    for on in [today(), d("2024-03-01")] {
        selections.push(leye_sweep::selection(&of_batches, on).unwrap());
    }
    let on = today();
    selections.push(SweepSelection {
        unemployed: true,
        ..SweepSelection::none(on)
    });
    selections.push(SweepSelection {
        paired_hukou: Some(vec!["5108".into(), "3305".into()]),
        ..SweepSelection::none(on)
    });
    selections.push(SweepSelection {
        hires: vec![HireSelection {
            since: Some(d("2025-01-01")),
            higher_education: true,
            graduated_since: Some(d("2022-01-01")),
            disabled: false,
        }],
        ..SweepSelection::none(on)
    });
    selections.push(SweepSelection {
        hires: vec![HireSelection {
            disabled: true,
            ..Default::default()
        }],
        ..SweepSelection::none(on)
    });
    for db in [
        leye_testkit::TestDb::sqlite().await,
        leye_testkit::TestDb::postgres().await,
    ] {
        let opts = CityOptions {
            scale: 0.002,
            seed: 5,
            today: today(),
        };
        load_city(&db.store, opts, now(), &mut |_, _, _| {})
            .await
            .unwrap();
        let mut everyone = SweepBatch::default();
        let mut reader = db.store.registry_reader(100).await.unwrap();
        while let Some(b) = reader.next().await.unwrap() {
            everyone.persons.extend(b.persons);
            everyone.households.extend(b.households);
        }
        for s in &selections {
            let want = s.chosen_from(&everyone);
            let mut got = SweepBatch::default();
            let mut reader = db.store.selected_registry_reader(s, 40).await.unwrap();
            while let Some(b) = reader.next().await.unwrap() {
                got.persons.extend(b.persons);
                got.households.extend(b.households);
            }
            assert!(
                !want.persons.is_empty() && want.persons.len() < everyone.persons.len() / 2,
                "{} of {}: {s:?}",
                want.persons.len(),
                everyone.persons.len()
            );
            assert_eq!(got.persons, want.persons, "{s:?}");
            assert_eq!(got.households, want.households);
        }
        let mut reader = db
            .store
            .selected_registry_reader(&SweepSelection::none(on), 40)
            .await
            .unwrap();
        assert!(reader.next().await.unwrap().is_none());
    }
}
