//! Authentication flows: sign-in, challenges, TOTP setup, refresh, sign-out
//! and GetUser. Each call names its [`Flow`] so errors mean the right thing.

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};

use super::error::{Flow, from_sdk};
use super::{CognitoClient, convert};
use crate::auth::{AuthError, AuthOutcome, TokenSet, TotpSetup};

impl CognitoClient {
    /// USER_PASSWORD_AUTH.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<AuthOutcome, AuthError> {
        let mut req = self
            .sdk
            .initiate_auth()
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .client_id(self.client_id())
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", password);
        if let Some(hash) = self.secret_hash(username) {
            req = req.auth_parameters("SECRET_HASH", hash);
        }
        let out = req
            .send()
            .await
            .map_err(|e| from_sdk("InitiateAuth", Flow::SignIn, e))?;
        convert::outcome(
            out.authentication_result(),
            out.challenge_name(),
            out.session(),
            out.challenge_parameters(),
        )
    }

    /// RespondToAuthChallenge. `responses` are Cognito's ChallengeResponses;
    /// USERNAME and SECRET_HASH are added here.
    pub async fn respond_to_challenge(
        &self,
        username: &str,
        challenge: &str,
        session: &str,
        responses: impl IntoIterator<Item = (String, String)>,
    ) -> Result<AuthOutcome, AuthError> {
        let mut req = self
            .sdk
            .respond_to_auth_challenge()
            .client_id(self.client_id())
            .challenge_name(ChallengeNameType::from(challenge))
            .session(session)
            .challenge_responses("USERNAME", username);
        for (k, v) in responses {
            req = req.challenge_responses(k, v);
        }
        if let Some(hash) = self.secret_hash(username) {
            req = req.challenge_responses("SECRET_HASH", hash);
        }
        let out = req
            .send()
            .await
            .map_err(|e| from_sdk("RespondToAuthChallenge", Flow::Challenge, e))?;
        convert::outcome(
            out.authentication_result(),
            out.challenge_name(),
            out.session(),
            out.challenge_parameters(),
        )
    }

    /// AssociateSoftwareToken with an MFA_SETUP challenge session.
    pub async fn associate_totp(&self, session: &str) -> Result<TotpSetup, AuthError> {
        let out = self
            .sdk
            .associate_software_token()
            .session(session)
            .send()
            .await
            .map_err(|e| from_sdk("AssociateSoftwareToken", Flow::Challenge, e))?;
        let secret_code = out
            .secret_code()
            .ok_or_else(|| convert::anomaly("AssociateSoftwareToken without a secret"))?;
        Ok(TotpSetup {
            secret_code: secret_code.to_owned(),
            session: out.session().map(str::to_owned),
        })
    }

    /// VerifySoftwareToken with a challenge session; returns the next session.
    pub async fn verify_totp(
        &self,
        session: &str,
        code: &str,
    ) -> Result<Option<String>, AuthError> {
        let out = self
            .sdk
            .verify_software_token()
            .session(session)
            .user_code(code)
            .send()
            .await
            .map_err(|e| from_sdk("VerifySoftwareToken", Flow::Challenge, e))?;
        match out.status().map(|s| s.as_str()) {
            Some("SUCCESS") => Ok(out.session().map(str::to_owned)),
            _ => Err(AuthError::CodeMismatch),
        }
    }

    /// New tokens from a refresh token: REFRESH_TOKEN_AUTH, or
    /// GetTokensFromRefreshToken when `rotate` (which may return a new refresh token).
    pub async fn refresh(
        &self,
        username: &str,
        refresh_token: &str,
        rotate: bool,
    ) -> Result<TokenSet, AuthError> {
        if rotate {
            let mut req = self
                .sdk
                .get_tokens_from_refresh_token()
                .client_id(self.client_id())
                .refresh_token(refresh_token);
            if let Some(secret) = self.client_secret() {
                req = req.client_secret(secret);
            }
            let out = req
                .send()
                .await
                .map_err(|e| from_sdk("GetTokensFromRefreshToken", Flow::Refresh, e))?;
            let result = out
                .authentication_result()
                .ok_or_else(|| convert::anomaly("refresh without a result"))?;
            return convert::tokens(result);
        }
        let mut req = self
            .sdk
            .initiate_auth()
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .client_id(self.client_id())
            .auth_parameters("REFRESH_TOKEN", refresh_token);
        // API Reference, InitiateAuth: for REFRESH_TOKEN_AUTH the SECRET_HASH
        // is computed with the user's Cognito username (not an alias).
        if let Some(hash) = self.secret_hash(username) {
            req = req.auth_parameters("SECRET_HASH", hash);
        }
        let out = req
            .send()
            .await
            .map_err(|e| from_sdk("InitiateAuth", Flow::Refresh, e))?;
        let result = out
            .authentication_result()
            .ok_or_else(|| convert::anomaly("refresh without a result"))?;
        convert::tokens(result)
    }

    /// RevokeToken: the refresh token and the access tokens issued from it.
    pub async fn revoke(&self, refresh_token: &str) -> Result<(), AuthError> {
        let mut req = self
            .sdk
            .revoke_token()
            .client_id(self.client_id())
            .token(refresh_token);
        if let Some(secret) = self.client_secret() {
            req = req.client_secret(secret);
        }
        req.send()
            .await
            .map(|_| ())
            .map_err(|e| from_sdk("RevokeToken", Flow::Refresh, e))
    }

    /// GlobalSignOut: every token of the user, on every device.
    pub async fn global_sign_out(&self, access_token: &str) -> Result<(), AuthError> {
        self.sdk
            .global_sign_out()
            .access_token(access_token)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| from_sdk("GlobalSignOut", Flow::AccessToken, e))
    }
}
