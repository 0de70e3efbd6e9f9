//! `leye bench load`: a closed-loop HTTP load generator against `leye serve` on loopback.
//!
//! Each connection is one keep-alive HTTP/1.1 client that sends its next request as soon as
//! the last one answered, so requests/s is what the server sustains at that concurrency. The
//! mix is what the city's users do most: job search (API and page) and posting pages by the
//! public (not signed in), and, signed in as an officer, the big screen's figures, policy
//! self-checks and masked person lists. Every answer that
//! is not 2xx, and every transport error, counts as an error. Without `--url` the command
//! starts `leye serve` on the database itself (loading the demo city into an empty one).

use anyhow::{Context, Result, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What to run the load against and for how long.
#[derive(clap::Args)]
pub struct LoadOptions {
    /// 已在运行的服务地址,如 http://127.0.0.1:8080;不填则在 --db 上启动一个 / A running server
    #[arg(long)]
    pub url: Option<String>,
    /// 数据库(空库先载入演示城市) / Database (an empty one gets the demo city first)
    #[arg(long, default_value = crate::DEFAULT_DB)]
    pub db: String,
    /// 持续秒数 / Seconds
    #[arg(long, default_value_t = 30)]
    pub seconds: u64,
    /// 并发连接数 / Concurrent keep-alive connections
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// 最多请求数(测试与 CI 用)/ Stop after this many requests in all
    #[arg(long)]
    pub max_requests: Option<u64>,
    /// 登录用户(需有人员与监测查看权限) / Officer to sign in as
    #[arg(long, default_value = "admin")]
    pub user: String,
    /// 密码(默认演示密码) / Password (default: the demo password)
    #[arg(long, default_value = crate::DEMO_PASSWORD)]
    pub password: String,
    /// 只发一种请求(剖析用) / Send only this kind (for profiling)
    #[arg(long, value_enum)]
    pub only: Option<Kind>,
    /// 每隔多少秒打印一次该时段的吞吐(长时间运行用)/ Print each interval's rate every N s
    #[arg(long, default_value_t = 60)]
    pub report_every: u64,
}

/// Counters the connections share: requests still allowed (`--max-requests`), and those
/// answered and failed so far (for the per-interval lines).
struct Tally {
    budget: AtomicU64,
    answered: AtomicU64,
    failed: AtomicU64,
}

/// The kinds of request in the read mix, with their weight out of 100.
const MIX: &[(Kind, u32)] = &[
    (Kind::SearchApi, 30),
    (Kind::SearchPage, 10),
    (Kind::Posting, 20),
    (Kind::Dashboard, 10),
    (Kind::Policy, 10),
    (Kind::PersonList, 10),
    (Kind::PersonApi, 10),
];

/// A kind of request (its `--only` name is the kebab-case of the variant: `search-api`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Kind {
    SearchApi,
    SearchPage,
    Posting,
    Dashboard,
    Policy,
    PersonList,
    PersonApi,
}

impl Kind {
    /// Asked by the public (no session).
    fn public(self) -> bool {
        matches!(self, Kind::SearchApi | Kind::SearchPage | Kind::Posting)
    }

    fn name(self) -> &'static str {
        match self {
            Kind::SearchApi => "GET /api/v1/jobs/search",
            Kind::SearchPage => "GET /jobs?q=",
            Kind::Posting => "GET /jobs/{id}",
            Kind::Dashboard => "GET /api/v1/monitor/dashboard",
            Kind::Policy => "POST /api/v1/policy/evaluate",
            Kind::PersonList => "GET /persons?page=",
            Kind::PersonApi => "GET /api/v1/persons",
        }
    }
}

/// Words people type into the job search (trades of the synthetic city and everyday words).
const WORDS: &[&str] = &[
    "车床",
    "电商",
    "焊工",
    "普工",
    "服务员",
    "会计",
    "司机",
    "护理",
    "纺织",
    "数控",
    "销售",
    "仓库",
    "厨师",
    "保安",
    "电工",
    "直播",
    "物流",
    "客服",
    "质检",
    "木工",
];
const COUNTIES: &[&str] = &["330502", "330503", "330521", "330522", "330523"];

/// A session: the cookie and the CSRF token of a signed-in officer.
#[derive(Clone)]
struct Session {
    cookie: String,
    csrf: String,
}

/// The server this run talks to, and the child process when the run started it.
struct Target {
    host: String,
    port: u16,
    child: Option<std::process::Child>,
}

impl Drop for Target {
    fn drop(&mut self) {
        if let Some(c) = self.child.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

async fn start_target(o: &LoadOptions) -> Result<Target> {
    if let Some(url) = &o.url {
        let rest = url
            .strip_prefix("http://")
            .context("--url 须以 http:// 开头 / --url must start with http://")?;
        let hostport = rest.split('/').next().unwrap_or(rest);
        let (host, port) = hostport
            .rsplit_once(':')
            .context("--url 须包含端口 / --url needs a port")?;
        let port: u16 = port.parse().context("--url 的端口无效 / bad port")?;
        return Ok(Target {
            host: host.to_string(),
            port,
            child: None,
        });
    }
    let store = crate::open(&o.db).await?;
    crate::load_demo(&store).await?;
    // A city from `leye synth` has no job market: the demo's 600 postings and their seekers
    // give the read mix something to search and show.
    let mut tx = store.begin_read().await?;
    let postings = leye_store::postings_in_scope(
        &mut tx,
        &leye_domain::Scope::System,
        true,
        leye_store::Paging::new(Some(1), Some(1)),
    )
    .await?
    .total;
    tx.commit().await?;
    if postings == 0 {
        let j = crate::demo_jobs(&store).await?;
        println!(
            "就业市场 / job market: {} 个岗位, {} 名求职者",
            j.postings, j.seekers
        );
    }
    store.close().await;
    let port = free_port()?;
    let exe = std::env::current_exe().context("找不到 leye 程序 / cannot find the leye binary")?;
    let child = std::process::Command::new(exe)
        .args([
            "serve",
            "--db",
            &o.db,
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("无法启动 leye serve / cannot start leye serve")?;
    let t = Target {
        host: "127.0.0.1".into(),
        port,
        child: Some(child),
    };
    // Until /healthz answers 200 (the search index is loaded on the first search).
    for _ in 0..600 {
        if let Ok(mut c) = connect(&t).await
            && let Ok((200, _, _)) = send(&mut c, &t, "GET", "/healthz", &[], None).await
        {
            return Ok(t);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("leye serve 在 60 秒内没有就绪 / the server did not become ready in 60 s")
}

async fn connect(t: &Target) -> Result<SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect((t.host.as_str(), t.port)).await?;
    stream.set_nodelay(true)?;
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(send)
}

/// One request; the status, the Set-Cookie header and the body.
async fn send(
    c: &mut SendRequest<Full<Bytes>>,
    t: &Target,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, String)>,
) -> Result<(u16, Option<String>, Bytes)> {
    let mut b = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", format!("{}:{}", t.host, t.port));
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let body = match body {
        Some((ct, text)) => {
            b = b.header("content-type", ct);
            Full::new(Bytes::from(text))
        }
        None => Full::new(Bytes::new()),
    };
    c.ready().await?;
    let res = c.send_request(b.body(body)?).await?;
    let status = res.status().as_u16();
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or(v).to_string());
    let bytes = res.into_body().collect().await?.to_bytes();
    Ok((status, cookie, bytes))
}

async fn sign_in(t: &Target, user: &str, password: &str) -> Result<Session> {
    let mut c = connect(t).await?;
    let form = format!(
        "username={}&password={}&next=%2F",
        urlencode(user),
        urlencode(password)
    );
    let (status, cookie, _) = send(
        &mut c,
        t,
        "POST",
        "/login",
        &[],
        Some(("application/x-www-form-urlencoded", form)),
    )
    .await?;
    let cookie = match (status, cookie) {
        (303, Some(c)) => c,
        _ => bail!(
            "无法以 {user} 登录(HTTP {status}),请用 --user/--password 指定 / cannot sign in as {user}"
        ),
    };
    let (_, _, page) = send(&mut c, t, "GET", "/account", &[("cookie", &cookie)], None).await?;
    let page = String::from_utf8_lossy(&page);
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .context("账户页上没有 CSRF 令牌 / no CSRF token on /account")?
        .to_string();
    Ok(Session { cookie, csrf })
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A small deterministic generator (xorshift), one per connection, so runs are repeatable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

/// The request a connection sends next: (kind, method, path, body).
fn next_request(
    rng: &mut Rng,
    postings: &[i64],
    only: Option<Kind>,
) -> (Kind, &'static str, String, Option<(&'static str, String)>) {
    let total: u32 = MIX.iter().map(|(_, w)| w).sum();
    let mut pick = u32::try_from(rng.next() % u64::from(total)).unwrap_or(0);
    let mut kind = MIX[0].0;
    for (k, w) in MIX {
        if pick < *w {
            kind = *k;
            break;
        }
        pick -= w;
    }
    let kind = only.unwrap_or(kind);
    let word = urlencode(WORDS[rng.below(WORDS.len())]);
    let county = COUNTIES[rng.below(COUNTIES.len())];
    match kind {
        Kind::SearchApi => {
            let path = match rng.below(4) {
                0 => format!("/api/v1/jobs/search?q={word}"),
                1 => format!("/api/v1/jobs/search?q={word}&region={county}"),
                2 => format!("/api/v1/jobs/search?region={county}&sort=newest"),
                _ => format!("/api/v1/jobs/search?q={word}&pay=4000"),
            };
            (kind, "GET", path, None)
        }
        Kind::SearchPage => (kind, "GET", format!("/jobs?q={word}"), None),
        Kind::Posting => {
            let id = postings
                .get(rng.below(postings.len()))
                .copied()
                .unwrap_or(1);
            (kind, "GET", format!("/jobs/{id}"), None)
        }
        Kind::Dashboard => (kind, "GET", "/api/v1/monitor/dashboard".into(), None),
        Kind::Policy => {
            let year = 1966 + rng.below(40);
            let body = format!(
                r#"{{"persons":[{{"id":"a","birth":"{year}-03-01","sex":"M","registered_unemployed":true,"registered_unemployed_since":"2025-01-01","disability_certificate":false}}]}}"#
            );
            (
                kind,
                "POST",
                "/api/v1/policy/evaluate".into(),
                Some(("application/json", body)),
            )
        }
        Kind::PersonList => (
            kind,
            "GET",
            format!("/persons?page={}", 1 + rng.below(20)),
            None,
        ),
        Kind::PersonApi => (
            kind,
            "GET",
            format!("/api/v1/persons?page={}", 1 + rng.below(20)),
            None,
        ),
    }
}

/// What one connection saw: per kind, the latencies (µs) and the error count.
#[derive(Default)]
struct Seen {
    latencies: std::collections::BTreeMap<Kind, Vec<u32>>,
    errors: std::collections::BTreeMap<Kind, u64>,
    first_error: Option<String>,
}

async fn connection(
    t: Arc<Target>,
    session: Session,
    postings: Arc<Vec<i64>>,
    seed: u64,
    until: Instant,
    only: Option<Kind>,
    tally: Arc<Tally>,
) -> Seen {
    let mut seen = Seen::default();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut conn = None;
    while Instant::now() < until {
        if tally
            .budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_err()
        {
            break;
        }
        let (kind, method, path, body) = next_request(&mut rng, &postings, only);
        let start = Instant::now();
        if conn.is_none() {
            conn = connect(&t).await.ok();
        }
        let Some(c) = conn.as_mut() else {
            *seen.errors.entry(kind).or_default() += 1;
            seen.first_error
                .get_or_insert_with(|| format!("{method} {path}: 无法连接 / cannot connect"));
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        // Job seekers search and read postings without signing in; officers are signed in.
        let headers = [
            ("cookie", session.cookie.as_str()),
            ("x-csrf-token", session.csrf.as_str()),
        ];
        let headers: &[(&str, &str)] = if kind.public() { &[] } else { &headers };
        let r = send(c, &t, method, &path, headers, body).await;
        let us = u32::try_from(start.elapsed().as_micros()).unwrap_or(u32::MAX);
        tally.answered.fetch_add(1, Ordering::Relaxed);
        match r {
            Ok((status, _, _)) if (200..300).contains(&status) => {
                seen.latencies.entry(kind).or_default().push(us);
                continue;
            }
            Ok((status, _, body)) => {
                *seen.errors.entry(kind).or_default() += 1;
                seen.first_error.get_or_insert_with(|| {
                    let b = String::from_utf8_lossy(&body);
                    format!(
                        "{method} {path}: HTTP {status} {}",
                        b.chars().take(200).collect::<String>()
                    )
                });
            }
            Err(e) => {
                *seen.errors.entry(kind).or_default() += 1;
                seen.first_error
                    .get_or_insert_with(|| format!("{method} {path}: {e}"));
                conn = None;
            }
        }
        // Only failures get here (an answer in 2xx continues above).
        tally.failed.fetch_add(1, Ordering::Relaxed);
    }
    seen
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[i.min(sorted.len() - 1)]) / 1000.0
}

/// A memory figure of a process in MiB from Linux's `/proc/PID/status`: `VmHWM` (peak
/// resident) or `VmRSS` (resident now).
fn memory_of(pid: u32, key: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status
        .lines()
        .find(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Every `every`, the interval's requests/s and failures (and the server's memory when the
/// run started it): whether a long run holds its rate, or where it drops.
async fn report_intervals(tally: Arc<Tally>, every: Duration, server: Option<u32>) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    let (mut answered, mut failed) = (0, 0);
    for n in 1u64.. {
        tick.tick().await;
        let (a, f) = (
            tally.answered.load(Ordering::Relaxed),
            tally.failed.load(Ordering::Relaxed),
        );
        let rss = server
            .and_then(|pid| memory_of(pid, "VmRSS"))
            .map(|m| format!(", server {m:.0} MiB"))
            .unwrap_or_default();
        println!(
            "  [{:>5} s] {:.0} requests/s, {} errors{rss}",
            n * every.as_secs(),
            (a - answered) as f64 / every.as_secs_f64(),
            f - failed
        );
        (answered, failed) = (a, f);
    }
}

/// Run the load and print the figures; fails when any request failed.
pub async fn load(o: LoadOptions) -> Result<()> {
    if o.connections == 0 || o.seconds == 0 {
        bail!("--connections 与 --seconds 须大于 0 / must be positive");
    }
    let only = o.only;
    let backend = match &o.url {
        Some(_) => "remote",
        None if o.db.starts_with("postgres") => "postgres",
        None => "sqlite",
    };
    let target = Arc::new(start_target(&o).await?);
    let session = sign_in(&target, &o.user, &o.password).await?;
    // Posting ids to view, and a first search that loads the server's index.
    let mut c = connect(&target).await?;
    let (status, _, body) = send(
        &mut c,
        &target,
        "GET",
        "/api/v1/jobs/search?per_page=50",
        &[],
        None,
    )
    .await?;
    if status != 200 {
        bail!("岗位检索失败(HTTP {status}) / job search failed");
    }
    let v: serde_json::Value = serde_json::from_slice(&body)?;
    let postings: Vec<i64> = v["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["id"].as_i64()).collect())
        .unwrap_or_default();
    let searchable = v["total"].as_i64().unwrap_or(0);
    println!(
        "# leye bench load: {backend}, {} connections, {} s{}, {} postings searchable",
        o.connections,
        o.seconds,
        o.max_requests
            .map(|n| format!(" or {n} requests"))
            .unwrap_or_default(),
        searchable
    );
    let postings = Arc::new(postings);
    let start = Instant::now();
    let until = start + Duration::from_secs(o.seconds);
    let tally = Arc::new(Tally {
        budget: AtomicU64::new(o.max_requests.unwrap_or(u64::MAX)),
        answered: AtomicU64::new(0),
        failed: AtomicU64::new(0),
    });
    let reporter = (o.report_every > 0 && o.report_every < o.seconds).then(|| {
        tokio::spawn(report_intervals(
            tally.clone(),
            Duration::from_secs(o.report_every),
            target.child.as_ref().map(|c| c.id()),
        ))
    });
    let tasks: Vec<_> = (0..o.connections)
        .map(|i| {
            tokio::spawn(connection(
                target.clone(),
                session.clone(),
                postings.clone(),
                i as u64 + 1,
                until,
                only,
                tally.clone(),
            ))
        })
        .collect();
    let mut all = Seen::default();
    for t in tasks {
        let s = t.await?;
        for (k, mut l) in s.latencies {
            all.latencies.entry(k).or_default().append(&mut l);
        }
        for (k, n) in s.errors {
            *all.errors.entry(k).or_default() += n;
        }
        if all.first_error.is_none() {
            all.first_error = s.first_error;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    if let Some(r) = reporter {
        r.abort();
    }
    let mut every = Vec::new();
    for (k, l) in all.latencies.iter_mut() {
        l.sort_unstable();
        every.extend_from_slice(l);
        println!(
            "  {:<32} n={:<8} p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}",
            k.name(),
            l.len(),
            percentile(l, 0.50),
            percentile(l, 0.99),
            all.errors.get(k).copied().unwrap_or(0)
        );
    }
    every.sort_unstable();
    let errors: u64 = all.errors.values().sum();
    let requests = every.len() as u64 + errors;
    let rss = target
        .child
        .as_ref()
        .and_then(|c| memory_of(c.id(), "VmHWM"))
        .map(|m| format!(" server_rss_mib={m:.0}"))
        .unwrap_or_default();
    println!(
        "{requests} requests in {elapsed:.1} s: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, {errors} errors",
        requests as f64 / elapsed,
        percentile(&every, 0.50),
        percentile(&every, 0.99)
    );
    if let Some(e) = &all.first_error {
        println!("first error: {e}");
    }
    println!(
        "bench=load backend={backend} connections={} seconds={elapsed:.1} requests={requests} rps={:.0} p50_ms={:.2} p99_ms={:.2} errors={errors}{rss}",
        o.connections,
        requests as f64 / elapsed,
        percentile(&every, 0.50),
        percentile(&every, 0.99)
    );
    if errors > 0 {
        bail!("{errors} 个请求失败 / requests failed");
    }
    Ok(())
}
