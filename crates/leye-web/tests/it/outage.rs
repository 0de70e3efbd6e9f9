//! The database goes away while the server runs: every request answers 503 with a clear
//! Chinese message (API: JSON; pages: the error page, no stack trace), quickly rather than
//! after the pool's whole wait, and the server recovers by itself once the database is back.
//! PostgreSQL only: an embedded SQLite file cannot become unreachable.

use super::*;
use leye_testkit::{TcpProxy, TestDb};
use std::time::Duration;

/// GET as the admin (the health check as a load balancer calls it: without a token).
async fn get(env: &Env, uri: &str) -> (StatusCode, String) {
    let mut req = Request::builder().uri(uri);
    if uri != "/healthz" {
        req = req.header("authorization", format!("Bearer {}", env.token));
    }
    let req = req.body(Body::empty()).unwrap();
    let (s, b, _) = tokio::time::timeout(Duration::from_secs(60), send(&env.app, req))
        .await
        .expect("an outage must not hang a request");
    (s, String::from_utf8_lossy(&b).to_string())
}

#[tokio::test]
async fn database_outage_is_a_clear_503_and_recovers_postgres() {
    let db = TestDb::postgres().await;
    let proxy = TcpProxy::start(&TcpProxy::upstream_of(&db.url)).await;
    let store = Store::connect(&proxy.url_for(&db.url)).await.unwrap();
    let env = env(store).await;
    let (s, body) = get(&env, "/api/v1/persons").await;
    assert_eq!(s, StatusCode::OK, "{body}");

    proxy.cut();
    for uri in ["/api/v1/persons", "/healthz", "/persons", "/api/v1/persons"] {
        let (s, body) = get(&env, uri).await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{uri}: {body}");
        if uri == "/healthz" {
            assert!(body.contains("degraded"), "{body}");
        } else {
            assert!(body.contains("数据库暂时无法连接"), "{uri}: {body}");
            assert!(
                !body.contains("panicked") && !body.contains("sqlx"),
                "{body}"
            );
        }
        if uri == "/persons" {
            assert!(body.contains("<html"), "a page for a browser: {body}");
        }
    }

    proxy.restore();
    let mut last = (StatusCode::OK, String::new());
    for _ in 0..100 {
        last = get(&env, "/api/v1/persons").await;
        if last.0 == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(last.0, StatusCode::OK, "recovered by itself: {}", last.1);
    let (s, _) = get(&env, "/healthz").await;
    assert_eq!(s, StatusCode::OK);
}
