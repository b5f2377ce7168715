//! Integration tests of the embedded local Cognito, through the real
//! `aws-sdk-cognitoidentityprovider` client over HTTP (raw HTTP only where
//! the wire shape itself is under test).

mod admin;
mod attributes;
mod fixtures;
mod logging;
mod mfa;
mod persistence;
mod pools;
mod protocol;
mod remote;
mod reset;
mod sign_in;
mod signup;
mod tokens;
