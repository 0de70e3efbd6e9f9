//! `leye jobs ...` (the push worker, the occupation table, expiring postings, the shortage list)
//! and the job-market
//! benchmarks `leye bench search` and `leye bench match`.

use crate::{DEFAULT_DB, open, today};
use anyhow::{Context, Result, bail};
use chrono::Utc;
use leye_jobs::index::{SearchIndex, SearchQuery, Sort};
use leye_jobs::matching;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Subcommand)]
pub enum JobsCommand {
    /// 处理发件箱:把新岗位推送给匹配的求职者(站内信+短信日志),直到处理完(可随时中断,重跑不重复) / Run the push outbox until it is empty
    Push {
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// 导入职业分类大典(XLSX 或 CSV:职业编码、职业名称、上级编码、数字职业、绿色职业、已废止、来源) / Import the occupation table
    Occupations {
        file: std::path::PathBuf,
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// 关闭已过有效期的岗位 / Close postings past their validity
    Expire {
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
    /// 紧缺工种目录:按季度计算求人倍率并打印(CSV);--publish 发布已结束的季度 / The quarter's shortage-occupation list
    Shortage {
        /// 季度,如 2026Q3(默认本季度) / Quarter, e.g. 2026Q3 (default: this quarter)
        #[arg(long)]
        quarter: Option<String>,
        /// 发布(季度结束后,每季度一次) / Publish (after the quarter, once)
        #[arg(long)]
        publish: bool,
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
    },
}

pub async fn run(command: JobsCommand) -> Result<ExitCode> {
    match command {
        JobsCommand::Push { db } => {
            let store = open(&db).await?;
            let now = Utc::now();
            let sms = leye_jobs::push::LoggingSms {
                store: store.clone(),
                now,
            };
            // The crash test kills the worker right after this line.
            eprintln!("开始推送 / pushing");
            let r = leye_jobs::push::run(&store, &sms, now, today()).await?;
            println!("{}", serde_json::to_string(&r)?);
            Ok(ExitCode::SUCCESS)
        }
        JobsCommand::Occupations { file, db } => {
            let store = open(&db).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("occupations.xlsx");
            match leye_jobs::import_occupations(
                &store,
                name,
                &bytes,
                &leye_store::Actor::system("cli jobs occupations"),
                Utc::now(),
            )
            .await
            {
                Ok((new, changed)) => {
                    println!("{}", serde_json::json!({"new": new, "changed": changed}));
                    Ok(ExitCode::SUCCESS)
                }
                Err(leye_jobs::JobsError::Fields(errs)) => {
                    for e in errs.iter().take(200) {
                        eprintln!("{}", e.message);
                    }
                    eprintln!("共{}处错误,未导入任何记录 / nothing imported", errs.len());
                    Ok(ExitCode::from(2))
                }
                Err(e) => Err(e.into()),
            }
        }
        JobsCommand::Shortage {
            quarter,
            publish,
            db,
        } => {
            use leye_domain::shortage::Quarter;
            let q = match quarter {
                Some(raw) => match Quarter::parse(&raw) {
                    Ok(q) => q,
                    Err(e) => {
                        eprintln!("{e}");
                        return Ok(ExitCode::from(2));
                    }
                },
                None => Quarter::of(today()),
            };
            let store = open(&db).await?;
            if publish {
                let actor = leye_store::Actor::system("cli jobs shortage");
                match leye_jobs::shortage::publish(&store, q, today(), &actor, Utc::now()).await {
                    Ok(n) => eprintln!("{}紧缺工种目录已发布:{n}行列为紧缺", q.label_zh()),
                    Err(leye_jobs::JobsError::Fields(errs)) => {
                        for e in &errs {
                            eprintln!("{}", e.message);
                        }
                        return Ok(ExitCode::from(2));
                    }
                    Err(leye_jobs::JobsError::Store(leye_store::StoreError::Invalid(e))) => {
                        eprintln!("{}", e.message);
                        return Ok(ExitCode::from(2));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            let (_, source, lines) = leye_jobs::shortage::compute(&store, q).await?;
            let names = leye_jobs::occupation_names(&store).await?;
            println!("季度,职业编码,职业,地区,需求人数,求职人数,求人倍率,紧缺");
            for l in &lines {
                println!(
                    "{q},{},{},{},{},{},{},{}",
                    l.occupation,
                    names.get(&l.occupation).map_or("", String::as_str),
                    leye_domain::Regions::huzhou().full_name(&l.region),
                    l.demand,
                    l.supply,
                    l.ratio_text(),
                    if l.shortage { "是" } else { "否" }
                );
            }
            eprintln!("依据 / rule: {source}");
            Ok(ExitCode::SUCCESS)
        }
        JobsCommand::Expire { db } => {
            let store = open(&db).await?;
            let mut tx = store.begin().await?;
            let n = leye_store::expire_postings(
                &mut tx,
                &today().to_string(),
                &leye_store::Actor::system("cli jobs expire"),
                Utc::now(),
            )
            .await?;
            tx.commit().await?;
            println!("{}", serde_json::json!({"closed": n}));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A realistic query mix: Chinese keywords from the trades, filters, places, sorts.
fn queries(n: usize, today: chrono::NaiveDate, seed: u64) -> Vec<SearchQuery> {
    let towns: Vec<&leye_domain::Region> = leye_domain::Regions::huzhou()
        .all()
        .filter(|r| r.level == leye_domain::region::RegionLevel::Township)
        .collect();
    let counties = ["330502", "330503", "330521", "330522", "330523"];
    let words: Vec<&str> = leye_synth::jobs::KINDS
        .iter()
        .flat_map(|k| k.titles.iter().chain(k.words.iter()).copied())
        .chain([
            "车床",
            "电商",
            "焊工",
            "叉车",
            "保安",
            "厨师",
            "会计",
            "外卖",
            "包吃住",
            "童装",
        ])
        .collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ seed;
    let mut next = move |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as usize
    };
    (0..n)
        .map(|_| {
            let mut q = SearchQuery {
                today: today.to_string(),
                limit: 20,
                ..Default::default()
            };
            if next(10) < 8 {
                q.q = words[next(words.len())].to_string();
            }
            if next(10) < 3 {
                q.region = Some(counties[next(counties.len())].to_string());
            }
            if next(10) < 2 {
                q.pay_at_least_fen = Some(500_000 + 100_000 * next(5) as i64);
            }
            if next(10) < 3 {
                let t = towns[next(towns.len())];
                q.near = Some((t.lat, t.lon, [5.0, 10.0, 20.0][next(3)]));
            }
            if next(10) == 0 {
                q.quality_only = true;
            }
            if next(10) == 0 {
                q.gig = Some(true);
            }
            q.sort = match next(10) {
                0 => Sort::Newest,
                1 => Sort::Pay,
                2 if q.near.is_some() => Sort::Distance,
                _ => Sort::Relevance,
            };
            if next(10) == 0 {
                q.offset = 20 * (1 + next(4));
            }
            q
        })
        .collect()
}

/// `leye bench search`: build the index over synthetic postings, run the query mix in
/// process, then the same queries on PostgreSQL with a trigram GIN index.
pub async fn bench_search(
    postings: usize,
    n: usize,
    pg: Option<String>,
    pg_queries: usize,
) -> Result<()> {
    let today = today();
    let dir = std::env::temp_dir().join(format!("leye-bench-index-{}", std::process::id()));
    let names: leye_jobs::index::OccupationNames = leye_domain::jobs::builtin_occupations()
        .iter()
        .map(|o| (o.code.clone(), o.name.clone()))
        .collect();
    let idx = SearchIndex::in_dir(&dir)?;
    let t = Instant::now();
    let mut batch = Vec::with_capacity(100_000);
    for p in leye_synth::jobs::posting_records(postings, 20240711, today) {
        batch.push(p);
        if batch.len() == 100_000 {
            idx.apply(&batch, &names, &today.to_string())?;
            batch.clear();
        }
    }
    idx.apply(&batch, &names, &today.to_string())?;
    let build_s = t.elapsed().as_secs_f64();
    println!(
        "索引 / index: {} postings in {build_s:.1} s, {:.0} MiB on disk",
        idx.len(),
        idx.size_bytes() as f64 / 1048576.0
    );
    // Warm-up: a thousand other queries of the same mix first (page cache, allocator, the
    // background merges of the last commit), as a server that has been up a while.
    let t = Instant::now();
    for q in queries(1000, today, 1) {
        idx.search(&q)?;
    }
    println!(
        "预热 / warm-up: 1000 queries in {:.1} s, {} segments",
        t.elapsed().as_secs_f64(),
        idx.segments()
    );
    let qs = queries(n, today, 0);
    let mut lat = Vec::with_capacity(n);
    let mut hits = 0usize;
    let t = Instant::now();
    for q in &qs {
        let s = Instant::now();
        let r = idx.search(q)?;
        lat.push(s.elapsed().as_secs_f64() * 1000.0);
        hits += r.total;
    }
    let total_s = t.elapsed().as_secs_f64();
    // Where the tail comes from: the same latencies by kind of query.
    let mut classes: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for (q, ms) in qs.iter().zip(&lat) {
        let kind = format!(
            "{}{}{}",
            if q.q.is_empty() {
                "filters-only"
            } else {
                "keywords"
            },
            if q.near.is_some() { "+radius" } else { "" },
            match q.sort {
                Sort::Relevance => "",
                Sort::Newest => "+newest",
                Sort::Pay => "+pay",
                Sort::Distance => "+distance",
            }
        );
        classes.entry(kind).or_default().push(*ms);
    }
    for (kind, mut v) in classes {
        v.sort_by(f64::total_cmp);
        println!(
            "  {kind:<32} n={:<5} p50 {:.2} ms, p99 {:.2} ms",
            v.len(),
            percentile(&v, 0.5),
            percentile(&v, 0.99)
        );
    }
    let mut slow: Vec<(f64, &SearchQuery)> = lat.iter().copied().zip(&qs).collect();
    slow.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, q) in slow.iter().take(8) {
        println!(
            "  慢 / slow {ms:>6.2} ms  q={:?} region={:?} near={:?} sort={:?} pay={:?}",
            q.q, q.region, q.near, q.sort, q.pay_at_least_fen
        );
    }
    lat.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
    let qps = n as f64 / total_s;
    println!(
        "tantivy+jieba: {n} queries, p50 {p50:.2} ms, p99 {p99:.2} ms, {qps:.0} queries/s (one thread), {:.0} matches per query",
        hits as f64 / n.max(1) as f64
    );
    let rss = crate::bench::peak_rss_mib().unwrap_or(f64::NAN);
    println!("峰值内存 / peak RSS: {rss:.0} MiB (index + generator + queries)");
    let (tp50, tp99) = match pg {
        Some(url) => pg_trgm(&url, postings, &qs[..pg_queries.min(qs.len())], today).await?,
        None => {
            bail!("需要 PostgreSQL 来对比 pg_trgm:用 --pg postgres://... 或设置 LEYE_TEST_PG_URL")
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "bench=search postings={postings} queries={n} build_s={build_s:.1} p50_ms={p50:.3} p99_ms={p99:.3} qps={qps:.0} rss_mib={rss:.0} pg_trgm_queries={} pg_trgm_p50_ms={tp50:.1} pg_trgm_p99_ms={tp99:.1} speedup_p99={:.0}",
        pg_queries.min(qs.len()),
        tp99 / p99
    );
    Ok(())
}

/// The same postings in a PostgreSQL table with a trigram GIN index; the same queries as
/// ILIKE + filters + ORDER BY + LIMIT and a COUNT (what the page shows).
async fn pg_trgm(
    url: &str,
    postings: usize,
    qs: &[SearchQuery],
    today: chrono::NaiveDate,
) -> Result<(f64, f64)> {
    use leye_store::trgm::{TrgmBench, TrgmQuery, TrgmRow};
    let mut b = TrgmBench::create(url)
        .await
        .with_context(|| format!("无法在 PostgreSQL 建立对比表 {url}"))?;
    let t = Instant::now();
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(today);
    let mut rows = leye_synth::jobs::posting_records(postings, 20240711, today).peekable();
    while rows.peek().is_some() {
        let chunk: Vec<TrgmRow> = rows
            .by_ref()
            .take(5_000)
            .map(|p| TrgmRow {
                id: p.id,
                text: format!("{} {} {}", p.title, p.enterprise_name, p.description),
                region: p.region.clone(),
                pay_max: p.monthly_max_fen,
                posted: date(&p.published_on),
                valid_until: date(&p.valid_until),
                lat: p.lat,
                lon: p.lon,
                gig: p.gig,
                quality: p.quality,
            })
            .collect();
        b.insert(&chunk).await?;
    }
    b.index().await?;
    println!(
        "PostgreSQL: {postings} rows + GIN trigram index in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut lat = Vec::new();
    for q in qs {
        let tq = TrgmQuery {
            text: (!q.q.is_empty()).then(|| q.q.clone()),
            region_prefix: q.region.clone(),
            pay_at_least: q.pay_at_least_fen,
            bbox: q.near.map(|(la, lo, km)| {
                let (dla, dlo) = (km / 111.0, km / (111.0 * la.to_radians().cos()));
                (la - dla, la + dla, lo - dlo, lo + dlo)
            }),
            quality_only: q.quality_only,
            gig: q.gig,
            order: match q.sort {
                Sort::Newest => "posted",
                Sort::Pay => "pay",
                _ => "id",
            },
            offset: q.offset as i64,
            today,
        };
        let s = Instant::now();
        b.query(&tq).await?;
        lat.push(s.elapsed().as_secs_f64() * 1000.0);
    }
    b.drop_table().await?;
    lat.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
    println!(
        "pg_trgm: {} queries, p50 {p50:.1} ms, p99 {p99:.1} ms",
        lat.len()
    );
    Ok((p50, p99))
}

/// `leye bench match`: the best 50 of N synthetic seekers for sample postings.
pub fn bench_match(seekers: usize, postings: usize) -> Result<()> {
    let today = today();
    let regions = leye_domain::Regions::huzhou();
    let towns: Vec<&leye_domain::Region> = regions
        .all()
        .filter(|r| r.level == leye_domain::region::RegionLevel::Township)
        .collect();
    let t = Instant::now();
    let mut pool: Vec<matching::Seeker> = Vec::with_capacity(seekers);
    for i in 0..seekers {
        let town = towns[i % towns.len()];
        let s = leye_synth::jobs::seeker_input(i as u64 * 7919, &town.code);
        let f = s
            .parse_all(regions)
            .map_err(|e| anyhow::anyhow!("{}", e[0].message))?;
        pool.push(matching::Seeker {
            id: i as i64 + 1,
            person_id: i as i64 + 1,
            occupations: f.occupations,
            skills: f.skills,
            level: None,
            education: leye_domain::jobs::Education::ALL
                .iter()
                .position(|e| *e == f.education)
                .unwrap_or(0),
            lat: town.lat,
            lon: town.lon,
            commute_km: f.commute_km as f64,
            pay_wanted_fen: f.pay_wanted.map(|m| m.fen()),
            gig_ok: f.gig_ok,
            age: Some(20 + (i % 40) as i64),
        });
    }
    // Candidates by major group, as the server pre-selects them in SQL.
    let mut by_major: std::collections::HashMap<String, Vec<usize>> =
        std::collections::HashMap::new();
    for (k, s) in pool.iter().enumerate() {
        let mut majors: Vec<&str> = s.occupations.iter().map(|o| o.major()).collect();
        majors.dedup();
        for m in majors {
            by_major.entry(m.to_string()).or_default().push(k);
        }
    }
    println!(
        "{seekers} seekers generated in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let names: leye_jobs::index::OccupationNames = leye_domain::jobs::builtin_occupations()
        .iter()
        .map(|o| (o.code.clone(), o.name.clone()))
        .collect();
    let w = leye_jobs::weights(today)?;
    // Laid out for scoring once, as a server holding its seekers in memory would.
    let t = Instant::now();
    let scoring = matching::Pool::new(&pool);
    println!(
        "scoring pool of {} built in {:.1} s",
        scoring.len(),
        t.elapsed().as_secs_f64()
    );
    let mut lat = Vec::new();
    let mut candidates = 0usize;
    for p in leye_synth::jobs::posting_records(postings, 99, today) {
        let Some(pp) =
            matching::Posting::from_record(&p, names.get(&p.occupation).map_or("", String::as_str))
        else {
            continue;
        };
        let s = Instant::now();
        let idx = by_major
            .get(pp.occupation.major())
            .map_or(&[][..], Vec::as_slice);
        candidates += idx.len();
        let best = scoring.best(Some(idx), &pp, &w, 50);
        lat.push(s.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(best);
    }
    lat.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
    println!(
        "best 50 of {seekers} seekers for {} postings ({:.0} candidates each on average): p50 {p50:.1} ms, p99 {p99:.1} ms",
        lat.len(),
        candidates as f64 / lat.len().max(1) as f64
    );
    println!(
        "bench=match seekers={seekers} postings={} p50_ms={p50:.2} p99_ms={p99:.2}",
        lat.len()
    );
    Ok(())
}
