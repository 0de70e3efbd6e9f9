//! Dated parameters (参数): each value has a start date and a source; a rule reads the value
//! in force on the date that matters to it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// A parameter file or lookup that cannot be used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PolicyError {
    #[error("参数文件{file}有误: {why}")]
    File { file: String, why: String },
    #[error("参数{name}不存在")]
    Unknown { name: String },
    #[error("参数{name}在{on}尚未生效(最早自{first})")]
    NotYetInForce {
        name: String,
        on: NaiveDate,
        first: NaiveDate,
    },
    #[error("参数{name}的值不是整数")]
    NotInteger { name: String },
}

/// One dated value.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Dated {
    pub from: toml::value::Datetime,
    pub value: toml::Value,
    pub source: String,
}

/// One parameter with its history.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Param {
    pub description: String,
    pub unit: String,
    pub values: Vec<Dated>,
}

/// A parameter value as used by a decision (shown in the explanation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamUse {
    pub name: String,
    pub description: String,
    pub value: String,
    pub unit: String,
    pub from: NaiveDate,
    pub source: String,
}

/// A parameter's current value, for listings.
#[derive(Debug, Clone, Serialize)]
pub struct ParamSummary {
    pub name: String,
    pub description: String,
    pub history: Vec<ParamUse>,
}

/// The parameters of one measure.
#[derive(Debug, Clone)]
pub struct ParamSet {
    file: String,
    params: BTreeMap<String, (Param, Vec<NaiveDate>)>,
}

fn to_date(d: &toml::value::Datetime) -> Option<NaiveDate> {
    let date = d.date.as_ref()?;
    NaiveDate::from_ymd_opt(
        i32::from(date.year),
        u32::from(date.month),
        u32::from(date.day),
    )
}

impl ParamSet {
    /// Parse a parameter file; every value needs a date and a non-empty source, in order.
    pub fn parse(file: &str, text: &str) -> Result<Self, PolicyError> {
        let err = |why: String| PolicyError::File {
            file: file.to_string(),
            why,
        };
        let raw: BTreeMap<String, Param> = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut params = BTreeMap::new();
        for (name, p) in raw {
            if p.values.is_empty() {
                return Err(err(format!("{name}: 没有取值")));
            }
            let mut dates = Vec::new();
            for v in &p.values {
                let d =
                    to_date(&v.from).ok_or_else(|| err(format!("{name}: 日期{}无效", v.from)))?;
                if v.source.trim().is_empty() {
                    return Err(err(format!("{name}: {d}的取值缺少来源(source)")));
                }
                if dates.last().is_some_and(|last| *last >= d) {
                    return Err(err(format!("{name}: 取值应按日期递增")));
                }
                dates.push(d);
            }
            params.insert(name, (p, dates));
        }
        Ok(Self {
            file: file.to_string(),
            params,
        })
    }

    /// The value of `name` in force on `on`.
    pub fn at(&self, name: &str, on: NaiveDate) -> Result<ParamUse, PolicyError> {
        let (p, dates) = self
            .params
            .get(name)
            .ok_or_else(|| PolicyError::Unknown { name: name.into() })?;
        let i = dates
            .iter()
            .rposition(|d| *d <= on)
            .ok_or(PolicyError::NotYetInForce {
                name: name.into(),
                on,
                first: dates[0],
            })?;
        let v = &p.values[i];
        let value = match &v.value {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Ok(ParamUse {
            name: name.into(),
            description: p.description.clone(),
            value,
            unit: p.unit.clone(),
            from: dates[i],
            source: v.source.clone(),
        })
    }

    /// An integer value in force on `on`, with its use record.
    pub fn int_at(&self, name: &str, on: NaiveDate) -> Result<(i64, ParamUse), PolicyError> {
        let u = self.at(name, on)?;
        let n = u
            .value
            .parse::<i64>()
            .map_err(|_| PolicyError::NotInteger { name: name.into() })?;
        Ok((n, u))
    }

    /// Every parameter with its whole history.
    pub fn summary(&self) -> Vec<ParamSummary> {
        self.params
            .iter()
            .map(|(name, (p, dates))| ParamSummary {
                name: name.clone(),
                description: p.description.clone(),
                history: dates
                    .iter()
                    .filter_map(|d| self.at(name, *d).ok())
                    .collect(),
            })
            .collect()
    }

    /// The file it came from.
    pub fn file(&self) -> &str {
        &self.file
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const FILE: &str = r#"
[amount]
description = "示例"
unit = "fen"
values = [{ from = 2024-08-01, value = 100, source = "a" }, { from = 2025-01-01, value = 150, source = "b" }]
"#;

    #[test]
    fn value_in_force_on_a_date() {
        let p = ParamSet::parse("t", FILE).unwrap();
        assert!(matches!(
            p.at("amount", d("2024-07-31")),
            Err(PolicyError::NotYetInForce { .. })
        ));
        assert_eq!(p.int_at("amount", d("2024-12-31")).unwrap().0, 100);
        let (v, u) = p.int_at("amount", d("2025-01-01")).unwrap();
        assert_eq!((v, u.source.as_str(), u.from), (150, "b", d("2025-01-01")));
        assert!(matches!(
            p.at("nope", d("2025-01-01")),
            Err(PolicyError::Unknown { .. })
        ));
    }

    #[test]
    fn files_need_sources_and_order() {
        let no_source = FILE.replace("source = \"a\"", "source = \" \"");
        assert!(ParamSet::parse("t", &no_source).is_err());
        let unordered = FILE.replace("2025-01-01", "2024-01-01");
        assert!(ParamSet::parse("t", &unordered).is_err());
    }
}
