//! Two-way matching (人岗匹配): a score from 0 to 100 for a seeker and a posting, made of five
//! parts whose weights are parameters (`data/parameters/matching.toml`), with a short Chinese
//! explanation. Hard limits (education two levels short, age outside the posting's range,
//! gig work for someone who does not want it) exclude instead of scoring.

use leye_domain::jobs::{Education, OccupationCode, SkillLevel, distance_km};
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

fn parts(s: &Seeker, p: &Posting) -> Option<Parts> {
    if p.gig && !s.gig_ok {
        return None;
    }
    if s.education + 1 < p.education {
        return None;
    }
    if let Some(age) = s.age
        && (p.age_min.is_some_and(|m| age < m) || p.age_max.is_some_and(|m| age > m))
    {
        return None;
    }
    let shared = s
        .occupations
        .iter()
        .map(|o| o.shared_levels(&p.occupation))
        .max()
        .unwrap_or(0);
    let occupation = match shared {
        4 => 1.0,
        3 => 0.75,
        2 => 0.5,
        1 => 0.2,
        _ => 0.0,
    };
    let found = s
        .skills
        .iter()
        .filter(|k| p.text.contains(k.as_str()))
        .count();
    let skills = if s.skills.is_empty() {
        0.5
    } else if found == 0 {
        0.3
    } else {
        0.5 + 0.5 * found as f64 / s.skills.len() as f64
    };
    let d = distance_km(s.lat, s.lon, p.lat, p.lon);
    let c = s.commute_km.max(1.0);
    let distance = if d <= c {
        1.0 - 0.5 * d / c
    } else {
        (0.5 - (d - c) / c).max(0.0)
    };
    let pay = match s.pay_wanted_fen {
        None => 1.0,
        Some(want) if p.monthly_max_fen >= want => 1.0,
        Some(want) => (p.monthly_max_fen as f64 / want as f64)
            .clamp(0.0, 1.0)
            .powi(2),
    };
    let level_part = match (p.level, s.level) {
        (None, _) => 1.0,
        (Some(need), Some(have)) if have >= need => 1.0,
        (Some(need), Some(have)) if have + 1 == need => 0.5,
        _ => 0.0,
    };
    let edu_part = if s.education >= p.education { 1.0 } else { 0.4 };
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
    parts(s, p).map(|x| with_text(s, p, &x, w))
}

/// The best `n` of `candidates` for `p` (highest score first, then the lower id).
pub fn best_seekers<'a>(
    candidates: impl IntoIterator<Item = &'a Seeker>,
    p: &Posting,
    w: &Weights,
    n: usize,
) -> Vec<(&'a Seeker, Match)> {
    // A min-heap of the best so far by (score, lower id first); text only for the winners.
    let mut heap: std::collections::BinaryHeap<
        std::cmp::Reverse<(i64, std::cmp::Reverse<i64>, usize)>,
    > = std::collections::BinaryHeap::new();
    let mut kept: Vec<(&'a Seeker, Parts)> = Vec::new();
    for s in candidates {
        let Some(x) = parts(s, p) else { continue };
        let key = (total(&x, w), std::cmp::Reverse(s.id));
        if heap.len() < n {
            heap.push(std::cmp::Reverse((key.0, key.1, kept.len())));
            kept.push((s, x));
        } else if heap
            .peek()
            .is_some_and(|top| (key.0, key.1) > (top.0.0, top.0.1))
        {
            let idx = heap.pop().map(|t| t.0.2).unwrap_or(0);
            kept[idx] = (s, x);
            heap.push(std::cmp::Reverse((key.0, key.1, idx)));
        }
    }
    let mut out: Vec<(&'a Seeker, Match)> = heap
        .into_iter()
        .map(|r| kept[r.0.2])
        .map(|(s, x)| (s, with_text(s, p, &x, w)))
        .collect();
    out.sort_by(|a, b| b.1.score.cmp(&a.1.score).then(a.0.id.cmp(&b.0.id)));
    out
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
