//! 免申即享 offers (政策直达): what the population sweep found someone entitled to and not yet
//! applied for or been paid, and the registry facts the sweep reads.

use crate::sql::{Arg, RowExt, Where, joined, packed_text, q, ts};
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
        for o in offers {
            sqlx::query(
                "INSERT INTO policy_offers (measure, clause, subject, person_id, enterprise_id, region, amount_fen, \
                 period_start, period_end, explanation, swept_on, run_id, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open', $13, $13) \
                 ON CONFLICT (measure, subject) DO UPDATE SET clause = excluded.clause, \
                 region = excluded.region, amount_fen = excluded.amount_fen, period_start = excluded.period_start, \
                 period_end = excluded.period_end, explanation = excluded.explanation, swept_on = excluded.swept_on, \
                 run_id = excluded.run_id, updated_at = excluded.updated_at \
                 WHERE policy_offers.status = 'open'",
            )
            .bind(&o.measure)
            .bind(&o.clause)
            .bind(&o.subject)
            .bind(o.person_id)
            .bind(o.enterprise_id)
            .bind(&o.region)
            .bind(o.amount_fen)
            .bind(o.period.as_ref().map(|p| p.0.clone()))
            .bind(o.period.as_ref().map(|p| p.1.clone()))
            .bind(&o.explanation)
            .bind(&on)
            .bind(run_id)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
        // What was already applied for or paid is not offered again.
        sqlx::query(
            "UPDATE policy_offers SET status = CASE WHEN EXISTS (SELECT 1 FROM applications a \
             WHERE a.measure = policy_offers.measure AND a.subject = policy_offers.subject AND a.state = 'paid') \
             THEN 'paid' ELSE 'applied' END, updated_at = $1 \
             WHERE status = 'open' AND EXISTS (SELECT 1 FROM applications a WHERE a.measure = policy_offers.measure \
             AND a.subject = policy_offers.subject AND a.state <> 'rejected')",
        )
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

/// A person as the sweep reads them from the registry.
#[derive(Debug, Clone)]
pub struct SweepPerson {
    pub id: i64,
    pub household_id: Option<i64>,
    pub sex: String,
    pub birth_date: String,
    pub residence_region: String,
    pub hukou_region: Option<String>,
    pub education: String,
    pub graduation_date: Option<String>,
    pub disability_grade: Option<i64>,
    pub veteran: bool,
    pub poverty_alleviated: bool,
    pub assistance: String,
    pub urban: bool,
    /// Labour events in effective order: (status, effective, enterprise_id, benefit_months)
    pub events: Vec<(String, String, Option<i64>, Option<i64>)>,
}

/// A household as the sweep reads it.
#[derive(Debug, Clone)]
pub struct SweepHousehold {
    pub id: i64,
    pub urban: bool,
    pub business_income: bool,
}

/// One batch of the registry for the sweep.
#[derive(Debug, Clone, Default)]
pub struct SweepBatch {
    pub persons: Vec<SweepPerson>,
    pub households: Vec<SweepHousehold>,
}

/// The sweep reads millions of rows, and the drivers' cost is per row (sqlx's SQLite driver
/// hands each row across threads). So a batch comes back as *one* text: each person (or event)
/// packed into a line of `|`-separated fields (codes and dates never contain `|` or newlines),
/// the lines joined by the database (`group_concat` / `string_agg`), and split here.
const SWEEP_PERSON_LINE: &str = "CAST(p.id AS TEXT) || '|' || p.sex || '|' || p.birth_date || '|' || \
    p.residence_region || '|' || COALESCE(p.hukou_region, '') || '|' || p.education || '|' || \
    COALESCE(p.graduation_date, '') || '|' || COALESCE(CAST(p.disability_grade AS TEXT), '') || '|' || \
    CAST(p.veteran AS TEXT) || '|' || CAST(p.poverty_alleviated AS TEXT) || '|' || p.assistance || '|' || \
    CAST(p.urban AS TEXT)";

/// Events packed the same way (with their id, to keep their order).
const SWEEP_EVENT_LINE: &str = "CAST(e.person_id AS TEXT) || '|' || e.effective || '|' || CAST(e.id AS TEXT) || '|' || \
    e.status || '|' || COALESCE(CAST(e.enterprise_id AS TEXT), '') || '|' || \
    COALESCE(CAST(e.benefit_months AS TEXT), '')";

/// A batch as lines split into fields.
async fn fetch_lines(
    tx: &mut Tx,
    sql: String,
    args: &[Arg],
) -> Result<Vec<Vec<String>>, StoreError> {
    Ok(packed_text(tx, sql, args)
        .await?
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('|').map(str::to_string).collect())
        .collect())
}

fn bad_line(what: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(
        format!("sweep {what} line malformed").into(),
    ))
}

fn sweep_person(mut f: Vec<String>, household_id: Option<i64>) -> Result<SweepPerson, StoreError> {
    if f.len() != 12 {
        return Err(bad_line("person"));
    }
    let mut take = |i: usize| std::mem::take(&mut f[i]);
    let opt = |s: String| (!s.is_empty()).then_some(s);
    Ok(SweepPerson {
        id: take(0).parse().map_err(|_| bad_line("person"))?,
        household_id,
        sex: take(1),
        birth_date: take(2),
        residence_region: take(3),
        hukou_region: opt(take(4)),
        education: take(5),
        graduation_date: opt(take(6)),
        disability_grade: take(7).parse().ok(),
        veteran: take(8) == "1",
        poverty_alleviated: take(9) == "1",
        assistance: take(10),
        urban: take(11) == "1",
        events: Vec::new(),
    })
}

/// The whole registry, for the sweep only (no scope: the sweep is a city-wide system job
/// whose results are scoped when shown). Read in batches by id range so that memory stays
/// flat however large the city.
pub struct RegistryReader<'a> {
    store: &'a Store,
    next_household: i64,
    max_household: i64,
    next_person: i64,
    max_person: i64,
    batch: i64,
}

impl Store {
    /// Start reading the registry in batches of about `batch` households (then persons
    /// without a household).
    pub async fn registry_reader(&self, batch: i64) -> Result<RegistryReader<'_>, StoreError> {
        let mut tx = self.begin_read().await?;
        let max_household = sqlx::query("SELECT COALESCE(MAX(id), 0) AS n FROM households")
            .fetch_one(&mut *tx)
            .await?
            .int("n")?;
        let max_person = sqlx::query("SELECT COALESCE(MAX(id), 0) AS n FROM persons")
            .fetch_one(&mut *tx)
            .await?
            .int("n")?;
        tx.commit().await?;
        Ok(RegistryReader {
            store: self,
            next_household: 0,
            max_household,
            next_person: 0,
            max_person,
            batch: batch.max(1),
        })
    }

    /// Enterprises' regions by id.
    pub async fn enterprise_regions(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query("SELECT id, region FROM enterprises")
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(rows
            .iter()
            .map(|r| Ok::<_, sqlx::Error>((r.int("id")?, r.text("region")?)))
            .collect::<Result<_, _>>()?)
    }
}

impl RegistryReader<'_> {
    /// Rows read so far out of the total (households then persons), for progress bars.
    pub fn progress(&self) -> (i64, i64) {
        (
            self.next_household.min(self.max_household) + self.next_person.min(self.max_person),
            self.max_household + self.max_person,
        )
    }

    /// The next batch, or `None` when the registry has been read.
    pub async fn next(&mut self) -> Result<Option<SweepBatch>, StoreError> {
        let backend = self.store.backend();
        let mut tx = self.store.begin_read().await?;
        let batch = if self.next_household < self.max_household {
            let (lo, hi) = (self.next_household, self.next_household + self.batch);
            self.next_household = hi;
            read_households(&mut tx, backend, lo, hi).await?
        } else if self.next_person < self.max_person {
            let (lo, hi) = (self.next_person, self.next_person + self.batch * 3);
            self.next_person = hi;
            read_loose_persons(&mut tx, backend, lo, hi).await?
        } else {
            tx.commit().await?;
            return Ok(None);
        };
        tx.commit().await?;
        Ok(Some(batch))
    }
}

/// Households with ids in `(lo, hi]`, their members and the members' events.
async fn read_households(
    tx: &mut Tx,
    backend: crate::Backend,
    lo: i64,
    hi: i64,
) -> Result<SweepBatch, StoreError> {
    let args = [Arg::Int(lo), Arg::Int(hi)];
    let households = fetch_lines(
        tx,
        joined(
            backend,
            "CAST(h.id AS TEXT) || '|' || CAST(h.urban AS TEXT) || '|' || CAST(h.business_income AS TEXT)",
            "FROM households h WHERE h.id > $1 AND h.id <= $2",
        ),
        &args,
    )
    .await?
    .into_iter()
    .map(|f| {
        Ok::<_, StoreError>(SweepHousehold {
            id: f.first().and_then(|v| v.parse().ok()).ok_or_else(|| bad_line("household"))?,
            urban: f.get(1).is_some_and(|v| v == "1"),
            business_income: f.get(2).is_some_and(|v| v == "1"),
        })
    })
    .collect::<Result<Vec<_>, _>>()?;
    let lines = fetch_lines(
        tx,
        joined(
            backend,
            &format!("CAST(m.household_id AS TEXT) || '|' || {SWEEP_PERSON_LINE}"),
            "FROM household_members m JOIN persons p ON p.id = m.person_id \
             WHERE m.household_id > $1 AND m.household_id <= $2",
        ),
        &args,
    )
    .await?;
    let mut persons = lines
        .into_iter()
        .map(|mut f| {
            let h = f.first().and_then(|v| v.parse().ok());
            if !f.is_empty() {
                f.remove(0);
            }
            sweep_person(f, h)
        })
        .collect::<Result<Vec<_>, _>>()?;
    persons.sort_by_key(|p| p.id);
    let events = fetch_lines(
        tx,
        joined(
            backend,
            SWEEP_EVENT_LINE,
            "FROM labour_events e JOIN household_members m ON m.person_id = e.person_id \
             WHERE m.household_id > $1 AND m.household_id <= $2",
        ),
        &args,
    )
    .await?;
    Ok(SweepBatch {
        persons: attach_events(persons, events)?,
        households,
    })
}

/// Persons with ids in `(lo, hi]` who belong to no household, and their events.
async fn read_loose_persons(
    tx: &mut Tx,
    backend: crate::Backend,
    lo: i64,
    hi: i64,
) -> Result<SweepBatch, StoreError> {
    let args = [Arg::Int(lo), Arg::Int(hi)];
    let lines = fetch_lines(
        tx,
        joined(
            backend,
            SWEEP_PERSON_LINE,
            "FROM persons p WHERE p.id > $1 AND p.id <= $2 \
             AND NOT EXISTS (SELECT 1 FROM household_members m WHERE m.person_id = p.id)",
        ),
        &args,
    )
    .await?;
    let mut persons = lines
        .into_iter()
        .map(|f| sweep_person(f, None))
        .collect::<Result<Vec<_>, _>>()?;
    persons.sort_by_key(|p| p.id);
    let events = fetch_lines(
        tx,
        joined(
            backend,
            SWEEP_EVENT_LINE,
            "FROM labour_events e WHERE e.person_id > $1 AND e.person_id <= $2 \
             AND NOT EXISTS (SELECT 1 FROM household_members m WHERE m.person_id = e.person_id)",
        ),
        &args,
    )
    .await?;
    Ok(SweepBatch {
        persons: attach_events(persons, events)?,
        households: Vec::new(),
    })
}

/// What the sweep would read about one person, inside the caller's transaction (so that a
/// change just made is seen): their household (all members, with their events) or, without
/// one, the person alone.
pub async fn registry_of_person_in(
    tx: &mut Tx,
    backend: crate::Backend,
    person_id: i64,
) -> Result<SweepBatch, StoreError> {
    let household = sqlx::query("SELECT household_id FROM household_members WHERE person_id = $1")
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.int("household_id"))
        .transpose()?;
    match household {
        Some(h) => read_households(tx, backend, h - 1, h).await,
        None => read_loose_persons(tx, backend, person_id - 1, person_id).await,
    }
}

/// The same for a household.
pub async fn registry_of_household_in(
    tx: &mut Tx,
    backend: crate::Backend,
    household_id: i64,
) -> Result<SweepBatch, StoreError> {
    read_households(tx, backend, household_id - 1, household_id).await
}

fn attach_events(
    mut persons: Vec<SweepPerson>,
    mut events: Vec<Vec<String>>,
) -> Result<Vec<SweepPerson>, StoreError> {
    // Lines: person_id | effective | id | status | enterprise_id | benefit_months.
    let key = |f: &Vec<String>| {
        (
            f.first().and_then(|v| v.parse::<i64>().ok()).unwrap_or(0),
            f.get(1).cloned().unwrap_or_default(),
            f.get(2).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0),
        )
    };
    events.sort_by_key(key);
    let mut i = 0;
    for f in events {
        if f.len() != 6 {
            return Err(bad_line("event"));
        }
        let pid: i64 = f[0].parse().map_err(|_| bad_line("event"))?;
        while i < persons.len() && persons[i].id < pid {
            i += 1;
        }
        if i < persons.len() && persons[i].id == pid {
            let [_, effective, _, status, enterprise, benefit]: [String; 6] =
                f.try_into().map_err(|_| bad_line("event"))?;
            persons[i].events.push((
                status,
                effective,
                enterprise.parse().ok(),
                benefit.parse().ok(),
            ));
        }
    }
    Ok(persons)
}

impl Store {
    /// What the sweep would read about one person (see [`registry_of_person_in`]).
    pub async fn registry_of_person(&self, person_id: i64) -> Result<SweepBatch, StoreError> {
        let mut tx = self.begin_read().await?;
        let batch = registry_of_person_in(&mut tx, self.backend, person_id).await?;
        tx.commit().await?;
        Ok(batch)
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
