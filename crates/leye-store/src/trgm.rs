//! The comparison side of `leye bench search`: the same postings in a PostgreSQL table with a
//! trigram GIN index (`pg_trgm`), queried the way a team already on PostgreSQL would (ILIKE +
//! filters + ORDER BY + LIMIT, and a COUNT for the page's total). Benchmark only.

use crate::StoreError;
use sqlx::Connection;

/// One row of the comparison table.
pub struct TrgmRow {
    pub id: i64,
    pub text: String,
    pub region: String,
    pub pay_max: i64,
    pub posted: chrono::NaiveDate,
    pub valid_until: chrono::NaiveDate,
    pub lat: f64,
    pub lon: f64,
    pub gig: bool,
    pub quality: bool,
}

/// One query in SQL terms.
#[derive(Default)]
pub struct TrgmQuery {
    pub text: Option<String>,
    pub region_prefix: Option<String>,
    pub pay_at_least: Option<i64>,
    /// (lat min, lat max, lon min, lon max)
    pub bbox: Option<(f64, f64, f64, f64)>,
    pub quality_only: bool,
    pub gig: Option<bool>,
    /// "posted", "pay" or "id"
    pub order: &'static str,
    pub offset: i64,
    pub today: chrono::NaiveDate,
}

/// A connection holding the comparison table.
pub struct TrgmBench {
    conn: sqlx::PgConnection,
}

impl TrgmBench {
    /// Connect and (re)create the table.
    pub async fn create(url: &str) -> Result<Self, StoreError> {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        for s in [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            "DROP TABLE IF EXISTS bench_postings",
            "CREATE UNLOGGED TABLE bench_postings (id BIGINT PRIMARY KEY, text TEXT NOT NULL, region TEXT NOT NULL, \
             pay_max BIGINT NOT NULL, posted TEXT NOT NULL, valid_until TEXT NOT NULL, lat DOUBLE PRECISION NOT NULL, \
             lon DOUBLE PRECISION NOT NULL, gig BOOLEAN NOT NULL, quality BOOLEAN NOT NULL)",
        ] {
            sqlx::raw_sql(s).execute(&mut conn).await?;
        }
        Ok(Self { conn })
    }

    /// Insert rows (one statement per call).
    pub async fn insert(&mut self, rows: &[TrgmRow]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut qb = sqlx::QueryBuilder::<sqlx::Postgres>::new(
            "INSERT INTO bench_postings (id, text, region, pay_max, posted, valid_until, lat, lon, gig, quality) ",
        );
        qb.push_values(rows, |mut b, p| {
            b.push_bind(p.id)
                .push_bind(&p.text)
                .push_bind(&p.region)
                .push_bind(p.pay_max)
                .push_bind(p.posted.to_string())
                .push_bind(p.valid_until.to_string())
                .push_bind(p.lat)
                .push_bind(p.lon)
                .push_bind(p.gig)
                .push_bind(p.quality);
        });
        qb.build().execute(&mut self.conn).await?;
        Ok(())
    }

    /// Build the trigram and region indexes.
    pub async fn index(&mut self) -> Result<(), StoreError> {
        for s in [
            "CREATE INDEX bench_postings_trgm ON bench_postings USING gin (text gin_trgm_ops)",
            "CREATE INDEX bench_postings_region ON bench_postings (region text_pattern_ops)",
            "ANALYZE bench_postings",
        ] {
            sqlx::raw_sql(s).execute(&mut self.conn).await?;
        }
        Ok(())
    }

    /// Run one query: the page and the count.
    pub async fn query(&mut self, q: &TrgmQuery) -> Result<(), StoreError> {
        let mut w = vec!["valid_until >= $1".to_string()];
        let mut n = 1;
        let mut ph = || {
            n += 1;
            format!("${n}")
        };
        let text_ph = q.text.as_ref().map(|_| ph());
        let region_ph = q.region_prefix.as_ref().map(|_| ph());
        let pay_ph = q.pay_at_least.map(|_| ph());
        if let Some(p) = &text_ph {
            w.push(format!("text ILIKE {p}"));
        }
        if let Some(p) = &region_ph {
            w.push(format!("region LIKE {p}"));
        }
        if let Some(p) = &pay_ph {
            w.push(format!("pay_max >= {p}"));
        }
        if let Some((a, b, c, d)) = q.bbox {
            w.push(format!(
                "lat BETWEEN {a} AND {b} AND lon BETWEEN {c} AND {d}"
            ));
        }
        if q.quality_only {
            w.push("quality".into());
        }
        if let Some(g) = q.gig {
            w.push(format!("gig = {g}"));
        }
        let order = match q.order {
            "posted" => "posted DESC, id DESC",
            "pay" => "pay_max DESC, id DESC",
            _ => "id DESC",
        };
        let w = w.join(" AND ");
        for sql in [
            format!(
                "SELECT id FROM bench_postings WHERE {w} ORDER BY {order} LIMIT 20 OFFSET {}",
                q.offset.max(0)
            ),
            format!("SELECT COUNT(*) FROM bench_postings WHERE {w}"),
        ] {
            // Only numbers and placeholders are formatted in; every text is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(q.today.to_string());
            if let Some(t) = &q.text {
                query = query.bind(crate::sql::like_contains(t));
            }
            if let Some(r) = &q.region_prefix {
                query = query.bind(format!("{r}%"));
            }
            if let Some(p) = q.pay_at_least {
                query = query.bind(p);
            }
            query.fetch_all(&mut self.conn).await?;
        }
        Ok(())
    }

    /// Drop the table.
    pub async fn drop_table(mut self) -> Result<(), StoreError> {
        sqlx::raw_sql("DROP TABLE IF EXISTS bench_postings")
            .execute(&mut self.conn)
            .await?;
        Ok(())
    }
}
