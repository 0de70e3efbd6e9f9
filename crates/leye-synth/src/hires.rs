//! 应届生招用 (graduate hires): a firm and `n` graduates of the current year it hired after they
//! registered as unemployed — each entitled to the one-time job-expansion subsidy (二(三)2).
//! The fixture the payment tests, the browser test and `leye bench pay` share.

use crate::SynthError;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use leye_domain::enterprise::EnterpriseInput;
use leye_domain::labour::LabourEventInput;
use leye_domain::person::PersonInput;
use leye_domain::{Regions, Scope};
use leye_store::{Actor, Store};

/// The firm and the graduates it hired.
#[derive(Debug, Clone)]
pub struct Hires {
    pub firm: i64,
    pub persons: Vec<i64>,
}

/// Register a firm in `township` (a 9-digit code) and `n` graduates living in `village` who
/// graduated on June 30 of `today`'s year, registered as unemployed that day and were hired
/// on July 1. `seq` (0..5) keeps ID numbers (by birth year) and the credit code apart between
/// calls; ID numbers are distinct for `n` up to 42,000.
pub async fn graduate_hires(
    store: &Store,
    township: &str,
    village: &str,
    n: u32,
    seq: u32,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Hires, SynthError> {
    let regions = Regions::huzhou();
    let sys = Scope::System;
    let actor = Actor::system("fixture");
    let year = today.year();
    let county = &township[..6.min(township.len())];
    let mut tx = store.begin().await?;
    let firm = EnterpriseInput {
        credit_code: crate::credit_code(county, 900_000 + seq),
        name: format!("湖州应届生招聘测试{seq}有限公司"),
        industry: "C".into(),
        region: township.into(),
        scale: "large".into(),
        ..Default::default()
    }
    .parse(regions)?;
    let firm = leye_store::create_enterprise(&mut tx, &sys, &actor, &firm, now).await?;
    let graduated = format!("{year}-06-30");
    let hired = format!("{year}-07-01");
    let mut persons = Vec::with_capacity(n as usize);
    for i in 0..n {
        let birth =
            NaiveDate::from_ymd_opt(year - 22 - (seq % 5) as i32, 1 + i % 12, 1 + (i / 12) % 28)
                .unwrap_or(NaiveDate::MIN);
        let facts = PersonInput {
            name: format!("应届生{}", seq * 100_000 + i),
            id_number: crate::id_number(county, birth, i),
            residence_region: village.into(),
            education: Some("bachelor".into()),
            graduation_date: Some(graduated.clone()),
            ..Default::default()
        }
        .parse(regions, today)?;
        let birth = facts.id_number.birth_date();
        let id = leye_store::create_person(&mut tx, &sys, &actor, &facts, now).await?;
        for (status, on, ent) in [
            ("unemployed", graduated.as_str(), None),
            ("employed", hired.as_str(), Some(firm)),
        ] {
            let e = LabourEventInput {
                status: status.into(),
                effective: on.into(),
                enterprise_id: ent,
                ..Default::default()
            }
            .parse(birth, today)?;
            leye_store::append_labour_event(&mut tx, &sys, &actor, id, &e, today, now).await?;
        }
        persons.push(id);
    }
    tx.commit().await?;
    Ok(Hires { firm, persons })
}
