//! The security round: each test shows, through the HTTP interface, a hole
//! that review found and that is now closed (a tenant chosen by its user, a
//! foreign cookie signing users out, session cookies outliving a tenant
//! change, sign-out that did not sign out, local mode on the network,
//! unlimited Cognito calls, users without a tenant, and their neighbours).

mod config;
mod cookies;
mod limits;
mod signout;
mod tenant_binding;
mod tenant_choice;
mod without_tenant;

use crate::helpers::{TestApp, set_cookies};

pub(crate) use crate::helpers::{cookie_header, sign_in_as as sign_in};

/// A POST with `X-CSRF: 1` and exactly this `Cookie` header (no jar).
fn post_with_cookies(
    app: &TestApp,
    path: &str,
    cookie: impl Into<String>,
) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(app.url(path))
        .header("x-csrf", "1")
        .header("cookie", cookie.into())
}

/// `GET path` with exactly this `Cookie` header.
async fn get_with_cookies(
    app: &TestApp,
    path: &str,
    cookie: impl Into<String>,
) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url(path))
        .header("cookie", cookie.into())
        .send()
        .await
        .unwrap()
}

/// Asserts that `response` clears every cookie of the service.
fn assert_clears_every_cookie(response: &reqwest::Response) {
    let cookies = set_cookies(response);
    let names: Vec<&str> = cookies.iter().map(|c| c.name()).collect();
    assert_eq!(cookies.len(), 6, "{names:?}");
    for c in &cookies {
        assert_eq!(c.value(), "", "{}", c.name());
        assert_eq!(
            c.max_age(),
            Some(cookie::time::Duration::ZERO),
            "{}",
            c.name()
        );
    }
}
