//! Access-token verification: the first verification of a token (RSA
//! signature + claims, what every request would pay without the cache) vs
//! a repeated one (the verified-token cache), plus what surrounds it on the
//! `/api` path (finding the token in the Cookie header).
//!
//! `cargo bench --bench verify`; CI only builds it (`cargo bench --no-run`).

mod common;

use std::hint::black_box;

use axum::http::{HeaderMap, HeaderValue, header};
use cognito_bff::http::credentials::credentials;
use cognito_bff::jwks::KeyStore;
use cognito_bff::verify::TokenVerifier;
use criterion::{Criterion, criterion_group, criterion_main};

fn verification(c: &mut Criterion) {
    let settings = common::settings(&[]);
    let (signing, keys) = common::pool_key();
    let store = KeyStore::with_keys(keys);
    let token = common::access_token(&signing, 1);

    let mut group = c.benchmark_group("verify");
    // Cache disabled: every call is a first verification.
    let uncached = TokenVerifier::with_cache_capacity(&settings, store.clone(), 0);
    group.bench_function("first", |b| {
        b.iter(|| common::ready(uncached.verify(black_box(&token), None)).expect("valid"))
    });
    let cached = TokenVerifier::new(&settings, store.clone());
    common::ready(cached.verify(&token, None)).expect("valid");
    group.bench_function("repeated", |b| {
        b.iter(|| common::ready(cached.verify(black_box(&token), None)).expect("valid"))
    });
    // A cache full of other sessions' tokens: the lookup stays O(1).
    let full = TokenVerifier::new(&settings, store);
    for n in 0..cognito_bff::verify::DEFAULT_CACHE_CAPACITY as u64 {
        common::ready(full.verify(&common::access_token(&signing, n + 10), None)).expect("valid");
    }
    common::ready(full.verify(&token, None)).expect("valid");
    group.bench_function("repeated_full_cache", |b| {
        b.iter(|| common::ready(full.verify(black_box(&token), None)).expect("valid"))
    });
    group.finish();

    let mut headers = HeaderMap::new();
    let cookie = format!("_ga=GA1.1.123; theme=dark; __Secure-access_token={token}; lang=en");
    headers.insert(
        header::COOKIE,
        HeaderValue::from_str(&cookie).expect("cookie"),
    );
    c.bench_function("credentials/cookie", |b| {
        b.iter(|| {
            credentials(black_box(&headers), "__Secure-access_token")
                .expect("found")
                .token()
                .len()
        })
    });
}

criterion_group!(benches, verification);
criterion_main!(benches);
