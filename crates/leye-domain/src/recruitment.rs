//! 招聘活动: recruitment events (二(三)1: "每年联动开展线上线下各类招聘活动500场以上"),
//! online (线上, 直播带岗, 网络招聘会) or offline (线下, 现场招聘会), as raw input that parses
//! into checked facts.

use crate::code_enum;
use crate::field::{FieldError, optional_text, text};
use crate::region::Regions;
use chrono::NaiveDate;
use serde::Deserialize;

code_enum! {
    /// 线上 or 线下.
    EventMode {
        Online = ("online", "线上"),
        Offline = ("offline", "线下"),
    }
}

/// The longest event (days), e.g. a month-long online fair (网络招聘月).
pub const MAX_EVENT_DAYS: i64 = 31;

/// Raw input for a recruitment event.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// 活动名称
    pub title: String,
    /// online / offline
    pub mode: String,
    /// 举办地区 (区划代码); for an online event, the organiser's area
    pub region: String,
    /// 地点 (线下必填) or 网址/平台 (线上)
    #[serde(default)]
    pub venue: String,
    /// 开始日期 YYYY-MM-DD
    pub starts_on: String,
    /// 结束日期 YYYY-MM-DD (empty = one day)
    #[serde(default)]
    pub ends_on: String,
    /// 主办单位
    pub organiser: String,
    /// 活动介绍
    #[serde(default)]
    pub description: String,
}

/// A checked recruitment event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFacts {
    pub title: String,
    pub mode: EventMode,
    pub region: String,
    pub venue: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub organiser: String,
    pub description: String,
}

impl EventInput {
    /// Check every field; all problems at once. An event may be recorded after it happened
    /// (a township reports its fair), but not more than a year back.
    pub fn parse(
        &self,
        regions: &Regions,
        today: NaiveDate,
    ) -> Result<EventFacts, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<String, FieldError>| match r {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        let title = keep(text("title", "活动名称", &self.title, 60));
        let organiser = keep(text("organiser", "主办单位", &self.organiser, 60));
        let venue =
            keep(optional_text("venue", "地点", &self.venue, 100).map(Option::unwrap_or_default));
        let description = keep(
            optional_text("description", "活动介绍", &self.description, 2000)
                .map(Option::unwrap_or_default),
        );
        let mode = EventMode::parse_field("mode", "活动形式", &self.mode);
        let region = match regions.get(self.region.trim()) {
            Some(r) => Some(r.code.clone()),
            None => {
                errors.push(FieldError::new(
                    "region",
                    "unknown_region",
                    format!("区划代码“{}”不存在", self.region.trim()),
                ));
                None
            }
        };
        let date = |field: &str, label: &str, raw: &str, errors: &mut Vec<FieldError>| {
            NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
                .map_err(|_| {
                    errors.push(FieldError::new(
                        field,
                        "invalid_date",
                        format!("{label}“{}”无效,应为YYYY-MM-DD", raw.trim()),
                    ))
                })
                .ok()
        };
        let starts = date("starts_on", "开始日期", &self.starts_on, &mut errors);
        let ends = if self.ends_on.trim().is_empty() {
            starts
        } else {
            date("ends_on", "结束日期", &self.ends_on, &mut errors)
        };
        if let Some(s) = starts
            && (s - today).num_days() < -366
        {
            errors.push(FieldError::new(
                "starts_on",
                "too_old",
                "只能补录一年以内的活动",
            ));
        }
        if let (Some(s), Some(e)) = (starts, ends) {
            if e < s {
                errors.push(FieldError::new(
                    "ends_on",
                    "before_start",
                    "结束日期不能早于开始日期",
                ));
            } else if (e - s).num_days() >= MAX_EVENT_DAYS {
                errors.push(FieldError::new(
                    "ends_on",
                    "too_long",
                    format!("一场活动最长{MAX_EVENT_DAYS}天"),
                ));
            }
        }
        if let Ok(EventMode::Offline) = mode
            && venue.is_empty()
        {
            errors.push(FieldError::new(
                "venue",
                "required",
                "线下活动请填写举办地点",
            ));
        }
        let mode = mode.map_err(|e| errors.push(e)).ok();
        match (mode, region, starts, ends) {
            (Some(mode), Some(region), Some(starts_on), Some(ends_on)) if errors.is_empty() => {
                Ok(EventFacts {
                    title,
                    mode,
                    region,
                    venue,
                    starts_on,
                    ends_on,
                    organiser,
                    description,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input() -> EventInput {
        EventInput {
            title: "2026年冬季高校毕业生专场招聘会".into(),
            mode: "offline".into(),
            region: "330502".into(),
            venue: "湖州市人力资源市场".into(),
            starts_on: "2026-12-05".into(),
            ends_on: String::new(),
            organiser: "吴兴区人力社保局".into(),
            description: String::new(),
        }
    }
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn a_one_day_fair_parses() {
        let f = input().parse(Regions::huzhou(), today()).unwrap();
        assert_eq!(f.ends_on, f.starts_on);
        assert_eq!(f.mode, EventMode::Offline);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut i = input();
        i.title = " ".into();
        i.mode = "tv".into();
        i.venue = String::new();
        i.region = "123".into();
        i.ends_on = "2026-12-01".into();
        let e = i.parse(Regions::huzhou(), today()).unwrap_err();
        let mut fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        fields.sort();
        assert_eq!(fields, ["ends_on", "mode", "region", "title"]);
        let mut i = input();
        i.venue = String::new();
        assert_eq!(
            i.parse(Regions::huzhou(), today()).unwrap_err()[0].field,
            "venue"
        );
        i.mode = "online".into();
        assert!(i.parse(Regions::huzhou(), today()).is_ok());
    }

    proptest! {
        #[test]
        fn dates_never_panic(s in ".{0,12}", e in ".{0,12}") {
            let mut i = input();
            i.starts_on = s;
            i.ends_on = e;
            if let Ok(f) = i.parse(Regions::huzhou(), today()) {
                prop_assert!(f.ends_on >= f.starts_on);
            }
        }
    }
}
