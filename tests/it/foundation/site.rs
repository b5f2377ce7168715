//! Issue 6: the static site at `/`: the demo page built into the binary in
//! local mode, `BFF_STATIC_DIR` in any profile, security headers, and no
//! shadowing of the service's routes.

use crate::helpers::{assert_problem, local_app, offline_app, sources};

fn assert_security_headers(r: &reqwest::Response) {
    let h = r.headers();
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    let csp = h["content-security-policy"].to_str().unwrap();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
}

#[tokio::test]
async fn local_mode_serves_the_demo_page_with_security_headers() {
    let app = local_app(&[]).await;
    for (path, content_type, marker) in [
        ("/", "text/html", "<form id=\"signin-form\""),
        ("/index.html", "text/html", "src=\"app.js\""),
        ("/app.js", "text/javascript", "X-CSRF"),
        ("/style.css", "text/css", "font-family"),
    ] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_security_headers(&r);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(content_type),
            "{path}"
        );
        assert!(r.text().await.unwrap().contains(marker), "{path}");
    }
    let r = app.client.head(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // Unknown paths stay problem+json, and the service's routes win.
    for path in ["/nope", "/app.js/x", "/auth/nope", "/auth", "/healthz/x"] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_problem(r, 404, "not_found").await;
    }
    let r = app.client.get(app.url("/api/me")).send().await.unwrap();
    assert_problem(r, 401, "unauthenticated").await;
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    app.stop().await;
}

#[tokio::test]
async fn production_serves_no_page_without_a_static_dir() {
    let app = offline_app(&[]).await;
    for path in ["/", "/index.html", "/app.js"] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_problem(r, 404, "not_found").await;
    }
    app.stop().await;
}

#[tokio::test]
async fn bff_static_dir_is_served_in_production_without_shadowing_routes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<p>custom spa</p>").unwrap();
    std::fs::write(dir.path().join("healthz"), "shadow").unwrap();
    std::fs::create_dir(dir.path().join("api")).unwrap();
    std::fs::write(dir.path().join("api").join("me"), "shadow").unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("assets").join("a.js"), "let a = 1;").unwrap();
    let app = offline_app(&[("BFF_STATIC_DIR", dir.path().to_str().unwrap())]).await;

    let r = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_security_headers(&r);
    assert_eq!(r.text().await.unwrap(), "<p>custom spa</p>");
    let r = app
        .client
        .get(app.url("/assets/a.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_security_headers(&r);
    assert_eq!(r.text().await.unwrap(), "let a = 1;");
    // Not the built-in demo page: only the directory's files.
    let r = app.client.get(app.url("/app.js")).send().await.unwrap();
    assert_problem(r, 404, "not_found").await;
    let r = app
        .client
        .get(app.url("/../Cargo.toml"))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 200);
    // Files named like the service's routes never shadow them.
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    let r = app.client.get(app.url("/api/me")).send().await.unwrap();
    assert_problem(r, 401, "unauthenticated").await;
    let r = app.client.get(app.url("/nope")).send().await.unwrap();
    assert_problem(r, 404, "not_found").await;
    app.stop().await;
}

#[test]
fn a_static_dir_that_is_not_a_directory_is_refused() {
    let err = cognito_bff::config::load(&sources(&[("BFF_STATIC_DIR", "/definitely/not/here")]))
        .unwrap_err();
    assert!(
        err.problems
            .iter()
            .any(|p| p.starts_with("BFF_STATIC_DIR:") && p.contains("not a directory")),
        "{:?}",
        err.problems
    );
}
