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
use std::ops::Bound;
use std::sync::{LazyLock, Mutex, RwLock};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, Schema,
    TextFieldIndexing, TextOptions, Value,
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
    occ: Field,
    region: Field,
    major: Field,
    county: Field,
    pay_min: Field,
    pay_max: Field,
    edu: Field,
    posted: Field,
    until: Field,
    lat: Field,
    lon: Field,
    gig: Field,
    quality: Field,
}

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
        occ: b.add_facet_field("occ", FacetOptions::default()),
        region: b.add_facet_field("region", FacetOptions::default()),
        major: b.add_u64_field("major", FAST),
        county: b.add_u64_field("county", FAST),
        pay_min: b.add_i64_field("pay_min", INDEXED | FAST),
        pay_max: b.add_i64_field("pay_max", INDEXED | FAST),
        edu: b.add_u64_field("edu", INDEXED | FAST),
        posted: b.add_i64_field("posted", INDEXED | FAST),
        until: b.add_i64_field("until", INDEXED | FAST),
        lat: b.add_f64_field("lat", INDEXED | FAST),
        lon: b.add_f64_field("lon", INDEXED | FAST),
        gig: b.add_u64_field("gig", INDEXED | FAST),
        quality: b.add_u64_field("quality", INDEXED | FAST),
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

fn region_facet(code: &str) -> Facet {
    let mut parts = Vec::new();
    for len in [6, 9, 12] {
        if code.len() >= len {
            parts.push(&code[..len]);
        }
    }
    Facet::from_path(parts)
}

fn occ_facet(code: &str) -> Facet {
    let c = leye_domain::jobs::OccupationCode::parse("occupation", code);
    match c {
        Ok(c) => Facet::from_path(c.path()),
        Err(_) => Facet::from_path([code]),
    }
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

    fn with_index(index: Index, fields: Fields, heap: usize) -> Result<Self, JobsError> {
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
        d.add_facet(f.occ, occ_facet(&p.occupation));
        d.add_facet(f.region, region_facet(&p.region));
        d.add_u64(
            f.major,
            p.occupation
                .bytes()
                .next()
                .map_or(0, |b| u64::from(b - b'0')),
        );
        d.add_u64(
            f.county,
            counties()
                .iter()
                .position(|c| p.region.starts_with(c.as_str()))
                .map_or(u64::MAX, |i| i as u64),
        );
        d.add_i64(f.pay_min, p.monthly_min_fen);
        d.add_i64(f.pay_max, p.monthly_max_fen);
        d.add_u64(f.edu, edu_rank(&p.education));
        d.add_i64(f.posted, day_number(&p.published_on));
        d.add_i64(f.until, day_number(&p.valid_until));
        d.add_f64(f.lat, p.lat);
        d.add_f64(f.lon, p.lon);
        d.add_u64(f.gig, u64::from(p.gig));
        d.add_u64(f.quality, u64::from(p.quality));
        d
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
        for p in postings {
            let id = p.id as u64;
            w.delete_term(Term::from_field_u64(self.fields.id, id));
            if p.is_live(today) {
                w.add_document(self.document(p, names))?;
                self.suggest_add(id, &p.title);
            } else {
                self.suggest_remove(id);
            }
        }
        w.commit()?;
        drop(w);
        self.reader.reload()?;
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

    fn build_query(&self, q: &SearchQuery) -> Box<dyn Query> {
        let f = &self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for w in query_words(&q.q) {
            must.push((Occur::Must, self.word_query(&w)));
        }
        let range_i64 = |field: Field, lo: Bound<i64>, hi: Bound<i64>| -> Box<dyn Query> {
            Box::new(RangeQuery::new(
                lo.map(|v| Term::from_field_i64(field, v)),
                hi.map(|v| Term::from_field_i64(field, v)),
            ))
        };
        let range_f64 = |field: Field, lo: f64, hi: f64| -> Box<dyn Query> {
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_f64(field, lo)),
                Bound::Included(Term::from_field_f64(field, hi)),
            ))
        };
        let exact_u64 = |field: Field, v: u64| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_u64(field, v),
                IndexRecordOption::Basic,
            ))
        };
        if !q.today.is_empty() {
            must.push((
                Occur::Must,
                range_i64(
                    f.until,
                    Bound::Included(day_number(&q.today)),
                    Bound::Unbounded,
                ),
            ));
        }
        if let Some(r) = q
            .region
            .as_deref()
            .filter(|r| !r.is_empty() && *r != "330500")
        {
            must.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_facet(f.region, &region_facet(r)),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(o) = q.occupation.as_deref().filter(|o| !o.is_empty()) {
            must.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_facet(f.occ, &occ_facet(o)),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(p) = q.pay_at_least_fen {
            must.push((
                Occur::Must,
                range_i64(f.pay_max, Bound::Included(p), Bound::Unbounded),
            ));
        }
        if let Some(e) = q.education.as_deref().filter(|e| !e.is_empty()) {
            must.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_u64(f.edu, 0)),
                    Bound::Included(Term::from_field_u64(f.edu, edu_rank(e))),
                )),
            ));
        }
        if let Some(s) = q.since.as_deref().filter(|s| !s.is_empty()) {
            must.push((
                Occur::Must,
                range_i64(f.posted, Bound::Included(day_number(s)), Bound::Unbounded),
            ));
        }
        if let Some(g) = q.gig {
            must.push((Occur::Must, exact_u64(f.gig, u64::from(g))));
        }
        if q.quality_only {
            must.push((Occur::Must, exact_u64(f.quality, 1)));
        }
        if let Some((lat, lon, km)) = q.near {
            // A box around the circle; the collector keeps what is inside the circle.
            let dlat = km / 111.0;
            let dlon = km / (111.0 * lat.to_radians().cos().max(0.1));
            must.push((Occur::Must, range_f64(f.lat, lat - dlat, lat + dlat)));
            must.push((Occur::Must, range_f64(f.lon, lon - dlon, lon + dlon)));
        }
        if must.is_empty() {
            return Box::new(tantivy::query::AllQuery);
        }
        Box::new(BooleanQuery::new(must))
    }

    /// Run a query: one pass collects the page, the total and the facet counts.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResult, JobsError> {
        let limit = q.limit.clamp(1, 100);
        let offset = q.offset.min(MAX_WINDOW.saturating_sub(limit));
        let query = self.build_query(q);
        let searcher = self.reader.searcher();
        let collector = PageCollector {
            keep: offset + limit,
            sort: if q.near.is_none() && q.sort == Sort::Distance {
                Sort::Relevance
            } else {
                q.sort
            },
            near: q.near,
        };
        let fruit = searcher.search(&*query, &collector)?;
        let mut by_county: Vec<(String, usize)> = fruit
            .county
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .filter_map(|(k, n)| counties().get(k).map(|c| (c.clone(), *n)))
            .collect();
        by_county.sort();
        let by_major: Vec<(String, usize)> = fruit
            .major
            .iter()
            .enumerate()
            .filter(|(k, n)| *k > 0 && **n > 0)
            .map(|(k, n)| (k.to_string(), *n))
            .collect();
        let hits = fruit
            .top
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|c| Hit {
                id: c.id as i64,
                score: c.score,
                distance_km: c.distance,
            })
            .collect();
        Ok(SearchResult {
            total: fruit.total,
            hits,
            by_county,
            by_major,
            quality: fruit.quality,
            gig: fruit.gig,
        })
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

// ---------------------------------------------------------------- the collector

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

struct PageCollector {
    keep: usize,
    sort: Sort,
    near: Option<(f64, f64, f64)>,
}

/// Facet buckets: counties by their position in [`counties`], major groups 1-8.
const BUCKETS: usize = 16;

#[derive(Default)]
struct PageFruit {
    total: usize,
    top: Vec<Candidate>,
    county: [usize; BUCKETS],
    major: [usize; BUCKETS],
    quality: usize,
    gig: usize,
}

struct PageSegment {
    keep: usize,
    sort: Sort,
    near: Option<(f64, f64, f64)>,
    cols: Cols,
    heap: BinaryHeap<std::cmp::Reverse<Candidate>>,
    fruit: PageFruit,
}

/// Every document has every field, so the dense value arrays are read directly (much faster
/// than the optional-column lookup per document).
type Dense<T> = std::sync::Arc<dyn tantivy::columnar::ColumnValues<T>>;

fn dense<T>(col: tantivy::columnar::Column<T>, default: T) -> Dense<T>
where
    T: PartialOrd + Copy + std::fmt::Debug + Send + Sync + 'static,
{
    match col.index {
        tantivy::columnar::ColumnIndex::Full => col.values,
        _ => col.first_or_default_col(default),
    }
}

struct Cols {
    id: Dense<u64>,
    county: Dense<u64>,
    major: Dense<u64>,
    quality: Dense<u64>,
    gig: Dense<u64>,
    pay_max: Dense<i64>,
    posted: Dense<i64>,
    lat: Dense<f64>,
    lon: Dense<f64>,
}

impl Collector for PageCollector {
    type Fruit = PageFruit;
    type Child = PageSegment;

    fn for_segment(&self, _ord: u32, seg: &SegmentReader) -> tantivy::Result<PageSegment> {
        let ff = seg.fast_fields();
        Ok(PageSegment {
            keep: self.keep,
            sort: self.sort,
            near: self.near,
            cols: Cols {
                id: dense(ff.u64("id")?, 0),
                county: dense(ff.u64("county")?, u64::MAX),
                major: dense(ff.u64("major")?, 0),
                quality: dense(ff.u64("quality")?, 0),
                gig: dense(ff.u64("gig")?, 0),
                pay_max: dense(ff.i64("pay_max")?, 0),
                posted: dense(ff.i64("posted")?, 0),
                lat: dense(ff.f64("lat")?, 0.0),
                lon: dense(ff.f64("lon")?, 0.0),
            },
            heap: BinaryHeap::new(),
            fruit: PageFruit::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<PageFruit>) -> tantivy::Result<PageFruit> {
        let mut out = PageFruit::default();
        for f in fruits {
            out.total += f.total;
            out.quality += f.quality;
            out.gig += f.gig;
            for k in 0..BUCKETS {
                out.county[k] += f.county[k];
                out.major[k] += f.major[k];
            }
            out.top.extend(f.top);
        }
        out.top.sort_by(|a, b| b.cmp(a));
        out.top.truncate(self.keep);
        Ok(out)
    }
}

impl SegmentCollector for PageSegment {
    type Fruit = PageFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        let c = &self.cols;
        let distance = match self.near {
            Some((lat, lon, km)) => {
                let d = distance_km(lat, lon, c.lat.get_val(doc), c.lon.get_val(doc));
                if d > km {
                    return;
                }
                Some(d)
            }
            None => None,
        };
        let f = &mut self.fruit;
        f.total += 1;
        if let Some(n) = f.county.get_mut(c.county.get_val(doc) as usize) {
            *n += 1;
        }
        if let Some(n) = f.major.get_mut(c.major.get_val(doc) as usize) {
            *n += 1;
        }
        f.quality += c.quality.get_val(doc) as usize;
        f.gig += c.gig.get_val(doc) as usize;
        let key = match self.sort {
            Sort::Relevance => f64::from(score),
            Sort::Distance => -distance.unwrap_or(0.0),
            Sort::Pay => c.pay_max.get_val(doc) as f64,
            Sort::Newest => c.posted.get_val(doc) as f64,
        };
        let cand = Candidate {
            key,
            id: c.id.get_val(doc),
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

    fn harvest(mut self) -> PageFruit {
        self.fruit.top = self.heap.into_iter().map(|r| r.0).collect();
        self.fruit
    }
}
