//! Store integration tests: every test body runs on SQLite and on PostgreSQL.

use leye_domain::enterprise::{EnterpriseInput, Headcount};
use leye_domain::household::{HouseholdInput, MemberInput};
use leye_domain::labour::{LabourEventInput, LabourStatus};
use leye_domain::person::PersonInput;
use leye_domain::{Regions, Scope, YearMonth};
use leye_store::*;
use leye_testkit::{both_backends, credit_code, id_number, now, today};

fn sys() -> Actor {
    Actor::system("test")
}

fn person(name: &str, region: &str, seq: u32) -> leye_domain::person::PersonFacts {
    PersonInput {
        name: name.into(),
        id_number: id_number("330502", "19900101", seq),
        residence_region: region.into(),
        phone: Some("13812345678".into()),
        urban: true,
        ..Default::default()
    }
    .parse(Regions::huzhou(), today())
    .unwrap()
}

fn enterprise(n: u32, region: &str) -> leye_domain::enterprise::EnterpriseFacts {
    EnterpriseInput {
        credit_code: credit_code("330502", n),
        name: format!("测试企业{n}有限公司"),
        industry: "C".into(),
        region: region.into(),
        scale: "large".into(),
        ..Default::default()
    }
    .parse(Regions::huzhou())
    .unwrap()
}

async fn person_crud(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let id = create_person(
        &mut tx,
        &Scope::System,
        &sys(),
        &person("张三", "330502102201", 11),
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let p = get_person(&mut tx, &Scope::System, id).await.unwrap();
    assert_eq!(p.name, "张三");
    assert_eq!(p.sex, "M");
    assert_eq!(p.birth_date, "1990-01-01");
    assert_eq!(p.phone.as_deref(), Some("13812345678"));
    assert!(p.urban && !p.veteran);

    let mut changed = person("张三丰", "330503101", 11);
    changed.veteran = true;
    let p2 = update_person(&mut tx, &Scope::System, &sys(), id, &changed, now())
        .await
        .unwrap();
    assert_eq!(
        (
            p2.name.as_str(),
            p2.residence_region.as_str(),
            p2.veteran,
            p2.version
        ),
        ("张三丰", "330503101", true, 2)
    );
    let log = audit_entries(&mut tx, "person", id).await.unwrap();
    assert_eq!(
        log.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
        ["update", "create"]
    );
    tx.commit().await.unwrap();
}

async fn duplicate_id_number_changes_nothing(store: Store) {
    let mut tx = store.begin().await.unwrap();
    create_person(
        &mut tx,
        &Scope::System,
        &sys(),
        &person("甲", "330502", 1),
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let e = create_person(
        &mut tx,
        &Scope::System,
        &sys(),
        &person("乙", "330503", 1),
        now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Duplicate {
                field: "id_number",
                ..
            }
        ),
        "{e:?}"
    );
    drop(tx); // rolled back
    let counts = store.counts(&Scope::System).await.unwrap();
    assert_eq!(counts.persons, 1);
}

async fn database_constraints_back_the_rules(store: Store) {
    // Bypass the code's checks: the database itself refuses a duplicate and a bad value.
    let mut tx = store.begin().await.unwrap();
    create_person(
        &mut tx,
        &Scope::System,
        &sys(),
        &person("甲", "330502", 1),
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let dup: Result<_, StoreError> = sqlx::query(
        "INSERT INTO persons (id_number, name, sex, birth_date, residence_region, education, veteran, \
         poverty_alleviated, assistance, urban, created_at, updated_at) \
         SELECT id_number, 'x', sex, birth_date, residence_region, education, 0, 0, 'none', 1, 'a', 'a' FROM persons",
    )
    .execute(&mut *tx)
    .await
    .map_err(StoreError::from);
    assert!(
        matches!(
            dup,
            Err(StoreError::Duplicate {
                field: "id_number",
                ..
            })
        ),
        "{dup:?}"
    );
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let bad = sqlx::query("UPDATE persons SET disability_grade = 9")
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from);
    assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let fk = sqlx::query("UPDATE persons SET residence_region = '110105'")
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from);
    assert!(matches!(fk, Err(StoreError::Invalid(_))), "{fk:?}");
}

async fn scope_filters_every_query(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let a = create_person(
        &mut tx,
        &Scope::System,
        &sys(),
        &person("吴兴人", "330502102201", 1),
        now(),
    )
    .await
    .unwrap();
    let b = create_person(
        &mut tx,
        &Scope::System,
        &sys(),
        &person("南浔人", "330503101", 2),
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let wuxing = Scope::Region("330502".into());
    let mut tx = store.begin().await.unwrap();
    let page = list_persons(
        &mut tx,
        &wuxing,
        &PersonFilter::default(),
        Paging::new(None, None),
    )
    .await
    .unwrap();
    assert_eq!(page.items.iter().map(|p| p.id).collect::<Vec<_>>(), [a]);
    assert!(matches!(
        get_person(&mut tx, &wuxing, b).await,
        Err(StoreError::OutOfScope { .. })
    ));
    // A township officer sees the village inside it.
    // A record that does not exist at all is NotFound.
    assert!(matches!(
        get_person(&mut tx, &wuxing, 999_999).await,
        Err(StoreError::NotFound { .. })
    ));
    let town = Scope::Region("330502102".into());
    assert_eq!(get_person(&mut tx, &town, a).await.unwrap().id, a);
    // Writing outside one's region is refused.
    let e = create_person(
        &mut tx,
        &wuxing,
        &sys(),
        &person("越界", "330503101", 3),
        now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)));
    // A person sees only themself; a responsible unit sees no one.
    let me = list_persons(
        &mut tx,
        &Scope::Person(b),
        &PersonFilter::default(),
        Paging::new(None, None),
    )
    .await
    .unwrap();
    assert_eq!(me.total, 1);
    let unit = list_persons(
        &mut tx,
        &Scope::ResponsibleUnit("市经信局".into()),
        &PersonFilter::default(),
        Paging::new(None, None),
    )
    .await
    .unwrap();
    assert_eq!(unit.total, 0);
    let city = store.counts(&Scope::Region("330500".into())).await.unwrap();
    assert_eq!(city.persons, 2);
}

/// The first hundred persons anyone can see, newest first.
async fn first_hundred(c: &mut Conn) -> Page<PersonRecord> {
    let all = PersonFilter::default();
    list_persons(c, &Scope::System, &all, Paging::new(Some(1), Some(100)))
        .await
        .unwrap()
}

async fn list_filters_and_pages(store: Store) {
    let mut tx = store.begin().await.unwrap();
    for i in 0..25 {
        let name = if i % 5 == 0 {
            format!("王%_{i}")
        } else {
            format!("李{i}")
        };
        create_person(
            &mut tx,
            &Scope::System,
            &sys(),
            &person(&name, "330521101", i),
            now(),
        )
        .await
        .unwrap();
    }
    // A list is read as JSON the database writes on SQLite and as rows on PostgreSQL
    // (`sql::hot_page`): text that JSON must escape (control characters are refused at
    // input), every kind of column, NULLs and flags come back as a single read gives them.
    let odd = PersonInput {
        name: "O'Neil·买买提".into(),
        id_number: id_number("330502", "19750606", 99),
        residence_region: "330502102201".into(),
        hukou_region: Some("650102".into()),
        address: Some("路\"一\"号\\2单元 </script> 🏠".into()),
        school: Some("湖州\\师范\"学院\"".into()),
        graduation_date: Some("1998-07-01".into()),
        education: Some("bachelor".into()),
        disability_grade: Some(3),
        veteran: true,
        poverty_alleviated: true,
        urban: false,
        ..Default::default()
    }
    .parse(Regions::huzhou(), today())
    .unwrap();
    create_person(&mut tx, &Scope::System, &sys(), &odd, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let all = first_hundred(&mut tx).await;
    assert_eq!(all.items.len(), 26);
    let ids: Vec<i64> = all.items.iter().map(|p| p.id).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    for listed in &all.items {
        let one = get_person(&mut tx, &Scope::System, listed.id)
            .await
            .unwrap();
        assert_eq!(
            serde_json::to_value(listed).unwrap(),
            serde_json::to_value(&one).unwrap()
        );
    }
    let first = &all.items[0];
    assert_eq!(first.address, odd.address);
    assert!(first.veteran && first.poverty_alleviated && !first.urban);
    assert_eq!(first.disability_grade, Some(3));
    let beyond = list_persons(
        &mut tx,
        &Scope::System,
        &PersonFilter::default(),
        Paging::new(Some(9), Some(10)),
    )
    .await
    .unwrap();
    assert!(beyond.items.is_empty() && beyond.total == 26);
    tx.rollback().await.unwrap();
    // Outside a transaction, as the server reads a list: the same page.
    let bare = first_hundred(&mut store.connection().await.unwrap()).await;
    assert_eq!(
        serde_json::to_value(&bare.items).unwrap(),
        serde_json::to_value(&all.items).unwrap()
    );
    let mut tx = store.begin().await.unwrap();
    let page2 = list_persons(
        &mut tx,
        &Scope::System,
        &PersonFilter::default(),
        Paging::new(Some(2), Some(10)),
    )
    .await
    .unwrap();
    assert_eq!((page2.total, page2.items.len(), page2.page), (26, 10, 2));
    let f = PersonFilter {
        name: Some("%_".into()),
        ..Default::default()
    };
    // `%` and `_` are literal characters in a name search, not wildcards.
    let wang = list_persons(&mut tx, &Scope::System, &f, Paging::new(None, None))
        .await
        .unwrap();
    assert_eq!(wang.total, 5);
    let f = PersonFilter {
        region: Some("330522".into()),
        ..Default::default()
    };
    assert_eq!(
        list_persons(&mut tx, &Scope::System, &f, Paging::new(None, None))
            .await
            .unwrap()
            .total,
        0
    );
}

async fn labour_history_derives_current_status(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let eid = create_enterprise(
        &mut tx,
        &Scope::System,
        &sys(),
        &enterprise(1, "330502"),
        now(),
    )
    .await
    .unwrap();
    let pid = create_person(
        &mut tx,
        &Scope::System,
        &sys(),
        &person("赵六", "330502", 7),
        now(),
    )
    .await
    .unwrap();
    let birth = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    let ev = |status: &str, on: &str, ent: Option<i64>| {
        LabourEventInput {
            status: status.into(),
            effective: on.into(),
            enterprise_id: ent,
            ..Default::default()
        }
        .parse(birth, today())
        .unwrap()
    };
    append_labour_event(
        &mut tx,
        &Scope::System,
        &sys(),
        pid,
        &ev("unemployed", "2026-03-01", None),
        today(),
        now(),
    )
    .await
    .unwrap();
    // Recorded later but effective earlier: the current status stays "unemployed".
    append_labour_event(
        &mut tx,
        &Scope::System,
        &sys(),
        pid,
        &ev("employed", "2020-01-01", Some(eid)),
        today(),
        now(),
    )
    .await
    .unwrap();
    let p = get_person(&mut tx, &Scope::System, pid).await.unwrap();
    assert_eq!(
        (p.labour_status.as_deref(), p.labour_since.as_deref()),
        (Some("unemployed"), Some("2026-03-01"))
    );
    let h = labour_history(&mut tx, &Scope::System, pid).await.unwrap();
    assert_eq!(
        h.iter().map(|e| e.status.as_str()).collect::<Vec<_>>(),
        ["employed", "unemployed"]
    );
    let f = PersonFilter {
        labour_status: Some(LabourStatus::Unemployed),
        ..Default::default()
    };
    assert_eq!(
        list_persons(&mut tx, &Scope::System, &f, Paging::new(None, None))
            .await
            .unwrap()
            .total,
        1
    );
    // An unknown enterprise is a field error, not a crash.
    let e = append_labour_event(
        &mut tx,
        &Scope::System,
        &sys(),
        pid,
        &ev("employed", "2026-05-01", Some(999)),
        today(),
        now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref f) if f.field == "enterprise_id"),
        "{e:?}"
    );
}

async fn households_have_one_head_and_exclusive_members(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let a = create_person(
        &mut tx,
        &Scope::System,
        &sys(),
        &person("户主", "330502", 1),
        now(),
    )
    .await
    .unwrap();
    let b = create_person(
        &mut tx,
        &Scope::System,
        &sys(),
        &person("配偶", "330502", 2),
        now(),
    )
    .await
    .unwrap();
    let input = |members: Vec<(i64, &str)>| {
        HouseholdInput {
            region: "330502".into(),
            urban: true,
            business_income: false,
            income_band: Some("middle".into()),
            members: members
                .into_iter()
                .map(|(p, r)| MemberInput {
                    person_id: p,
                    relation: r.into(),
                })
                .collect(),
        }
        .parse(Regions::huzhou())
        .unwrap()
    };
    let h = create_household(
        &mut tx,
        &Scope::System,
        &sys(),
        &input(vec![(a, "head"), (b, "spouse")]),
        now(),
    )
    .await
    .unwrap();
    let rec = get_household(&mut tx, &Scope::System, h).await.unwrap();
    assert_eq!(
        rec.members
            .iter()
            .map(|m| m.relation.as_str())
            .collect::<Vec<_>>(),
        ["head", "spouse"]
    );
    assert_eq!(
        get_person(&mut tx, &Scope::System, a)
            .await
            .unwrap()
            .household_id,
        Some(h)
    );
    // Lists carry the household too, on every page (it is added around the page's rows).
    let mut listed = Vec::new();
    for page in 1..=3 {
        let p = list_persons(
            &mut tx,
            &Scope::System,
            &PersonFilter::default(),
            Paging::new(Some(page), Some(1)),
        )
        .await
        .unwrap();
        listed.extend(p.items.iter().map(|r| (r.id, r.household_id)));
    }
    assert!(
        listed.contains(&(a, Some(h))) && listed.contains(&(b, Some(h))),
        "{listed:?}"
    );
    // The same person cannot be in a second household.
    let e = create_household(
        &mut tx,
        &Scope::System,
        &sys(),
        &input(vec![(b, "head")]),
        now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Duplicate {
                field: "members",
                ..
            }
        ),
        "{e:?}"
    );
    // An unknown person is named by field.
    let e = create_household(
        &mut tx,
        &Scope::System,
        &sys(),
        &input(vec![(4242, "head")]),
        now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref f) if f.field == "members[0].person_id"),
        "{e:?}"
    );
    // Update moves the head.
    let rec = update_household(
        &mut tx,
        &Scope::System,
        &sys(),
        h,
        &input(vec![(b, "head"), (a, "spouse")]),
        now(),
    )
    .await
    .unwrap();
    assert_eq!(rec.members[0].person_id, b);
    // A person sees their own household.
    assert_eq!(
        list_households(
            &mut tx,
            &Scope::Person(a),
            &HouseholdFilter::default(),
            Paging::new(None, None)
        )
        .await
        .unwrap()
        .total,
        1
    );
}

async fn enterprises_and_key_status(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let id = create_enterprise(
        &mut tx,
        &Scope::System,
        &sys(),
        &enterprise(5, "330522108"),
        now(),
    )
    .await
    .unwrap();
    let e = get_enterprise(&mut tx, &Scope::System, id).await.unwrap();
    assert!(e.key_reasons.is_empty());
    for (m, n) in [("2026-09", 480), ("2026-10", 520)] {
        let h = Headcount {
            month: YearMonth::parse(m).unwrap(),
            headcount: n,
            loss_cause: None,
        };
        set_headcount(&mut tx, &Scope::System, &sys(), id, h, now())
            .await
            .unwrap();
    }
    let e = get_enterprise(&mut tx, &Scope::System, id).await.unwrap();
    assert_eq!(e.latest_headcount.unwrap().headcount, 520);
    assert_eq!(
        e.key_reasons.iter().map(|k| k.code).collect::<Vec<_>>(),
        ["staff"]
    );
    // Correcting a month replaces it.
    let h = Headcount {
        month: YearMonth::parse("2026-10").unwrap(),
        headcount: 499,
        loss_cause: None,
    };
    set_headcount(&mut tx, &Scope::System, &sys(), id, h, now())
        .await
        .unwrap();
    assert_eq!(
        headcount_history(&mut tx, &Scope::System, id)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        get_enterprise(&mut tx, &Scope::System, id)
            .await
            .unwrap()
            .key_reasons
            .is_empty()
    );
    let e = create_enterprise(
        &mut tx,
        &Scope::System,
        &sys(),
        &enterprise(5, "330502"),
        now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(
        e,
        StoreError::Duplicate {
            field: "credit_code",
            ..
        }
    ));
    // Employers see only their own enterprise.
    let other = create_enterprise(
        &mut tx,
        &Scope::System,
        &sys(),
        &enterprise(6, "330502"),
        now(),
    )
    .await
    .unwrap();
    assert!(
        get_enterprise(&mut tx, &Scope::Enterprise(id), other)
            .await
            .is_err()
    );
    assert_eq!(
        get_enterprise(&mut tx, &Scope::Enterprise(id), id)
            .await
            .unwrap()
            .id,
        id
    );
    let f = EnterpriseFilter {
        name: Some("企业6".into()),
        ..Default::default()
    };
    assert_eq!(
        list_enterprises(&mut tx, &Scope::System, &f, Paging::new(None, None))
            .await
            .unwrap()
            .total,
        1
    );
}

async fn migrate_is_idempotent(store: Store) {
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
}

async fn audit_chain_detects_tampering(store: Store) {
    let mut tx = store.begin().await.unwrap();
    for i in 0..5 {
        create_person(
            &mut tx,
            &Scope::System,
            &sys(),
            &person("审计", "330502", i),
            now(),
        )
        .await
        .unwrap();
    }
    assert_eq!(verify_audit(&mut tx).await.unwrap(), Ok(5));
    tx.commit().await.unwrap();
    // Nothing can edit or delete entries.
    let mut tx = store.begin().await.unwrap();
    assert!(
        sqlx::query("UPDATE audit_log SET actor = 'x' WHERE id = 2")
            .execute(&mut *tx)
            .await
            .is_err()
    );
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert!(
        sqlx::query("DELETE FROM audit_log WHERE id = 2")
            .execute(&mut *tx)
            .await
            .is_err()
    );
    drop(tx);
    // Someone with the database's keys drops the guard and flips one byte.
    let is_pg = store.backend() == Backend::Postgres;
    let drop_guard = if is_pg {
        "DROP TRIGGER audit_log_no_update ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_update"
    };
    let mut tx = store.begin().await.unwrap();
    sqlx::query(drop_guard).execute(&mut *tx).await.unwrap();
    sqlx::query("UPDATE audit_log SET detail = '330503' WHERE id = 3")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(
        verify_audit(&mut tx).await.unwrap(),
        Err(AuditBreak::Changed { id: 3 })
    );
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    if is_pg {
        sqlx::query(drop_guard).execute(&mut *tx).await.unwrap();
    } else {
        sqlx::query("DROP TRIGGER audit_log_no_delete")
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    sqlx::query("DELETE FROM audit_log WHERE id = 4")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(
        verify_audit(&mut tx).await.unwrap(),
        Err(AuditBreak::Removed { before_id: 5 })
    );
    sqlx::query("DELETE FROM audit_log WHERE id = 5")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(
        verify_audit(&mut tx).await.unwrap(),
        Err(AuditBreak::RemovedAtEnd {
            head_id: 5,
            last_id: 3
        })
    );
}

async fn accounts_sessions_and_tokens(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let u = NewUser {
        username: "wuxing".into(),
        display_name: "吴兴区就业科".into(),
        password_hash: "hash".into(),
        role: "county_officer".into(),
        region_code: Some("330502".into()),
        unit: None,
        enterprise_id: None,
        person_id: None,
    };
    let id = create_user(&mut tx, &sys(), &u, now()).await.unwrap();
    assert!(matches!(
        create_user(&mut tx, &sys(), &u, now()).await,
        Err(StoreError::Duplicate {
            field: "username",
            ..
        })
    ));
    tx.commit().await.unwrap();
    let mut bad_tx = store.begin().await.unwrap();
    let bad = NewUser {
        username: "x2".into(),
        region_code: None,
        ..u.clone()
    };
    assert!(
        create_user(&mut bad_tx, &sys(), &bad, now()).await.is_err(),
        "a county officer needs a region"
    );
    drop(bad_tx);
    let mut tx = store.begin().await.unwrap();
    create_session(
        &mut tx,
        "s1",
        id,
        "csrf",
        "zh",
        now(),
        now() + chrono::Duration::hours(8),
    )
    .await
    .unwrap();
    assert_eq!(
        session(&mut tx, "s1", now())
            .await
            .unwrap()
            .unwrap()
            .user
            .username,
        "wuxing"
    );
    assert!(
        session(&mut tx, "s1", now() + chrono::Duration::hours(9))
            .await
            .unwrap()
            .is_none()
    );
    let t = create_api_token(&mut tx, &sys(), id, "对接系统", "th", now())
        .await
        .unwrap();
    assert_eq!(user_by_token(&mut tx, "th").await.unwrap().unwrap().id, id);
    revoke_api_token(&mut tx, &sys(), id, t, now())
        .await
        .unwrap();
    assert!(user_by_token(&mut tx, "th").await.unwrap().is_none());
    set_user_disabled(&mut tx, &sys(), id, true, now())
        .await
        .unwrap();
    assert!(session(&mut tx, "s1", now()).await.unwrap().is_none());
    assert!(verify_audit(&mut tx).await.unwrap().is_ok());
}

async fn concurrent_writers_all_succeed(store: Store) {
    let mut tasks = Vec::new();
    for i in 0..24u32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.begin().await?;
            // Read first, then write: the pattern that breaks deferred SQLite transactions.
            let _ = list_persons(
                &mut tx,
                &Scope::System,
                &PersonFilter::default(),
                Paging::new(None, Some(1)),
            )
            .await?;
            create_person(
                &mut tx,
                &Scope::System,
                &sys(),
                &person("并发", "330502", 100 + i),
                now(),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(store.counts(&Scope::System).await.unwrap().persons, 24);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(verify_audit(&mut tx).await.unwrap(), Ok(24));
}

/// The bulk insert of an import writes SQLite values as literals: quotes, backslashes,
/// SQL and any Unicode come back exactly as given (NUL, which no text column may hold, is
/// dropped).
async fn bulk_insert_keeps_every_text_exactly(store: Store) {
    let texts = [
        "O'Brien路1号",
        "'); DROP TABLE persons; --",
        "\\'\\n\"双引号\"",
        "''''",
        "emoji 👩‍🔧 and 全角　空格",
        "a\u{0}b",
    ];
    let people: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut p = person("批量", "330502102001", 100 + i as u32);
            p.address = Some((*t).to_string());
            p
        })
        .collect();
    let refs: Vec<_> = people.iter().collect();
    let mut tx = store.begin().await.unwrap();
    insert_persons_bulk(&mut tx, &sys(), &refs, "导入测试", now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_read().await.unwrap();
    let ids: Vec<&str> = people.iter().map(|p| p.id_number.as_str()).collect();
    let found = persons_by_id_numbers(&mut tx, &ids).await.unwrap();
    assert_eq!(found.len(), texts.len());
    for (p, t) in people.iter().zip(texts) {
        let got = found[p.id_number.as_str()].address.clone().unwrap();
        assert_eq!(got, t.replace('\0', ""));
    }
    // One audit row for the whole import, and the chain still verifies.
    assert_eq!(verify_audit(&mut tx).await.unwrap(), Ok(1));
}

both_backends!(
    bulk_insert_keeps_every_text_exactly,
    concurrent_writers_all_succeed,
    audit_chain_detects_tampering,
    accounts_sessions_and_tokens,
    person_crud,
    duplicate_id_number_changes_nothing,
    database_constraints_back_the_rules,
    scope_filters_every_query,
    list_filters_and_pages,
    labour_history_derives_current_status,
    households_have_one_head_and_exclusive_members,
    enterprises_and_key_status,
    migrate_is_idempotent,
);

mod constraints;
