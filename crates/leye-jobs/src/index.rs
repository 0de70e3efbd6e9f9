//! The search index over live postings (岗位检索): tantivy with jieba word segmentation, a
//! second field of single characters for recall (车床 in 数控车床操作工 even when segmentation
//! differs), synonyms from `data/jobs/synonyms.toml`, filters, four sort orders, facet counts
//! and typeahead.
//!
//! The database is the truth; the index is rebuilt from it at start and follows the postings'
//! change feed (`postings.seq`), so every server of a PostgreSQL deployment converges and a
//! crash loses nothing.

use crate::JobsError;
use leye_domain::jobs::{Education, distance_km};
use leye_store::PostingRecord;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::sync::{LazyLock, Mutex, RwLock};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{LowerCaser, TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{
    DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader, TantivyDocument,
    Term,
};

/// The most results a search pages through (offset + limit).
pub const MAX_WINDOW: usize = 1000;

// ---------------------------------------------------------------- text

/// Full-width ASCII to half-width, lower case: what users type on a phone keyboard.
pub fn normalise(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// One token per CJK character, ASCII words whole and lower-cased.
#[derive(Clone, Default)]
pub struct CharTokenizer;

/// The tokens of a text, produced at once.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    at: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.at < self.tokens.len() {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.at - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at - 1]
    }
}

/// Split into the character field's tokens.
pub fn char_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in normalise(text).chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if is_cjk(c) {
            out.push(c.to_string());
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

impl Tokenizer for CharTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let tokens = char_tokens(text)
            .into_iter()
            .enumerate()
            .map(|(position, text)| Token {
                offset_from: 0,
                offset_to: 0,
                position,
                text,
                position_length: 1,
            })
            .collect();
        VecTokenStream { tokens, at: 0 }
    }
}

fn jieba_analyzer(search_mode: bool) -> TextAnalyzer {
    TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::with_search_mode(search_mode))
        .filter(LowerCaser)
        .build()
}

/// The words of a query (coarse segmentation), without punctuation.
pub fn query_words(raw: &str) -> Vec<String> {
    static ANALYZER: LazyLock<Mutex<TextAnalyzer>> =
        LazyLock::new(|| Mutex::new(jieba_analyzer(false)));
    let text = normalise(raw);
    let mut out: Vec<String> = Vec::new();
    let Ok(mut a) = ANALYZER.lock() else {
        return char_tokens(&text);
    };
    let mut ts = a.token_stream(&text);
    while ts.advance() {
        let t = ts.token().text.trim().to_string();
        if t.chars().any(|c| c.is_alphanumeric()) && !out.contains(&t) {
            out.push(t);
        }
    }
    out.truncate(12);
    out
}

#[derive(serde::Deserialize)]
struct SynonymFile {
    words: BTreeMap<String, Vec<String>>,
}

/// The synonym table (`data/jobs/synonyms.toml`).
pub fn synonyms() -> &'static BTreeMap<String, Vec<String>> {
    static S: LazyLock<BTreeMap<String, Vec<String>>> = LazyLock::new(|| {
        toml::from_str::<SynonymFile>(include_str!("../../../data/jobs/synonyms.toml"))
            .map(|f| {
                f.words
                    .into_iter()
                    .map(|(k, v)| (normalise(&k), v))
                    .collect()
            })
            .unwrap_or_default()
    });
    &S
}

// ---------------------------------------------------------------- schema

struct Fields {
    id: Field,
    title: Field,
    body: Field,
    chars: Field,
}

/// Text only: tantivy finds and scores words; filters, facets and sorting run over the
/// in-memory rows of [`Live`].
fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let jieba = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("jieba")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let chars = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("chars")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        title: b.add_text_field("title", jieba.clone()),
        body: b.add_text_field("body", jieba),
        chars: b.add_text_field("chars", chars),
    };
    (b.build(), fields)
}

fn day_number(date: &str) -> i64 {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| i64::from(chrono::Datelike::num_days_from_ce(&d)))
        .unwrap_or(0)
}

fn edu_rank(code: &str) -> u64 {
    Education::ALL
        .iter()
        .position(|e| e.code() == code)
        .unwrap_or(0) as u64
}

/// The counties of Huzhou in code order (facet buckets).
fn counties() -> &'static [String] {
    static C: LazyLock<Vec<String>> = LazyLock::new(|| {
        leye_domain::Regions::huzhou()
            .all()
            .filter(|r| r.level == leye_domain::region::RegionLevel::County)
            .map(|r| r.code.clone())
            .collect()
    });
    &C
}

/// A region code as a number of twelve digits (`330502` → 330502000000), so that "inside
/// this region" is a range.
fn region_number(code: &str) -> Option<(u64, u64)> {
    let n: u64 = code.parse().ok()?;
    let len = code.len() as u32;
    if !(2..=12).contains(&len) {
        return None;
    }
    let unit = 10u64.pow(12 - len);
    Some((n * unit, (n + 1) * unit))
}

// ---------------------------------------------------------------- the index

/// What the index needs of a posting beyond its row: the occupation's name.
pub type OccupationNames = HashMap<String, String>;

/// A query as a person asks it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SearchQuery {
    /// Keywords (岗位、技能、企业)
    #[serde(default)]
    pub q: String,
    /// Region code (county, township or village) and everything inside
    #[serde(default)]
    pub region: Option<String>,
    /// Occupation code and its subtree
    #[serde(default)]
    pub occupation: Option<String>,
    /// Monthly pay the posting reaches at least (fen)
    #[serde(default)]
    pub pay_at_least_fen: Option<i64>,
    /// The seeker's education: postings asking for more are left out
    #[serde(default)]
    pub education: Option<String>,
    /// Published on or after (YYYY-MM-DD)
    #[serde(default)]
    pub since: Option<String>,
    /// Only gig work (true) or only regular jobs (false)
    #[serde(default)]
    pub gig: Option<bool>,
    /// Only quality jobs
    #[serde(default)]
    pub quality_only: bool,
    /// A point and a radius (km)
    #[serde(default)]
    pub near: Option<(f64, f64, f64)>,
    #[serde(default)]
    pub sort: Sort,
    #[serde(default)]
    pub offset: usize,
    #[serde(default)]
    pub limit: usize,
    /// Validity is checked against this day (YYYY-MM-DD)
    #[serde(default)]
    pub today: String,
}

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Relevance,
    Distance,
    Pay,
    Newest,
}

impl Sort {
    pub fn from_code(s: &str) -> Sort {
        match s {
            "distance" => Sort::Distance,
            "pay" => Sort::Pay,
            "newest" => Sort::Newest,
            _ => Sort::Relevance,
        }
    }
}

/// One result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub id: i64,
    pub score: f32,
    /// Distance from the query's point, when there is one (km)
    pub distance_km: Option<f64>,
}

/// A page of results with the facet counts of everything that matched.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SearchResult {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Matches per county code
    pub by_county: Vec<(String, usize)>,
    /// Matches per occupation major group (1-8)
    pub by_major: Vec<(String, usize)>,
    pub quality: usize,
    pub gig: usize,
}

/// The in-process search index.
pub struct SearchIndex {
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    /// Last change-feed number applied.
    seq: Mutex<i64>,
    /// Typeahead: suggestion → how many live postings carry it.
    suggest: RwLock<BTreeMap<String, u32>>,
    /// Posting id → its title, to keep `suggest` right on delete.
    titles: RwLock<HashMap<u64, String>>,
    /// The live postings' filter and facet values, one small row each.
    live: RwLock<Live>,
}

impl SearchIndex {
    /// A fresh index in memory.
    pub fn in_ram() -> Result<Self, JobsError> {
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_ram(schema), fields, 50_000_000)
    }

    /// A fresh index in a directory (emptied first), for big indexes.
    pub fn in_dir(dir: &std::path::Path) -> Result<Self, JobsError> {
        let (schema, fields) = schema();
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| JobsError::Index(e.to_string()))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| JobsError::Index(e.to_string()))?;
        let index = Index::create_in_dir(dir, schema).map_err(JobsError::from)?;
        Self::with_index(index, fields, 400_000_000)
    }

    fn with_index(mut index: Index, fields: Fields, heap: usize) -> Result<Self, JobsError> {
        // Segments are searched on every core (a search's latency, not the server's throughput,
        // is what a person waits for).
        index.set_default_multithread_executor()?;
        index.tokenizers().register("jieba", jieba_analyzer(true));
        index
            .tokenizers()
            .register("chars", TextAnalyzer::from(CharTokenizer));
        let writer = index.writer(heap)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            fields,
            reader,
            writer: Mutex::new(writer),
            seq: Mutex::new(0),
            suggest: RwLock::new(BTreeMap::new()),
            titles: RwLock::new(HashMap::new()),
            live: RwLock::new(Live::default()),
        })
    }

    fn document(&self, p: &PostingRecord, names: &OccupationNames) -> TantivyDocument {
        let f = &self.fields;
        let occ_name = names.get(&p.occupation).map_or("", String::as_str);
        let mut d = TantivyDocument::new();
        d.add_u64(f.id, p.id as u64);
        d.add_text(f.title, normalise(&p.title));
        d.add_text(
            f.body,
            normalise(&format!(
                "{} {} {}",
                occ_name, p.enterprise_name, p.description
            )),
        );
        d.add_text(
            f.chars,
            format!("{} {} {}", p.title, occ_name, p.enterprise_name),
        );
        d
    }

    /// The row a live posting keeps in memory for filters, facets and sorting.
    fn slim(p: &PostingRecord) -> Slim {
        Slim {
            region: region_number(&p.region).map_or(0, |r| r.0),
            pay_max: i32::try_from(p.monthly_max_fen).unwrap_or(i32::MAX),
            lat: p.lat as f32,
            lon: p.lon as f32,
            occ: leye_domain::jobs::OccupationCode::parse("occupation", &p.occupation)
                .map_or(0, |c| c.packed()),
            posted: day_number(&p.published_on) as i32,
            until: day_number(&p.valid_until) as i32,
            county: counties()
                .iter()
                .position(|c| p.region.starts_with(c.as_str()))
                .map_or(u8::MAX, |i| i as u8),
            major: p
                .occupation
                .bytes()
                .next()
                .map_or(0, |b| b.saturating_sub(b'0')),
            edu: edu_rank(&p.education) as u8,
            gig: p.gig,
            quality: p.quality,
        }
    }

    fn suggest_add(&self, id: u64, title: &str) {
        if let (Ok(mut s), Ok(mut t)) = (self.suggest.write(), self.titles.write()) {
            if let Some(old) = t.insert(id, title.to_string()) {
                dec(&mut s, &old);
            }
            *s.entry(title.to_string()).or_insert(0) += 1;
        }
    }

    fn suggest_remove(&self, id: u64) {
        if let (Ok(mut s), Ok(mut t)) = (self.suggest.write(), self.titles.write())
            && let Some(old) = t.remove(&id)
        {
            dec(&mut s, &old);
        }
    }

    /// Add, replace or remove postings (closed or expired ones leave), then make it visible.
    pub fn apply(
        &self,
        postings: &[PostingRecord],
        names: &OccupationNames,
        today: &str,
    ) -> Result<(), JobsError> {
        if postings.is_empty() {
            return Ok(());
        }
        let mut w = self
            .writer
            .lock()
            .map_err(|_| JobsError::Index("writer poisoned".into()))?;
        let mut rows = Vec::new();
        for p in postings {
            let id = p.id as u64;
            w.delete_term(Term::from_field_u64(self.fields.id, id));
            if p.is_live(today) {
                w.add_document(self.document(p, names))?;
                self.suggest_add(id, &p.title);
                rows.push((id, Some(Self::slim(p))));
            } else {
                self.suggest_remove(id);
                rows.push((id, None));
            }
        }
        w.commit()?;
        drop(w);
        self.reader.reload()?;
        let mut live = self
            .live
            .write()
            .map_err(|_| JobsError::Index("live rows poisoned".into()))?;
        for (id, row) in rows {
            live.remove(id);
            if let Some(r) = row {
                live.put(id, r);
            }
        }
        if let Ok(mut s) = self.seq.lock() {
            *s = (*s).max(postings.iter().map(|p| p.seq).max().unwrap_or(0));
        }
        Ok(())
    }

    /// Load occupation names into typeahead (once, at start).
    pub fn add_suggestions(&self, words: impl IntoIterator<Item = String>) {
        if let Ok(mut s) = self.suggest.write() {
            for w in words {
                s.entry(w).or_insert(0);
            }
        }
    }

    /// The last change-feed number applied.
    pub fn seq(&self) -> i64 {
        self.seq.lock().map_or(0, |s| *s)
    }

    /// Documents in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Up to `n` suggestions containing what was typed, those that start with it first.
    pub fn typeahead(&self, typed: &str, n: usize) -> Vec<String> {
        let t = normalise(typed.trim());
        if t.is_empty() {
            return Vec::new();
        }
        let Ok(s) = self.suggest.read() else {
            return Vec::new();
        };
        let mut found: Vec<(bool, u32, &String)> = s
            .iter()
            .filter(|(k, _)| normalise(k).contains(&t))
            .map(|(k, c)| (!normalise(k).starts_with(&t), u32::MAX - c, k))
            .collect();
        found.sort();
        found
            .into_iter()
            .take(n)
            .map(|(_, _, k)| k.clone())
            .collect()
    }

    fn word_query(&self, word: &str) -> Box<dyn Query> {
        let f = &self.fields;
        let mut should: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.title, word),
                        IndexRecordOption::WithFreqs,
                    )),
                    3.0,
                )),
            ),
            (
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.body, word),
                    IndexRecordOption::WithFreqs,
                )),
            ),
        ];
        let mut phrases = vec![word.to_string()];
        if let Some(more) = synonyms().get(word) {
            phrases.extend(more.iter().cloned());
        }
        for p in phrases {
            let chars: Vec<Term> = char_tokens(&p)
                .iter()
                .map(|c| Term::from_field_text(f.chars, c))
                .collect();
            let q: Box<dyn Query> = match chars.len() {
                0 => continue,
                1 => Box::new(TermQuery::new(
                    chars[0].clone(),
                    IndexRecordOption::WithFreqs,
                )),
                _ => Box::new(PhraseQuery::new(chars)),
            };
            should.push((Occur::Should, Box::new(BoostQuery::new(q, 2.0))));
        }
        Box::new(BooleanQuery::new(should))
    }

    /// Every word must match (title, body, the phrase of its characters or a synonym).
    fn build_query(&self, words: &[String]) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            words
                .iter()
                .map(|w| (Occur::Must, self.word_query(w)))
                .collect(),
        ))
    }

    /// Run a query. Without keywords every live row is scanned in memory; with keywords
    /// tantivy finds and scores the matching postings and their rows are filtered. Either way
    /// one pass gives the page, the total and the facet counts.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResult, JobsError> {
        let limit = q.limit.clamp(1, 100);
        let offset = q.offset.min(MAX_WINDOW.saturating_sub(limit));
        let sort = if q.near.is_none() && q.sort == Sort::Distance {
            Sort::Relevance
        } else {
            q.sort
        };
        let filter = Filter::of(q);
        let words = query_words(&q.q);
        let live = self
            .live
            .read()
            .map_err(|_| JobsError::Index("live rows poisoned".into()))?;
        let tally = if words.is_empty() {
            Tally::over(live.rows.len(), offset + limit, sort, |k, t| {
                // Newest rows first: with equal keys the newer wins, so the heap rarely changes.
                let k = live.rows.len() - 1 - k;
                if let Some(d) = filter.keeps(&live.rows[k]) {
                    t.take(&live.rows[k], live.ids[k], 0.0, d);
                }
            })
        } else {
            let query = self.build_query(&words);
            let matched = self.reader.searcher().search(
                &*query,
                &Matches {
                    scoring: sort == Sort::Relevance,
                },
            )?;
            Tally::over(matched.len(), offset + limit, sort, |k, t| {
                let (id, score) = matched[k];
                if let Some(r) = live.get(id)
                    && let Some(d) = filter.keeps(r)
                {
                    t.take(r, id, score, d);
                }
            })
        };
        drop(live);
        Ok(tally.result(offset, limit))
    }

    /// The ids of every indexed posting (for checks).
    pub fn ids(&self) -> Result<Vec<i64>, JobsError> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for seg in searcher.segment_readers() {
            let store = seg
                .get_store_reader(1)
                .map_err(|e| JobsError::Index(e.to_string()))?;
            for doc in seg.doc_ids_alive() {
                let d: TantivyDocument = store.get(doc)?;
                if let Some(v) = d.get_first(self.fields.id).and_then(|v| v.as_u64()) {
                    out.push(v as i64);
                }
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// Bytes of the index on disk or in memory (segment files).
    pub fn size_bytes(&self) -> u64 {
        self.reader
            .searcher()
            .space_usage()
            .map(|u| u.total().get_bytes())
            .unwrap_or(0)
    }
}

fn dec(s: &mut BTreeMap<String, u32>, k: &str) {
    if let Some(c) = s.get_mut(k) {
        *c = c.saturating_sub(1);
        if *c == 0 {
            s.remove(k);
        }
    }
}

// ---------------------------------------------------------------- live rows and the page

/// A live posting's values for filters, facets and sorting, in 40 bytes (its id is kept
/// beside it, in [`Live::ids`]): a search without
/// keywords reads every row, so the row's size is the search's speed.
#[derive(Debug, Clone, Copy)]
struct Slim {
    /// Twelve-digit region number (see [`region_number`])
    region: u64,
    /// Monthly pay reached, fen (capped at `i32::MAX`, over 21 million yuan)
    pay_max: i32,
    /// Single precision: about a metre at Huzhou's longitude
    lat: f32,
    lon: f32,
    /// Packed occupation code ([`leye_domain::jobs::OccupationCode::packed`])
    occ: u32,
    /// Days from the common era
    posted: i32,
    until: i32,
    /// Position in [`counties`], `u8::MAX` outside them
    county: u8,
    major: u8,
    edu: u8,
    gig: bool,
    quality: bool,
}

/// The rows of the live postings, and each row's position by posting id. Ids come from a
/// database sequence, so a vector indexed by id is small and one memory read per lookup;
/// ids beyond [`DENSE_IDS`] (not expected) go to a map.
#[derive(Default)]
struct Live {
    rows: Vec<Slim>,
    /// The posting id of each row
    ids: Vec<u64>,
    at: Vec<u32>,
    far: HashMap<u64, u32>,
}

const ABSENT: u32 = u32::MAX;
const DENSE_IDS: u64 = 1 << 26;

impl Live {
    fn slot(&mut self, id: u64) -> &mut u32 {
        if id < DENSE_IDS {
            let i = id as usize;
            if i >= self.at.len() {
                self.at.resize(i + 1, ABSENT);
            }
            &mut self.at[i]
        } else {
            self.far.entry(id).or_insert(ABSENT)
        }
    }

    fn position(&self, id: u64) -> Option<usize> {
        let k = if id < DENSE_IDS {
            *self.at.get(id as usize)?
        } else {
            *self.far.get(&id)?
        };
        (k != ABSENT).then_some(k as usize)
    }

    fn get(&self, id: u64) -> Option<&Slim> {
        self.rows.get(self.position(id)?)
    }

    fn put(&mut self, id: u64, r: Slim) {
        let k = self.rows.len() as u32;
        *self.slot(id) = k;
        self.rows.push(r);
        self.ids.push(id);
    }

    fn remove(&mut self, id: u64) {
        let Some(k) = self.position(id) else { return };
        *self.slot(id) = ABSENT;
        self.rows.swap_remove(k);
        self.ids.swap_remove(k);
        if let Some(moved) = self.ids.get(k).copied() {
            *self.slot(moved) = k as u32;
        }
    }
}

/// A point and radius (km), with the box around the circle: latitude and longitude ranges.
type Near = (f64, f64, f64, (f64, f64), (f64, f64));

/// A query's filters as numbers, checked against a row.
struct Filter {
    today: i32,
    region: Option<(u64, u64)>,
    /// Packed code and how many levels it has
    occ: Option<(u32, usize)>,
    pay: Option<i64>,
    edu: Option<u8>,
    since: Option<i32>,
    gig: Option<bool>,
    quality: bool,
    near: Option<Near>,
}

impl Filter {
    fn of(q: &SearchQuery) -> Filter {
        let day = |s: &str| day_number(s) as i32;
        Filter {
            today: if q.today.is_empty() {
                i32::MIN
            } else {
                day(&q.today)
            },
            // The whole city is no filter; an unknown code matches nothing.
            region: q
                .region
                .as_deref()
                .filter(|r| !r.is_empty() && *r != "330500")
                .map(|r| region_number(r).unwrap_or((0, 0))),
            occ: q.occupation.as_deref().filter(|o| !o.is_empty()).map(|o| {
                match leye_domain::jobs::OccupationCode::parse("occupation", o) {
                    Ok(c) => (c.packed(), c.path().len()),
                    Err(_) => (0, 5),
                }
            }),
            pay: q.pay_at_least_fen,
            edu: q
                .education
                .as_deref()
                .filter(|e| !e.is_empty())
                .map(|e| edu_rank(e) as u8),
            since: q.since.as_deref().filter(|s| !s.is_empty()).map(day),
            gig: q.gig,
            quality: q.quality_only,
            near: q.near.map(|(lat, lon, km)| {
                let dlat = km / 111.0;
                let dlon = km / (111.0 * lat.to_radians().cos().max(0.1));
                (
                    lat,
                    lon,
                    km,
                    (lat - dlat, lat + dlat),
                    (lon - dlon, lon + dlon),
                )
            }),
        }
    }

    /// `None` when the row is filtered out; else its distance from the query's point, if any.
    #[inline]
    fn keeps(&self, r: &Slim) -> Option<Option<f64>> {
        if r.until < self.today
            || self
                .region
                .is_some_and(|(lo, hi)| r.region < lo || r.region >= hi)
            || self.pay.is_some_and(|p| i64::from(r.pay_max) < p)
            || self.edu.is_some_and(|e| r.edu > e)
            || self.since.is_some_and(|s| r.posted < s)
            || self.gig.is_some_and(|g| r.gig != g)
            || (self.quality && !r.quality)
            || self.occ.is_some_and(|(code, levels)| {
                leye_domain::jobs::OccupationCode::shared_packed(r.occ, code) < levels
            })
        {
            return None;
        }
        match self.near {
            None => Some(None),
            Some((lat, lon, km, (la0, la1), (lo0, lo1))) => {
                let (rlat, rlon) = (f64::from(r.lat), f64::from(r.lon));
                if rlat < la0 || rlat > la1 || rlon < lo0 || rlon > lo1 {
                    return None;
                }
                let d = distance_km(lat, lon, rlat, rlon);
                (d <= km).then_some(Some(d))
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    key: f64,
    id: u64,
    score: f32,
    distance: Option<f64>,
}

impl PartialEq for Candidate {
    fn eq(&self, o: &Self) -> bool {
        self.key == o.key && self.id == o.id
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Candidate {
    /// Greater = better: higher key, then the newer (higher) id.
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.key.total_cmp(&o.key).then(self.id.cmp(&o.id))
    }
}

/// Runs this long are split across the cores.
const PARALLEL_FROM: usize = 50_000;

const _: () = assert!(std::mem::size_of::<Slim>() <= 40);

/// Facet buckets: counties by their position in [`counties`], major groups 1-8.
const BUCKETS: usize = 16;

/// The page being collected: the best `keep` so far, the total and the facet counts.
struct Tally {
    keep: usize,
    sort: Sort,
    heap: BinaryHeap<std::cmp::Reverse<Candidate>>,
    total: usize,
    county: [usize; BUCKETS],
    major: [usize; BUCKETS],
    quality: usize,
    gig: usize,
}

impl Tally {
    fn new(keep: usize, sort: Sort) -> Tally {
        Tally {
            keep,
            sort,
            heap: BinaryHeap::with_capacity(keep + 1),
            total: 0,
            county: [0; BUCKETS],
            major: [0; BUCKETS],
            quality: 0,
            gig: 0,
        }
    }

    #[inline]
    fn take(&mut self, r: &Slim, id: u64, score: f32, distance: Option<f64>) {
        self.total += 1;
        if let Some(n) = self.county.get_mut(usize::from(r.county)) {
            *n += 1;
        }
        if let Some(n) = self.major.get_mut(usize::from(r.major)) {
            *n += 1;
        }
        self.quality += usize::from(r.quality);
        self.gig += usize::from(r.gig);
        let key = match self.sort {
            Sort::Relevance => f64::from(score),
            Sort::Distance => -distance.unwrap_or(0.0),
            Sort::Pay => f64::from(r.pay_max),
            Sort::Newest => f64::from(r.posted),
        };
        let cand = Candidate {
            key,
            id,
            score,
            distance,
        };
        if self.heap.len() < self.keep {
            self.heap.push(std::cmp::Reverse(cand));
        } else if self.heap.peek().is_some_and(|w| cand > w.0) {
            self.heap.pop();
            self.heap.push(std::cmp::Reverse(cand));
        }
    }

    /// Run `visit` over `0..n` into one tally; big runs are split across the cores, each part
    /// with its own tally, then merged.
    fn over(n: usize, keep: usize, sort: Sort, visit: impl Fn(usize, &mut Tally) + Sync) -> Tally {
        let threads = if n >= PARALLEL_FROM {
            std::thread::available_parallelism().map_or(1, |t| t.get().min(8))
        } else {
            1
        };
        if threads == 1 {
            let mut t = Tally::new(keep, sort);
            (0..n).for_each(|k| visit(k, &mut t));
            return t;
        }
        let chunk = n.div_ceil(threads);
        let visit = &visit;
        std::thread::scope(|scope| {
            let parts: Vec<_> = (0..threads)
                .map(|i| {
                    scope.spawn(move || {
                        let mut t = Tally::new(keep, sort);
                        (i * chunk..((i + 1) * chunk).min(n)).for_each(|k| visit(k, &mut t));
                        t
                    })
                })
                .collect();
            let mut all = Tally::new(keep, sort);
            for p in parts {
                if let Ok(t) = p.join() {
                    all.merge(t);
                }
            }
            all
        })
    }

    fn merge(&mut self, o: Tally) {
        self.total += o.total;
        self.quality += o.quality;
        self.gig += o.gig;
        for k in 0..BUCKETS {
            self.county[k] += o.county[k];
            self.major[k] += o.major[k];
        }
        for c in o.heap {
            if self.heap.len() < self.keep {
                self.heap.push(c);
            } else if self.heap.peek().is_some_and(|w| c.0 > w.0) {
                self.heap.pop();
                self.heap.push(c);
            }
        }
    }

    fn result(self, offset: usize, limit: usize) -> SearchResult {
        let mut top: Vec<Candidate> = self.heap.into_iter().map(|r| r.0).collect();
        top.sort_by(|a, b| b.cmp(a));
        let mut by_county: Vec<(String, usize)> = self
            .county
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .filter_map(|(k, n)| counties().get(k).map(|c| (c.clone(), *n)))
            .collect();
        by_county.sort();
        SearchResult {
            total: self.total,
            hits: top
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(|c| Hit {
                    id: c.id as i64,
                    score: c.score,
                    distance_km: c.distance,
                })
                .collect(),
            by_county,
            by_major: self
                .major
                .iter()
                .enumerate()
                .filter(|(k, n)| *k > 0 && **n > 0)
                .map(|(k, n)| (k.to_string(), *n))
                .collect(),
            quality: self.quality,
            gig: self.gig,
        }
    }
}

/// Collects (posting id, score) of every document a keyword query matches.
struct Matches {
    scoring: bool,
}

struct SegmentMatches {
    id: std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    out: Vec<(u64, f32)>,
}

impl Collector for Matches {
    type Fruit = Vec<(u64, f32)>;
    type Child = SegmentMatches;

    fn for_segment(&self, _ord: u32, seg: &SegmentReader) -> tantivy::Result<SegmentMatches> {
        let col = seg.fast_fields().u64("id")?;
        // Every document has an id, so the dense values are read directly.
        let id = match col.index {
            tantivy::columnar::ColumnIndex::Full => col.values,
            _ => col.first_or_default_col(0),
        };
        Ok(SegmentMatches {
            id,
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u64, f32)>>) -> tantivy::Result<Vec<(u64, f32)>> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<(u64, f32)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.out.push((self.id.get_val(doc), score));
    }

    fn harvest(self) -> Vec<(u64, f32)> {
        self.out
    }
}
