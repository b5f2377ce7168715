//! The sessions service over an in-memory provider: fast, and each rule
//! checked without a network (the end-to-end tests cover the real ones).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::auth::{Issued, revocation::DEFAULT_CAPACITY};

/// A provider that records calls; refresh tokens in `dead` are refused.
#[derive(Default)]
struct Memory {
    refreshes: AtomicUsize,
    revokes: AtomicUsize,
    global_sign_outs: AtomicUsize,
    fail_global_sign_out: bool,
    dead: Vec<String>,
    responses: Mutex<Vec<BTreeMap<String, String>>>,
}

fn tokens(refresh: Option<&str>) -> TokenSet {
    TokenSet {
        access_token: "a.b.c".into(),
        id_token: None,
        refresh_token: refresh.map(str::to_owned),
        expires_in: 3600,
        issued: Issued {
            username: Some("u-1".into()),
            sub: Some("sub-1".into()),
            origin_jti: Some("jti-1".into()),
        },
    }
}

impl IdentityProvider for Memory {
    async fn sign_in(&self, _: &str, _: &str) -> Result<AuthOutcome, AuthError> {
        Ok(AuthOutcome::SignedIn(tokens(Some("rt"))))
    }
    async fn respond_to_challenge(
        &self,
        _: &str,
        _: &str,
        _: &str,
        responses: BTreeMap<String, String>,
    ) -> Result<AuthOutcome, AuthError> {
        self.responses.lock().unwrap().push(responses);
        Ok(AuthOutcome::SignedIn(tokens(Some("rt"))))
    }
    async fn associate_totp(&self, _: &str) -> Result<TotpSetup, AuthError> {
        Err(AuthError::InvalidSession)
    }
    async fn verify_totp(&self, _: &str, _: &str) -> Result<Option<String>, AuthError> {
        Err(AuthError::InvalidSession)
    }
    async fn refresh(&self, _: &str, token: &str, _: bool) -> Result<TokenSet, AuthError> {
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        if self.dead.iter().any(|d| d == token) {
            return Err(AuthError::SessionExpired);
        }
        Ok(tokens(None))
    }
    async fn revoke(&self, _: &str) -> Result<(), AuthError> {
        self.revokes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
    async fn global_sign_out(&self, _: &str) -> Result<(), AuthError> {
        self.global_sign_outs.fetch_add(1, Ordering::SeqCst);
        if self.fail_global_sign_out {
            return Err(AuthError::UpstreamUnavailable("down".into()));
        }
        Ok(())
    }
    async fn sign_up(
        &self,
        _: &str,
        _: &str,
        _: BTreeMap<String, String>,
    ) -> Result<SignUpResult, AuthError> {
        Ok(SignUpResult {
            user_confirmed: false,
            user_sub: "sub-2".into(),
            code_delivery: None,
        })
    }
    async fn confirm_sign_up(&self, _: &str, _: &str) -> Result<(), AuthError> {
        Ok(())
    }
    async fn resend_code(&self, _: &str) -> Result<Option<CodeDelivery>, AuthError> {
        Ok(None)
    }
    async fn forgot_password(&self, _: &str) -> Result<Option<CodeDelivery>, AuthError> {
        Ok(None)
    }
    async fn confirm_forgot_password(&self, _: &str, _: &str, _: &str) -> Result<(), AuthError> {
        Ok(())
    }
    async fn get_user(&self, _: &str) -> Result<UserAttributes, AuthError> {
        Err(AuthError::Unauthenticated)
    }
}

fn sessions(provider: Memory) -> Sessions<Memory> {
    Sessions::new(
        provider,
        SessionPolicy {
            rotation: false,
            refresh_lifetime: Duration::from_secs(86_400),
            writable_attributes: vec!["email".into(), "name".into()],
        },
        Arc::new(Revocations::new(DEFAULT_CAPACITY, 0)),
    )
}

fn session(token: &str) -> RefreshSession {
    RefreshSession {
        username: "u-1".into(),
        refresh_token: token.into(),
        origin_jti: Some("jti-1".into()),
    }
}

fn admitted() -> Result<(), AuthError> {
    Ok(())
}

#[tokio::test]
async fn concurrent_refreshes_of_one_session_make_one_call_and_count_once() {
    let s = Arc::new(sessions(Memory::default()));
    let admits = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (s, admits) = (Arc::clone(&s), Arc::clone(&admits));
        tasks.push(tokio::spawn(async move {
            s.refresh(&session("rt"), || {
                admits.fetch_add(1, Ordering::SeqCst);
                Ok(())
            })
            .await
        }));
    }
    let mut joined = 0;
    for t in tasks {
        joined += usize::from(t.await.unwrap().expect("refreshed").joined);
    }
    assert_eq!(s.provider.refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(admits.load(Ordering::SeqCst), 1);
    assert_eq!(joined, 7);
}

#[tokio::test]
async fn a_refused_admission_is_the_error_and_the_provider_is_not_called() {
    let s = sessions(Memory::default());
    let r = s
        .refresh(&session("rt"), || {
            Err(AuthError::TooManyRequests {
                retry_after: Duration::from_secs(1),
            })
        })
        .await;
    assert!(matches!(r, Err(AuthError::TooManyRequests { .. })));
    assert_eq!(s.provider.refreshes.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_refresh_token_found_dead_is_not_sent_again() {
    let s = sessions(Memory {
        dead: vec!["gone".into()],
        ..Memory::default()
    });
    assert!(matches!(
        s.refresh(&session("gone"), admitted).await,
        Err(AuthError::SessionExpired)
    ));
    // Past the sharing window: still known dead, without a call.
    s.flight.forget(&session("gone").digest());
    assert!(matches!(
        s.refresh(&session("gone"), admitted).await,
        Err(AuthError::SessionExpired)
    ));
    assert_eq!(s.provider.refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn sign_out_revokes_the_session_for_the_guard_and_once_at_the_provider() {
    let s = sessions(Memory::default());
    let rev = Arc::clone(s.revocations());
    assert!(!rev.access_revoked(Some("jti-1"), "sub-1", 0, now()));
    s.sign_out(&session("rt"), false, admitted).await.unwrap();
    assert!(rev.access_revoked(Some("jti-1"), "sub-1", 0, now()));
    assert!(!rev.access_revoked(Some("jti-2"), "sub-1", 0, now()));
    // Again with the same cookie: nothing more is sent.
    s.sign_out(&session("rt"), false, admitted).await.unwrap();
    assert_eq!(s.provider.revokes.load(Ordering::SeqCst), 1);
    assert!(matches!(
        s.refresh(&session("rt"), admitted).await,
        Err(AuthError::SessionExpired)
    ));
    assert_eq!(s.provider.refreshes.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn sign_out_everywhere_refuses_every_token_of_the_user_or_reports_its_failure() {
    let s = sessions(Memory::default());
    s.sign_out(&session("rt"), true, admitted).await.unwrap();
    assert_eq!(s.provider.global_sign_outs.load(Ordering::SeqCst), 1);
    assert!(
        s.revocations()
            .access_revoked(Some("other"), "sub-1", now(), now())
    );

    let failing = sessions(Memory {
        fail_global_sign_out: true,
        ..Memory::default()
    });
    let r = failing.sign_out(&session("rt"), true, admitted).await;
    assert!(matches!(r, Err(AuthError::UpstreamUnavailable(_))));
    // The session itself ends all the same.
    assert!(
        failing
            .revocations()
            .access_revoked(Some("jti-1"), "x", 0, now())
    );
}

#[tokio::test]
async fn challenge_answers_take_only_their_keys_and_writable_attributes() {
    let s = sessions(Memory::default());
    let ok = [
        ("NEW_PASSWORD_REQUIRED", "NEW_PASSWORD"),
        ("NEW_PASSWORD_REQUIRED", "userAttributes.email"),
        ("SOFTWARE_TOKEN_MFA", "SOFTWARE_TOKEN_MFA_CODE"),
        ("SELECT_MFA_TYPE", "ANSWER"),
    ];
    for (challenge, key) in ok {
        assert_eq!(
            s.check_responses(challenge, [key]),
            Ok(()),
            "{challenge} {key}"
        );
    }
    let refused = [
        ("NEW_PASSWORD_REQUIRED", "userAttributes.custom:org_id"),
        ("NEW_PASSWORD_REQUIRED", "SECRET_HASH"),
        ("SOFTWARE_TOKEN_MFA", "userAttributes.email"),
        ("MFA_SETUP", "ANSWER"),
        ("CUSTOM_CHALLENGE", "ANSWER"),
    ];
    for (challenge, key) in refused {
        assert!(
            matches!(
                s.check_responses(challenge, [key]),
                Err(AuthError::InvalidRequest(_))
            ),
            "{challenge} {key}"
        );
    }
    let mut responses = BTreeMap::new();
    responses.insert(
        "userAttributes.custom:org_id".to_owned(),
        "victim".to_owned(),
    );
    let r = s
        .respond("u", "NEW_PASSWORD_REQUIRED", "s", responses)
        .await;
    assert!(matches!(r, Err(AuthError::InvalidRequest(_))));
    assert!(
        s.provider.responses.lock().unwrap().is_empty(),
        "nothing reached the provider"
    );
}

#[tokio::test]
async fn sign_up_takes_only_writable_attributes_and_code_requests_never_tell_who_exists() {
    let s = sessions(Memory::default());
    let mut attributes = BTreeMap::new();
    attributes.insert("custom:org_id".to_owned(), "victim".to_owned());
    assert_eq!(
        s.sign_up("m", "p", attributes).await.unwrap_err(),
        AuthError::AttributeNotAllowed("custom:org_id".into())
    );
    let delivery = s.forgot_password("nobody@example.com").await.unwrap();
    assert_eq!(delivery.destination.as_deref(), Some("n***@e***"));
    let delivery = s.resend_code("nobody").await.unwrap();
    assert_eq!(delivery.destination.as_deref(), Some("***"));
}

#[test]
fn the_refresh_cookie_names_the_providers_username_and_sign_in() {
    let s = sessions(Memory::default());
    let session = s
        .session_of(&tokens(Some("rt")), "alias@example.com")
        .unwrap();
    assert_eq!(session.username, "u-1");
    assert_eq!(session.origin_jti.as_deref(), Some("jti-1"));
    assert!(s.session_of(&tokens(None), "u").is_none());
}
