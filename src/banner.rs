//! The local-mode startup banner: where the service listens, the demo user's
//! credentials and a copy-paste curl session. Local mode only: it is the one
//! place a password is printed, and it is the seeded demo's.

use std::fmt::Write as _;

use crate::config::Profile;
use crate::startup::App;

/// The banner text, or `None` outside local mode.
pub(crate) fn local_banner(app: &App) -> Option<String> {
    let settings = &app.state().settings;
    if settings.profile != Profile::Local {
        return None;
    }
    let lc = app.local_cognito()?;
    let base = format!("http://{}", app.addr());
    let options = crate::startup::local_cognito_options(settings).ok()?;
    let user = options.seed.pools.first().and_then(|p| p.users.first());
    let mut out = String::new();
    let _ = writeln!(out, "\ncognito-bff (local mode: NOT FOR PRODUCTION)");
    let _ = writeln!(out, "  service:       {base}");
    let _ = writeln!(
        out,
        "  local Cognito: {} (pool {})",
        lc.endpoint_url(),
        settings.cognito.user_pool_id
    );
    if let Some(user) = user {
        let _ = writeln!(
            out,
            "  demo user:     {} / {}",
            user.username, user.password
        );
        let _ = writeln!(out, "\nTry it:");
        let _ = writeln!(
            out,
            "  curl -si -c jar -b jar -H 'X-CSRF: 1' -H 'Content-Type: application/json' \\\n    -d '{{\"username\":\"{}\",\"password\":\"{}\"}}' {base}/auth/signin",
            user.username, user.password
        );
        let _ = writeln!(out, "  curl -s -b jar {base}/api/me");
        let _ = writeln!(
            out,
            "  curl -s -c jar -b jar -X POST -H 'X-CSRF: 1' {base}/auth/refresh"
        );
        let _ = writeln!(
            out,
            "  curl -si -c jar -b jar -X POST -H 'X-CSRF: 1' {base}/auth/signout"
        );
    }
    Some(out)
}
