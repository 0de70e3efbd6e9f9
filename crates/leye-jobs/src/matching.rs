//! Two-way matching (人岗匹配): a score from 0 to 100 for a seeker and a posting, made of five
//! parts whose weights are parameters (`data/parameters/matching.toml`), with a short Chinese
//! explanation. Hard limits (education two levels short, age outside the posting's range,
//! gig work for someone who does not want it) exclude instead of scoring.

use leye_domain::jobs::{Education, OccupationCode, SkillLevel};
use leye_store::{PostingRecord, SeekerRecord};

/// The weights of the five parts (they need not sum to 100; the score is scaled).
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    pub occupation: f64,
    pub skills: f64,
    pub distance: f64,
    pub pay: f64,
    pub level: f64,
}

/// A seeker ready for scoring (parsed once).
#[derive(Debug, Clone)]
pub struct Seeker {
    pub id: i64,
    pub person_id: i64,
    pub occupations: Vec<OccupationCode>,
    pub skills: Vec<String>,
    pub level: Option<usize>,
    pub education: usize,
    pub lat: f64,
    pub lon: f64,
    pub commute_km: f64,
    pub pay_wanted_fen: Option<i64>,
    pub gig_ok: bool,
    /// Age in whole years on the day of matching
    pub age: Option<i64>,
}

/// A posting ready for scoring.
#[derive(Debug, Clone)]
pub struct Posting {
    pub id: i64,
    pub occupation: OccupationCode,
    pub occupation_name: String,
    /// Title and description, lower case, for the skills part
    pub text: String,
    pub level: Option<usize>,
    pub education: usize,
    pub lat: f64,
    pub lon: f64,
    pub monthly_max_fen: i64,
    pub gig: bool,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
}

fn rank<T: PartialEq + Copy>(all: &[T], code: Option<T>) -> Option<usize> {
    code.and_then(|c| all.iter().position(|x| *x == c))
}

fn age_on(birth: &str, today: chrono::NaiveDate) -> Option<i64> {
    let b = chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d").ok()?;
    today.years_since(b).map(i64::from)
}

impl Seeker {
    pub fn from_record(s: &SeekerRecord, today: chrono::NaiveDate) -> Self {
        Self {
            id: s.id,
            person_id: s.person_id,
            occupations: s
                .occupations
                .iter()
                .filter_map(|c| OccupationCode::parse("o", c).ok())
                .collect(),
            skills: s.skills.iter().map(|x| x.to_lowercase()).collect(),
            level: rank(
                SkillLevel::ALL,
                s.skill_level.as_deref().and_then(SkillLevel::from_code),
            ),
            education: rank(Education::ALL, Education::from_code(&s.education)).unwrap_or(0),
            lat: s.lat,
            lon: s.lon,
            commute_km: s.commute_km as f64,
            pay_wanted_fen: s.pay_wanted_fen,
            gig_ok: s.gig_ok,
            age: age_on(&s.birth_date, today),
        }
    }
}

impl Posting {
    pub fn from_record(p: &PostingRecord, occupation_name: &str) -> Option<Self> {
        Some(Self {
            id: p.id,
            occupation: OccupationCode::parse("o", &p.occupation).ok()?,
            occupation_name: occupation_name.to_string(),
            text: format!("{} {}", p.title, p.description).to_lowercase(),
            level: rank(
                SkillLevel::ALL,
                p.skill_level.as_deref().and_then(SkillLevel::from_code),
            ),
            education: rank(Education::ALL, Education::from_code(&p.education)).unwrap_or(0),
            lat: p.lat,
            lon: p.lon,
            monthly_max_fen: p.monthly_max_fen,
            gig: p.gig,
            age_min: p.age_min,
            age_max: p.age_max,
        })
    }
}

/// A score with its parts (each 0..1) and the explanation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Match {
    pub score: i64,
    pub occupation: f64,
    pub skills: f64,
    pub distance: f64,
    pub pay: f64,
    pub level: f64,
    pub distance_km: f64,
    pub explanation: String,
}

/// The five parts of a score (each 0..1) and what they rest on, computed without building
/// any text: matching runs this over every candidate, the explanation only for the winners.
#[derive(Debug, Clone, Copy)]
struct Parts {
    shared: usize,
    occupation: f64,
    found: usize,
    skills: f64,
    d: f64,
    distance: f64,
    pay: f64,
    level: f64,
}

/// Seekers laid out for scoring many against one posting: every fact a score needs sits in
/// one contiguous row (occupations packed into four bytes, skills interned), so a million
/// seekers are read in order without chasing a pointer. Build it once, score many postings.
pub struct Pool<'a> {
    seekers: Vec<&'a Seeker>,
    rows: Vec<Row>,
    /// Interned skill ids, the rows' slices one after the other.
    skills: Vec<u32>,
    vocab: Vec<&'a str>,
}

/// Occupations a seeker may want (the profile form takes five).
const MAX_OCCUPATIONS: usize = 5;

#[derive(Debug, Clone, Copy)]
struct Row {
    id: i64,
    /// Single precision: a metre at Huzhou's longitude, and a smaller row
    lat: f32,
    lon: f32,
    commute_km: f32,
    /// `0` when no pay is asked (a wish is always positive)
    pay_wanted_fen: i64,
    /// Packed codes, `0` for an unused place
    occupations: [u32; MAX_OCCUPATIONS],
    skills_from: u32,
    skills_len: u16,
    education: u8,
    /// `u8::MAX` for none
    level: u8,
    gig_ok: bool,
    /// `i64::MIN` when unknown
    age: i64,
}

impl<'a> Pool<'a> {
    pub fn new(seekers: impl IntoIterator<Item = &'a Seeker>) -> Self {
        let mut pool = Pool {
            seekers: Vec::new(),
            rows: Vec::new(),
            skills: Vec::new(),
            vocab: Vec::new(),
        };
        let mut ids: rustc_hash::FxHashMap<&'a str, u32> = rustc_hash::FxHashMap::default();
        for s in seekers {
            let mut occupations = [0u32; MAX_OCCUPATIONS];
            for (slot, o) in occupations.iter_mut().zip(&s.occupations) {
                *slot = o.packed();
            }
            let from = pool.skills.len() as u32;
            for k in &s.skills {
                let next = pool.vocab.len() as u32;
                let id = *ids.entry(k.as_str()).or_insert(next);
                if id == next {
                    pool.vocab.push(k.as_str());
                }
                pool.skills.push(id);
            }
            pool.rows.push(Row {
                id: s.id,
                lat: s.lat as f32,
                lon: s.lon as f32,
                commute_km: s.commute_km.max(1.0) as f32,
                pay_wanted_fen: s.pay_wanted_fen.unwrap_or(0),
                occupations,
                skills_from: from,
                skills_len: (pool.skills.len() as u32 - from) as u16,
                education: s.education as u8,
                level: s.level.map_or(u8::MAX, |l| l as u8),
                gig_ok: s.gig_ok,
                age: s.age.unwrap_or(i64::MIN),
            });
            pool.seekers.push(s);
        }
        pool
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The best `n` for `p` among the seekers at positions `among` (every one when `None`),
    /// highest score first, then the lower id; the explanation is written for these only.
    pub fn best(
        &self,
        among: Option<&[usize]>,
        p: &Posting,
        w: &Weights,
        n: usize,
    ) -> Vec<(&'a Seeker, Match)> {
        let ctx = Ctx {
            p,
            best_case: OCCUPATION_PART.map(|occupation| {
                total(
                    &Parts {
                        occupation,
                        ..Parts::FULL
                    },
                    w,
                )
            }),
            occupation: p.occupation.packed(),
            cos_lat: p.lat.to_radians().cos(),
            has_skill: self.vocab.iter().map(|k| p.text.contains(k)).collect(),
        };
        let all: Vec<usize>;
        let list: &[usize] = match among {
            Some(list) => list,
            None => {
                all = (0..self.rows.len()).collect();
                &all
            }
        };
        // A big pool is split across the cores, each keeping its own best; then merged.
        let threads = if list.len() >= PARALLEL_FROM {
            std::thread::available_parallelism().map_or(1, |t| t.get().min(8))
        } else {
            1
        };
        let mut kept: Vec<Key> = if threads > 1 {
            let chunk = list.len().div_ceil(threads);
            std::thread::scope(|scope| {
                let jobs: Vec<_> = list
                    .chunks(chunk)
                    .map(|part| scope.spawn(|| self.top(part, &ctx, w, n)))
                    .collect();
                jobs.into_iter()
                    .flat_map(|j| j.join().unwrap_or_default())
                    .collect()
            })
        } else {
            self.top(list, &ctx, w, n)
        };
        kept.sort_by(|a, b| b.cmp(a));
        kept.truncate(n);
        let heap = kept;
        let mut out: Vec<(&'a Seeker, Match)> = heap
            .into_iter()
            .filter_map(|r| {
                let k = r.2;
                let row = &self.rows[k];
                let skills =
                    &self.skills[row.skills_from as usize..][..usize::from(row.skills_len)];
                parts(row, skills, &ctx, i64::MIN)
                    .map(|x| (self.seekers[k], with_text(self.seekers[k], p, &x, w)))
            })
            .collect();
        out.sort_by(|a, b| b.1.score.cmp(&a.1.score).then(a.0.id.cmp(&b.0.id)));
        out
    }
}

/// A candidate's place among the best: score, then the lower id, then its position.
type Key = (i64, std::cmp::Reverse<i64>, usize);

/// Pools at least this big are scored on every core.
const PARALLEL_FROM: usize = 100_000;

impl Pool<'_> {
    /// The best `n` keys among the seekers at `list`, in no order.
    fn top(&self, list: &[usize], ctx: &Ctx, w: &Weights, n: usize) -> Vec<Key> {
        // A min-heap of the best so far.
        let mut heap: std::collections::BinaryHeap<std::cmp::Reverse<Key>> =
            std::collections::BinaryHeap::new();
        for &k in list {
            let Some(r) = self.rows.get(k) else { continue };
            let skills = &self.skills[r.skills_from as usize..][..usize::from(r.skills_len)];
            let floor = match heap.peek() {
                Some(top) if heap.len() >= n => top.0.0,
                _ => i64::MIN,
            };
            let Some(x) = parts(r, skills, ctx, floor) else {
                continue;
            };
            let key = (total(&x, w), std::cmp::Reverse(r.id), k);
            if heap.len() < n {
                heap.push(std::cmp::Reverse(key));
            } else if heap
                .peek()
                .is_some_and(|top| (key.0, key.1) > (top.0.0, top.0.1))
            {
                heap.pop();
                heap.push(std::cmp::Reverse(key));
            }
        }
        heap.into_iter().map(|r| r.0).collect()
    }
}

/// The occupation part by how many levels the codes share (none, major group ... the same).
const OCCUPATION_PART: [f64; 5] = [0.0, 0.2, 0.5, 0.75, 1.0];

/// What scoring needs of the posting, worked out once.
struct Ctx<'p> {
    p: &'p Posting,
    /// The best score reachable by shared occupation levels (full marks on every other part).
    best_case: [i64; 5],
    occupation: u32,
    cos_lat: f64,
    /// Per interned skill: does the posting's text name it?
    has_skill: Vec<bool>,
}

/// The parts of a score, or `None` when a hard limit excludes the seeker or when even full
/// marks on every part after the occupation could not reach `floor` (the worst score still
/// kept: most candidates of a big pool are dropped here, before any arithmetic).
fn parts(s: &Row, skills: &[u32], c: &Ctx, floor: i64) -> Option<Parts> {
    let p = c.p;
    if p.gig && !s.gig_ok {
        return None;
    }
    if usize::from(s.education) + 1 < p.education {
        return None;
    }
    if s.age != i64::MIN
        && (p.age_min.is_some_and(|m| s.age < m) || p.age_max.is_some_and(|m| s.age > m))
    {
        return None;
    }
    let shared = s
        .occupations
        .iter()
        .take_while(|o| **o != 0)
        .map(|o| OccupationCode::shared_packed(*o, c.occupation))
        .max()
        .unwrap_or(0);
    let occupation = OCCUPATION_PART[shared.min(4)];
    if c.best_case[shared.min(4)] < floor {
        return None;
    }
    let found = skills.iter().filter(|k| c.has_skill[**k as usize]).count();
    let skills = if skills.is_empty() {
        0.5
    } else if found == 0 {
        0.3
    } else {
        0.5 + 0.5 * found as f64 / skills.len() as f64
    };
    // Distance on the local plane (equirectangular): within a city it differs from the great
    // circle by well under 0.1%, at a fraction of the cost.
    let (dy, dx) = (
        f64::from(s.lat) - p.lat,
        (f64::from(s.lon) - p.lon) * c.cos_lat,
    );
    let d = 111.195 * (dx * dx + dy * dy).sqrt();
    let cm = f64::from(s.commute_km);
    let distance = if d <= cm {
        1.0 - 0.5 * d / cm
    } else {
        (0.5 - (d - cm) / cm).max(0.0)
    };
    let pay = if s.pay_wanted_fen <= 0 || p.monthly_max_fen >= s.pay_wanted_fen {
        1.0
    } else {
        (p.monthly_max_fen as f64 / s.pay_wanted_fen as f64)
            .clamp(0.0, 1.0)
            .powi(2)
    };
    let level_part = match (p.level, s.level) {
        (None, _) => 1.0,
        (Some(_), u8::MAX) => 0.0,
        (Some(need), have) if usize::from(have) >= need => 1.0,
        (Some(need), have) if usize::from(have) + 1 == need => 0.5,
        _ => 0.0,
    };
    let edu_part = if usize::from(s.education) >= p.education {
        1.0
    } else {
        0.4
    };
    Some(Parts {
        shared,
        occupation,
        found,
        skills,
        d,
        distance,
        pay,
        level: (level_part + edu_part) / 2.0,
    })
}

impl Parts {
    /// Full marks on every part (what a bound starts from).
    const FULL: Parts = Parts {
        shared: 4,
        occupation: 1.0,
        found: 0,
        skills: 1.0,
        d: 0.0,
        distance: 1.0,
        pay: 1.0,
        level: 1.0,
    };
}

fn total(x: &Parts, w: &Weights) -> i64 {
    let total = w.occupation + w.skills + w.distance + w.pay + w.level;
    let raw = w.occupation * x.occupation
        + w.skills * x.skills
        + w.distance * x.distance
        + w.pay * x.pay
        + w.level * x.level;
    if total > 0.0 {
        (100.0 * raw / total).round() as i64
    } else {
        0
    }
}

fn explain(s: &Seeker, p: &Posting, x: &Parts) -> String {
    let mut why = vec![match x.shared {
        4 => format!("意向职业相符({})", p.occupation_name),
        3 | 2 => format!("意向职业相近({})", p.occupation_name),
        1 => "同一职业大类".to_string(),
        _ => "意向职业不同".to_string(),
    }];
    if x.found > 0 {
        let found: Vec<&str> = s
            .skills
            .iter()
            .filter(|k| p.text.contains(k.as_str()))
            .map(String::as_str)
            .collect();
        why.push(format!("技能:{}", found.join("、")));
    }
    let (d, c) = (x.d, s.commute_km.max(1.0));
    why.push(if d <= c {
        format!("距离{d:.1}公里(在通勤范围内)")
    } else {
        format!("距离{d:.1}公里(超出期望{c:.0}公里)")
    });
    match s.pay_wanted_fen {
        Some(want) if p.monthly_max_fen >= want => why.push("薪酬达到期望".to_string()),
        Some(_) => why.push("薪酬低于期望".to_string()),
        None => {}
    }
    if x.level < 1.0 {
        why.push("等级或学历略低于要求".to_string());
    }
    why.join(";")
}

fn with_text(s: &Seeker, p: &Posting, x: &Parts, w: &Weights) -> Match {
    Match {
        score: total(x, w),
        occupation: x.occupation,
        skills: x.skills,
        distance: x.distance,
        pay: x.pay,
        level: x.level,
        distance_km: x.d,
        explanation: explain(s, p, x),
    }
}

/// Score a seeker against a posting; `None` when a hard limit excludes them.
pub fn score(s: &Seeker, p: &Posting, w: &Weights) -> Option<Match> {
    Pool::new([s]).best(None, p, w, 1).pop().map(|(_, m)| m)
}

/// The best `n` of `candidates` for `p` (highest score first, then the lower id).
pub fn best_seekers<'a>(
    candidates: impl IntoIterator<Item = &'a Seeker>,
    p: &Posting,
    w: &Weights,
    n: usize,
) -> Vec<(&'a Seeker, Match)> {
    Pool::new(candidates).best(None, p, w, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w() -> Weights {
        Weights {
            occupation: 40.0,
            skills: 15.0,
            distance: 20.0,
            pay: 15.0,
            level: 10.0,
        }
    }

    fn seeker(id: i64, occ: &str, lat: f64) -> Seeker {
        Seeker {
            id,
            person_id: id,
            occupations: vec![OccupationCode::parse("o", occ).unwrap()],
            skills: vec!["数控车床".into()],
            level: Some(2),
            education: 2,
            lat,
            lon: 120.1,
            commute_km: 10.0,
            pay_wanted_fen: Some(600_000),
            gig_ok: false,
            age: Some(30),
        }
    }

    fn far_seeker() -> Seeker {
        Seeker {
            lat: 31.3,
            lon: 120.5,
            ..seeker(4, "6-18-01-01", 31.3)
        }
    }

    fn posting() -> Posting {
        Posting {
            id: 1,
            occupation: OccupationCode::parse("o", "6-18-01-01").unwrap(),
            occupation_name: "车工".into(),
            text: "数控车床操作工 操作数控车床".into(),
            level: Some(2),
            education: 2,
            lat: 30.85,
            lon: 120.1,
            monthly_max_fen: 800_000,
            gig: false,
            age_min: None,
            age_max: Some(45),
        }
    }

    #[test]
    fn the_right_person_scores_high_and_says_why() {
        let m = score(&seeker(1, "6-18-01-01", 30.86), &posting(), &w()).unwrap();
        assert!(m.score >= 90, "{m:?}");
        assert!(
            m.explanation.contains("意向职业相符(车工)"),
            "{}",
            m.explanation
        );
        assert!(m.explanation.contains("技能:数控车床"));
        let far = score(&seeker(2, "4-10-01-06", 31.5), &posting(), &w()).unwrap();
        assert!(far.score <= 40, "{far:?}");
        // No pay wish: the pay part is met; a wish above the posting's pay lowers it.
        let mut free = seeker(3, "6-18-01-01", 30.86);
        free.pay_wanted_fen = None;
        assert_eq!(score(&free, &posting(), &w()).unwrap().pay, 1.0);
        free.pay_wanted_fen = Some(1_000_000);
        assert!((score(&free, &posting(), &w()).unwrap().pay - 0.64).abs() < 1e-9);
        // The plane distance agrees with the great circle within a city.
        let d = score(&far_seeker(), &posting(), &w()).unwrap().distance_km;
        let exact = leye_domain::jobs::distance_km(31.3, 120.5, 30.85, 120.1);
        assert!((d - exact).abs() / exact < 0.001, "{d} vs {exact}");
    }

    #[test]
    fn hard_limits_exclude() {
        let mut old = seeker(1, "6-18-01-01", 30.86);
        old.age = Some(50);
        assert!(score(&old, &posting(), &w()).is_none());
        let mut p = posting();
        p.gig = true;
        assert!(score(&seeker(1, "6-18-01-01", 30.86), &p, &w()).is_none());
    }

    /// Skipping the candidates that cannot reach the worst kept score changes nothing: the
    /// best of a varied pool are those of scoring everyone one by one.
    #[test]
    fn the_bound_drops_only_losers() {
        same_as_one_by_one(600);
    }

    /// Above [`PARALLEL_FROM`] the pool is split across threads: still the same answer.
    #[test]
    fn split_pools_give_the_same_best() {
        same_as_one_by_one(PARALLEL_FROM as i64 + 1_000);
    }

    fn same_as_one_by_one(size: i64) {
        let codes = [
            "6-18-01-01",
            "6-18-02-04",
            "6-18",
            "6-31-01-03",
            "6",
            "4-10-01-06",
        ];
        let skills = ["数控车床", "电工证", "焊工证", "叉车证"];
        let mut x: u64 = 7;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let all: Vec<Seeker> = (0..size)
            .map(|i| Seeker {
                occupations: (0..1 + next(3))
                    .map(|_| OccupationCode::parse("o", codes[next(6) as usize]).unwrap())
                    .collect(),
                skills: (0..next(3))
                    .map(|_| skills[next(4) as usize].to_string())
                    .collect(),
                level: [None, Some(1), Some(2), Some(4)][next(4) as usize],
                education: next(5) as usize,
                pay_wanted_fen: [None, Some(500_000), Some(900_000)][next(3) as usize],
                age: [None, Some(30), Some(50)][next(3) as usize],
                ..seeker(i, "6", 30.7 + next(60) as f64 / 100.0)
            })
            .collect();
        let mut brute: Vec<(i64, i64)> = all
            .iter()
            .filter_map(|s| score(s, &posting(), &w()).map(|m| (m.score, s.id)))
            .collect();
        brute.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        brute.truncate(25);
        let best: Vec<(i64, i64)> = best_seekers(&all, &posting(), &w(), 25)
            .iter()
            .map(|(s, m)| (m.score, s.id))
            .collect();
        assert_eq!(best, brute);
    }

    #[test]
    fn best_is_sorted_and_bounded() {
        let all: Vec<Seeker> = (0..200)
            .map(|i| {
                seeker(
                    i,
                    if i % 3 == 0 {
                        "6-18-01-01"
                    } else {
                        "6-18-02-04"
                    },
                    30.85 + i as f64 * 0.001,
                )
            })
            .collect();
        let best = best_seekers(&all, &posting(), &w(), 10);
        assert_eq!(best.len(), 10);
        assert!(best.windows(2).all(|x| x[0].1.score >= x[1].1.score));
        assert!(best.iter().all(|(s, _)| s.id % 3 == 0));
    }
}
