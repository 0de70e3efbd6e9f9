//! The search index over live postings (岗位检索): tantivy with jieba word segmentation, a
//! field of character pairs for recall (车床 in 数控车床操作工 even when segmentation differs),
//! synonyms from `data/jobs/synonyms.toml`, filters, four sort orders, facet counts and
//! typeahead.
//!
//! Each posting's filter, facet and sort values (region, pay, place, occupation, dates, flags)
//! are stored with its document as four numeric columns and decoded once per segment into an
//! array indexed by document number, so one pass in document order filters, counts and ranks
//! the matches of a query on every core.
//!
//! The database is the truth; the index is rebuilt from it at start and follows the postings'
//! change feed (`postings.seq`), so every server of a PostgreSQL deployment converges and a
//! crash loses nothing.

use crate::JobsError;
use leye_domain::jobs::Education;
use leye_store::PostingRecord;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::sync::{Arc, LazyLock, Mutex, RwLock};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::AliveBitSet;
use tantivy::index::SegmentId;
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

impl VecTokenStream {
    fn of(tokens: impl IntoIterator<Item = (usize, String)>) -> VecTokenStream {
        let tokens = tokens
            .into_iter()
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

impl Tokenizer for CharTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::of(char_tokens(text).into_iter().enumerate())
    }
}

/// Character pairs (双字): each CJK character with the next one when that is CJK too, at the
/// first one's position; ASCII words whole; a CJK character with no CJK neighbour alone. A
/// word of n characters is then a phrase of n-1 pairs, whose posting lists are short (车床 is
/// one term), where a phrase over single characters intersects long lists (车, 床).
pub fn bigram_tokens(text: &str) -> Vec<(usize, String)> {
    let chars = char_tokens(text);
    let cjk = |k: usize| {
        chars
            .get(k)
            .is_some_and(|t| t.chars().next().is_some_and(is_cjk))
    };
    let mut out = Vec::with_capacity(chars.len());
    for (k, t) in chars.iter().enumerate() {
        if !cjk(k) {
            out.push((k, t.clone()));
        } else if cjk(k + 1) {
            out.push((k, format!("{t}{}", chars[k + 1])));
        } else if k == 0 || !cjk(k - 1) {
            out.push((k, t.clone()));
        }
    }
    out
}

/// What the pair field indexes: the pairs of [`bigram_tokens`] and, at the same position
/// as its first pair, every run of three CJK characters (三字). A three-character word (服务员,
/// 配送员) is then one term instead of a phrase of two pairs (the phrase checked the positions
/// of every posting holding both pairs, a fifth of the slowest searches' time in perf), and a
/// longer one a phrase of runs of three, whose posting lists are shorter than its pairs'.
pub fn pair_field_tokens(text: &str) -> Vec<(usize, String)> {
    let mut out = bigram_tokens(text);
    let chars = char_tokens(text);
    let cjk = |k: usize| {
        chars
            .get(k)
            .is_some_and(|t| t.chars().next().is_some_and(is_cjk))
    };
    for k in 0..chars.len() {
        if cjk(k) && cjk(k + 1) && cjk(k + 2) {
            out.push((k, format!("{}{}{}", chars[k], chars[k + 1], chars[k + 2])));
        }
    }
    out.sort_by_key(|t| t.0);
    out
}

/// A word of three or more CJK characters as the runs of three the pair field holds
/// ([`pair_field_tokens`]), each at its offset: one term for three characters, a phrase of
/// rarer terms than its pairs for more.
fn triples(word: &str) -> Option<Vec<(usize, String)>> {
    let chars = char_tokens(word);
    (chars.len() >= 3 && chars.iter().all(|t| t.chars().next().is_some_and(is_cjk))).then(|| {
        chars
            .windows(3)
            .enumerate()
            .map(|(k, w)| (k, w.concat()))
            .collect()
    })
}

/// The tokenizer of the pair field ([`pair_field_tokens`]).
#[derive(Clone, Default)]
pub struct BigramTokenizer;

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::of(pair_field_tokens(text))
    }
}

fn jieba_analyzer(search_mode: bool) -> TextAnalyzer {
    TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::with_search_mode(search_mode))
        .filter(LowerCaser)
        .build()
}

/// The words of a query (coarse segmentation), without punctuation. A single character that
/// jieba cuts off the word it follows (工 in 叉车工, 员 in 快递员) stays with that word: alone
/// it would be a word every other posting has, which neither narrows nor ranks.
pub fn query_words(raw: &str) -> Vec<String> {
    static ANALYZER: LazyLock<Mutex<TextAnalyzer>> =
        LazyLock::new(|| Mutex::new(jieba_analyzer(false)));
    let text = normalise(raw);
    let mut out: Vec<String> = Vec::new();
    let Ok(mut a) = ANALYZER.lock() else {
        return char_tokens(&text);
    };
    let mut ts = a.token_stream(&text);
    // Where the last word kept ends in the text, when it is Chinese.
    let mut last_cjk_end = None;
    while ts.advance() {
        let token = ts.token();
        let t = token.text.trim().to_string();
        if !t.chars().any(|c| c.is_alphanumeric()) {
            last_cjk_end = None;
            continue;
        }
        let single = t.chars().count() == 1 && t.chars().all(is_cjk);
        if single
            && last_cjk_end == Some(token.offset_from)
            && let Some(prev) = out.last_mut()
        {
            prev.push_str(&t);
        } else if !out.contains(&t) {
            out.push(t.clone());
        } else {
            last_cjk_end = None;
            continue;
        }
        last_cjk_end = t.chars().all(is_cjk).then_some(token.offset_to);
    }
    out.truncate(12);
    out
}

/// The synonyms of a query word; a word that took a character ([`query_words`]: 叉车工) has
/// those of the word it was (叉车) when it has none of its own.
fn synonyms_of(word: &str) -> Option<&'static Vec<String>> {
    synonyms().get(word).or_else(|| {
        let mut base: Vec<char> = word.chars().collect();
        (base.len() >= 3 && base.last().is_some_and(|c| is_cjk(*c))).then_some(())?;
        base.pop();
        synonyms().get(&base.into_iter().collect::<String>())
    })
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
    /// Single characters, for one-character words (no positions)
    chars: Field,
    /// Character pairs, for words segmented differently in the posting (with positions)
    pairs: Field,
    /// A posting's [`Slim`] row, packed ([`Slim::pack`])
    row: [Field; 4],
}

/// The row columns' names.
const ROW: [&str; 4] = ["r0", "r1", "r2", "r3"];

/// The text fields tantivy finds and scores words in, and the row columns filters, facets and
/// sorting read ([`SegRows`]).
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
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let pairs = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("pairs")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        title: b.add_text_field("title", jieba.clone()),
        body: b.add_text_field("body", jieba),
        chars: b.add_text_field("chars", chars),
        pairs: b.add_text_field("pairs", pairs),
        row: ROW.map(|name| b.add_u64_field(name, FAST)),
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
    /// Live posting id → its record as last applied: search results are shown from here
    /// (no database read per search), and `suggest` is kept right on delete by its title.
    records: RwLock<HashMap<u64, Arc<PostingRecord>>>,
    /// Each segment's rows by document number, decoded once from the row columns.
    segs: RwLock<HashMap<SegmentId, Arc<SegRows>>>,
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
        index
            .tokenizers()
            .register("pairs", TextAnalyzer::from(BigramTokenizer));
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
            records: RwLock::new(HashMap::new()),
            segs: RwLock::new(HashMap::new()),
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
        let chars = format!("{} {} {}", p.title, occ_name, p.enterprise_name);
        d.add_text(f.chars, &chars);
        d.add_text(f.pairs, chars);
        for (field, value) in f.row.iter().zip(Self::slim(p).pack()) {
            d.add_u64(*field, value);
        }
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
                .map_or(NO_COUNTY, |i| i as u8),
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

    /// Keep a live posting's record and count its title for typeahead.
    fn record_add(&self, p: &PostingRecord) {
        if let (Ok(mut s), Ok(mut t)) = (self.suggest.write(), self.records.write()) {
            if let Some(old) = t.insert(p.id as u64, Arc::new(p.clone())) {
                dec(&mut s, &old.title);
            }
            *s.entry(p.title.clone()).or_insert(0) += 1;
        }
    }

    fn record_remove(&self, id: u64) {
        if let (Ok(mut s), Ok(mut t)) = (self.suggest.write(), self.records.write())
            && let Some(old) = t.remove(&id)
        {
            dec(&mut s, &old.title);
        }
    }

    /// The records of these live postings as last applied, in the order asked (postings no
    /// longer live are left out).
    pub fn records(&self, ids: &[i64]) -> Vec<Arc<PostingRecord>> {
        let Ok(t) = self.records.read() else {
            return Vec::new();
        };
        ids.iter()
            .filter_map(|id| u64::try_from(*id).ok().and_then(|id| t.get(&id)).cloned())
            .collect()
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
                self.record_add(p);
            } else {
                self.record_remove(id);
            }
        }
        w.commit()?;
        drop(w);
        self.reader.reload()?;
        self.warm()?;
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

    /// Segments in the index (each searched on its own; merged in the background).
    pub fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
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
        if let Some(more) = synonyms_of(word) {
            // A synonym that holds the word (叉车司机 for 叉车) finds nothing the word does not:
            // its phrase would only cost a position check on every match.
            phrases.extend(
                more.iter()
                    .filter(|m| !normalise(m).contains(word))
                    .cloned(),
            );
        }
        for p in phrases {
            let chars = char_tokens(&p);
            let pairs = bigram_tokens(&p);
            let q: Box<dyn Query> = match (chars.len(), pairs.len()) {
                (0, _) | (_, 0) => continue,
                (3.., _) if let Some(t) = triples(&p) => match &t[..] {
                    [(_, one)] => Box::new(TermQuery::new(
                        Term::from_field_text(f.pairs, one),
                        IndexRecordOption::WithFreqs,
                    )),
                    _ => Box::new(PhraseQuery::new_with_offset(
                        t.iter()
                            .map(|(at, w)| (*at, Term::from_field_text(f.pairs, w)))
                            .collect(),
                    )),
                },
                // One character: a posting has it as a pair only with its neighbour.
                (1, _) => Box::new(TermQuery::new(
                    Term::from_field_text(f.chars, &chars[0]),
                    IndexRecordOption::WithFreqs,
                )),
                (_, 1) => Box::new(TermQuery::new(
                    Term::from_field_text(f.pairs, &pairs[0].1),
                    IndexRecordOption::WithFreqs,
                )),
                _ => Box::new(PhraseQuery::new_with_offset(
                    pairs
                        .iter()
                        .map(|(at, t)| (*at, Term::from_field_text(f.pairs, t)))
                        .collect(),
                )),
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

    /// Decode the rows of the searcher's segments not decoded yet, and forget those of
    /// segments gone (merged or emptied).
    fn warm(&self) -> Result<(), JobsError> {
        let searcher = self.reader.searcher();
        let mut keep = std::collections::HashSet::new();
        for seg in searcher.segment_readers() {
            self.rows_of(seg)?;
            keep.insert(seg.segment_id());
        }
        if let Ok(mut segs) = self.segs.write() {
            segs.retain(|k, _| keep.contains(k));
        }
        Ok(())
    }

    /// A segment's rows by document number (decoded on first use).
    fn rows_of(&self, seg: &SegmentReader) -> Result<Arc<SegRows>, JobsError> {
        let key = seg.segment_id();
        if let Some(r) = self.segs.read().ok().and_then(|s| s.get(&key).cloned()) {
            return Ok(r);
        }
        let n = seg.max_doc() as usize;
        let column = |name: &str| -> Result<Vec<u64>, JobsError> {
            let col = seg.fast_fields().u64(name)?;
            let mut v = vec![0u64; n];
            match col.index {
                // Every document has every column: the values are read in one run.
                tantivy::columnar::ColumnIndex::Full => col.values.get_range(0, &mut v),
                _ => {
                    for (doc, x) in v.iter_mut().enumerate() {
                        *x = col.first(doc as DocId).unwrap_or(0);
                    }
                }
            }
            Ok(v)
        };
        let ids = column("id")?;
        let [a, b, c, d] = [
            column(ROW[0])?,
            column(ROW[1])?,
            column(ROW[2])?,
            column(ROW[3])?,
        ];
        let mut rows = SegRows::with_capacity(n);
        for (k, id) in ids.into_iter().enumerate() {
            rows.push(id, &Slim::unpack([a[k], b[k], c[k], d[k]]));
        }
        let r = Arc::new(rows);
        if let Ok(mut s) = self.segs.write() {
            s.insert(key, Arc::clone(&r));
        }
        Ok(r)
    }

    /// Run a query. Without keywords every live row is scanned; with keywords tantivy finds
    /// and scores the matching postings and their rows are read beside. Either way one pass
    /// in document order, on every core, gives the page, the total and the facet counts.
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
        let searcher = self.reader.searcher();
        let keep = offset + limit;
        let tally = if words.is_empty() {
            let segs = searcher
                .segment_readers()
                .iter()
                .map(|seg| Ok((self.rows_of(seg)?, seg.alive_bitset().cloned())))
                .collect::<Result<Vec<_>, JobsError>>()?;
            // Without keywords nothing is more relevant than anything else: the newest first,
            // which also spares reading every row's id to break the ties.
            let sort = if sort == Sort::Relevance {
                Sort::Newest
            } else {
                sort
            };
            Tally::scan(&segs, keep, sort, &filter)
        } else {
            let query = self.build_query(&words);
            searcher.search(
                &*query,
                &Matches {
                    index: self,
                    filter,
                    keep,
                    sort,
                },
            )?
        };
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

// ---------------------------------------------------------------- rows and the page

/// A live posting's values for filters, facets and sorting, as stored with its document (four
/// numbers, [`Slim::pack`]) and read into a segment's columns ([`SegRows`]).
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

impl Slim {
    /// Four numbers, one per row column: region and the small values; pay and occupation;
    /// the place; the dates.
    fn pack(&self) -> [u64; 4] {
        [
            self.region
                | u64::from(self.county) << 40
                | u64::from(self.major) << 48
                | u64::from(self.edu & 0xF) << 56
                | u64::from(self.gig) << 62
                | u64::from(self.quality) << 63,
            u64::from(self.pay_max as u32) | u64::from(self.occ) << 32,
            u64::from(self.lat.to_bits()) | u64::from(self.lon.to_bits()) << 32,
            u64::from(self.posted as u32) | u64::from(self.until as u32) << 32,
        ]
    }

    fn unpack(w: [u64; 4]) -> Slim {
        let low = |x: u64| x as u32;
        let high = |x: u64| (x >> 32) as u32;
        Slim {
            region: w[0] & ((1 << 40) - 1),
            county: (w[0] >> 40) as u8,
            major: (w[0] >> 48) as u8,
            edu: ((w[0] >> 56) & 0xF) as u8,
            gig: w[0] >> 62 & 1 == 1,
            quality: w[0] >> 63 == 1,
            pay_max: low(w[1]) as i32,
            occ: high(w[1]),
            lat: f32::from_bits(low(w[2])),
            lon: f32::from_bits(high(w[2])),
            posted: low(w[3]) as i32,
            until: high(w[3]) as i32,
        }
    }
}

/// The first day of the row columns' day numbers (2000-01-01, days from the common era).
const DAY0: i32 = 730_120;

/// A day from the common era as days from [`DAY0`] (two bytes: until 2179).
fn day16(days: i32) -> u16 {
    (days - DAY0).clamp(0, i32::from(u16::MAX)) as u16
}

/// The city's code (`330500`) and the twelve-digit numbers of everything in it
/// (`330500000000..330600000000`: the codes that start with `3305`).
fn city() -> &'static (String, (u64, u64)) {
    static CITY: LazyLock<(String, (u64, u64))> = LazyLock::new(|| {
        let code = leye_domain::Regions::huzhou()
            .all()
            .find(|r| r.level == leye_domain::region::RegionLevel::City)
            .map_or_else(|| "330500".to_string(), |r| r.code.clone());
        let span = region_number(code.get(..4).unwrap_or("")).unwrap_or((0, 0));
        (code, span)
    });
    &CITY
}

/// A region as its distance from the city's first number (four bytes); a region outside the
/// city is `u32::MAX`.
fn in_city(region: u64) -> u32 {
    let (lo, hi) = city().1;
    if (lo..hi).contains(&region) {
        (region - lo) as u32
    } else {
        u32::MAX
    }
}

/// A region filter as a range of [`in_city`] numbers: `None` for the whole city (no filter),
/// an empty range for a code outside it or unknown.
fn city_range(code: &str) -> Option<(u32, u32)> {
    let (city_code, (base, end)) = city();
    if code == city_code {
        return None;
    }
    match region_number(code) {
        Some((lo, hi)) if lo <= *base && hi >= *end => None,
        Some((lo, hi)) if lo >= *base && hi <= *end => {
            Some(((lo - base) as u32, (hi - base) as u32))
        }
        _ => Some((0, 0)),
    }
}

/// A segment's postings by document number, one column per value: a search reads only the
/// columns its filters, facets and order need, two to eight bytes a posting, so a scan of a
/// million postings stays within what the memory delivers in a few milliseconds. Segments
/// never change (a change is a delete and an add), so these are decoded once and shared.
#[derive(Default)]
struct SegRows {
    ids: Vec<u64>,
    /// Valid until, [`day16`]
    until: Vec<u16>,
    /// Published on, [`day16`]
    posted: Vec<u16>,
    /// [`in_city`]
    region: Vec<u32>,
    /// County position (4 bits), major group (4), education rank (4), gig (1), quality (1)
    small: Vec<u16>,
    pay: Vec<i32>,
    occ: Vec<u32>,
    lat: Vec<f32>,
    lon: Vec<f32>,
}

const GIG: u16 = 1 << 12;
const QUALITY: u16 = 1 << 13;

impl SegRows {
    fn with_capacity(n: usize) -> SegRows {
        SegRows {
            ids: Vec::with_capacity(n),
            until: Vec::with_capacity(n),
            posted: Vec::with_capacity(n),
            region: Vec::with_capacity(n),
            small: Vec::with_capacity(n),
            pay: Vec::with_capacity(n),
            occ: Vec::with_capacity(n),
            lat: Vec::with_capacity(n),
            lon: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, id: u64, r: &Slim) {
        self.ids.push(id);
        self.until.push(day16(r.until));
        self.posted.push(day16(r.posted));
        self.region.push(in_city(r.region));
        self.small.push(
            u16::from(r.county.min(15))
                | u16::from(r.major & 0xF) << 4
                | u16::from(r.edu & 0xF) << 8
                | if r.gig { GIG } else { 0 }
                | if r.quality { QUALITY } else { 0 },
        );
        self.pay.push(r.pay_max);
        self.occ.push(r.occ);
        self.lat.push(r.lat);
        self.lon.push(r.lon);
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

/// A point and radius (km), with the box around the circle (latitude and longitude ranges)
/// and what [`Near::km_to`] needs of the point's latitude.
#[derive(Clone, Copy)]
struct Near {
    lat: f64,
    lon: f64,
    km: f64,
    lat_box: (f64, f64),
    lon_box: (f64, f64),
    cos: f64,
    sin: f64,
}

const KM_PER_DEGREE: f64 = 6371.0 * std::f64::consts::PI / 180.0;

impl Near {
    fn new(lat: f64, lon: f64, km: f64) -> Near {
        let dlat = km / 111.0;
        let dlon = km / (111.0 * lat.to_radians().cos().max(0.1));
        Near {
            lat,
            lon,
            km,
            lat_box: (lat - dlat, lat + dlat),
            lon_box: (lon - dlon, lon + dlon),
            cos: lat.to_radians().cos(),
            sin: lat.to_radians().sin(),
        }
    }

    /// The distance from the point (km), on the plane at the two points' mean latitude
    /// (its cosine from the point's, to first order): within 0.01% of the great-circle
    /// distance ([`leye_domain::jobs::distance_km`]) up to 200 km, without trigonometry for every posting.
    #[inline]
    fn km_to(&self, lat: f64, lon: f64) -> f64 {
        let dlat = lat - self.lat;
        let cos_mean = self.cos - self.sin * (dlat / 2.0).to_radians();
        let dy = dlat * KM_PER_DEGREE;
        let dx = (lon - self.lon) * KM_PER_DEGREE * cos_mean;
        (dx * dx + dy * dy).sqrt()
    }
}

/// A query's filters as numbers, checked against a row.
#[derive(Clone, Copy)]
struct Filter {
    /// [`day16`]
    today: u16,
    /// [`in_city`] range
    region: Option<(u32, u32)>,
    /// Packed code and how many levels it has
    occ: Option<(u32, usize)>,
    pay: Option<i64>,
    edu: Option<u16>,
    since: Option<u16>,
    gig: Option<bool>,
    quality: bool,
    near: Option<Near>,
}

impl Filter {
    fn of(q: &SearchQuery) -> Filter {
        let day = |s: &str| day16(day_number(s) as i32);
        Filter {
            today: if q.today.is_empty() { 0 } else { day(&q.today) },
            // The whole city is no filter; a code outside it or unknown matches nothing.
            region: q
                .region
                .as_deref()
                .filter(|r| !r.is_empty())
                .and_then(city_range),
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
                .map(|e| edu_rank(e) as u16),
            since: q.since.as_deref().filter(|s| !s.is_empty()).map(day),
            gig: q.gig,
            quality: q.quality_only,
            near: q.near.map(|(lat, lon, km)| Near::new(lat, lon, km)),
        }
    }

    /// Which rows of `lo..hi` pass every condition but the radius (`out[k - lo]`), one
    /// condition at a time over its column: short loops the compiler turns into vector code.
    fn mask(&self, rows: &SegRows, lo: usize, hi: usize, out: &mut Vec<bool>) {
        fn and<T: Copy>(out: &mut [bool], col: &[T], keep: impl Fn(T) -> bool) {
            for (m, x) in out.iter_mut().zip(col) {
                *m &= keep(*x);
            }
        }
        out.clear();
        out.extend(rows.until[lo..hi].iter().map(|u| *u >= self.today));
        if let Some((a, b)) = self.region {
            and(out, &rows.region[lo..hi], |x| x >= a && x < b);
        }
        if let Some(p) = self.pay {
            and(out, &rows.pay[lo..hi], |x| i64::from(x) >= p);
        }
        if let Some(e) = self.edu {
            and(out, &rows.small[lo..hi], |x| (x >> 8) & 0xF <= e);
        }
        if let Some(since) = self.since {
            and(out, &rows.posted[lo..hi], |x| x >= since);
        }
        if let Some(g) = self.gig {
            and(out, &rows.small[lo..hi], |x| (x & GIG != 0) == g);
        }
        if self.quality {
            and(out, &rows.small[lo..hi], |x| x & QUALITY != 0);
        }
        if let Some((code, levels)) = self.occ {
            and(out, &rows.occ[lo..hi], |x| {
                leye_domain::jobs::OccupationCode::shared_packed(x, code) >= levels
            });
        }
        if let Some(Near {
            lat_box: (la0, la1),
            lon_box: (lo0, lo1),
            ..
        }) = self.near
        {
            let (la0, la1, lo0, lo1) = (la0 as f32, la1 as f32, lo0 as f32, lo1 as f32);
            and(out, &rows.lat[lo..hi], |x| x >= la0 && x <= la1);
            and(out, &rows.lon[lo..hi], |x| x >= lo0 && x <= lo1);
        }
    }

    /// The radius of a row that passed [`Filter::mask`]: `None` when it is outside, else its
    /// distance from the query's point, if any.
    #[inline]
    fn distance(&self, rows: &SegRows, k: usize) -> Option<Option<f64>> {
        match self.near {
            None => Some(None),
            Some(near) => {
                let d = near.km_to(f64::from(rows.lat[k]), f64::from(rows.lon[k]));
                (d <= near.km).then_some(Some(d))
            }
        }
    }

    /// `None` when row `k` is filtered out; else its distance from the query's point, if any.
    /// Each condition reads its own column, only when the query has it. The same conditions
    /// as [`Filter::mask`], row by row for keyword matches: running `mask` on a one-row piece
    /// instead measured 3.2 → 3.6 ms at p50; `every_filter_narrows_and_changes_follow` runs
    /// every filter through both.
    #[inline]
    fn keeps(&self, rows: &SegRows, k: usize) -> Option<Option<f64>> {
        if rows.until[k] < self.today
            || self
                .region
                .is_some_and(|(lo, hi)| rows.region[k] < lo || rows.region[k] >= hi)
            || self.pay.is_some_and(|p| i64::from(rows.pay[k]) < p)
            || self.edu.is_some_and(|e| (rows.small[k] >> 8) & 0xF > e)
            || self.since.is_some_and(|s| rows.posted[k] < s)
            || self.gig.is_some_and(|g| (rows.small[k] & GIG != 0) != g)
            || (self.quality && rows.small[k] & QUALITY == 0)
            || self.occ.is_some_and(|(code, levels)| {
                leye_domain::jobs::OccupationCode::shared_packed(rows.occ[k], code) < levels
            })
        {
            return None;
        }
        match self.near {
            None => Some(None),
            Some(near) => {
                let (la0, la1) = (near.lat_box.0 as f32, near.lat_box.1 as f32);
                let (lo0, lo1) = (near.lon_box.0 as f32, near.lon_box.1 as f32);
                let (rlat, rlon) = (rows.lat[k], rows.lon[k]);
                if rlat < la0 || rlat > la1 || rlon < lo0 || rlon > lo1 {
                    return None;
                }
                self.distance(rows, k)
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

/// Scans this long are split across the cores...
const PARALLEL_FROM: usize = 50_000;
/// ... in pieces of this many rows.
const PIECE: usize = 32_768;

/// Facet buckets: counties by their position in [`counties`], major groups 1-8.
const BUCKETS: usize = 16;
/// The county bucket of a posting outside every county.
const NO_COUNTY: u8 = 15;
const _: () = assert!((NO_COUNTY as usize) < BUCKETS);

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

    /// Count row `k` and keep it if it is among the best so far. The id (the tie-break) is
    /// read only when the key does not already decide.
    #[inline]
    fn take(&mut self, rows: &SegRows, k: usize, score: f32, distance: Option<f64>) {
        self.total += 1;
        let small = rows.small[k];
        self.county[usize::from(small & 0xF)] += 1;
        self.major[usize::from((small >> 4) & 0xF)] += 1;
        self.quality += usize::from(small & QUALITY != 0);
        self.gig += usize::from(small & GIG != 0);
        let key = match self.sort {
            Sort::Relevance => f64::from(score),
            Sort::Distance => -distance.unwrap_or(0.0),
            Sort::Pay => f64::from(rows.pay[k]),
            Sort::Newest => f64::from(rows.posted[k]),
        };
        let full = self.heap.len() >= self.keep;
        if full && self.heap.peek().is_some_and(|w| key < w.0.key) {
            return;
        }
        let cand = Candidate {
            key,
            id: rows.ids[k],
            score,
            distance,
        };
        if !full {
            self.heap.push(std::cmp::Reverse(cand));
        } else if self.heap.peek().is_some_and(|w| cand > w.0) {
            self.heap.pop();
            self.heap.push(std::cmp::Reverse(cand));
        }
    }

    /// Every alive row of the segments that the filter keeps, into one tally. The rows are
    /// cut into pieces the cores take in turn; each piece is read newest row first (with
    /// equal keys the newer wins, so the page rarely changes along the way).
    fn scan(
        segs: &[(Arc<SegRows>, Option<AliveBitSet>)],
        keep: usize,
        sort: Sort,
        filter: &Filter,
    ) -> Tally {
        let n: usize = segs.iter().map(|s| s.0.len()).sum();
        let threads = if n >= PARALLEL_FROM {
            std::thread::available_parallelism().map_or(1, |t| t.get().min(8))
        } else {
            1
        };
        let pieces: Vec<(usize, usize, usize)> = segs
            .iter()
            .enumerate()
            .flat_map(|(k, s)| {
                let len = s.0.len();
                (0..len.div_ceil(PIECE)).map(move |i| (k, i * PIECE, ((i + 1) * PIECE).min(len)))
            })
            .rev()
            .collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || {
            let mut t = Tally::new(keep, sort);
            let mut mask = Vec::with_capacity(PIECE);
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&(k, lo, hi)) = pieces.get(i) else {
                    return t;
                };
                let (rows, alive) = (&segs[k].0, segs[k].1.as_ref());
                filter.mask(rows, lo, hi, &mut mask);
                for doc in (lo..hi).rev() {
                    if mask[doc - lo]
                        && alive.is_none_or(|a| a.is_alive(doc as DocId))
                        && let Some(d) = filter.distance(rows, doc)
                    {
                        t.take(rows, doc, 0.0, d);
                    }
                }
            }
        };
        if threads == 1 {
            return work();
        }
        std::thread::scope(|scope| {
            let parts: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
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

/// Tallies the documents a keyword query matches, segment by segment (tantivy runs the
/// segments on every core), reading each match's row beside it.
struct Matches<'a> {
    index: &'a SearchIndex,
    filter: Filter,
    keep: usize,
    sort: Sort,
}

struct SegmentMatches {
    rows: Arc<SegRows>,
    filter: Filter,
    tally: Tally,
}

impl Collector for Matches<'_> {
    type Fruit = Tally;
    type Child = SegmentMatches;

    fn for_segment(&self, _ord: u32, seg: &SegmentReader) -> tantivy::Result<SegmentMatches> {
        let rows = self
            .index
            .rows_of(seg)
            .map_err(|e| tantivy::TantivyError::InternalError(e.to_string()))?;
        Ok(SegmentMatches {
            rows,
            filter: self.filter,
            tally: Tally::new(self.keep, self.sort),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut all = Tally::new(self.keep, self.sort);
        for t in fruits {
            all.merge(t);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, score: Score) {
        let k = doc as usize;
        if k < self.rows.len()
            && let Some(d) = self.filter.keeps(&self.rows, k)
        {
            self.tally.take(&self.rows, k, score, d);
        }
    }

    fn harvest(self) -> Tally {
        self.tally
    }
}

#[cfg(test)]
mod row_tests {
    use super::*;

    proptest::proptest! {
        /// A row comes back from its four columns exactly.
        #[test]
        fn rows_pack_and_unpack(
            region in 0u64..1_000_000_000_000,
            pay_max: i32, lat: f32, lon: f32, occ: u32, posted: i32, until: i32,
            county: u8, major: u8, edu in 0u8..16, gig: bool, quality: bool,
        ) {
            let r = Slim { region, pay_max, lat, lon, occ, posted, until, county, major, edu, gig, quality };
            let back = Slim::unpack(r.pack());
            proptest::prop_assert_eq!(format!("{back:?}"), format!("{r:?}"));
        }
    }
}

#[cfg(test)]
mod city_tests {
    use super::*;

    #[test]
    fn regions_inside_the_city_as_ranges() {
        assert_eq!(day16(day_number("2000-01-01") as i32), 0);
        assert_eq!(day16(day_number("2026-11-28") as i32), 9828);
        assert_eq!(city_range("330500"), None, "the city is no filter");
        assert_eq!(city_range("3305"), None);
        assert_eq!(city_range("33"), None, "the province holds the city");
        let wuxing = city_range("330502").unwrap();
        let village = in_city(region_number("330502001001").unwrap().0);
        assert!(wuxing.0 <= village && village < wuxing.1);
        let anji = in_city(region_number("330523001").unwrap().0);
        assert!(!(wuxing.0..wuxing.1).contains(&anji));
        assert_eq!(city_range("330102"), Some((0, 0)), "Hangzhou: nothing");
        assert_eq!(city_range("abc"), Some((0, 0)));
        assert_eq!(in_city(region_number("330102").unwrap().0), u32::MAX);
    }
}

#[cfg(test)]
mod near_tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn planar_distance_is_the_great_circle_up_to_200_km(
            lat in 29.5f64..31.8, lon in 118.5f64..121.5, dlat in -1.8f64..1.8, dlon in -2.0f64..2.0,
        ) {
            let exact = leye_domain::jobs::distance_km(lat, lon, lat + dlat, lon + dlon);
            proptest::prop_assume!(exact <= 200.0);
            let near = Near::new(lat, lon, 200.0).km_to(lat + dlat, lon + dlon);
            proptest::prop_assert!((near - exact).abs() <= 1e-4 * exact + 1e-9, "{near} vs {exact}");
        }
    }
}
#[cfg(test)]
mod word_tests {
    use super::*;

    #[test]
    fn a_character_cut_off_stays_with_its_word() {
        assert_eq!(query_words("仓库叉车工"), ["仓库", "叉车工"]);
        assert_eq!(query_words("快递员"), ["快递员"]);
        assert_eq!(query_words("数控车床操作工"), ["数控车床", "操作工"]);
        // Apart, it is a word of its own.
        assert_eq!(query_words("男 保安"), ["男", "保安"]);
        assert_eq!(query_words("工"), ["工"]);
        assert!(synonyms_of("叉车工").is_some_and(|s| s.iter().any(|w| w == "叉车司机")));
        assert!(synonyms_of("焊").is_none());
    }

    #[test]
    fn runs_of_three_characters_are_terms_at_their_first_pair() {
        let t = |s: &str| -> Vec<(usize, String)> {
            pair_field_tokens(s)
                .into_iter()
                .filter(|(_, w)| w.chars().count() == 3)
                .collect()
        };
        assert_eq!(
            t("餐厅服务员"),
            [
                (0, "餐厅服".to_string()),
                (1, "厅服务".to_string()),
                (2, "服务员".to_string())
            ]
        );
        // Not across a Latin word (punctuation and spaces are dropped, as for pairs).
        assert_eq!(t("IT服务员"), [(1, "服务员".to_string())]);
        assert_eq!(t("服务IT员工"), []);
        assert_eq!(triples("配送员"), Some(vec![(0, "配送员".to_string())]));
        assert_eq!(
            triples("电子商务"),
            Some(vec![(0, "电子商".to_string()), (1, "子商务".to_string())])
        );
        assert_eq!(triples("C语言"), None);
        assert_eq!(triples("电商"), None);
    }
}
