//! Huzhou's administrative regions (行政区划): 市 → 区县 → 乡镇/街道 → 村/社区, plus the
//! management zones (功能区, e.g. 南太湖新区, 长合区) that overlay townships.
//!
//! The catalogue is the data file `data/regions/huzhou.csv`, embedded at compile time. Rows
//! marked `demo = true` are illustrative (see the `source` column) and must be replaced by a
//! bureau's official list before production.

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use thiserror::Error;

const HUZHOU_CSV: &str = include_str!("../../../data/regions/huzhou.csv");
const ZONES_CSV: &str = include_str!("../../../data/regions/zones.csv");

/// Level of a region in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// 市
    City,
    /// 区县 (district 区 or county 县)
    County,
    /// 乡镇/街道
    Township,
    /// 村/社区
    Village,
}

impl RegionLevel {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            RegionLevel::City => "市",
            RegionLevel::County => "区县",
            RegionLevel::Township => "乡镇(街道)",
            RegionLevel::Village => "村(社区)",
        }
    }
}

/// One region of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    /// 6 digits (city, county), 9 (township) or 12 (village).
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    /// Finer kind as in the data file: city, district, county, subdistrict, town, township,
    /// community, village.
    pub kind: String,
    pub parent: Option<String>,
    /// Management zones this region belongs to as well as to its county.
    pub zones: Vec<String>,
    pub lon: f64,
    pub lat: f64,
    /// Illustrative row, not an official list.
    pub demo: bool,
    pub source: String,
}

impl Region {
    /// Code prefix shared by every region inside this one (`3305` for the city).
    pub fn prefix(&self) -> &str {
        match self.level {
            RegionLevel::City => &self.code[..4],
            _ => &self.code,
        }
    }
}

/// A management zone (功能区): not an administrative division, reported separately.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Zone {
    pub code: String,
    pub name: String,
    pub source: String,
}

/// A region code that names a region of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RegionCode(String);

impl RegionCode {
    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A code that is not in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("行政区划代码{0}不存在(应为湖州市的区县、乡镇街道或村社区代码)")]
pub struct UnknownRegion(pub String);

/// A catalogue row that cannot be read (a broken data file).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("区划数据文件第{line}行有误: {why}")]
pub struct RegionFileError {
    pub line: usize,
    pub why: String,
}

/// The region catalogue.
#[derive(Debug, Clone)]
pub struct Regions {
    by_code: BTreeMap<String, Region>,
    zones: BTreeMap<String, Zone>,
    /// [`Regions::full_name`] of every code, made once: every masked person in a list shows
    /// one, and walking the chain was a twentieth of a person list's time.
    full_names: BTreeMap<String, String>,
}

static HUZHOU: LazyLock<Regions> = LazyLock::new(|| {
    // The embedded file is tested below; a broken one fails the build's tests, not users.
    Regions::from_csv(HUZHOU_CSV, ZONES_CSV).unwrap_or_else(|e| panic!("embedded regions: {e}"))
});

impl Regions {
    /// Huzhou's catalogue from the embedded data files.
    pub fn huzhou() -> &'static Regions {
        &HUZHOU
    }

    /// Read a catalogue from CSV text (columns as in `data/regions/huzhou.csv`).
    pub fn from_csv(regions: &str, zones: &str) -> Result<Self, RegionFileError> {
        let err = |line: usize, why: &str| RegionFileError {
            line,
            why: why.to_string(),
        };
        let mut zone_map = BTreeMap::new();
        for (i, line) in zones.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.splitn(4, ',').collect();
            if f.len() != 4 {
                return Err(err(i + 1, "应有4列"));
            }
            zone_map.insert(
                f[0].to_string(),
                Zone {
                    code: f[0].to_string(),
                    name: f[1].to_string(),
                    source: f[3].trim_matches('"').to_string(),
                },
            );
        }
        let mut by_code = BTreeMap::new();
        for (i, line) in regions.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.splitn(9, ',').collect();
            if f.len() != 9 {
                return Err(err(i + 1, "应有9列"));
            }
            let code = f[0];
            let level = match code.len() {
                6 if code.ends_with("00") => RegionLevel::City,
                6 => RegionLevel::County,
                9 => RegionLevel::Township,
                12 => RegionLevel::Village,
                _ => return Err(err(i + 1, "代码长度应为6、9或12位")),
            };
            if !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(i + 1, "代码应为数字"));
            }
            let parent = (!f[3].is_empty()).then(|| f[3].to_string());
            if let Some(p) = &parent
                && !by_code.contains_key(p)
            {
                return Err(err(i + 1, "上级区划应先于下级出现"));
            }
            let zones: Vec<String> = f[4]
                .split(';')
                .filter(|z| !z.is_empty())
                .map(str::to_string)
                .collect();
            if let Some(z) = zones.iter().find(|z| !zone_map.contains_key(*z)) {
                return Err(err(i + 1, &format!("功能区{z}未定义")));
            }
            let lon = f[5].parse().map_err(|_| err(i + 1, "经度不是数字"))?;
            let lat = f[6].parse().map_err(|_| err(i + 1, "纬度不是数字"))?;
            by_code.insert(
                code.to_string(),
                Region {
                    code: code.to_string(),
                    name: f[1].to_string(),
                    level,
                    kind: f[2].to_string(),
                    parent,
                    zones,
                    lon,
                    lat,
                    demo: f[7] == "true",
                    source: f[8].to_string(),
                },
            );
        }
        let mut regions = Self {
            by_code,
            zones: zone_map,
            full_names: BTreeMap::new(),
        };
        regions.full_names = regions
            .by_code
            .keys()
            .map(|code| (code.clone(), regions.chain_name(code)))
            .collect();
        Ok(regions)
    }

    /// Look a code up, giving a [`RegionCode`] that is known to exist.
    pub fn code(&self, raw: &str) -> Result<RegionCode, UnknownRegion> {
        let raw = raw.trim();
        if self.by_code.contains_key(raw) {
            Ok(RegionCode(raw.to_string()))
        } else {
            Err(UnknownRegion(raw.to_string()))
        }
    }

    /// The region of a code.
    pub fn get(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code)
    }

    /// All regions in code order.
    pub fn all(&self) -> impl Iterator<Item = &Region> {
        self.by_code.values()
    }

    /// The management zones.
    pub fn zones(&self) -> impl Iterator<Item = &Zone> {
        self.zones.values()
    }

    /// Direct children of a region.
    pub fn children<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Region> + 'a {
        self.by_code
            .values()
            .filter(move |r| r.parent.as_deref() == Some(code))
    }

    /// The chain from the city down to this region ("湖州市 吴兴区 织里镇").
    pub fn path(&self, code: &str) -> Vec<&Region> {
        let mut out = Vec::new();
        let mut cur = self.get(code);
        while let Some(r) = cur {
            out.push(r);
            cur = r.parent.as_deref().and_then(|p| self.get(p));
        }
        out.reverse();
        out
    }

    /// Full Chinese name, e.g. `湖州市吴兴区织里镇` (empty for an unknown code).
    pub fn full_name(&self, code: &str) -> String {
        self.full_names.get(code).cloned().unwrap_or_default()
    }

    fn chain_name(&self, code: &str) -> String {
        self.path(code).iter().map(|r| r.name.as_str()).collect()
    }

    /// Is `inner` equal to or inside `outer`?
    pub fn contains(&self, outer: &str, inner: &str) -> bool {
        self.get(outer)
            .is_some_and(|o| inner.starts_with(o.prefix()))
    }

    /// Regions of a management zone (the townships named in the data file and their villages).
    pub fn in_zone<'a>(&'a self, zone: &'a str) -> impl Iterator<Item = &'a Region> + 'a {
        self.by_code
            .values()
            .filter(move |r| r.zones.iter().any(|z| z == zone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogue_has_the_real_counties() {
        let r = Regions::huzhou();
        let counties: Vec<&str> = r.children("330500").map(|r| r.code.as_str()).collect();
        assert_eq!(counties, ["330502", "330503", "330521", "330522", "330523"]);
        assert_eq!(r.get("330502").unwrap().name, "吴兴区");
        assert!(!r.get("330523").unwrap().demo);
        assert_eq!(r.get("330500").unwrap().prefix(), "3305");
    }

    #[test]
    fn every_county_has_townships_and_every_township_villages() {
        let r = Regions::huzhou();
        for county in r.children("330500") {
            let towns: Vec<_> = r.children(&county.code).collect();
            assert!(towns.len() >= 10, "{}", county.name);
            for t in towns {
                assert!(t.code.starts_with(&county.code));
                assert!(r.children(&t.code).count() >= 1, "{}", t.name);
            }
        }
    }

    #[test]
    fn changhe_zone_overlays_two_counties() {
        let r = Regions::huzhou();
        let towns: Vec<String> = r
            .in_zone("CHQ")
            .filter(|t| t.level == RegionLevel::Township)
            .map(|t| r.full_name(&t.code))
            .collect();
        assert_eq!(towns, ["湖州市长兴县泗安镇", "湖州市安吉县天子湖镇"]);
        assert!(r.in_zone("NTH").count() > 0);
    }

    #[test]
    fn containment_and_lookup() {
        let r = Regions::huzhou();
        assert!(r.contains("330500", "330502102"));
        assert!(r.contains("330502", "330502102201"));
        assert!(!r.contains("330503", "330502102"));
        assert!(r.code("330502102").is_ok());
        assert_eq!(r.code("110105"), Err(UnknownRegion("110105".into())));
    }

    #[test]
    fn broken_files_say_which_line() {
        let e = Regions::from_csv("h\n3305,x,city,,,1,2,false,s\n", "h\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = Regions::from_csv("h\n330500,x,city,,,a,2,false,s\n", "h\n").unwrap_err();
        assert!(e.why.contains("经度"));
    }
}
