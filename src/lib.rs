//! cognito-bff: a backend-for-frontend that keeps Amazon Cognito tokens in
//! httpOnly cookies, so browser SPAs never touch them.

pub mod local_cognito;
