//! HTTP shell of 乐业 (leye): the JSON API under `/api/v1/` with its OpenAPI document, and
//! the web UI in simplified Chinese. Thin by design: a handler parses input into domain types,
//! calls the store with the caller's scope inside a transaction, and renders. No SQL here, no
//! rules here, and no input may produce a 500.

pub mod access;
pub mod api;
pub mod auth;
pub mod callers;
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
    /// The job-search index of this process (rebuilt from the database, kept fresh by
    /// [`Jobs::catch_up`]).
    pub jobs: std::sync::Arc<Jobs>,
    /// The big screen's figures, shared by every caller until the figures change (see
    /// [`FiguresCache`]).
    pub figures: std::sync::Arc<FiguresCache>,
    /// Who the session cookies and API tokens seen lately belong to (see [`callers`]).
    pub callers: std::sync::Arc<callers::Callers>,
    /// Lists seen lately to run past the count cap (see [`ListTotals`]).
    pub totals: std::sync::Arc<ListTotals>,
}

/// Lists this server saw run past [`leye_store::COUNT_CAP`] rows in the last minute, by
/// what was asked (list, caller's scope, filters): their next pages say "10000+" without
/// counting to the cap again, which was most of the cost of a page of a large list (0.55 ms
/// of a city-wide person list's 1.3 ms on SQLite). A list that has not run past the cap is
/// counted every time, so a total a user can read exactly is always exact; a list over it
/// would have to lose rows to fall below it within the minute to be shown wrong.
#[derive(Debug, Default)]
pub struct ListTotals {
    over: std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>,
}

impl ListTotals {
    /// How long a list seen over the cap is taken to still be.
    pub const FOR: std::time::Duration = std::time::Duration::from_secs(60);
    const MAX_ENTRIES: usize = 10_000;

    /// `paging`, told whether the list under `key` was seen over the cap.
    pub fn paging(&self, key: &str, paging: leye_store::Paging) -> leye_store::Paging {
        let over_cap = self
            .over
            .lock()
            .ok()
            .and_then(|m| m.get(key).map(|t| t.elapsed() < Self::FOR))
            .unwrap_or(false);
        leye_store::Paging { over_cap, ..paging }
    }

    /// Note what a page read with `paging` counted.
    pub fn note<T>(&self, key: String, paging: leye_store::Paging, page: &leye_store::Page<T>) {
        if paging.over_cap {
            return;
        }
        if let Ok(mut m) = self.over.lock() {
            if page.total_capped {
                if m.len() >= Self::MAX_ENTRIES {
                    m.clear();
                }
                m.insert(key, std::time::Instant::now());
            } else {
                m.remove(&key);
            }
        }
    }
}

/// The last figures read for the big screen: reading them is the costly part of
/// `/dashboard` (13 months of every indicator), and they are the same for every caller. An
/// entry is used while the newest indicator run is the one it was read after, and for at most
/// a minute (figures written outside a run, e.g. a surveyed rate, show within a minute).
#[derive(Debug, Default)]
pub struct FiguresCache {
    last: std::sync::Mutex<Option<CachedFigures>>,
}

#[derive(Debug)]
struct CachedFigures {
    key: String,
    at: std::time::Instant,
    figures: std::sync::Arc<leye_monitor::figures::Figures>,
}

impl FiguresCache {
    /// The figures cached under `key` if they are fresh.
    pub fn get(&self, key: &str) -> Option<std::sync::Arc<leye_monitor::figures::Figures>> {
        let last = self.last.lock().ok()?;
        last.as_ref()
            .filter(|c| c.key == key && c.at.elapsed() < std::time::Duration::from_secs(60))
            .map(|c| c.figures.clone())
    }

    /// Keep `figures` under `key`.
    pub fn put(&self, key: String, figures: std::sync::Arc<leye_monitor::figures::Figures>) {
        if let Ok(mut last) = self.last.lock() {
            *last = Some(CachedFigures {
                key,
                at: std::time::Instant::now(),
                figures,
            });
        }
    }
}

/// The search index and what it needs, shared by every request of a server.
pub struct Jobs {
    pub index: leye_jobs::index::SearchIndex,
    names: tokio::sync::RwLock<Option<std::sync::Arc<leye_jobs::index::OccupationNames>>>,
    checked: std::sync::Mutex<Option<std::time::Instant>>,
    refresh: tokio::sync::Mutex<()>,
    /// The first whole load finished (until then every search waits for it).
    loaded: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs")
            .field("seq", &self.index.seq())
            .finish()
    }
}

impl Jobs {
    /// An empty in-memory index; the first [`Jobs::catch_up`] loads every live posting.
    pub fn new() -> Result<Self, leye_jobs::JobsError> {
        Ok(Self {
            index: leye_jobs::index::SearchIndex::in_ram()?,
            names: tokio::sync::RwLock::new(None),
            checked: std::sync::Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
            loaded: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Occupation code → name, loaded once per server (a taxonomy import shows its new names
    /// after a restart; codes are stable, so nothing else depends on them).
    pub async fn names(
        &self,
        store: &Store,
    ) -> Result<std::sync::Arc<leye_jobs::index::OccupationNames>, leye_jobs::JobsError> {
        if let Some(n) = self.names.read().await.as_ref() {
            return Ok(n.clone());
        }
        let n = std::sync::Arc::new(leye_jobs::occupation_names(store).await?);
        self.index.add_suggestions(n.values().cloned());
        *self.names.write().await = Some(n.clone());
        Ok(n)
    }

    /// Apply the postings changed since the index last looked. `force` after this process
    /// wrote one; otherwise at most every 200 ms, so that a posting saved by another server
    /// is searchable well within a second. Until the first load has finished, every caller
    /// waits for it (no search of a half-built index).
    pub async fn catch_up(
        &self,
        store: &Store,
        today: NaiveDate,
        force: bool,
    ) -> Result<(), leye_jobs::JobsError> {
        let due = {
            let mut c = self
                .checked
                .lock()
                .map_err(|_| leye_jobs::JobsError::Index("锁异常".into()))?;
            let due = force
                || !self.loaded.load(std::sync::atomic::Ordering::Acquire)
                || c.is_none_or(|t| t.elapsed() >= std::time::Duration::from_millis(200));
            if due {
                *c = Some(std::time::Instant::now());
            }
            due
        };
        if !due {
            return Ok(());
        }
        let _one = self.refresh.lock().await;
        let names = self.names(store).await?;
        leye_jobs::refresh_index(store, &self.index, &names, today).await?;
        self.loaded
            .store(true, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    /// One posting as the public sees it: a live one from the index's records (as fresh as
    /// the index, see [`Jobs::catch_up`]), any other from the database.
    pub async fn posting(
        &self,
        store: &Store,
        today: NaiveDate,
        id: i64,
    ) -> Result<Option<std::sync::Arc<leye_store::PostingRecord>>, leye_jobs::JobsError> {
        self.catch_up(store, today, false).await?;
        if let Some(p) = self.index.records(&[id]).pop() {
            return Ok(Some(p));
        }
        let mut tx = store.begin_read().await?;
        let p = leye_store::get_posting(&mut tx, id).await?;
        tx.commit().await?;
        Ok(p.map(std::sync::Arc::new))
    }
}

impl AppState {
    /// State over a store, with an empty search index.
    pub fn new(store: Store, clock: Clock) -> Result<Self, leye_jobs::JobsError> {
        Ok(Self {
            store,
            clock,
            jobs: std::sync::Arc::new(Jobs::new()?),
            figures: std::sync::Arc::default(),
            callers: std::sync::Arc::default(),
            totals: std::sync::Arc::default(),
        })
    }

    /// Run the outbox (push notifications, SMS) every few seconds, and once a day close
    /// expired postings and publish the last quarter's shortage list when it is due, for as
    /// long as the server runs.
    pub fn start_workers(&self) {
        let app = self.clone();
        tokio::spawn(async move {
            let mut last_expiry: Option<NaiveDate> = None;
            loop {
                let (now, today) = (app.clock.now(), app.clock.today());
                if last_expiry != Some(today) {
                    if let Err(e) = expire(&app.store, today, now).await {
                        tracing::warn!(error = %e, "closing expired postings failed");
                    } else {
                        last_expiry = Some(today);
                    }
                    // 就业监测: recompute the figures, run the daily checks (overdue
                    // households, the surveyed rate, 求人倍率 bands, target projections).
                    let actor = leye_store::Actor::system("监测定时任务");
                    match api::monitor::refresh_now(&app, &actor).await {
                        Ok((r, raised)) => tracing::info!(?r, raised, "monitoring refreshed"),
                        Err(e) => {
                            tracing::warn!(error = %e.body.message, "monitoring refresh failed")
                        }
                    }
                    // The quarter's shortage-occupation list, once the quarter is over.
                    match leye_jobs::shortage::publish_due(&app.store, today, now).await {
                        Ok(Some(q)) => tracing::info!(quarter = %q, "shortage list published"),
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e, "publishing the shortage list failed"),
                    }
                }
                let sms = leye_jobs::push::LoggingSms {
                    store: app.store.clone(),
                    now,
                };
                match leye_jobs::push::run(&app.store, &sms, now, today).await {
                    Ok(r) if r.postings + r.sms > 0 => tracing::info!(?r, "push"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "push worker"),
                }
                if let Err(e) = leye_monitor::alerts::deliver(&app.store, now).await {
                    tracing::warn!(error = %e, "alert delivery");
                }
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
        });
    }
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

async fn expire(
    store: &Store,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, leye_store::StoreError> {
    let mut tx = store.begin().await?;
    let n = leye_store::expire_postings(
        &mut tx,
        &today.to_string(),
        &leye_store::Actor::system("到期关闭岗位"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(n)
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
    state.start_workers();
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(total_capped: bool) -> leye_store::Page<()> {
        leye_store::Page {
            items: Vec::new(),
            total: leye_store::COUNT_CAP,
            total_capped,
            page: 1,
            per_page: 20,
        }
    }

    #[test]
    fn a_list_seen_over_the_cap_is_not_counted_again_until_seen_under() {
        let t = ListTotals::default();
        let p = leye_store::Paging::new(Some(2), Some(20));
        assert!(!t.paging("a", p).over_cap);
        t.note("a".into(), p, &page(true));
        assert!(t.paging("a", p).over_cap);
        assert!(!t.paging("b", p).over_cap, "only that list");
        // A page read without counting says nothing new.
        t.note("a".into(), t.paging("a", p), &page(true));
        assert!(t.paging("a", p).over_cap);
        t.note("a".into(), p, &page(false));
        assert!(!t.paging("a", p).over_cap);
    }
}
