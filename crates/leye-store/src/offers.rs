//! 免申即享 offers (政策直达): what the population sweep found someone entitled to and not yet
//! applied for or been paid. The registry facts the sweep reads are in `sweep_read.rs`.

use crate::sql::{Arg, RowExt, Where, q, ts};
use crate::{Actor, Page, Paging, Store, StoreError, Tx, audit};
use leye_domain::{Regions, Scope};
use sqlx::any::AnyRow;

/// One offer found by a sweep.
#[derive(Debug, Clone)]
pub struct OfferInput {
    pub measure: String,
    pub clause: String,
    /// Stable key of the subject: `p123` (person) or `p123@e45` (person at enterprise)
    pub subject: String,
    pub person_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// Region used to scope the offer (the person's residence or the enterprise's region)
    pub region: String,
    pub amount_fen: Option<i64>,
    pub period: Option<(String, String)>,
    /// The decision with its explanation, as JSON
    pub explanation: String,
}

/// A stored offer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OfferRecord {
    pub id: i64,
    pub measure: String,
    pub clause: String,
    pub subject: String,
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    pub region: String,
    pub amount_fen: Option<i64>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub explanation: String,
    pub swept_on: String,
    pub status: String,
}

/// Filters for listing offers.
#[derive(Debug, Clone, Default)]
pub struct OfferFilter {
    pub measure: Option<String>,
    pub status: Option<String>,
    pub region: Option<String>,
}

/// What a sweep changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SweepSaved {
    /// Offers open after the sweep for the swept measures.
    pub open: i64,
    /// Open offers withdrawn because they no longer hold.
    pub withdrawn: i64,
}

const OFFER_COLS: &str = "o.id, o.measure, o.clause, o.subject, o.person_id, p.name AS person_name, \
    o.enterprise_id, e.name AS enterprise_name, o.region, o.amount_fen, o.period_start, o.period_end, \
    o.explanation, o.swept_on, o.status";
const OFFER_FROM: &str = "policy_offers o LEFT JOIN persons p ON p.id = o.person_id \
    LEFT JOIN enterprises e ON e.id = o.enterprise_id";

fn offer_from_row(r: &AnyRow) -> Result<OfferRecord, sqlx::Error> {
    Ok(OfferRecord {
        id: r.int("id")?,
        measure: r.text("measure")?,
        clause: r.text("clause")?,
        subject: r.text("subject")?,
        person_id: r.opt_int("person_id")?,
        person_name: r.opt_text("person_name")?,
        enterprise_id: r.opt_int("enterprise_id")?,
        enterprise_name: r.opt_text("enterprise_name")?,
        region: r.text("region")?,
        amount_fen: r.opt_int("amount_fen")?,
        period_start: r.opt_text("period_start")?,
        period_end: r.opt_text("period_end")?,
        explanation: r.text("explanation")?,
        swept_on: r.text("swept_on")?,
        status: r.text("status")?,
    })
}

fn scoped(scope: &Scope) -> Where {
    let mut w = Where::default();
    w.scope(
        scope.filter(Regions::huzhou()),
        "o.region",
        Some("o.person_id = {}"),
        Some("o.enterprise_id = {}"),
    );
    w
}

/// A page of offers in scope, largest amount first.
pub async fn list_offers(
    tx: &mut Tx,
    scope: &Scope,
    f: &OfferFilter,
    paging: Paging,
) -> Result<Page<OfferRecord>, StoreError> {
    let mut w = scoped(scope);
    if let Some(m) = f.measure.as_deref().filter(|m| !m.is_empty()) {
        w.and(Arg::Text(m.into()), |ph| format!("o.measure = {ph}"));
    }
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        w.and(Arg::Text(s.into()), |ph| format!("o.status = {ph}"));
    }
    if let Some(r) = f.region.as_deref().filter(|r| !r.is_empty()) {
        w.and(Arg::Text(format!("{r}%")), |ph| {
            format!("o.region LIKE {ph}")
        });
    }
    crate::sql::page(
        tx,
        OFFER_COLS,
        &format!("{OFFER_FROM}{}", w.sql()),
        "o.amount_fen DESC, o.id",
        &w,
        paging,
        offer_from_row,
    )
    .await
}

/// Offers in scope counted by measure and status.
pub async fn count_offers(
    tx: &mut Tx,
    scope: &Scope,
) -> Result<Vec<(String, String, i64, i64)>, StoreError> {
    let w = scoped(scope);
    let sql = format!(
        "SELECT o.measure, o.status, COUNT(*) AS n, CAST(COALESCE(SUM(o.amount_fen), 0) AS BIGINT) AS total \
         FROM policy_offers o{} GROUP BY o.measure, o.status ORDER BY o.measure, o.status",
        w.sql()
    );
    let rows = q(sql, &w.args).fetch_all(&mut **tx).await?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok::<_, sqlx::Error>((
                r.text("measure")?,
                r.text("status")?,
                r.int("n")?,
                r.int("total")?,
            ))
        })
        .collect::<Result<_, _>>()?)
}

/// Open offers already applied for become *applied* (or *paid*): one correlated lookup of
/// `applications` per offer, by the index of migration 0011.
const MARK_APPLIED: &str = "UPDATE policy_offers SET status = CASE WHEN EXISTS (SELECT 1 FROM applications a \
     WHERE a.measure = policy_offers.measure AND a.subject = policy_offers.subject AND a.state = 'paid') \
     THEN 'paid' ELSE 'applied' END, updated_at = $1 \
     WHERE status = 'open' AND EXISTS (SELECT 1 FROM applications a WHERE a.measure = policy_offers.measure \
     AND a.subject = policy_offers.subject AND a.state <> 'rejected')";

/// Offers written by one INSERT when a sweep is saved (14 values each: 2,800 a statement,
/// within both databases' limits).
const OFFERS_PER_INSERT: usize = 200;

impl Store {
    /// Save the offers of one sweep in one transaction: new offers are inserted, open ones
    /// refreshed, and open offers of the swept measures that this run did not find are
    /// withdrawn. Offers already applied for, paid or dismissed are not touched. Audited.
    pub async fn save_sweep(
        &self,
        run_id: &str,
        swept_on: chrono::NaiveDate,
        measures: &[&str],
        offers: &[OfferInput],
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<SweepSaved, StoreError> {
        let mut tx = self.begin().await?;
        let at = ts(now);
        let on = swept_on.to_string();
        // Many offers per statement (a statement per offer was most of the save at 50,000
        // offers). One (measure, subject) at most once per statement: PostgreSQL refuses to
        // update a row twice in one INSERT.
        let mut seen = std::collections::HashSet::new();
        let unique: Vec<&OfferInput> = offers
            .iter()
            .rev()
            .filter(|o| seen.insert((o.measure.as_str(), o.subject.as_str())))
            .collect();
        const COLS: usize = 14;
        // SQLite looks a `$n` parameter up by name among all of the statement's (quadratic
        // at thousands of values): it gets positional `?`, PostgreSQL numbered `$n`.
        let sqlite = self.backend == crate::Backend::Sqlite;
        for part in unique.rchunks(OFFERS_PER_INSERT) {
            let mut sql = String::from(
                "INSERT INTO policy_offers (measure, clause, subject, person_id, enterprise_id, region, amount_fen, \
                 period_start, period_end, explanation, swept_on, run_id, created_at, updated_at, status) VALUES ",
            );
            let mut args = Vec::with_capacity(part.len() * COLS);
            for (i, o) in part.iter().rev().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for c in 0..COLS {
                    if sqlite {
                        sql.push_str("?, ");
                    } else {
                        sql.push_str(&format!("${}, ", 1 + i * COLS + c));
                    }
                }
                sql.push_str("'open')");
                args.extend([
                    Arg::Text(o.measure.clone()),
                    Arg::Text(o.clause.clone()),
                    Arg::Text(o.subject.clone()),
                    Arg::OptInt(o.person_id),
                    Arg::OptInt(o.enterprise_id),
                    Arg::Text(o.region.clone()),
                    Arg::OptInt(o.amount_fen),
                    Arg::OptText(o.period.as_ref().map(|p| p.0.clone())),
                    Arg::OptText(o.period.as_ref().map(|p| p.1.clone())),
                    Arg::Text(o.explanation.clone()),
                    Arg::Text(on.clone()),
                    Arg::Text(run_id.to_string()),
                    Arg::Text(at.clone()),
                    Arg::Text(at.clone()),
                ]);
            }
            sql.push_str(
                " ON CONFLICT (measure, subject) DO UPDATE SET clause = excluded.clause, \
                 region = excluded.region, amount_fen = excluded.amount_fen, period_start = excluded.period_start, \
                 period_end = excluded.period_end, explanation = excluded.explanation, swept_on = excluded.swept_on, \
                 run_id = excluded.run_id, updated_at = excluded.updated_at \
                 WHERE policy_offers.status = 'open'",
            );
            q(sql, &args).execute(&mut *tx).await?;
        }
        // What was already applied for or paid is not offered again.
        sqlx::query(MARK_APPLIED)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        let mut withdrawn = 0;
        let mut open = 0;
        for m in measures {
            withdrawn += sqlx::query(
                "DELETE FROM policy_offers WHERE status = 'open' AND measure = $1 AND run_id <> $2",
            )
            .bind(*m)
            .bind(run_id)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
            open += sqlx::query(
                "SELECT COUNT(*) AS n FROM policy_offers WHERE status = 'open' AND measure = $1",
            )
            .bind(*m)
            .fetch_one(&mut *tx)
            .await?
            .int("n")?;
        }
        let detail = format!(
            "免申即享普查({swept_on}): {}项措施, 待办{open}条, 撤回{withdrawn}条",
            measures.len()
        );
        audit::record(
            &mut tx,
            now,
            actor,
            "policy_sweep",
            "policy_offers",
            0,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(SweepSaved { open, withdrawn })
    }
}

/// One offer in scope.
pub async fn get_offer(tx: &mut Tx, scope: &Scope, id: i64) -> Result<OfferRecord, StoreError> {
    let mut w = scoped(scope);
    w.and(Arg::Int(id), |ph| format!("o.id = {ph}"));
    let sql = format!("SELECT {OFFER_COLS} FROM {OFFER_FROM}{}", w.sql());
    match q(sql, &w.args).fetch_optional(&mut **tx).await? {
        Some(r) => Ok(offer_from_row(&r)?),
        None => Err(StoreError::NotFound {
            entity: "免申即享名单记录",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Saving a sweep looks applications up once per offer: on SQLite the lookup must go
    /// through an index, or the save grows with offers × applications.
    #[tokio::test]
    async fn marking_applied_offers_looks_applications_up_by_index() {
        let plan = crate::TempStore::new("offer-plan")
            .await
            .plan(MARK_APPLIED, &[Arg::Text(String::new())])
            .await;
        let lookups: Vec<&String> = plan.iter().filter(|d| d.contains(" a")).collect();
        assert!(
            !lookups.is_empty()
                && lookups
                    .iter()
                    .all(|d| d.contains("USING INDEX applications_measure_subject")),
            "{plan:?}"
        );
    }
}
