//! Key-enterprise service tickets (用工服务单, plan 二(五)2), the SQL side: a ticket, its
//! links (posting, recruitment event, training class, HR institution), its placements and
//! the append-only log of its steps. The state rules are [`leye_domain::service`]'s; every
//! step re-reads the ticket in the transaction and bumps its version, so two officers acting
//! at once cannot both record the placement that fills it.

use crate::sql::{Arg, RowExt, Where, all, one, q, ts};
use crate::{Actor, StoreError, Tx, audit};
use leye_domain::service::{Channel, Step, TicketState};
use leye_domain::{FieldError, Regions, Scope};

/// A new hiring demand of an enterprise.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub enterprise_id: i64,
    pub occupation: String,
    pub title: String,
    pub headcount: i64,
    pub deadline: String,
    pub opened_on: String,
}

/// A stored ticket with what it is linked to and how many were placed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TicketRecord {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub occupation: String,
    pub occupation_name: String,
    pub title: String,
    pub headcount: i64,
    pub deadline: String,
    pub state: String,
    pub institution_id: Option<i64>,
    pub institution_name: Option<String>,
    pub posting_id: Option<i64>,
    pub event_id: Option<i64>,
    pub event_title: Option<String>,
    pub class_id: Option<i64>,
    pub class_code: Option<String>,
    pub opened_on: String,
    pub filled_on: Option<String>,
    pub closed_on: Option<String>,
    pub region: String,
    pub placed: i64,
    pub version: i64,
}

/// One placement of a ticket (the person's ID number masked).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TicketPlacement {
    pub person_id: i64,
    pub name: String,
    pub id_number_masked: String,
    pub channel: String,
    pub placed_on: String,
}

/// One step of a ticket's log.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TicketStepRecord {
    pub step: String,
    pub detail: String,
    pub state: String,
    pub by_name: String,
    pub at: String,
}

/// What a link step attaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Posting(i64),
    Event(i64),
    Class(i64),
    Institution(i64),
}

const COLS: &str = "t.id, t.enterprise_id, e.name AS enterprise_name, t.occupation, \
    COALESCE(o.name, t.occupation) AS occupation_name, t.title, t.headcount, t.deadline, t.state, \
    t.institution_id, h.name AS institution_name, t.posting_id, t.event_id, ev.title AS event_title, \
    t.class_id, c.code AS class_code, t.opened_on, t.filled_on, t.closed_on, t.region, t.version, \
    (SELECT COUNT(*) FROM ticket_placements p WHERE p.ticket_id = t.id) AS placed";
const FROM: &str = "service_tickets t JOIN enterprises e ON e.id = t.enterprise_id \
    LEFT JOIN occupations o ON o.code = t.occupation \
    LEFT JOIN hr_institutions h ON h.id = t.institution_id \
    LEFT JOIN recruitment_events ev ON ev.id = t.event_id \
    LEFT JOIN training_classes c ON c.id = t.class_id";

fn from_row(r: &sqlx::any::AnyRow) -> Result<TicketRecord, sqlx::Error> {
    Ok(TicketRecord {
        id: r.int("id")?,
        enterprise_id: r.int("enterprise_id")?,
        enterprise_name: r.text("enterprise_name")?,
        occupation: r.text("occupation")?,
        occupation_name: r.text("occupation_name")?,
        title: r.text("title")?,
        headcount: r.int("headcount")?,
        deadline: r.text("deadline")?,
        state: r.text("state")?,
        institution_id: r.opt_int("institution_id")?,
        institution_name: r.opt_text("institution_name")?,
        posting_id: r.opt_int("posting_id")?,
        event_id: r.opt_int("event_id")?,
        event_title: r.opt_text("event_title")?,
        class_id: r.opt_int("class_id")?,
        class_code: r.opt_text("class_code")?,
        opened_on: r.text("opened_on")?,
        filled_on: r.opt_text("filled_on")?,
        closed_on: r.opt_text("closed_on")?,
        region: r.text("region")?,
        placed: r.int("placed")?,
        version: r.int("version")?,
    })
}

/// Region scopes see tickets in their area; an employer sees its own.
fn scoped(scope: &Scope) -> Where {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "t.region",
        None,
        Some("t.enterprise_id = {}"),
    );
    w
}

fn refuse(code: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(FieldError::new("ticket", code, message))
}

async fn log_step(
    tx: &mut Tx,
    id: i64,
    step: &str,
    detail: &str,
    state: TicketState,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO ticket_steps (ticket_id, step, detail, state, by_name, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(step)
    .bind(detail)
    .bind(state.code())
    .bind(&actor.name)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        now,
        actor,
        &format!("ticket_{step}"),
        "service_tickets",
        id,
        detail,
    )
    .await
}

/// Open a ticket for an enterprise in the caller's scope (its region is the enterprise's);
/// the enterprise must be a key enterprise (the foundation's rule or a designation, plan
/// 二(五)2). Audited, logged.
pub async fn create_ticket(
    tx: &mut Tx,
    scope: &Scope,
    t: &NewTicket,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    // The enterprise must be in scope (an employer: its own) and a key enterprise.
    let e = crate::get_enterprise(tx, scope, t.enterprise_id).await?;
    if e.key_reasons.is_empty() {
        return Err(refuse(
            "not_key_enterprise",
            format!(
                "{}不是重点企业(投资额50亿元以上、用工500人以上或经认定),不纳入用工服务单",
                e.name
            ),
        ));
    }
    let region = e.region;
    crate::jobs::check_occupation(tx, "occupation", &t.occupation, true).await?;
    let id = sqlx::query(
        "INSERT INTO service_tickets (enterprise_id, occupation, title, headcount, deadline, state, \
         opened_on, region, created_by, created_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9) RETURNING id",
    )
    .bind(t.enterprise_id)
    .bind(&t.occupation)
    .bind(&t.title)
    .bind(t.headcount)
    .bind(&t.deadline)
    .bind(&t.opened_on)
    .bind(&region)
    .bind(&actor.name)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    log_step(
        tx,
        id,
        "open",
        &format!("{} {}人 截止{}", t.title, t.headcount, t.deadline),
        TicketState::Open,
        actor,
        now,
    )
    .await?;
    Ok(id)
}

/// One ticket in scope.
pub async fn get_ticket(tx: &mut Tx, scope: &Scope, id: i64) -> Result<TicketRecord, StoreError> {
    let mut w = scoped(scope);
    w.and(Arg::Int(id), |ph| format!("t.id = {ph}"));
    one(
        tx,
        q(format!("SELECT {COLS} FROM {FROM}{}", w.sql()), &w.args),
        from_row,
    )
    .await?
    .ok_or(StoreError::NotFound {
        entity: "服务单"
    })
}

/// Tickets in scope (optionally in one state), open ones by deadline first.
pub async fn list_tickets(
    tx: &mut Tx,
    scope: &Scope,
    state: Option<&str>,
) -> Result<Vec<TicketRecord>, StoreError> {
    let mut w = scoped(scope);
    if let Some(s) = state.filter(|s| !s.is_empty()) {
        w.and(Arg::Text(s.to_string()), |ph| format!("t.state = {ph}"));
    }
    all(
        tx,
        q(
            format!(
                "SELECT {COLS} FROM {FROM}{} ORDER BY CASE WHEN t.state IN ('open', 'working') THEN 0 ELSE 1 END, t.deadline, t.id LIMIT 500",
                w.sql()
            ),
            &w.args,
        ),
        from_row,
    )
    .await
}

/// The log of a ticket, oldest first.
pub async fn ticket_steps(tx: &mut Tx, id: i64) -> Result<Vec<TicketStepRecord>, StoreError> {
    all(
        tx,
        q(
            "SELECT step, detail, state, by_name, at FROM ticket_steps WHERE ticket_id = $1 ORDER BY id".into(),
            &[Arg::Int(id)],
        ),
        |r| {
            Ok(TicketStepRecord {
                step: r.text("step")?,
                detail: r.text("detail")?,
                state: r.text("state")?,
                by_name: r.text("by_name")?,
                at: r.text("at")?,
            })
        },
    )
    .await
}

/// The placements of a ticket, in order.
pub async fn ticket_placements(tx: &mut Tx, id: i64) -> Result<Vec<TicketPlacement>, StoreError> {
    all(
        tx,
        q(
            "SELECT p.person_id, s.name, s.id_number, p.channel, p.placed_on FROM ticket_placements p \
             JOIN persons s ON s.id = p.person_id WHERE p.ticket_id = $1 ORDER BY p.id"
                .into(),
            &[Arg::Int(id)],
        ),
        |r| {
            Ok(TicketPlacement {
                person_id: r.int("person_id")?,
                name: r.text("name")?,
                id_number_masked: leye_domain::field::mask_id_number(&r.text("id_number")?),
                channel: r.text("channel")?,
                placed_on: r.text("placed_on")?,
            })
        },
    )
    .await
}

async fn set_state(
    tx: &mut Tx,
    t: &TicketRecord,
    to: TicketState,
    extra: &str,
    args: Vec<Arg>,
) -> Result<(), StoreError> {
    let n = args.len();
    let mut all_args = args;
    all_args.extend([
        Arg::Text(to.code().to_string()),
        Arg::Int(t.id),
        Arg::Int(t.version),
    ]);
    let sep = if extra.is_empty() { "" } else { ", " };
    let done = q(
        format!(
            "UPDATE service_tickets SET {extra}{sep}state = ${}, version = version + 1 WHERE id = ${} AND version = ${}",
            n + 1,
            n + 2,
            n + 3
        ),
        &all_args,
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if done == 1 {
        Ok(())
    } else {
        Err(refuse("stale", "服务单刚被他人修改,请刷新后重试"))
    }
}

/// Link a posting (of the same enterprise), an event, a training class, or assign an HR
/// institution. Logged.
pub async fn link_ticket(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    link: Link,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<TicketRecord, StoreError> {
    let t = get_ticket(tx, scope, id).await?;
    let state = TicketState::from_code(&t.state).unwrap_or(TicketState::Closed);
    let to = state.after(Step::Link).map_err(StoreError::Invalid)?;
    let (col, step, lookup, value): (&str, &str, String, i64) = match link {
        Link::Posting(p) => (
            "posting_id",
            "link_posting",
            "SELECT title AS name, enterprise_id AS owner FROM postings WHERE id = $1".into(),
            p,
        ),
        Link::Event(e) => (
            "event_id",
            "link_event",
            "SELECT title AS name, 0 AS owner FROM recruitment_events WHERE id = $1 AND cancelled = 0".into(),
            e,
        ),
        Link::Class(c) => (
            "class_id",
            "link_class",
            "SELECT code AS name, 0 AS owner FROM training_classes WHERE id = $1".into(),
            c,
        ),
        Link::Institution(i) => (
            "institution_id",
            "assign_institution",
            "SELECT name, 0 AS owner FROM hr_institutions WHERE id = $1".into(),
            i,
        ),
    };
    let (name, owner) = one(tx, q(lookup, &[Arg::Int(value)]), |r| {
        Ok((r.text("name")?, r.int("owner")?))
    })
    .await?
    .ok_or_else(|| refuse("unknown_reference", "所选的岗位、活动、培训班或机构不存在"))?;
    if matches!(link, Link::Posting(_)) && owner != t.enterprise_id {
        return Err(refuse("other_enterprise", "只能关联本企业发布的岗位"));
    }
    set_state(tx, &t, to, &format!("{col} = $1"), vec![Arg::Int(value)]).await?;
    log_step(tx, id, step, &name, to, actor, now).await?;
    get_ticket(tx, scope, id).await
}

/// Record that a person took up the job (送工上岗). When the count reaches the headcount the
/// ticket is filled on that day. A person is placed on a ticket once. Logged.
#[allow(clippy::too_many_arguments)]
pub async fn place(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    person_id: i64,
    channel: Channel,
    placed_on: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<TicketRecord, StoreError> {
    let t = get_ticket(tx, scope, id).await?;
    if placed_on < t.opened_on.as_str() {
        return Err(StoreError::Invalid(FieldError::new(
            "placed_on",
            "before_opening",
            format!("上岗日期不能早于服务单登记日期{}", t.opened_on),
        )));
    }
    let state = TicketState::from_code(&t.state).unwrap_or(TicketState::Closed);
    let reaches = t.placed + 1 >= t.headcount;
    let to = state
        .after(Step::Place { reaches })
        .map_err(StoreError::Invalid)?;
    let name = one(
        tx,
        q(
            "SELECT name FROM persons WHERE id = $1".into(),
            &[Arg::Int(person_id)],
        ),
        |r| r.text("name"),
    )
    .await?
    .ok_or(StoreError::NotFound { entity: "人员" })?;
    let taken = q(
        "SELECT 1 AS x FROM ticket_placements WHERE ticket_id = $1 AND person_id = $2".into(),
        &[Arg::Int(id), Arg::Int(person_id)],
    )
    .fetch_optional(&mut **tx)
    .await?;
    if taken.is_some() {
        return Err(StoreError::Duplicate {
            field: "person",
            message: format!("{name}已登记在本服务单上岗"),
        });
    }
    sqlx::query(
        "INSERT INTO ticket_placements (ticket_id, person_id, channel, placed_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(person_id)
    .bind(channel.code())
    .bind(placed_on)
    .bind(&actor.name)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    if to == TicketState::Filled {
        set_state(
            tx,
            &t,
            to,
            "filled_on = $1",
            vec![Arg::Text(placed_on.to_string())],
        )
        .await?;
    } else {
        set_state(tx, &t, to, "", vec![]).await?;
    }
    log_step(
        tx,
        id,
        "place",
        &format!("{name} {} {placed_on}", channel.label_zh()),
        to,
        actor,
        now,
    )
    .await?;
    get_ticket(tx, scope, id).await
}

/// People hired through the ticket's posting who are not yet placed on it, with the day the
/// hire was recorded.
pub async fn unplaced_hires(
    tx: &mut Tx,
    t: &TicketRecord,
) -> Result<Vec<(i64, String)>, StoreError> {
    let Some(posting) = t.posting_id else {
        return Ok(Vec::new());
    };
    all(
        tx,
        q(
            "SELECT s.person_id, substr(a.updated_at, 1, 10) AS day FROM job_applications a \
             JOIN job_seekers s ON s.id = a.seeker_id WHERE a.posting_id = $1 AND a.state = 'hired' \
             AND NOT EXISTS (SELECT 1 FROM ticket_placements p WHERE p.ticket_id = $2 AND p.person_id = s.person_id) \
             ORDER BY a.updated_at, a.id"
                .into(),
            &[Arg::Int(posting), Arg::Int(t.id)],
        ),
        |r| Ok((r.int("person_id")?, r.text("day")?)),
    )
    .await
}

/// Close a ticket (filled or not) with a note. Logged.
pub async fn close_ticket(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    note: &str,
    on: &str,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<TicketRecord, StoreError> {
    let t = get_ticket(tx, scope, id).await?;
    let state = TicketState::from_code(&t.state).unwrap_or(TicketState::Closed);
    let to = state.after(Step::Close).map_err(StoreError::Invalid)?;
    set_state(
        tx,
        &t,
        to,
        "closed_on = $1",
        vec![Arg::Text(on.to_string())],
    )
    .await?;
    log_step(tx, id, "close", note, to, actor, now).await?;
    get_ticket(tx, scope, id).await
}

/// An employment impact assessment (就业影响评估) as scored by the caller.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewImpact {
    pub title: String,
    pub kind: String,
    pub enterprise_id: Option<i64>,
    pub investment_fen: i64,
    pub jobs: i64,
    pub pay_fen: i64,
    pub skilled_jobs: i64,
    pub graduate_jobs: i64,
    pub industry: String,
    pub baseline_month: String,
    pub assessed_on: String,
    pub score: i64,
    /// The scored parts as JSON, kept as they were on the day.
    pub explanation: String,
    pub region: String,
}

/// A stored assessment.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImpactRecord {
    pub id: i64,
    #[serde(flatten)]
    pub input: NewImpact,
    pub enterprise_name: Option<String>,
    pub created_by: String,
}

const IMPACT_COLS: &str = "a.id, a.title, a.kind, a.enterprise_id, e.name AS enterprise_name, a.investment_fen, \
    a.jobs, a.pay_fen, a.skilled_jobs, a.graduate_jobs, a.industry, a.baseline_month, a.assessed_on, a.score, \
    a.explanation, a.region, a.created_by";

fn impact_from_row(r: &sqlx::any::AnyRow) -> Result<ImpactRecord, sqlx::Error> {
    Ok(ImpactRecord {
        id: r.int("id")?,
        input: NewImpact {
            title: r.text("title")?,
            kind: r.text("kind")?,
            enterprise_id: r.opt_int("enterprise_id")?,
            investment_fen: r.int("investment_fen")?,
            jobs: r.int("jobs")?,
            pay_fen: r.int("pay_fen")?,
            skilled_jobs: r.int("skilled_jobs")?,
            graduate_jobs: r.int("graduate_jobs")?,
            industry: r.text("industry")?,
            baseline_month: r.text("baseline_month")?,
            assessed_on: r.text("assessed_on")?,
            score: r.int("score")?,
            explanation: r.text("explanation")?,
            region: r.text("region")?,
        },
        enterprise_name: r.opt_text("enterprise_name")?,
        created_by: r.text("created_by")?,
    })
}

/// Record an assessment in the caller's area; audited.
pub async fn create_impact(
    tx: &mut Tx,
    scope: &Scope,
    a: &NewImpact,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    crate::sql::ensure_covers(scope, &a.region)?;
    let id = sqlx::query(
        "INSERT INTO impact_assessments (title, kind, enterprise_id, investment_fen, jobs, pay_fen, skilled_jobs, \
         graduate_jobs, industry, baseline_month, assessed_on, score, explanation, region, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(&a.title)
    .bind(&a.kind)
    .bind(a.enterprise_id)
    .bind(a.investment_fen)
    .bind(a.jobs)
    .bind(a.pay_fen)
    .bind(a.skilled_jobs)
    .bind(a.graduate_jobs)
    .bind(&a.industry)
    .bind(&a.baseline_month)
    .bind(&a.assessed_on)
    .bind(a.score)
    .bind(&a.explanation)
    .bind(&a.region)
    .bind(&actor.name)
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?
    .int("id")?;
    audit::record(
        tx,
        now,
        actor,
        "impact_assess",
        "impact_assessments",
        id,
        &format!("{} {}分", a.title, a.score),
    )
    .await?;
    Ok(id)
}

fn impact_scope(scope: &Scope) -> Where {
    let mut w = Where::default();
    w.scope(scope.filter(Regions::huzhou()), "a.region", None, None);
    w
}

/// Assessments in scope, newest first.
pub async fn list_impacts(tx: &mut Tx, scope: &Scope) -> Result<Vec<ImpactRecord>, StoreError> {
    let w = impact_scope(scope);
    all(
        tx,
        q(
            format!(
                "SELECT {IMPACT_COLS} FROM impact_assessments a LEFT JOIN enterprises e ON e.id = a.enterprise_id{} \
                 ORDER BY a.id DESC LIMIT 500",
                w.sql()
            ),
            &w.args,
        ),
        impact_from_row,
    )
    .await
}

/// One assessment in scope.
pub async fn get_impact(tx: &mut Tx, scope: &Scope, id: i64) -> Result<ImpactRecord, StoreError> {
    let mut w = impact_scope(scope);
    w.and(Arg::Int(id), |ph| format!("a.id = {ph}"));
    one(
        tx,
        q(
            format!(
                "SELECT {IMPACT_COLS} FROM impact_assessments a LEFT JOIN enterprises e ON e.id = a.enterprise_id{}",
                w.sql()
            ),
            &w.args,
        ),
        impact_from_row,
    )
    .await?
    .ok_or(StoreError::NotFound { entity: "评估" })
}

/// Key enterprises in scope (designated, or by investment or latest headcount under the
/// foundation's rule), by name: whom a ticket can be opened for.
pub async fn key_enterprises(tx: &mut Tx, scope: &Scope) -> Result<Vec<(i64, String)>, StoreError> {
    let rule = leye_domain::enterprise::KeyEnterpriseRule::current();
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "e.region",
        None,
        Some("e.id = {}"),
    );
    let inv = w.arg(Arg::Int(rule.min_investment_fen.value));
    let staff = w.arg(Arg::Int(i64::from(rule.min_staff.value)));
    w.and_raw(&format!(
        "(e.designated_key = 1 OR e.registered_investment_fen >= {inv} OR \
         (SELECT h.headcount FROM enterprise_headcount h WHERE h.enterprise_id = e.id ORDER BY h.month DESC LIMIT 1) >= {staff})"
    ));
    all(
        tx,
        q(
            format!(
                "SELECT e.id, e.name FROM enterprises e{} ORDER BY e.name LIMIT 1000",
                w.sql()
            ),
            &w.args,
        ),
        |r| Ok((r.int("id")?, r.text("name")?)),
    )
    .await
}

/// What a ticket can be linked to: its enterprise's open postings, events still to come or
/// running, training classes not yet ended, and every HR institution.
#[derive(Debug, Clone, Default)]
pub struct TicketOptions {
    pub postings: Vec<(i64, String)>,
    pub events: Vec<(i64, String)>,
    pub classes: Vec<(i64, String)>,
    pub institutions: Vec<(i64, String)>,
}

/// The options of [`TicketOptions`] for a ticket on `today` (`YYYY-MM-DD`).
pub async fn ticket_options(
    tx: &mut Tx,
    t: &TicketRecord,
    today: &str,
) -> Result<TicketOptions, StoreError> {
    let pair = |r: &sqlx::any::AnyRow| Ok((r.int("id")?, r.text("label")?));
    Ok(TicketOptions {
        postings: all(
            tx,
            q(
                "SELECT id, title || '(' || headcount || '人)' AS label FROM postings \
                 WHERE enterprise_id = $1 AND status = 'open' ORDER BY id DESC LIMIT 100"
                    .into(),
                &[Arg::Int(t.enterprise_id)],
            ),
            pair,
        )
        .await?,
        events: all(
            tx,
            q(
                "SELECT id, starts_on || ' ' || title AS label FROM recruitment_events \
                 WHERE cancelled = 0 AND ends_on >= $1 ORDER BY starts_on, id LIMIT 100"
                    .into(),
                &[Arg::Text(today.to_string())],
            ),
            pair,
        )
        .await?,
        classes: all(
            tx,
            q(
                "SELECT c.id, c.code || ' ' || k.name AS label FROM training_classes c \
                 JOIN courses k ON k.id = c.course_id WHERE c.ends_on >= $1 ORDER BY c.starts_on, c.id LIMIT 100"
                    .into(),
                &[Arg::Text(today.to_string())],
            ),
            pair,
        )
        .await?,
        institutions: all(
            tx,
            q(
                "SELECT id, name AS label FROM hr_institutions ORDER BY name LIMIT 500".into(),
                &[],
            ),
            pair,
        )
        .await?,
    })
}
