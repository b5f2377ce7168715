//! The encrypted refresh cookie: sealing (JSON + AES-256-GCM, on sign-in
//! and refresh) and opening (on refresh and sign-out).
//!
//! `cargo bench --bench cookies`; CI only builds it (`cargo bench --no-run`).

mod common;

use std::hint::black_box;

use cognito_bff::auth::RefreshSession;
use cognito_bff::cookies::Cookies;
use criterion::{Criterion, criterion_group, criterion_main};

fn cookies(c: &mut Criterion) {
    let cookies = Cookies::new(&common::settings(&[]));
    // Cognito's refresh tokens are opaque, about 1.8 KB.
    let session = RefreshSession {
        username: "5f1e0a2c-0000-4000-8000-00000000000a".to_owned(),
        refresh_token: "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ".repeat(29),
        origin_jti: Some("2f8e4c1a-0000-4000-8000-00000000000b".to_owned()),
    };
    let sealed = cookies.seal_refresh(&session);
    assert_eq!(cookies.open_refresh(&sealed).as_ref(), Some(&session));

    let mut group = c.benchmark_group("cookies");
    group.bench_function("seal_refresh", |b| {
        b.iter(|| cookies.seal_refresh(black_box(&session)))
    });
    group.bench_function("open_refresh", |b| {
        b.iter(|| cookies.open_refresh(black_box(&sealed)).expect("opens"))
    });
    group.finish();
}

criterion_group!(benches, cookies);
criterion_main!(benches);
