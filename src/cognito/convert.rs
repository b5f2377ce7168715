//! SDK output types -> domain types.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cognitoidentityprovider::types::{
    AuthenticationResultType, ChallengeNameType, CodeDeliveryDetailsType,
};

use crate::auth::{AuthError, AuthOutcome, Challenge, CodeDelivery, Issued, TokenSet};

/// A successful Cognito answer that lacks what the operation must return (an
/// empty `{}`, a truncated body): Cognito is failing, so 503
/// `upstream_unavailable` (retryable), logged for the operator.
pub(super) fn anomaly(what: &'static str) -> AuthError {
    tracing::error!(
        anomaly = what,
        "Cognito answered without the expected result"
    );
    AuthError::UpstreamUnavailable(what.to_owned())
}

/// Tokens from an authentication result; a result without an access token is
/// a Cognito anomaly, not the client's fault.
pub(super) fn tokens(result: &AuthenticationResultType) -> Result<TokenSet, AuthError> {
    let access_token = result
        .access_token()
        .ok_or_else(|| anomaly("authentication result without an access token"))?;
    Ok(TokenSet {
        access_token: access_token.to_owned(),
        id_token: result.id_token().map(str::to_owned),
        refresh_token: result.refresh_token().map(str::to_owned),
        expires_in: u64::try_from(result.expires_in()).unwrap_or(0),
        issued: issued(access_token),
    })
}

/// The claims naming the sign-in, read from the access token Cognito just
/// issued in this same call (over the SDK's TLS connection). Nothing is
/// authorised from them; `/api` verifies every token in full.
fn issued(access_token: &str) -> Issued {
    #[derive(serde::Deserialize)]
    struct Claims {
        username: Option<String>,
        sub: Option<String>,
        origin_jti: Option<String>,
    }
    jsonwebtoken::dangerous::insecure_decode_claims::<Claims>(access_token)
        .map(|c| Issued {
            username: c.username,
            sub: c.sub,
            origin_jti: c.origin_jti,
        })
        .unwrap_or_default()
}

/// Either tokens or the next challenge.
pub(super) fn outcome(
    result: Option<&AuthenticationResultType>,
    challenge: Option<&ChallengeNameType>,
    session: Option<&str>,
    parameters: Option<&HashMap<String, String>>,
) -> Result<AuthOutcome, AuthError> {
    if let Some(result) = result {
        return tokens(result).map(AuthOutcome::SignedIn);
    }
    match (challenge, session) {
        (Some(name), Some(session)) => Ok(AuthOutcome::Challenge(Challenge {
            name: name.as_str().to_owned(),
            session: session.to_owned(),
            parameters: parameters
                .map(|p| {
                    p.iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<BTreeMap<_, _>>()
                })
                .unwrap_or_default(),
        })),
        _ => Err(anomaly("neither tokens nor a challenge")),
    }
}

pub(super) fn delivery(details: Option<&CodeDeliveryDetailsType>) -> Option<CodeDelivery> {
    details.map(|d| CodeDelivery {
        destination: d.destination().map(str::to_owned),
        medium: d.delivery_medium().map(|m| m.as_str().to_owned()),
        attribute: d.attribute_name().map(str::to_owned),
    })
}
