//! 资金 (funds) and 办理时限 (deadlines): which fund pays each measure (plan 三(二)), whether
//! a subject may receive it only once, and how long an application may stay in each state.
//! All of it is data (`data/parameters/funding.toml`, `applications.toml`), each value with
//! its source.

use crate::params::{ParamSet, ParamUse, PolicyError};
use chrono::NaiveDate;
use leye_domain::application::AppState;
use leye_domain::code_enum;

code_enum! {
    /// 资金来源: the fund a measure is paid from.
    Fund {
        UnemploymentInsurance = ("unemployment_insurance", "失业保险基金"),
        Fiscal = ("fiscal", "财政资金"),
    }
}

mod funding {
    crate::param_file!("funding.toml");
}
mod deadlines {
    crate::param_file!("applications.toml");
}

/// The funding file, for listings.
pub fn funding_params() -> Result<&'static ParamSet, PolicyError> {
    funding::params()
}

/// The fund that pays `measure` on `on`, with the value's source.
pub fn fund_of(measure: &str, on: NaiveDate) -> Result<(Fund, ParamUse), PolicyError> {
    let p = funding::params()?.at(&format!("fund_{measure}"), on)?;
    let fund = Fund::from_code(&p.value).ok_or_else(|| PolicyError::File {
        file: "funding.toml".into(),
        why: format!("fund_{measure}: 资金来源“{}”无效", p.value),
    })?;
    Ok((fund, p))
}

/// Whether a subject may be approved for `measure` only once.
pub fn once_only(measure: &str, on: NaiveDate) -> Result<(bool, ParamUse), PolicyError> {
    let (v, p) = funding::params()?.int_at(&format!("once_{measure}"), on)?;
    Ok((v != 0, p))
}

/// Days an application may stay in `state` (entered on `on`) before it is overdue; `None` for
/// states without a deadline (draft, final states).
pub fn deadline_days(state: AppState, on: NaiveDate) -> Result<Option<i64>, PolicyError> {
    let name = match state {
        AppState::Submitted => "deadline_submitted_days",
        AppState::UnderReview => "deadline_under_review_days",
        AppState::Returned => "deadline_returned_days",
        AppState::Approved => "deadline_approved_days",
        AppState::Draft | AppState::Rejected | AppState::Paid => return Ok(None),
    };
    Ok(Some(deadlines::params()?.int_at(name, on)?.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_measure_has_a_fund_and_a_once_flag() {
        for m in crate::measures::ALL {
            let (_, p) = fund_of(m.id, d("2025-01-01")).unwrap();
            assert!(!p.source.is_empty());
            once_only(m.id, d("2025-01-01")).unwrap();
        }
        assert_eq!(
            fund_of("job_expansion", d("2025-01-01")).unwrap().0,
            Fund::UnemploymentInsurance
        );
        assert!(once_only("startup_one_time", d("2025-01-01")).unwrap().0);
        assert!(!once_only("traineeship", d("2025-01-01")).unwrap().0);
        assert!(fund_of("no_such_measure", d("2025-01-01")).is_err());
    }

    #[test]
    fn deadlines_per_state() {
        let on = d("2025-01-01");
        assert_eq!(deadline_days(AppState::Submitted, on).unwrap(), Some(5));
        assert_eq!(deadline_days(AppState::Paid, on).unwrap(), None);
        for s in AppState::ALL {
            deadline_days(*s, on).unwrap();
        }
    }
}
