//! The push of new postings (求职一键触达) and the outbox worker that carries it.
//!
//! Publishing a posting writes a `push_posting` task in the same transaction. The worker, in
//! one transaction per task: claims it, scores the seekers who accept pushes, writes up to
//! `push_max_seekers` notifications (UNIQUE per seeker and posting; at most `push_per_day` per
//! seeker and day) and one `sms` task per notification, and marks the task done. An `sms`
//! task calls the driver with the task's key (a driver ignores a key it has seen) and is then
//! marked done. A crash anywhere repeats work, never loses it and never sends twice.

use crate::{JobsError, matching_params};
use chrono::{DateTime, NaiveDate, Utc};
use leye_domain::{Money, Scope};
use leye_store::{Store, StoreError};

/// Where text messages go. The logging driver records them in `sms_log`, once per key.
pub trait SmsDriver: Send + Sync {
    /// Send `text` to `phone`; `key` is the same on every retry of the same message.
    fn send(
        &self,
        key: &str,
        phone: &str,
        text: &str,
    ) -> impl std::future::Future<Output = Result<bool, JobsError>> + Send;
}

/// Records messages in the database instead of sending them (development, tests, demos).
pub struct LoggingSms {
    pub store: Store,
    pub now: DateTime<Utc>,
}

impl SmsDriver for LoggingSms {
    async fn send(&self, key: &str, phone: &str, text: &str) -> Result<bool, JobsError> {
        let masked = leye_domain::field::mask_phone(phone);
        let mut tx = self.store.begin().await?;
        let new = leye_store::sms_log(&mut tx, key, &masked, text, self.now).await?;
        tx.commit().await?;
        tracing::info!(key, phone = %masked, new, "短信(日志驱动)");
        Ok(new)
    }
}

/// What one run of the worker did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct PushReport {
    pub postings: usize,
    pub notified: usize,
    pub capped: usize,
    pub sms: usize,
    pub failed: usize,
}

const MAX_ATTEMPTS: i64 = 5;

/// Work through the outbox until it is empty (or only failing tasks are left).
pub async fn run(
    store: &Store,
    sms: &impl SmsDriver,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<PushReport, JobsError> {
    let mut report = PushReport::default();
    loop {
        let mut tx = store.begin_read().await?;
        let posts = leye_store::outbox_pending(&mut tx, "push_posting", 20, MAX_ATTEMPTS).await?;
        let texts = leye_store::outbox_pending(&mut tx, "sms", 200, MAX_ATTEMPTS).await?;
        tx.commit().await?;
        if posts.is_empty() && texts.is_empty() {
            return Ok(report);
        }
        for t in &posts {
            match push_one(store, t.id, &t.payload, now, today).await {
                Ok(Some((n, c))) => {
                    report.postings += 1;
                    report.notified += n;
                    report.capped += c;
                }
                Ok(None) => {}
                Err(e) => {
                    report.failed += 1;
                    fail(store, t.id, &e.to_string()).await?;
                }
            }
        }
        for t in &texts {
            match sms_one(store, sms, t.id, &t.key, &t.payload, now).await {
                Ok(true) => report.sms += 1,
                Ok(false) => {}
                Err(e) => {
                    report.failed += 1;
                    fail(store, t.id, &e.to_string()).await?;
                }
            }
        }
    }
}

async fn fail(store: &Store, id: i64, why: &str) -> Result<(), JobsError> {
    tracing::warn!(id, why, "outbox task failed");
    let mut tx = store.begin().await?;
    leye_store::outbox_failed(&mut tx, id, why).await?;
    tx.commit().await?;
    Ok(())
}

/// One posting's push; `None` when another worker finished it first.
async fn push_one(
    store: &Store,
    task: i64,
    payload: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Option<(usize, usize)>, JobsError> {
    let posting_id: i64 = payload
        .trim()
        .parse()
        .map_err(|_| JobsError::Data(format!("推送任务内容无效: {payload}")))?;
    let p = matching_params()?;
    let (min_score, _) = p.int_at("push_min_score", today)?;
    let (per_day, _) = p.int_at("push_per_day", today)?;
    let (max_seekers, _) = p.int_at("push_max_seekers", today)?;
    // Scoring reads outside the writing transaction; the write re-checks everything it relies
    // on (dedupe, daily cap) inside it.
    let (posting, best) = crate::seekers_for_posting(
        store,
        &Scope::System,
        posting_id,
        today,
        usize::try_from(max_seekers).unwrap_or(500),
        true,
    )
    .await?;
    let mut tx = store.begin().await?;
    if !leye_store::outbox_claim(&mut tx, task).await? {
        return Ok(None);
    }
    let (mut notified, mut capped) = (0, 0);
    if posting.is_live(&today.to_string()) {
        for (s, m) in best.iter().filter(|(_, m)| m.score >= min_score) {
            match leye_store::notify(
                &mut tx,
                s.id,
                posting.id,
                &today.to_string(),
                m.score,
                &m.explanation,
                per_day,
                now,
            )
            .await?
            {
                Some(nid) => {
                    notified += 1;
                    if s.phone.is_some() {
                        leye_store::outbox_add(
                            &mut tx,
                            "sms",
                            &format!("sms:{nid}"),
                            &nid.to_string(),
                            now,
                        )
                        .await?;
                    }
                }
                None => capped += 1,
            }
        }
    }
    leye_store::outbox_done(&mut tx, task, now).await?;
    tx.commit().await?;
    Ok(Some((notified, capped)))
}

/// One text message; true when the driver had not sent it before.
async fn sms_one(
    store: &Store,
    sms: &impl SmsDriver,
    task: i64,
    key: &str,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<bool, JobsError> {
    let nid: i64 = payload
        .trim()
        .parse()
        .map_err(|_| JobsError::Data(format!("短信任务内容无效: {payload}")))?;
    let mut tx = store.begin_read().await?;
    let c = leye_store::notification_contact(&mut tx, nid).await?;
    tx.commit().await?;
    let Some((phone, title, employer, min_fen, max_fen, unit)) = c else {
        return Err(StoreError::NotFound {
            entity: "推送记录"
        }
        .into());
    };
    let unit = leye_domain::jobs::PayUnit::yuan_per_code(&unit);
    let text = format!(
        "【乐业湖州】为您推荐岗位:{title}({employer},{}-{}{unit})。登录“乐业”查看详情并投递;回复TD退订。",
        Money::from_fen(min_fen),
        Money::from_fen(max_fen),
    );
    let sent = sms.send(key, &phone, &text).await?;
    let mut tx = store.begin().await?;
    if leye_store::outbox_claim(&mut tx, task).await? {
        leye_store::outbox_done(&mut tx, task, now).await?;
    }
    tx.commit().await?;
    Ok(sent)
}
