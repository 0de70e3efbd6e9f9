//! End-to-end tests in Debian's real Chromium, driven headless through chromedriver
//! (WebDriver, via fantoccini) against a server started here on a free loopback port.
//! A screenshot of every page visited is saved under
//! `target/tmp/browser-screenshots/`. Without chromium and chromedriver the test fails and
//! says how to install them; it never skips.

use fantoccini::{Client, ClientBuilder, Locator};
use leye_testkit::{TestDb, id_number, now};
use leye_web::{AppState, Clock, app};
use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn find(cmd: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| PathBuf::from(d).join(cmd))
        .find(|p| p.exists())
}

async fn start_driver() -> (Driver, String) {
    let chromedriver = find("chromedriver").unwrap_or_else(|| {
        panic!("chromedriver not found: browser tests need Debian's chromium and chromium-driver (./scripts/test installs them)")
    });
    let port = free_port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return (driver, format!("http://127.0.0.1:{port}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

async fn browser(webdriver: &str, profile: &std::path::Path) -> Client {
    let chromium =
        find("chromium").unwrap_or_else(|| panic!("chromium not found (apt-get install chromium)"));
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.display())]
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(webdriver)
        .await
        .expect("open a Chromium session")
}

struct Shots {
    dir: PathBuf,
    n: usize,
}

impl Shots {
    async fn take(&mut self, c: &Client, name: &str) {
        self.n += 1;
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(self.dir.join(format!("{:02}-{name}.png", self.n)), png)
            .expect("save screenshot");
    }
}

async fn fill(c: &Client, name: &str, value: &str) {
    let e = c
        .find(Locator::Css(&format!("[name=\"{name}\"]")))
        .await
        .unwrap_or_else(|_| panic!("field {name}"));
    e.clear().await.ok();
    e.send_keys(value).await.unwrap();
}

async fn submit(c: &Client, form_css: &str) {
    c.find(Locator::Css(&format!("{form_css} button[type=submit]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Sign in through the login form and wait for the page it leads to (signed in, or the
/// form again with its error): a `goto` right after the click could otherwise cancel the
/// sign-in while it is on its way.
async fn login(c: &Client, base: &str, user: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "username", user).await;
    fill(c, "password", password).await;
    submit(c, "section.login form").await;
    wait_for(c, "header .me, #login-error").await;
}

async fn logout(c: &Client) {
    c.find(Locator::Css("header .me form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "section.login").await;
}

/// Wait for an element of the page the last action led to (clicks do not wait for navigation).
async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
}

async fn add_user(store: &leye_store::Store, username: &str, role: &str, region: Option<&str>) {
    let u = leye_store::NewUser {
        username: username.into(),
        display_name: format!("{username}经办"),
        password_hash: leye_web::auth::hash_password("pass1234").unwrap(),
        role: role.into(),
        region_code: region.map(str::to_string),
        unit: None,
        enterprise_id: None,
        person_id: None,
    };
    let mut tx = store.begin().await.unwrap();
    leye_store::create_user(&mut tx, &leye_store::Actor::system("test"), &u, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The server on a free loopback port, a Chromium session and a screenshot folder.
struct Session {
    c: Client,
    base: String,
    shots: Shots,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

async fn session(store: &leye_store::Store, clock: Clock, shots: &str) -> Session {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store.clone(), clock).unwrap();
    state.start_workers();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .ok();
    });
    let (driver, webdriver) = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&webdriver, profile.path()).await;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(shots);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Session {
        c,
        base,
        shots: Shots { dir, n: 0 },
        _driver: driver,
        _profile: profile,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_journey_in_chromium() {
    let db = TestDb::sqlite().await;
    add_user(&db.store, "admin", "city_admin", None).await;
    add_user(&db.store, "deqing", "county_officer", Some("330521")).await;
    let Session {
        c,
        base,
        mut shots,
        _driver,
        _profile,
    } = session(&db.store, Clock::System, "browser-screenshots").await;

    // Anonymous: sent to the login page.
    c.goto(&base).await.unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/login"));
    shots.take(&c, "login").await;
    login(&c, &base, "admin", "wrong-password").await;
    assert!(
        wait_for(&c, "#login-error")
            .await
            .text()
            .await
            .unwrap()
            .contains("用户名或密码错误")
    );
    login(&c, &base, "admin", "pass1234").await;
    wait_for(&c, "header .me").await;
    assert!(c.source().await.unwrap().contains("admin经办</span>,您好"));
    shots.take(&c, "home").await;
    // The language switch keeps the page and turns it into English, then back.
    c.find(Locator::Css("form.lang button[value=en]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang=en]"))
        .await
        .expect("English page");
    assert!(c.source().await.unwrap().contains("Common tasks"));
    shots.take(&c, "home-english").await;
    c.find(Locator::Css("form.lang button[value=zh]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang=zh-CN]"))
        .await
        .expect("Chinese page");
    assert!(c.source().await.unwrap().contains("常用操作"));

    // A bad ID number: the error appears next to its field, the name typed stays.
    c.goto(&format!("{base}/persons/new")).await.unwrap();
    fill(&c, "name", "浏览器测试").await;
    fill(&c, "id_number", "330502199001010310").await;
    fill(&c, "residence_region", "330502102201").await;
    submit(&c, "form.grid-form").await;
    let err = wait_for(&c, "#err-id_number").await.text().await.unwrap();
    assert!(err.contains("校验位"), "{err}");
    let kept = c
        .find(Locator::Css("[name=\"name\"]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("浏览器测试"));
    shots.take(&c, "person-form-error").await;
    // Corrected: created and shown masked.
    let good = id_number("330502", "19900101", 31);
    fill(&c, "id_number", &good).await;
    submit(&c, "form.grid-form").await;
    wait_for(&c, "p.actions a[href$='/edit']").await;
    let url = c.current_url().await.unwrap();
    assert!(url.path().starts_with("/persons/"), "{url}");
    let detail = c.source().await.unwrap();
    assert!(detail.contains("浏览器测试") && !detail.contains(&good));
    shots.take(&c, "person-detail").await;
    let person_path = url.path().to_string();
    c.goto(&format!("{base}/persons")).await.unwrap();
    shots.take(&c, "persons-list").await;
    c.set_window_size(390, 844).await.unwrap();
    shots.take(&c, "persons-list-phone").await;
    c.set_window_size(1280, 900).await.unwrap();

    // Bulk import from the page: a file with a bad row is refused with the row and reason.
    c.goto(&format!("{base}/imports")).await.unwrap();
    shots.take(&c, "imports").await;
    let csv = std::env::temp_dir().join(format!("leye-browser-import-{}.csv", std::process::id()));
    std::fs::write(
        &csv,
        "姓名,身份证号,常住地区划代码\n王五,3.30502E+17,330502102201\n",
    )
    .unwrap();
    c.find(Locator::Css(
        "form[action^=\"/imports/persons\"] input[type=file]",
    ))
    .await
    .unwrap()
    .send_keys(csv.to_str().unwrap())
    .await
    .unwrap();
    submit(&c, "form[action^=\"/imports/persons\"]").await;
    let errors = wait_for(&c, "#row-errors").await;
    let text = errors.text().await.unwrap();
    assert!(
        text.contains("科学计数法") && text.contains("身份证号"),
        "{text}"
    );
    shots.take(&c, "import-result").await;
    let _ = std::fs::remove_file(&csv);
    logout(&c).await;

    // A 德清 officer cannot open a 吴兴 person: the page a missing record gets, nothing leaked.
    login(&c, &base, "deqing", "pass1234").await;
    wait_for(&c, "header .me").await;
    c.goto(&format!("{base}{person_path}")).await.unwrap();
    let page = c.source().await.unwrap();
    assert!(
        page.contains("找不到页面或记录") && page.contains("不存在或不在您的数据范围内"),
        "{page}"
    );
    assert!(!page.contains("浏览器测试"));
    shots.take(&c, "forbidden").await;
    logout(&c).await;

    // A citizen, signed out, checks which measures apply: fills the form, sees the reasons.
    c.goto(&format!("{base}/policies/check")).await.unwrap();
    wait_for(&c, "form.grid-form").await;
    fill(&c, "birth", "1970-03-01").await;
    for (name, value) in [
        ("sex", "M"),
        ("registered_unemployed", "1"),
        ("disability_certificate", "0"),
    ] {
        c.find(Locator::Css(&format!(
            "select[name=\"{name}\"] option[value=\"{value}\"]"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    }
    fill(&c, "registered_unemployed_since", "2025-01-01").await;
    submit(&c, "form.grid-form").await;
    let hard = wait_for(&c, "section[data-measure=hard_to_employ] .status").await;
    assert_eq!(hard.text().await.unwrap(), "符合条件");
    shots.take(&c, "self-check").await;
    c.find(Locator::Css("section[data-measure=hard_to_employ] h3 a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let page = wait_for(&c, "dl.facts").await.text().await.unwrap();
    assert!(page.contains("二(三)3"), "{page}");
    shots.take(&c, "guide").await;
    c.close().await.unwrap();
}

/// The text of an element of the page the last action led to. A click does not wait for the
/// navigation, so the element found may belong to the page being left and go stale while it
/// is read: then look again.
async fn text_of(c: &Client, css: &str) -> String {
    for _ in 0..50 {
        match wait_for(c, css).await.text().await {
            Ok(t) => return t,
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("{css} kept going stale")
}

async fn choose(c: &Client, select: &str, value: &str) {
    c.find(Locator::Css(&format!(
        "select[name=\"{select}\"] option[value=\"{value}\"]"
    )))
    .await
    .unwrap_or_else(|_| panic!("option {value} of {select}"))
    .click()
    .await
    .unwrap();
}

/// Three officers take one subsidy from application to the bank and back, each on their own
/// screen: the township officer applies, a second one reviews (the first may not), the county
/// officer sets the budget, approves, builds the payment batch and uploads the bank's result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subsidy_from_application_to_payment_in_chromium() {
    let db = TestDb::sqlite().await;
    add_user(&db.store, "zhili", "township_officer", Some("330502102")).await;
    add_user(&db.store, "zhili2", "township_officer", Some("330502102")).await;
    add_user(&db.store, "wuxing", "county_officer", Some("330502")).await;
    // A 2026 graduate hired by a 织里 firm: entitled to the one-time job-expansion subsidy.
    let hires = leye_synth::hires::graduate_hires(
        &db.store,
        "330502102",
        "330502102201",
        1,
        0,
        leye_testkit::today(),
        now(),
    )
    .await
    .unwrap();
    let (person, firm) = (hires.persons[0], hires.firm);
    let Session {
        c,
        base,
        mut shots,
        _driver,
        _profile,
    } = session(
        &db.store,
        Clock::Fixed(now()),
        "browser-screenshots-payments",
    )
    .await;

    // The township officer applies on the graduate's behalf: decided at once, with reasons.
    login(&c, &base, "zhili", "pass1234").await;
    wait_for(&c, "header .me").await;
    c.goto(&format!("{base}/applications/new")).await.unwrap();
    choose(&c, "measure", "job_expansion").await;
    fill(&c, "person_id", &person.to_string()).await;
    fill(&c, "enterprise_id", &firm.to_string()).await;
    fill(&c, "payee_name", "湖州应届生招聘测试有限公司").await;
    fill(&c, "payee_account", "12ab").await;
    shots.take(&c, "application-form").await;
    submit(&c, "form[action=\"/applications/new\"]").await;
    let err = text_of(&c, "p.error").await;
    assert!(err.contains("收款账号"), "{err}");
    fill(&c, "payee_account", "6222021234567890").await;
    submit(&c, "form[action=\"/applications/new\"]").await;
    assert_eq!(text_of(&c, "h1 .status").await, "已提交");
    assert_eq!(text_of(&c, "section.decision .status").await, "符合条件");
    let page = c.source().await.unwrap();
    assert!(
        page.contains("1500.00元") && page.contains("二(三)2"),
        "{page}"
    );
    let app_url = c.current_url().await.unwrap().to_string();
    shots.take(&c, "application-submitted").await;
    // Four eyes: the submitter may not review their own application.
    submit(&c, "form[action$=\"/review\"]").await;
    let err = text_of(&c, "p.error").await;
    assert!(err.contains("双人复核"), "{err}");
    shots.take(&c, "four-eyes-refused").await;
    logout(&c).await;

    // A second township officer takes it into review.
    login(&c, &base, "zhili2", "pass1234").await;
    wait_for(&c, "header .me").await;
    c.goto(&app_url).await.unwrap();
    submit(&c, "form[action$=\"/review\"]").await;
    wait_for(&c, "p.notice").await;
    assert_eq!(text_of(&c, "h1 .status").await, "审核中");
    logout(&c).await;

    // The county officer approves: first refused for want of a budget, then set and approved.
    login(&c, &base, "wuxing", "pass1234").await;
    wait_for(&c, "header .me").await;
    c.goto(&app_url).await.unwrap();
    submit(&c, "form[action$=\"/approve\"]").await;
    let err = text_of(&c, "p.error").await;
    assert!(err.contains("尚未安排"), "{err}");
    shots.take(&c, "approval-needs-budget").await;
    c.goto(&format!("{base}/budgets")).await.unwrap();
    choose(&c, "measure", "job_expansion").await;
    choose(&c, "district", "330502").await;
    fill(&c, "amount_yuan", "100000").await;
    submit(&c, "form[action=\"/budgets\"]").await;
    assert!(text_of(&c, "p.notice").await.contains("已设置"));
    shots.take(&c, "budgets").await;
    c.goto(&app_url).await.unwrap();
    submit(&c, "form[action$=\"/approve\"]").await;
    wait_for(&c, "p.notice").await;
    assert_eq!(text_of(&c, "h1 .status").await, "已批准");
    shots.take(&c, "approved").await;

    // Payment: a batch, the bank file, the bank's answer uploaded, the application paid.
    c.goto(&format!("{base}/payments")).await.unwrap();
    submit(&c, "form[action=\"/payments/batches\"]").await;
    let msg = text_with(&c, "p.notice", "批次").await;
    assert!(msg.contains("已生成批次") && msg.contains("1笔"), "{msg}");
    shots.take(&c, "payment-batch").await;
    let mut tx = db.store.begin_read().await.unwrap();
    let lines = leye_store::batch_lines(&mut tx, 1).await.unwrap();
    tx.commit().await.unwrap();
    let result = std::env::temp_dir().join(format!("leye-browser-bank-{}.csv", std::process::id()));
    std::fs::write(
        &result,
        format!(
            "支付流水号,结果,银行流水号\n{},成功,B20261128001\n",
            lines[0].idem_key
        ),
    )
    .unwrap();
    c.find(Locator::Css(
        "form[action^=\"/payments/reconcile\"] input[type=file]",
    ))
    .await
    .unwrap()
    .send_keys(result.to_str().unwrap())
    .await
    .unwrap();
    submit(&c, "form[action^=\"/payments/reconcile\"]").await;
    // The page before had a notice too: wait for the new one.
    let msg = text_with(&c, "p.notice", "到账").await;
    assert!(msg.contains("到账1笔"), "{msg}");
    shots.take(&c, "reconciled").await;
    let _ = std::fs::remove_file(&result);
    c.goto(&app_url).await.unwrap();
    assert_eq!(text_of(&c, "h1 .status").await, "已发放");
    let page = c.source().await.unwrap();
    assert!(
        page.contains("发放到账") && page.contains("B20261128001"),
        "{page}"
    );
    shots.take(&c, "paid").await;
    c.goto(&format!("{base}/funds")).await.unwrap();
    let page = c.source().await.unwrap();
    assert!(page.contains("1500.00元"), "{page}");
    shots.take(&c, "fund-performance").await;
    c.close().await.unwrap();
}

/// A husband (56, registered unemployed) and his wife (employed) in one urban household.
async fn couple(store: &leye_store::Store) -> (i64, i64) {
    use leye_domain::Regions;
    use leye_domain::household::{HouseholdInput, MemberInput};
    use leye_domain::labour::LabourEventInput;
    use leye_domain::person::PersonInput;
    let sys = leye_store::Actor::system("test");
    let scope = leye_domain::Scope::System;
    let today = leye_testkit::today();
    let mut tx = store.begin().await.unwrap();
    let mut ids = Vec::new();
    for (name, birth, seq, status, since) in [
        ("张建国", "19700301", 51, "unemployed", "2025-06-01"),
        ("李秀英", "19780501", 52, "employed", "2020-03-01"),
    ] {
        let facts = PersonInput {
            name: name.into(),
            id_number: id_number("330502", birth, seq),
            residence_region: "330502102201".into(),
            urban: true,
            ..Default::default()
        }
        .parse(Regions::huzhou(), today)
        .unwrap();
        let b = facts.id_number.birth_date();
        let id = leye_store::create_person(&mut tx, &scope, &sys, &facts, now())
            .await
            .unwrap();
        let e = LabourEventInput {
            status: status.into(),
            effective: since.into(),
            ..Default::default()
        }
        .parse(b, today)
        .unwrap();
        leye_store::append_labour_event(&mut tx, &scope, &sys, id, &e, today, now())
            .await
            .unwrap();
        ids.push(id);
    }
    let h = HouseholdInput {
        region: "330502102201".into(),
        urban: true,
        business_income: false,
        income_band: None,
        members: vec![
            MemberInput {
                person_id: ids[0],
                relation: "head".into(),
            },
            MemberInput {
                person_id: ids[1],
                relation: "spouse".into(),
            },
        ],
    }
    .parse(Regions::huzhou())
    .unwrap();
    let hid = leye_store::create_household(&mut tx, &scope, &sys, &h, now())
        .await
        .unwrap();
    leye_help::refresh_household(&mut tx, store.backend(), hid, today, &sys, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (ids[0], ids[1])
}

/// A township officer records that a wife lost her job: the household is on the
/// zero-employment list at once; the husband's hard-to-employ status is confirmed; a helper is
/// named, a contact recorded and coverage rises; the wife finds work and the household leaves
/// the list; the case is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assistance_case_in_chromium() {
    let db = TestDb::sqlite().await;
    add_user(&db.store, "zhili", "township_officer", Some("330502102")).await;
    add_user(&db.store, "cun", "village_worker", Some("330502102201")).await;
    let (husband, wife) = couple(&db.store).await;
    let Session {
        c,
        base,
        mut shots,
        _driver,
        _profile,
    } = session(&db.store, Clock::Fixed(now()), "browser-screenshots-help").await;

    login(&c, &base, "zhili", "pass1234").await;
    wait_for(&c, "header .me").await;
    c.goto(&format!("{base}/help")).await.unwrap();
    assert!(
        text_of(&c, "#zero-households")
            .await
            .contains("没有零就业家庭")
    );
    // The wife loses her job, recorded on her page.
    c.goto(&format!("{base}/persons/{wife}")).await.unwrap();
    choose(&c, "status", "unemployed").await;
    fill(&c, "effective", "2026-11-20").await;
    submit(&c, "#labour-event").await;
    wait_for(&c, "p.actions").await;
    shots.take(&c, "labour-event").await;
    // At once on the list, with its clock; the husband proposed as hard to employ.
    c.goto(&format!("{base}/help")).await.unwrap();
    let zero = text_of(&c, "#zero-households").await;
    assert!(
        zero.contains("张建国") && zero.contains("2026-12-28"),
        "{zero}"
    );
    let proposals = text_of(&c, "#proposals").await;
    assert!(proposals.contains("张建国"), "{proposals}");
    // His categories follow: older, and now a member of a zero-employment household.
    let his = c
        .find(Locator::XPath(
            "//table[@id='proposals']//tr[td[1][contains(., '张建国')]]",
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(his.contains("零就业家庭成员"), "{his}");
    shots.take(&c, "help-lists").await;
    submit(&c, &format!("form[action=\"/help/hte/{husband}/confirm\"]")).await;
    assert!(text_of(&c, "p.notice").await.contains("已确认"));
    let cov = text_of(&c, "#coverage tr.total").await;
    assert!(cov.contains("0.0%"), "{cov}");
    // His page shows his status, his case and what he may have today.
    c.goto(&format!("{base}/persons/{husband}")).await.unwrap();
    let mine = text_of(&c, "#person-help").await;
    assert!(
        mine.contains("已认定") && mine.contains("帮扶档案"),
        "{mine}"
    );
    c.goto(&format!("{base}/help")).await.unwrap();
    // His case: a helper, a plan, a contact.
    c.find(Locator::XPath(
        "//table[@id='due-cases']//tr[td[2][contains(., '就业困难人员')]]//a",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for(&c, "#case-plan").await;
    c.find(Locator::Css(
        "#case-plan select[name=helper_id] option:nth-child(2)",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.find(Locator::Css("#case-plan input[value=job_referral]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(&c, "#case-plan").await;
    assert!(text_of(&c, "p.notice").await.contains("已保存"));
    fill(&c, "note", "上门了解求职意向,推荐保洁岗位").await;
    submit(&c, "#case-contact").await;
    assert!(text_of(&c, "#contacts").await.contains("推荐保洁岗位"));
    shots.take(&c, "case").await;
    let case_url = c.current_url().await.unwrap().to_string();
    c.goto(&format!("{base}/help")).await.unwrap();
    let cov = text_of(&c, "#coverage tr.total").await;
    assert!(cov.contains("50.0%"), "{cov}");
    shots.take(&c, "coverage").await;
    // The wife finds work: the household leaves the list at once.
    c.goto(&format!("{base}/persons/{wife}")).await.unwrap();
    choose(&c, "status", "employed").await;
    fill(&c, "effective", "2026-11-27").await;
    submit(&c, "#labour-event").await;
    wait_for(&c, "p.actions").await;
    c.goto(&format!("{base}/help")).await.unwrap();
    assert!(
        text_of(&c, "#zero-households")
            .await
            .contains("没有零就业家庭")
    );
    // The husband's case is closed by hand with its outcome.
    c.goto(&case_url).await.unwrap();
    fill(&c, "outcome", "已推荐至社区保洁岗位").await;
    submit(&c, "#case-close").await;
    assert!(
        text_of(&c, "#closed")
            .await
            .contains("已推荐至社区保洁岗位")
    );
    shots.take(&c, "case-closed").await;
    c.close().await.unwrap();
}

async fn add_bound_user(
    store: &leye_store::Store,
    username: &str,
    role: &str,
    enterprise: Option<i64>,
    person: Option<i64>,
) {
    let u = leye_store::NewUser {
        username: username.into(),
        display_name: format!("{username}用户"),
        password_hash: leye_web::auth::hash_password("pass1234").unwrap(),
        role: role.into(),
        region_code: None,
        unit: None,
        enterprise_id: enterprise,
        person_id: person,
    };
    let mut tx = store.begin().await.unwrap();
    leye_store::create_user(&mut tx, &leye_store::Actor::system("test"), &u, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// An employer publishes a posting (a discriminatory one is refused first), a job seeker on a
/// phone-width window finds it by a word of its title, applies, and the employer hires them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_and_apply_in_chromium() {
    let db = TestDb::sqlite().await;
    let (seeker_person, _) = couple(&db.store).await;
    let mut tx = db.store.begin().await.unwrap();
    let e = leye_domain::enterprise::EnterpriseInput {
        credit_code: leye_testkit::credit_code("330502", 55),
        name: "织里童装机械有限公司".into(),
        industry: "C".into(),
        region: "330502102".into(),
        scale: "small".into(),
        ..Default::default()
    }
    .parse(leye_domain::Regions::huzhou())
    .unwrap();
    let firm = leye_store::create_enterprise(
        &mut tx,
        &leye_domain::Scope::System,
        &leye_store::Actor::system("test"),
        &e,
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    add_bound_user(&db.store, "hr", "employer", Some(firm), None).await;
    add_bound_user(&db.store, "qz", "job_seeker", None, Some(seeker_person)).await;
    let Session {
        c,
        base,
        mut shots,
        _driver,
        _profile,
    } = session(&db.store, Clock::Fixed(now()), "browser-screenshots-jobs").await;

    login(&c, &base, "hr", "pass1234").await;
    wait_for(&c, "header .me").await;
    c.goto(&format!("{base}/postings")).await.unwrap();
    for (k, v) in [
        ("title", "数控车床操作工(限男性)"),
        ("occupation", "6-18-01-01"),
        ("headcount", "2"),
        ("region", "330502102"),
        ("pay_min", "6500"),
        ("pay_max", "9000"),
        ("contract_months", "24"),
    ] {
        fill(&c, k, v).await;
    }
    submit(&c, "#new-posting").await;
    let err = text_of(&c, ".has-error .field-error").await;
    assert!(err.contains("就业促进法第27条"), "{err}");
    shots.take(&c, "posting-refused").await;
    fill(&c, "title", "数控车床操作工").await;
    submit(&c, "#new-posting").await;
    let note = text_of(&c, "p.notice").await;
    assert!(note.contains("优质就业岗位"), "{note}");
    shots.take(&c, "posting-published").await;
    let manage_url = c.current_url().await.unwrap().to_string();
    logout(&c).await;

    // The job seeker, on a phone-sized window.
    c.set_window_size(390, 844).await.unwrap();
    login(&c, &base, "qz", "pass1234").await;
    wait_for(&c, "header .me").await;
    // First the job preferences, on "我的求职".
    c.goto(&format!("{base}/me/jobs")).await.unwrap();
    fill(&c, "occupations", "6-18-01-01").await;
    fill(&c, "skills", "数控车床").await;
    submit(&c, "#profile").await;
    let note = text_of(&c, "p.notice").await;
    assert!(note.contains("求职意向已保存"), "{note}");
    let recommended = text_of(&c, "#recommended").await;
    assert!(recommended.contains("数控车床操作工"), "{recommended}");
    shots.take(&c, "my-jobs").await;
    c.goto(&format!("{base}/jobs")).await.unwrap();
    fill(&c, "q", "车床").await;
    submit(&c, "#job-search").await;
    let total = text_of(&c, "#total").await;
    assert!(total.contains("1"), "{total}");
    shots.take(&c, "search-phone").await;
    c.find(Locator::Css("#results li.job a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, "#apply").await;
    submit(&c, "#apply").await;
    let note = text_of(&c, "p.notice").await;
    assert!(note.contains("已投递"), "{note}");
    shots.take(&c, "applied").await;
    logout(&c).await;

    // The employer sees the applicant and hires them.
    c.set_window_size(1280, 900).await.unwrap();
    login(&c, &base, "hr", "pass1234").await;
    wait_for(&c, "header .me").await;
    c.goto(&manage_url).await.unwrap();
    let applicants = text_of(&c, "#applicants").await;
    assert!(applicants.contains("张建国"), "{applicants}");
    c.find(Locator::Css("#applicants button[value=hired]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, "p.notice").await;
    assert!(text_of(&c, "#applicants").await.contains("已录用"));
    shots.take(&c, "hired").await;
}

/// The text of `css` once it contains `needle` (the page after a click may take a moment);
/// whatever it says after five seconds otherwise.
async fn text_with(c: &Client, css: &str, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..50 {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
        {
            if t.contains(needle) {
                return t;
            }
            last = t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    last
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css}"))
        .click()
        .await
        .unwrap();
}

/// A gig shift from offer to rating: the employer adds a shift to a gig posting, a job seeker
/// signs up on the gig market on a phone and checks in, the employer confirms the work, the
/// worker confirms the pay, and each rates the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gig_shift_in_chromium() {
    let db = TestDb::sqlite().await;
    let (seeker_person, _) = couple(&db.store).await;
    let sys = leye_store::Actor::system("test");
    let scope = leye_domain::Scope::System;
    let mut tx = db.store.begin().await.unwrap();
    let e = leye_domain::enterprise::EnterpriseInput {
        credit_code: leye_testkit::credit_code("330502", 56),
        name: "织里物流仓储有限公司".into(),
        industry: "G".into(),
        region: "330502102".into(),
        scale: "small".into(),
        ..Default::default()
    }
    .parse(leye_domain::Regions::huzhou())
    .unwrap();
    let firm = leye_store::create_enterprise(&mut tx, &scope, &sys, &e, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (posting, _) = leye_jobs::publish(
        &db.store,
        &scope,
        firm,
        &leye_domain::jobs::PostingInput {
            title: "仓库分拣临时工".into(),
            occupation: "4-02-07-08".into(),
            headcount: "5".into(),
            region: "330502102".into(),
            pay_unit: "hour".into(),
            pay_min: "30".into(),
            pay_max: "35".into(),
            contract_type: "gig".into(),
            valid_until: "2026-12-31".into(),
            ..Default::default()
        },
        &sys,
        now(),
        leye_testkit::today(),
    )
    .await
    .unwrap();
    leye_jobs::save_profile(
        &db.store,
        &scope,
        seeker_person,
        &leye_domain::jobs::SeekerInput {
            occupations: "4-02-07-08".into(),
            region: "330502102".into(),
            gig_ok: true,
            ..Default::default()
        },
        &sys,
        now(),
    )
    .await
    .unwrap();
    add_bound_user(&db.store, "hr", "employer", Some(firm), None).await;
    add_bound_user(&db.store, "qz", "job_seeker", None, Some(seeker_person)).await;
    let Session {
        c,
        base,
        mut shots,
        _driver,
        _profile,
    } = session(&db.store, Clock::Fixed(now()), "browser-screenshots-gig").await;

    // The employer offers today 10:30-14:30 (the clock reads 10:00 in Huzhou); a bad time first.
    login(&c, &base, "hr", "pass1234").await;
    wait_for(&c, "header .me").await;
    c.goto(&format!("{base}/postings/{posting}")).await.unwrap();
    for (k, v) in [
        ("date", "2026-11-28"),
        ("start", "10:30"),
        ("end", "09:00"),
        ("places", "2"),
    ] {
        fill(&c, k, v).await;
    }
    submit(&c, "#add-slot").await;
    let err = text_with(&c, "p.error", "结束时间").await;
    assert!(err.contains("结束时间应晚于开始时间"), "{err}");
    fill(&c, "date", "2026-11-28").await;
    fill(&c, "start", "10:30").await;
    fill(&c, "end", "14:30").await;
    fill(&c, "places", "2").await;
    submit(&c, "#add-slot").await;
    let slots = text_with(&c, "#slots", "120.00").await;
    assert!(
        slots.contains("10:30-14:30") && slots.contains("120.00"),
        "{slots}"
    );
    shots.take(&c, "shift-published").await;
    let slot_url = c
        .find(Locator::Css("#slots a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    logout(&c).await;

    // The worker, on a phone: sign up on the gig market, then check in.
    c.set_window_size(390, 844).await.unwrap();
    login(&c, &base, "qz", "pass1234").await;
    wait_for(&c, "header .me").await;
    c.goto(&format!("{base}/gig")).await.unwrap();
    let market = text_of(&c, "#slots").await;
    assert!(
        market.contains("仓库分拣临时工") && market.contains("剩余 2"),
        "{market}"
    );
    shots.take(&c, "gig-market-phone").await;
    submit(&c, "#slots form").await;
    let note = text_with(&c, "p.notice", "报名成功").await;
    assert!(note.contains("报名成功"), "{note}");
    click(&c, "#gigs button[value=check_in]").await;
    let gigs = text_with(&c, "#gigs", "已签到").await;
    assert!(gigs.contains("已签到"), "{gigs}");
    shots.take(&c, "checked-in").await;
    logout(&c).await;

    // The employer confirms the work at the promised pay and rates the worker.
    c.set_window_size(1280, 900).await.unwrap();
    login(&c, &base, "hr", "pass1234").await;
    wait_for(&c, "header .me").await;
    c.goto(&format!("{base}{slot_url}")).await.unwrap();
    submit(&c, "#signups form.complete").await;
    let rows = text_with(&c, "#signups", "已完工").await;
    assert!(
        rows.contains("已完工待确认收款") && rows.contains("120.00"),
        "{rows}"
    );
    submit(&c, "#signups form.rate").await;
    let note = text_with(&c, "p.notice", "感谢评价").await;
    assert!(note.contains("感谢评价"), "{note}");
    shots.take(&c, "shift-done").await;
    logout(&c).await;

    // The worker confirms the pay and rates the employer.
    login(&c, &base, "qz", "pass1234").await;
    wait_for(&c, "header .me").await;
    c.goto(&format!("{base}/persons/{seeker_person}/gigs"))
        .await
        .unwrap();
    click(&c, "#gigs button[value=confirm_pay]").await;
    let gigs = text_with(&c, "#gigs", "已确认收款").await;
    assert!(gigs.contains("已确认收款"), "{gigs}");
    submit(&c, "#gigs form.rate").await;
    let gigs = text_with(&c, "#gigs", "我评 5★").await;
    assert!(
        gigs.contains("我评 5★") && gigs.contains("对方评 5★"),
        "{gigs}"
    );
    shots.take(&c, "paid-and-rated").await;
}

/// Monitoring in the browser: a key enterprise's headcount falls by 30, the city bureau
/// recomputes the figures and sees the alert on the big screen, which reloads itself and shows
/// a surveyed rate recorded meanwhile; the county officer acknowledges and resolves the alert.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_and_alert_in_chromium() {
    let db = TestDb::sqlite().await;
    let sys = leye_store::Actor::system("test");
    let scope = leye_domain::Scope::System;
    let mut tx = db.store.begin().await.unwrap();
    let e = leye_domain::enterprise::EnterpriseInput {
        credit_code: leye_testkit::credit_code("330502", 77),
        name: "湖州重点电机有限公司".into(),
        industry: "C".into(),
        region: "330502102".into(),
        scale: "large".into(),
        designated_key: true,
        designation_reason: Some("重点骨干企业".into()),
        ..Default::default()
    }
    .parse(leye_domain::Regions::huzhou())
    .unwrap();
    let firm = leye_store::create_enterprise(&mut tx, &scope, &sys, &e, now())
        .await
        .unwrap();
    for (month, n) in [("2026-09", 300), ("2026-10", 270)] {
        let h = leye_domain::enterprise::Headcount {
            month: leye_domain::YearMonth::parse(month).unwrap(),
            headcount: n,
            loss_cause: (n == 270).then_some(leye_domain::enterprise::LossCause::Layoff),
        };
        leye_store::set_headcount(&mut tx, &scope, &sys, firm, h, now())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    add_user(&db.store, "shi", "city_admin", None).await;
    add_user(&db.store, "wx", "county_officer", Some("330502")).await;
    let Session {
        c,
        base,
        mut shots,
        _driver,
        _profile,
    } = session(
        &db.store,
        Clock::Fixed(now()),
        "browser-screenshots-monitor",
    )
    .await;

    // The city bureau recomputes; the headcount fall becomes an alert.
    login(&c, &base, "shi", "pass1234").await;
    c.goto(&format!("{base}/monitor")).await.unwrap();
    submit(&c, "form#refresh").await;
    let msg = text_with(&c, ".notice", "已重新计算").await;
    assert!(msg.contains("已重新计算"), "{msg}");
    shots.take(&c, "monitor").await;
    let losses = text_of(&c, "#ind-key_enterprise_job_losses .value").await;
    assert_eq!(losses, "30");

    // The big screen, reloading every 5 seconds.
    c.goto(&format!("{base}/dashboard?refresh=5"))
        .await
        .unwrap();
    let alerts = text_of(&c, "#live-alerts").await;
    assert!(alerts.contains("湖州重点电机有限公司"), "{alerts}");
    let before = text_of(&c, "#tile-surveyed_unemployment_rate .num").await;
    assert_eq!(before, "—");
    shots.take(&c, "dashboard").await;
    // Data arrives while the screen is up: it shows it without anyone touching it.
    let mut tx = db.store.begin().await.unwrap();
    leye_store::set_surveyed_rates(
        &mut tx,
        &[leye_store::SurveyedRate {
            month: "2026-10".into(),
            region: "330500".into(),
            rate_bp: 470,
            source: "国家统计局湖州调查队".into(),
        }],
        &sys,
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (from, to) = leye_monitor::load::default_window(leye_testkit::today());
    leye_monitor::load::refresh(&db.store, from, to, &sys, now())
        .await
        .unwrap();
    let mut after = String::new();
    for _ in 0..100 {
        if let Ok(e) = c
            .find(Locator::Css("#tile-surveyed_unemployment_rate .num"))
            .await
        {
            after = e.text().await.unwrap_or_default();
        }
        if after == "4.70%" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(after, "4.70%", "the screen reloads itself");
    shots.take(&c, "dashboard-reloaded").await;
    logout(&c).await;

    // 吴兴区 acknowledges, then resolves with what was done.
    login(&c, &base, "wx", "pass1234").await;
    c.goto(&format!("{base}/alerts")).await.unwrap();
    let row = text_of(&c, "#alerts tbody tr").await;
    assert!(
        row.contains("重点企业减员") && row.contains("待签收"),
        "{row}"
    );
    click(&c, "#alerts tbody tr form[action$='/acknowledge'] button").await;
    let state = text_with(&c, "#alerts tbody tr .state", "处置中").await;
    assert_eq!(state, "处置中");
    fill(&c, "resolution", "企业已依法报告裁员方案,已组织岗位对接").await;
    click(&c, "#alerts tbody tr form[action$='/resolve'] button").await;
    let note = text_with(&c, ".notice", "已处置").await;
    assert!(note.contains("已处置预警"), "{note}");
    shots.take(&c, "alert-resolved").await;
    c.goto(&format!("{base}/alerts?state=resolved"))
        .await
        .unwrap();
    let row = text_of(&c, "#alerts tbody tr").await;
    assert!(row.contains("已组织岗位对接"), "{row}");
    c.close().await.ok();
}

/// A key enterprise's hiring demand followed in the browser from demand to placement: the
/// county officer records the demand, links the enterprise's posting and an HR institution,
/// takes over the person hired through the posting, places a second person by ID number
/// (送工上岗), and sees the ticket filled at 100% with every step logged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_enterprise_ticket_in_chromium() {
    let db = TestDb::sqlite().await;
    let (hired, dispatched) = couple(&db.store).await;
    let sys = leye_store::Actor::system("test");
    let scope = leye_domain::Scope::System;
    let mut tx = db.store.begin().await.unwrap();
    let e = leye_domain::enterprise::EnterpriseInput {
        credit_code: leye_testkit::credit_code("330502", 91),
        name: "湖州织里智能装备有限公司".into(),
        industry: "C".into(),
        region: "330502102".into(),
        scale: "large".into(),
        designated_key: true,
        designation_reason: Some("涉及生产保供".into()),
        ..Default::default()
    }
    .parse(leye_domain::Regions::huzhou())
    .unwrap();
    let firm = leye_store::create_enterprise(&mut tx, &scope, &sys, &e, now())
        .await
        .unwrap();
    let inst = leye_skills::catalogue::HR_INSTITUTIONS
        .parse(|k| {
            match k {
                "name" => "湖州汇才人力资源有限公司",
                "services" => "recruitment",
                "registered_on" => "2025-03-01",
                "region" => "330502",
                _ => "",
            }
            .to_string()
        })
        .unwrap();
    leye_skills::save(
        &mut tx,
        &scope,
        &leye_skills::catalogue::HR_INSTITUTIONS,
        &inst,
        leye_store::registry::Mode::Create,
        &sys,
        now(),
    )
    .await
    .unwrap();
    let dispatched_id = leye_store::get_person(&mut tx, &scope, dispatched)
        .await
        .unwrap()
        .id_number;
    tx.commit().await.unwrap();
    let (posting, _) = leye_jobs::publish(
        &db.store,
        &scope,
        firm,
        &leye_domain::jobs::PostingInput {
            title: "数控车工".into(),
            occupation: "6-18-01-01".into(),
            headcount: "2".into(),
            region: "330502102".into(),
            pay_unit: "month".into(),
            pay_min: "6000".into(),
            pay_max: "8000".into(),
            contract_type: "fixed".into(),
            contract_months: "36".into(),
            social_insurance: true,
            valid_until: "2026-12-31".into(),
            ..Default::default()
        },
        &sys,
        now(),
        leye_testkit::today(),
    )
    .await
    .unwrap();
    // One person applies through the posting and is hired.
    leye_jobs::save_profile(
        &db.store,
        &scope,
        hired,
        &leye_domain::jobs::SeekerInput {
            occupations: "6-18-01-01".into(),
            region: "330502102".into(),
            ..Default::default()
        },
        &sys,
        now(),
    )
    .await
    .unwrap();
    let mut tx = db.store.begin().await.unwrap();
    let app_id = leye_store::apply_to_posting(
        &mut tx,
        &scope,
        hired,
        posting,
        None,
        "2026-11-28",
        &sys,
        now(),
    )
    .await
    .unwrap();
    for state in ["interview", "hired"] {
        leye_store::set_job_application_state(&mut tx, &scope, app_id, state, &sys, now())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    add_user(&db.store, "wx", "county_officer", Some("330502")).await;
    let Session {
        c,
        base,
        mut shots,
        _driver,
        _profile,
    } = session(&db.store, Clock::Fixed(now()), "browser-screenshots-ticket").await;

    login(&c, &base, "wx", "pass1234").await;
    wait_for(&c, "header .me").await;
    c.goto(&format!("{base}/service/tickets")).await.unwrap();
    for (k, v) in [
        ("title", "数控车工"),
        ("occupation", "6-18-01-01"),
        ("headcount", "2"),
    ] {
        fill(&c, k, v).await;
    }
    // A deadline typed into the date field (Chromium takes the digits in its own order).
    c.execute(
        "document.querySelector('[name=deadline]').value = '2026-12-31';",
        vec![],
    )
    .await
    .unwrap();
    submit(&c, "#new-ticket").await;
    let state = text_with(&c, "#state", "待办").await;
    assert_eq!(state, "待办");
    shots.take(&c, "ticket-opened").await;

    submit(&c, "#link-posting").await;
    let note = text_with(&c, ".notice", "已关联").await;
    assert!(note.contains("已关联"), "{note}");
    assert_eq!(text_of(&c, "#state").await, "办理中");
    submit(&c, "#link-institution").await;
    let who = text_with(&c, "#institution", "汇才").await;
    assert!(who.contains("湖州汇才人力资源有限公司"), "{who}");

    // The hire through the posting becomes a placement; the second comes by dispatch.
    submit(&c, "#take-hires").await;
    let note = text_with(&c, ".notice", "登记上岗").await;
    assert!(note.contains("1人"), "{note}");
    assert_eq!(text_of(&c, "#placed").await, "1");
    assert_eq!(text_of(&c, "#fill-rate").await, "50%");
    fill(&c, "id_number", &dispatched_id).await;
    click(&c, "#place select[name=channel] option[value=dispatch]").await;
    submit(&c, "#place").await;
    let state = text_with(&c, "#state", "已满足").await;
    assert_eq!(state, "已满足");
    assert_eq!(text_of(&c, "#fill-rate").await, "100%");
    assert_eq!(text_of(&c, "#days").await, "0天");
    let people = text_of(&c, "#placements").await;
    assert!(
        people.contains("张建国") && people.contains("李秀英") && people.contains("送工上岗"),
        "{people}"
    );
    assert!(!people.contains(&dispatched_id), "ID numbers are masked");
    let steps = text_of(&c, "#steps").await;
    for step in ["登记需求", "关联岗位", "指派人力资源机构", "登记上岗"] {
        assert!(steps.contains(step), "{step}: {steps}");
    }
    shots.take(&c, "ticket-filled").await;

    // The list shows it filled; the overview of the module is one click away.
    c.goto(&format!("{base}/service/tickets")).await.unwrap();
    let row = text_of(&c, "#tickets tbody tr").await;
    assert!(row.contains("100%") && row.contains("已满足"), "{row}");
    c.goto(&format!("{base}/skills")).await.unwrap();
    let targets = text_of(&c, "#skill-targets").await;
    assert!(targets.contains("人力资源服务机构总数"), "{targets}");
    shots.take(&c, "skills-overview").await;
    c.close().await.ok();
}
