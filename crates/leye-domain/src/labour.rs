//! Labour status (就业状态) as dated, append-only events; the status on any date is derived.

use crate::code_enum;
use crate::field::{FieldError, optional_text};
use crate::person::optional_date;
use chrono::NaiveDate;
use serde::Deserialize;

code_enum! {
    /// A person's labour-market status from a date on.
    LabourStatus {
        /// 就业: employed (with an enterprise, or self-employed/flexible when none is given)
        Employed = ("employed", "就业"),
        /// 登记失业: registered unemployed
        Unemployed = ("unemployed", "登记失业"),
        /// 在校学生
        Student = ("student", "在校学生"),
        /// 退休
        Retired = ("retired", "退休"),
        /// 不在劳动力市场 (out of the labour force)
        OutOfLabourForce = ("out_of_labour_force", "未就业且不在劳动力市场"),
    }
}

/// Raw input for one labour-status event.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LabourEventInput {
    /// Status code (employed, unemployed, student, retired, out_of_labour_force)
    pub status: String,
    /// From this date (YYYY-MM-DD)
    pub effective: String,
    /// Employing enterprise id when employed
    #[serde(default)]
    pub enterprise_id: Option<i64>,
    /// Months of unemployment benefit drawn so far (失业保险金领取月数) when unemployed
    #[serde(default)]
    pub benefit_months: Option<i64>,
    /// Free note
    #[serde(default)]
    pub note: Option<String>,
}

/// A checked labour-status event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabourEvent {
    pub status: LabourStatus,
    pub effective: NaiveDate,
    pub enterprise_id: Option<i64>,
    pub benefit_months: Option<u32>,
    pub note: Option<String>,
}

impl LabourEventInput {
    pub fn parse(&self, birth: NaiveDate, today: NaiveDate) -> Result<LabourEvent, FieldError> {
        let status = LabourStatus::parse_field("status", "就业状态", &self.status)?;
        let effective = optional_date("effective", "生效日期", Some(&self.effective))?
            .ok_or_else(|| FieldError::new("effective", "required", "生效日期不能为空"))?;
        if effective < birth {
            return Err(FieldError::new(
                "effective",
                "invalid_date",
                "生效日期早于出生日期",
            ));
        }
        if effective > today {
            return Err(FieldError::new(
                "effective",
                "invalid_date",
                "生效日期不能晚于今天",
            ));
        }
        if self.enterprise_id.is_some() && status != LabourStatus::Employed {
            return Err(FieldError::new(
                "enterprise_id",
                "not_allowed",
                "只有“就业”状态可以填写用人单位",
            ));
        }
        let benefit_months = match self.benefit_months {
            None => None,
            Some(_) if status != LabourStatus::Unemployed => {
                return Err(FieldError::new(
                    "benefit_months",
                    "not_allowed",
                    "只有“登记失业”状态可以填写失业保险金领取月数",
                ));
            }
            Some(m @ 0..=24) => Some(m as u32),
            Some(m) => {
                return Err(FieldError::new(
                    "benefit_months",
                    "out_of_range",
                    format!("失业保险金领取月数应为0-24,实际为{m}"),
                ));
            }
        };
        let note = optional_text("note", "备注", self.note.as_deref().unwrap_or(""), 200)?;
        Ok(LabourEvent {
            status,
            effective,
            enterprise_id: self.enterprise_id,
            benefit_months,
            note,
        })
    }
}

/// The status on `date` from a person's events (in any order): the latest event that took
/// effect on or before `date`; ties go to the one recorded last (the later in the slice).
pub fn status_on(events: &[LabourEvent], date: NaiveDate) -> Option<&LabourEvent> {
    events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.effective <= date)
        .max_by_key(|(i, e)| (e.effective, *i))
        .map(|(_, e)| e)
}

/// Since when the person has been continuously registered unemployed on `date`.
pub fn unemployed_since(events: &[LabourEvent], date: NaiveDate) -> Option<NaiveDate> {
    let mut sorted: Vec<(usize, &LabourEvent)> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.effective <= date)
        .collect();
    sorted.sort_by_key(|(i, e)| (e.effective, *i));
    let mut since = None;
    for (_, e) in sorted {
        since = match (e.status, since) {
            (LabourStatus::Unemployed, None) => Some(e.effective),
            (LabourStatus::Unemployed, s) => s,
            _ => None,
        };
    }
    since
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn ev(status: LabourStatus, on: &str) -> LabourEvent {
        LabourEvent {
            status,
            effective: d(on),
            enterprise_id: None,
            benefit_months: None,
            note: None,
        }
    }

    #[test]
    fn status_on_a_date_is_derived_from_history() {
        let h = vec![
            ev(LabourStatus::Employed, "2020-01-01"),
            ev(LabourStatus::Unemployed, "2025-03-01"),
            ev(LabourStatus::Unemployed, "2025-06-01"),
            ev(LabourStatus::Employed, "2026-01-10"),
        ];
        assert_eq!(status_on(&h, d("2019-12-31")), None);
        assert_eq!(
            status_on(&h, d("2025-03-01")).unwrap().status,
            LabourStatus::Unemployed
        );
        assert_eq!(
            status_on(&h, d("2026-02-01")).unwrap().status,
            LabourStatus::Employed
        );
        assert_eq!(unemployed_since(&h, d("2025-12-31")), Some(d("2025-03-01")));
        assert_eq!(unemployed_since(&h, d("2026-02-01")), None);
    }

    #[test]
    fn input_rules() {
        let birth = d("1990-01-01");
        let today = d("2026-11-28");
        let ok = LabourEventInput {
            status: "unemployed".into(),
            effective: "2026-01-01".into(),
            benefit_months: Some(3),
            ..Default::default()
        };
        assert_eq!(ok.parse(birth, today).unwrap().benefit_months, Some(3));
        let bad = LabourEventInput {
            status: "retired".into(),
            effective: "2026-01-01".into(),
            enterprise_id: Some(1),
            ..Default::default()
        };
        assert_eq!(bad.parse(birth, today).unwrap_err().field, "enterprise_id");
        let future = LabourEventInput {
            status: "employed".into(),
            effective: "2027-01-01".into(),
            ..Default::default()
        };
        assert_eq!(future.parse(birth, today).unwrap_err().field, "effective");
        let unknown = LabourEventInput {
            status: "working".into(),
            effective: "2026-01-01".into(),
            ..Default::default()
        };
        assert_eq!(
            unknown.parse(birth, today).unwrap_err().code,
            "invalid_choice"
        );
    }
}
