//! The rules of applications, budgets, payments and placements hold in the database itself:
//! hand-written SQL that tries to break them is refused on both backends.

use super::{enterprise, person, sys};
use leye_domain::Scope;
use leye_store::*;
use leye_testkit::{both_backends, now};

/// Run one statement in its own transaction; true when the database refused it.
async fn refused(store: &Store, sql: &str) -> bool {
    let mut tx = store.begin().await.unwrap();
    let r = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut *tx)
        .await;
    match r {
        Ok(_) => {
            tx.commit().await.unwrap();
            false
        }
        Err(_) => true,
    }
}

async fn ok(store: &Store, sql: &str) {
    assert!(!refused(store, sql).await, "should pass: {sql}");
}

const APP: &str = "INSERT INTO applications (id, measure, clause, subject, person_id, region, district, fund, \
    budget_year, channel, state, state_since, decision_status, decided_on, amount_fen, decision_json, \
    payee_name, payee_account, submitted_by, reviewed_by, decided_by, reject_reason, live_key, once_key, \
    created_by, created_at, updated_at) VALUES ";

fn app(
    id: i64,
    state: &str,
    hands: (&str, &str, &str),
    reason: &str,
    keys: (&str, &str),
) -> String {
    format!(
        "{APP}({id}, 'job_expansion', '二(三)2', 'p1', 1, '330502', '330502', 'fiscal', 2026, 'officer', \
         '{state}', 'x', 'eligible', '2026-11-28', 150000, '{{}}', '张三', '6222021234567890', {}, {}, {}, \
         {reason}, {}, {}, 't', '2026-11-28', '2026-11-28')",
        hands.0, hands.1, hands.2, keys.0, keys.1
    )
}

async fn database_keeps_the_rules(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let p = create_person(
        &mut tx,
        &Scope::System,
        &sys(),
        &person("甲", "330502102201", 71),
        now(),
    )
    .await
    .unwrap();
    assert_eq!(p, 1);
    let e = create_enterprise(
        &mut tx,
        &Scope::System,
        &sys(),
        &enterprise(71, "330502102"),
        now(),
    )
    .await
    .unwrap();
    for u in ["u1", "u2", "u3"] {
        create_user(
            &mut tx,
            &sys(),
            &NewUser {
                username: u.into(),
                display_name: u.into(),
                password_hash: "x".into(),
                role: "county_officer".into(),
                region_code: Some("330502".into()),
                unit: None,
                enterprise_id: None,
                person_id: None,
            },
            now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    // Four eyes: reviewer = submitter, approver = reviewer, approver = submitter.
    assert!(
        refused(
            &store,
            &app(
                1,
                "under_review",
                ("1", "1", "NULL"),
                "NULL",
                ("NULL", "NULL")
            )
        )
        .await
    );
    assert!(
        refused(
            &store,
            &app(1, "approved", ("1", "2", "2"), "NULL", ("NULL", "NULL"))
        )
        .await
    );
    assert!(
        refused(
            &store,
            &app(1, "approved", ("1", "2", "1"), "NULL", ("NULL", "NULL"))
        )
        .await
    );
    // A rejection needs a reason; approval needs an eligible decision.
    assert!(
        refused(
            &store,
            &app(1, "rejected", ("1", "2", "3"), "NULL", ("NULL", "NULL"))
        )
        .await
    );
    assert!(
        refused(
            &store,
            &app(1, "approved", ("1", "2", "3"), "NULL", ("NULL", "NULL"))
                .replace("'eligible'", "'not_eligible'")
        )
        .await
    );
    ok(
        &store,
        &app(
            1,
            "approved",
            ("1", "2", "3"),
            "NULL",
            ("'k1'", "'job_expansion|p1'"),
        ),
    )
    .await;
    // Once-only: a second approval with the same key; a second live application.
    assert!(
        refused(
            &store,
            &app(
                2,
                "approved",
                ("1", "2", "3"),
                "NULL",
                ("'k2'", "'job_expansion|p1'")
            )
        )
        .await
    );
    assert!(
        refused(
            &store,
            &app(
                2,
                "submitted",
                ("1", "NULL", "NULL"),
                "NULL",
                ("'k1'", "NULL")
            )
        )
        .await
    );
    ok(
        &store,
        &app(2, "approved", ("1", "2", "3"), "NULL", ("'k2'", "NULL")),
    )
    .await;
    // No update can break four eyes later either.
    assert!(
        refused(
            &store,
            "UPDATE applications SET decided_by = 1 WHERE id = 1"
        )
        .await
    );

    // Budgets never go over.
    ok(
        &store,
        "INSERT INTO budgets (measure, district, year, amount_fen, committed_fen, updated_at) \
        VALUES ('job_expansion', '330502', 2026, 100000, 0, 'x')",
    )
    .await;
    assert!(refused(&store, "UPDATE budgets SET committed_fen = 100001").await);
    assert!(refused(&store, "UPDATE budgets SET committed_fen = -1").await);

    // One live payment item per application; keys unique; failures need a reason.
    ok(
        &store,
        "INSERT INTO payment_batches (id, fund, state, items, total_fen, created_by, created_at) \
        VALUES (1, 'fiscal', 'sent', 2, 300000, 't', 'x')",
    )
    .await;
    let item = |id: i64, app: i64, attempt: i64, state: &str, live: &str, key: &str| {
        format!(
            "INSERT INTO payment_items (id, batch_id, application_id, attempt, idem_key, amount_fen, payee_name, \
             payee_account, state, live_key, fail_reason) VALUES ({id}, 1, {app}, {attempt}, '{key}', 150000, '张三', \
             '6222', '{state}', {live}, {})",
            if state == "failed" {
                "'销户'"
            } else {
                "NULL"
            }
        )
    };
    ok(&store, &item(1, 1, 1, "pending", "1", "K-1")).await;
    assert!(
        refused(&store, &item(2, 1, 2, "pending", "1", "K-2")).await,
        "second live item"
    );
    assert!(
        refused(&store, &item(2, 2, 1, "pending", "2", "K-1")).await,
        "same key"
    );
    assert!(
        refused(&store, &item(2, 2, 1, "pending", "1", "K-3")).await,
        "live key of another app"
    );
    assert!(
        refused(&store, &item(2, 2, 1, "failed", "2", "K-3")).await,
        "failed but live"
    );
    assert!(
        refused(
            &store,
            "UPDATE payment_items SET state = 'failed', live_key = NULL"
        )
        .await,
        "failed without reason"
    );
    ok(
        &store,
        "UPDATE payment_items SET state = 'failed', live_key = NULL, fail_reason = '销户'",
    )
    .await;
    ok(&store, &item(2, 1, 2, "paid", "1", "K-2")).await;

    // The transition log is append-only.
    ok(
        &store,
        "INSERT INTO application_transitions (application_id, to_state, action, by_name, at) \
        VALUES (1, 'submitted', 'submit', 't', 'x')",
    )
    .await;
    assert!(
        refused(
            &store,
            "UPDATE application_transitions SET note = 'changed'"
        )
        .await
    );
    assert!(refused(&store, "DELETE FROM application_transitions").await);

    // Placements: at most two, never overlapping.
    ok(&store, &format!("INSERT INTO welfare_posts (id, name, enterprise_id, region, full_time, monthly_pay_fen, \
        payee_account, created_at) VALUES (1, '保洁', {e}, '330502102', 1, 250000, '6222021234567890', 'x')")).await;
    let place = |id: i64, no: i64, start: &str, end: &str| {
        format!(
            "INSERT INTO welfare_placements (id, post_id, person_id, placement_no, start_on, subsidy_end, \
             decision_json, created_by, created_at) VALUES ({id}, 1, 1, {no}, '{start}', '{end}', '{{}}', 't', 'x')"
        )
    };
    ok(&store, &place(1, 1, "2023-01-01", "2025-12-31")).await;
    assert!(
        refused(&store, &place(2, 2, "2025-06-01", "2028-05-31")).await,
        "overlap"
    );
    ok(&store, &place(2, 2, "2026-01-01", "2028-12-31")).await;
    assert!(
        refused(&store, &place(3, 3, "2029-01-01", "2031-12-31")).await,
        "third"
    );
    assert!(
        refused(&store, &place(3, 2, "2029-01-01", "2031-12-31")).await,
        "number taken"
    );
}

both_backends!(database_keeps_the_rules);
