//! The demo city loads on both backends, once, and is the same for the same seed.

use leye_domain::Scope;
use leye_store::{Paging, PersonFilter, Store};
use leye_synth::{DemoSize, load_demo_if_empty};
use leye_testkit::{TestDb, both_backends, now};

const SMALL: DemoSize = DemoSize {
    households: 30,
    enterprises: 6,
};

async fn demo_loads_once(store: Store) {
    let s = load_demo_if_empty(&store, SMALL, 7, now())
        .await
        .unwrap()
        .expect("loaded");
    assert_eq!((s.households, s.enterprises), (30, 6));
    let c = store.counts(&Scope::System).await.unwrap();
    assert_eq!(
        (c.persons as usize, c.households, c.enterprises),
        (s.persons, 30, 6)
    );
    assert!(
        load_demo_if_empty(&store, SMALL, 7, now())
            .await
            .unwrap()
            .is_none()
    );
}

both_backends!(demo_loads_once);

async fn ids(store: &Store) -> Vec<(String, String)> {
    let mut tx = store.begin().await.unwrap();
    let page = leye_store::list_persons(
        &mut tx,
        &Scope::System,
        &PersonFilter::default(),
        Paging::new(None, Some(200)),
    )
    .await
    .unwrap();
    page.items
        .into_iter()
        .map(|p| (p.name, p.id_number))
        .collect()
}

#[tokio::test]
async fn same_seed_same_city() {
    let a = TestDb::sqlite().await;
    let b = TestDb::sqlite().await;
    let c = TestDb::sqlite().await;
    load_demo_if_empty(&a.store, SMALL, 1, now()).await.unwrap();
    load_demo_if_empty(&b.store, SMALL, 1, now()).await.unwrap();
    load_demo_if_empty(&c.store, SMALL, 2, now()).await.unwrap();
    assert_eq!(ids(&a.store).await, ids(&b.store).await);
    assert_ne!(ids(&a.store).await, ids(&c.store).await);
}

/// The city at a small scale: valid identifiers, the shape asked for, one audit row,
/// the same city for the same seed, and nothing written into a registry that has data.
async fn city_at_scale(store: Store) {
    use leye_synth::city::{CityOptions, load_city};
    let opts = CityOptions {
        scale: 0.002,
        seed: 42,
        today: leye_testkit::today(),
    };
    let mut steps = Vec::new();
    let mut progress =
        |step: &str, done: u64, total: u64| steps.push((step.to_string(), done, total));
    let s = load_city(&store, opts, now(), &mut progress).await.unwrap();
    assert!(steps.iter().any(|(s, d, t)| s == "人员" && d >= t));
    assert!((6_800..7_000).contains(&s.persons), "{s:?}");
    assert_eq!(s.enterprises, 120);
    assert_eq!(s.headcount_rows, 120 * 24);
    let c = store.counts(&Scope::System).await.unwrap();
    assert_eq!(c.persons as u64, s.persons);
    // Every ID number parses and matches the stored birth date and sex.
    let mut tx = store.begin_read().await.unwrap();
    let page = leye_store::list_persons(
        &mut tx,
        &Scope::System,
        &PersonFilter::default(),
        Paging::new(Some(1), Some(200)),
    )
    .await
    .unwrap();
    for p in &page.items {
        let id = leye_domain::IdNumber::parse(&p.id_number, leye_testkit::today()).unwrap();
        assert_eq!(id.birth_date().to_string(), p.birth_date);
        assert_eq!(id.sex().code(), p.sex);
    }
    let log = leye_store::audit_entries(&mut tx, "registry", 0)
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    tx.commit().await.unwrap();
    // Shape: about 2% of the labour force registered unemployed; some from the paired region.
    let unemployed = s.registered_unemployed as f64 / s.persons as f64;
    assert!((0.005..0.03).contains(&unemployed), "{unemployed}");
    assert!(s.from_paired_region > 0);
    // A second load into the same registry is refused and changes nothing.
    let e = load_city(&store, opts, now(), &mut |_, _, _| {}).await;
    assert!(e.unwrap_err().to_string().contains("空库"));
    assert_eq!(
        store.counts(&Scope::System).await.unwrap().persons as u64,
        s.persons
    );
    // Same seed, same city.
    let other = TestDb::sqlite().await;
    let again = load_city(&other.store, opts, now(), &mut |_, _, _| {})
        .await
        .unwrap();
    assert_eq!(again.persons, s.persons);
    let a = store.begin_read().await.unwrap();
    let b = other.store.begin_read().await.unwrap();
    let first = |tx| async move {
        let mut tx: leye_store::Tx = tx;
        let p = leye_store::list_persons(
            &mut tx,
            &Scope::System,
            &PersonFilter::default(),
            Paging::new(Some(3), Some(50)),
        )
        .await
        .unwrap();
        p.items
            .iter()
            .map(|p| p.id_number.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(first(a).await, first(b).await);
}

both_backends!(city_at_scale);

/// The demo's job market, gig shifts and events are made through the real rules (publishing
/// checks, places, check-in windows, events running) and add up.
async fn demo_market_follows_the_rules(store: Store) {
    load_demo_if_empty(&store, SMALL, 7, now()).await.unwrap();
    let sys = Scope::System;
    let actor = leye_store::Actor::system("test");
    let bad = |e: leye_jobs::JobsError| {
        leye_synth::SynthError::Invalid(leye_domain::FieldError::new(
            "demo",
            "invalid",
            e.to_string(),
        ))
    };
    let jobs = leye_synth::jobs::load_demo_jobs(
        &store,
        80,
        7,
        now(),
        async |enterprise, input| {
            leye_jobs::publish(
                &store,
                &sys,
                enterprise,
                &input,
                &actor,
                now(),
                leye_testkit::today(),
            )
            .await
            .map(|_| ())
            .map_err(bad)
        },
        async |person, input| {
            leye_jobs::save_profile(&store, &sys, person, &input, &actor, now())
                .await
                .map(|_| ())
                .map_err(bad)
        },
    )
    .await
    .unwrap();
    assert_eq!(jobs.postings, 80);
    let m = leye_synth::market::load_demo_market(&store, 7, 40, now())
        .await
        .unwrap();
    assert_eq!(m.events, 40);
    assert!(m.slots > 0, "{m:?}");
    let mut tx = store.begin_read().await.unwrap();
    let held: i64 = leye_store::events_held(&mut tx, 2026, "2026-11-28")
        .await
        .unwrap()
        .iter()
        .map(|(_, n)| n)
        .sum();
    // Spread from 1 January to a month ahead: most are held by now, some are to come.
    assert!((30..40).contains(&held), "{held}");
    let events = leye_store::list_events(&mut tx, Some(2026), None)
        .await
        .unwrap();
    let applications: i64 = events.iter().map(|e| e.stats.applications).sum();
    assert_eq!(applications as usize, m.event_applications);
    assert!(events.iter().all(|e| e.stats.hires <= e.stats.interviews));
}

both_backends!(demo_market_follows_the_rules);

/// The demo's skills and startup records go through the registries' rules and feed the
/// counts of the plan's targets.
async fn demo_skills_feed_the_targets(store: Store) {
    load_demo_if_empty(&store, SMALL, 7, now()).await.unwrap();
    let s = leye_synth::skills::load_demo_skills(&store, 7, now())
        .await
        .unwrap();
    assert!(s.completions > 0 && s.certificates > 0, "{s:?}");
    let mut tx = store.begin_read().await.unwrap();
    let today = leye_testkit::today();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let counts = leye_skills::counts::counts(&mut tx, start, today)
        .await
        .unwrap();
    let total = |id: &str| -> i64 {
        counts
            .iter()
            .filter(|c| c.indicator == id)
            .map(|c| c.n)
            .sum()
    };
    assert_eq!(total("training_sessions") as usize, s.completions);
    assert!(total("new_skilled_talents") > 0);
    assert_eq!(total("youth_startups"), 40);
    assert_eq!(total("hr_institutions"), 15);
    assert_eq!(total("provincial_specialty_groups"), 2);
}

both_backends!(demo_skills_feed_the_targets);
