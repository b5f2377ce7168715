//! The Cognito adapter as the domain's [`IdentityProvider`]: each operation
//! is the SDK call of the same name in `flows`, `account` and `user`.

use std::collections::BTreeMap;

use super::CognitoClient;
use crate::auth::{
    AuthError, AuthOutcome, CodeDelivery, IdentityProvider, SignUpResult, TokenSet, TotpSetup,
    UserAttributes,
};

impl IdentityProvider for CognitoClient {
    async fn sign_in(&self, username: &str, password: &str) -> Result<AuthOutcome, AuthError> {
        CognitoClient::sign_in(self, username, password).await
    }

    async fn respond_to_challenge(
        &self,
        username: &str,
        challenge: &str,
        session: &str,
        responses: BTreeMap<String, String>,
    ) -> Result<AuthOutcome, AuthError> {
        CognitoClient::respond_to_challenge(self, username, challenge, session, responses).await
    }

    async fn associate_totp(&self, session: &str) -> Result<TotpSetup, AuthError> {
        CognitoClient::associate_totp(self, session).await
    }

    async fn verify_totp(&self, session: &str, code: &str) -> Result<Option<String>, AuthError> {
        CognitoClient::verify_totp(self, session, code).await
    }

    async fn refresh(
        &self,
        username: &str,
        refresh_token: &str,
        rotate: bool,
    ) -> Result<TokenSet, AuthError> {
        CognitoClient::refresh(self, username, refresh_token, rotate).await
    }

    async fn revoke(&self, refresh_token: &str) -> Result<(), AuthError> {
        CognitoClient::revoke(self, refresh_token).await
    }

    async fn global_sign_out(&self, access_token: &str) -> Result<(), AuthError> {
        CognitoClient::global_sign_out(self, access_token).await
    }

    async fn sign_up(
        &self,
        username: &str,
        password: &str,
        attributes: BTreeMap<String, String>,
    ) -> Result<SignUpResult, AuthError> {
        CognitoClient::sign_up(self, username, password, attributes).await
    }

    async fn confirm_sign_up(&self, username: &str, code: &str) -> Result<(), AuthError> {
        CognitoClient::confirm_sign_up(self, username, code).await
    }

    async fn resend_code(&self, username: &str) -> Result<Option<CodeDelivery>, AuthError> {
        CognitoClient::resend_code(self, username).await
    }

    async fn forgot_password(&self, username: &str) -> Result<Option<CodeDelivery>, AuthError> {
        CognitoClient::forgot_password(self, username).await
    }

    async fn confirm_forgot_password(
        &self,
        username: &str,
        code: &str,
        password: &str,
    ) -> Result<(), AuthError> {
        CognitoClient::confirm_forgot_password(self, username, code, password).await
    }

    async fn get_user(&self, access_token: &str) -> Result<UserAttributes, AuthError> {
        CognitoClient::get_user(self, access_token).await
    }
}
