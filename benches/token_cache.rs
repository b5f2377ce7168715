//! The verified-token cache against moka, the well-kept concurrent cache
//! crate, on the guard's hot operation: a hit for a token among 4096 cached
//! ones (what every `/api` request with a live session does).
//!
//! - `token_cache/ours`: `cognito_bff::verify::cache::TokenCache` (keyed
//!   hash of the signature's tail, constant-time whole-token comparison,
//!   generation and `exp` checks).
//! - `token_cache/moka_token_key`: `moka::sync::Cache` as one would use it
//!   first, keyed by the whole token, with per-entry expiry at `exp`.
//! - `token_cache/moka_tail_key`: moka keyed like ours (keyed hash of the
//!   tail) plus the same constant-time comparison and checks: the same
//!   security properties, moka's data structure.
//!
//! `cargo bench --bench token_cache`; CI only builds it. Results and the
//! decision they led to: docs/PERFORMANCE.md.

use std::hash::{BuildHasher, RandomState};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cognito_bff::verify::cache::{Expiring, TokenCache};
use criterion::{Criterion, criterion_group, criterion_main};
use moka::Expiry;

const CAPACITY: usize = 4096;
const NOW: u64 = 1_000_000;

/// Stands for a verified token: what the cache hands back.
#[derive(Debug)]
struct Verified {
    exp: u64,
    generation: u64,
}

impl Expiring for Verified {
    fn exp(&self) -> u64 {
        self.exp
    }
}

/// Token-sized strings (a Cognito access token is ~1 KB) with distinct,
/// random-looking signature tails.
fn tokens() -> Vec<String> {
    let body = "e".repeat(700);
    (0..CAPACITY as u64)
        .map(|i| {
            let sig: String = (0..342)
                .map(|j| {
                    let x = (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (j as u64 * 0x85EB_CA6B))
                        .rotate_left((j % 61) as u32);
                    char::from(b'a' + (x % 26) as u8)
                })
                .collect();
            format!("eyJhbGciOiJSUzI1NiJ9.{body}.{sig}")
        })
        .collect()
}

struct UntilExp;

impl Expiry<Box<str>, Arc<Verified>> for UntilExp {
    fn expire_after_create(
        &self,
        _key: &Box<str>,
        value: &Arc<Verified>,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(Duration::from_secs(value.exp.saturating_sub(NOW)))
    }
}

/// moka keyed like ours: the whole token kept for the comparison.
type TailKeyed = moka::sync::Cache<u64, Arc<(Box<str>, Arc<Verified>)>>;

fn tail(token: &str) -> &[u8] {
    let b = token.as_bytes();
    &b[b.len().saturating_sub(24)..]
}

fn hit(c: &mut Criterion) {
    let tokens = tokens();
    let probe = tokens[CAPACITY / 2].clone();
    let value = |i: usize| {
        Arc::new(Verified {
            exp: NOW + 3600 + i as u64,
            generation: 1,
        })
    };
    let mut group = c.benchmark_group("token_cache");

    let ours = TokenCache::new(CAPACITY);
    for (i, t) in tokens.iter().enumerate() {
        ours.insert(t, 1, value(i), NOW);
    }
    assert!(ours.get(&probe, 1, NOW).is_some(), "ours: a hit");
    group.bench_function("ours", |b| {
        b.iter(|| ours.get(black_box(&probe), 1, NOW).expect("hit").exp)
    });

    let by_token: moka::sync::Cache<Box<str>, Arc<Verified>> = moka::sync::Cache::builder()
        .max_capacity(CAPACITY as u64)
        .expire_after(UntilExp)
        .build();
    for (i, t) in tokens.iter().enumerate() {
        by_token.insert(t.as_str().into(), value(i));
    }
    by_token.run_pending_tasks();
    assert!(by_token.get(probe.as_str()).is_some(), "moka: a hit");
    group.bench_function("moka_token_key", |b| {
        b.iter(|| {
            let v = by_token.get(black_box(probe.as_str())).expect("hit");
            assert!(v.generation == 1 && NOW <= v.exp);
            v.exp
        })
    });

    let hasher = RandomState::new();
    let by_tail: TailKeyed = moka::sync::Cache::builder()
        .max_capacity(CAPACITY as u64)
        .build();
    for (i, t) in tokens.iter().enumerate() {
        by_tail.insert(
            hasher.hash_one(tail(t)),
            Arc::new((t.as_str().into(), value(i))),
        );
    }
    by_tail.run_pending_tasks();
    group.bench_function("moka_tail_key", |b| {
        b.iter(|| {
            let probe = black_box(probe.as_str());
            let entry = by_tail.get(&hasher.hash_one(tail(probe))).expect("hit");
            let same = aws_lc_rs::constant_time::verify_slices_are_equal(
                entry.0.as_bytes(),
                probe.as_bytes(),
            )
            .is_ok();
            assert!(same && entry.1.generation == 1 && NOW <= entry.1.exp);
            entry.1.exp
        })
    });
    group.finish();
}

criterion_group!(benches, hit);
criterion_main!(benches);
