//! `admin user create|set-password|confirm|set-attribute|delete`.
//!
//! Passwords go to Cognito and nowhere else: outputs never contain them.
//! Note that a password on the command line is visible to other local users
//! (process list) and in shell history; use a throw-away temporary password
//! where you can.

use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType, UserType};
use clap::Subcommand;
use serde_json::{Map, Value, json};

use super::{Admin, AdminError, key_value};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user (status FORCE_CHANGE_PASSWORD); prints {pool_id, username, status, enabled, attributes}.
    ///
    /// To get a user who can sign in right away, follow with
    /// `user set-password --permanent`.
    Create {
        /// The user pool id.
        #[arg(long)]
        pool: String,
        /// The username.
        #[arg(long)]
        username: String,
        /// The temporary password (default: Cognito generates one and sends it
        /// with the invitation). Never printed.
        #[arg(long, value_name = "PASSWORD")]
        temporary_password: Option<String>,
        /// An attribute, e.g. `email=a@example.com` or `custom:org_id=acme`; repeatable.
        #[arg(long = "attribute", value_name = "NAME=VALUE", value_parser = key_value)]
        attributes: Vec<(String, String)>,
        /// Do not send the invitation message.
        #[arg(long)]
        no_invite: bool,
    },
    /// Set a user's password; --permanent makes the user CONFIRMED, otherwise
    /// the password is temporary (FORCE_CHANGE_PASSWORD). Never printed.
    SetPassword {
        /// The user pool id.
        #[arg(long)]
        pool: String,
        /// The username.
        #[arg(long)]
        username: String,
        /// The new password.
        #[arg(long)]
        password: String,
        /// Make it the user's permanent password.
        #[arg(long)]
        permanent: bool,
    },
    /// Confirm a self-signed-up user (UNCONFIRMED -> CONFIRMED) without the code.
    Confirm {
        /// The user pool id.
        #[arg(long)]
        pool: String,
        /// The username.
        #[arg(long)]
        username: String,
    },
    /// Set (or, with an empty value, clear) user attributes.
    SetAttribute {
        /// The user pool id.
        #[arg(long)]
        pool: String,
        /// The username.
        #[arg(long)]
        username: String,
        /// `name=value`, e.g. `custom:org_id=acme`; repeatable.
        #[arg(long = "attribute", value_name = "NAME=VALUE", value_parser = key_value, required = true)]
        attributes: Vec<(String, String)>,
    },
    /// Delete a user (their tokens stop working).
    Delete {
        /// The user pool id.
        #[arg(long)]
        pool: String,
        /// The username.
        #[arg(long)]
        username: String,
    },
}

fn attribute(name: &str, value: &str) -> Result<AttributeType, AdminError> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(|e| AdminError::usage("InvalidParameterException", e.to_string()))
}

pub async fn run(admin: &Admin, cmd: UserCommand) -> Result<Value, AdminError> {
    match cmd {
        UserCommand::Create {
            pool,
            username,
            temporary_password,
            attributes,
            no_invite,
        } => {
            let mut req = admin
                .sdk
                .admin_create_user()
                .user_pool_id(&pool)
                .username(&username)
                .set_temporary_password(temporary_password);
            for (k, v) in &attributes {
                req = req.user_attributes(attribute(k, v)?);
            }
            if no_invite {
                req = req.message_action(MessageActionType::Suppress);
            }
            let out = req.send().await?;
            let user = out.user().ok_or_else(|| {
                AdminError::new("InvalidResponse", "AdminCreateUser returned no user")
            })?;
            Ok(user_summary(&pool, user))
        }
        UserCommand::SetPassword {
            pool,
            username,
            password,
            permanent,
        } => {
            admin
                .sdk
                .admin_set_user_password()
                .user_pool_id(&pool)
                .username(&username)
                .password(password)
                .permanent(permanent)
                .send()
                .await?;
            let status = if permanent {
                "CONFIRMED"
            } else {
                "FORCE_CHANGE_PASSWORD"
            };
            Ok(json!({
                "pool_id": pool,
                "username": username,
                "permanent": permanent,
                "status": status,
            }))
        }
        UserCommand::Confirm { pool, username } => {
            admin
                .sdk
                .admin_confirm_sign_up()
                .user_pool_id(&pool)
                .username(&username)
                .send()
                .await?;
            Ok(json!({"pool_id": pool, "username": username, "status": "CONFIRMED"}))
        }
        UserCommand::SetAttribute {
            pool,
            username,
            attributes,
        } => {
            let mut req = admin
                .sdk
                .admin_update_user_attributes()
                .user_pool_id(&pool)
                .username(&username);
            for (k, v) in &attributes {
                req = req.user_attributes(attribute(k, v)?);
            }
            req.send().await?;
            let set: Map<String, Value> =
                attributes.into_iter().map(|(k, v)| (k, json!(v))).collect();
            Ok(json!({"pool_id": pool, "username": username, "attributes": set}))
        }
        UserCommand::Delete { pool, username } => {
            admin
                .sdk
                .admin_delete_user()
                .user_pool_id(&pool)
                .username(&username)
                .send()
                .await?;
            Ok(json!({"pool_id": pool, "username": username, "deleted": true}))
        }
    }
}

fn user_summary(pool: &str, user: &UserType) -> Value {
    let attributes: Map<String, Value> = user
        .attributes()
        .iter()
        .map(|a| (a.name().to_owned(), json!(a.value())))
        .collect();
    json!({
        "pool_id": pool,
        "username": user.username(),
        "status": user.user_status().map(|s| s.as_str()),
        "enabled": user.enabled(),
        "attributes": attributes,
    })
}
