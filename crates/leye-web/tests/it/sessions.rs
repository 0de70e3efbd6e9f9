//! Browser sessions: sign-in, CSRF, lock-out, forms with inline errors, audited reveal.

use super::{Env, call_as, env, person_body, send};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use leye_store::Store;
use leye_testkit::both_backends;
use serde_json::Value;

struct Browser {
    cookie: String,
    csrf: String,
}

async fn login(env: &Env, user: &str, password: &str) -> Result<Browser, (StatusCode, String)> {
    let body =
        serde_urlencoded::to_string([("username", user), ("password", password), ("next", "/")])
            .unwrap();
    let req = Request::builder()
        .method("POST")
        .uri("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let (s, bytes, headers) = send(&env.app, req).await;
    if s != StatusCode::SEE_OTHER {
        return Err((s, String::from_utf8_lossy(&bytes).to_string()));
    }
    let set = headers["set-cookie"].to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_string();
    // The CSRF token is in every page's forms.
    let (_, home) = get(env, &cookie, "/account").await;
    let csrf = home
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    Ok(Browser { cookie, csrf })
}

async fn get(env: &Env, cookie: &str, uri: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .uri(uri)
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap();
    let (s, b, _) = send(&env.app, req).await;
    (s, String::from_utf8_lossy(&b).to_string())
}

async fn post_form(
    env: &Env,
    b: &Browser,
    uri: &str,
    pairs: &[(&str, &str)],
    with_csrf: bool,
) -> (StatusCode, String, axum::http::HeaderMap) {
    let mut all: Vec<(&str, &str)> = pairs.to_vec();
    if with_csrf {
        all.push(("csrf", &b.csrf));
    }
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("cookie", &b.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(&all).unwrap()))
        .unwrap();
    let (s, bytes, h) = send(&env.app, req).await;
    (s, String::from_utf8_lossy(&bytes).to_string(), h)
}

async fn sign_in_csrf_and_forms(store: Store) {
    let env = env(store).await;
    // The fixture's admin has password pass1234.
    let b = login(&env, "admin", "pass1234").await.unwrap();
    let (s, home) = get(&env, &b.cookie, "/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(home.contains("用户管理") && home.contains("退出"));

    // A write without the CSRF token is refused and changes nothing.
    let id = leye_testkit::id_number("330502", "19900101", 31);
    let fields = [
        ("name", "表单人"),
        ("id_number", id.as_str()),
        ("residence_region", "330502102201"),
        ("education", "bachelor"),
        ("assistance", "none"),
    ];
    let (s, page, _) = post_form(&env, &b, "/persons/new", &fields, false).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{page}");
    assert!(page.contains("刷新页面"));
    // Bad input: each error next to its field, what was typed kept.
    let bad = [
        ("name", "表单人"),
        ("id_number", "330502199001010310"),
        ("phone", "123"),
        ("residence_region", "330502102201"),
        ("education", "bachelor"),
        ("assistance", "none"),
    ];
    let (s, page, _) = post_form(&env, &b, "/persons/new", &bad, true).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("id=\"err-id_number\"") && page.contains("校验位"),
        "{page}"
    );
    assert!(page.contains("id=\"err-phone\""));
    assert!(page.contains("value=\"表单人\""));
    assert!(page.contains("2处问题"));
    // A household form with two problems shows both, each at its field.
    let (s, page, _) = post_form(
        &env,
        &b,
        "/households/new",
        &[
            ("region", "9"),
            ("members[0].person_id", "1"),
            ("members[0].relation", ""),
        ],
        true,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("id=\"err-region\"") && page.contains("id=\"err-members[0].relation\""),
        "{page}"
    );
    // Good input with the token: created, then shown masked.
    let (s, _, h) = post_form(&env, &b, "/persons/new", &fields, true).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let loc = h["location"].to_str().unwrap().to_string();
    let (_, detail) = get(&env, &b.cookie, &loc).await;
    assert!(detail.contains("表单人") && !detail.contains(&id));
    // Show in full: needs a reason, audited.
    let (s, _, _) = post_form(&env, &b, &format!("{loc}/reveal"), &[("reason", "")], true).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, full, _) = post_form(
        &env,
        &b,
        &format!("{loc}/reveal"),
        &[("reason", "核对身份信息")],
        true,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(full.contains(&id));
    let pid: i64 = loc.rsplit('/').next().unwrap().parse().unwrap();
    let mut tx = env.store.begin().await.unwrap();
    let log = leye_store::audit_entries(&mut tx, "person", pid)
        .await
        .unwrap();
    assert_eq!(
        (
            log[0].action.as_str(),
            log[0].detail.as_str(),
            log[0].actor.as_str()
        ),
        ("reveal", "核对身份信息", "admin#1")
    );
    assert!(
        log.iter().all(|e| !e.after_json.contains(&id)),
        "the audit log holds the full ID number"
    );
    drop(tx);
    // JSON API with the session cookie needs the header.
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/persons")
        .header("cookie", &b.cookie)
        .header("content-type", "application/json")
        .body(Body::from(person_body("接口", 77).to_string()))
        .unwrap();
    assert_eq!(send(&env.app, req).await.0, StatusCode::FORBIDDEN);
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/persons")
        .header("cookie", &b.cookie)
        .header("x-csrf-token", &b.csrf)
        .header("content-type", "application/json")
        .body(Body::from(person_body("接口", 77).to_string()))
        .unwrap();
    assert_eq!(send(&env.app, req).await.0, StatusCode::CREATED);
    // Logout ends the session.
    let (s, _, _) = post_form(&env, &b, "/logout", &[], true).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = get(&env, &b.cookie, "/").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
}

async fn repeated_failures_lock_the_account(store: Store) {
    let env = env(store).await;
    for _ in 0..4 {
        let (s, page) = login(&env, "admin", "wrong").await.err().unwrap();
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(page.contains("用户名或密码错误"));
    }
    let (_, page) = login(&env, "admin", "wrong").await.err().unwrap();
    assert!(page.contains("临时锁定"), "{page}");
    // Even the right password is refused while locked.
    let (_, page) = login(&env, "admin", "pass1234").await.err().unwrap();
    assert!(page.contains("临时锁定"));
    let (_, page) = login(&env, "nobody", "pass1234").await.err().unwrap();
    assert!(page.contains("用户名或密码错误"));
}

async fn admin_creates_and_disables_accounts(store: Store) {
    let env = env(store).await;
    let b = login(&env, "admin", "pass1234").await.unwrap();
    let (s, page, _) = post_form(
        &env,
        &b,
        "/admin/users",
        &[
            ("username", "dq"),
            ("display_name", "德清"),
            ("role", "county_officer"),
            ("password", "abcd1234"),
        ],
        true,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("管辖区划代码"), "{page}");
    let (s, page, _) = post_form(
        &env,
        &b,
        "/admin/users",
        &[
            ("username", "dq"),
            ("display_name", "德清"),
            ("role", "county_officer"),
            ("region_code", "330521"),
            ("password", "abcd1234"),
        ],
        true,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("已创建用户") && page.contains("<td>dq</td>"));
    let dq = login(&env, "dq", "abcd1234").await.unwrap();
    // A 德清 officer cannot open a 吴兴 person.
    let (_, p) = call_as(
        &env,
        &env.token,
        Method::POST,
        "/api/v1/persons",
        Some(person_body("吴兴人", 88)),
    )
    .await;
    let wid = serde_json::from_slice::<Value>(&p).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, page) = get(&env, &dq.cookie, &format!("/persons/{wid}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "as if it did not exist");
    assert!(page.contains("不存在或不在您的数据范围内") && !page.contains("吴兴人"));
    // Disabled: the session ends at once.
    let mut tx = env.store.begin().await.unwrap();
    let id = leye_store::user_by_name(&mut tx, "dq")
        .await
        .unwrap()
        .unwrap()
        .id;
    drop(tx);
    let (s, _, _) = post_form(&env, &b, &format!("/admin/users/{id}/disable"), &[], true).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(get(&env, &dq.cookie, "/").await.0, StatusCode::SEE_OTHER);
    let (_, page) = login(&env, "dq", "abcd1234").await.err().unwrap();
    assert!(page.contains("已停用"));
    // API tokens: made on the account page, shown once, usable, revocable.
    let (s, page, _) =
        post_form(&env, &b, "/account/tokens", &[("name", "数据局对接")], true).await;
    assert_eq!(s, StatusCode::OK);
    let token = page
        .split("id=\"new-token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let (s, _) = call_as(&env, &token, Method::GET, "/api/v1/me", None).await;
    assert_eq!(s, StatusCode::OK);
}

/// Two servers on one database: B remembers who a cookie and a token belong to, and forgets
/// as soon as the authentication epoch moves, whether the session ended through A or the
/// token was revoked without any server (as the CLI would).
async fn sessions_end_on_every_server(store: Store) {
    let a = env(store.clone()).await;
    let state = leye_web::AppState {
        callers: std::sync::Arc::new(leye_web::callers::Callers::new(
            std::time::Duration::ZERO,
            leye_web::callers::MAX_AGE,
        )),
        ..leye_web::AppState::new(store.clone(), leye_web::Clock::Fixed(leye_testkit::now()))
            .unwrap()
    };
    let b = Env {
        app: leye_web::app(state.clone()),
        token: a.token.clone(),
        store: store.clone(),
    };
    let browser = login(&a, "admin", "pass1234").await.unwrap();
    assert_eq!(get(&b, &browser.cookie, "/account").await.0, StatusCode::OK);
    assert_eq!(get(&b, &browser.cookie, "/account").await.0, StatusCode::OK);
    assert_eq!(state.callers.len(), 1, "B remembers the session");
    let (s, _, _) = post_form(&a, &browser, "/logout", &[], true).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        get(&b, &browser.cookie, "/account").await.0,
        StatusCode::SEE_OTHER,
        "signed out through A: B sends the browser to the login page"
    );
    // A token B has seen, revoked in the database directly.
    let (s, _) = call_as(&b, &b.token, Method::GET, "/api/v1/me", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(state.callers.len(), 1);
    let mut tx = store.begin().await.unwrap();
    let user = leye_store::user_by_name(&mut tx, "admin")
        .await
        .unwrap()
        .unwrap();
    let tokens = leye_store::api_tokens(&mut tx, user.id).await.unwrap();
    leye_store::revoke_api_token(
        &mut tx,
        &leye_store::Actor::system("test"),
        user.id,
        tokens[0].id,
        leye_testkit::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (s, body) = call_as(&b, &b.token, Method::GET, "/api/v1/me", None).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert!(state.callers.is_empty());
}

both_backends!(
    sign_in_csrf_and_forms,
    repeated_failures_lock_the_account,
    admin_creates_and_disables_accounts,
    sessions_end_on_every_server
);

async fn post_file(
    env: &Env,
    b: &Browser,
    uri: &str,
    file_name: &str,
    bytes: &[u8],
    skip_invalid: bool,
) -> (StatusCode, String) {
    let boundary = "leyeTestBoundary7MA4YWxk";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n");
    if skip_invalid {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"skip_invalid\"\r\n\r\n1\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("cookie", &b.cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let (s, bytes, _) = send(&env.app, req).await;
    (s, String::from_utf8_lossy(&bytes).to_string())
}

/// The import page: templates to download, an upload that needs the CSRF token, a report
/// with every bad row and nothing written, --skip-invalid from a checkbox, the caller's scope,
/// and list exports to Excel.
async fn import_page_uploads_and_reports(store: Store) {
    let env = env(store).await;
    let b = login(&env, "admin", "pass1234").await.unwrap();
    let (s, page) = get(&env, &b.cookie, "/imports").await;
    assert_eq!(s, StatusCode::OK);
    for e in ["persons", "households", "enterprises", "headcount"] {
        assert!(page.contains(&format!("/imports/{e}/template.xlsx")), "{e}");
    }
    let req = Request::builder()
        .uri("/imports/persons/template.xlsx")
        .header("cookie", &b.cookie)
        .body(Body::empty())
        .unwrap();
    let (s, t, h) = send(&env.app, req).await;
    assert_eq!(s, StatusCode::OK);
    assert!(t.starts_with(b"PK"));
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );

    let ok = leye_testkit::id_number("330502", "19900101", 41);
    let csv = format!(
        "姓名,身份证号,常住地区划代码\n甲,{ok},330502102001\n乙,3.30502E+17,330502102001\n"
    );
    let url = format!("/imports/persons?csrf={}", b.csrf);
    // Without the token in the action URL: refused, nothing written.
    let (s, _) = post_file(
        &env,
        &b,
        "/imports/persons",
        "人员.csv",
        csv.as_bytes(),
        false,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, page) = post_file(&env, &b, &url, "人员.csv", csv.as_bytes(), false).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(
        page.contains("没有写入任何数据") && page.contains("科学计数法"),
        "{page}"
    );
    assert!(page.contains("data:text/csv;charset=utf-8,"));
    assert_eq!(
        env.store
            .counts(&leye_domain::Scope::System)
            .await
            .unwrap()
            .persons,
        0
    );
    let (_, page) = post_file(&env, &b, &url, "人员.csv", csv.as_bytes(), true).await;
    assert!(page.contains("<td id=\"created\">1</td>"), "{page}");
    // A file that is not a table: a clear message, not a 500.
    let (s, page) = post_file(
        &env,
        &b,
        &url,
        "x.csv",
        "随便写的一行字\n".as_bytes(),
        false,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("找不到表头行"), "{page}");
    let (s, page) = post_file(&env, &b, "/imports/nothing?csrf=x", "x.csv", b"a", false).await;
    assert!(
        s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND,
        "{s} {page}"
    );

    // The list exports to Excel, masked.
    let req = Request::builder()
        .uri("/persons/export.xlsx")
        .header("cookie", &b.cookie)
        .body(Body::empty())
        .unwrap();
    let (s, x, _) = send(&env.app, req).await;
    assert_eq!(s, StatusCode::OK);
    let t = leye_io::table::read("p.xlsx", &x, &["姓名", "身份证号(脱敏)"]).unwrap();
    assert_eq!(t.rows.len(), 1);
    assert!(
        t.rows[0].cells.iter().any(|c| c.contains("****")),
        "{:?}",
        t.rows[0]
    );
}

/// An auditor (read-only) may import nothing: the page says so, an upload is refused.
async fn import_needs_the_entity_write_permission(store: Store) {
    let env = env(store).await;
    super::user_with_token(&env.store, "audit", "auditor", None, None, None).await;
    let b = login(&env, "audit", "pass1234").await.unwrap();
    let (s, page) = get(&env, &b.cookie, "/imports").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("没有可导入的数据"), "{page}");
    let url = format!("/imports/persons?csrf={}", b.csrf);
    let (s, _) = post_file(&env, &b, &url, "p.csv", "姓名,身份证号\n".as_bytes(), false).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

both_backends!(
    import_page_uploads_and_reports,
    import_needs_the_entity_write_permission
);

/// Session fixation: a session cookie planted before sign-in (by a shared computer or a crafted
/// link) is never the session the server issues, and never authenticates; signing out ends the
/// session on the server, so a copied cookie is worthless afterwards.
async fn planted_cookies_never_become_sessions(store: Store) {
    let env = env(store).await;
    let planted = "leye_session=chosen-by-an-attacker-0123456789abcdef";
    let body = serde_urlencoded::to_string([
        ("username", "admin"),
        ("password", "pass1234"),
        ("next", "/"),
    ])
    .unwrap();
    let req = Request::builder()
        .method("POST")
        .uri("/login")
        .header("cookie", planted)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let (s, _, headers) = send(&env.app, req).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let issued = headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(issued, planted, "a fresh session id at sign-in");
    assert!(issued.len() > "leye_session=".len() + 30, "{issued}");
    let (s, _) = get(&env, planted, "/account").await;
    assert_eq!(s, StatusCode::SEE_OTHER, "the planted cookie is nobody");
    let (s, _) = get(&env, &issued, "/account").await;
    assert_eq!(s, StatusCode::OK);
    // Sign out: the same cookie no longer works, even if someone kept a copy.
    let b = login(&env, "admin", "pass1234").await.unwrap();
    let (s, _, _) = post_form(&env, &b, "/logout", &[], true).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = get(&env, &b.cookie, "/account").await;
    assert_eq!(s, StatusCode::SEE_OTHER, "signed out on the server");
}

/// ID enumeration: an officer asking for records outside their area by id gets exactly the
/// answer a missing id gets (404, same body), in the API and in the pages, so ids cannot be
/// probed for existence; and walking ids in the API never reveals a name from elsewhere.
async fn other_areas_records_look_missing(store: Store) {
    let env = env(store.clone()).await;
    let (s, created) = super::call(
        &env,
        Method::POST,
        "/api/v1/persons",
        Some(person_body("吴兴人", 61)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let far =
        super::user_with_token(&store, "far", "county_officer", Some("330521"), None, None).await;
    for (inside, missing) in [
        (
            format!("/api/v1/persons/{id}"),
            "/api/v1/persons/987654".to_string(),
        ),
        (format!("/persons/{id}"), "/persons/987654".to_string()),
    ] {
        let (s1, b1) = call_as(&env, &far, Method::GET, &inside, None).await;
        let (s2, b2) = call_as(&env, &far, Method::GET, &missing, None).await;
        assert_eq!(
            (s1, s2),
            (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
            "{inside}"
        );
        let norm = |b: &[u8]| String::from_utf8_lossy(b).replace("987654", &id.to_string());
        assert_eq!(
            norm(&b1),
            norm(&b2),
            "{inside}: the same answer as a missing id"
        );
    }
    for probe in 1..=id + 5 {
        let (_, b) = call_as(
            &env,
            &far,
            Method::GET,
            &format!("/api/v1/persons/{probe}"),
            None,
        )
        .await;
        assert!(
            !String::from_utf8_lossy(&b).contains("吴兴人"),
            "id {probe}"
        );
    }
}

both_backends!(
    planted_cookies_never_become_sessions,
    other_areas_records_look_missing
);
