//! A seeded random-input loop in the normal test suite, next to the
//! cargo-fuzz targets (`fuzz/`, run by `.ci/run`): the same entry points
//! (credential extraction, refresh cookie decoding, the local Cognito's
//! request parsing) fed with random and mutated bytes must never panic.

use axum::http::{HeaderMap, HeaderValue, header};
use cognito_bff::cookies::Cookies;
use cognito_bff::http::credentials::credentials;
use cognito_bff::local_cognito::parse_request;

use crate::helpers::{production_env, settings_from};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Random bytes, biased towards the characters the parsers split on.
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        const SPECIAL: &[u8] = b"=;., \"\t{}[]:\\_-%\xff\x00\r\nAWSCognitoIdentityProviderService";
        let len = (self.next() as usize) % max;
        (0..len)
            .map(|_| {
                let r = self.next();
                if r.is_multiple_of(3) {
                    SPECIAL[(r as usize >> 8) % SPECIAL.len()]
                } else {
                    (r >> 16) as u8
                }
            })
            .collect()
    }
}

#[test]
fn random_headers_cookies_and_requests_never_panic() {
    let mut env = production_env("http://127.0.0.1:9/jwks.json");
    env.push(("BFF_LISTEN".to_owned(), "127.0.0.1:0".to_owned()));
    let cookies = Cookies::new(&settings_from(env));
    let names = cookies.names();
    let valid = cookies.seal_refresh(&cognito_bff::auth::RefreshSession {
        username: "alice".to_owned(),
        refresh_token: "rt".to_owned(),
        origin_jti: None,
    });
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..20_000u32 {
        // Random bytes, or a valid cookie with a few bytes flipped.
        let mut value = if i.is_multiple_of(4) {
            let mut v = valid.clone().into_bytes();
            for _ in 0..(rng.next() % 4) {
                if !v.is_empty() {
                    let at = rng.next() as usize % v.len();
                    v[at] = rng.next() as u8;
                }
            }
            v
        } else {
            rng.bytes(512)
        };
        if let Ok(text) = std::str::from_utf8(&value) {
            assert!(cookies.open_refresh(text).is_none() || i % 4 == 0);
        }
        let mut headers = HeaderMap::new();
        let mut cookie = format!("{}=", names.refresh).into_bytes();
        cookie.append(&mut value);
        for h in [cookie, rng.bytes(256)] {
            if let Ok(v) = HeaderValue::from_bytes(&h) {
                headers.append(header::COOKIE, v);
            }
        }
        if let Ok(v) = HeaderValue::from_bytes(&rng.bytes(128)) {
            headers.append(header::AUTHORIZATION, v);
        }
        let _ = cookies.read_refresh(&headers);
        let _ = cookies.read_session(&headers);
        let _ = credentials(&headers, names.access);

        let target = String::from_utf8_lossy(&rng.bytes(64)).into_owned();
        let body = rng.bytes(256);
        if let Ok(parsed) = parse_request(&target, &body) {
            assert!(parsed.input.is_object());
        }
        let _ = parse_request("AWSCognitoIdentityProviderService.InitiateAuth", &body);
    }
}
