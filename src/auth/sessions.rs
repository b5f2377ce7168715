//! The sessions service: what signing in, answering a challenge, refreshing,
//! signing out, signing up and the code flows mean, over any
//! [`IdentityProvider`]. The HTTP handlers parse the request, call one
//! method here and turn the result into a reply (cookies, JSON).
//!
//! Policy decided here, in one place:
//! - which ChallengeResponses keys each challenge takes, and which user
//!   attributes a user may write (never the tenant: the allow-list is
//!   validated at start-up);
//! - refresh: one provider call per refresh token at a time, its result
//!   shared for a short while (tabs racing with the same cookie), a refresh
//!   token known dead answered without asking, the flow that rotates tokens
//!   when the client rotates them;
//! - sign-out: the session's access tokens refused at once (the shared
//!   [`Revocations`]), the refresh token revoked, "everywhere" through
//!   GlobalSignOut with a fresh access token, its failure reported.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{
    AuthError, AuthOutcome, CodeDelivery, IdentityProvider, RefreshSession, Revocations,
    SignUpResult, SingleFlight, TokenHash, TokenSet, TotpSetup, UserAttributes,
};

/// Challenges the service passes through, each with the ChallengeResponses
/// keys it takes (besides `USERNAME` and `SECRET_HASH`, added by the
/// provider adapter).
const CHALLENGES: [(&str, &[&str]); 6] = [
    ("NEW_PASSWORD_REQUIRED", &["NEW_PASSWORD"]),
    ("SOFTWARE_TOKEN_MFA", &["SOFTWARE_TOKEN_MFA_CODE"]),
    ("SMS_MFA", &["SMS_MFA_CODE"]),
    ("EMAIL_OTP", &["EMAIL_OTP_CODE"]),
    ("SELECT_MFA_TYPE", &["ANSWER"]),
    ("MFA_SETUP", &[]),
];
/// The one challenge whose answer may carry `userAttributes.<name>`.
const ATTRIBUTES_CHALLENGE: &str = "NEW_PASSWORD_REQUIRED";
/// How long a finished refresh's result is shared with requests that were
/// already on their way with the same refresh token.
pub const REFRESH_SHARING: Duration = Duration::from_secs(2);

/// The settings the sessions service acts on.
#[derive(Debug, Clone)]
pub struct SessionPolicy {
    /// Refresh through the flow that rotates refresh tokens.
    pub rotation: bool,
    /// How long a refresh cookie lives: a refresh token known dead is
    /// remembered that long.
    pub refresh_lifetime: Duration,
    /// The attributes a user may set (sign-up, NEW_PASSWORD_REQUIRED);
    /// validated at start-up never to hold the tenant attribute.
    pub writable_attributes: Vec<String>,
}

/// A refresh's outcome: the tokens, and whether the call was shared with
/// a concurrent refresh of the same session.
#[derive(Debug, Clone)]
pub struct Refreshed {
    pub tokens: TokenSet,
    pub joined: bool,
}

type RefreshFlight = SingleFlight<TokenHash, Result<TokenSet, AuthError>>;

/// The sessions service over provider `P`.
#[derive(Debug)]
pub struct Sessions<P> {
    provider: P,
    policy: SessionPolicy,
    flight: RefreshFlight,
    revocations: Arc<Revocations>,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl RefreshSession {
    /// What the refresh token is known by (single flight, rate limits,
    /// revocations): its SHA-256, so no map ever holds the token itself.
    pub fn digest(&self) -> TokenHash {
        Sha256::digest(self.refresh_token.as_bytes()).into()
    }
}

impl<P: IdentityProvider> Sessions<P> {
    /// A service over `provider`, recording sign-outs into `revocations`
    /// (which the access-token guard reads).
    pub fn new(provider: P, policy: SessionPolicy, revocations: Arc<Revocations>) -> Self {
        Self {
            provider,
            policy,
            flight: SingleFlight::new(REFRESH_SHARING),
            revocations,
        }
    }

    /// What sign-out records into (shared with the guard).
    pub fn revocations(&self) -> &Arc<Revocations> {
        &self.revocations
    }

    /// Username and password: tokens, or the first challenge.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<AuthOutcome, AuthError> {
        self.provider.sign_in(username, password).await
    }

    /// The answer to `challenge`, after checking every response key (see
    /// [`Self::check_responses`]).
    pub async fn respond(
        &self,
        username: &str,
        challenge: &str,
        session: &str,
        responses: BTreeMap<String, String>,
    ) -> Result<AuthOutcome, AuthError> {
        self.check_responses(challenge, responses.keys().map(String::as_str))?;
        self.provider
            .respond_to_challenge(username, challenge, session, responses)
            .await
    }

    /// Refuses a challenge the service does not pass through, and any
    /// response key its challenge does not take.
    ///
    /// Security: a ChallengeResponses entry goes to the provider as is, and
    /// `userAttributes.<name>` in a NEW_PASSWORD_REQUIRED answer writes that
    /// attribute of the user. Only the attributes a user may set are let
    /// through (never the tenant). USERNAME and SECRET_HASH come from the
    /// service. Messages name the key (never a value).
    pub fn check_responses<'a>(
        &self,
        challenge: &str,
        keys: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), AuthError> {
        let Some((challenge, takes)) = CHALLENGES.iter().find(|(name, _)| *name == challenge)
        else {
            let names: Vec<&str> = CHALLENGES.iter().map(|(name, _)| *name).collect();
            return Err(AuthError::InvalidRequest(format!(
                "`challenge` must be one of {}.",
                names.join(", ")
            )));
        };
        for key in keys {
            if takes.contains(&key) {
                continue;
            }
            let shown: String = key.chars().filter(|c| !c.is_control()).take(64).collect();
            if key == "USERNAME" || key == "SECRET_HASH" {
                return Err(AuthError::InvalidRequest(format!(
                    "`responses.{shown}` is added by the service; leave it out."
                )));
            }
            match key.strip_prefix("userAttributes.") {
                Some(attribute) if *challenge == ATTRIBUTES_CHALLENGE => {
                    if !self.may_write(attribute) {
                        return Err(AuthError::InvalidRequest(format!(
                            "`responses.{shown}`: this attribute cannot be set here."
                        )));
                    }
                }
                _ => {
                    return Err(AuthError::InvalidRequest(format!(
                        "`responses.{shown}` is not an answer to {challenge}."
                    )));
                }
            }
        }
        Ok(())
    }

    fn may_write(&self, attribute: &str) -> bool {
        self.policy
            .writable_attributes
            .iter()
            .any(|a| a == attribute)
    }

    /// A TOTP secret for an MFA_SETUP challenge.
    pub async fn associate_totp(&self, session: &str) -> Result<TotpSetup, AuthError> {
        self.provider.associate_totp(session).await
    }

    /// Checks the first TOTP code of an MFA_SETUP challenge.
    pub async fn verify_totp(
        &self,
        session: &str,
        code: &str,
    ) -> Result<Option<String>, AuthError> {
        self.provider.verify_totp(session, code).await
    }

    /// What the refresh cookie of a sign-in holds: the refresh token and the
    /// provider's username and sign-in id (`None` without a refresh token).
    pub fn session_of(&self, tokens: &TokenSet, username: &str) -> Option<RefreshSession> {
        let refresh_token = tokens.refresh_token.clone()?;
        Some(RefreshSession {
            username: tokens
                .issued
                .username
                .clone()
                .unwrap_or_else(|| username.to_owned()),
            refresh_token,
            origin_jti: tokens.issued.origin_jti.clone(),
        })
    }

    /// Notes the lifetime of access tokens handed out, so that a sign-out
    /// outlasts every token of the session it ends.
    pub fn handed_out(&self, tokens: &TokenSet) {
        self.revocations.note_access_lifetime(tokens.expires_in);
    }

    /// New tokens for `session`. Concurrent refreshes of one refresh token
    /// share one provider call, and its result for [`REFRESH_SHARING`];
    /// `admit` runs before that one call only (the rate limits), so the
    /// requests that join it cost nothing. A refresh token known dead is
    /// `SessionExpired` without asking the provider; one the provider calls
    /// dead is remembered as such.
    pub async fn refresh(
        &self,
        session: &RefreshSession,
        admit: impl FnOnce() -> Result<(), AuthError>,
    ) -> Result<Refreshed, AuthError> {
        let digest = session.digest();
        if self.revocations.refresh_token_revoked(&digest, now()) {
            return Err(AuthError::SessionExpired);
        }
        let (result, joined) = self
            .flight
            .run(digest, || async move {
                admit()?;
                self.provider
                    .refresh(
                        &session.username,
                        &session.refresh_token,
                        self.policy.rotation,
                    )
                    .await
            })
            .await;
        if matches!(result, Err(AuthError::SessionExpired)) {
            self.remember_dead(digest);
        }
        result.map(|tokens| Refreshed { tokens, joined })
    }

    fn remember_dead(&self, digest: TokenHash) {
        let now = now();
        let until = now.saturating_add(self.policy.refresh_lifetime.as_secs());
        self.revocations.revoke_refresh_token(digest, until, now);
    }

    /// Ends `session`: from now on the guard refuses its access tokens and
    /// the refresh token is dead to this instance; then the provider revokes
    /// the refresh token (best effort: a failure is logged), or with
    /// `everywhere` signs the user out of every session (a failure is the
    /// error). `admit` runs before the provider is called (the rate limits);
    /// a token already known dead is not sent again.
    pub async fn sign_out(
        &self,
        session: &RefreshSession,
        everywhere: bool,
        admit: impl FnOnce() -> Result<(), AuthError>,
    ) -> Result<(), AuthError> {
        let digest = session.digest();
        // A result shared for this token must not outlive the session.
        self.flight.forget(&digest);
        let known_dead = self.revocations.refresh_token_revoked(&digest, now());
        if let Some(origin_jti) = &session.origin_jti {
            self.revocations.revoke_session(origin_jti, now());
        }
        self.remember_dead(digest);
        if known_dead && !everywhere {
            return Ok(());
        }
        admit()?;
        if everywhere {
            return self.sign_out_everywhere(session).await;
        }
        if let Err(e) = self.provider.revoke(&session.refresh_token).await {
            tracing::warn!(error = %e, "revoking the refresh token failed; the session ends here anyway");
        }
        Ok(())
    }

    /// GlobalSignOut needs an access token, which the refresh cookie's
    /// routes never see: a fresh one comes from the refresh token, by the
    /// flow the client allows. GlobalSignOut also revokes every refresh
    /// token of the user.
    async fn sign_out_everywhere(&self, session: &RefreshSession) -> Result<(), AuthError> {
        let tokens = self
            .provider
            .refresh(
                &session.username,
                &session.refresh_token,
                self.policy.rotation,
            )
            .await?;
        self.provider.global_sign_out(&tokens.access_token).await?;
        if let Some(sub) = &tokens.issued.sub {
            self.revocations.revoke_user(sub, now());
        }
        Ok(())
    }

    /// Self-service sign-up. Security: only the attributes a user may set
    /// (never the tenant); the error names the first other one.
    pub async fn sign_up(
        &self,
        username: &str,
        password: &str,
        attributes: BTreeMap<String, String>,
    ) -> Result<SignUpResult, AuthError> {
        if let Some(name) = attributes.keys().find(|name| !self.may_write(name)) {
            let shown: String = name.chars().filter(|c| !c.is_control()).take(64).collect();
            return Err(AuthError::AttributeNotAllowed(shown));
        }
        self.provider.sign_up(username, password, attributes).await
    }

    /// Confirms a sign-up.
    pub async fn confirm_sign_up(&self, username: &str, code: &str) -> Result<(), AuthError> {
        self.provider.confirm_sign_up(username, code).await
    }

    /// Sends the sign-up code again; a delivery shaped like a real one for
    /// an unknown user, so the answer does not tell who has an account.
    pub async fn resend_code(&self, username: &str) -> Result<CodeDelivery, AuthError> {
        let delivery = self.provider.resend_code(username).await?;
        Ok(delivery.unwrap_or_else(|| plausible_delivery(username)))
    }

    /// Starts a password reset; as [`Self::resend_code`].
    pub async fn forgot_password(&self, username: &str) -> Result<CodeDelivery, AuthError> {
        let delivery = self.provider.forgot_password(username).await?;
        Ok(delivery.unwrap_or_else(|| plausible_delivery(username)))
    }

    /// Sets a new password with the reset code.
    pub async fn confirm_forgot_password(
        &self,
        username: &str,
        code: &str,
        password: &str,
    ) -> Result<(), AuthError> {
        self.provider
            .confirm_forgot_password(username, code, password)
            .await
    }

    /// The attributes of the user of `access_token`.
    pub async fn user(&self, access_token: &str) -> Result<UserAttributes, AuthError> {
        self.provider.get_user(access_token).await
    }
}

/// What a code request answers when the provider says the user does not
/// exist (an app client without PreventUserExistenceErrors): a delivery
/// shaped like a real one.
fn plausible_delivery(username: &str) -> CodeDelivery {
    let destination = match username.split_once('@') {
        Some((local, domain)) => format!(
            "{}***@{}***",
            local.chars().next().unwrap_or('x'),
            domain.chars().next().unwrap_or('x')
        ),
        None => "***".to_owned(),
    };
    CodeDelivery {
        destination: Some(destination),
        medium: Some("EMAIL".into()),
        attribute: Some("email".into()),
    }
}

#[cfg(test)]
#[path = "sessions_tests.rs"]
mod tests;
