//! Labour-market figures from the job market's records: demand and supply per occupation and
//! county for a period (the 求人倍率 inputs), and the published shortage-occupation lists
//! (紧缺工种目录).

use crate::jobs::invalid;
use crate::sql::{Arg, RowExt, q, ts};
use crate::{Actor, StoreError, Tx, audit};
use leye_domain::shortage::{ShortageLine, ShortageRule};

/// People wanted per (occupation, county) by postings open at some time in `from..=to`.
pub async fn market_demand(
    tx: &mut Tx,
    from: &str,
    to: &str,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT occupation, SUBSTR(region, 1, 6) AS county, CAST(SUM(headcount) AS BIGINT) AS n FROM postings \
             WHERE published_on <= $2 AND (CASE WHEN closed_on IS NULL THEN valid_until ELSE closed_on END) >= $1 \
             GROUP BY occupation, SUBSTR(region, 1, 6) ORDER BY occupation, county"
                .into(),
            &[Arg::Text(from.into()), Arg::Text(to.into())],
        ),
        |r| Ok((r.text("occupation")?, r.text("county")?, r.int("n")?)),
    )
    .await
}

/// Active job seekers registered by `to`: (county, wanted occupation codes).
pub async fn market_seekers(
    tx: &mut Tx,
    to: &str,
) -> Result<Vec<(String, Vec<String>)>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT SUBSTR(region, 1, 6) AS county, occupations FROM job_seekers \
             WHERE active = 1 AND (registered_on IS NULL OR registered_on <= $1)"
                .into(),
            &[Arg::Text(to.into())],
        ),
        |r| {
            Ok((
                r.text("county")?,
                r.text("occupations")?
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            ))
        },
    )
    .await
}

/// A published list's heading.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShortageListRecord {
    pub quarter: String,
    pub ratio_permille: i64,
    pub min_demand: i64,
    pub source: String,
    pub published_by: String,
    pub published_at: String,
}

/// Publish a quarter's list with every line behind it; a quarter is published once.
pub async fn publish_shortage(
    tx: &mut Tx,
    quarter: &str,
    rule: ShortageRule,
    source: &str,
    lines: &[ShortageLine],
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let done = sqlx::query("SELECT quarter FROM shortage_lists WHERE quarter = $1")
        .bind(quarter)
        .fetch_optional(&mut **tx)
        .await?;
    if done.is_some() {
        return Err(invalid(
            "quarter",
            "already_published",
            format!("{quarter}的紧缺工种目录已发布,不能重复发布"),
        ));
    }
    sqlx::query(
        "INSERT INTO shortage_lists (quarter, ratio_permille, min_demand, source, published_by, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(quarter)
    .bind(rule.ratio_permille)
    .bind(rule.min_demand)
    .bind(source)
    .bind(&actor.name)
    .bind(ts(now))
    .execute(&mut **tx)
    .await?;
    for l in lines {
        sqlx::query(
            "INSERT INTO shortage_lines (quarter, occupation, region, demand, supply, ratio_permille, shortage) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(quarter)
        .bind(&l.occupation)
        .bind(&l.region)
        .bind(l.demand)
        .bind(l.supply)
        .bind(l.ratio_permille)
        .bind(i64::from(l.shortage))
        .execute(&mut **tx)
        .await?;
    }
    let short = lines.iter().filter(|l| l.shortage).count();
    audit::record(
        tx,
        now,
        actor,
        "shortage_publish",
        "shortage_lists",
        0,
        &format!("{quarter}: {short}个紧缺工种(共{}行)", lines.len()),
    )
    .await
}

/// The quarters with a published list, newest first.
pub async fn shortage_quarters(tx: &mut Tx) -> Result<Vec<ShortageListRecord>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT quarter, ratio_permille, min_demand, source, published_by, published_at FROM shortage_lists \
             ORDER BY quarter DESC"
                .into(),
            &[],
        ),
        |r| {
            Ok(ShortageListRecord {
                quarter: r.text("quarter")?,
                ratio_permille: r.int("ratio_permille")?,
                min_demand: r.int("min_demand")?,
                source: r.text("source")?,
                published_by: r.text("published_by")?,
                published_at: r.text("published_at")?,
            })
        },
    )
    .await
}

/// The lines of a published quarter, shortage lines first.
pub async fn shortage_lines(tx: &mut Tx, quarter: &str) -> Result<Vec<ShortageLine>, StoreError> {
    crate::sql::all(
        tx,
        q(
            "SELECT occupation, region, demand, supply, ratio_permille, shortage FROM shortage_lines \
             WHERE quarter = $1 ORDER BY shortage DESC, CASE WHEN ratio_permille IS NULL THEN 1 ELSE 0 END DESC, \
             ratio_permille DESC, demand DESC, occupation, region"
                .into(),
            &[Arg::Text(quarter.into())],
        ),
        |r| {
            Ok(ShortageLine {
                occupation: r.text("occupation")?,
                region: r.text("region")?,
                demand: r.int("demand")?,
                supply: r.int("supply")?,
                ratio_permille: r.opt_int("ratio_permille")?,
                shortage: r.flag("shortage")?,
            })
        },
    )
    .await
}
