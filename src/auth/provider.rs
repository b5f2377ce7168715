//! The port through which the domain reaches the identity provider (Amazon
//! Cognito, or the local Cognito over the same SDK): what [`super::Sessions`]
//! needs, in the domain's words. The Cognito adapter implements it; the
//! domain's unit tests use an in-memory one.

use std::collections::BTreeMap;
use std::future::Future;

use super::{
    AuthError, AuthOutcome, CodeDelivery, SignUpResult, TokenSet, TotpSetup, UserAttributes,
};

/// The operations of a user pool's public (token- and secret-hash-
/// authorised) API that the service uses.
pub trait IdentityProvider: Send + Sync + 'static {
    /// Username and password (USER_PASSWORD_AUTH).
    fn sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> impl Future<Output = Result<AuthOutcome, AuthError>> + Send;

    /// The answer to a challenge; `responses` are checked by the domain.
    fn respond_to_challenge(
        &self,
        username: &str,
        challenge: &str,
        session: &str,
        responses: BTreeMap<String, String>,
    ) -> impl Future<Output = Result<AuthOutcome, AuthError>> + Send;

    /// A TOTP secret for an MFA_SETUP challenge session.
    fn associate_totp(
        &self,
        session: &str,
    ) -> impl Future<Output = Result<TotpSetup, AuthError>> + Send;

    /// Checks the first TOTP code; the next challenge session.
    fn verify_totp(
        &self,
        session: &str,
        code: &str,
    ) -> impl Future<Output = Result<Option<String>, AuthError>> + Send;

    /// New tokens from a refresh token (with `rotate`, by the flow that
    /// rotates it).
    fn refresh(
        &self,
        username: &str,
        refresh_token: &str,
        rotate: bool,
    ) -> impl Future<Output = Result<TokenSet, AuthError>> + Send;

    /// Revokes a refresh token and the access tokens issued from it.
    fn revoke(&self, refresh_token: &str) -> impl Future<Output = Result<(), AuthError>> + Send;

    /// Signs the user of `access_token` out of every session.
    fn global_sign_out(
        &self,
        access_token: &str,
    ) -> impl Future<Output = Result<(), AuthError>> + Send;

    /// Self-service sign-up with already allow-listed attributes.
    fn sign_up(
        &self,
        username: &str,
        password: &str,
        attributes: BTreeMap<String, String>,
    ) -> impl Future<Output = Result<SignUpResult, AuthError>> + Send;

    /// Confirms a sign-up with its code.
    fn confirm_sign_up(
        &self,
        username: &str,
        code: &str,
    ) -> impl Future<Output = Result<(), AuthError>> + Send;

    /// Sends the sign-up code again; `None` when the provider did not say
    /// where (an unknown user, without user-existence errors).
    fn resend_code(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<CodeDelivery>, AuthError>> + Send;

    /// Starts a password reset; as [`Self::resend_code`].
    fn forgot_password(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<CodeDelivery>, AuthError>> + Send;

    /// Sets a new password with the reset code.
    fn confirm_forgot_password(
        &self,
        username: &str,
        code: &str,
        password: &str,
    ) -> impl Future<Output = Result<(), AuthError>> + Send;

    /// The attributes of the user of `access_token`.
    fn get_user(
        &self,
        access_token: &str,
    ) -> impl Future<Output = Result<UserAttributes, AuthError>> + Send;
}
