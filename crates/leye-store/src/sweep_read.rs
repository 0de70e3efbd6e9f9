//! The registry as the 免申即享 sweep (and the help module's re-decisions) read it: every
//! household with its members and their labour events, in batches by household id so that
//! memory stays flat however large the city, then the persons who belong to no household.
//!
//! Two readers give the same batches (a test holds them to it):
//! - on SQLite, a plain connection of its own ([`rusqlite`]): a row costs a function call.
//!   sqlx's SQLite driver hands every row from its worker thread over a channel, which at
//!   millions of rows was most of the sweep;
//! - on PostgreSQL (and for the one-person reads inside a caller's transaction), sqlx with
//!   each batch packed by the database into one text (`string_agg`), one line per row.

use crate::sql::{RowExt, joined, packed_text};
use crate::sweep_select::SweepSelection;
use crate::{Backend, Store, StoreError, Tx};
use chrono::NaiveDate;
use leye_domain::Sex;
use leye_domain::labour::LabourStatus;
use leye_domain::person::{Assistance, Education};
use leye_domain::time::iso_date;
use std::sync::{Arc, Mutex};

/// A person as the sweep reads them from the registry. Values the registry's constraints
/// guarantee (codes, dates) read as `None` if they are somehow not what they should be.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPerson {
    pub id: i64,
    pub household_id: Option<i64>,
    pub sex: Option<Sex>,
    pub birth: Option<NaiveDate>,
    pub residence_region: String,
    pub hukou_region: Option<String>,
    pub education: Option<Education>,
    pub graduation: Option<NaiveDate>,
    pub disability_grade: Option<i64>,
    pub veteran: bool,
    pub poverty_alleviated: bool,
    pub assistance: Option<Assistance>,
    pub urban: bool,
    /// Labour events in effective order (then in the order they were recorded).
    pub events: Vec<SweepEvent>,
}

/// One labour event (就业状态变动) as the sweep reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepEvent {
    pub status: LabourStatus,
    pub effective: NaiveDate,
    pub enterprise_id: Option<i64>,
    pub benefit_months: Option<i64>,
}

/// A household as the sweep reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepHousehold {
    pub id: i64,
    pub urban: bool,
    pub business_income: bool,
}

/// One batch of the registry for the sweep: households (ascending id) and their members
/// (ascending id), or persons without a household.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepBatch {
    pub persons: Vec<SweepPerson>,
    pub households: Vec<SweepHousehold>,
}

/// A person's columns as text and numbers, before they are typed (both readers make one).
struct PersonCols<'a> {
    id: i64,
    sex: &'a str,
    birth: &'a str,
    residence: &'a str,
    hukou: Option<&'a str>,
    education: &'a str,
    graduation: Option<&'a str>,
    disability: Option<i64>,
    veteran: bool,
    poverty: bool,
    assistance: &'a str,
    urban: bool,
}

impl PersonCols<'_> {
    fn typed(self, household_id: Option<i64>) -> SweepPerson {
        SweepPerson {
            id: self.id,
            household_id,
            sex: match self.sex {
                "M" => Some(Sex::Male),
                "F" => Some(Sex::Female),
                _ => None,
            },
            birth: iso_date(self.birth),
            residence_region: self.residence.to_string(),
            hukou_region: self.hukou.filter(|h| !h.is_empty()).map(str::to_string),
            education: Education::from_code(self.education),
            graduation: self.graduation.and_then(iso_date),
            disability_grade: self.disability,
            veteran: self.veteran,
            poverty_alleviated: self.poverty,
            assistance: Assistance::from_code(self.assistance),
            urban: self.urban,
            events: Vec::new(),
        }
    }
}

/// An event row: (person, effective, event id, event). Rows whose status or date do not read
/// are left out, as a date that cannot be placed in time cannot be "in effect".
type EventRow = (i64, NaiveDate, i64, SweepEvent);

fn event_row(
    person: i64,
    effective: &str,
    id: i64,
    status: &str,
    enterprise_id: Option<i64>,
    benefit_months: Option<i64>,
) -> Option<EventRow> {
    let effective = iso_date(effective)?;
    Some((
        person,
        effective,
        id,
        SweepEvent {
            status: LabourStatus::from_code(status)?,
            effective,
            enterprise_id,
            benefit_months,
        },
    ))
}

/// Put each event under its person (both sorted here: the readers return rows in any order).
fn attach_events(mut persons: Vec<SweepPerson>, mut events: Vec<EventRow>) -> Vec<SweepPerson> {
    persons.sort_by_key(|p| p.id);
    events.sort_unstable_by_key(|e| (e.0, e.1, e.2));
    let mut i = 0;
    for (pid, _, _, e) in events {
        while i < persons.len() && persons[i].id < pid {
            i += 1;
        }
        if let Some(p) = persons.get_mut(i).filter(|p| p.id == pid) {
            p.events.push(e);
        }
    }
    persons
}

// ----- PostgreSQL (and in-transaction reads): one packed text per query -----

/// Each person packed into a line of `|`-separated fields (codes and dates never contain `|`
/// or newlines), the lines joined by the database, split here.
const PERSON_LINE: &str = "CAST(p.id AS TEXT) || '|' || p.sex || '|' || p.birth_date || '|' || \
    p.residence_region || '|' || COALESCE(p.hukou_region, '') || '|' || p.education || '|' || \
    COALESCE(p.graduation_date, '') || '|' || COALESCE(CAST(p.disability_grade AS TEXT), '') || '|' || \
    CAST(p.veteran AS TEXT) || '|' || CAST(p.poverty_alleviated AS TEXT) || '|' || p.assistance || '|' || \
    CAST(p.urban AS TEXT)";

/// Events packed the same way (with their id, to keep their order).
const EVENT_LINE: &str = "CAST(e.person_id AS TEXT) || '|' || e.effective || '|' || CAST(e.id AS TEXT) || '|' || \
    e.status || '|' || COALESCE(CAST(e.enterprise_id AS TEXT), '') || '|' || \
    COALESCE(CAST(e.benefit_months AS TEXT), '')";

fn bad_line(what: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(
        format!("sweep {what} line malformed").into(),
    ))
}

fn person_of_line(f: &[&str], household_id: Option<i64>) -> Result<SweepPerson, StoreError> {
    let [
        id,
        sex,
        birth,
        residence,
        hukou,
        education,
        graduation,
        disability,
        veteran,
        poverty,
        assistance,
        urban,
    ] = f
    else {
        return Err(bad_line("person"));
    };
    Ok(PersonCols {
        id: id.parse().map_err(|_| bad_line("person"))?,
        sex,
        birth,
        residence,
        hukou: Some(hukou),
        education,
        graduation: Some(graduation),
        disability: disability.parse().ok(),
        veteran: *veteran == "1",
        poverty: *poverty == "1",
        assistance,
        urban: *urban == "1",
    }
    .typed(household_id))
}

fn events_of_text(text: &str) -> Result<Vec<EventRow>, StoreError> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('|').collect();
        let [person, effective, id, status, enterprise, benefit] = f[..] else {
            return Err(bad_line("event"));
        };
        let person = person.parse().map_err(|_| bad_line("event"))?;
        let id = id.parse().map_err(|_| bad_line("event"))?;
        out.extend(event_row(
            person,
            effective,
            id,
            status,
            enterprise.parse().ok(),
            benefit.parse().ok(),
        ));
    }
    Ok(out)
}

/// The households of `span`, their members and the members' events.
async fn read_households(
    tx: &mut Tx,
    backend: Backend,
    span: &Span,
) -> Result<SweepBatch, StoreError> {
    let text = packed_text(
        tx,
        joined(backend, HOUSEHOLD_LINE, &households_from(span)),
        &[],
    )
    .await?;
    let mut households = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('|').collect();
        households.push(SweepHousehold {
            id: f
                .first()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| bad_line("household"))?,
            urban: f.get(1).is_some_and(|v| *v == "1"),
            business_income: f.get(2).is_some_and(|v| *v == "1"),
        });
    }
    households.sort_by_key(|h| h.id);
    let text = packed_text(
        tx,
        joined(
            backend,
            &format!("CAST(m.household_id AS TEXT) || '|' || {PERSON_LINE}"),
            &members_from(span),
        ),
        &[],
    )
    .await?;
    let mut persons = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('|').collect();
        let (h, rest) = f.split_first().ok_or_else(|| bad_line("person"))?;
        persons.push(person_of_line(rest, h.parse().ok())?);
    }
    let events = events_of_text(
        &packed_text(
            tx,
            joined(backend, EVENT_LINE, &member_events_from(span)),
            &[],
        )
        .await?,
    )?;
    Ok(SweepBatch {
        persons: attach_events(persons, events),
        households,
    })
}

/// The persons of `span` who belong to no household, and their events.
async fn read_loose_persons(
    tx: &mut Tx,
    backend: Backend,
    span: &Span,
) -> Result<SweepBatch, StoreError> {
    let text = packed_text(tx, joined(backend, PERSON_LINE, &loose_from(span)), &[]).await?;
    let mut persons = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('|').collect();
        persons.push(person_of_line(&f, None)?);
    }
    let events = events_of_text(
        &packed_text(
            tx,
            joined(backend, EVENT_LINE, &loose_events_from(span)),
            &[],
        )
        .await?,
    )?;
    Ok(SweepBatch {
        persons: attach_events(persons, events),
        households: Vec::new(),
    })
}

const HOUSEHOLD_LINE: &str =
    "CAST(h.id AS TEXT) || '|' || CAST(h.urban AS TEXT) || '|' || CAST(h.business_income AS TEXT)";
/// Which households (or loose persons) a batch is: an id range, or the ids a
/// [`SweepSelection`] chose. Ids are integers and go into the SQL text as they are.
#[derive(Debug, Clone)]
enum Span {
    /// Ids in `(lo, hi]`.
    Range(i64, i64),
    /// These ids (ascending, not empty).
    Ids(Vec<i64>),
    /// The same, also bounded by the first and the last: with a long `IN` list alone
    /// PostgreSQL scanned all of `household_members` for every batch (250–350 ms a query in the
    /// full city); with the bounds it reads the primary key's range (110–135 ms).
    IdsInRange(Vec<i64>),
}

impl Span {
    /// The condition that `col` is in the span.
    fn cond(&self, col: &str) -> String {
        match self {
            Span::Range(lo, hi) => format!("{col} > {lo} AND {col} <= {hi}"),
            Span::Ids(ids) => format!("{col} IN ({})", id_list(ids)),
            Span::IdsInRange(ids) => {
                let (first, last) = (ids.first().unwrap_or(&0), ids.last().unwrap_or(&0));
                format!(
                    "{col} >= {first} AND {col} <= {last} AND {col} IN ({})",
                    id_list(ids)
                )
            }
        }
    }
}

fn id_list(ids: &[i64]) -> String {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    list.join(",")
}

fn households_from(span: &Span) -> String {
    format!("FROM households h WHERE {}", span.cond("h.id"))
}

fn members_from(span: &Span) -> String {
    format!(
        "FROM household_members m JOIN persons p ON p.id = m.person_id WHERE {}",
        span.cond("m.household_id")
    )
}

fn member_events_from(span: &Span) -> String {
    format!(
        "FROM labour_events e JOIN household_members m ON m.person_id = e.person_id WHERE {}",
        span.cond("m.household_id")
    )
}

fn loose_from(span: &Span) -> String {
    format!(
        "FROM persons p WHERE {} \
         AND NOT EXISTS (SELECT 1 FROM household_members m WHERE m.person_id = p.id)",
        span.cond("p.id")
    )
}

fn loose_events_from(span: &Span) -> String {
    format!(
        "FROM labour_events e WHERE {} \
         AND NOT EXISTS (SELECT 1 FROM household_members m WHERE m.person_id = e.person_id)",
        span.cond("e.person_id")
    )
}

// ----- SQLite: a plain connection, typed columns -----

const PERSON_COLS: &str = "p.id, p.sex, p.birth_date, p.residence_region, p.hukou_region, p.education, \
    p.graduation_date, p.disability_grade, p.veteran, p.poverty_alleviated, p.assistance, p.urban";
const EVENT_COLS: &str =
    "e.person_id, e.effective, e.id, e.status, e.enterprise_id, e.benefit_months";

fn lite_err(e: rusqlite::Error) -> StoreError {
    StoreError::Db(sqlx::Error::Io(std::io::Error::other(format!(
        "SQLite 批量读取失败: {e}"
    ))))
}

/// The SQLite file's own read connection for bulk reads (see the module doc).
pub(crate) struct LiteReader {
    conn: rusqlite::Connection,
}

impl LiteReader {
    pub(crate) fn open(path: &str) -> Result<Self, StoreError> {
        use rusqlite::OpenFlags;
        let conn = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(lite_err)?;
        // The pool's settings (see Store::connect): a 64 MiB page cache, 256 MiB mapped.
        conn.execute_batch(
            "PRAGMA busy_timeout = 10000; PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456;",
        )
        .map_err(lite_err)?;
        Ok(Self { conn })
    }

    fn person<'r>(r: &'r rusqlite::Row<'_>, at: usize) -> rusqlite::Result<PersonCols<'r>> {
        let text = |i: usize| -> rusqlite::Result<&'r str> {
            Ok(r.get_ref(at + i)?.as_str_or_null()?.unwrap_or(""))
        };
        Ok(PersonCols {
            id: r.get(at)?,
            sex: text(1)?,
            birth: text(2)?,
            residence: text(3)?,
            hukou: r.get_ref(at + 4)?.as_str_or_null()?,
            education: text(5)?,
            graduation: r.get_ref(at + 6)?.as_str_or_null()?,
            disability: r.get(at + 7)?,
            veteran: r.get::<_, i64>(at + 8)? == 1,
            poverty: r.get::<_, i64>(at + 9)? == 1,
            assistance: text(10)?,
            urban: r.get::<_, i64>(at + 11)? == 1,
        })
    }

    /// Rows of two integer columns (the second may be NULL), with text parameters bound in order.
    pub(crate) fn id_pairs(
        &mut self,
        sql: &str,
        texts: &[String],
    ) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
        let run = || -> rusqlite::Result<Vec<(i64, Option<i64>)>> {
            let mut st = self.conn.prepare(sql)?;
            let mut rows = st.query(rusqlite::params_from_iter(texts))?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push((r.get(0)?, r.get(1)?));
            }
            Ok(out)
        };
        run().map_err(lite_err)
    }

    /// The households of `span`: the same batch as [`read_households`].
    fn households(&mut self, span: &Span) -> rusqlite::Result<SweepBatch> {
        let tx = self.conn.transaction()?;
        let mut households = Vec::new();
        {
            let mut st = tx.prepare(&format!(
                "SELECT h.id, h.urban, h.business_income {} ORDER BY h.id",
                households_from(span)
            ))?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                households.push(SweepHousehold {
                    id: r.get(0)?,
                    urban: r.get::<_, i64>(1)? == 1,
                    business_income: r.get::<_, i64>(2)? == 1,
                });
            }
        }
        // The members first (a covering index). When their person ids are close together, as
        // when households are registered with their members, persons and events are read as
        // one id range in table order and filtered here: about twice as fast as looking each
        // member up. Otherwise each member is joined.
        let mut members: Vec<(i64, i64)> = Vec::new();
        {
            let mut st = tx.prepare(&format!(
                "SELECT m.person_id, m.household_id FROM household_members m WHERE {}",
                span.cond("m.household_id")
            ))?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                members.push((r.get(0)?, r.get(1)?));
            }
        }
        members.sort_unstable();
        let (Some(first), Some(last)) = (members.first(), members.last()) else {
            tx.commit()?;
            return Ok(SweepBatch {
                persons: Vec::new(),
                households,
            });
        };
        let (first, last) = (first.0, last.0);
        let compact = last - first < 2 * members.len() as i64 + 16;
        let household_of = |pid: i64| {
            members
                .binary_search_by_key(&pid, |m| m.0)
                .ok()
                .map(|i| members[i].1)
        };
        let (persons, events) = if compact {
            let persons = Self::persons_in(
                &tx,
                &format!("SELECT {PERSON_COLS} FROM persons p WHERE p.id >= ?1 AND p.id <= ?2"),
                &[first, last],
                0,
                |r| Ok(household_of(r.get(0)?).map(Some)),
            )?;
            let mut events = Self::events_in(
                &tx,
                &format!(
                    "SELECT {EVENT_COLS} FROM labour_events e WHERE e.person_id >= ?1 AND e.person_id <= ?2"
                ),
                &[first, last],
            )?;
            events.retain(|e| household_of(e.0).is_some());
            (persons, events)
        } else {
            let persons = Self::persons_in(
                &tx,
                &format!(
                    "SELECT m.household_id, {PERSON_COLS} {}",
                    members_from(span)
                ),
                &[],
                1,
                |r| Ok(Some(r.get(0)?)),
            )?;
            let events = Self::events_in(
                &tx,
                &format!("SELECT {EVENT_COLS} {}", member_events_from(span)),
                &[],
            )?;
            (persons, events)
        };
        tx.commit()?;
        Ok(SweepBatch {
            persons: attach_events(persons, events),
            households,
        })
    }

    /// The persons a query returns, their columns from `at` on; `household` says which
    /// household a row's person belongs to (`Some(None)`: none), or to skip the row (`None`).
    fn persons_in(
        tx: &rusqlite::Transaction<'_>,
        sql: &str,
        params: &[i64],
        at: usize,
        household: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<Option<Option<i64>>>,
    ) -> rusqlite::Result<Vec<SweepPerson>> {
        let mut st = tx.prepare_cached(sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            if let Some(h) = household(r)? {
                out.push(Self::person(r, at)?.typed(h));
            }
        }
        Ok(out)
    }

    fn events_in(
        tx: &rusqlite::Transaction<'_>,
        sql: &str,
        params: &[i64],
    ) -> rusqlite::Result<Vec<EventRow>> {
        let mut st = tx.prepare_cached(sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.extend(event_row(
                r.get(0)?,
                r.get_ref(1)?.as_str()?,
                r.get(2)?,
                r.get_ref(3)?.as_str()?,
                r.get(4)?,
                r.get(5)?,
            ));
        }
        Ok(out)
    }

    /// The persons of `span` without a household: the same batch as [`read_loose_persons`].
    fn loose_persons(&mut self, span: &Span) -> rusqlite::Result<SweepBatch> {
        let tx = self.conn.transaction()?;
        let persons = Self::persons_in(
            &tx,
            &format!("SELECT {PERSON_COLS} {}", loose_from(span)),
            &[],
            0,
            |_| Ok(Some(None)),
        )?;
        let events = Self::events_in(
            &tx,
            &format!("SELECT {EVENT_COLS} {}", loose_events_from(span)),
            &[],
        )?;
        tx.commit()?;
        Ok(SweepBatch {
            persons: attach_events(persons, events),
            households: Vec::new(),
        })
    }
}

/// The whole registry, for the sweep only (no scope: the sweep is a city-wide system job
/// whose results are scoped when shown). Read in batches by id range.
pub struct RegistryReader<'a> {
    store: &'a Store,
    /// SQLite's own connections (one per batch read ahead); empty on PostgreSQL.
    lite: Vec<Arc<Mutex<LiteReader>>>,
    /// Batches being read on blocking threads, in order.
    ahead: std::collections::VecDeque<tokio::task::JoinHandle<Result<SweepBatch, StoreError>>>,
    /// Batches started so far (picks the connection).
    started: usize,
    plan: Plan,
    batch: i64,
}

/// What a [`RegistryReader`] has left to read.
enum Plan {
    /// Every household, then every person without one, by id range.
    Ranges {
        next_household: i64,
        max_household: i64,
        next_person: i64,
        max_person: i64,
    },
    /// The households and the persons without one that a [`SweepSelection`] chose
    /// (ascending), from `at` on (households first).
    Chosen {
        households: Vec<i64>,
        loose: Vec<i64>,
        at: usize,
    },
}

impl Store {
    /// Start reading the registry in batches of about `batch` households (then persons
    /// without a household).
    pub async fn registry_reader(&self, batch: i64) -> Result<RegistryReader<'_>, StoreError> {
        let plan = self.registry_ranges().await?;
        self.reader_of(plan, batch).await
    }

    /// Read only the households with a person `selection` admits (whole, every member) and
    /// the admitted persons who belong to no household; the database makes the choice.
    pub async fn selected_registry_reader(
        &self,
        selection: &SweepSelection,
        batch: i64,
    ) -> Result<RegistryReader<'_>, StoreError> {
        let (households, loose) = self.selected(selection).await?;
        self.reader_of(
            Plan::Chosen {
                households,
                loose,
                at: 0,
            },
            batch,
        )
        .await
    }

    async fn registry_ranges(&self) -> Result<Plan, StoreError> {
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
        Ok(Plan::Ranges {
            next_household: 0,
            max_household,
            next_person: 0,
            max_person,
        })
    }

    async fn reader_of(&self, plan: Plan, batch: i64) -> Result<RegistryReader<'_>, StoreError> {
        let mut lite = Vec::new();
        if let Some(path) = self.sqlite_file() {
            for _ in 0..READ_AHEAD {
                let path = path.to_string();
                let r = tokio::task::spawn_blocking(move || LiteReader::open(&path))
                    .await
                    .map_err(|e| lite_join(&e))??;
                lite.push(Arc::new(Mutex::new(r)));
            }
        }
        Ok(RegistryReader {
            store: self,
            lite,
            ahead: Default::default(),
            started: 0,
            plan,
            batch: batch.max(1),
        })
    }
}

pub(crate) fn lite_join(e: &tokio::task::JoinError) -> StoreError {
    StoreError::Db(sqlx::Error::Io(std::io::Error::other(format!(
        "SQLite 批量读取任务异常: {e}"
    ))))
}

/// Batches read ahead on SQLite, each on a connection of its own. One: with two, the
/// connections contended on SQLite's process-wide mutexes (its page cache and memory
/// statistics; the bundled build has SQLITE_ENABLE_MEMORY_MANAGEMENT) and perf showed a fifth
/// of the full-city sweep waiting on futexes: 19.2 s with two, 18.4 s with one; once the next
/// read started as soon as a batch was handed over, 23.2 s with two, 16.1 s with one.
const READ_AHEAD: usize = 1;

/// Which part of the registry a batch is.
#[derive(Clone, Copy)]
enum Part {
    Households,
    Loose,
}

impl RegistryReader<'_> {
    /// Read through the pool, as on PostgreSQL, even on SQLite (tests compare the readers).
    pub fn through_pool(mut self) -> Self {
        self.lite.clear();
        self
    }

    /// Rows read so far out of the total (households then persons), for progress bars.
    pub fn progress(&self) -> (i64, i64) {
        match &self.plan {
            Plan::Ranges {
                next_household,
                max_household,
                next_person,
                max_person,
            } => (
                next_household.min(max_household) + next_person.min(max_person),
                max_household + max_person,
            ),
            Plan::Chosen {
                households,
                loose,
                at,
            } => (*at as i64, (households.len() + loose.len()) as i64),
        }
    }

    /// The next span to read, or `None` when everything has been handed out. Persons
    /// without a household come three batches' worth at a time (they are one row each).
    fn next_span(&mut self) -> Option<(Part, Span)> {
        let batch = self.batch;
        match &mut self.plan {
            Plan::Ranges {
                next_household,
                max_household,
                next_person,
                max_person,
            } => {
                if next_household < max_household {
                    let (lo, hi) = (*next_household, *next_household + batch);
                    *next_household = hi;
                    Some((Part::Households, Span::Range(lo, hi)))
                } else if next_person < max_person {
                    let (lo, hi) = (*next_person, *next_person + batch * 3);
                    *next_person = hi;
                    Some((Part::Loose, Span::Range(lo, hi)))
                } else {
                    None
                }
            }
            Plan::Chosen {
                households,
                loose,
                at,
            } => {
                let (part, ids, from, size) = if *at < households.len() {
                    (Part::Households, &households[..], *at, batch as usize)
                } else {
                    (
                        Part::Loose,
                        &loose[..],
                        *at - households.len(),
                        batch as usize * 3,
                    )
                };
                let chunk = ids.get(from..(from + size).min(ids.len()))?;
                if chunk.is_empty() {
                    return None;
                }
                *at += chunk.len();
                Some((part, Span::Ids(chunk.to_vec())))
            }
        }
    }

    /// Start reading the next ranges on blocking threads until `READ_AHEAD` are under way.
    fn read_ahead(&mut self) {
        while self.ahead.len() < self.lite.len() {
            let Some((part, span)) = self.next_span() else {
                break;
            };
            let conn = self.lite[self.started % self.lite.len()].clone();
            self.started += 1;
            self.ahead.push_back(tokio::task::spawn_blocking(move || {
                let mut r = conn
                    .lock()
                    .map_err(|_| lite_err(rusqlite::Error::InvalidQuery))?;
                match part {
                    Part::Households => r.households(&span),
                    Part::Loose => r.loose_persons(&span),
                }
                .map_err(lite_err)
            }));
        }
    }

    /// The next batch, or `None` when the registry has been read. On SQLite the following
    /// batch is already being read on another thread while the caller works on this one.
    pub async fn next(&mut self) -> Result<Option<SweepBatch>, StoreError> {
        if !self.lite.is_empty() {
            self.read_ahead();
            let Some(h) = self.ahead.pop_front() else {
                return Ok(None);
            };
            // The next read starts now (it waits for this one's connection), not when the
            // caller asks again: reading then never stops while batches are evaluated.
            self.read_ahead();
            return Ok(Some(h.await.map_err(|e| lite_join(&e))??));
        }
        let Some((part, span)) = self.next_span() else {
            return Ok(None);
        };
        let backend = self.store.backend();
        let span = match span {
            Span::Ids(ids) if backend == Backend::Postgres => Span::IdsInRange(ids),
            other => other,
        };
        let mut tx = self.store.begin_read().await?;
        let batch = match part {
            Part::Households => read_households(&mut tx, backend, &span).await?,
            Part::Loose => read_loose_persons(&mut tx, backend, &span).await?,
        };
        tx.commit().await?;
        Ok(Some(batch))
    }
}

/// What the sweep would read about one person, inside the caller's transaction (so that a
/// change just made is seen): their household (all members, with their events) or, without
/// one, the person alone.
pub async fn registry_of_person_in(
    tx: &mut Tx,
    backend: Backend,
    person_id: i64,
) -> Result<SweepBatch, StoreError> {
    let household = sqlx::query("SELECT household_id FROM household_members WHERE person_id = $1")
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.int("household_id"))
        .transpose()?;
    match household {
        Some(h) => read_households(tx, backend, &Span::Range(h - 1, h)).await,
        None => read_loose_persons(tx, backend, &Span::Range(person_id - 1, person_id)).await,
    }
}

/// The same for a household.
pub async fn registry_of_household_in(
    tx: &mut Tx,
    backend: Backend,
    household_id: i64,
) -> Result<SweepBatch, StoreError> {
    read_households(tx, backend, &Span::Range(household_id - 1, household_id)).await
}

impl Store {
    /// What the sweep would read about one person (see [`registry_of_person_in`]).
    pub async fn registry_of_person(&self, person_id: i64) -> Result<SweepBatch, StoreError> {
        let mut tx = self.begin_read().await?;
        let batch = registry_of_person_in(&mut tx, self.backend, person_id).await?;
        tx.commit().await?;
        Ok(batch)
    }

    /// Enterprises' regions by id.
    pub async fn enterprise_regions(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query("SELECT id, region FROM enterprises")
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| Ok::<_, StoreError>((r.int("id")?, r.text("region")?)))
            .collect()
    }
}
