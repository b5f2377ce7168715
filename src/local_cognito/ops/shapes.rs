//! What the operations answer, as types: each struct is an output shape of
//! the Cognito API Reference, with its member names (PascalCase) and its
//! optional members left out when absent, so that a reply is built by the
//! compiler's rules instead of by hand-assembled JSON maps.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::local_cognito::state::{AppClient, User, epoch_secs};

/// An operation whose reply has no members (`{}`).
#[derive(Debug, Serialize)]
pub struct Empty {}

/// `AttributeType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeType {
    pub name: String,
    pub value: String,
}

/// A user's attributes as `[{"Name","Value"}]`, `sub` first, limited to what
/// `client` may read when one is given (admin calls pass none).
pub fn attributes(user: &User, client: Option<&AppClient>) -> Vec<AttributeType> {
    let sub = AttributeType {
        name: "sub".to_owned(),
        value: user.sub.clone(),
    };
    std::iter::once(sub)
        .chain(
            user.attributes
                .iter()
                .filter(|(k, _)| client.is_none_or(|c| c.can_read(k)))
                .map(|(k, v)| AttributeType {
                    name: k.clone(),
                    value: v.clone(),
                }),
        )
        .collect()
}

/// `UserType` (AdminCreateUser).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserType {
    pub username: String,
    pub attributes: Vec<AttributeType>,
    pub user_create_date: f64,
    pub user_last_modified_date: f64,
    pub enabled: bool,
    pub user_status: &'static str,
}

impl UserType {
    pub fn of(user: &User) -> Self {
        Self {
            username: user.username.clone(),
            attributes: attributes(user, None),
            user_create_date: epoch_secs(user.created_ms),
            user_last_modified_date: epoch_secs(user.modified_ms),
            enabled: user.enabled,
            user_status: user.status.wire(),
        }
    }
}

/// AdminCreateUser.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserOut {
    pub user: UserType,
}

/// `UserMFASettingList` / `PreferredMfaSetting` of GetUser and AdminGetUser.
#[derive(Debug, Default, Serialize)]
pub struct MfaSettings {
    #[serde(rename = "UserMFASettingList", skip_serializing_if = "Option::is_none")]
    pub list: Option<[&'static str; 1]>,
    #[serde(
        rename = "PreferredMfaSetting",
        skip_serializing_if = "Option::is_none"
    )]
    pub preferred: Option<&'static str>,
}

impl MfaSettings {
    /// Software-token MFA is the only factor emulated.
    pub fn of(user: &User) -> Self {
        if user.totp_secret.is_none() || !user.totp_enabled {
            return Self::default();
        }
        Self {
            list: Some(["SOFTWARE_TOKEN_MFA"]),
            preferred: user.totp_preferred.then_some("SOFTWARE_TOKEN_MFA"),
        }
    }
}

/// AdminGetUser.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminGetUserOut {
    pub username: String,
    pub user_attributes: Vec<AttributeType>,
    pub user_create_date: f64,
    pub user_last_modified_date: f64,
    pub enabled: bool,
    pub user_status: &'static str,
    #[serde(flatten)]
    pub mfa: MfaSettings,
}

/// GetUser.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserOut {
    pub username: String,
    pub user_attributes: Vec<AttributeType>,
    #[serde(flatten)]
    pub mfa: MfaSettings,
}

/// `AuthenticationResultType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthenticationResult {
    pub access_token: String,
    pub expires_in: u64,
    pub token_type: &'static str,
    pub id_token: String,
    /// Only on a new authentication, or a refresh that rotates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// InitiateAuth and RespondToAuthChallenge: tokens, or the next challenge.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge_name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    pub challenge_parameters: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_result: Option<AuthenticationResult>,
}

impl AuthOut {
    /// Signed in: tokens and no challenge.
    pub fn tokens(result: AuthenticationResult) -> Self {
        Self {
            challenge_name: None,
            session: None,
            challenge_parameters: BTreeMap::new(),
            authentication_result: Some(result),
        }
    }

    /// A challenge to answer within `session`.
    pub fn challenge(
        name: &'static str,
        session: String,
        parameters: BTreeMap<&'static str, String>,
    ) -> Self {
        Self {
            challenge_name: Some(name),
            session: Some(session),
            challenge_parameters: parameters,
            authentication_result: None,
        }
    }
}

/// GetTokensFromRefreshToken.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RefreshOut {
    pub authentication_result: AuthenticationResult,
}

/// AssociateSoftwareToken.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateOut {
    pub secret_code: String,
    /// When the call was made with a challenge session: its successor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// VerifySoftwareToken.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyOut {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// `CodeDeliveryDetailsType` (email only: SMS is not emulated).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CodeDeliveryDetails {
    pub destination: String,
    pub delivery_medium: &'static str,
    pub attribute_name: &'static str,
}

impl CodeDeliveryDetails {
    /// Delivery by email to a masked `destination`.
    pub fn email(destination: String) -> Self {
        Self {
            destination,
            delivery_medium: "EMAIL",
            attribute_name: "email",
        }
    }
}

/// ForgotPassword and ResendConfirmationCode.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeliveryOut {
    pub code_delivery_details: CodeDeliveryDetails,
}

/// SignUp.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignUpOut {
    pub user_confirmed: bool,
    pub user_sub: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_delivery_details: Option<CodeDeliveryDetails>,
}

/// UpdateUserAttributes (no code is sent for a changed email).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAttributesOut {
    pub code_delivery_details_list: Vec<CodeDeliveryDetails>,
}
