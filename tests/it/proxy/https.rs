//! An https upstream: the proxy's client speaks TLS with rustls against the
//! system's root certificates (here a test CA, given to the service binary
//! by `SSL_CERT_FILE` as an operator would add a private CA), and HTTP/2
//! when the upstream offers it by ALPN.

use std::sync::Arc;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use super::signed_in_binary;
use super::upstream::{Upstream, router};
use crate::faults::fixtures::Service;
use crate::helpers::assert_problem;

/// The echo upstream over TLS on 127.0.0.1:0 (h2 and http/1.1 by ALPN), its
/// certificate issued by a fresh CA; the base URL and the CA's PEM.
async fn start_tls_upstream() -> (String, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::from_params(&ca_params, &ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();

    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let app = router(Arc::new(Upstream::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let app = app.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let _ = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), TowerToHyperService::new(app))
                    .await;
            });
        }
    });
    (base, ca_cert.pem())
}

/// The service with `/api/tls` on `base`, trusting `ca` when given (as an
/// operator adds a private CA); a client signed in as the demo user.
async fn service(base: &str, ca: Option<&std::path::Path>) -> (Service, reqwest::Client) {
    let ca = ca.map(|p| p.display().to_string());
    let extra: Vec<(&str, &str)> = ca.iter().map(|p| ("SSL_CERT_FILE", p.as_str())).collect();
    signed_in_binary(&format!("/api/tls={base}"), &extra).await
}

#[tokio::test]
async fn an_https_upstream_is_reached_over_tls_and_http2() {
    let (base, ca_pem) = start_tls_upstream().await;
    let ca = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca.path(), ca_pem).unwrap();
    let (service, client) = service(&base, Some(ca.path())).await;
    let r = client
        .get(service.url("/api/tls/orders?x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", service.log());
    let got: serde_json::Value = r.json().await.unwrap();
    assert_eq!(got["version"], "HTTP/2.0", "ALPN chose h2");
    assert_eq!(got["path"], "/orders");
    assert_eq!(got["query"], "x=1");
    assert!(
        got["headers"]["authorization"]
            .as_str()
            .unwrap()
            .starts_with("Bearer ")
    );
    assert!(got["headers"].get("connection").is_none());
}

#[tokio::test]
async fn an_https_upstream_with_an_untrusted_certificate_is_a_502() {
    let (base, _) = start_tls_upstream().await;
    let (service, client) = service(&base, None).await;
    let r = client
        .get(service.url("/api/tls/orders"))
        .send()
        .await
        .unwrap();
    assert_problem(r, 502, "bad_gateway").await;
}
