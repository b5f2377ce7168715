//! What the pool and app-client operations answer, as types: `UserPoolType`,
//! `UserPoolClientType` and the list pages, with the API Reference's member
//! names.

use serde::Serialize;

use super::STANDARD_ATTRIBUTES;
use crate::local_cognito::flows::ExplicitAuthFlow;
use crate::local_cognito::state::{AppClient, Pool, epoch_secs};

/// `SchemaAttributeType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaAttribute {
    pub name: String,
    pub attribute_data_type: &'static str,
    pub developer_only_attribute: bool,
    pub mutable: bool,
    pub required: bool,
}

/// `PasswordPolicyType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    pub temporary_password_validity_days: u32,
}

/// `UserPoolPolicyType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Policies {
    pub password_policy: PasswordPolicy,
}

/// `UsernameConfigurationType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UsernameConfiguration {
    pub case_sensitive: bool,
}

/// `AdminCreateUserConfigType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserConfig {
    pub allow_admin_create_user_only: bool,
    pub unused_account_validity_days: u32,
}

/// `UserPoolType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolType {
    pub id: String,
    pub name: String,
    pub arn: String,
    pub status: &'static str,
    pub policies: Policies,
    pub deletion_protection: &'static str,
    pub mfa_configuration: &'static str,
    pub schema_attributes: Vec<SchemaAttribute>,
    pub auto_verified_attributes: [&'static str; 1],
    pub username_configuration: UsernameConfiguration,
    pub admin_create_user_config: AdminCreateUserConfig,
    pub estimated_number_of_users: usize,
    pub creation_date: f64,
    pub last_modified_date: f64,
    pub user_pool_tier: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}

impl UserPoolType {
    pub fn of(pool: &Pool) -> Self {
        let p = &pool.password_policy;
        let sub = SchemaAttribute {
            name: "sub".to_owned(),
            attribute_data_type: "String",
            developer_only_attribute: false,
            mutable: false,
            required: true,
        };
        let standard = STANDARD_ATTRIBUTES.iter().map(|n| SchemaAttribute {
            name: (*n).to_owned(),
            attribute_data_type: match *n {
                "email_verified" | "phone_number_verified" => "Boolean",
                "updated_at" => "Number",
                _ => "String",
            },
            developer_only_attribute: false,
            mutable: true,
            required: pool.required_attributes.iter().any(|r| r == n),
        });
        let custom = pool.custom_attributes.iter().map(|c| SchemaAttribute {
            name: format!("custom:{c}"),
            attribute_data_type: "String",
            developer_only_attribute: false,
            mutable: true,
            required: false,
        });
        let region = pool.id.split('_').next().unwrap_or("us-east-1");
        Self {
            id: pool.id.clone(),
            name: pool.name.clone(),
            arn: format!(
                "arn:aws:cognito-idp:{region}:000000000000:userpool/{}",
                pool.id
            ),
            status: "Enabled",
            policies: Policies {
                password_policy: PasswordPolicy {
                    minimum_length: p.minimum_length,
                    require_uppercase: p.require_uppercase,
                    require_lowercase: p.require_lowercase,
                    require_numbers: p.require_numbers,
                    require_symbols: p.require_symbols,
                    temporary_password_validity_days: p.temporary_password_validity_days,
                },
            },
            deletion_protection: "INACTIVE",
            mfa_configuration: pool.mfa.wire(),
            schema_attributes: std::iter::once(sub).chain(standard).chain(custom).collect(),
            auto_verified_attributes: ["email"],
            username_configuration: UsernameConfiguration {
                case_sensitive: false,
            },
            admin_create_user_config: AdminCreateUserConfig {
                allow_admin_create_user_only: false,
                unused_account_validity_days: p.temporary_password_validity_days,
            },
            estimated_number_of_users: pool.users.len(),
            creation_date: epoch_secs(pool.created_ms),
            last_modified_date: epoch_secs(pool.modified_ms),
            user_pool_tier: "ESSENTIALS",
            domain: pool.domain.clone(),
        }
    }
}

/// CreateUserPool and DescribeUserPool.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolOut {
    pub user_pool: UserPoolType,
}

/// `UserPoolDescriptionType` (ListUserPools).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolDescription {
    pub id: String,
    pub name: String,
    pub status: &'static str,
    pub creation_date: f64,
    pub last_modified_date: f64,
}

/// ListUserPools.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolsOut {
    pub user_pools: Vec<UserPoolDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `SoftwareTokenMfaConfigType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Enabled {
    pub enabled: bool,
}

/// SetUserPoolMfaConfig.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaConfigOut {
    pub mfa_configuration: &'static str,
    pub software_token_mfa_configuration: Enabled,
}

/// `TokenValidityUnitsType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TokenValidityUnits {
    pub access_token: &'static str,
    pub id_token: &'static str,
    pub refresh_token: &'static str,
}

/// `RefreshTokenRotationType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RefreshTokenRotation {
    pub feature: &'static str,
    pub retry_grace_period_seconds: u64,
}

/// `UserPoolClientType`. The secret is in it, as in Cognito's answer to an
/// administrator.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientType {
    pub user_pool_id: String,
    pub client_name: String,
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    pub creation_date: f64,
    pub last_modified_date: f64,
    pub refresh_token_validity: u64,
    pub access_token_validity: u64,
    pub id_token_validity: u64,
    pub token_validity_units: TokenValidityUnits,
    pub explicit_auth_flows: Vec<ExplicitAuthFlow>,
    #[serde(rename = "AllowedOAuthFlowsUserPoolClient")]
    pub allowed_oauth_flows_user_pool_client: bool,
    pub prevent_user_existence_errors: &'static str,
    pub enable_token_revocation: bool,
    pub enable_propagate_additional_user_context_data: bool,
    pub auth_session_validity: u32,
    pub refresh_token_rotation: RefreshTokenRotation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub read_attributes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub write_attributes: Vec<String>,
}

impl std::fmt::Debug for UserPoolClientType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserPoolClientType")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl UserPoolClientType {
    pub fn of(pool_id: &str, c: &AppClient) -> Self {
        Self {
            user_pool_id: pool_id.to_owned(),
            client_name: c.name.clone(),
            client_id: c.id.clone(),
            client_secret: c.secret.clone(),
            creation_date: epoch_secs(c.created_ms),
            last_modified_date: epoch_secs(c.modified_ms),
            refresh_token_validity: c.refresh_validity.value,
            access_token_validity: c.access_validity.value,
            id_token_validity: c.id_validity.value,
            token_validity_units: TokenValidityUnits {
                access_token: c.access_validity.unit.wire(),
                id_token: c.id_validity.unit.wire(),
                refresh_token: c.refresh_validity.unit.wire(),
            },
            explicit_auth_flows: c.explicit_auth_flows.clone(),
            allowed_oauth_flows_user_pool_client: false,
            prevent_user_existence_errors: if c.prevent_user_existence_errors {
                "ENABLED"
            } else {
                "LEGACY"
            },
            enable_token_revocation: c.enable_token_revocation,
            enable_propagate_additional_user_context_data: false,
            auth_session_validity: 3,
            refresh_token_rotation: RefreshTokenRotation {
                feature: if c.refresh_token_rotation {
                    "ENABLED"
                } else {
                    "DISABLED"
                },
                retry_grace_period_seconds: c.retry_grace_period_secs,
            },
            read_attributes: c.read_attributes.clone(),
            write_attributes: c.write_attributes.clone(),
        }
    }
}

/// CreateUserPoolClient, DescribeUserPoolClient, UpdateUserPoolClient.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientOut {
    pub user_pool_client: UserPoolClientType,
}

/// `UserPoolClientDescription` (ListUserPoolClients).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientDescription {
    pub client_id: String,
    pub user_pool_id: String,
    pub client_name: String,
}

/// ListUserPoolClients.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolClientsOut {
    pub user_pool_clients: Vec<UserPoolClientDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// CreateUserPoolDomain.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateDomainOut {
    pub managed_login_version: u32,
}
