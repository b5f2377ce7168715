//! Cognito failing in every way a network service can: slow, 5xx, refusing
//! connections, garbage bodies, throttling. The service binary runs as a
//! child process (log in a file) against a stub on 127.0.0.1; after every
//! fault it still serves, and its log (at `trace`) holds no password, token
//! or cookie value.

use std::time::{Duration, Instant};

use cognito_bff::auth::RefreshSession;
use cognito_bff::cookies::Cookies;
use serde_json::json;

use super::fixtures::{CognitoStub, Fault, Service, free_port};
use crate::helpers::{JwksServer, assert_problem, production_env, settings_from};

const PASSWORD: &str = "Fault-S3cret-Passw0rd!";
const REFRESH_TOKEN: &str = "FAULT-REFRESH-TOKEN-SECRET-0123456789";
/// The configured budget of one Cognito operation in these tests.
const BUDGET: Duration = Duration::from_millis(1500);
/// Scheduling slack on a loaded 2-core machine.
const MARGIN: Duration = Duration::from_millis(1500);

/// The production environment against `endpoint`, with a `budget_ms` budget.
fn env(jwks: &JwksServer, endpoint: &str, budget_ms: u64) -> Vec<(String, String)> {
    let mut env = production_env(&jwks.url);
    env.retain(|(k, _)| k != "BFF_COGNITO_ENDPOINT_URL");
    env.extend([
        ("BFF_COGNITO_ENDPOINT_URL".to_owned(), endpoint.to_owned()),
        ("BFF_COGNITO_TIMEOUT_MS".to_owned(), budget_ms.to_string()),
        (
            "BFF_COGNITO_CONNECT_TIMEOUT_MS".to_owned(),
            "500".to_owned(),
        ),
        ("BFF_COGNITO_MAX_ATTEMPTS".to_owned(), "3".to_owned()),
    ]);
    env
}

/// A refresh cookie the service opens (same key), carrying [`REFRESH_TOKEN`].
fn refresh_cookie(env: &[(String, String)]) -> String {
    let mut env = env.to_vec();
    env.push(("BFF_LISTEN".to_owned(), "127.0.0.1:0".to_owned()));
    let cookies = Cookies::new(&settings_from(env));
    let value = cookies.seal_refresh(&RefreshSession {
        username: "alice".to_owned(),
        refresh_token: REFRESH_TOKEN.to_owned(),
        origin_jti: None,
    });
    format!("{}={value}", cookies.names().refresh)
}

/// Sign-in, refresh and forgot-password (three flows) all answer `status`
/// with `code`; returns how long the slowest took.
async fn every_flow_answers(svc: &Service, cookie: &str, status: u16, code: &str) -> Duration {
    let mut slowest = Duration::ZERO;
    for (path, body, with_cookie) in [
        (
            "/auth/signin",
            json!({"username": "alice", "password": PASSWORD}),
            false,
        ),
        ("/auth/refresh", json!(null), true),
        ("/auth/forgot-password", json!({"username": "alice"}), false),
    ] {
        let mut req = svc.http.post(svc.url(path)).header("x-csrf", "1");
        if !body.is_null() {
            req = req.json(&body);
        }
        if with_cookie {
            req = req.header("cookie", cookie);
        }
        let started = Instant::now();
        let r = req.send().await.unwrap();
        slowest = slowest.max(started.elapsed());
        if status == 429 {
            let retry_after = r.headers().get("retry-after").cloned();
            assert!(
                retry_after.is_some_and(|v| v.to_str().unwrap().parse::<u64>().unwrap() >= 1),
                "{path}: {} without Retry-After ({:?})",
                r.status(),
                r.headers()
            );
        }
        // A failing or throttling Cognito must not end the session: the
        // refresh cookie is not cleared.
        assert_eq!(
            r.headers().get_all("set-cookie").iter().count(),
            0,
            "{path}: cookies changed on {status}"
        );
        let text = assert_problem(r, status, code).await.to_string();
        assert!(!text.contains(PASSWORD) && !text.contains(REFRESH_TOKEN));
    }
    slowest
}

async fn service_against(stub_url: &str, budget_ms: u64) -> (Service, String, JwksServer) {
    let jwks = JwksServer::start().await;
    let env = env(&jwks, stub_url, budget_ms);
    let cookie = refresh_cookie(&env);
    (Service::spawn(env, "trace").await, cookie, jwks)
}

fn secrets(cookie: &str) -> Vec<&str> {
    let value = cookie.split_once('=').unwrap().1;
    vec![PASSWORD, REFRESH_TOKEN, value]
}

#[tokio::test]
async fn a_slow_cognito_is_503_within_the_configured_budget() {
    let stub = CognitoStub::start(Fault::Slow(Duration::from_secs(30))).await;
    let (mut svc, cookie, _jwks) = service_against(&stub.url, BUDGET.as_millis() as u64).await;
    let slowest = every_flow_answers(&svc, &cookie, 503, "upstream_unavailable").await;
    assert!(
        slowest < BUDGET + MARGIN,
        "took {slowest:?}, budget {BUDGET:?}"
    );
    assert!(slowest >= BUDGET / 2, "gave up early: {slowest:?}");
    svc.assert_serving().await;
    svc.assert_log_clean(&secrets(&cookie));
}

#[tokio::test]
async fn cognito_5xx_and_internal_errors_are_503_after_the_sdk_retries() {
    let stub = CognitoStub::start(Fault::raw(500, "")).await;
    // A budget the SDK's backoff (jittered, 1 s then 2 s at most) fits in.
    let (mut svc, cookie, _jwks) = service_against(&stub.url, 8000).await;
    for fault in [
        Fault::raw(500, ""),
        Fault::raw(502, "<html><body>Bad Gateway</body></html>"),
        Fault::raw(503, "{\"message\":\"Service Unavailable\"}"),
        Fault::cognito_error(500, "InternalErrorException"),
    ] {
        stub.set(fault.clone());
        let before = stub.calls();
        every_flow_answers(&svc, &cookie, 503, "upstream_unavailable").await;
        // Three flows, each tried at most BFF_COGNITO_MAX_ATTEMPTS (3) times;
        // the SDK retried (how often also depends on its retry quota).
        let calls = stub.calls() - before;
        assert!((4..=9).contains(&calls), "{fault:?}: {calls} calls");
        assert!(
            stub.targets()
                .iter()
                .all(|t| t.starts_with("AWSCognitoIdentityProviderService.")),
            "the SDK speaks JSON 1.1"
        );
        svc.assert_serving().await;
    }
    svc.assert_log_clean(&secrets(&cookie));
}

#[tokio::test]
async fn a_refused_connection_is_503_and_the_process_keeps_serving() {
    let closed = format!("http://127.0.0.1:{}", free_port());
    let (mut svc, cookie, _jwks) = service_against(&closed, 8000).await;
    let slowest = every_flow_answers(&svc, &cookie, 503, "upstream_unavailable").await;
    assert!(slowest < Duration::from_secs(8), "{slowest:?}");
    svc.assert_serving().await;
    svc.assert_log_clean(&secrets(&cookie));
}

#[tokio::test]
async fn malformed_cognito_answers_are_503_never_500() {
    let stub = CognitoStub::start(Fault::raw(200, "{")).await;
    let (mut svc, cookie, _jwks) = service_against(&stub.url, 8000).await;
    for fault in [
        Fault::raw(200, "{not json"),
        Fault::raw(200, "<html>hello</html>"),
        Fault::raw(200, "[1,2,3]"),
        Fault::raw(200, "{}"),
        Fault::raw(200, "{\"AuthenticationResult\": {\"ExpiresIn\": \"soon\"}}"),
        Fault::raw(200, "{\"AuthenticationResult\": {}}"),
        Fault::raw(400, "{\"message\":\"no type\"}"),
        Fault::raw(400, "garbage"),
        Fault::raw(400, ""),
    ] {
        stub.set(fault.clone());
        let before = stub.calls();
        let r = svc
            .http
            .post(svc.url("/auth/signin"))
            .header("x-csrf", "1")
            .json(&json!({"username": "alice", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_problem(r, 503, "upstream_unavailable").await;
        let r = svc
            .http
            .post(svc.url("/auth/refresh"))
            .header("x-csrf", "1")
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_problem(r, 503, "upstream_unavailable").await;
        assert!(stub.calls() > before, "{fault:?} reached the stub");
        svc.assert_serving().await;
    }
    svc.assert_log_clean(&secrets(&cookie));
}

#[tokio::test]
async fn throttling_is_429_with_retry_after() {
    let stub = CognitoStub::start(Fault::cognito_error(400, "TooManyRequestsException")).await;
    let (mut svc, cookie, _jwks) = service_against(&stub.url, 8000).await;
    for fault in [
        Fault::cognito_error(400, "TooManyRequestsException"),
        Fault::cognito_error(400, "LimitExceededException"),
        Fault::raw(429, "{\"message\":\"Too Many Requests\"}"),
        Fault::raw(429, ""),
    ] {
        stub.set(fault);
        every_flow_answers(&svc, &cookie, 429, "too_many_requests").await;
        svc.assert_serving().await;
    }
    svc.assert_log_clean(&secrets(&cookie));
}
