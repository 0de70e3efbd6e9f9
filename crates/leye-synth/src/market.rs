//! The demo's gig market and recruitment events, made through the store's own rules: shifts
//! on the demo's gig postings (the last two weeks done, paid and rated; the coming week open
//! for sign-up) and this year's recruitment events across the counties, with employers bringing
//! postings, job seekers registering, coming, applying and some hired. Past steps run at the
//! time they would have happened (the store takes the clock as an argument), so every rule —
//! places, check-in windows, events running — holds for the demo as for real use.

use crate::SynthError;
use crate::rng::Rng;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, Utc};
use leye_domain::gig::{GigAction, GigSide, Rating, SlotFacts};
use leye_domain::recruitment::EventInput;
use leye_domain::region::RegionLevel;
use leye_domain::{Regions, Scope};
use leye_store::{Actor, Paging, Store};

/// What [`load_demo_market`] made.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct MarketSummary {
    pub slots: usize,
    pub signups: usize,
    pub events: usize,
    pub event_applications: usize,
}

const ONLINE_TITLES: &[&str] = &["{place}直播带岗专场", "{place}网络招聘会", "{place}云聘会"];
const EVENT_TITLES: &[&str] = &[
    "{place}高校毕业生专场招聘会",
    "{place}“家门口”就业招聘会",
    "{place}退役军人专场招聘会",
    "{place}就业援助月专场招聘会",
    "{place}春风行动招聘会",
    "{place}制造业技能人才专场招聘会",
    "{place}共富班车岗位对接会",
];

fn at(d: NaiveDate, h: u32) -> NaiveDateTime {
    d.and_hms_opt(h, 0, 0).unwrap_or_default()
}

/// Shifts, sign-ups, events and their attendance for the demo city as of `now`. `events`
/// is how many recruitment events of this year to record (spread from 1 January to a few
/// weeks ahead).
pub async fn load_demo_market(
    store: &Store,
    seed: u64,
    events: usize,
    now: DateTime<Utc>,
) -> Result<MarketSummary, SynthError> {
    let today = leye_domain::time::local_date(now);
    let t = today.to_string();
    let sys = Scope::System;
    let actor = Actor::system("演示数据");
    let mut rng = Rng::new(seed);
    let mut sum = MarketSummary::default();
    let mut tx = store.begin().await?;
    let postings = leye_store::postings_in_scope(
        &mut tx,
        &sys,
        true,
        Paging {
            page: 1,
            per_page: 5000,
            over_cap: false,
        },
    )
    .await?
    .items;
    let seekers = leye_store::seekers_for_matching(&mut tx, &sys, &[], false).await?;
    let gig_seekers: Vec<i64> = seekers
        .iter()
        .filter(|s| s.gig_ok)
        .map(|s| s.person_id)
        .collect();
    // Gig shifts: for each gig posting two past shifts (done) and one or two coming ones.
    for p in postings.iter().filter(|p| p.gig && p.pay_unit != "month") {
        for k in 0..(3 + rng.below(2)) {
            let day = if k < 2 {
                today - Days::new(1 + rng.below(14) as u64)
            } else {
                today + Days::new(1 + rng.below(7) as u64)
            };
            let start = 8 + rng.below(3) as u32;
            let hours = if p.pay_unit == "day" { 8 } else { 4 };
            let pay_fen = if p.pay_unit == "day" {
                p.pay_min_fen
            } else {
                p.pay_min_fen * i64::from(hours)
            };
            let places = 2 + rng.below(6) as i64;
            let facts = SlotFacts {
                starts_at: at(day, start),
                ends_at: at(day, start + hours),
                places,
                pay_fen,
                note: ["请提前15分钟到场", "自带饮用水", "现场提供工作服", ""][rng.below(4)]
                    .to_string(),
            };
            let slot =
                leye_store::create_slot(&mut tx, &sys, p.id, &facts, &t, &actor, now).await?;
            sum.slots += 1;
            let past = day < today;
            let takers = if past {
                places.min(3)
            } else {
                rng.below(places as usize) as i64
            };
            for _ in 0..takers {
                if gig_seekers.is_empty() {
                    break;
                }
                let person = gig_seekers[rng.below(gig_seekers.len())];
                let before = facts.starts_at - chrono::Duration::hours(20);
                let Ok(signup) =
                    leye_store::sign_up(&mut tx, &sys, person, slot, before, &actor, now).await
                else {
                    continue; // the same person twice, or another shift at that time
                };
                sum.signups += 1;
                if !past {
                    continue;
                }
                let came = rng.below(10) < 9;
                let steps: &[(GigSide, GigAction, NaiveDateTime)] = if came {
                    &[
                        (GigSide::Worker, GigAction::CheckIn, facts.starts_at),
                        (GigSide::Employer, GigAction::Complete, facts.ends_at),
                        (
                            GigSide::Worker,
                            GigAction::ConfirmPay,
                            facts.ends_at + chrono::Duration::hours(2),
                        ),
                    ]
                } else {
                    &[(
                        GigSide::Employer,
                        GigAction::NoShow,
                        facts.starts_at + chrono::Duration::hours(1),
                    )]
                };
                for (side, action, when) in steps {
                    leye_store::gig_act(
                        &mut tx, &sys, signup, *side, *action, None, "", *when, &actor, now,
                    )
                    .await?;
                }
                if came {
                    for side in [GigSide::Worker, GigSide::Employer] {
                        let stars = ["5", "5", "4", "4", "3"][rng.below(5)];
                        let r = Rating::parse(
                            stars,
                            ["", "准时", "认真负责", "结算及时"][rng.below(4)],
                        )
                        .map_err(|mut e| e.remove(0))?;
                        leye_store::rate_gig(&mut tx, &sys, signup, side, true, &r, &actor, now)
                            .await?;
                    }
                }
            }
        }
    }
    tx.commit().await?;

    // Recruitment events of this year, about evenly spread to a month ahead.
    let regions = Regions::huzhou();
    let counties: Vec<&leye_domain::Region> = regions
        .all()
        .filter(|r| r.level == RegionLevel::County)
        .collect();
    let jan1 = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let span = (today - jan1).num_days().max(1) + 30;
    let by_enterprise: Vec<(i64, Vec<i64>)> = {
        let mut m: std::collections::BTreeMap<i64, Vec<i64>> = std::collections::BTreeMap::new();
        for p in &postings {
            m.entry(p.enterprise_id).or_default().push(p.id);
        }
        m.into_iter().collect()
    };
    let people: Vec<i64> = seekers.iter().map(|s| s.person_id).collect();
    if counties.is_empty() {
        return Ok(sum);
    }
    let mut tx = store.begin().await?;
    for i in 0..events {
        let county = counties[rng.below(counties.len())];
        let day = jan1 + Days::new((i as i64 * span / events.max(1) as i64) as u64);
        let online = rng.below(3) == 0;
        let titles = if online { ONLINE_TITLES } else { EVENT_TITLES };
        let title = titles[rng.below(titles.len())].replace("{place}", &county.name);
        let input = EventInput {
            title: format!("{}({}月)", title, day.month()),
            mode: if online { "online" } else { "offline" }.into(),
            region: county.code.clone(),
            venue: if online {
                "浙里就业·湖州网络招聘大厅".into()
            } else {
                format!("{}人力资源市场", county.name)
            },
            starts_on: day.to_string(),
            ends_on: String::new(),
            organiser: format!("{}人力社保局", county.name),
            description: String::new(),
        };
        let facts = input.parse(regions, day).map_err(|mut e| e.remove(0))?;
        let event = leye_store::create_event(&mut tx, &sys, &facts, &actor, now).await?;
        sum.events += 1;
        let d = day.to_string();
        if by_enterprise.is_empty() {
            continue;
        }
        let mut offered = Vec::new();
        for _ in 0..(2 + rng.below(5)) {
            let (eid, ids) = &by_enterprise[rng.below(by_enterprise.len())];
            let take: Vec<i64> = ids.iter().copied().take(1 + rng.below(3)).collect();
            if leye_store::join_event(&mut tx, &sys, event, *eid, &take, &d, &actor, now)
                .await
                .is_ok()
            {
                offered.extend(take);
            }
        }
        if people.is_empty() || offered.is_empty() {
            continue;
        }
        for _ in 0..(3 + rng.below(10)) {
            let person = people[rng.below(people.len())];
            if leye_store::register_attendee(&mut tx, &sys, event, person, &d, &actor, now)
                .await
                .is_err()
            {
                continue;
            }
            if day > today || rng.below(10) >= 7 {
                continue;
            }
            leye_store::check_in_attendee(&mut tx, &sys, event, person, &d, &actor, now).await?;
            let posting = offered[rng.below(offered.len())];
            let Ok(app) = leye_store::apply_to_posting(
                &mut tx,
                &sys,
                person,
                posting,
                Some(event),
                &d,
                &actor,
                now,
            )
            .await
            else {
                continue; // already applied to that posting
            };
            sum.event_applications += 1;
            let state = ["interview", "interview", "hired", "applied"][rng.below(4)];
            if state != "applied" {
                leye_store::set_job_application_state(&mut tx, &sys, app, state, &actor, now)
                    .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(sum)
}
