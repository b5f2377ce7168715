//! The local Cognito serves this machine only: it refuses a non-loopback
//! listen address unless told otherwise, and turns away requests whose
//! `Host` does not name this machine (DNS rebinding: a web page whose name
//! resolves to 127.0.0.1 reaching it from a browser).

use cognito_bff::local_cognito::{LocalCognito, StartError};

use super::fixtures::*;

#[tokio::test]
async fn a_non_loopback_listen_address_is_refused_unless_allowed() {
    let mut o = options();
    o.listen = "0.0.0.0:0".parse().unwrap();
    match LocalCognito::start(o.clone()).await {
        Err(e @ StartError::NotLoopback(_)) => {
            let text = e.to_string();
            assert!(
                text.contains("0.0.0.0:0") && text.contains("--allow-remote"),
                "{text}"
            );
        }
        other => panic!("expected NotLoopback, got {:?}", other.map(|lc| lc.addr())),
    }
    o.allow_remote = true;
    let lc = LocalCognito::start(o).await.expect("allowed on purpose");
    lc.shutdown().await;
}

#[tokio::test]
async fn a_request_whose_host_is_not_this_machine_is_refused_before_any_operation() {
    let env = start().await;
    let base = env.lc.endpoint_url();
    let port = env.lc.addr().port();
    let jwks = format!("{}/.well-known/jwks.json", env.lc.issuer(POOL));
    for host in [
        "evil.example",
        "evil.example:80",
        "127.0.0.1.evil.example",
        "",
    ] {
        let r = env
            .http
            .get(&jwks)
            .header("host", host)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "Host: {host}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["__type"], "ForbiddenException", "{body}");
        let r = env
            .http
            .post(&base)
            .header("host", host)
            .header(
                "x-amz-target",
                "AWSCognitoIdentityProviderService.ListUserPools",
            )
            .header("content-type", "application/x-amz-json-1.1")
            .body(r#"{"MaxResults": 10}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "Host: {host}");
    }
    assert_eq!(env.calls().await.get("ListUserPools"), None);
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
        "127.0.0.2".to_owned(),
    ] {
        let r = env
            .http
            .get(&jwks)
            .header("host", &host)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "Host: {host}");
    }
}
