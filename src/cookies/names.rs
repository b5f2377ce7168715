//! The cookie names, which depend on whether cookies are `Secure`.

/// Path of the access and session cookies: only `/api` ever receives them.
pub const API_PATH: &str = "/api";
/// Path of the refresh cookie: only `/auth` ever receives it.
pub const AUTH_PATH: &str = "/auth";

/// The names of the service's cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieNames {
    pub access: &'static str,
    pub refresh: &'static str,
    pub session: &'static str,
}

impl CookieNames {
    /// `__Secure-` names when `secure`, bare ones otherwise.
    pub const fn new(secure: bool) -> Self {
        if secure {
            Self {
                access: "__Secure-access_token",
                refresh: "__Secure-refresh_token",
                session: "__Secure-session",
            }
        } else {
            Self {
                access: "access_token",
                refresh: "refresh_token",
                session: "session",
            }
        }
    }
}
