//! Account flows: sign-up, confirmation codes and password reset.

use aws_sdk_cognitoidentityprovider::types::AttributeType;

use super::error::{Flow, from_sdk, service_code};
use super::{CognitoClient, convert};
use crate::auth::{AuthError, CodeDelivery, SignUpResult};

impl CognitoClient {
    /// SignUp with the given (already allow-listed) attributes.
    pub async fn sign_up(
        &self,
        username: &str,
        password: &str,
        attributes: impl IntoIterator<Item = (String, String)>,
    ) -> Result<SignUpResult, AuthError> {
        let mut req = self
            .sdk
            .sign_up()
            .client_id(self.client_id())
            .username(username)
            .password(password);
        for (name, value) in attributes {
            let attr = AttributeType::builder()
                .name(name)
                .value(value)
                .build()
                .map_err(|e| AuthError::Internal(format!("attribute: {e}")))?;
            req = req.user_attributes(attr);
        }
        if let Some(hash) = self.secret_hash(username) {
            req = req.secret_hash(hash);
        }
        let out = req
            .send()
            .await
            .map_err(|e| from_sdk("SignUp", Flow::Account, e))?;
        Ok(SignUpResult {
            user_confirmed: out.user_confirmed(),
            user_sub: out.user_sub().to_owned(),
            code_delivery: convert::delivery(out.code_delivery_details()),
        })
    }

    /// ConfirmSignUp.
    pub async fn confirm_sign_up(&self, username: &str, code: &str) -> Result<(), AuthError> {
        let mut req = self
            .sdk
            .confirm_sign_up()
            .client_id(self.client_id())
            .username(username)
            .confirmation_code(code);
        if let Some(hash) = self.secret_hash(username) {
            req = req.secret_hash(hash);
        }
        req.send()
            .await
            .map(|_| ())
            .map_err(|e| from_sdk("ConfirmSignUp", Flow::Account, e))
    }

    /// ResendConfirmationCode; `None` for an unknown user.
    pub async fn resend_code(&self, username: &str) -> Result<Option<CodeDelivery>, AuthError> {
        let mut req = self
            .sdk
            .resend_confirmation_code()
            .client_id(self.client_id())
            .username(username);
        if let Some(hash) = self.secret_hash(username) {
            req = req.secret_hash(hash);
        }
        match req.send().await {
            Ok(out) => Ok(convert::delivery(out.code_delivery_details())),
            // No such user (an app client without PreventUserExistenceErrors):
            // `None`, which the route answers like any other request.
            Err(e) if service_code(&e) == Some("UserNotFoundException") => Ok(None),
            Err(e) => Err(from_sdk("ResendConfirmationCode", Flow::Account, e)),
        }
    }

    /// ForgotPassword; `None` for an unknown user.
    pub async fn forgot_password(&self, username: &str) -> Result<Option<CodeDelivery>, AuthError> {
        let mut req = self
            .sdk
            .forgot_password()
            .client_id(self.client_id())
            .username(username);
        if let Some(hash) = self.secret_hash(username) {
            req = req.secret_hash(hash);
        }
        match req.send().await {
            Ok(out) => Ok(convert::delivery(out.code_delivery_details())),
            // No such user (an app client without PreventUserExistenceErrors):
            // `None`, which the route answers like any other request.
            Err(e) if service_code(&e) == Some("UserNotFoundException") => Ok(None),
            Err(e) => Err(from_sdk("ForgotPassword", Flow::Account, e)),
        }
    }

    /// ConfirmForgotPassword.
    pub async fn confirm_forgot_password(
        &self,
        username: &str,
        code: &str,
        password: &str,
    ) -> Result<(), AuthError> {
        let mut req = self
            .sdk
            .confirm_forgot_password()
            .client_id(self.client_id())
            .username(username)
            .confirmation_code(code)
            .password(password);
        if let Some(hash) = self.secret_hash(username) {
            req = req.secret_hash(hash);
        }
        req.send()
            .await
            .map(|_| ())
            .map_err(|e| from_sdk("ConfirmForgotPassword", Flow::Account, e))
    }
}
