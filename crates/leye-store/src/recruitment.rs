//! 招聘活动, the SQL side: events, the enterprises and postings taking part, attendees, and
//! the applications made at an event (counted as its interviews and hires).

use crate::jobs::{covers_person, get_posting, invalid, may_post};
use crate::sql::{Arg, RowExt, ensure_covers, q, ts};
use crate::{Actor, PostingRecord, StoreError, Tx, audit};
use leye_domain::Scope;
use leye_domain::recruitment::EventFacts;

/// An event with its figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EventRecord {
    pub id: i64,
    pub title: String,
    pub mode: String,
    pub region: String,
    pub venue: String,
    pub starts_on: String,
    pub ends_on: String,
    pub organiser: String,
    pub description: String,
    pub cancelled: bool,
    pub stats: EventStats,
}

/// What an event achieved, counted from records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct EventStats {
    pub enterprises: i64,
    pub postings: i64,
    /// People wanted by the postings taking part.
    pub headcount: i64,
    pub registered: i64,
    pub attended: i64,
    pub applications: i64,
    pub interviews: i64,
    pub hires: i64,
}

const EVENT_COLS: &str = "v.id, v.title, v.mode, v.region, v.venue, v.starts_on, v.ends_on, v.organiser, \
    v.description, v.cancelled, \
    (SELECT COUNT(*) FROM event_enterprises x WHERE x.event_id = v.id) AS n_enterprises, \
    (SELECT COUNT(*) FROM event_postings x WHERE x.event_id = v.id) AS n_postings, \
    (SELECT CAST(COALESCE(SUM(p.headcount), 0) AS BIGINT) FROM event_postings x JOIN postings p ON p.id = x.posting_id \
        WHERE x.event_id = v.id) AS n_headcount, \
    (SELECT COUNT(*) FROM event_attendees x WHERE x.event_id = v.id) AS n_registered, \
    (SELECT COUNT(x.attended_at) FROM event_attendees x WHERE x.event_id = v.id) AS n_attended, \
    (SELECT COUNT(*) FROM job_applications x WHERE x.event_id = v.id) AS n_applications, \
    (SELECT COUNT(x.interviewed_at) FROM job_applications x WHERE x.event_id = v.id) AS n_interviews, \
    (SELECT COUNT(*) FROM job_applications x WHERE x.event_id = v.id AND x.state = 'hired') AS n_hires";

fn event_from_row(r: &sqlx::any::AnyRow) -> Result<EventRecord, sqlx::Error> {
    Ok(EventRecord {
        id: r.int("id")?,
        title: r.text("title")?,
        mode: r.text("mode")?,
        region: r.text("region")?,
        venue: r.text("venue")?,
        starts_on: r.text("starts_on")?,
        ends_on: r.text("ends_on")?,
        organiser: r.text("organiser")?,
        description: r.text("description")?,
        cancelled: r.flag("cancelled")?,
        stats: EventStats {
            enterprises: r.int("n_enterprises")?,
            postings: r.int("n_postings")?,
            headcount: r.int("n_headcount")?,
            registered: r.int("n_registered")?,
            attended: r.int("n_attended")?,
            applications: r.int("n_applications")?,
            interviews: r.int("n_interviews")?,
            hires: r.int("n_hires")?,
        },
    })
}

impl EventRecord {
    /// Does the event run on `today`?
    pub fn runs_on(&self, today: &str) -> bool {
        !self.cancelled && self.starts_on.as_str() <= today && today <= self.ends_on.as_str()
    }
    /// Is it over (or cancelled) on `today`?
    pub fn is_over(&self, today: &str) -> bool {
        self.cancelled || self.ends_on.as_str() < today
    }
}

/// Record an event (an officer of its region); audited.
pub async fn create_event(
    tx: &mut Tx,
    scope: &Scope,
    e: &EventFacts,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    ensure_covers(scope, &e.region)?;
    let id = sqlx::query(
        "INSERT INTO recruitment_events (title, mode, region, venue, starts_on, ends_on, organiser, description, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&e.title)
    .bind(e.mode.code())
    .bind(&e.region)
    .bind(&e.venue)
    .bind(e.starts_on.to_string())
    .bind(e.ends_on.to_string())
    .bind(&e.organiser)
    .bind(&e.description)
    .bind(&actor.name)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(
        tx,
        now,
        actor,
        "event_create",
        "recruitment_events",
        id,
        &e.title,
    )
    .await?;
    Ok(id)
}

/// One event (events are public notices).
pub async fn get_event(tx: &mut Tx, id: i64) -> Result<Option<EventRecord>, StoreError> {
    let sql = format!("SELECT {EVENT_COLS} FROM recruitment_events v WHERE v.id = $1");
    crate::sql::one(tx, q(sql, &[Arg::Int(id)]), event_from_row).await
}

/// Events starting in `year` (all years when `None`), optionally within a region, newest
/// first; at most 500.
pub async fn list_events(
    tx: &mut Tx,
    year: Option<i32>,
    region: Option<&str>,
) -> Result<Vec<EventRecord>, StoreError> {
    let mut w = crate::sql::Where::default();
    if let Some(y) = year {
        w.and(Arg::Text(format!("{y}-%")), |ph| {
            format!("v.starts_on LIKE {ph}")
        });
    }
    if let Some(r) = region {
        w.and(Arg::Text(format!("{r}%")), |ph| {
            format!("v.region LIKE {ph}")
        });
    }
    let sql = format!(
        "SELECT {EVENT_COLS} FROM recruitment_events v{} ORDER BY v.starts_on DESC, v.id DESC LIMIT 500",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), event_from_row).await
}

/// Events held (started by `today`, not cancelled) in `year`, per county: the count the
/// 500-a-year target (二(三)1) is measured by.
pub async fn events_held(
    tx: &mut Tx,
    year: i32,
    today: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT SUBSTR(region, 1, 6) AS county, COUNT(*) AS n FROM recruitment_events \
             WHERE cancelled = 0 AND starts_on LIKE $1 AND starts_on <= $2 GROUP BY SUBSTR(region, 1, 6) ORDER BY county"
                .into(),
            &[Arg::Text(format!("{year}-%")), Arg::Text(today.into())],
        ),
        |r| Ok((r.text("county")?, r.int("n")?)),
    )
    .await
}

async fn event_for_change(tx: &mut Tx, id: i64, today: &str) -> Result<EventRecord, StoreError> {
    let e = get_event(tx, id).await?.ok_or(StoreError::NotFound {
        entity: "招聘活动"
    })?;
    if e.is_over(today) {
        return Err(invalid("event_id", "over", "该招聘活动已结束或已取消"));
    }
    Ok(e)
}

/// Cancel an event that has not ended (an officer of its region); audited.
pub async fn cancel_event(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    today: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let e = event_for_change(tx, id, today).await?;
    ensure_covers(scope, &e.region)?;
    sqlx::query("UPDATE recruitment_events SET cancelled = 1 WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        now,
        actor,
        "event_cancel",
        "recruitment_events",
        id,
        &e.title,
    )
    .await
}

/// An enterprise takes part with some of its live postings (its employer, or an officer of its
/// area). Joining again adds postings; a posting already in is left as it is. Returns how many
/// postings were added.
#[allow(clippy::too_many_arguments)]
pub async fn join_event(
    tx: &mut Tx,
    scope: &Scope,
    event_id: i64,
    enterprise_id: i64,
    posting_ids: &[i64],
    today: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, StoreError> {
    let e = event_for_change(tx, event_id, today).await?;
    let region = sqlx::query("SELECT region FROM enterprises WHERE id = $1")
        .bind(enterprise_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.text("region"))
        .transpose()?
        .ok_or(StoreError::NotFound {
            entity: "用人单位"
        })?;
    may_post(scope, &region, enterprise_id)?;
    let t = ts(now);
    let fresh = sqlx::query(
        "INSERT INTO event_enterprises (event_id, enterprise_id, joined_at) VALUES ($1, $2, $3) \
         ON CONFLICT (event_id, enterprise_id) DO NOTHING",
    )
    .bind(event_id)
    .bind(enterprise_id)
    .bind(&t)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let mut added = 0;
    for (row, pid) in posting_ids.iter().enumerate() {
        let p = get_posting(tx, *pid)
            .await?
            .filter(|p| p.enterprise_id == enterprise_id);
        let Some(p) = p else {
            return Err(invalid(
                "posting_ids",
                "not_own",
                format!("第{}个岗位(编号{pid})不是本单位的岗位", row + 1),
            ));
        };
        if !p.is_live(today) {
            return Err(invalid(
                "posting_ids",
                "closed",
                format!("岗位“{}”已停止招聘,不能带入活动", p.title),
            ));
        }
        added += sqlx::query(
            "INSERT INTO event_postings (event_id, posting_id, enterprise_id) VALUES ($1, $2, $3) \
             ON CONFLICT (event_id, posting_id) DO NOTHING",
        )
        .bind(event_id)
        .bind(pid)
        .bind(enterprise_id)
        .execute(&mut **tx)
        .await?
        .rows_affected() as usize;
    }
    if fresh == 0 && added == 0 {
        return Err(invalid(
            "posting_ids",
            "nothing_new",
            "本单位已参加该活动,所选岗位也已在活动中",
        ));
    }
    audit::record(
        tx,
        now,
        actor,
        "event_join",
        "recruitment_events",
        event_id,
        &format!("{}: 单位{enterprise_id}带入{added}个岗位", e.title),
    )
    .await?;
    Ok(added)
}

/// A person registers for an event (themself, or an officer for a person of their area).
pub async fn register_attendee(
    tx: &mut Tx,
    scope: &Scope,
    event_id: i64,
    person_id: i64,
    today: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let e = event_for_change(tx, event_id, today).await?;
    covers_person(tx, scope, person_id).await?;
    let n = sqlx::query(
        "INSERT INTO event_attendees (event_id, person_id, registered_at) VALUES ($1, $2, $3) \
         ON CONFLICT (event_id, person_id) DO NOTHING",
    )
    .bind(event_id)
    .bind(person_id)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(invalid(
            "event_id",
            "already_registered",
            "已报名该招聘活动",
        ));
    }
    audit::record(
        tx,
        now,
        actor,
        "event_register",
        "recruitment_events",
        event_id,
        &e.title,
    )
    .await
}

/// Record that a person came (an officer of the event's region, on the day); a walk-in is
/// registered on the spot.
pub async fn check_in_attendee(
    tx: &mut Tx,
    scope: &Scope,
    event_id: i64,
    person_id: i64,
    today: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let e = get_event(tx, event_id).await?.ok_or(StoreError::NotFound {
        entity: "招聘活动"
    })?;
    ensure_covers(scope, &e.region)?;
    if !e.runs_on(today) {
        return Err(invalid("event_id", "not_today", "只能在活动举办期间签到"));
    }
    let exists = sqlx::query("SELECT id FROM persons WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?;
    if exists.is_none() {
        return Err(StoreError::NotFound { entity: "人员" });
    }
    let t = ts(now);
    sqlx::query(
        "INSERT INTO event_attendees (event_id, person_id, registered_at, attended_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (event_id, person_id) DO UPDATE SET attended_at = COALESCE(event_attendees.attended_at, excluded.attended_at)",
    )
    .bind(event_id)
    .bind(person_id)
    .bind(&t)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "event_check_in",
        "recruitment_events",
        event_id,
        &format!("人员{person_id}到场"),
    )
    .await
}

/// Is the person registered for the event?
pub async fn is_registered(tx: &mut Tx, event_id: i64, person_id: i64) -> Result<bool, StoreError> {
    Ok(
        sqlx::query("SELECT person_id FROM event_attendees WHERE event_id = $1 AND person_id = $2")
            .bind(event_id)
            .bind(person_id)
            .fetch_optional(&mut **tx)
            .await?
            .is_some(),
    )
}

/// The postings taking part in an event.
pub async fn event_posting_ids(tx: &mut Tx, event_id: i64) -> Result<Vec<i64>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT posting_id FROM event_postings WHERE event_id = $1 ORDER BY posting_id".into(),
            &[Arg::Int(event_id)],
        ),
        |r| r.int("posting_id"),
    )
    .await
}

/// The enterprises taking part, with how many of their postings are in.
pub async fn event_enterprises(
    tx: &mut Tx,
    event_id: i64,
) -> Result<Vec<(i64, String, i64)>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT x.enterprise_id, e.name, (SELECT COUNT(*) FROM event_postings y WHERE y.event_id = x.event_id \
             AND y.enterprise_id = x.enterprise_id) AS n FROM event_enterprises x JOIN enterprises e ON e.id = x.enterprise_id \
             WHERE x.event_id = $1 ORDER BY e.name"
                .into(),
            &[Arg::Int(event_id)],
        ),
        |r| Ok((r.int("enterprise_id")?, r.text("name")?, r.int("n")?)),
    )
    .await
}

/// Check that an application through `event_id` is possible: the event runs today and the
/// posting takes part in it.
pub(crate) async fn check_event_application(
    tx: &mut Tx,
    event_id: i64,
    p: &PostingRecord,
    today: &str,
) -> Result<(), StoreError> {
    let e = get_event(tx, event_id).await?.ok_or(StoreError::NotFound {
        entity: "招聘活动"
    })?;
    if !e.runs_on(today) {
        return Err(invalid("event_id", "not_running", "该招聘活动不在举办期间"));
    }
    let inside = sqlx::query(
        "SELECT posting_id FROM event_postings WHERE event_id = $1 AND posting_id = $2",
    )
    .bind(event_id)
    .bind(p.id)
    .fetch_optional(&mut **tx)
    .await?;
    if inside.is_none() {
        return Err(invalid(
            "event_id",
            "not_in_event",
            "该岗位未参加这场招聘活动",
        ));
    }
    Ok(())
}
