//! 就业影响评估 (plan 二(一)1): what a major investment project or a policy draft promises in
//! jobs — quantity, quality (pay), structure (skilled posts) and level (graduate posts) — is
//! scored by the documented method of `data/parameters/impact.toml`, and a project is later
//! compared with the jobs its enterprise actually added (monthly headcount).
//!
//! The method is local (no official one was found): each dimension scores
//! weight × min(1, measured ÷ benchmark), the score is their sum, 0–100.

use crate::SkillsError;
use chrono::{Datelike, NaiveDate};
use leye_domain::{FieldError, Money};
use leye_policy::params::ParamSet;

mod params {
    leye_policy::param_file!("impact.toml");
}

mod wage {
    leye_policy::param_file!("minimum_wage.toml");
}

leye_domain::code_enum! {
    /// 评估对象.
    Subject {
        Project = ("project", "重大投资项目"),
        Policy = ("policy", "政策草案"),
    }
}

/// What is promised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promise {
    pub subject: Subject,
    /// Investment (projects).
    pub investment: Money,
    /// Jobs provided (projects) or expected to be created (policies).
    pub jobs: i64,
    /// Typical monthly pay of those jobs.
    pub pay: Money,
    /// Of the jobs, those needing 高级工 or above.
    pub skilled_jobs: i64,
    /// Of the jobs, those for college graduates.
    pub graduate_jobs: i64,
}

/// One dimension of the score, explained.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Part {
    pub dimension: String,
    pub measured: String,
    pub benchmark: String,
    /// Points in hundredths (e.g. 3150 = 31.50 points).
    pub points_x100: i64,
    pub max: i64,
    pub source: String,
}

/// The assessment: the parts, the score (whole points) and the grade.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Assessment {
    pub parts: Vec<Part>,
    pub score: i64,
    pub grade: String,
}

fn int(p: &ParamSet, name: &str, on: NaiveDate) -> Result<(i64, String), SkillsError> {
    let (v, u) = p.int_at(name, on)?;
    Ok((v, u.source))
}

/// weight × min(1, num ÷ den), in hundredths of a point.
fn points(weight: i64, num: i128, den: i128) -> i64 {
    if den <= 0 {
        return 0;
    }
    let share = (num.max(0) * 10_000 / den).min(10_000);
    i64::try_from(i128::from(weight) * share / 100).unwrap_or(0)
}

fn pct(bp: i64) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// Score a promise under the method in force on `on`.
pub fn assess(p: &Promise, on: NaiveDate) -> Result<Assessment, SkillsError> {
    let m = params::params()?;
    let mut parts = Vec::new();
    // Quantity.
    let (w, _) = int(m, "weight_quantity", on)?;
    match p.subject {
        Subject::Project => {
            let (per, source) = int(m, "jobs_per_100m_yuan", on)?;
            // jobs ÷ (investment in 亿元 × per) — in fen: 1亿元 = 10^10 fen.
            let den = i128::from(p.investment.fen()) * i128::from(per);
            parts.push(Part {
                dimension: "数量".into(),
                measured: format!("{}个岗位 / 投资{}元", p.jobs, p.investment),
                benchmark: format!("每亿元投资{per}个岗位"),
                points_x100: points(w, i128::from(p.jobs) * 10_000_000_000, den),
                max: w,
                source,
            });
        }
        Subject::Policy => {
            let (full, source) = int(m, "policy_jobs_full_marks", on)?;
            parts.push(Part {
                dimension: "数量".into(),
                measured: format!("预计带动{}个岗位", p.jobs),
                benchmark: format!("{full}个岗位"),
                points_x100: points(w, i128::from(p.jobs), i128::from(full)),
                max: w,
                source,
            });
        }
    }
    // Quality: pay against a multiple of the minimum wage.
    let (w, _) = int(m, "weight_quality", on)?;
    let (multiple_bp, source) = int(m, "pay_multiple_bp", on)?;
    let (min_wage, _) = wage::params()?.int_at("monthly_fen", on)?;
    let target = i128::from(min_wage) * i128::from(multiple_bp) / 10_000;
    parts.push(Part {
        dimension: "质量".into(),
        measured: format!("月薪{}元", p.pay),
        benchmark: format!(
            "当地月最低工资{}元的{}倍",
            Money::from_fen(min_wage),
            crate::impact::times(multiple_bp)
        ),
        points_x100: points(w, i128::from(p.pay.fen()), target),
        max: w,
        source,
    });
    // Structure and level: shares of the jobs.
    for (dim, weight, bench, n, what) in [
        (
            "结构",
            "weight_structure",
            "skilled_share_bp",
            p.skilled_jobs,
            "高级工及以上技能岗位",
        ),
        (
            "层级",
            "weight_level",
            "graduate_share_bp",
            p.graduate_jobs,
            "高校毕业生岗位",
        ),
    ] {
        let (w, _) = int(m, weight, on)?;
        let (b, source) = int(m, bench, on)?;
        let share = if p.jobs > 0 { n * 10_000 / p.jobs } else { 0 };
        parts.push(Part {
            dimension: dim.into(),
            measured: format!("{what}{n}个,占{}", pct(share)),
            benchmark: format!("占比{}", pct(b)),
            points_x100: points(w, i128::from(share), i128::from(b)),
            max: w,
            source,
        });
    }
    let total: i64 = parts.iter().map(|x| x.points_x100).sum();
    let score = ((total + 50) / 100).clamp(0, 100);
    let (good, _) = int(m, "grade_good", on)?;
    let (excellent, _) = int(m, "grade_excellent", on)?;
    let grade = if score >= excellent {
        "优秀"
    } else if score >= good {
        "良好"
    } else {
        "一般"
    };
    Ok(Assessment {
        parts,
        score,
        grade: grade.into(),
    })
}

/// `20000` → `2`, `15000` → `1.5`.
pub fn times(bp: i64) -> String {
    if bp % 10_000 == 0 {
        (bp / 10_000).to_string()
    } else {
        format!("{}", bp as f64 / 10_000.0)
    }
}

/// Promised against created: jobs the enterprise added since the baseline month.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Realised {
    pub baseline_month: String,
    pub baseline: Option<i64>,
    pub latest_month: Option<String>,
    pub latest: Option<i64>,
    /// latest − baseline, when both are known.
    pub created: Option<i64>,
    /// created ÷ promised in basis points.
    pub share_bp: Option<i64>,
}

/// Compare a promise of `jobs` with the headcount series `(month, headcount)` (sorted).
pub fn realised(jobs: i64, baseline_month: &str, series: &[(String, i64)]) -> Realised {
    let baseline = series
        .iter()
        .rev()
        .find(|(m, _)| m.as_str() <= baseline_month)
        .map(|x| x.1);
    let latest = series.last().filter(|(m, _)| m.as_str() > baseline_month);
    let created = baseline.zip(latest).map(|(b, (_, l))| l - b);
    Realised {
        baseline_month: baseline_month.to_string(),
        baseline,
        latest_month: latest.map(|x| x.0.clone()),
        latest: latest.map(|x| x.1),
        created,
        share_bp: created.filter(|_| jobs > 0).map(|c| c * 10_000 / jobs),
    }
}

/// An assessment as an official fills it in (text, as typed).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ImpactInput {
    pub title: String,
    /// `project` or `policy` (or their labels).
    pub kind: String,
    /// The investing enterprise's credit code (projects).
    #[serde(default)]
    pub credit_code: String,
    /// Region of a policy draft (a project takes its enterprise's).
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub investment_yuan: String,
    pub jobs: String,
    pub pay_yuan: String,
    #[serde(default)]
    pub skilled_jobs: String,
    #[serde(default)]
    pub graduate_jobs: String,
    /// Industry section (GB/T 4754 letter) of the jobs.
    pub industry: String,
}

fn count(field: &str, label: &str, raw: &str, errors: &mut Vec<FieldError>) -> i64 {
    let s = leye_domain::cells::normalize(raw);
    if s.is_empty() {
        return 0;
    }
    match s.replace(',', "").parse::<i64>() {
        Ok(n) if (0..=1_000_000).contains(&n) => n,
        _ => {
            errors.push(FieldError::new(
                field,
                "invalid_number",
                format!("{label}“{s}”应为0到1000000之间的整数"),
            ));
            0
        }
    }
}

fn yuan(field: &str, label: &str, raw: &str, errors: &mut Vec<FieldError>) -> Money {
    let s = leye_domain::cells::normalize(raw);
    if s.is_empty() {
        return Money::default();
    }
    Money::parse_yuan(&s).unwrap_or_else(|e| {
        errors.push(FieldError::new(
            field,
            "invalid_amount",
            format!("{label}: {}", e.0),
        ));
        Money::default()
    })
}

/// Check the input, score it under the method in force `today`, and record it with its
/// explanation (audited). The baseline for the later comparison is the month before.
pub async fn record(
    store: &leye_store::Store,
    scope: &leye_domain::Scope,
    input: &ImpactInput,
    today: NaiveDate,
    actor: &leye_store::Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, SkillsError> {
    let mut errors = Vec::new();
    let title = leye_domain::field::text("title", "评估对象名称", &input.title, 100)
        .unwrap_or_else(|e| {
            errors.push(e);
            String::new()
        });
    let subject = Subject::ALL
        .iter()
        .copied()
        .find(|k| k.code() == input.kind.trim() || k.label_zh() == input.kind.trim());
    if subject.is_none() {
        errors.push(FieldError::new(
            "kind",
            "invalid_choice",
            "评估对象类型应为“重大投资项目”或“政策草案”",
        ));
    }
    let industry = leye_domain::enterprise::Industry::parse_field(
        "industry",
        "行业门类",
        input.industry.trim(),
    )
    .map_err(|e| errors.push(e))
    .ok();
    let investment = yuan(
        "investment_yuan",
        "投资额(元)",
        &input.investment_yuan,
        &mut errors,
    );
    let pay = yuan("pay_yuan", "月薪(元)", &input.pay_yuan, &mut errors);
    let jobs = count("jobs", "岗位数", &input.jobs, &mut errors);
    let skilled_jobs = count(
        "skilled_jobs",
        "技能岗位数",
        &input.skilled_jobs,
        &mut errors,
    );
    let graduate_jobs = count(
        "graduate_jobs",
        "高校毕业生岗位数",
        &input.graduate_jobs,
        &mut errors,
    );
    if skilled_jobs > jobs || graduate_jobs > jobs {
        errors.push(FieldError::new(
            "skilled_jobs",
            "out_of_range",
            "技能岗位数和高校毕业生岗位数都不能大于岗位数",
        ));
    }
    if leye_domain::cells::normalize(&input.jobs).is_empty() {
        errors.push(FieldError::new("jobs", "required", "请填写岗位数"));
    }
    if subject == Some(Subject::Project) && investment.fen() <= 0 {
        errors.push(FieldError::new(
            "investment_yuan",
            "required",
            "重大投资项目请填写投资额(元)",
        ));
    }
    let mut tx = store.begin().await?;
    let mut enterprise_id = None;
    let mut region = None;
    if subject == Some(Subject::Project) {
        let code = leye_domain::cells::credit_code("credit_code", &input.credit_code)?;
        let ids = leye_store::enterprise_ids_by_credit_codes(&mut tx, &[code.as_str()]).await?;
        match ids.get(&code) {
            Some(id) => {
                let e = leye_store::get_enterprise(&mut tx, scope, *id).await?;
                enterprise_id = Some(e.id);
                region = Some(e.region);
            }
            None => errors.push(FieldError::new(
                "credit_code",
                "unknown_enterprise",
                if code.is_empty() {
                    "重大投资项目请填写投资企业的统一社会信用代码(企业须已登记,以便日后比对实际用工)".to_string()
                } else {
                    format!("统一社会信用代码为“{code}”的企业未登记")
                },
            )),
        }
    } else {
        match leye_domain::Regions::huzhou().code(input.region.trim()) {
            Ok(c) => region = Some(c.as_str().to_string()),
            Err(_) => errors.push(FieldError::new(
                "region",
                "unknown_region",
                "请填写政策适用的湖州市区划代码(如330500)",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(SkillsError::Fields(errors));
    }
    let (Some(subject), Some(industry), Some(region)) = (subject, industry, region) else {
        return Err(SkillsError::Fields(errors));
    };
    let promise = Promise {
        subject,
        investment,
        jobs,
        pay,
        skilled_jobs,
        graduate_jobs,
    };
    let a = assess(&promise, today)?;
    let baseline =
        leye_domain::YearMonth::of(today - chrono::Days::new(u64::from(today.day()))).to_string();
    let id = leye_store::create_impact(
        &mut tx,
        scope,
        &leye_store::NewImpact {
            title,
            kind: subject.code().to_string(),
            enterprise_id,
            investment_fen: investment.fen(),
            jobs,
            pay_fen: pay.fen(),
            skilled_jobs,
            graduate_jobs,
            industry: industry.code().to_string(),
            baseline_month: baseline,
            assessed_on: today.to_string(),
            score: a.score,
            explanation: serde_json::to_string(&a).unwrap_or_default(),
            region,
        },
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The assessment as recorded (its explanation), for the report.
pub fn recorded(r: &leye_store::ImpactRecord) -> Option<Assessment> {
    serde_json::from_str(&r.input.explanation).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn project(jobs: i64, yi: i64, pay_yuan: i64, skilled: i64, graduate: i64) -> Promise {
        Promise {
            subject: Subject::Project,
            investment: Money::from_yuan(yi * 100_000_000),
            jobs,
            pay: Money::from_yuan(pay_yuan),
            skilled_jobs: skilled,
            graduate_jobs: graduate,
        }
    }

    #[test]
    fn a_project_that_meets_every_benchmark_scores_full_marks() {
        // 10亿元, 200 jobs (20 per 亿元), pay 2 × 2490, 30% skilled, 30% graduates.
        let a = assess(&project(200, 10, 4980, 60, 60), d("2025-06-01")).unwrap();
        assert_eq!(a.score, 100);
        assert_eq!(a.grade, "优秀");
        assert_eq!(a.parts.len(), 4);
        assert!(a.parts.iter().all(|p| p.points_x100 == p.max * 100));
        assert!(a.parts[0].source.contains("unverified"));
    }

    #[test]
    fn each_dimension_scores_in_proportion_and_caps() {
        // Half the jobs, half the pay, no skilled or graduate posts.
        let a = assess(&project(100, 10, 2490, 0, 0), d("2025-06-01")).unwrap();
        assert_eq!(a.parts[0].points_x100, 2000);
        assert_eq!(a.parts[1].points_x100, 1500);
        assert_eq!(a.score, 35);
        assert_eq!(a.grade, "一般");
        // Twice the benchmark still scores the weight.
        let b = assess(&project(400, 10, 4980, 0, 0), d("2025-06-01")).unwrap();
        assert_eq!(b.parts[0].points_x100, 4000);
        // The minimum wage in force matters: 2280 before 2025.
        let c = assess(&project(200, 10, 4560, 60, 60), d("2024-09-01")).unwrap();
        assert_eq!(c.score, 100);
    }

    #[test]
    fn no_investment_or_no_jobs_scores_zero_not_a_panic() {
        let a = assess(&project(0, 0, 0, 0, 0), d("2025-06-01")).unwrap();
        assert_eq!(a.score, 0);
    }

    #[test]
    fn realised_jobs_from_headcount() {
        let s = vec![
            ("2025-01".to_string(), 500),
            ("2025-06".to_string(), 560),
            ("2026-03".to_string(), 650),
        ];
        let r = realised(200, "2025-02", &s);
        assert_eq!(r.baseline, Some(500));
        assert_eq!(r.created, Some(150));
        assert_eq!(r.share_bp, Some(7_500));
        let none = realised(200, "2026-05", &s);
        assert_eq!(none.created, None);
    }
}
