//! `/openapi.json` describes exactly the routes the service mounts, and
//! every error code of the contract.

use std::collections::BTreeSet;

use crate::helpers::offline_app;

async fn document() -> serde_json::Value {
    let app = offline_app(&[]).await;
    let r = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let doc = r.json().await.unwrap();
    app.stop().await;
    doc
}

#[tokio::test]
async fn the_document_lists_exactly_the_mounted_routes() {
    let doc = document().await;
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_ascii_uppercase(), path.clone()))
        })
        .collect();
    let mounted: BTreeSet<(String, String)> = cognito_bff::http::mounted_routes()
        .into_iter()
        .map(|r| (r.method.to_owned(), r.path))
        .collect();
    let undocumented: Vec<_> = mounted.difference(&documented).collect();
    let phantom: Vec<_> = documented.difference(&mounted).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from openapi.json: {undocumented:?}"
    );
    assert!(
        phantom.is_empty(),
        "openapi.json documents routes that do not exist: {phantom:?}"
    );
    assert!(mounted.len() >= 16, "{mounted:?}");
}

#[tokio::test]
async fn every_contract_error_code_is_documented_and_every_reference_resolves() {
    let doc = document().await;
    let codes: BTreeSet<&str> =
        doc["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
    for code in [
        "invalid_request",
        "invalid_credentials",
        "unauthenticated",
        "token_expired",
        "session_expired",
        "user_not_confirmed",
        "password_reset_required",
        "missing_org",
        "csrf_rejected",
        "attribute_not_allowed",
        "username_exists",
        "invalid_password",
        "code_mismatch",
        "expired_code",
        "invalid_session",
        "too_many_requests",
        "payload_too_large",
        "upstream_unavailable",
        "internal",
    ] {
        assert!(codes.contains(code), "{code}");
    }
    let text = doc.to_string();
    for piece in text.split("\"$ref\":\"#/").skip(1) {
        let pointer = format!("/{}", &piece[..piece.find('"').unwrap()]);
        assert!(doc.pointer(&pointer).is_some(), "dangling $ref {pointer}");
    }
}
