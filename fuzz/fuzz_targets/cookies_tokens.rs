//! Cookie decoding and token parsing over arbitrary request headers: the
//! credentials the guard reads (`Authorization`, the access cookie), the
//! encrypted refresh and session cookies, and the verifier's parsing of the
//! token header. None of it may panic, whatever the bytes.
#![no_main]

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use cognito_bff::config::{Settings, Sources, load};
use cognito_bff::cookies::{Cookies, cookie_values};
use cognito_bff::http::credentials::credentials;
use cognito_bff::jwks::{Fetcher, KeyStore, KeyStoreOptions};
use cognito_bff::verify::TokenVerifier;
use http::{HeaderMap, HeaderValue, header};
use libfuzzer_sys::fuzz_target;

struct World {
    settings: Settings,
    cookies: Cookies,
    verifier: TokenVerifier,
    runtime: tokio::runtime::Runtime,
}

static WORLD: LazyLock<World> = LazyLock::new(|| {
    let env = [
        ("BFF_PROFILE", "production"),
        ("BFF_LISTEN", "127.0.0.1:0"),
        ("BFF_COGNITO_REGION", "eu-west-1"),
        ("BFF_COGNITO_USER_POOL_ID", "eu-west-1_FuzzPool1"),
        ("BFF_COGNITO_CLIENT_ID", "fuzzclient1"),
        ("BFF_COGNITO_ENDPOINT_URL", "http://127.0.0.1:9"),
        // Nothing listens there: an unknown kid's refetch fails at once
        // (and at most once per cool-down).
        ("BFF_JWKS_URL", "http://127.0.0.1:9/jwks.json"),
        (
            "BFF_COOKIE_KEY",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==",
        ),
    ];
    let settings = load(&Sources {
        config_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/../config").into(),
        env: env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    })
    .expect("valid fuzz configuration");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let verifier = runtime.block_on(async {
        let fetcher = Fetcher::new(
            settings.tokens.jwks_url.clone(),
            Duration::from_millis(200),
            64 * 1024,
        )
        .expect("fetcher");
        let keys = KeyStore::new(fetcher, KeyStoreOptions::default());
        TokenVerifier::new(&settings, Arc::clone(&keys))
    });
    World {
        cookies: Cookies::new(&settings),
        settings,
        verifier,
        runtime,
    }
});

fuzz_target!(|data: &[u8]| {
    let world = &*WORLD;
    // Parts separated by NUL: Cookie headers, then an Authorization header.
    let mut parts = data.split(|b| *b == 0);
    let mut headers = HeaderMap::new();
    let mut authorization = None;
    for (i, part) in parts.by_ref().take(4).enumerate() {
        let Ok(value) = HeaderValue::from_bytes(part) else {
            continue;
        };
        if i == 3 {
            authorization = Some(value);
        } else {
            headers.append(header::COOKIE, value);
        }
    }
    if let Some(value) = authorization {
        headers.append(header::AUTHORIZATION, value);
    }

    let names = world.cookies.names();
    let _ = world.cookies.read_refresh(&headers);
    let _ = world.cookies.read_session(&headers);
    for value in cookie_values(&headers, names.refresh) {
        let _ = world.cookies.open_refresh(value);
    }
    // A raw value, as if it were the whole cookie.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = world.cookies.open_refresh(text);
    }

    if let Ok(creds) = credentials(&headers, names.access) {
        let token = creds.token();
        // Whatever the token, verification refuses it without a panic
        // (no key is ever loaded here, so it cannot succeed).
        let result = world.runtime.block_on(world.verifier.verify(token, None));
        assert!(result.is_err());
    }
    let _ = &world.settings;
});
