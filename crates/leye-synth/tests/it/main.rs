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
