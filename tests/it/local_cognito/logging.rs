//! The local Cognito's logs name operations, pools and users, and the codes
//! it "sends", but never a password, token, session or TOTP secret.

use super::fixtures::*;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType, MessageActionType};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// A current-thread runtime: the server's tasks log on this thread, so the
// thread-local subscriber sees them.
#[tokio::test(flavor = "current_thread")]
async fn logs_carry_codes_but_never_passwords_tokens_sessions_or_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let env = start().await;
    let password = "Log-Test-Passw0rd!";
    env.cognito
        .sign_up()
        .client_id(CLIENT)
        .username("logged")
        .password(password)
        .user_attributes(attr("email", "logged@example.com"))
        .send()
        .await
        .unwrap();
    let code = env.last_code("logged").await;
    env.cognito
        .confirm_sign_up()
        .client_id(CLIENT)
        .username("logged")
        .confirmation_code(&code)
        .send()
        .await
        .unwrap();
    let tokens = env.sign_in("logged", password).await;
    let refreshed = env
        .cognito
        .initiate_auth()
        .client_id(CLIENT)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", tokens.refresh_token().unwrap())
        .send()
        .await
        .unwrap();
    let secret = env
        .cognito
        .associate_software_token()
        .access_token(tokens.access_token().unwrap())
        .send()
        .await
        .unwrap()
        .secret_code()
        .unwrap()
        .to_string();
    env.cognito
        .verify_software_token()
        .access_token(tokens.access_token().unwrap())
        .user_code(totp_now(&secret))
        .send()
        .await
        .unwrap();
    env.cognito
        .admin_create_user()
        .user_pool_id(POOL)
        .username("temp")
        .temporary_password("Temp-Log-Passw0rd!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let challenge = env
        .cognito
        .initiate_auth()
        .client_id(CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "temp")
        .auth_parameters("PASSWORD", "Temp-Log-Passw0rd!")
        .send()
        .await
        .unwrap();
    assert_eq!(
        challenge.challenge_name(),
        Some(&ChallengeNameType::NewPasswordRequired)
    );
    let session = challenge.session().unwrap().to_string();
    let _ = env
        .cognito
        .initiate_auth()
        .client_id(SECRET_CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "logged")
        .auth_parameters("PASSWORD", "Wrong-Log-Passw0rd!")
        .auth_parameters("SECRET_HASH", secret_hash(SECRET, "logged", SECRET_CLIENT))
        .send()
        .await;
    let debug = format!("{:?}", env.lc);
    env.lc.shutdown().await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("local cognito"),
        "the subscriber captured the server: {logs}"
    );
    assert!(logs.contains(&code), "the code it sends is logged");
    let refreshed_access = refreshed
        .authentication_result()
        .unwrap()
        .access_token()
        .unwrap();
    for (what, secret_value) in [
        ("password", password),
        ("temporary password", "Temp-Log-Passw0rd!"),
        ("wrong password", "Wrong-Log-Passw0rd!"),
        ("access token", tokens.access_token().unwrap()),
        ("id token", tokens.id_token().unwrap()),
        ("refresh token", tokens.refresh_token().unwrap()),
        ("refreshed access token", refreshed_access),
        ("TOTP secret", secret.as_str()),
        ("session", session.as_str()),
        ("client secret", SECRET),
    ] {
        assert!(!logs.contains(secret_value), "the logs contain the {what}");
        assert!(
            !debug.contains(secret_value),
            "Debug of LocalCognito contains the {what}"
        );
    }
}
