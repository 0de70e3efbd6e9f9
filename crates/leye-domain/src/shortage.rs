//! 紧缺工种目录 (二(四)1 "定期发布紧缺工种目录"): each quarter, the demand (people wanted by
//! postings) and supply (job seekers who would take the work) per occupation and county give
//! the 求人倍率 (job-openings-to-seekers ratio); occupations whose ratio reaches a threshold,
//! with enough demand to mean something, are shortage occupations.

use crate::year_month::YearMonth;
use chrono::{Datelike, NaiveDate};
use std::fmt;
use thiserror::Error;

/// A calendar quarter (季度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    q: u32,
}

/// Not a quarter like `2026Q3`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("季度“{0}”格式不正确(应为如 2026Q3)")]
pub struct QuarterError(pub String);

impl Quarter {
    /// Parse `2026Q3`, `2026-Q3` or `2026q3`.
    pub fn parse(raw: &str) -> Result<Quarter, QuarterError> {
        let bad = || QuarterError(raw.trim().to_string());
        let s = raw.trim().to_ascii_uppercase().replace('-', "");
        let (y, q) = s.split_once('Q').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let q: u32 = q.parse().map_err(|_| bad())?;
        if y.len() != 4 || !(1..=4).contains(&q) || !(2000..=2100).contains(&year) {
            return Err(bad());
        }
        Ok(Quarter { year, q })
    }
    /// The quarter a date falls in.
    pub fn of(d: NaiveDate) -> Quarter {
        Quarter {
            year: d.year(),
            q: (d.month() - 1) / 3 + 1,
        }
    }
    /// The quarter before.
    pub fn previous(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }
    pub fn first_month(self) -> YearMonth {
        YearMonth::new(self.year, self.q * 3 - 2).unwrap_or_else(|| YearMonth::of(NaiveDate::MIN))
    }
    pub fn first_day(self) -> NaiveDate {
        self.first_month().first_day()
    }
    pub fn last_day(self) -> NaiveDate {
        self.first_month().add_months(3).first_day() - chrono::Duration::days(1)
    }
    /// 2026年第3季度
    pub fn label_zh(self) -> String {
        format!("{}年第{}季度", self.year, self.q)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

/// Demand and supply of one occupation in one area for a quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketCell {
    pub occupation: String,
    /// A county code, or the city code for the whole city.
    pub region: String,
    /// People wanted: the headcount of postings open at some time in the quarter.
    pub demand: i64,
    /// Job seekers active in the quarter who want this occupation (or a group containing it).
    pub supply: i64,
}

/// When an occupation counts as short (parameters, see `shortage.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortageRule {
    /// 求人倍率 at or above this, in thousandths (1500 = 1.5).
    pub ratio_permille: i64,
    /// At least this many people wanted.
    pub min_demand: i64,
}

/// One line of the list, with the figures behind it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ShortageLine {
    pub occupation: String,
    pub region: String,
    pub demand: i64,
    pub supply: i64,
    /// demand ÷ supply in thousandths; `None` when no one seeks this work.
    pub ratio_permille: Option<i64>,
    pub shortage: bool,
}

impl ShortageLine {
    /// The ratio as people read it: "2.35", or "—" when no seekers.
    pub fn ratio_text(&self) -> String {
        match self.ratio_permille {
            Some(r) => {
                let h = (r + 5) / 10;
                format!("{}.{:02}", h / 100, h % 100)
            }
            None => "—".to_string(),
        }
    }
}

/// Rate every cell; shortage lines first, then by ratio (no seekers counts as highest) and
/// demand, then by occupation code.
pub fn classify(cells: &[MarketCell], rule: ShortageRule) -> Vec<ShortageLine> {
    let mut lines: Vec<ShortageLine> = cells
        .iter()
        .map(|c| {
            let ratio = (c.supply > 0).then(|| c.demand.saturating_mul(1000) / c.supply);
            let shortage =
                c.demand >= rule.min_demand && ratio.is_none_or(|r| r >= rule.ratio_permille);
            ShortageLine {
                occupation: c.occupation.clone(),
                region: c.region.clone(),
                demand: c.demand,
                supply: c.supply,
                ratio_permille: ratio,
                shortage,
            }
        })
        .collect();
    lines.sort_by(|a, b| {
        b.shortage
            .cmp(&a.shortage)
            .then_with(|| {
                b.ratio_permille
                    .map_or(i64::MAX, |r| r)
                    .cmp(&a.ratio_permille.map_or(i64::MAX, |r| r))
            })
            .then_with(|| b.demand.cmp(&a.demand))
            .then_with(|| a.occupation.cmp(&b.occupation))
            .then_with(|| a.region.cmp(&b.region))
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cell(o: &str, demand: i64, supply: i64) -> MarketCell {
        MarketCell {
            occupation: o.into(),
            region: "330502".into(),
            demand,
            supply,
        }
    }
    const RULE: ShortageRule = ShortageRule {
        ratio_permille: 1500,
        min_demand: 10,
    };

    #[test]
    fn quarters_parse_and_span_their_months() {
        let q = Quarter::parse("2026-q3").unwrap();
        assert_eq!(q.to_string(), "2026Q3");
        assert_eq!(q.first_day().to_string(), "2026-07-01");
        assert_eq!(q.last_day().to_string(), "2026-09-30");
        assert_eq!(
            Quarter::parse("2026Q1").unwrap().previous().to_string(),
            "2025Q4"
        );
        assert_eq!(
            Quarter::of(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()).to_string(),
            "2026Q4"
        );
        for bad in ["2026", "2026Q5", "26Q1", "Q1", "2026Q", ""] {
            assert!(Quarter::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_threshold_and_the_minimum_demand_decide() {
        let lines = classify(
            &[
                cell("a", 15, 10),
                cell("b", 14, 10),
                cell("c", 9, 1),
                cell("d", 10, 0),
                cell("e", 0, 0),
            ],
            RULE,
        );
        let short: Vec<&str> = lines
            .iter()
            .filter(|l| l.shortage)
            .map(|l| l.occupation.as_str())
            .collect();
        assert_eq!(short, ["d", "a"]); // no seekers at all first, then 1.5
        let b = lines.iter().find(|l| l.occupation == "b").unwrap();
        assert_eq!(b.ratio_permille, Some(1400));
        assert_eq!(b.ratio_text(), "1.40");
        assert!(!lines.iter().find(|l| l.occupation == "c").unwrap().shortage); // 9 < 10 wanted
        assert_eq!(
            lines
                .iter()
                .find(|l| l.occupation == "d")
                .unwrap()
                .ratio_text(),
            "—"
        );
    }

    proptest! {
        #[test]
        fn a_line_is_short_exactly_when_the_rule_says(d in 0i64..10_000, s in 0i64..10_000) {
            let l = &classify(&[cell("x", d, s)], RULE)[0];
            let expected = d >= 10 && (s == 0 || d * 1000 / s >= 1500);
            prop_assert_eq!(l.shortage, expected);
        }

        #[test]
        fn quarter_text_round_trips(y in 2000i32..=2100, q in 1u32..=4) {
            let t = format!("{y}Q{q}");
            prop_assert_eq!(Quarter::parse(&t).unwrap().to_string(), t);
        }
    }
}
