//! Who a session cookie or an API token belongs to, remembered between requests
//! (会话缓存: session cache).
//!
//! Every signed-in request used to look its session up in the database: one statement, but
//! through SQLite's worker thread it cost as much as the page it guarded. A server now
//! remembers what it looked up, and forgets **everything** as soon as the database's
//! authentication epoch moves (migration 0013): every sign-out, disabled account, password
//! change and revoked token moves it in the same transaction. The epoch is read at most every
//! [`CHECK_EVERY`], by one request while the others go on, so a session ended through any
//! server (or the CLI) ends on every server within that interval; through this server it ends
//! at once ([`Callers::forget_all`] after the commit). What is remembered also expires with
//! the session itself and after [`MAX_AGE`] whatever happens. Only what exists is remembered:
//! an unknown cookie or token is looked up every time.

use leye_store::{SessionRecord, Store, StoreError, UserRecord};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often a server reads the authentication epoch.
pub const CHECK_EVERY: Duration = Duration::from_millis(200);
/// How long an identity is remembered at most, even if the epoch never moves.
pub const MAX_AGE: Duration = Duration::from_secs(60);
/// How many identities are remembered at most (beyond it, all are forgotten).
const MAX_ENTRIES: usize = 50_000;

/// What a credential was found to be.
#[derive(Debug, Clone)]
pub enum Identity {
    /// A browser session (with its user).
    Session(SessionRecord),
    /// The user of an API token.
    Token(UserRecord),
}

/// The remembered identities of one server.
#[derive(Debug)]
pub struct Callers {
    inner: Mutex<Inner>,
    checking: tokio::sync::Mutex<()>,
    check_every: Duration,
    max_age: Duration,
}

#[derive(Debug, Default)]
struct Inner {
    known: HashMap<String, (Identity, Instant)>,
    /// Moves whenever everything is forgotten: a lookup that began before may not be kept.
    generation: u64,
    epoch: Option<i64>,
    checked: Option<Instant>,
}

/// A lookup's ticket: the generation it began in (see [`Callers::remember`]).
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl Default for Callers {
    fn default() -> Self {
        Self::new(CHECK_EVERY, MAX_AGE)
    }
}

impl Callers {
    /// Remember identities, reading the epoch every `check_every` and keeping none longer
    /// than `max_age`.
    pub fn new(check_every: Duration, max_age: Duration) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            checking: tokio::sync::Mutex::new(()),
            check_every,
            max_age,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves nothing half-written that matters: the map
        // is only a cache.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Read the epoch when it is due and forget everything if it moved. While one request
    /// reads it, the others go on with what is remembered.
    pub async fn check(&self, store: &Store) -> Result<(), StoreError> {
        let due = self
            .lock()
            .checked
            .is_none_or(|t| t.elapsed() >= self.check_every);
        if !due {
            return Ok(());
        }
        let Ok(_one) = self.checking.try_lock() else {
            return Ok(());
        };
        let epoch = store.auth_epoch().await?;
        let mut g = self.lock();
        if g.epoch != Some(epoch) {
            g.known.clear();
            g.generation += 1;
            g.epoch = Some(epoch);
        }
        g.checked = Some(Instant::now());
        Ok(())
    }

    /// What `key` was found to be, if remembered and still live at `now`; otherwise the
    /// ticket to remember the lookup's answer with.
    pub fn recall(
        &self,
        key: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Identity, Ticket> {
        let g = self.lock();
        match g.known.get(key) {
            Some((id, at)) if at.elapsed() < self.max_age => match id {
                Identity::Session(s) if !s.live_at(now) => Err(Ticket(g.generation)),
                _ => Ok(id.clone()),
            },
            _ => Err(Ticket(g.generation)),
        }
    }

    /// Remember what a lookup found, unless everything was forgotten since it began (its
    /// answer may predate a sign-out).
    pub fn remember(&self, key: String, identity: Identity, ticket: Ticket) {
        let mut g = self.lock();
        if g.generation != ticket.0 {
            return;
        }
        if g.known.len() >= MAX_ENTRIES {
            g.known.clear();
        }
        g.known.insert(key, (identity, Instant::now()));
    }

    /// What `key` belongs to: remembered, or found by `lookup` (run only then) and remembered
    /// if it exists.
    pub async fn identify(
        &self,
        key: String,
        now: chrono::DateTime<chrono::Utc>,
        lookup: impl std::future::Future<Output = Result<Option<Identity>, StoreError>>,
    ) -> Result<Option<Identity>, StoreError> {
        match self.recall(&key, now) {
            Ok(id) => Ok(Some(id)),
            Err(ticket) => {
                let found = lookup.await?;
                if let Some(id) = &found {
                    self.remember(key, id.clone(), ticket);
                }
                Ok(found)
            }
        }
    }

    /// Forget every identity (after this server ended a session or revoked a token).
    pub fn forget_all(&self) {
        let mut g = self.lock();
        g.known.clear();
        g.generation += 1;
    }

    /// How many identities are remembered.
    pub fn len(&self) -> usize {
        self.lock().known.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> UserRecord {
        UserRecord {
            id: 1,
            username: "a".into(),
            display_name: "a".into(),
            password_hash: String::new(),
            role: "city_admin".into(),
            region_code: None,
            unit: None,
            enterprise_id: None,
            person_id: None,
            disabled: false,
            failed_logins: 0,
            locked_until: None,
            created_at: "2026-11-30T00:00:00Z".into(),
        }
    }

    fn session(expires_at: &str) -> Identity {
        Identity::Session(SessionRecord {
            user: user(),
            csrf_token: "c".into(),
            lang: "zh-Hans".into(),
            expires_at: expires_at.into(),
        })
    }

    fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
        s.parse().unwrap()
    }

    /// The ticket of a lookup of `key`, which nothing remembers yet.
    fn ticket(c: &Callers, key: &str, now: chrono::DateTime<chrono::Utc>) -> Ticket {
        match c.recall(key, now) {
            Ok(_) => panic!("{key} is not remembered yet"),
            Err(t) => t,
        }
    }

    #[test]
    fn remembered_until_forgotten_or_expired() {
        let c = Callers::default();
        let now = at("2026-11-30T10:00:00Z");
        let t = ticket(&c, "s:x", now);
        c.remember("s:x".into(), session("2026-11-30T12:00:00Z"), t);
        assert!(c.recall("s:x", now).is_ok());
        // The session's own end.
        assert!(c.recall("s:x", at("2026-11-30T12:00:01Z")).is_err());
        c.forget_all();
        assert!(c.recall("s:x", now).is_err());
        assert!(c.is_empty());
    }

    #[test]
    fn a_lookup_that_began_before_forgetting_is_not_kept() {
        let c = Callers::default();
        let now = at("2026-11-30T10:00:00Z");
        let t = ticket(&c, "t:y", now);
        // A sign-out is committed and forgotten while the lookup is on its way.
        c.forget_all();
        c.remember("t:y".into(), Identity::Token(user()), t);
        assert!(c.recall("t:y", now).is_err());
    }

    #[test]
    fn nothing_is_kept_longer_than_max_age() {
        let c = Callers::new(CHECK_EVERY, Duration::ZERO);
        let now = at("2026-11-30T10:00:00Z");
        let t = ticket(&c, "t:y", now);
        c.remember("t:y".into(), Identity::Token(user()), t);
        assert!(c.recall("t:y", now).is_err());
    }
}
