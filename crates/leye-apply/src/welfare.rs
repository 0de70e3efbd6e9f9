//! 公益性岗位 (public-welfare posts, plan 二(三)3): posts with their pay checked against the
//! minimum wage, placements decided by the policy engine (subsidy end date: 36 months, or to
//! statutory retirement when less than 5 years remained at first approval; at most two
//! placements, the second only for the groups the plan names), and the alerts before the
//! subsidy ends.

use crate::{ApplyError, field};
use chrono::{DateTime, Days, NaiveDate, Utc};
use leye_domain::YearMonth;
use leye_domain::{Money, Regions, Scope};
use leye_policy::measures::public_welfare_post as pwp;
use leye_policy::situation::{Employment, EmploymentKind, Enterprise};
use leye_policy::{Decision, Status};
use leye_store::{
    Actor, NewApplication, NewPlacement, NewPost, PlacementRecord, Store, StoreError,
};

/// A post as typed in a form.
#[derive(Debug, Clone, Default)]
pub struct PostRequest {
    pub name: String,
    pub enterprise_id: Option<i64>,
    pub region: String,
    pub full_time: bool,
    pub monthly_pay_yuan: String,
    /// The unit's account for the monthly subsidies
    pub payee_account: String,
}

/// Create a post; full-time pay must reach the minimum wage in force today.
pub async fn create_post(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    req: &PostRequest,
) -> Result<i64, ApplyError> {
    let today = leye_domain::time::local_date(now);
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(field("name", "required", "请填写岗位名称(1至100个字)"));
    }
    let region = Regions::huzhou()
        .code(&req.region)
        .map_err(|e| field("region", "invalid_region", e.to_string()))?;
    let Some(enterprise_id) = req.enterprise_id else {
        return Err(field("enterprise_id", "required", "请选择用人单位"));
    };
    let pay = Money::parse_yuan(&req.monthly_pay_yuan).map_err(|e| {
        field(
            "monthly_pay_yuan",
            "invalid_money",
            format!("月工资“{}”无效: {e}", req.monthly_pay_yuan.trim()),
        )
    })?;
    let (min, min_p) = leye_policy::measures::common::min_wage(today)?;
    if req.full_time && pay.fen() < min {
        return Err(field(
            "monthly_pay_yuan",
            "below_minimum_wage",
            format!(
                "全日制公益性岗位月工资{pay}元低于最低工资标准{}元({})",
                Money::from_fen(min),
                min_p.source
            ),
        ));
    }
    let payee_account = crate::check_account(&req.payee_account)?;
    let mut tx = store.begin().await?;
    leye_store::get_enterprise(&mut tx, &Scope::System, enterprise_id).await?;
    let id = leye_store::create_post(
        &mut tx,
        scope,
        &NewPost {
            name: name.into(),
            enterprise_id,
            region: region.as_str().into(),
            full_time: req.full_time,
            monthly_pay_fen: pay.fen(),
            payee_account,
        },
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What placing someone would decide (nothing is written): the policy engine's decision on
/// the placement, as of its start.
pub async fn decide_placement(
    store: &Store,
    scope: &Scope,
    post_id: i64,
    person_id: i64,
    start: NaiveDate,
) -> Result<(Decision, u32), ApplyError> {
    let mut tx = store.begin_read().await?;
    let post = leye_store::get_post(&mut tx, scope, post_id).await?;
    let prior = leye_store::placements_of_person(&mut tx, person_id).await?;
    leye_store::get_person(&mut tx, &Scope::System, person_id).await?;
    tx.commit().await?;
    let prior_n = prior.len() as u32;
    let batch = store.registry_of_person(person_id).await?;
    let mut s = leye_sweep::situation_of(&batch, start);
    let person = format!("p{person_id}");
    let enterprise = format!("e{}", post.enterprise_id);
    // The placement under decision replaces whatever job the registry shows.
    s.employments.retain(|e| e.person != person);
    s.employments.push(Employment {
        person: person.clone(),
        enterprise: enterprise.clone(),
        kind: Some(EmploymentKind::PublicWelfarePost),
        start: Some(start),
        first_approval: Some(start),
        prior_placements: Some(prior_n),
        full_time: Some(post.full_time),
        monthly_pay_fen: Some(post.monthly_pay_fen),
        labour_contract: Some(true),
        ..Default::default()
    });
    if !s.enterprises.iter().any(|e| e.id == enterprise) {
        s.enterprises.push(Enterprise {
            id: enterprise.clone(),
            registered_in_huzhou: Some(true),
            ..Default::default()
        });
    }
    // Hard to employ: whoever was placed before was identified as such; otherwise the
    // engine's own identification, which a first placement requires.
    let identified = if prior_n > 0 {
        Some(true)
    } else {
        leye_policy::evaluate(&s, start, Some(&["hard_to_employ".to_string()]))?
            .into_iter()
            .find(|d| d.subject == person)
            .and_then(|d| match d.status {
                Status::Eligible => Some(true),
                Status::NotEligible => Some(false),
                Status::CannotDecide { .. } => None,
            })
    };
    if prior_n == 0 && identified != Some(true) {
        return Err(field(
            "person_id",
            "not_hard_to_employ",
            "公益性岗位用于安置就业困难人员: 按登记信息,该人员在上岗日不符合就业困难人员认定条件",
        ));
    }
    if let Some(p) = s.persons.iter_mut().find(|p| p.id == person) {
        p.hard_to_employ = identified;
    }
    let subject = format!("{person}@{enterprise}");
    let d = leye_policy::evaluate(&s, start, Some(&["public_welfare_post".to_string()]))?
        .into_iter()
        .find(|d| d.subject == subject)
        .ok_or_else(|| field("person_id", "no_subject", "无法判定该安置"))?;
    Ok((d, prior_n))
}

/// Place a person on a post from `start`: refused unless the engine says eligible; the
/// subsidy end date is the engine's.
pub async fn place(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    post_id: i64,
    person_id: i64,
    start: NaiveDate,
) -> Result<i64, ApplyError> {
    let (d, prior) = decide_placement(store, scope, post_id, person_id, start).await?;
    if d.status != Status::Eligible {
        let why: Vec<String> = d
            .conditions
            .iter()
            .filter(|c| c.outcome != leye_policy::Outcome::Met)
            .map(|c| c.text.clone())
            .collect();
        return Err(field(
            "person_id",
            "not_eligible",
            format!("不能安置: {}", why.join(";")),
        ));
    }
    let Some((_, end)) = d.period else {
        return Err(field(
            "person_id",
            "no_period",
            "无法计算补贴期限(缺少出生日期或性别)",
        ));
    };
    let mut tx = store.begin().await?;
    let id = leye_store::insert_placement(
        &mut tx,
        scope,
        &NewPlacement {
            post_id,
            person_id,
            placement_no: i64::from(prior) + 1,
            start_on: start.to_string(),
            subsidy_end: end.to_string(),
            decision_json: serde_json::to_string(&d).unwrap_or_default(),
        },
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Where a running placement stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Alert {
    /// Subsidy ends within 30 days
    Within30,
    /// Subsidy ends within 90 days
    Within90,
    /// Subsidy has ended; the person is still on the post
    Ended,
}

impl Alert {
    pub fn label_zh(self) -> &'static str {
        match self {
            Alert::Within30 => "30天内到期",
            Alert::Within90 => "90天内到期",
            Alert::Ended => "补贴已到期",
        }
    }
}

/// A placement that needs attention.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlacementAlert {
    pub placement: PlacementRecord,
    pub alert: Alert,
    pub days_left: i64,
    /// Placements so far (this one included)
    pub placements: i64,
    /// For ended subsidies: may be placed again (engine's decision for a new placement)
    pub may_be_placed_again: Option<bool>,
}

/// The alert of one placement on `today`, if any.
pub fn alert_of(subsidy_end: NaiveDate, today: NaiveDate) -> Option<(Alert, i64)> {
    let days = (subsidy_end - today).num_days();
    let a = if days < 0 {
        Alert::Ended
    } else if days <= 30 {
        Alert::Within30
    } else if days <= 90 {
        Alert::Within90
    } else {
        return None;
    };
    Some((a, days))
}

/// Running placements in scope whose subsidy ends within 90 days or has ended, with whether
/// those whose subsidy ended may be placed again.
pub async fn alerts(
    store: &Store,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Vec<PlacementAlert>, ApplyError> {
    let mut tx = store.begin_read().await?;
    let running = leye_store::running_placements(&mut tx, scope).await?;
    tx.commit().await?;
    let mut out = Vec::new();
    for p in running {
        let Ok(end) = p.subsidy_end.parse::<NaiveDate>() else {
            continue;
        };
        let Some((alert, days_left)) = alert_of(end, today) else {
            continue;
        };
        let again = if alert == Alert::Ended {
            let next = end.checked_add_days(Days::new(1)).unwrap_or(end).max(today);
            match decide_placement(store, scope, p.post_id, p.person_id, next).await {
                Ok((d, _)) => Some(d.status == Status::Eligible),
                Err(_) => None,
            }
        } else {
            None
        };
        out.push(PlacementAlert {
            placements: p.placement_no,
            placement: p,
            alert,
            days_left,
            may_be_placed_again: again,
        });
    }
    Ok(out)
}

/// What a monthly accrual did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Accrued {
    /// Applications created (one per placement)
    pub created: usize,
    /// Placements that already had this month's application
    pub existing: usize,
    pub total_fen: i64,
}

/// The monthly post and social-insurance subsidies of `month` for every placement in scope
/// whose subsidy runs during it: one submitted application each (paid to the employing unit,
/// prorated by the days covered), which then goes through review, approval and a payment
/// batch like any other. Running it again for the same month creates nothing new.
pub async fn accrue(
    store: &Store,
    scope: &Scope,
    actor: &Actor,
    now: DateTime<Utc>,
    month: YearMonth,
) -> Result<Accrued, ApplyError> {
    let today = leye_domain::time::local_date(now);
    let first = month.first_day();
    let next = month.add_months(1).first_day();
    let last = next.pred_opt().unwrap_or(first);
    let month_days = (next - first).num_days();
    let params = pwp::params()?;
    let post = params.int_at("monthly_post_subsidy_fen", first)?;
    let insurance = params.int_at("monthly_insurance_subsidy_fen", first)?;
    let share = params.int_at("part_time_share_pct", first)?;
    let (fund, _) = leye_policy::funds::fund_of(pwp::ID, first)?;
    let mut tx = store.begin_read().await?;
    let rows =
        leye_store::placements_for_accrual(&mut tx, scope, &first.to_string(), &last.to_string())
            .await?;
    tx.commit().await?;
    let mut out = Accrued::default();
    for r in rows {
        let p = &r.placement;
        let date = |s: &str| s.parse::<NaiveDate>().ok();
        let from = date(&p.start_on).unwrap_or(first).max(first);
        let mut to = date(&p.subsidy_end).unwrap_or(last).min(last);
        if let Some(e) = p.ended_on.as_deref().and_then(date) {
            to = to.min(e);
        }
        let days = (to - from).num_days() + 1;
        if days <= 0 {
            continue;
        }
        let monthly_post = if r.full_time {
            post.0
        } else {
            post.0 * share.0 / 100
        };
        let amount = (monthly_post + insurance.0) * days / month_days;
        let mut decision: serde_json::Value =
            serde_json::from_str(&p.decision_json).unwrap_or_else(|_| serde_json::json!({}));
        let note = serde_json::json!({
            "text": format!("按月计发: {month}在岗{days}天/{month_days}天"),
            "clause": pwp::CLAUSE,
            "outcome": "met",
            "facts": [["placement_id", p.id.to_string()], ["full_time", if r.full_time { "是" } else { "否" }]],
            "params": [post.1, insurance.1, share.1],
            "decisive": false,
            "children": [],
        });
        if let Some(o) = decision.as_object_mut() {
            o.insert("amount".into(), serde_json::json!(amount));
            o.insert("period".into(), serde_json::json!([first, last]));
            o.insert("on".into(), serde_json::json!(today));
            match o.get_mut("conditions").and_then(|c| c.as_array_mut()) {
                Some(c) => c.push(note),
                None => {
                    o.insert("conditions".into(), serde_json::json!([note]));
                }
            }
        }
        let new = NewApplication {
            measure: pwp::ID.into(),
            clause: pwp::CLAUSE.into(),
            subject: format!("p{}@e{}", p.person_id, r.enterprise_id),
            person_id: Some(p.person_id),
            enterprise_id: Some(r.enterprise_id),
            district: crate::district_of(&p.region),
            region: p.region.clone(),
            fund: fund.code().into(),
            budget_year: month.year(),
            offer_id: None,
            channel: "system".into(),
            decision_status: "eligible".into(),
            decided_on: today.to_string(),
            amount_fen: Some(amount),
            period: Some((first.to_string(), last.to_string())),
            decision_json: decision.to_string(),
            payee_name: p.enterprise_name.clone(),
            payee_account: r.payee_account.clone(),
        };
        let mut tx = store.begin().await?;
        let due = crate::due(leye_domain::application::AppState::Submitted, today)?;
        match leye_store::insert_application(
            &mut tx,
            scope,
            &new,
            "submitted",
            due.as_deref(),
            actor,
            now,
        )
        .await
        {
            Ok(_) => {
                tx.commit().await?;
                out.created += 1;
                out.total_fen += amount;
            }
            Err(StoreError::Duplicate { .. }) => out.existing += 1,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_at_90_and_30_days() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let today = d("2026-11-28");
        assert_eq!(alert_of(d("2027-03-01"), today), None);
        assert_eq!(
            alert_of(d("2027-02-26"), today),
            Some((Alert::Within90, 90))
        );
        assert_eq!(
            alert_of(d("2026-12-28"), today),
            Some((Alert::Within30, 30))
        );
        assert_eq!(alert_of(d("2026-11-27"), today), Some((Alert::Ended, -1)));
    }
}
