//! Progress against the plan's targets: the year's actual so far, the target for the region
//! (the city's, or a county's part of it by `allocation.toml`), a straight-line projection to
//! the year's end and the monthly pace still needed.

use crate::catalogue::{Catalogue, Rule, Target, hundredths};
use crate::figures::{CITY, Figures, Mon, mon_year};
use serde::Serialize;

/// How a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Reached (or within its bound).
    Met,
    /// Not yet reached, but the projection reaches it.
    OnTrack,
    /// The projection falls short, or the bound is broken.
    Behind,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Met => "已达标",
            Standing::OnTrack => "进度正常",
            Standing::Behind => "进度滞后",
        }
    }
}

/// One target's progress in one region up to one month.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub target_id: String,
    pub region: String,
    pub year: i32,
    /// Months of the year counted (1-12).
    pub months: i32,
    /// The target for this region (`None`: the plan sets none here, e.g. a township).
    pub target_value: Option<i64>,
    /// `target_value` or 0, for arithmetic.
    pub target: i64,
    /// Year to date (flows), or the latest value (rates in basis points, stocks).
    pub actual: i64,
    /// Straight-line projection to December (flows); the actual otherwise.
    pub projection: i64,
    /// Needed per remaining month to reach the target (flows).
    pub pace_needed: i64,
    pub standing: Option<Standing>,
    /// actual ÷ target in basis points (flows).
    pub share_bp: Option<i64>,
}

impl Progress {
    /// A value of this target as people read it.
    pub fn show(&self, t: &Target, v: i64) -> String {
        match t.rule {
            Rule::AtLeastRate | Rule::AtMost | Rule::About => format!("{}%", hundredths(v)),
            _ => format!("{}{}", crate::catalogue::group(v), t.unit),
        }
    }
}

/// The target's value for a region: the city's, a county's part, or none.
pub fn target_for(t: &Target, region: &str) -> Option<i64> {
    if region == CITY {
        return Some(t.value);
    }
    match t.rule {
        // Flows are split by population; bounds and shares hold everywhere.
        Rule::AtLeast => Catalogue::current().allocation.part(region, t.value),
        Rule::AtLeastRate | Rule::AtMost | Rule::About | Rule::Zero => Some(t.value),
        Rule::CountBy => None,
    }
}

/// Progress of `t` in `region` up to `month`, from the figures; `None` without figures.
pub fn progress(figures: &Figures, t: &Target, region: &str, month: Mon) -> Option<Progress> {
    let ind = Catalogue::current().indicator(&t.indicator)?;
    let year = mon_year(month);
    let first = year * 12;
    let months = month - first + 1;
    let target_value = target_for(t, region);
    let target = target_value.unwrap_or(0);
    let mut p = Progress {
        target_id: t.id.clone(),
        region: region.to_string(),
        year,
        months,
        target_value,
        target,
        actual: 0,
        projection: 0,
        pace_needed: 0,
        standing: None,
        share_bp: None,
    };
    match t.rule {
        Rule::AtLeast => {
            let mut any = false;
            for m in first..=month {
                if let Some((n, _)) = figures.get(&t.indicator, region, m) {
                    p.actual += n;
                    any = true;
                }
            }
            if !any {
                return None;
            }
            p.projection = p.actual * 12 / i64::from(months.max(1));
            let left = i64::from(12 - months);
            p.pace_needed = if left > 0 {
                ((target - p.actual).max(0) + left - 1) / left
            } else {
                0
            };
            if target_value.is_some() {
                p.share_bp = (target > 0).then(|| p.actual * 10_000 / target);
                p.standing = Some(if p.actual >= target {
                    Standing::Met
                } else if p.projection >= target {
                    Standing::OnTrack
                } else {
                    Standing::Behind
                });
            }
        }
        Rule::AtLeastRate | Rule::AtMost | Rule::About | Rule::Zero => {
            let (n, d) = figures.get(&t.indicator, region, month)?;
            p.actual = ind.scaled(n, d)?;
            p.projection = p.actual;
            let ok = match t.rule {
                Rule::AtLeastRate => p.actual >= target,
                Rule::AtMost => p.actual <= target,
                Rule::About => (p.actual - target).abs() <= t.band,
                _ => p.actual == 0,
            };
            p.standing = target_value.map(|_| if ok { Standing::Met } else { Standing::Behind });
        }
        Rule::CountBy => {
            // A stock to reach by the month `by`: projected from its growth over the last
            // twelve months.
            let stock = |m: Mon| figures.get(&t.indicator, region, m).map_or(0, |x| x.0);
            p.actual = stock(month);
            let by =
                t.by.as_deref()
                    .and_then(crate::figures::mon)
                    .unwrap_or(month);
            let left = i64::from((by - month).max(0));
            let growth = p.actual - stock(month - 12);
            p.projection = p.actual + growth * left / 12;
            p.pace_needed = if left > 0 {
                ((target - p.actual).max(0) + left - 1) / left
            } else {
                0
            };
            if target_value.is_some() {
                p.share_bp = (target > 0).then(|| p.actual * 10_000 / target);
                p.standing = Some(if p.actual >= target {
                    Standing::Met
                } else if p.projection >= target {
                    Standing::OnTrack
                } else {
                    Standing::Behind
                });
            }
        }
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::{Contribution, mon};
    use leye_domain::Regions;

    #[test]
    fn projection_and_pace_of_a_yearly_target() {
        let c = Catalogue::current();
        let t = c.target("new_urban_employment").unwrap();
        let mut f = Figures::default();
        let regions = Regions::huzhou();
        // 4,000 a month in 吴兴区 for January to June 2026
        for m in 0..6 {
            let month = mon("2026-01").unwrap() + m;
            f.add(
                regions,
                &Contribution::new("new_urban_employment", "330502", month, 4000, 0),
            );
        }
        let june = mon("2026-06").unwrap();
        let city = progress(&f, t, CITY, june).unwrap();
        assert_eq!(city.actual, 24_000);
        assert_eq!(city.projection, 48_000);
        assert_eq!(city.pace_needed, 6_000);
        assert_eq!(city.standing, Some(Standing::Behind));
        // 吴兴区's part: 60,000 × 727,000 / 3,098,000 = 14,080
        let wx = progress(&f, t, "330502", june).unwrap();
        assert_eq!(wx.target_value, Some(14_080));
        assert_eq!(wx.standing, Some(Standing::Met));
        // No figures, no progress.
        assert!(progress(&f, t, "330503", june).is_none());
    }

    #[test]
    fn a_ceiling_is_met_or_broken() {
        let c = Catalogue::current();
        let t = c.target("surveyed_unemployment_rate").unwrap();
        let mut f = Figures::default();
        let m = mon("2026-10").unwrap();
        f.set("surveyed_unemployment_rate", CITY, m, 480, 10_000);
        let p = progress(&f, t, CITY, m).unwrap();
        assert_eq!((p.actual, p.standing), (480, Some(Standing::Met)));
        f.set("surveyed_unemployment_rate", CITY, m, 510, 10_000);
        let p = progress(&f, t, CITY, m).unwrap();
        assert_eq!(p.standing, Some(Standing::Behind));
        assert_eq!(p.show(t, p.actual), "5.10%");
    }

    #[test]
    fn a_registry_count_is_projected_from_its_last_year() {
        let c = Catalogue::current();
        let t = c.target("hr_institutions").unwrap();
        let mut f = Figures::default();
        let now = mon("2025-12").unwrap();
        // 500 a year ago, 800 now: 300 a year more reaches 1,100 by 2026-12.
        f.set("hr_institutions", CITY, now - 12, 500, 0);
        f.set("hr_institutions", CITY, now, 800, 0);
        let p = progress(&f, t, CITY, now).unwrap();
        assert_eq!((p.actual, p.projection, p.pace_needed), (800, 1_100, 9));
        assert_eq!(p.standing, Some(Standing::OnTrack));
        f.set("hr_institutions", CITY, now - 12, 790, 0);
        assert_eq!(
            progress(&f, t, CITY, now).unwrap().standing,
            Some(Standing::Behind)
        );
        f.set("hr_institutions", CITY, now, 900, 0);
        assert_eq!(
            progress(&f, t, CITY, now).unwrap().standing,
            Some(Standing::Met)
        );
        // No county shares of a registry count.
        assert_eq!(progress(&f, t, "330502", now).unwrap().target_value, None);
    }
}
