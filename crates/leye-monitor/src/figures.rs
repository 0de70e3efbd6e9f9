//! Figures: a numerator and a denominator per indicator, region and month, added up from the
//! township to the county, the management zone and the city (rates are divided only at the
//! end, so a county's rate is its own people's, not an average of townships).

use chrono::{Datelike, NaiveDate};
use leye_domain::Regions;
use std::collections::{BTreeMap, HashMap};

/// A month as a number (year × 12 + month − 1), for arithmetic.
pub type Mon = i32;

/// The city's region code: the top of every roll-up.
pub const CITY: &str = "330500";

/// `YYYY-MM` (or a longer ISO date) → month number.
pub fn mon(s: &str) -> Option<Mon> {
    let y: i32 = s.get(0..4)?.parse().ok()?;
    if s.get(4..5)? != "-" {
        return None;
    }
    let m: i32 = s.get(5..7)?.parse().ok()?;
    (1..=12).contains(&m).then_some(y * 12 + m - 1)
}

/// Exactly `YYYY-MM` → month number (what people type in a month field).
pub fn mon_exact(s: &str) -> Option<Mon> {
    mon(s).filter(|_| s.len() == 7)
}

/// The month of a date.
pub fn mon_of(d: NaiveDate) -> Mon {
    d.year() * 12 + d.month0() as i32
}

/// Month number → `YYYY-MM`.
pub fn mon_str(m: Mon) -> String {
    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

/// The year of a month number.
pub fn mon_year(m: Mon) -> i32 {
    m.div_euclid(12)
}

/// One addition to a figure, at the most detailed region known.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub indicator: &'static str,
    pub region: String,
    pub month: Mon,
    pub num: i64,
    pub den: i64,
}

impl Contribution {
    pub fn new(indicator: &'static str, region: &str, month: Mon, num: i64, den: i64) -> Self {
        Contribution {
            indicator,
            region: region.to_string(),
            month,
            num,
            den,
        }
    }
}

/// Numerator and denominator per (indicator, region, month).
#[derive(Debug, Clone, Default)]
pub struct Figures {
    cells: BTreeMap<(String, String, Mon), (i64, i64)>,
    ancestors: HashMap<String, Vec<String>>,
}

impl Figures {
    /// The regions a record of `key` counts in: its township, county, zones and the city.
    fn ancestors(&mut self, regions: &Regions, key: &str) -> Vec<String> {
        if let Some(a) = self.ancestors.get(key) {
            return a.clone();
        }
        let mut out = Vec::new();
        if key.len() >= 9 {
            let t = &key[..9];
            out.push(t.to_string());
            if let Some(r) = regions.get(t) {
                out.extend(r.zones.iter().cloned());
            }
        }
        if key.len() >= 6 && key.starts_with("3305") && &key[..6] != CITY {
            out.push(key[..6].to_string());
        }
        out.push(CITY.to_string());
        self.ancestors.insert(key.to_string(), out.clone());
        out
    }

    /// Add a contribution to its region and every region above it.
    pub fn add(&mut self, regions: &Regions, c: &Contribution) {
        for r in self.ancestors(regions, &c.region) {
            let cell = self
                .cells
                .entry((c.indicator.to_string(), r, c.month))
                .or_insert((0, 0));
            cell.0 += c.num;
            cell.1 += c.den;
        }
    }

    /// Set a figure as given (an imported series: not rolled up).
    pub fn set(&mut self, indicator: &str, region: &str, month: Mon, num: i64, den: i64) {
        self.cells.insert(
            (indicator.to_string(), region.to_string(), month),
            (num, den),
        );
    }

    /// The figure, if any record contributed to it.
    pub fn get(&self, indicator: &str, region: &str, month: Mon) -> Option<(i64, i64)> {
        self.cells
            .get(&(indicator.to_string(), region.to_string(), month))
            .copied()
    }

    /// Every figure: (indicator, region, month, numerator, denominator).
    pub fn rows(&self) -> impl Iterator<Item = (&str, &str, Mon, i64, i64)> {
        self.cells
            .iter()
            .map(|((i, r, m), (n, d))| (i.as_str(), r.as_str(), *m, *n, *d))
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn months_round_trip() {
        assert_eq!(mon("2026-10"), Some(2026 * 12 + 9));
        assert_eq!(mon_str(mon("2026-01").unwrap() - 1), "2025-12");
        assert_eq!(mon("2026-10-31"), mon("2026-10"));
        assert_eq!(mon_exact("2026-10-31"), None);
        assert_eq!(mon_exact("2026-10"), mon("2026-10"));
        assert_eq!(mon("2026-13"), None);
        assert_eq!(mon("2026/10"), None);
        assert_eq!(mon("20"), None);
    }

    proptest! {
        #[test]
        fn mon_never_panics(s in "\\PC{0,12}") {
            let _ = mon(&s);
        }
    }

    #[test]
    fn a_township_counts_in_its_county_zone_and_city() {
        let regions = Regions::huzhou();
        // a township of 长兴县 that belongs to 长合区
        let t = regions
            .all()
            .find(|r| r.code.len() == 9 && !r.zones.is_empty())
            .expect("a township in a zone");
        let mut f = Figures::default();
        let m = mon("2026-10").unwrap();
        f.add(regions, &Contribution::new("x", &t.code, m, 2, 5));
        f.add(regions, &Contribution::new("x", &t.code[..6], m, 1, 1));
        assert_eq!(f.get("x", &t.code, m), Some((2, 5)));
        assert_eq!(f.get("x", &t.code[..6], m), Some((3, 6)));
        assert_eq!(f.get("x", CITY, m), Some((3, 6)));
        assert_eq!(f.get("x", &t.zones[0], m), Some((2, 5)));
    }
}
