//! 紧缺工种目录 (二(四)1): the quarterly list computed from the job market's records. Demand
//! is the headcount of postings open at some time in the quarter; supply the active job
//! seekers registered by the quarter's end whose wanted occupations include the posting's
//! (a wish for a group, like `6-18`, covers every occupation under it). Both are counted per
//! county (where the work is, where the seeker looks) and for the whole city.

use crate::JobsError;
use leye_domain::Regions;
use leye_domain::shortage::{MarketCell, Quarter, ShortageLine, ShortageRule, classify};
use leye_store::{Actor, Store};
use std::collections::BTreeMap;

mod params {
    leye_policy::param_file!("shortage.toml");
}

/// The rule in force on the quarter's last day, and where its values come from.
pub fn rule(q: Quarter) -> Result<(ShortageRule, String), JobsError> {
    let p = params::params()?;
    let on = q.last_day();
    let (ratio, ru) = p.int_at("ratio_permille", on)?;
    let (min, mu) = p.int_at("min_demand", on)?;
    Ok((
        ShortageRule {
            ratio_permille: ratio,
            min_demand: min,
        },
        format!(
            "shortage.toml: ratio_permille={ratio} ({}); min_demand={min} ({})",
            ru.source, mu.source
        ),
    ))
}

/// Do two occupation codes overlap (the same, or one inside the other's group)?
fn covers(wanted: &str, occupation: &str) -> bool {
    let inside = |outer: &str, inner: &str| {
        inner.len() > outer.len()
            && inner.starts_with(outer)
            && inner.as_bytes()[outer.len()] == b'-'
    };
    wanted == occupation || inside(wanted, occupation) || inside(occupation, wanted)
}

/// The market cells of a quarter: one per (occupation, county) with demand, and one per
/// occupation for the whole city.
pub fn cells(
    demand: &[(String, String, i64)],
    seekers: &[(String, Vec<String>)],
    city: &str,
) -> Vec<MarketCell> {
    let mut by_county: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    let mut by_city: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (occupation, county, n) in demand {
        by_county
            .entry((occupation.clone(), county.clone()))
            .or_default()
            .0 += n;
        by_city.entry(occupation.clone()).or_default().0 += n;
    }
    for (county, wanted) in seekers {
        for (occupation, cell) in by_city.iter_mut() {
            if wanted.iter().any(|w| covers(w, occupation)) {
                cell.1 += 1;
                if let Some(c) = by_county.get_mut(&(occupation.clone(), county.clone())) {
                    c.1 += 1;
                }
            }
        }
    }
    by_county
        .into_iter()
        .map(|((occupation, region), (demand, supply))| MarketCell {
            occupation,
            region,
            demand,
            supply,
        })
        .chain(
            by_city
                .into_iter()
                .map(|(occupation, (demand, supply))| MarketCell {
                    occupation,
                    region: city.to_string(),
                    demand,
                    supply,
                }),
        )
        .collect()
}

/// Compute a quarter's lines from the records as they are now.
pub async fn compute(
    store: &Store,
    q: Quarter,
) -> Result<(ShortageRule, String, Vec<ShortageLine>), JobsError> {
    let (rule, source) = rule(q)?;
    let mut tx = store.begin_read().await?;
    let demand = leye_store::market_demand(
        &mut tx,
        &q.first_day().to_string(),
        &q.last_day().to_string(),
    )
    .await?;
    let seekers = leye_store::market_seekers(&mut tx, &q.last_day().to_string()).await?;
    tx.commit().await?;
    Ok((
        rule,
        source,
        classify(&cells(&demand, &seekers, &city_code()), rule),
    ))
}

/// The region code of the city's own lines (the whole of Huzhou).
pub fn city_code() -> String {
    Regions::huzhou()
        .all()
        .find(|r| r.level == leye_domain::region::RegionLevel::City)
        .map_or_else(|| "330500".to_string(), |r| r.code.clone())
}

/// A quarter's list as people see it: the published one, else the figures as they stand.
pub struct QuarterList {
    pub published: Option<leye_store::ShortageListRecord>,
    /// Where the rule's values come from
    pub source: String,
    pub lines: Vec<ShortageLine>,
}

/// [`QuarterList`] of `q`.
pub async fn list(store: &Store, q: Quarter) -> Result<QuarterList, JobsError> {
    let mut tx = store.begin_read().await?;
    let published = leye_store::shortage_quarters(&mut tx)
        .await?
        .into_iter()
        .find(|l| l.quarter == q.to_string());
    let stored = match &published {
        Some(_) => Some(leye_store::shortage_lines(&mut tx, &q.to_string()).await?),
        None => None,
    };
    tx.commit().await?;
    match (published, stored) {
        (Some(l), Some(lines)) => Ok(QuarterList {
            source: l.source.clone(),
            published: Some(l),
            lines,
        }),
        _ => {
            let (_, source, lines) = compute(store, q).await?;
            Ok(QuarterList {
                published: None,
                source,
                lines,
            })
        }
    }
}

/// Publish a quarter's list once it is over (`today` after its last day). Returns how many
/// lines are shortages.
pub async fn publish(
    store: &Store,
    q: Quarter,
    today: chrono::NaiveDate,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, JobsError> {
    if today <= q.last_day() {
        return Err(JobsError::Fields(vec![leye_domain::FieldError::new(
            "quarter",
            "not_over",
            format!("{}尚未结束,结束后才能发布该季度目录", q.label_zh()),
        )]));
    }
    let (rule, source, lines) = compute(store, q).await?;
    let mut tx = store.begin().await?;
    leye_store::publish_shortage(&mut tx, &q.to_string(), rule, &source, &lines, actor, now)
        .await?;
    tx.commit().await?;
    Ok(lines.iter().filter(|l| l.shortage).count())
}

/// The daily job: publish the previous quarter's list if it is not out yet; which quarter
/// was published, if any.
pub async fn publish_due(
    store: &Store,
    today: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Quarter>, JobsError> {
    let q = Quarter::of(today).previous();
    let mut tx = store.begin_read().await?;
    let done = leye_store::shortage_quarters(&mut tx)
        .await?
        .iter()
        .any(|l| l.quarter == q.to_string());
    tx.commit().await?;
    if done {
        return Ok(None);
    }
    publish(
        store,
        q,
        today,
        &Actor::system("紧缺工种目录(季度自动发布)"),
        now,
    )
    .await?;
    Ok(Some(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_wishes_cover_the_occupations_inside() {
        assert!(covers("6-18", "6-18-01-01"));
        assert!(covers("6-18-01-01", "6-18"));
        assert!(covers("6", "6-18-01-01"));
        assert!(!covers("6-1", "6-18-01-01"));
        assert!(!covers("4-01", "6-18"));
    }

    #[test]
    fn supply_is_counted_once_per_seeker_and_per_county() {
        let demand = vec![
            ("6-18-01-01".to_string(), "330502".to_string(), 30),
            ("6-18-01-01".to_string(), "330503".to_string(), 5),
            ("4-01-02-01".to_string(), "330502".to_string(), 12),
        ];
        let seekers = vec![
            (
                "330502".to_string(),
                vec!["6-18".to_string(), "6-18-01-01".to_string()],
            ),
            ("330502".to_string(), vec!["4-01-02-01".to_string()]),
            ("330503".to_string(), vec!["6".to_string()]),
            ("330521".to_string(), vec!["6-18-01-01".to_string()]),
        ];
        let c = cells(&demand, &seekers, "330500");
        let get = |o: &str, r: &str| {
            c.iter()
                .find(|x| x.occupation == o && x.region == r)
                .cloned()
                .unwrap()
        };
        assert_eq!(
            (
                get("6-18-01-01", "330502").demand,
                get("6-18-01-01", "330502").supply
            ),
            (30, 1)
        );
        assert_eq!(get("6-18-01-01", "330503").supply, 1);
        // The city row counts the seeker of a county with no such postings too.
        assert_eq!(
            (
                get("6-18-01-01", "330500").demand,
                get("6-18-01-01", "330500").supply
            ),
            (35, 3)
        );
        assert_eq!(get("4-01-02-01", "330500").supply, 1);
        assert_eq!(c.len(), 5);
    }
}
