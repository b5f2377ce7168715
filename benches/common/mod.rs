//! Shared by the benches: settings of a production-profile service, an RSA
//! key pair as a Cognito pool has, and a Cognito-shaped access token signed
//! with it. Everything is in memory; nothing touches the network.

#![allow(dead_code)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cognito_bff::config::{Settings, Sources, load};
use cognito_bff::jwks::Keys;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

pub const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Bench00001";
pub const CLIENT_ID: &str = "benchclient00000000000001";
pub const KID: &str = "bench-kid";

/// Settings as in production (`BFF_PROFILE=production`), with `extra`
/// environment variables on top.
pub fn settings(extra: &[(&str, &str)]) -> Settings {
    let key = STANDARD.encode(cognito_bff::config::generate_key());
    let mut env: Vec<(String, String)> = [
        ("BFF_PROFILE", "production"),
        ("BFF_COGNITO_REGION", "eu-west-1"),
        ("BFF_COGNITO_USER_POOL_ID", "eu-west-1_Bench00001"),
        ("BFF_COGNITO_CLIENT_ID", CLIENT_ID),
        ("BFF_COGNITO_ENDPOINT_URL", "http://127.0.0.1:9"),
        ("BFF_ISSUER", ISSUER),
        ("BFF_JWKS_URL", "http://127.0.0.1:9/jwks.json"),
        ("BFF_COOKIE_KEY", key.as_str()),
        ("BFF_LISTEN", "127.0.0.1:0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in extra {
        env.retain(|(name, _)| name != k);
        env.push(((*k).to_owned(), (*v).to_owned()));
    }
    let sources = Sources {
        config_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/config").into(),
        env,
    };
    load(&sources).expect("bench settings")
}

/// A 2048-bit RSA pool key: the signing half and the key set with its public half.
pub fn pool_key() -> (EncodingKey, Keys) {
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("RSA");
    let pkcs8: Pkcs8V1Der<'static> = pair.as_der().expect("PKCS#8");
    let b64 = STANDARD.encode(pkcs8.as_ref());
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("ASCII"))
        .collect();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    );
    let encoding = EncodingKey::from_rsa_pem(pem.as_bytes()).expect("encoding key");
    let public = pair.public_key();
    let n = URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero());
    let e = URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero());
    let set =
        json!({"keys": [{"kty": "RSA", "kid": KID, "use": "sig", "alg": "RS256", "n": n, "e": e}]});
    let keys = cognito_bff::jwks::parse(&serde_json::to_vec(&set).expect("json")).expect("keys");
    (encoding, keys)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// An access token with the claims Cognito puts in one (plus the
/// pre-token-generation `org_id`), `jti` made unique by `n`.
pub fn access_token(key: &EncodingKey, n: u64) -> String {
    let now = now();
    let claims = json!({
        "sub": "5f1e0a2c-0000-4000-8000-00000000000a",
        "iss": ISSUER,
        "client_id": CLIENT_ID,
        "origin_jti": "0b7c2a1e-0000-4000-8000-000000000001",
        "event_id": "3c1d0e2f-0000-4000-8000-000000000002",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": now,
        "iat": now,
        "exp": now + 3600,
        "jti": format!("9a8b7c6d-0000-4000-8000-{n:012}"),
        "username": "alice",
        "cognito:groups": ["admins", "editors"],
        "org_id": "org-a",
    });
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    jsonwebtoken::encode(&header, &claims, key).expect("sign")
}

/// Runs a future that does not wait on I/O (the verifier's paths with a
/// known `kid`) to completion in one poll, without a runtime's overhead.
pub fn ready<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the future waited; the bench measures only ready paths"),
    }
}
