//! What the upstream receives, and what the browser gets back.

use serde_json::{Value, json};

use super::echo_app;
use super::upstream;
use super::{DEMO_PASSWORD, DEMO_USER, signed_in};
use crate::helpers::{assert_problem, local_app, sign_in_as};

async fn echo(r: reqwest::Response) -> Value {
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test]
async fn the_upstream_gets_the_verified_identity_and_token_and_never_the_cookies() {
    let (_up, app) = echo_app().await;
    let me = app.get_json("/api/me").await;
    let r = app
        .client
        .get(app.url("/api/echo/items/7?q=a%20b&x=1"))
        .header("x-org-id", "someone-elses-org")
        .header("x-user-sub", "forged")
        .header("x-user-name", "root")
        .header("x-forwarded-for", "6.6.6.6")
        .header("x-forwarded-host", "evil.example")
        .header("forwarded", "for=6.6.6.6")
        .header("x-custom", "kept")
        .header("connection", "x-hop")
        .header("x-hop", "must not pass")
        .send()
        .await
        .unwrap();
    let got = echo(r).await;
    assert_eq!(got["method"], "GET");
    assert_eq!(got["path"], "/items/7", "the prefix is stripped by default");
    assert_eq!(got["query"], "q=a%20b&x=1");
    let h = &got["headers"];
    assert_eq!(h["x-user-sub"], me["sub"]);
    assert_eq!(h["x-user-name"], DEMO_USER);
    assert_eq!(h["x-org-id"], "org-demo");
    assert_eq!(me["org_id"], "org-demo");
    assert_eq!(h["x-custom"], "kept");
    assert!(h.get("cookie").is_none(), "cookies leaked: {h}");
    assert!(
        h.get("x-hop").is_none(),
        "a Connection-listed header passed: {h}"
    );
    assert_eq!(
        h["x-forwarded-for"], "127.0.0.1",
        "the caller's chain is not believed"
    );
    assert_eq!(h["x-forwarded-proto"], "http");
    let host = app.base.trim_start_matches("http://");
    assert_eq!(h["x-forwarded-host"], host);
    assert_eq!(
        h["forwarded"],
        format!("for=127.0.0.1;host={host};proto=http")
    );
    assert!(h["x-request-id"].as_str().is_some_and(|id| !id.is_empty()));
    // The Bearer token is the session's access token (the cookie's value).
    let bearer = h["authorization"].as_str().unwrap();
    let token = bearer.strip_prefix("Bearer ").unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT");
    let direct = app.get("/api/me").await;
    assert_eq!(direct.status(), 200);
    let as_bearer = reqwest::Client::new()
        .get(app.url("/api/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        as_bearer.status(),
        200,
        "the forwarded token is the valid access token"
    );
}

#[tokio::test]
async fn a_bearer_caller_is_forwarded_with_its_own_token_and_identity() {
    let (_up, app) = echo_app().await;
    let got = echo(app.get("/api/echo").await).await;
    let token = got["headers"]["authorization"].as_str().unwrap().to_owned();
    let plain = reqwest::Client::new();
    let got = echo(
        plain
            .get(app.url("/api/echo/x"))
            .header("authorization", &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(got["headers"]["authorization"], token.as_str());
    assert_eq!(got["headers"]["x-user-name"], DEMO_USER);
    assert_eq!(got["path"], "/x");
}

#[tokio::test]
async fn the_base_path_is_prepended_and_the_prefix_kept_when_asked() {
    let up = upstream::start().await;
    let upstreams = format!(
        r#"[{{prefix="/api/kept", url="{0}/base/", strip_prefix=false}}, {{prefix="/api/based", url="{0}/v1"}}]"#,
        up.base
    );
    let app = signed_in(&upstreams, &[]).await;
    let got = echo(app.get("/api/kept/a?b=c").await).await;
    assert_eq!(got["path"], "/base/api/kept/a");
    assert_eq!(got["query"], "b=c");
    let got = echo(app.get("/api/based").await).await;
    assert_eq!(got["path"], "/v1/");
    let got = echo(app.get("/api/based/").await).await;
    assert_eq!(
        got["path"], "/v1/",
        "the prefix with a trailing slash is the upstream's too"
    );
    let got = echo(app.get("/api/based/x/%2F/y").await).await;
    assert_eq!(
        got["path"], "/v1/x/%2F/y",
        "the path is forwarded still encoded"
    );
    // Only whole segments match: /api/basedx is no upstream's.
    let r = app.get("/api/basedx").await;
    assert_problem(r, 404, "not_found").await;
    assert_eq!(up.calls(), 4);
}

#[tokio::test]
async fn methods_and_bodies_reach_the_upstream_unchanged() {
    let (_up, app) = echo_app().await;
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let r = app
            .client
            .request(method.parse().unwrap(), app.url("/api/echo/orders"))
            .header("x-csrf", "1")
            .header("content-type", "application/x-custom")
            .body(format!("{{\"m\":\"{method}\"}}"))
            .send()
            .await
            .unwrap();
        let got = echo(r).await;
        assert_eq!(got["method"], method);
        assert_eq!(got["body"], format!("{{\"m\":\"{method}\"}}"));
        assert_eq!(got["headers"]["content-type"], "application/x-custom");
    }
    let r = app
        .client
        .head(app.url("/api/echo/orders"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn unsafe_methods_need_the_csrf_header_as_on_every_api_route() {
    let (up, app) = echo_app().await;
    let r = app
        .client
        .post(app.url("/api/echo/orders"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(r, 403, "csrf_rejected").await;
    let r = app
        .client
        .delete(app.url("/api/echo/orders/1"))
        .header("x-csrf", "1")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_problem(r, 403, "csrf_rejected").await;
    assert_eq!(up.calls(), 0, "a refused request reached the upstream");
}

#[tokio::test]
async fn requests_without_a_valid_session_never_reach_the_upstream() {
    let up = upstream::start().await;
    let app = local_app(&[("BFF_UPSTREAMS", &format!("/api/echo={}", up.base))]).await;
    let r = app.get("/api/echo/x").await;
    assert_problem(r, 401, "unauthenticated").await;
    let r = app
        .client
        .get(app.url("/api/echo"))
        .bearer_auth("not.a.token")
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "unauthenticated").await;
    let r = app
        .client
        .get(app.url("/api/echo"))
        .header("cookie", "access_token=forged.jwt.value")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(up.calls(), 0);
}

#[tokio::test]
async fn signed_out_sessions_are_not_forwarded() {
    let (up, app) = echo_app().await;
    let got = echo(app.get("/api/echo").await).await;
    let token = got["headers"]["authorization"].as_str().unwrap().to_owned();
    let r = app
        .post_json("/auth/signout", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = reqwest::Client::new()
        .get(app.url("/api/echo"))
        .header("authorization", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        401,
        "the signed-out token still reached the upstream"
    );
    assert_eq!(up.calls(), 1);
}

#[tokio::test]
async fn an_upstream_cookie_that_would_shadow_the_services_is_dropped() {
    let (_up, app) = echo_app().await;
    let r = app.get("/api/echo/cookies").await;
    assert_eq!(r.status(), 200);
    let cookies: Vec<&str> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(cookies, ["cart=3; Path=/api/echo"]);
    assert_eq!(r.headers()["x-kept"], "yes");
    assert!(
        r.headers().get("x-upstream-hop").is_none(),
        "hop-by-hop passed"
    );
    // The session still works: nothing replaced the access cookie.
    let me = app.get_json("/api/me").await;
    assert_eq!(me["username"], DEMO_USER);
}

#[tokio::test]
async fn a_user_without_a_tenant_is_refused_unless_the_upstream_allows_it() {
    let up = upstream::start().await;
    let upstreams = format!(
        r#"[{{prefix="/api/echo", url="{0}"}}, {{prefix="/api/open", url="{0}", require_tenant=false}}]"#,
        up.base
    );
    let app = local_app(&[("BFF_UPSTREAMS", &upstreams)]).await;
    let endpoint = app.local_cognito.clone().unwrap();
    crate::helpers::create_confirmed_user(&endpoint, "nobody", DEMO_PASSWORD, None).await;
    sign_in_as(&app, "nobody", DEMO_PASSWORD).await;
    // By default: 403 missing_org, and the upstream never sees the request.
    let r = app.get("/api/echo/x").await;
    assert_problem(r, 403, "missing_org").await;
    assert_eq!(up.calls(), 0);
    // Where allowed: forwarded without X-Org-Id, whatever the caller sent.
    let r = app
        .client
        .get(app.url("/api/open/x"))
        .header("x-org-id", "acme")
        .send()
        .await
        .unwrap();
    let got = echo(r).await;
    assert!(
        got["headers"].get("x-org-id").is_none(),
        "{}",
        got["headers"]
    );
    assert_eq!(got["headers"]["x-user-name"], "nobody");
}

#[tokio::test]
async fn each_upstream_is_counted_in_the_metrics() {
    let up = upstream::start().await;
    let app = signed_in(
        &format!("/api/echo={},/api/down=http://127.0.0.1:9", up.base),
        &[("BFF_METRICS_LISTEN", "127.0.0.1:0")],
    )
    .await;
    app.get("/api/echo/a").await;
    app.get("/api/down/a").await;
    let text = reqwest::get(format!("{}/metrics", app.metrics_base.as_ref().unwrap()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        r#"bff_upstream_requests_total{upstream="/api/echo",class="2xx"} 1"#,
        r#"bff_upstream_requests_total{upstream="/api/down",class="unreachable"} 1"#,
        r#"bff_upstream_response_seconds_count{upstream="/api/echo"} 1"#,
        r#"bff_http_requests_total{route="/api/echo/{*rest}",method="GET",status="200"} 1"#,
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}

#[test]
fn no_upstream_may_take_or_shadow_a_route_of_the_service() {
    for route in cognito_bff::http::mounted_routes() {
        if !route.path.starts_with("/api/") {
            continue;
        }
        // The route itself, and every prefix of it under /api.
        let segments: Vec<&str> = route.path.split('/').collect();
        for n in 3..=segments.len() {
            let prefix = segments[..n].join("/");
            let err = cognito_bff::config::load(&crate::helpers::sources(&[(
                "BFF_UPSTREAMS",
                &format!("{prefix}=http://127.0.0.1:9"),
            )]))
            .expect_err(&format!("{prefix} was accepted over {}", route.path));
            assert!(
                err.problems.iter().any(|p| p.starts_with("BFF_UPSTREAMS:")),
                "{err:?}"
            );
        }
    }
}

#[test]
fn start_up_names_every_upstream_problem_on_its_own_line() {
    let err = cognito_bff::config::load(&crate::helpers::sources(&[(
        "BFF_UPSTREAMS",
        "/api/a=http://x,/api/a/b=http://y,/api/c=gopher://z,/api/d",
    )]))
    .expect_err("bad upstreams were accepted");
    let lines: Vec<&String> = err
        .problems
        .iter()
        .filter(|p| p.starts_with("BFF_UPSTREAMS:"))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
}

#[tokio::test]
async fn a_path_with_dot_segments_is_refused_before_the_upstream() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let (up, app) = echo_app().await;
    let token = {
        let got = echo(app.get("/api/echo").await).await;
        got["headers"]["authorization"].as_str().unwrap().to_owned()
    };
    // Raw requests: HTTP clients resolve dot segments before sending.
    for path in ["/api/echo/../me", "/api/echo/%2e%2e/x", "/api/echo/./x"] {
        let mut tcp = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://"))
            .await
            .unwrap();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: {token}\r\nConnection: close\r\n\r\n"
        );
        tcp.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        tcp.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 400"), "{path}: {answer}");
        assert!(answer.contains("invalid_request"), "{path}: {answer}");
    }
    assert_eq!(
        up.calls(),
        1,
        "only the first, plain request reached the upstream"
    );
}
