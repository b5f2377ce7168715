//! `admin client create`: an app client shaped for the BFF by default —
//! USER_PASSWORD_AUTH + REFRESH_TOKEN_AUTH, token revocation on, user
//! existence errors prevented, write attributes limited to the standard
//! ones — optionally with a secret and refresh token rotation.
//!
//! Security: Cognito lets an app client write every attribute unless its
//! WriteAttributes say otherwise, and a signed-in user holds an access token
//! of that client: with it they can call Cognito's UpdateUserAttributes
//! directly, without the BFF. So the tenant attribute (`custom:org_id`) is
//! left out of the client's write attributes; only administrators set it.
//!
//! The client secret is the one secret the admin CLI ever prints, and only
//! here, because showing it once is the point of `--secret`.

use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType, FeatureType, PreventUserExistenceErrorTypes, RefreshTokenRotationType,
    UserPoolClientType,
};
use clap::Subcommand;
use serde_json::{Value, json};

use super::{Admin, AdminError};

/// The flows the BFF uses, and the default of `client create`.
pub const BFF_FLOWS: &[&str] = &["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];

/// The default write attributes of `client create`: Cognito's standard
/// attributes a user may set (not the `*_verified` flags), no `custom:*`.
pub const USER_WRITABLE: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "picture",
    "preferred_username",
    "profile",
    "updated_at",
    "website",
    "zoneinfo",
];

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Create an app client; prints {pool_id, client_id, name, explicit_auth_flows, ...}.
    ///
    /// With --secret the output includes `client_secret`: the only secret the
    /// admin CLI ever prints. Store it right away (e.g. as BFF_COGNITO_CLIENT_SECRET).
    Create(CreateClient),
}

#[derive(Debug, Clone, clap::Args)]
pub struct CreateClient {
    /// The user pool id.
    #[arg(long)]
    pub pool: String,
    /// The client's name.
    #[arg(long)]
    pub name: String,
    /// Generate a client secret and PRINT it (`client_secret` in the output);
    /// the service then needs BFF_COGNITO_CLIENT_SECRET.
    #[arg(long)]
    pub secret: bool,
    /// Enable refresh token rotation (run the service with BFF_REFRESH_ROTATION=true).
    #[arg(long)]
    pub refresh_rotation: bool,
    /// An explicit auth flow, repeatable (default: ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH).
    #[arg(long = "auth-flow", value_name = "FLOW")]
    pub auth_flows: Vec<String>,
    /// An attribute users may write through this client, repeatable
    /// (default: the standard attributes, never `custom:org_id`: a user must
    /// not choose their own tenant).
    #[arg(long = "write-attribute", value_name = "NAME")]
    pub write_attributes: Vec<String>,
}

pub async fn run(admin: &Admin, cmd: ClientCommand) -> Result<Value, AdminError> {
    match cmd {
        ClientCommand::Create(args) => {
            let client = create(admin, &args).await?;
            Ok(client_summary(&client, args.secret))
        }
    }
}

/// Creates the app client and returns it as Cognito describes it.
pub async fn create(admin: &Admin, args: &CreateClient) -> Result<UserPoolClientType, AdminError> {
    let flows: Vec<String> = if args.auth_flows.is_empty() {
        BFF_FLOWS.iter().map(|f| (*f).to_owned()).collect()
    } else {
        args.auth_flows.clone()
    };
    let mut req = admin
        .sdk
        .create_user_pool_client()
        .user_pool_id(&args.pool)
        .client_name(&args.name)
        .generate_secret(args.secret)
        .enable_token_revocation(true)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled);
    for f in &flows {
        req = req.explicit_auth_flows(ExplicitAuthFlowsType::from(f.as_str()));
    }
    if args.write_attributes.is_empty() {
        for a in USER_WRITABLE {
            req = req.write_attributes(*a);
        }
    } else {
        for a in &args.write_attributes {
            req = req.write_attributes(a);
        }
    }
    if args.refresh_rotation {
        let rotation = RefreshTokenRotationType::builder()
            .feature(FeatureType::Enabled)
            .retry_grace_period_seconds(0)
            .build()
            .map_err(|e| AdminError::new("InvalidParameterException", e.to_string()))?;
        req = req.refresh_token_rotation(rotation);
    }
    let out = req.send().await?;
    out.user_pool_client().cloned().ok_or_else(|| {
        AdminError::new("InvalidResponse", "CreateUserPoolClient returned no client")
    })
}

/// What the CLI shows of an app client; the secret only when asked for.
pub fn client_summary(c: &UserPoolClientType, show_secret: bool) -> Value {
    let flows: Vec<&str> = c.explicit_auth_flows().iter().map(|f| f.as_str()).collect();
    let rotation = c
        .refresh_token_rotation()
        .is_some_and(|r| *r.feature() == FeatureType::Enabled);
    let mut out = json!({
        "pool_id": c.user_pool_id(),
        "client_id": c.client_id(),
        "name": c.client_name(),
        "explicit_auth_flows": flows,
        "token_revocation": c.enable_token_revocation(),
        "refresh_rotation": rotation,
        "has_secret": c.client_secret().is_some(),
        "write_attributes": c.write_attributes(),
    });
    if show_secret && let (Some(secret), Some(o)) = (c.client_secret(), out.as_object_mut()) {
        o.insert("client_secret".into(), json!(secret));
    }
    out
}
