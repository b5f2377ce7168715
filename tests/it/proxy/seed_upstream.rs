//! The seed's own pattern as the upstream: a FastAPI app
//! (`tests/upstreams/seed_api.py`) that verifies the forwarded Bearer token
//! against the pool's JWKS with python-jose and reads `org_id`, as the
//! document this project grew from shows. An independent verifier accepts
//! what the proxy forwards, and sees the same identity the proxy's headers
//! name.
//!
//! Needs `COGNITO_BFF_PYTHON`, a Python with `tests/upstreams/requirements.txt`
//! installed (`.ci/run` exports it). Without it the test is skipped loudly;
//! with `CI` set it fails.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{DEMO_USER, signed_in};
use crate::faults::fixtures::free_port;

const PYTHON_VAR: &str = "COGNITO_BFF_PYTHON";

fn python() -> Option<String> {
    match std::env::var(PYTHON_VAR) {
        Ok(p) if !p.trim().is_empty() => Some(p),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{PYTHON_VAR} is not set in CI: the seed upstream must run (see .ci/run)")
        }
        _ => {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: proxy::seed_upstream needs {PYTHON_VAR} (a Python with tests/upstreams/requirements.txt)"
            );
            None
        }
    }
}

/// The FastAPI app, killed on drop.
struct SeedApi(Child);

impl Drop for SeedApi {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_seeds_fastapi_verifier_accepts_what_the_proxy_forwards() {
    let Some(python) = python() else { return };
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    // The service first: its local Cognito's issuer configures the app.
    let app = signed_in(&format!("/api/seed={base}"), &[]).await;
    let endpoint = app.local_cognito.clone().unwrap();
    let issuer = format!("{endpoint}/{}", crate::helpers::POOL);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/upstreams/seed_api.py");
    let _api = SeedApi(
        Command::new(python)
            .arg(script)
            .arg("--port")
            .arg(port.to_string())
            .env("SEED_ISSUER", &issuer)
            .env("SEED_CLIENT_ID", crate::helpers::CLIENT_ID)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    loop {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await
            && r.status() == 200
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "seed_api.py did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let me = app.get_json("/api/me").await;
    let got = app.get_json("/api/seed/whoami/orders?page=2").await;
    assert_eq!(got["sub"], me["sub"], "{got}");
    assert_eq!(got["username"], DEMO_USER);
    assert_eq!(got["org_id"], "org-demo");
    assert_eq!(got["client_id"], crate::helpers::CLIENT_ID);
    assert_eq!(got["path"], "/whoami/orders");
    assert_eq!(got["query"], "page=2");
    // The proxy's identity headers say what the token says.
    assert_eq!(got["x_org_id"], got["org_id"]);
    assert_eq!(got["x_user_sub"], got["sub"]);
    // The app refuses what the proxy would never forward.
    let r = reqwest::Client::new()
        .get(format!("{base}/whoami"))
        .bearer_auth("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
