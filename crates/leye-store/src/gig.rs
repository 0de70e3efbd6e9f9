//! 零工市场, the SQL side: time slots of gig postings, sign-ups moved on by
//! [`GigState::next`] with every step in the append-only `gig_transitions`, and ratings.
//! Places are taken with one guarded UPDATE (`taken < places`, backed by a CHECK), so two
//! workers racing for the last place cannot both get it.

use crate::jobs::{covers_person, get_posting, invalid, may_post, seeker_of_person};
use crate::sql::{Arg, RowExt, q, ts};
use crate::{Actor, StoreError, Tx, audit};
use chrono::NaiveDateTime;
use leye_domain::Scope;
use leye_domain::gig::{GigAction, GigSide, GigState, Rating, SLOT_TIME, SlotFacts};

/// A slot with its posting's title, employer and place.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SlotRecord {
    pub id: i64,
    pub posting_id: i64,
    pub title: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub region: String,
    pub address: String,
    pub pay_unit: String,
    pub starts_at: String,
    pub ends_at: String,
    pub places: i64,
    pub taken: i64,
    pub pay_fen: i64,
    pub note: String,
    pub cancelled: bool,
}

const SLOT_COLS: &str = "g.id, g.posting_id, p.title, p.enterprise_id, e.name AS enterprise_name, p.region, \
    p.address, p.pay_unit, g.starts_at, g.ends_at, g.places, g.taken, g.pay_fen, g.note, g.cancelled";
const SLOT_FROM: &str = "gig_slots g JOIN postings p ON p.id = g.posting_id JOIN enterprises e ON e.id = p.enterprise_id";

fn slot_from_row(r: &sqlx::any::AnyRow) -> Result<SlotRecord, sqlx::Error> {
    Ok(SlotRecord {
        id: r.int("id")?,
        posting_id: r.int("posting_id")?,
        title: r.text("title")?,
        enterprise_id: r.int("enterprise_id")?,
        enterprise_name: r.text("enterprise_name")?,
        region: r.text("region")?,
        address: r.text("address")?,
        pay_unit: r.text("pay_unit")?,
        starts_at: r.text("starts_at")?,
        ends_at: r.text("ends_at")?,
        places: r.int("places")?,
        taken: r.int("taken")?,
        pay_fen: r.int("pay_fen")?,
        note: r.text("note")?,
        cancelled: r.flag("cancelled")?,
    })
}

fn at(t: NaiveDateTime) -> String {
    t.format(SLOT_TIME).to_string()
}

fn parse_at(s: &str) -> Result<NaiveDateTime, StoreError> {
    NaiveDateTime::parse_from_str(s, SLOT_TIME)
        .map_err(|_| StoreError::Config(format!("班次时间“{s}”格式异常")))
}

/// Offer a time slot on a live gig posting (its employer, or an officer of its area); audited.
pub async fn create_slot(
    tx: &mut Tx,
    scope: &Scope,
    posting_id: i64,
    s: &SlotFacts,
    today: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    let p = get_posting(tx, posting_id)
        .await?
        .ok_or(StoreError::NotFound { entity: "岗位" })?;
    may_post(scope, &p.region, p.enterprise_id)?;
    if !p.gig {
        return Err(invalid(
            "posting_id",
            "not_gig",
            "只有零工(灵活用工/非全日制)岗位可以发布班次",
        ));
    }
    if !p.is_live(today) {
        return Err(invalid("posting_id", "closed", "该岗位已停止招聘"));
    }
    let id = sqlx::query(
        "INSERT INTO gig_slots (posting_id, starts_at, ends_at, places, pay_fen, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(posting_id)
    .bind(at(s.starts_at))
    .bind(at(s.ends_at))
    .bind(s.places)
    .bind(s.pay_fen)
    .bind(&s.note)
    .bind(&actor.name)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(
        tx,
        now,
        actor,
        "gig_slot_create",
        "gig_slots",
        id,
        &format!(
            "{} {}-{} {}人",
            p.title,
            at(s.starts_at),
            s.ends_at.format("%H:%M"),
            s.places
        ),
    )
    .await?;
    Ok(id)
}

/// One slot.
pub async fn get_slot(tx: &mut Tx, id: i64) -> Result<Option<SlotRecord>, StoreError> {
    let sql = format!("SELECT {SLOT_COLS} FROM {SLOT_FROM} WHERE g.id = $1");
    crate::sql::one(tx, q(sql, &[Arg::Int(id)]), slot_from_row).await
}

/// The slots of a posting, earliest first.
pub async fn slots_of_posting(tx: &mut Tx, posting_id: i64) -> Result<Vec<SlotRecord>, StoreError> {
    let sql = format!(
        "SELECT {SLOT_COLS} FROM {SLOT_FROM} WHERE g.posting_id = $1 ORDER BY g.starts_at, g.id"
    );
    crate::sql::all(tx, q(sql, &[Arg::Int(posting_id)]), slot_from_row).await
}

/// The gig market: slots not yet over (local time `now`) of open postings, earliest first,
/// optionally within a region; at most `limit`.
pub async fn open_slots(
    tx: &mut Tx,
    now: NaiveDateTime,
    region: Option<&str>,
    limit: i64,
) -> Result<Vec<SlotRecord>, StoreError> {
    let mut args = vec![Arg::Text(at(now)), Arg::Int(limit)];
    let mut filter = String::new();
    if let Some(r) = region {
        args.push(Arg::Text(format!("{r}%")));
        filter = " AND p.region LIKE $3".into();
    }
    let sql = format!(
        "SELECT {SLOT_COLS} FROM {SLOT_FROM} WHERE g.ends_at > $1 AND g.cancelled = 0 \
         AND p.status = 'open'{filter} ORDER BY g.starts_at, g.id LIMIT $2"
    );
    crate::sql::all(tx, q(sql, &args), slot_from_row).await
}

/// A sign-up with its slot and the worker, and the ratings given so far.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignupRecord {
    pub id: i64,
    pub slot_id: i64,
    pub posting_id: i64,
    pub title: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub region: String,
    pub starts_at: String,
    pub ends_at: String,
    /// What the slot promises.
    pub slot_pay_fen: i64,
    pub seeker_id: i64,
    pub person_id: i64,
    pub name: String,
    pub state: String,
    /// What the employer confirmed as owed at completion.
    pub pay_fen: Option<i64>,
    pub checked_in_at: Option<String>,
    /// Stars the worker gave the employer, and the employer the worker.
    pub worker_stars: Option<i64>,
    pub employer_stars: Option<i64>,
}

impl SignupRecord {
    pub fn gig_state(&self) -> Result<GigState, StoreError> {
        GigState::from_code(&self.state)
            .ok_or_else(|| StoreError::Config(format!("报名状态“{}”未知", self.state)))
    }
}

const SIGNUP_COLS: &str = "u.id, u.slot_id, g.posting_id, p.title, p.enterprise_id, e.name AS enterprise_name, \
    p.region, g.starts_at, g.ends_at, g.pay_fen AS slot_pay_fen, u.seeker_id, s.person_id, pe.name, u.state, \
    u.pay_fen, u.checked_in_at, \
    (SELECT stars FROM gig_ratings r WHERE r.signup_id = u.id AND r.by_side = 'worker') AS worker_stars, \
    (SELECT stars FROM gig_ratings r WHERE r.signup_id = u.id AND r.by_side = 'employer') AS employer_stars";
const SIGNUP_FROM: &str = "gig_signups u JOIN gig_slots g ON g.id = u.slot_id JOIN postings p ON p.id = g.posting_id \
    JOIN enterprises e ON e.id = p.enterprise_id JOIN job_seekers s ON s.id = u.seeker_id \
    JOIN persons pe ON pe.id = s.person_id";

fn signup_from_row(r: &sqlx::any::AnyRow) -> Result<SignupRecord, sqlx::Error> {
    Ok(SignupRecord {
        id: r.int("id")?,
        slot_id: r.int("slot_id")?,
        posting_id: r.int("posting_id")?,
        title: r.text("title")?,
        enterprise_id: r.int("enterprise_id")?,
        enterprise_name: r.text("enterprise_name")?,
        region: r.text("region")?,
        starts_at: r.text("starts_at")?,
        ends_at: r.text("ends_at")?,
        slot_pay_fen: r.int("slot_pay_fen")?,
        seeker_id: r.int("seeker_id")?,
        person_id: r.int("person_id")?,
        name: r.text("name")?,
        state: r.text("state")?,
        pay_fen: r.opt_int("pay_fen")?,
        checked_in_at: r.opt_text("checked_in_at")?,
        worker_stars: r.opt_int("worker_stars")?,
        employer_stars: r.opt_int("employer_stars")?,
    })
}

/// One sign-up (no scope check: callers check the side they act for).
pub async fn get_signup(tx: &mut Tx, id: i64) -> Result<Option<SignupRecord>, StoreError> {
    let sql = format!("SELECT {SIGNUP_COLS} FROM {SIGNUP_FROM} WHERE u.id = $1");
    crate::sql::one(tx, q(sql, &[Arg::Int(id)]), signup_from_row).await
}

/// The sign-ups of a slot (its employer, or an officer of its area).
pub async fn signups_of_slot(
    tx: &mut Tx,
    scope: &Scope,
    slot_id: i64,
) -> Result<Vec<SignupRecord>, StoreError> {
    let slot = get_slot(tx, slot_id)
        .await?
        .ok_or(StoreError::NotFound { entity: "班次" })?;
    may_post(scope, &slot.region, slot.enterprise_id)?;
    let sql = format!("SELECT {SIGNUP_COLS} FROM {SIGNUP_FROM} WHERE u.slot_id = $1 ORDER BY u.id");
    crate::sql::all(tx, q(sql, &[Arg::Int(slot_id)]), signup_from_row).await
}

/// A person's sign-ups, latest slot first (the person, or an officer of their area).
pub async fn signups_of_person(
    tx: &mut Tx,
    scope: &Scope,
    person_id: i64,
) -> Result<Vec<SignupRecord>, StoreError> {
    covers_person(tx, scope, person_id).await?;
    let sql = format!(
        "SELECT {SIGNUP_COLS} FROM {SIGNUP_FROM} WHERE s.person_id = $1 ORDER BY g.starts_at DESC, u.id DESC LIMIT 200"
    );
    crate::sql::all(tx, q(sql, &[Arg::Int(person_id)]), signup_from_row).await
}

/// Sign-ups whose worker reported the pay not received in full (报告未足额支付), of postings in
/// the scope's area, oldest shift first: leads for the labour-rights officers (根治欠薪).
pub async fn disputed_gigs(tx: &mut Tx, scope: &Scope) -> Result<Vec<SignupRecord>, StoreError> {
    let mut w = crate::sql::Where::default();
    w.scope(
        scope.filter(leye_domain::Regions::huzhou()),
        "p.region",
        None,
        Some("p.enterprise_id = {}"),
    );
    w.and_raw("u.state = 'pay_disputed'");
    let sql = format!(
        "SELECT {SIGNUP_COLS} FROM {SIGNUP_FROM}{} ORDER BY g.starts_at, u.id LIMIT 500",
        w.sql()
    );
    crate::sql::all(tx, q(sql, &w.args), signup_from_row).await
}

#[allow(clippy::too_many_arguments)]
async fn log_transition(
    tx: &mut Tx,
    signup_id: i64,
    from: Option<GigState>,
    to: GigState,
    side: GigSide,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
    note: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO gig_transitions (signup_id, from_state, to_state, side, by_name, at, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(signup_id)
    .bind(from.map(GigState::code))
    .bind(to.code())
    .bind(side.code())
    .bind(&actor.name)
    .bind(ts(now))
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A person signs up for a slot: needs a job-seeker profile, a place left, a slot not yet
/// started and no other slot of theirs at the same time. A cancelled sign-up may sign up again.
pub async fn sign_up(
    tx: &mut Tx,
    scope: &Scope,
    person_id: i64,
    slot_id: i64,
    local_now: NaiveDateTime,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    let seeker = seeker_of_person(tx, scope, person_id)
        .await?
        .ok_or_else(|| invalid("person_id", "no_profile", "请先填写求职意向,再报名零工"))?;
    let slot = get_slot(tx, slot_id)
        .await?
        .ok_or(StoreError::NotFound { entity: "班次" })?;
    let p = get_posting(tx, slot.posting_id)
        .await?
        .ok_or(StoreError::NotFound { entity: "岗位" })?;
    if slot.cancelled || p.status != "open" {
        return Err(invalid("slot_id", "closed", "该班次已取消或岗位已停止招聘"));
    }
    if parse_at(&slot.starts_at)? <= local_now {
        return Err(invalid("slot_id", "started", "班次已开始,不能再报名"));
    }
    let clash = sqlx::query(
        "SELECT g.starts_at FROM gig_signups u JOIN gig_slots g ON g.id = u.slot_id \
         WHERE u.seeker_id = $1 AND u.slot_id <> $2 AND u.state IN ('signed_up', 'checked_in') \
         AND g.starts_at < $3 AND g.ends_at > $4",
    )
    .bind(seeker.id)
    .bind(slot_id)
    .bind(&slot.ends_at)
    .bind(&slot.starts_at)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(r) = clash {
        return Err(invalid(
            "slot_id",
            "overlap",
            format!("与您已报名的{}班次时间冲突", r.text("starts_at")?),
        ));
    }
    let before =
        sqlx::query("SELECT id, state FROM gig_signups WHERE slot_id = $1 AND seeker_id = $2")
            .bind(slot_id)
            .bind(seeker.id)
            .fetch_optional(&mut **tx)
            .await?;
    let previous = match &before {
        Some(r) => {
            let state = r.text("state")?;
            if state != GigState::Cancelled.code() {
                return Err(invalid("slot_id", "already_signed_up", "您已报名该班次"));
            }
            Some((r.int("id")?, GigState::Cancelled))
        }
        None => None,
    };
    let took =
        sqlx::query("UPDATE gig_slots SET taken = taken + 1 WHERE id = $1 AND taken < places")
            .bind(slot_id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    if took == 0 {
        return Err(invalid("slot_id", "full", "该班次名额已满"));
    }
    let t = ts(now);
    let id = match previous {
        Some((id, _)) => {
            sqlx::query(
                "UPDATE gig_signups SET state = 'signed_up', updated_at = $2 WHERE id = $1",
            )
            .bind(id)
            .bind(&t)
            .execute(&mut **tx)
            .await?;
            id
        }
        None => sqlx::query(
            "INSERT INTO gig_signups (slot_id, seeker_id, state, created_at, updated_at) \
             VALUES ($1, $2, 'signed_up', $3, $3) RETURNING id",
        )
        .bind(slot_id)
        .bind(seeker.id)
        .bind(&t)
        .fetch_one(&mut **tx)
        .await?
        .int("id")?,
    };
    log_transition(
        tx,
        id,
        previous.map(|(_, s)| s),
        GigState::SignedUp,
        GigSide::Worker,
        actor,
        now,
        "",
    )
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "gig_sign_up",
        "gig_signups",
        id,
        &format!("{} {}", slot.title, slot.starts_at),
    )
    .await?;
    Ok(id)
}

/// May the scope act as `side` on this sign-up? The worker side: the person (or an officer of
/// their area); the employer side: the enterprise (or an officer of the posting's area).
async fn may_act(
    tx: &mut Tx,
    scope: &Scope,
    s: &SignupRecord,
    side: GigSide,
) -> Result<(), StoreError> {
    match side {
        GigSide::Worker => covers_person(tx, scope, s.person_id).await.map(|_| ()),
        GigSide::Employer => may_post(scope, &s.region, s.enterprise_id),
    }
}

/// Move a sign-up on as `side` at local time `local_now`. `pay_fen` is what the employer
/// confirms as owed on completion (the slot's pay when `None`). Returns the new state.
#[allow(clippy::too_many_arguments)]
pub async fn gig_act(
    tx: &mut Tx,
    scope: &Scope,
    signup_id: i64,
    side: GigSide,
    action: GigAction,
    pay_fen: Option<i64>,
    note: &str,
    local_now: NaiveDateTime,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<GigState, StoreError> {
    let s = get_signup(tx, signup_id)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "报名记录"
        })?;
    may_act(tx, scope, &s, side).await?;
    let from = s.gig_state()?;
    let to = from
        .next(
            action,
            side,
            local_now,
            parse_at(&s.starts_at)?,
            parse_at(&s.ends_at)?,
        )
        .map_err(|e| invalid("action", "refused", e.0))?;
    let pay = match (action, pay_fen) {
        (GigAction::Complete, Some(p)) if p < 0 => {
            return Err(invalid("pay", "negative", "报酬不能为负数"));
        }
        (GigAction::Complete, Some(p)) if p < s.slot_pay_fen && note.trim().is_empty() => {
            return Err(invalid(
                "note",
                "required",
                "确认的报酬低于班次约定,请在备注中说明原因",
            ));
        }
        (GigAction::Complete, p) => Some(p.unwrap_or(s.slot_pay_fen)),
        _ => s.pay_fen,
    };
    let checked_in = if to == GigState::CheckedIn {
        Some(at(local_now))
    } else {
        s.checked_in_at.clone()
    };
    sqlx::query(
        "UPDATE gig_signups SET state = $2, pay_fen = $3, checked_in_at = $4, updated_at = $5 WHERE id = $1",
    )
    .bind(signup_id)
    .bind(to.code())
    .bind(pay)
    .bind(checked_in)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    if from.holds_place() && !to.holds_place() {
        sqlx::query("UPDATE gig_slots SET taken = taken - 1 WHERE id = $1")
            .bind(s.slot_id)
            .execute(&mut **tx)
            .await?;
    }
    log_transition(tx, signup_id, Some(from), to, side, actor, now, note.trim()).await?;
    audit::record(
        tx,
        now,
        actor,
        "gig_action",
        "gig_signups",
        signup_id,
        &format!(
            "{}: {} → {}",
            action.label_zh(),
            from.label_zh(),
            to.label_zh()
        ),
    )
    .await?;
    Ok(to)
}

/// Rate the other side of a finished sign-up, once. `party` says the caller is the worker or
/// the employer themself: an officer who may act for them still may not rate for them.
#[allow(clippy::too_many_arguments)]
pub async fn rate_gig(
    tx: &mut Tx,
    scope: &Scope,
    signup_id: i64,
    side: GigSide,
    party: bool,
    rating: &Rating,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let s = get_signup(tx, signup_id)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "报名记录"
        })?;
    may_act(tx, scope, &s, side).await?;
    if !party {
        return Err(invalid(
            "stars",
            "not_a_party",
            "评价须由劳动者本人或用工单位账号作出",
        ));
    }
    if !s.gig_state()?.rateable() {
        return Err(invalid("stars", "not_done", "完工后才能评价"));
    }
    let given = match side {
        GigSide::Worker => s.worker_stars,
        GigSide::Employer => s.employer_stars,
    };
    if given.is_some() {
        return Err(invalid("stars", "already_rated", "已评价过,不能重复评价"));
    }
    sqlx::query(
        "INSERT INTO gig_ratings (signup_id, by_side, stars, comment, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(signup_id)
    .bind(side.code())
    .bind(rating.stars)
    .bind(&rating.comment)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        "gig_rate",
        "gig_signups",
        signup_id,
        &format!("{}评价{}星", side.label_zh(), rating.stars),
    )
    .await
}

/// Average stars (×10, rounded) and count of the ratings a side received: an enterprise from
/// workers, or a worker (seeker) from employers.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct RatingSummary {
    pub count: i64,
    pub stars_x10: i64,
}

async fn summary(tx: &mut Tx, sql: &str, id: i64) -> Result<RatingSummary, StoreError> {
    let r = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    let count = r.int("n")?;
    let sum = r.opt_int("total")?.unwrap_or(0);
    Ok(RatingSummary {
        count,
        stars_x10: if count == 0 {
            0
        } else {
            (sum * 10 + count / 2) / count
        },
    })
}

/// How workers rated an enterprise.
pub async fn enterprise_rating(
    tx: &mut Tx,
    enterprise_id: i64,
) -> Result<RatingSummary, StoreError> {
    summary(
        tx,
        "SELECT COUNT(*) AS n, CAST(SUM(r.stars) AS BIGINT) AS total FROM gig_ratings r \
         JOIN gig_signups u ON u.id = r.signup_id JOIN gig_slots g ON g.id = u.slot_id \
         JOIN postings p ON p.id = g.posting_id WHERE r.by_side = 'worker' AND p.enterprise_id = $1",
        enterprise_id,
    )
    .await
}

/// How employers rated a worker.
pub async fn worker_rating(tx: &mut Tx, seeker_id: i64) -> Result<RatingSummary, StoreError> {
    summary(
        tx,
        "SELECT COUNT(*) AS n, CAST(SUM(r.stars) AS BIGINT) AS total FROM gig_ratings r \
         JOIN gig_signups u ON u.id = r.signup_id WHERE r.by_side = 'employer' AND u.seeker_id = $1",
        seeker_id,
    )
    .await
}

/// One step of a sign-up's history.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GigTransition {
    pub from_state: Option<String>,
    pub to_state: String,
    pub side: String,
    pub by_name: String,
    pub at: String,
    pub note: String,
}

/// A sign-up's history, oldest first.
pub async fn gig_transitions(
    tx: &mut Tx,
    signup_id: i64,
) -> Result<Vec<GigTransition>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT from_state, to_state, side, by_name, at, note FROM gig_transitions \
             WHERE signup_id = $1 ORDER BY id"
                .into(),
            &[Arg::Int(signup_id)],
        ),
        |r| {
            Ok(GigTransition {
                from_state: r.opt_text("from_state")?,
                to_state: r.text("to_state")?,
                side: r.text("side")?,
                by_name: r.text("by_name")?,
                at: r.text("at")?,
                note: r.text("note")?,
            })
        },
    )
    .await
}
