//! The bad-input matrix over every mounted route (and unknown paths):
//! malformed JSON, wrong types, empty and 1 MiB strings, control characters,
//! duplicate and malformed cookies, oversized Cookie headers, odd request
//! ids. Whatever the input: never a 500, never a panic, every error
//! problem+json, and the service still serves afterwards. The Cognito
//! endpoint refuses connections (`offline_app`), so input that passes
//! validation ends as 503 `upstream_unavailable`, never as a 500.
//! `/auth`-specific cases (each field missing, allow-lists) are in
//! `auth::bad_input`.

use reqwest::header::{HeaderName, HeaderValue};
use serde_json::{Value, json};

use crate::auth::bad_input::routes as json_routes;
use crate::helpers::{TestApp, offline_app};

/// Every route the service mounts, plus unknown ones.
fn every_route() -> Vec<(String, String)> {
    let mut routes: Vec<(String, String)> = cognito_bff::http::mounted_routes()
        .into_iter()
        .map(|r| (r.method.to_owned(), r.path))
        .collect();
    assert!(routes.len() >= 15, "{routes:?}");
    for path in [
        "/",
        "/nope",
        "/api/nope",
        "/auth/nope",
        "/api/me/attributes/x",
    ] {
        routes.push(("GET".to_owned(), path.to_owned()));
        routes.push(("POST".to_owned(), path.to_owned()));
    }
    routes
}

/// Checks the invariants on any response and returns status and body.
async fn sane(r: reqwest::Response, what: &str) -> (u16, Value) {
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = r.text().await.unwrap();
    assert!(status != 500, "{what}: 500 {text}");
    assert!(
        [200, 204, 401, 503].contains(&status) || (400..500).contains(&status),
        "{what}: {status} {text}"
    );
    // `/readyz` answers its own JSON while not ready.
    if status >= 400 && !(status == 503 && what.contains("/readyz")) {
        assert_eq!(content_type, "application/problem+json", "{what}: {status}");
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["status"], status, "{what}: {body}");
        assert!(
            body["code"].is_string() && body["detail"].is_string(),
            "{body}"
        );
        return (status, body);
    }
    (status, Value::Null)
}

fn request(app: &TestApp, method: &str, path: &str) -> reqwest::RequestBuilder {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    app.client
        .request(method, app.url(path))
        .header("x-csrf", "1")
}

async fn assert_still_serving(app: &TestApp) {
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn bad_bodies_on_every_route_are_4xx_problems() {
    let app = offline_app(&[]).await;
    let mib = "a".repeat(1024 * 1024);
    let reads_json: Vec<&str> = json_routes().iter().map(|(p, _)| *p).collect();
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("malformed", b"{\"username\": ".to_vec()),
        ("wrong type", b"[1, 2, 3]".to_vec()),
        (
            "wrong field types",
            r#"{"username": 1, "password": [], "session": {}, "code": true, "everywhere": "x"}"#
                .as_bytes()
                .to_vec(),
        ),
        ("empty object", b"{}".to_vec()),
        (
            "empty strings",
            r#"{"username": "", "password": "", "session": "", "code": ""}"#
                .as_bytes()
                .to_vec(),
        ),
        (
            "nested deep",
            format!("{}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
        ),
        (
            "not UTF-8",
            b"{\"username\": \"\xff\", \"password\": \"x\"}".to_vec(),
        ),
        (
            "1 MiB string",
            json!({"username": mib, "password": "x"})
                .to_string()
                .into_bytes(),
        ),
    ];
    for (method, path) in every_route() {
        for (what, body) in &bodies {
            let r = request(&app, &method, &path)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let label = format!("{method} {path} {what}");
            let (status, _) = sane(r, &label).await;
            if method == "POST" && reads_json.contains(&path.as_str()) {
                let expected = if *what == "1 MiB string" { 413 } else { 400 };
                assert_eq!(status, expected, "{label}");
            }
        }
    }
    assert_still_serving(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn control_characters_in_any_text_field_are_400() {
    let app = offline_app(&[]).await;
    for (path, body) in json_routes() {
        for (field, value) in body.as_object().unwrap() {
            if !value.is_string() {
                continue;
            }
            for bad in [
                "a\r\nX-Injected: 1",
                "a\nINFO forged log line",
                "a\u{0}b",
                "a\u{7f}",
                "\u{1b}[31m",
            ] {
                let mut body = body.clone();
                body[field] = json!(bad);
                let r = app.post_json(path, body).send().await.unwrap();
                let label = format!("{path} {field}={bad:?}");
                let (status, problem) = sane(r, &label).await;
                // Fields Cognito sees are checked here; a challenge name is
                // checked against the known ones: both 400.
                assert_eq!(status, 400, "{label}: {problem}");
                assert!(!problem.to_string().contains("X-Injected"), "{problem}");
            }
        }
    }
    assert_still_serving(&app).await;
    app.stop().await;
}

/// Cookie headers no browser of ours would send.
fn bad_cookies() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let refresh = "__Secure-refresh_token";
    let access = "__Secure-access_token";
    vec![
        (
            "duplicate refresh cookie",
            vec![format!("{refresh}=aaa; {refresh}=bbb").into_bytes()],
        ),
        (
            "duplicate refresh cookie in two headers",
            vec![
                format!("{refresh}=aaa").into_bytes(),
                format!("{refresh}=bbb").into_bytes(),
            ],
        ),
        (
            "duplicate access cookie",
            vec![format!("{access}=a.b.c; {access}=d.e.f").into_bytes()],
        ),
        ("cookie without =", vec![b"justaname; ; =; ==; ;;".to_vec()]),
        (
            "name without value",
            vec![format!("{refresh}; {access}").into_bytes()],
        ),
        (
            "non-UTF-8 bytes",
            vec![
                format!("{refresh}=\u{0}").into_bytes(),
                b"a=\xff\xfe; __Secure-access_token=\xc3\x28".to_vec(),
            ],
        ),
        (
            "quoted and escaped",
            vec![format!("{refresh}=\"%00%0d%0a\"; {access}=\"a.b.c\"").into_bytes()],
        ),
        (
            "8 KiB junk cookie",
            vec![format!("junk={}", "j".repeat(8 * 1024)).into_bytes()],
        ),
    ]
    .into_iter()
    .map(|(w, hs)| {
        (
            w,
            hs.into_iter()
                .filter(|h| HeaderValue::from_bytes(h).is_ok())
                .collect(),
        )
    })
    .collect()
}

#[tokio::test]
async fn duplicate_and_malformed_cookies_on_every_route_are_never_a_500() {
    let app = offline_app(&[]).await;
    for (method, path) in every_route() {
        for (what, headers) in bad_cookies() {
            let mut req = request(&app, &method, &path);
            for h in &headers {
                req = req.header("cookie", HeaderValue::from_bytes(h).unwrap());
            }
            let label = format!("{method} {path} {what}");
            let (status, problem) = sane(req.send().await.unwrap(), &label).await;
            if path == "/auth/refresh" {
                assert_eq!(
                    (status, problem["code"].as_str()),
                    (401, Some("session_expired")),
                    "{label}"
                );
            }
            if path.starts_with("/api/me") && method == "GET" {
                assert_eq!(status, 401, "{label}: {problem}");
            }
        }
    }
    assert_still_serving(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn an_oversized_cookie_header_is_431_problem_json_on_every_route() {
    let app = offline_app(&[]).await;
    let big = format!("__Secure-refresh_token={}", "A".repeat(32 * 1024));
    for (method, path) in every_route() {
        let r = request(&app, &method, &path)
            .header("cookie", big.as_str())
            .send()
            .await
            .unwrap();
        let label = format!("{method} {path} 32 KiB cookie");
        let (status, problem) = sane(r, &label).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (431, Some("invalid_request")),
            "{label}"
        );
    }
    // Many small Cookie headers add up the same way.
    let mut req = request(&app, "GET", "/api/me");
    for i in 0..40 {
        req = req.header("cookie", format!("c{i}={}", "x".repeat(1000)));
    }
    let (status, _) = sane(req.send().await.unwrap(), "40 cookie headers").await;
    assert_eq!(status, 431);
    // Just under the limit is read as usual.
    let fits = format!("junk={}", "x".repeat(15 * 1024));
    let r = request(&app, "GET", "/api/me")
        .header("cookie", fits)
        .send()
        .await
        .unwrap();
    assert_eq!(sane(r, "15 KiB cookie").await.0, 401);

    // 1 MiB: beyond hyper's own header buffer, hyper answers a bare 431 (or
    // closes the connection) before the service sees the request. Either
    // way no 2xx, no 500, and the process keeps serving.
    let huge = format!("junk={}", "x".repeat(1024 * 1024));
    match reqwest::Client::new()
        .get(app.url("/healthz"))
        .header("cookie", huge)
        .send()
        .await
    {
        Ok(r) => assert_eq!(r.status(), 431),
        Err(e) => assert!(!e.is_timeout(), "{e}"),
    }
    assert_still_serving(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn odd_request_ids_and_authorization_headers_are_replaced_or_refused() {
    let app = offline_app(&[]).await;
    let long = "a".repeat(200);
    let odd: Vec<&[u8]> = vec![
        b"id\xffx",
        b"<script>alert(1)</script>",
        b"a b",
        b"\"quoted\"",
        b"",
        long.as_bytes(),
        b"x\tINFO forged",
    ];
    for (method, path) in every_route() {
        for id in &odd {
            let r = request(&app, &method, &path)
                .header(
                    HeaderName::from_static("x-request-id"),
                    HeaderValue::from_bytes(id).unwrap(),
                )
                .header(
                    "authorization",
                    HeaderValue::from_bytes(b"Bearer \xff.\x80.x").unwrap(),
                )
                .send()
                .await
                .unwrap();
            let returned = r.headers()["x-request-id"].to_str().unwrap().to_owned();
            let label = format!("{method} {path} id={:?}", String::from_utf8_lossy(id));
            assert_ne!(returned.as_bytes(), *id, "{label}");
            assert!(
                uuid::Uuid::parse_str(&returned).is_ok(),
                "{label}: {returned}"
            );
            let (status, _) = sane(r, &label).await;
            if path.starts_with("/api/me") && method == "GET" {
                assert_eq!(status, 401, "{label}");
            }
        }
    }
    assert_still_serving(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn odd_paths_and_methods_are_404_or_405_problems() {
    let app = offline_app(&[]).await;
    let long = format!("/{}", "p".repeat(8 * 1024));
    for path in [
        "/%ff",
        "/auth/signin%00",
        "/api/me%2F..%2Fme",
        "/auth/signin/",
        "//auth//signin",
        "/healthz?x=%ff%00&&&=",
        long.as_str(),
    ] {
        let r = request(&app, "POST", path).send().await.unwrap();
        let (status, _) = sane(r, path).await;
        // 401: an unknown path under /api is behind the guard.
        assert!(
            [400, 401, 404, 405, 415].contains(&status),
            "{path}: {status}"
        );
    }
    for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "FOO"] {
        for path in ["/healthz", "/auth/signin", "/api/me"] {
            let r = request(&app, method, path).send().await.unwrap();
            let label = format!("{method} {path}");
            let (status, _) = sane(r, &label).await;
            assert!([401, 403, 404, 405].contains(&status), "{label}: {status}");
        }
    }
    assert_still_serving(&app).await;
    app.stop().await;
}
