//! The data files behind monitoring: indicator definitions (`data/monitor/indicators.toml`),
//! the plan's targets (`data/targets/plan2024.toml`), its tasks (`data/targets/tasks.toml`)
//! and how a city target is split among counties (`data/targets/allocation.toml`).

use crate::MonitorError;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// How an indicator's numerator and denominator become its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Counted within the month; a year is the sum of its months.
    Flow,
    /// At the end of the month.
    Stock,
    /// numerator ÷ denominator, shown in %.
    Rate,
    /// numerator ÷ denominator, shown as a number (求人倍率).
    Ratio,
    /// numerator ÷ denominator, in the indicator's unit.
    Mean,
}

/// Where an indicator's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Computed,
    Imported,
    /// Its records arrive with a later capability.
    Awaiting,
}

/// 监测指标: a monitoring indicator's definition.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub kind: Kind,
    pub status: Status,
    pub clause: String,
    pub formula: String,
    pub data: String,
}

impl Indicator {
    /// The value in basis points (rates), hundredths (ratios, means) or units (counts);
    /// `None` when the denominator is zero.
    pub fn scaled(&self, num: i64, den: i64) -> Option<i64> {
        match self.kind {
            Kind::Flow | Kind::Stock => Some(num),
            Kind::Rate => (den != 0).then(|| round_div(num * 10_000, den)),
            Kind::Ratio | Kind::Mean => (den != 0).then(|| round_div(num * 100, den)),
        }
    }

    /// The value as people read it: `1,234`, `4.85%`, `1.25`, `12.5天`.
    pub fn display(&self, num: i64, den: i64) -> String {
        match (self.kind, self.scaled(num, den)) {
            (_, None) => "—".into(),
            (Kind::Flow | Kind::Stock, Some(v)) => group(v),
            (Kind::Rate, Some(v)) => format!("{}%", hundredths(v)),
            (Kind::Ratio, Some(v)) => hundredths(v),
            (Kind::Mean, Some(v)) => format!("{}{}", hundredths(v), self.unit),
        }
    }
}

/// `a / b` rounded half away from zero.
pub fn round_div(a: i64, b: i64) -> i64 {
    if b == 0 {
        return 0;
    }
    let q = a / b;
    let r = a % b;
    if 2 * r.abs() >= b.abs() {
        q + if (a < 0) ^ (b < 0) { -1 } else { 1 }
    } else {
        q
    }
}

/// `485` → `4.85`.
pub fn hundredths(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let v = v.abs();
    format!("{sign}{}.{:02}", v / 100, v % 100)
}

/// `1234567` → `1,234,567`.
pub fn group(v: i64) -> String {
    let digits = v.abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if v < 0 { format!("-{out}") } else { out }
}

/// How a target is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The year's total reaches the value.
    AtLeast,
    /// The latest rate reaches the value (basis points).
    AtLeastRate,
    /// The latest rate stays at or below the value (basis points).
    AtMost,
    /// The latest share is within `band` of the value (basis points).
    About,
    /// The latest stock is zero.
    Zero,
    /// A registry count reaches the value by the plan's end.
    CountBy,
}

/// 目标: one quantified target of the plan.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub id: String,
    pub name: String,
    pub clause: String,
    pub indicator: String,
    pub rule: Rule,
    pub value: i64,
    #[serde(default)]
    pub band: i64,
    /// `YYYY-MM` by which a count must be reached (count_by).
    #[serde(default)]
    pub by: Option<String>,
    pub unit: String,
    /// 牵头单位: the lead unit.
    pub lead: String,
    /// 配合单位: co-responsible units.
    pub co: Vec<String>,
    pub source: String,
}

impl Target {
    /// Is `unit` responsible for this target (lead or co-responsible)?
    pub fn concerns(&self, unit: &str) -> bool {
        self.lead == unit || self.co.iter().any(|c| c == unit)
    }
}

/// 重点任务: one task of the plan.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub clause: String,
    pub title: String,
    pub lead: String,
    pub co: Vec<String>,
    pub source: String,
}

impl Task {
    pub fn concerns(&self, unit: &str) -> bool {
        self.lead == unit || self.co.iter().any(|c| c == unit)
    }
}

/// A county's weight when a city target is split.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CountyShare {
    pub code: String,
    pub residents: i64,
    pub source: String,
}

/// How city targets are split among counties.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    pub method: String,
    pub method_source: String,
    pub county: Vec<CountyShare>,
}

impl Allocation {
    /// A county's part of a city-wide yearly value; `None` for a region not in the table.
    pub fn part(&self, county: &str, city_value: i64) -> Option<i64> {
        let total: i64 = self.county.iter().map(|c| c.residents).sum();
        let c = self.county.iter().find(|c| c.code == county)?;
        Some(round_div(city_value * c.residents, total))
    }
}

/// Everything the data files say.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub indicators: Vec<Indicator>,
    pub targets: Vec<Target>,
    pub tasks: Vec<Task>,
    pub allocation: Allocation,
}

#[derive(Deserialize)]
struct IndicatorFile {
    indicator: Vec<Indicator>,
}
#[derive(Deserialize)]
struct TargetFile {
    target: Vec<Target>,
}
#[derive(Deserialize)]
struct TaskFile {
    task: Vec<Task>,
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, MonitorError> {
    toml::from_str(text).map_err(|e| MonitorError::Data(format!("{file}: {e}")))
}

impl Catalogue {
    /// Parse and cross-check the files.
    pub fn parse(
        indicators: &str,
        targets: &str,
        tasks: &str,
        allocation: &str,
    ) -> Result<Catalogue, MonitorError> {
        let c = Catalogue {
            indicators: parse::<IndicatorFile>("indicators.toml", indicators)?.indicator,
            targets: parse::<TargetFile>("plan2024.toml", targets)?.target,
            tasks: parse::<TaskFile>("tasks.toml", tasks)?.task,
            allocation: parse("allocation.toml", allocation)?,
        };
        let mut seen = std::collections::HashSet::new();
        for i in &c.indicators {
            if !seen.insert(i.id.as_str()) {
                return Err(MonitorError::Data(format!(
                    "indicators.toml: {} 重复",
                    i.id
                )));
            }
        }
        for t in &c.targets {
            if t.source.trim().is_empty() {
                return Err(MonitorError::Data(format!(
                    "plan2024.toml: {} 缺少来源",
                    t.id
                )));
            }
        }
        Ok(c)
    }

    /// The files embedded in the binary.
    pub fn current() -> &'static Catalogue {
        static C: LazyLock<Catalogue> = LazyLock::new(|| {
            Catalogue::parse(
                include_str!("../../../data/monitor/indicators.toml"),
                include_str!("../../../data/targets/plan2024.toml"),
                include_str!("../../../data/targets/tasks.toml"),
                include_str!("../../../data/targets/allocation.toml"),
            )
            .unwrap_or_else(|e| panic!("embedded monitoring data: {e}"))
        });
        &C
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    pub fn target(&self, id: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_files_parse_and_agree() {
        let c = Catalogue::current();
        assert!(c.indicators.len() >= 18);
        assert_eq!(c.tasks.len(), 28, "二(一)1 … 三(三)");
        assert_eq!(c.tasks[0].clause, "二(一)1");
        assert_eq!(c.tasks[27].clause, "三(三)");
        for t in &c.targets {
            assert!(!t.lead.is_empty(), "{}", t.id);
            let i = c
                .indicator(&t.indicator)
                .unwrap_or_else(|| panic!("{}: no indicator {}", t.id, t.indicator));
            assert!(
                matches!(
                    (t.rule, i.kind),
                    (Rule::AtLeast, Kind::Flow)
                        | (Rule::AtLeastRate | Rule::AtMost | Rule::About, Kind::Rate)
                        | (Rule::Zero | Rule::CountBy, Kind::Stock)
                ),
                "{}: rule {:?} on a {:?}",
                t.id,
                t.rule,
                i.kind
            );
            assert_eq!(t.rule == Rule::CountBy, t.by.is_some(), "{}: by", t.id);
        }
        // The lead unit of 二(一)1 and its target agree.
        assert_eq!(c.target("quality_jobs").unwrap().lead, c.tasks[0].lead);
    }

    #[test]
    fn values_display_as_people_read_them() {
        let c = Catalogue::current();
        let rate = c.indicator("registered_unemployment_rate").unwrap();
        assert_eq!(rate.display(97, 2000), "4.85%");
        assert_eq!(rate.display(1, 0), "—");
        let ratio = c.indicator("job_ratio").unwrap();
        assert_eq!(ratio.display(5, 4), "1.25");
        let flow = c.indicator("new_urban_employment").unwrap();
        assert_eq!(flow.display(-1234567, 0), "-1,234,567");
        assert_eq!(round_div(-5, 2), -3);
        assert_eq!(round_div(5, 2), 3);
    }

    #[test]
    fn county_parts_add_up_to_about_the_city_value() {
        let a = &Catalogue::current().allocation;
        let sum: i64 = a
            .county
            .iter()
            .filter_map(|c| a.part(&c.code, 60_000))
            .sum();
        assert!((sum - 60_000).abs() <= 3, "{sum}");
        assert_eq!(a.part("NTH", 60_000), None);
    }
}
