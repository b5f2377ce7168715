//! GetUser: the signed-in user's attributes, authorised by their access
//! token, for `GET /api/me/attributes`.
//!
//! Cognito also answers whether the token is still alive: after a global
//! sign-out (or RevokeToken) a token that still verifies locally is refused
//! here, which the domain calls `Unauthenticated`.

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::operation::get_user::GetUserOutput;

use super::CognitoClient;
use super::error::{Flow, from_sdk};
use crate::auth::{AuthError, UserAttributes};

impl CognitoClient {
    /// The attributes of the user `access_token` belongs to. A token Cognito
    /// has revoked gives `Unauthenticated`.
    pub async fn get_user(&self, access_token: &str) -> Result<UserAttributes, AuthError> {
        let output = self
            .sdk
            .get_user()
            .access_token(access_token)
            .send()
            .await
            .map_err(|e| from_sdk("GetUser", Flow::AccessToken, e))?;
        Ok(user_attributes(&output))
    }
}

/// Shapes GetUser's answer: the username and every attribute that has a
/// value (Cognito omits none in practice; a valueless one is skipped rather
/// than shown as an empty string it never had).
pub(crate) fn user_attributes(output: &GetUserOutput) -> UserAttributes {
    let attributes: BTreeMap<String, String> = output
        .user_attributes()
        .iter()
        .filter_map(|a| a.value().map(|v| (a.name().to_owned(), v.to_owned())))
        .collect();
    UserAttributes {
        username: output.username().to_owned(),
        attributes,
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_cognitoidentityprovider::types::AttributeType;

    use super::*;

    fn attr(name: &str, value: Option<&str>) -> AttributeType {
        AttributeType::builder()
            .name(name)
            .set_value(value.map(str::to_owned))
            .build()
            .expect("attribute")
    }

    #[test]
    fn get_user_output_becomes_username_and_an_attribute_map() {
        let output = GetUserOutput::builder()
            .username("demo")
            .user_attributes(attr("sub", Some("1234")))
            .user_attributes(attr("email", Some("demo@example.com")))
            .user_attributes(attr("custom:org_id", Some("org-demo")))
            .user_attributes(attr("phone_number", None))
            .build()
            .expect("output");
        let shaped = user_attributes(&output);
        let json = serde_json::to_value(&shaped).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "username": "demo",
                "attributes": {
                    "custom:org_id": "org-demo",
                    "email": "demo@example.com",
                    "sub": "1234"
                }
            })
        );
    }

    #[test]
    fn a_revoked_access_token_is_unauthenticated() {
        let e = crate::cognito::classify(
            Some("NotAuthorizedException"),
            Some("Access Token has been revoked"),
            Flow::AccessToken,
            400,
        );
        assert_eq!(e, AuthError::Unauthenticated);
    }
}
