//! 普查预选: which persons of the registry the 免申即享 sweep reads at all.
//!
//! Of a city's millions of persons, only a few in a hundred can be offered anything: those
//! registered unemployed, recently hired, from a paired-assistance region… The sweep says
//! which (a [`SweepSelection`], built from the measures it runs) and the database picks them
//! in one query, so that the others are never read, decoded or evaluated. A household is
//! read whole when any member is chosen: household facts (zero employment, assistance) need
//! every member.
//!
//! The selection is a *superset*: whatever it leaves out must be impossible to find eligible.
//! [`SweepSelection::admits`] says in Rust what the query says in SQL (a test holds the two
//! to the same persons on both backends), and the sweep's property test holds the selection
//! it builds to "no eligible decision is lost".
//!
//! Dates are compared as text: the registry stores them as ISO dates written from parsed
//! input, so text order is date order.

use crate::sql::{Arg, RowExt, q};
use crate::sweep_read::{LiteReader, SweepBatch, SweepPerson, lite_join};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use leye_domain::labour::LabourStatus;
use leye_domain::person::Education;

/// The persons the sweep must read as of `on`: a person is chosen when any one of the
/// conditions holds (an empty selection chooses nobody).
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSelection {
    /// The sweep's date: events after it are not facts yet.
    pub on: NaiveDate,
    /// Persons with an `unemployed` labour event on or before `on`.
    pub unemployed: bool,
    /// 脱贫人口 (poverty-alleviated persons) whose hukou region is unknown or starts with one
    /// of these prefixes; `None`: no such condition.
    pub paired_hukou: Option<Vec<String>>,
    /// Persons hired by an enterprise of the registry, each entry with its own conditions.
    pub hires: Vec<HireSelection>,
}

/// Persons with an `employed` labour event at an enterprise, effective on or before the
/// sweep's date (and on or after `since`), who also meet the person conditions set here.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HireSelection {
    /// Hired on or after this date.
    pub since: Option<NaiveDate>,
    /// Only 高校毕业生 (大专 and above), or persons whose education code is not one we know.
    pub higher_education: bool,
    /// Only persons graduated on or after this date, or with no graduation date.
    pub graduated_since: Option<NaiveDate>,
    /// Only persons with a disability grade (持残疾人证).
    pub disabled: bool,
}

impl HireSelection {
    fn admits(&self, p: &SweepPerson, on: NaiveDate) -> bool {
        let person = (!self.higher_education || p.education.is_none_or(Education::is_higher))
            && self
                .graduated_since
                .is_none_or(|d| p.graduation.is_none_or(|g| g >= d))
            && (!self.disabled || p.disability_grade.is_some());
        person
            && p.events.iter().any(|e| {
                e.status == LabourStatus::Employed
                    && e.enterprise_id.is_some()
                    && e.effective <= on
                    && self.since.is_none_or(|s| e.effective >= s)
            })
    }

    /// Its own conditions as SQL over `labour_events e JOIN persons p`, the event being an
    /// `employed` one at an enterprise on or before the sweep's date.
    fn sql(&self) -> String {
        let mut c = vec!["1 = 1".to_string()];
        if let Some(s) = self.since {
            c.push(format!("e.effective >= '{s}'"));
        }
        if self.higher_education {
            let lower: Vec<String> = Education::ALL
                .iter()
                .filter(|e| !e.is_higher())
                .map(|e| format!("'{}'", e.code()))
                .collect();
            c.push(format!("p.education NOT IN ({})", lower.join(", ")));
        }
        if let Some(g) = self.graduated_since {
            c.push(format!(
                "(p.graduation_date IS NULL OR p.graduation_date >= '{g}')"
            ));
        }
        if self.disabled {
            c.push("p.disability_grade IS NOT NULL".to_string());
        }
        format!("({})", c.join(" AND "))
    }
}

impl SweepSelection {
    /// A selection that chooses nobody yet.
    pub fn none(on: NaiveDate) -> Self {
        Self {
            on,
            unemployed: false,
            paired_hukou: None,
            hires: Vec::new(),
        }
    }

    /// Whether the person (with all their events) is chosen: what the query says, in Rust.
    pub fn admits(&self, p: &SweepPerson) -> bool {
        let on = self.on;
        (self.unemployed
            && p.events
                .iter()
                .any(|e| e.status == LabourStatus::Unemployed && e.effective <= on))
            || self.paired_hukou.as_ref().is_some_and(|prefixes| {
                p.poverty_alleviated
                    && p.hukou_region
                        .as_deref()
                        .is_none_or(|h| prefixes.iter().any(|x| h.starts_with(x.as_str())))
            })
            || self.hires.iter().any(|h| h.admits(p, on))
    }

    /// What a reader with this selection reads of `batch`, in Rust: households with an admitted
    /// member (whole), and admitted persons of no household (tests hold the database to it).
    pub fn chosen_from(&self, batch: &SweepBatch) -> SweepBatch {
        let keep: std::collections::HashSet<i64> = batch
            .persons
            .iter()
            .filter(|p| self.admits(p))
            .filter_map(|p| p.household_id)
            .collect();
        SweepBatch {
            persons: batch
                .persons
                .iter()
                .filter(|p| p.household_id.map_or(self.admits(p), |h| keep.contains(&h)))
                .cloned()
                .collect(),
            households: batch
                .households
                .iter()
                .filter(|h| keep.contains(&h.id))
                .cloned()
                .collect(),
        }
    }

    /// The query of chosen persons (`id`), with its bound values; `None` when it chooses
    /// nobody. Dates go into the text (they are formatted dates, not input); prefixes are bound.
    fn sql(&self) -> Option<(String, Vec<String>)> {
        let on = self.on;
        let mut parts = Vec::new();
        let mut args = Vec::new();
        if self.unemployed {
            parts.push(format!(
                "SELECT e.person_id AS id FROM labour_events e \
                 WHERE e.status = 'unemployed' AND e.effective <= '{on}'"
            ));
        }
        if let Some(prefixes) = &self.paired_hukou {
            let mut c = vec![
                "p.hukou_region IS NULL".to_string(),
                "p.hukou_region = ''".to_string(),
            ];
            for x in prefixes {
                args.push(x.clone());
                c.push(format!(
                    "substr(p.hukou_region, 1, {}) = ${}",
                    x.chars().count(),
                    args.len()
                ));
            }
            parts.push(format!(
                "SELECT p.id AS id FROM persons p WHERE p.poverty_alleviated = 1 AND ({})",
                c.join(" OR ")
            ));
        }
        // All hires in one pass over the events (each pass joins persons: three passes took
        // twice as long in the full city), bounded below by the earliest date any of them needs.
        if !self.hires.is_empty() {
            let earliest = self
                .hires
                .iter()
                .map(|h| h.since)
                .min()
                .flatten()
                .map(|s| format!(" AND e.effective >= '{s}'"))
                .unwrap_or_default();
            let each: Vec<String> = self.hires.iter().map(HireSelection::sql).collect();
            parts.push(format!(
                "SELECT e.person_id AS id FROM labour_events e JOIN persons p ON p.id = e.person_id \
                 WHERE e.status = 'employed' AND e.enterprise_id IS NOT NULL \
                 AND e.effective <= '{on}'{earliest} AND ({})",
                each.join(" OR ")
            ));
        }
        (!parts.is_empty()).then(|| (parts.join(" UNION "), args))
    }
}

impl Store {
    /// The households with a chosen member, and the chosen persons without a household
    /// (both ascending).
    pub(crate) async fn selected(
        &self,
        selection: &SweepSelection,
    ) -> Result<(Vec<i64>, Vec<i64>), StoreError> {
        let Some((chosen, texts)) = selection.sql() else {
            return Ok((Vec::new(), Vec::new()));
        };
        let sql = format!(
            "SELECT c.id AS id, m.household_id AS household_id FROM ({chosen}) c \
             LEFT JOIN household_members m ON m.person_id = c.id"
        );
        // On SQLite through a plain connection, as the batches are read (sqlx's row by row
        // hand-over made this query take twice as long).
        let rows: Vec<(i64, Option<i64>)> = if let Some(path) = self.sqlite_file() {
            let path = path.to_string();
            tokio::task::spawn_blocking(move || LiteReader::open(&path)?.id_pairs(&sql, &texts))
                .await
                .map_err(|e| lite_join(&e))??
        } else {
            let args: Vec<Arg> = texts.into_iter().map(Arg::Text).collect();
            let mut tx = self.begin_read().await?;
            let rows = q(sql, &args).fetch_all(&mut *tx).await?;
            tx.commit().await?;
            rows.iter()
                .map(|r| Ok((r.int("id")?, r.opt_int("household_id")?)))
                .collect::<Result<_, sqlx::Error>>()?
        };
        let mut households = Vec::new();
        let mut loose = Vec::new();
        for (id, household) in rows {
            match household {
                Some(h) => households.push(h),
                None => loose.push(id),
            }
        }
        for v in [&mut households, &mut loose] {
            v.sort_unstable();
            v.dedup();
        }
        Ok((households, loose))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The paired-region question reads only the poverty-alleviated persons' index, not
    /// the persons table; all hires are one pass over the events.
    #[tokio::test]
    async fn the_selection_reads_indexes_not_every_person() {
        let t = crate::TempStore::new("select-plan").await;
        let s = SweepSelection {
            unemployed: true,
            paired_hukou: Some(vec!["5108".into()]),
            hires: vec![
                HireSelection {
                    since: Some(d("2024-10-30")),
                    higher_education: true,
                    ..Default::default()
                },
                HireSelection {
                    since: Some(d("2026-01-01")),
                    disabled: true,
                    ..Default::default()
                },
            ],
            ..SweepSelection::none(d("2026-11-30"))
        };
        let (sql, texts) = s.sql().unwrap();
        let args: Vec<Arg> = texts.into_iter().map(Arg::Text).collect();
        assert_eq!(sql.matches("JOIN persons").count(), 1, "{sql}");
        assert!(sql.contains("e.effective >= '2024-10-30' AND ("), "{sql}");
        let plan = t.plan(&sql, &args).await;
        // "SCAN p" alone is a pass over the whole table.
        let persons: Vec<&String> = plan
            .iter()
            .filter(|d| d.split_whitespace().nth(1) == Some("p"))
            .collect();
        assert!(
            persons
                .iter()
                .any(|d| d.contains("INDEX persons_poverty_hukou"))
                && !persons.iter().any(|d| d.trim() == "SCAN p"),
            "{plan:?}"
        );
    }
}
