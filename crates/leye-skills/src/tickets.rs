//! Key-enterprise service tickets (用工服务单, plan 二(五)2) as officers work them: open a
//! demand, link what works on it, record placements — by ID number, or by taking over the
//! hires of the linked posting — and close it. The states are
//! [`leye_domain::service::TicketState`]; the store keeps the log.

use crate::SkillsError;
use chrono::{DateTime, Utc};
use leye_domain::service::{Channel, days_to_fill, fill_rate_bp};
use leye_domain::{FieldError, Scope};
use leye_store::{Actor, Store, TicketRecord};

/// The figures of a ticket people ask for: how much of the demand is met and how fast.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TicketFigures {
    /// 满足率 in basis points.
    pub fill_rate_bp: i64,
    /// Days from opening to filling.
    pub days_to_fill: Option<i64>,
    /// Past its deadline and not filled.
    pub overdue: bool,
}

/// The figures of a ticket on `today`.
pub fn figures(t: &TicketRecord, today: chrono::NaiveDate) -> TicketFigures {
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    TicketFigures {
        fill_rate_bp: fill_rate_bp(t.placed, t.headcount),
        days_to_fill: d(&t.opened_on)
            .and_then(|o| days_to_fill(o, t.filled_on.as_deref().and_then(d))),
        overdue: t.filled_on.is_none()
            && t.closed_on.is_none()
            && d(&t.deadline).is_some_and(|dl| dl < today),
    }
}

/// Record a placement of the person with this ID number (they must be registered).
#[allow(clippy::too_many_arguments)]
pub async fn place_by_id_number(
    store: &Store,
    scope: &Scope,
    ticket: i64,
    id_number: &str,
    channel: Channel,
    placed_on: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<TicketRecord, SkillsError> {
    let id = leye_domain::cells::id_number("id_number", id_number)?;
    let mut tx = store.begin().await?;
    let person =
        leye_store::find_person_by_id_number(&mut tx, &Scope::Region("330500".into()), &id)
            .await?
            .ok_or_else(|| {
                FieldError::new(
                    "id_number",
                    "unknown_person",
                    "该身份证号的人员未登记,请先在人员库登记",
                )
            })?;
    let t = leye_store::place(
        &mut tx, scope, ticket, person.id, channel, placed_on, actor, now,
    )
    .await?;
    tx.commit().await?;
    Ok(t)
}

/// Place everyone hired through the ticket's posting who is not placed yet (channel 岗位招聘),
/// up to the headcount. Returns how many were placed.
pub async fn take_over_hires(
    store: &Store,
    scope: &Scope,
    ticket: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<usize, SkillsError> {
    let mut tx = store.begin().await?;
    let mut t = leye_store::get_ticket(&mut tx, scope, ticket).await?;
    if t.posting_id.is_none() {
        return Err(FieldError::new("posting", "no_posting", "服务单尚未关联岗位").into());
    }
    let hires = leye_store::unplaced_hires(&mut tx, &t).await?;
    let mut n = 0;
    for (person, day) in hires {
        if t.placed >= t.headcount {
            break;
        }
        let on = if day < t.opened_on {
            t.opened_on.clone()
        } else {
            day
        };
        t = leye_store::place(
            &mut tx,
            scope,
            ticket,
            person,
            Channel::Posting,
            &on,
            actor,
            now,
        )
        .await?;
        n += 1;
    }
    tx.commit().await?;
    Ok(n)
}
