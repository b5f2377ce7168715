//! `BFF_UPSTREAMS`: the remote APIs served under `/api` by the
//! authenticated reverse proxy. Written either as text in the environment,
//! `/api/orders=http://orders:8080,/api/billing=https://billing.internal/v1`
//! (every option at its default), or as a list of tables with options, in a
//! config file (`[[upstreams]]`) or in the environment as an inline array
//! (`BFF_UPSTREAMS=[{prefix="/api/orders", url="http://orders:8080", timeout_ms=5000}]`).
//! Every problem is reported, one line each, naming the upstream.

use std::time::Duration;

use figment::value::Value;
use serde::Deserialize;
use url::Url;

use super::problems::Problems;
use super::settings::Upstream;

/// Default time from a request's arrival to the upstream's response headers.
pub const DEFAULT_UPSTREAM_TIMEOUT_MS: u64 = 30_000;
/// Default largest request body forwarded: 10 MiB.
pub const DEFAULT_UPSTREAM_MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;
/// The longest timeout accepted: one hour.
const MAX_TIMEOUT_MS: u64 = 3_600_000;

/// The service's own paths under `/api`, which no upstream may take or
/// shadow. (A test checks it against the mounted routes.)
pub const RESERVED_API_PATHS: &[&str] = &["/api/me"];

const VAR: &str = "UPSTREAMS";

/// One upstream as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUpstream {
    prefix: Option<String>,
    url: Option<String>,
    strip_prefix: Option<bool>,
    forward_token: Option<bool>,
    require_tenant: Option<bool>,
    timeout_ms: Option<u64>,
    max_body_bytes: Option<u64>,
}

/// The upstreams, validated; problems go to `p`.
pub(super) fn upstreams(p: &mut Problems, value: Option<&Value>) -> Vec<Upstream> {
    let raw = match value {
        None => return Vec::new(),
        Some(Value::String(_, text)) => from_text(p, text),
        Some(Value::Array(_, items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item.deserialize::<RawUpstream>() {
                Ok(u) => Some(u),
                Err(e) => {
                    p.push(VAR, format_args!("upstream #{}: {e}", i + 1));
                    None
                }
            })
            .collect(),
        Some(_) => {
            p.push(
                VAR,
                "expected `<prefix>=<url>,...` or a list of tables with `prefix` and `url`",
            );
            return Vec::new();
        }
    };
    let upstreams: Vec<Upstream> = raw.into_iter().filter_map(|u| upstream(p, u)).collect();
    for (i, a) in upstreams.iter().enumerate() {
        for b in &upstreams[i + 1..] {
            if overlaps(&a.prefix, &b.prefix) {
                p.push(
                    VAR,
                    format_args!(
                        "{} and {} overlap: a request path must name one upstream",
                        a.prefix, b.prefix
                    ),
                );
            }
        }
    }
    upstreams
}

/// `prefix=url,prefix=url`.
fn from_text(p: &mut Problems, text: &str) -> Vec<RawUpstream> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .filter_map(|item| match item.split_once('=') {
            Some((prefix, url)) => Some(RawUpstream {
                prefix: Some(prefix.trim().to_owned()),
                url: Some(url.trim().to_owned()),
                ..RawUpstream::default()
            }),
            None => {
                p.push(VAR, format_args!("`{item}` is not `<prefix>=<url>`"));
                None
            }
        })
        .collect()
}

fn upstream(p: &mut Problems, raw: RawUpstream) -> Option<Upstream> {
    let Some(prefix) = raw.prefix.filter(|s| !s.trim().is_empty()) else {
        p.push(VAR, "an upstream without a `prefix`");
        return None;
    };
    let prefix = prefix.trim().to_owned();
    let mut ok = prefix_ok(p, &prefix);
    let url = match raw.url.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            p.push(VAR, format_args!("{prefix}: no `url`"));
            None
        }
        Some(text) => base_url(p, &prefix, text),
    };
    let timeout_ms = raw.timeout_ms.unwrap_or(DEFAULT_UPSTREAM_TIMEOUT_MS);
    if !(1..=MAX_TIMEOUT_MS).contains(&timeout_ms) {
        p.push(
            VAR,
            format_args!("{prefix}: timeout_ms {timeout_ms} is not between 1 and {MAX_TIMEOUT_MS}"),
        );
        ok = false;
    }
    let max_body_bytes = raw
        .max_body_bytes
        .unwrap_or(DEFAULT_UPSTREAM_MAX_BODY_BYTES);
    if max_body_bytes == 0 {
        p.push(
            VAR,
            format_args!("{prefix}: max_body_bytes must be at least 1"),
        );
        ok = false;
    }
    Some(Upstream {
        url: url?,
        strip_prefix: raw.strip_prefix.unwrap_or(true),
        forward_token: raw.forward_token.unwrap_or(true),
        require_tenant: raw.require_tenant.unwrap_or(true),
        timeout: Duration::from_millis(timeout_ms),
        max_body_bytes,
        prefix,
    })
    .filter(|_| ok)
}

/// A path under `/api`, in plain segments, that leaves the service's own
/// routes alone.
fn prefix_ok(p: &mut Problems, prefix: &str) -> bool {
    let segments: Vec<&str> = prefix.split('/').skip(1).collect();
    let plain = prefix.starts_with('/')
        && segments.iter().all(|s| {
            !s.is_empty()
                && *s != "."
                && *s != ".."
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        });
    if !plain {
        p.push(
            VAR,
            format_args!(
                "`{prefix}` is not a path prefix: `/api/<segment>[/<segment>...]`, segments of letters, digits and `-._~`, no trailing `/`"
            ),
        );
        return false;
    }
    if segments.first() != Some(&"api") || segments.len() < 2 {
        p.push(
            VAR,
            format_args!("`{prefix}` is not under /api (upstreams live at /api/<name>)"),
        );
        return false;
    }
    if let Some(own) = RESERVED_API_PATHS.iter().find(|own| overlaps(prefix, own)) {
        p.push(
            VAR,
            format_args!("`{prefix}` overlaps the service's own route {own}"),
        );
        return false;
    }
    true
}

/// Whether one prefix is the other or contains it segment-wise.
fn overlaps(a: &str, b: &str) -> bool {
    let under = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    under(a, b) || under(b, a)
}

/// An http(s) URL with a host and no credentials, query or fragment; its
/// path is the base the forwarded path is appended to.
fn base_url(p: &mut Problems, prefix: &str, text: &str) -> Option<Url> {
    let url = match Url::parse(text) {
        Ok(u) => u,
        Err(e) => {
            p.push(
                VAR,
                format_args!("{prefix}: `{text}` is not a valid URL ({e})"),
            );
            return None;
        }
    };
    let problem = if !matches!(url.scheme(), "http" | "https") {
        Some("is not an http(s) URL")
    } else if url.host().is_none() {
        Some("has no host")
    } else if !url.username().is_empty() || url.password().is_some() {
        // Credentials in a URL end up in logs and process listings.
        Some("carries credentials (give the upstream its own authentication)")
    } else if url.query().is_some() || url.fragment().is_some() {
        Some("has a query or fragment")
    } else {
        None
    };
    match problem {
        Some(why) => {
            // The URL is named without its credentials.
            let mut shown = url.clone();
            let _ = shown.set_password(None);
            let _ = shown.set_username("");
            p.push(VAR, format_args!("{prefix}: `{shown}` {why}"));
            None
        }
        None => Some(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: Value) -> (Vec<Upstream>, Vec<String>) {
        let mut p = Problems::default();
        let u = upstreams(&mut p, Some(&value));
        (u, p.into_lines())
    }

    fn text(s: &str) -> Value {
        Value::from(s.to_owned())
    }

    #[test]
    fn the_text_form_gives_every_upstream_its_defaults() {
        let (u, problems) = check(text(
            "/api/orders=http://orders:8080, /api/billing=https://billing.internal/v1",
        ));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].prefix, "/api/orders");
        assert_eq!(u[0].url.as_str(), "http://orders:8080/");
        assert_eq!(u[1].url.path(), "/v1");
        assert!(u[0].strip_prefix && u[0].forward_token && u[0].require_tenant);
        assert_eq!(
            u[0].timeout,
            Duration::from_millis(DEFAULT_UPSTREAM_TIMEOUT_MS)
        );
        assert_eq!(u[0].max_body_bytes, DEFAULT_UPSTREAM_MAX_BODY_BYTES);
    }

    #[test]
    fn each_problem_is_one_line_naming_the_upstream() {
        let (u, problems) = check(text(
            "/api/me=http://a, /api/x/=http://b, /orders=http://c, /api/y=ftp://d, /api/z=http://u:p@e, nonsense, /api/q=http://f?x=1",
        ));
        assert!(u.is_empty());
        let expected = [
            "overlaps the service's own route /api/me",
            "`/api/x/` is not a path prefix",
            "`/orders` is not under /api",
            "/api/y: `ftp://d/` is not an http(s) URL",
            "/api/z: `http://e/` carries credentials",
            "`nonsense` is not `<prefix>=<url>`",
            "/api/q: `http://f/?x=1` has a query or fragment",
        ];
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
        for e in expected {
            assert!(
                problems
                    .iter()
                    .any(|p| p.starts_with("BFF_UPSTREAMS: ") && p.contains(e)),
                "no line with {e:?} in {problems:#?}"
            );
        }
        assert!(
            !problems.iter().any(|p| p.contains("u:p")),
            "a password was echoed"
        );
    }

    #[test]
    fn overlapping_prefixes_are_refused_but_siblings_sharing_letters_are_not() {
        let (_, problems) = check(text("/api/a=http://x,/api/a/b=http://y,/api/ab=http://z"));
        assert_eq!(
            problems,
            ["BFF_UPSTREAMS: /api/a and /api/a/b overlap: a request path must name one upstream"]
        );
    }

    #[test]
    fn tables_take_the_options_and_refuse_unknown_keys() {
        let value: Value = r#"[{prefix="/api/orders", url="http://o:1/base", strip_prefix=false, forward_token=false, require_tenant=false, timeout_ms=2500, max_body_bytes=1000}, {prefix="/api/b", url="http://b", colour="red"}]"#
            .parse()
            .unwrap();
        let (u, problems) = check(value);
        assert_eq!(u.len(), 1);
        assert!(!u[0].strip_prefix && !u[0].forward_token && !u[0].require_tenant);
        assert_eq!(u[0].timeout, Duration::from_millis(2500));
        assert_eq!(u[0].max_body_bytes, 1000);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("upstream #2") && problems[0].contains("colour"));
    }

    #[test]
    fn timeouts_and_body_limits_must_be_usable() {
        let value: Value =
            r#"[{prefix="/api/a", url="http://a", timeout_ms=0}, {prefix="/api/b", url="http://b", max_body_bytes=0}]"#
                .parse()
                .unwrap();
        let (u, problems) = check(value);
        assert!(u.is_empty());
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
