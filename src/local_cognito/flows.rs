//! Authentication flows as types: the `ExplicitAuthFlows` an app client
//! enables and the `AuthFlow` an InitiateAuth call asks for, with the one
//! mapping between them, so that the API, the seed and the sign-in checks
//! cannot disagree about a name.

use serde::{Deserialize, Serialize};

/// A value of an app client's `ExplicitAuthFlows` (API Reference:
/// CreateUserPoolClient): the legacy names and their `ALLOW_` successors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExplicitAuthFlow {
    AdminNoSrpAuth,
    CustomAuthFlowOnly,
    UserPasswordAuth,
    AllowAdminUserPasswordAuth,
    AllowCustomAuth,
    AllowUserPasswordAuth,
    AllowUserSrpAuth,
    AllowRefreshTokenAuth,
    AllowUserAuth,
}

impl ExplicitAuthFlow {
    pub const ALL: [Self; 9] = [
        Self::AdminNoSrpAuth,
        Self::CustomAuthFlowOnly,
        Self::UserPasswordAuth,
        Self::AllowAdminUserPasswordAuth,
        Self::AllowCustomAuth,
        Self::AllowUserPasswordAuth,
        Self::AllowUserSrpAuth,
        Self::AllowRefreshTokenAuth,
        Self::AllowUserAuth,
    ];

    /// CreateUserPoolClient's default.
    pub const DEFAULT: [Self; 3] = [
        Self::AllowRefreshTokenAuth,
        Self::AllowCustomAuth,
        Self::AllowUserSrpAuth,
    ];

    pub fn wire(self) -> &'static str {
        match self {
            Self::AdminNoSrpAuth => "ADMIN_NO_SRP_AUTH",
            Self::CustomAuthFlowOnly => "CUSTOM_AUTH_FLOW_ONLY",
            Self::UserPasswordAuth => "USER_PASSWORD_AUTH",
            Self::AllowAdminUserPasswordAuth => "ALLOW_ADMIN_USER_PASSWORD_AUTH",
            Self::AllowCustomAuth => "ALLOW_CUSTOM_AUTH",
            Self::AllowUserPasswordAuth => "ALLOW_USER_PASSWORD_AUTH",
            Self::AllowUserSrpAuth => "ALLOW_USER_SRP_AUTH",
            Self::AllowRefreshTokenAuth => "ALLOW_REFRESH_TOKEN_AUTH",
            Self::AllowUserAuth => "ALLOW_USER_AUTH",
        }
    }

    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.wire() == s)
    }

    /// A name from before the `ALLOW_` values.
    pub fn is_legacy(self) -> bool {
        matches!(
            self,
            Self::AdminNoSrpAuth | Self::CustomAuthFlowOnly | Self::UserPasswordAuth
        )
    }

    /// The `ALLOW_` value a legacy name stands for (itself for the others).
    pub fn modern(self) -> Self {
        match self {
            Self::AdminNoSrpAuth => Self::AllowAdminUserPasswordAuth,
            Self::CustomAuthFlowOnly => Self::AllowCustomAuth,
            Self::UserPasswordAuth => Self::AllowUserPasswordAuth,
            other => other,
        }
    }
}

/// Why a client's flows are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowProblem {
    /// Not a value of [`ExplicitAuthFlow`]: the name given.
    Unknown(String),
    /// Legacy names mixed with `ALLOW_` ones.
    Mixed,
}

/// The one reading of a client's flows, for the API and the seed alike.
/// Cognito keeps `ALLOW_REFRESH_TOKEN_AUTH` in every set of `ALLOW_` flows
/// (it adds it when a request omits it; the console cannot untick it).
pub fn parse_explicit_flows(names: &[String]) -> Result<Vec<ExplicitAuthFlow>, FlowProblem> {
    let mut flows = names
        .iter()
        .map(|n| ExplicitAuthFlow::from_wire(n).ok_or_else(|| FlowProblem::Unknown(n.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    let legacy = flows.iter().any(|f| f.is_legacy());
    let modern = flows.iter().any(|f| !f.is_legacy());
    if legacy && modern {
        return Err(FlowProblem::Mixed);
    }
    if modern && !flows.contains(&ExplicitAuthFlow::AllowRefreshTokenAuth) {
        flows.push(ExplicitAuthFlow::AllowRefreshTokenAuth);
    }
    Ok(flows)
}

/// Whether a client with `enabled` flows may use `flow`.
pub fn allows(enabled: &[ExplicitAuthFlow], flow: ExplicitAuthFlow) -> bool {
    // With only legacy values (or none), refresh and SRP were always on.
    if enabled.iter().all(|f| f.is_legacy())
        && matches!(
            flow,
            ExplicitAuthFlow::AllowRefreshTokenAuth | ExplicitAuthFlow::AllowUserSrpAuth
        )
    {
        return true;
    }
    enabled.iter().any(|f| f.modern() == flow.modern())
}

/// InitiateAuth's `AuthFlow` (API Reference: InitiateAuth).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFlow {
    UserSrpAuth,
    RefreshTokenAuth,
    RefreshToken,
    CustomAuth,
    AdminNoSrpAuth,
    UserPasswordAuth,
    AdminUserPasswordAuth,
    UserAuth,
}

impl AuthFlow {
    pub const ALL: [Self; 8] = [
        Self::UserSrpAuth,
        Self::RefreshTokenAuth,
        Self::RefreshToken,
        Self::CustomAuth,
        Self::AdminNoSrpAuth,
        Self::UserPasswordAuth,
        Self::AdminUserPasswordAuth,
        Self::UserAuth,
    ];

    pub fn wire(self) -> &'static str {
        match self {
            Self::UserSrpAuth => "USER_SRP_AUTH",
            Self::RefreshTokenAuth => "REFRESH_TOKEN_AUTH",
            Self::RefreshToken => "REFRESH_TOKEN",
            Self::CustomAuth => "CUSTOM_AUTH",
            Self::AdminNoSrpAuth => "ADMIN_NO_SRP_AUTH",
            Self::UserPasswordAuth => "USER_PASSWORD_AUTH",
            Self::AdminUserPasswordAuth => "ADMIN_USER_PASSWORD_AUTH",
            Self::UserAuth => "USER_AUTH",
        }
    }

    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.wire() == s)
    }

    /// The client setting that enables this flow.
    pub fn enabled_by(self) -> ExplicitAuthFlow {
        match self {
            Self::UserSrpAuth => ExplicitAuthFlow::AllowUserSrpAuth,
            Self::RefreshTokenAuth | Self::RefreshToken => ExplicitAuthFlow::AllowRefreshTokenAuth,
            Self::CustomAuth => ExplicitAuthFlow::AllowCustomAuth,
            Self::AdminNoSrpAuth | Self::AdminUserPasswordAuth => {
                ExplicitAuthFlow::AllowAdminUserPasswordAuth
            }
            Self::UserPasswordAuth => ExplicitAuthFlow::AllowUserPasswordAuth,
            Self::UserAuth => ExplicitAuthFlow::AllowUserAuth,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn every_flow_name_reads_back_as_itself() {
        for f in ExplicitAuthFlow::ALL {
            assert_eq!(ExplicitAuthFlow::from_wire(f.wire()), Some(f));
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.wire()));
        }
        for f in AuthFlow::ALL {
            assert_eq!(AuthFlow::from_wire(f.wire()), Some(f));
        }
    }

    #[test]
    fn allow_flows_always_keep_refresh() {
        let flows = parse_explicit_flows(&names(&["ALLOW_USER_PASSWORD_AUTH"])).unwrap();
        assert_eq!(
            flows,
            [
                ExplicitAuthFlow::AllowUserPasswordAuth,
                ExplicitAuthFlow::AllowRefreshTokenAuth
            ]
        );
    }

    #[test]
    fn legacy_and_allow_names_do_not_mix_and_unknown_names_are_named() {
        assert_eq!(
            parse_explicit_flows(&names(&["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"])),
            Err(FlowProblem::Mixed)
        );
        assert_eq!(
            parse_explicit_flows(&names(&["ALLOW_MAGIC"])),
            Err(FlowProblem::Unknown("ALLOW_MAGIC".into()))
        );
    }

    #[test]
    fn legacy_clients_keep_refresh_and_srp_and_their_named_flows() {
        let legacy = [ExplicitAuthFlow::UserPasswordAuth];
        for flow in [
            AuthFlow::RefreshTokenAuth,
            AuthFlow::UserSrpAuth,
            AuthFlow::UserPasswordAuth,
        ] {
            assert!(allows(&legacy, flow.enabled_by()), "{flow:?}");
        }
        assert!(!allows(&legacy, AuthFlow::CustomAuth.enabled_by()));
        let modern = [ExplicitAuthFlow::AllowCustomAuth];
        assert!(!allows(&modern, AuthFlow::UserSrpAuth.enabled_by()));
        assert!(allows(&modern, AuthFlow::CustomAuth.enabled_by()));
    }
}
