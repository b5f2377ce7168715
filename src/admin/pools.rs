//! `admin pool create|describe|delete` and `admin domain set`.
//!
//! MFA is created OFF and then set with SetUserPoolMfaConfig (software-token
//! MFA enabled), which is how AWS accepts ON/OPTIONAL without an SMS set-up.

use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, SchemaAttributeType, SoftwareTokenMfaConfigType, UserPoolMfaType,
    UserPoolType,
};
use clap::{Subcommand, ValueEnum};
use serde_json::{Value, json};

use super::{Admin, AdminError};

#[derive(Debug, Subcommand)]
pub enum PoolCommand {
    /// Create a user pool; prints {id, arn, name, status, mfa, custom_attributes}.
    Create(CreatePool),
    /// Show a user pool: {id, arn, name, status, mfa, domain, custom_attributes}.
    Describe {
        /// The user pool id, e.g. eu-west-1_AbCdEf123.
        id: String,
    },
    /// Delete a user pool and everything in it.
    Delete {
        /// The user pool id.
        id: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct CreatePool {
    /// The pool's name.
    #[arg(long)]
    pub name: String,
    /// Multi-factor authentication (software token / TOTP).
    #[arg(long, value_enum, default_value_t = Mfa::Off)]
    pub mfa: Mfa,
    /// A custom string attribute, e.g. `org_id` (becomes `custom:org_id`); repeatable.
    #[arg(long = "custom-attribute", value_name = "NAME")]
    pub custom_attributes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mfa {
    Off,
    Optional,
    On,
}

#[derive(Debug, Subcommand)]
pub enum DomainCommand {
    /// Give the pool a Cognito-hosted domain prefix (<prefix>.auth.<region>.amazoncognito.com).
    Set {
        /// The user pool id.
        #[arg(long)]
        pool: String,
        /// The domain prefix (lowercase letters, digits, hyphens).
        #[arg(long)]
        domain: String,
    },
}

pub async fn run(admin: &Admin, cmd: PoolCommand) -> Result<Value, AdminError> {
    match cmd {
        PoolCommand::Create(args) => create(admin, &args).await,
        PoolCommand::Describe { id } => describe(admin, &id).await,
        PoolCommand::Delete { id } => {
            admin
                .sdk
                .delete_user_pool()
                .user_pool_id(&id)
                .send()
                .await?;
            Ok(json!({"id": id, "deleted": true}))
        }
    }
}

pub async fn run_domain(admin: &Admin, cmd: DomainCommand) -> Result<Value, AdminError> {
    match cmd {
        DomainCommand::Set { pool, domain } => {
            admin
                .sdk
                .create_user_pool_domain()
                .user_pool_id(&pool)
                .domain(&domain)
                .send()
                .await?;
            Ok(json!({
                "pool_id": pool,
                "domain": domain,
                "url": format!("https://{domain}.auth.{}.amazoncognito.com", admin.region),
            }))
        }
    }
}

/// A custom attribute's bare name (`custom:` stripped).
fn bare(name: &str) -> &str {
    name.strip_prefix("custom:").unwrap_or(name)
}

/// Creates the pool (and sets its MFA); returns the created pool's summary.
pub async fn create(admin: &Admin, args: &CreatePool) -> Result<Value, AdminError> {
    let mut req = admin
        .sdk
        .create_user_pool()
        .pool_name(&args.name)
        .mfa_configuration(UserPoolMfaType::Off);
    for attr in &args.custom_attributes {
        req = req.schema(
            SchemaAttributeType::builder()
                .name(bare(attr))
                .attribute_data_type(AttributeDataType::String)
                .mutable(true)
                .build(),
        );
    }
    let out = req.send().await?;
    let pool = out
        .user_pool()
        .ok_or_else(|| AdminError::new("InvalidResponse", "CreateUserPool returned no pool"))?;
    let id = pool.id().unwrap_or_default().to_owned();
    if args.mfa != Mfa::Off {
        let mode = match args.mfa {
            Mfa::On => UserPoolMfaType::On,
            _ => UserPoolMfaType::Optional,
        };
        let set = admin
            .sdk
            .set_user_pool_mfa_config()
            .user_pool_id(&id)
            .mfa_configuration(mode)
            .software_token_mfa_configuration(
                SoftwareTokenMfaConfigType::builder().enabled(true).build(),
            )
            .send()
            .await;
        if let Err(e) = set {
            let mut err = AdminError::from_sdk(e);
            err.message = format!(
                "{} (pool {id} was created with MFA off; `admin pool delete {id}` removes it)",
                err.message
            );
            return Err(err);
        }
    }
    let mut summary = pool_summary(pool);
    if let Some(o) = summary.as_object_mut() {
        o.insert("mfa".into(), json!(mfa_word(args.mfa)));
        o.remove("domain");
    }
    Ok(summary)
}

fn mfa_word(m: Mfa) -> &'static str {
    match m {
        Mfa::Off => "off",
        Mfa::Optional => "optional",
        Mfa::On => "on",
    }
}

async fn describe(admin: &Admin, id: &str) -> Result<Value, AdminError> {
    let out = admin
        .sdk
        .describe_user_pool()
        .user_pool_id(id)
        .send()
        .await?;
    let pool = out
        .user_pool()
        .ok_or_else(|| AdminError::new("InvalidResponse", "DescribeUserPool returned no pool"))?;
    Ok(pool_summary(pool))
}

/// What the CLI shows of a pool. `status` is what Cognito reports, `null`
/// where it no longer does.
fn pool_summary(pool: &UserPoolType) -> Value {
    #[allow(deprecated)] // Cognito deprecated Status; shown while it is sent.
    let status = pool.status().map(|s| s.as_str().to_owned());
    let mfa = pool.mfa_configuration().map(|m| match m {
        UserPoolMfaType::On => "on".to_owned(),
        UserPoolMfaType::Optional => "optional".to_owned(),
        UserPoolMfaType::Off => "off".to_owned(),
        other => other.as_str().to_lowercase(),
    });
    let custom: Vec<&str> = pool
        .schema_attributes()
        .iter()
        .filter_map(|a| a.name())
        .filter(|n| n.starts_with("custom:"))
        .collect();
    json!({
        "id": pool.id(),
        "arn": pool.arn(),
        "name": pool.name(),
        "status": status,
        "mfa": mfa,
        "domain": pool.domain(),
        "custom_attributes": custom,
    })
}
