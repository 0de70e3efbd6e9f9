//! HTTP shell of 乐业 (leye): the JSON API under `/api/v1/` with its OpenAPI document, and
//! the web UI in simplified Chinese. Thin by design: a handler parses input into domain types,
//! calls the store with the caller's scope inside a transaction, and renders. No SQL here, no
//! rules here, and no input may produce a 500.

pub mod access;
pub mod api;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod ui;
pub mod views;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use leye_store::Store;

/// Where "now" comes from: the system clock, or a fixed instant in tests.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
        }
    }
    /// Today's date in Huzhou (UTC+8; China has no daylight saving).
    pub fn today(self) -> NaiveDate {
        leye_domain::time::local_date(self.now())
    }
}

/// Shared state of every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Clock,
}

impl AppState {
    /// Re-decide hard-to-employ status and zero-employment for a person's household inside the
    /// transaction that changed them (see `leye-help`): every single-record edit calls this.
    pub async fn after_person_change(
        &self,
        tx: &mut leye_store::Tx,
        actor: &leye_store::Actor,
        person_id: i64,
    ) -> Result<(), error::ApiError> {
        leye_help::refresh_person(
            tx,
            self.store.backend(),
            person_id,
            self.clock.today(),
            actor,
            self.clock.now(),
        )
        .await?;
        Ok(())
    }

    /// The same after a household's facts or members changed.
    pub async fn after_household_change(
        &self,
        tx: &mut leye_store::Tx,
        actor: &leye_store::Actor,
        household_id: i64,
    ) -> Result<(), error::ApiError> {
        leye_help::refresh_household(
            tx,
            self.store.backend(),
            household_id,
            self.clock.today(),
            actor,
            self.clock.now(),
        )
        .await?;
        Ok(())
    }
}

/// The whole application: API, UI, health check, security headers.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", axum::routing::get(api::healthz))
        .nest("/api/v1", api::router())
        .merge(ui::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::guard,
        ))
        .with_state(state)
        .layer(axum::middleware::map_response(security_headers))
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: header::HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    res
}

/// Serve on `listener` until Ctrl-C.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
