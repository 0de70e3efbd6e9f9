//! Early warning (预警, plan 二(五)1): rules over the figures with thresholds from
//! `warning.toml`. An alert is raised once per rule, subject and period (a unique key), in the
//! transaction of the data that triggered it where there is one, and reaches people through
//! the outbox (站内通知 per responsible user).

use crate::catalogue::{Catalogue, Rule, hundredths};
use crate::figures::{CITY, Figures, Mon, mon, mon_str, mon_year};
use crate::{MonitorError, warning_params};
use chrono::{DateTime, NaiveDate, Utc};
use leye_domain::Regions;
use leye_domain::enterprise::KeyEnterpriseRule;
use leye_store::{NewAlert, Store, Tx};

/// The bureau that answers for monitoring (二(五)1 names it alone).
pub const MONITOR_OWNER: &str = "市人力社保局";

/// A key enterprise's month-on-month cut that reaches the mass-layoff threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layoff {
    pub before: i64,
    pub after: i64,
}

/// Does a cut from `before` to `after` reach the threshold (≥ `min_people`, or ≥
/// `min_share_permille` of `before`)?
pub fn is_mass_layoff(before: i64, after: i64, min_people: i64, min_share_permille: i64) -> bool {
    let cut = before - after;
    cut > 0 && (cut >= min_people || cut * 1000 >= min_share_permille * before)
}

/// Check the headcount reports of `enterprise` (all enterprises when `None`) from `month` on,
/// inside the caller's transaction; returns the ids of new alerts.
pub async fn check_layoffs(
    tx: &mut Tx,
    enterprise: Option<i64>,
    month: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, MonitorError> {
    let p = warning_params()?;
    let (min_people, people_use) = p.int_at("layoff_min_people", today)?;
    let (min_share, share_use) = p.int_at("layoff_min_share_permille", today)?;
    let rule = KeyEnterpriseRule::current();
    let from = mon(month).ok_or_else(|| MonitorError::Data(format!("月份格式错误: {month}")))?;
    let rows = leye_store::monitor_headcounts(tx, &mon_str(from - 1), enterprise).await?;
    let mut raised = Vec::new();
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.enterprise_id != b.enterprise_id || mon(&a.month).map(|m| m + 1) != mon(&b.month) {
            continue;
        }
        let key_enterprise = b.designated
            || b.investment_fen >= rule.min_investment_fen.value
            || a.headcount >= i64::from(rule.min_staff.value);
        if !key_enterprise || !is_mass_layoff(a.headcount, b.headcount, min_people, min_share) {
            continue;
        }
        let cut = a.headcount - b.headcount;
        let share = crate::catalogue::round_div(cut * 10_000, a.headcount.max(1));
        let both = cut >= min_people && cut * 1000 >= min_share * a.headcount;
        let alert = NewAlert {
            rule: "layoff",
            key: format!("layoff:{}:{}", b.enterprise_id, b.month),
            severity: if both { "red" } else { "orange" },
            region: b.region.clone(),
            owner: MONITOR_OWNER.into(),
            month: b.month.clone(),
            title: format!("重点企业减员: {}", b.name),
            detail: format!(
                "{}{}用工{}人,比上月{}人减少{}人({}%{}),达到经济性裁员标准(减员{}人以上,或{}‰以上;{};{})。请核实企业是否依法提前三十日说明情况并报告,做好岗位对接和失业登记服务。",
                b.name,
                b.month,
                b.headcount,
                a.headcount,
                cut,
                hundredths(share),
                b.loss_cause
                    .as_deref()
                    .and_then(leye_domain::enterprise::LossCause::from_code)
                    .map(|c| format!(",原因: {}", c.label_zh()))
                    .unwrap_or_default(),
                min_people,
                min_share,
                people_use.source,
                share_use.source
            ),
        };
        if let Some(id) = leye_store::raise_alert(tx, &alert, now).await? {
            raised.push(id);
        }
    }
    Ok(raised)
}

/// Check one month of the surveyed rate as entered (form, API, CLI): `YYYY-MM` not after
/// `now`, the city or a county, a percentage 0–100 with at most two decimals (`4.8`, `4.8%`), a
/// source. The refusal is (field, code, Chinese reason).
pub fn surveyed_row(
    month: &str,
    region: Option<&str>,
    rate: &str,
    source: &str,
    now: Mon,
) -> Result<leye_store::SurveyedRate, (&'static str, &'static str, String)> {
    let month = month.trim();
    match crate::figures::mon_exact(month) {
        None => {
            return Err((
                "month",
                "invalid_month",
                format!("月份“{month}”格式不正确(应为YYYY-MM)"),
            ));
        }
        Some(m) if m > now => return Err(("month", "future", format!("月份{month}尚未到来"))),
        Some(_) => {}
    }
    let region = region
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(CITY);
    if region != CITY && !(region.len() == 6 && Regions::huzhou().get(region).is_some()) {
        return Err((
            "region",
            "unknown_region",
            format!("地区“{region}”应为全市(330500)或区县代码"),
        ));
    }
    let bp = leye_domain::Money::parse_yuan(rate.trim().trim_end_matches('%'))
        .ok()
        .map(|m| m.fen())
        .filter(|bp| (0..=10_000).contains(bp))
        .ok_or_else(|| {
            (
                "rate",
                "invalid_rate",
                format!("失业率“{}”应为0到100之间的百分数,最多两位小数", rate.trim()),
            )
        })?;
    let source = source.trim();
    if source.is_empty() || source.chars().count() > 200 {
        return Err((
            "source",
            "invalid_source",
            "请填写数据来源(不超过200字)".into(),
        ));
    }
    Ok(leye_store::SurveyedRate {
        month: month.to_string(),
        region: region.to_string(),
        rate_bp: bp,
        source: source.to_string(),
    })
}

/// The surveyed unemployment rate at or above its ceiling, or rising fast.
pub async fn check_surveyed(
    tx: &mut Tx,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, MonitorError> {
    let p = warning_params()?;
    let (max, max_use) = p.int_at("surveyed_rate_max_bp", today)?;
    let (rise, rise_use) = p.int_at("surveyed_rise_bp", today)?;
    let rates = leye_store::surveyed_rates(tx).await?;
    let regions = Regions::huzhou();
    let mut raised = Vec::new();
    for (i, r) in rates.iter().enumerate() {
        let before = i
            .checked_sub(1)
            .map(|j| &rates[j])
            .filter(|b| b.region == r.region && mon(&b.month).map(|m| m + 1) == mon(&r.month));
        let name = regions.full_name(&r.region);
        let alert = |sev: &'static str, what: &str, detail: String| NewAlert {
            rule: "surveyed_rate",
            key: format!("surveyed:{what}:{}:{}", r.region, r.month),
            severity: sev,
            region: r.region.clone(),
            owner: MONITOR_OWNER.into(),
            month: r.month.clone(),
            title: format!("{name}城镇调查失业率{}%", hundredths(r.rate_bp)),
            detail,
        };
        let mut found = Vec::new();
        if r.rate_bp >= max {
            found.push(alert(
                "red",
                "ceiling",
                format!(
                    "{name}{}城镇调查失业率{}%,达到或超过控制目标{}%({})。",
                    r.month,
                    hundredths(r.rate_bp),
                    hundredths(max),
                    max_use.source
                ),
            ));
        }
        if let Some(b) = before.filter(|b| r.rate_bp - b.rate_bp >= rise) {
            found.push(alert(
                "orange",
                "rise",
                format!(
                    "{name}{}城镇调查失业率{}%,比上月{}%上升{}个百分点,达到快速上升预警线{}个百分点({})。",
                    r.month,
                    hundredths(r.rate_bp),
                    hundredths(b.rate_bp),
                    hundredths(r.rate_bp - b.rate_bp),
                    hundredths(rise),
                    rise_use.source
                ),
            ));
        }
        for a in found {
            if let Some(id) = leye_store::raise_alert(tx, &a, now).await? {
                raised.push(id);
            }
        }
    }
    Ok(raised)
}

/// Zero-employment households still not cleared after their deadline.
pub async fn check_zero_overdue(
    tx: &mut Tx,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, MonitorError> {
    let regions = Regions::huzhou();
    let mut raised = Vec::new();
    for (household, region, identified, deadline, cleared) in
        leye_store::monitor_zero_spells(tx).await?
    {
        if cleared.is_some() || deadline.as_str() >= today.to_string().as_str() {
            continue;
        }
        let a = NewAlert {
            rule: "zero_overdue",
            key: format!("zero_overdue:{household}:{identified}"),
            severity: "orange",
            region: region.clone(),
            owner: MONITOR_OWNER.into(),
            month: today.format("%Y-%m").to_string(),
            title: format!("零就业家庭逾期未清零({})", regions.full_name(&region)),
            detail: format!(
                "家庭{household}于{identified}认定为零就业家庭,应于{deadline}前实现至少一人就业,现已逾期。请落实公益性岗位托底或岗位推荐(方案 一: 零就业家庭实现动态清零)。"
            ),
        };
        if let Some(id) = leye_store::raise_alert(tx, &a, now).await? {
            raised.push(id);
        }
    }
    Ok(raised)
}

/// Counties whose 求人倍率 left its band in `month`, and targets whose year-end projection
/// falls short, from freshly computed figures.
pub async fn check_figures(
    tx: &mut Tx,
    figures: &Figures,
    month: Mon,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, MonitorError> {
    let p = warning_params()?;
    let (low, low_use) = p.int_at("ratio_low_permille", today)?;
    let (high, high_use) = p.int_at("ratio_high_permille", today)?;
    let (min_seekers, _) = p.int_at("ratio_min_seekers", today)?;
    let (first_month, first_use) = p.int_at("target_first_month", today)?;
    let regions = Regions::huzhou();
    let mut raised = Vec::new();
    let m = mon_str(month);
    for county in regions.children(CITY) {
        let Some((demand, seekers)) = figures.get("job_ratio", &county.code, month) else {
            continue;
        };
        if seekers < min_seekers {
            continue;
        }
        let permille = demand * 1000 / seekers.max(1);
        let (what, bound, source) = if permille < low {
            ("low", low, &low_use.source)
        } else if permille > high {
            ("high", high, &high_use.source)
        } else {
            continue;
        };
        let a = NewAlert {
            rule: "job_ratio",
            key: format!("job_ratio:{what}:{}:{m}", county.code),
            severity: "yellow",
            region: county.code.clone(),
            owner: MONITOR_OWNER.into(),
            month: m.clone(),
            title: format!(
                "{}求人倍率{}",
                county.name,
                if what == "low" { "偏低" } else { "偏高" }
            ),
            detail: format!(
                "{}{m}求人倍率{}(岗位需求{}人 ÷ 求职{}人),{}预警线{}({source})。",
                county.name,
                hundredths(permille / 10),
                demand,
                seekers,
                if what == "low" { "低于" } else { "高于" },
                hundredths(bound / 10),
            ),
        };
        if let Some(id) = leye_store::raise_alert(tx, &a, now).await? {
            raised.push(id);
        }
    }
    // Targets: projection of the year's total from the months so far.
    let months_in = month.rem_euclid(12) + 1;
    if i64::from(months_in) >= first_month {
        for t in Catalogue::current()
            .targets
            .iter()
            .filter(|t| t.rule == Rule::AtLeast)
        {
            let Some(progress) = crate::targets::progress(figures, t, CITY, month) else {
                continue;
            };
            if progress.projection >= progress.target {
                continue;
            }
            let a = NewAlert {
                rule: "target_short",
                key: format!("target:{}:{m}", t.id),
                severity: if progress.projection * 10 < progress.target * 8 {
                    "red"
                } else {
                    "orange"
                },
                region: CITY.into(),
                owner: t.lead.clone(),
                month: m.clone(),
                title: format!("年度目标预计难以完成: {}", t.name),
                detail: format!(
                    "{}年1-{}月{}累计{}{},按此进度全年预计{}{},低于目标{}{}({})。其余{}个月每月需完成{}{}。预测从每年第{}个月起({})。",
                    mon_year(month),
                    months_in,
                    t.name,
                    progress.actual,
                    t.unit,
                    progress.projection,
                    t.unit,
                    progress.target,
                    t.unit,
                    t.source,
                    12 - months_in,
                    progress.pace_needed,
                    t.unit,
                    first_month,
                    first_use.source
                ),
            };
            if let Some(id) = leye_store::raise_alert(tx, &a, now).await? {
                raised.push(id);
            }
        }
    }
    Ok(raised)
}

/// Deliver alert tasks of the outbox: one notice per user who should see the alert. A crash
/// repeats a task; a notice is written once per user.
pub async fn deliver(store: &Store, now: DateTime<Utc>) -> Result<usize, MonitorError> {
    let mut delivered = 0;
    loop {
        let mut tx = store.begin_read().await?;
        let tasks = leye_store::outbox_pending(&mut tx, "alert", 50, 5).await?;
        tx.commit().await?;
        if tasks.is_empty() {
            return Ok(delivered);
        }
        for t in tasks {
            let mut tx = store.begin().await?;
            if !leye_store::outbox_claim(&mut tx, t.id).await? {
                continue;
            }
            let id: i64 = t.payload.trim().parse().unwrap_or(0);
            let users = leye_store::alert_recipients(&mut tx, id).await?;
            delivered += leye_store::add_alert_notices(&mut tx, id, &users, now).await?;
            leye_store::outbox_done(&mut tx, t.id, now).await?;
            tx.commit().await?;
        }
    }
}

/// The daily checks: overdue zero-employment households, and everything the month's figures
/// say (after a refresh).
pub async fn daily(
    store: &Store,
    figures: &Figures,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, MonitorError> {
    let mut tx = store.begin().await?;
    // Headcounts that arrived by any path (bulk loads included) over the last two years.
    let from = mon_str(crate::figures::mon_of(today) - 24);
    let mut n = check_layoffs(&mut tx, None, &from, today, now).await?.len();
    n += check_zero_overdue(&mut tx, today, now).await?.len();
    n += check_surveyed(&mut tx, today, now).await?.len();
    // The month just ended is the last complete one.
    let last = crate::figures::mon_of(today) - 1;
    n += check_figures(&mut tx, figures, last, today, now)
        .await?
        .len();
    tx.commit().await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surveyed_rows_are_checked_field_by_field() {
        let now = mon("2026-11").unwrap();
        let ok = surveyed_row("2026-10", None, "4.8%", "国家统计局湖州调查队", now).unwrap();
        assert_eq!((ok.region.as_str(), ok.rate_bp), (CITY, 480));
        for (month, region, rate, source, field) in [
            ("2026-12", None, "4", "x", "month"),
            ("2026/10", None, "4", "x", "month"),
            ("2026-10", Some("330599"), "4", "x", "region"),
            ("2026-10", Some("330502001"), "4", "x", "region"),
            ("2026-10", None, "100.01", "x", "rate"),
            ("2026-10", None, "-1", "x", "rate"),
            ("2026-10", None, "4.855", "x", "rate"),
            ("2026-10", None, "4", " ", "source"),
        ] {
            let e = surveyed_row(month, region, rate, source, now).unwrap_err();
            assert_eq!(e.0, field, "{month} {region:?} {rate} {source}: {}", e.2);
        }
    }

    proptest::proptest! {
        #[test]
        fn surveyed_rows_never_panic(m in "\\PC{0,10}", r in "\\PC{0,10}", s in "\\PC{0,5}") {
            let _ = surveyed_row(&m, Some(&r), &r, &s, 0);
        }
    }

    #[test]
    fn layoff_threshold_follows_article_41() {
        // 20 people, whatever the size
        assert!(is_mass_layoff(1000, 980, 20, 100));
        assert!(!is_mass_layoff(1000, 981, 20, 100));
        // fewer than 20 but at least 10%
        assert!(is_mass_layoff(150, 135, 20, 100));
        assert!(!is_mass_layoff(150, 136, 20, 100));
        // growth or no change never
        assert!(!is_mass_layoff(100, 100, 20, 100));
        assert!(!is_mass_layoff(0, 0, 20, 100));
        assert!(!is_mass_layoff(100, 130, 20, 100));
    }
}
