//! The cookie names, which depend on whether cookies are `Secure`.

/// Path of the access and session cookies: only `/api` ever receives them.
pub const API_PATH: &str = "/api";
/// Path of the refresh cookie: only `/auth` ever receives it.
pub const AUTH_PATH: &str = "/auth";

/// How many numbered cookies an access token too large for one cookie may
/// be split into (`<access>.0`, `<access>.1`, ...). Three hold any token the
/// guard accepts (`auth::MAX_TOKEN_LEN`).
pub const ACCESS_CHUNKS: usize = 3;

/// The names of the service's cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieNames {
    pub access: &'static str,
    /// The numbered cookies of a split access token, in order.
    pub access_chunks: [&'static str; ACCESS_CHUNKS],
    pub refresh: &'static str,
    pub session: &'static str,
}

impl CookieNames {
    /// `__Secure-` names when `secure`, bare ones otherwise.
    pub const fn new(secure: bool) -> Self {
        if secure {
            Self {
                access: "__Secure-access_token",
                access_chunks: [
                    "__Secure-access_token.0",
                    "__Secure-access_token.1",
                    "__Secure-access_token.2",
                ],
                refresh: "__Secure-refresh_token",
                session: "__Secure-session",
            }
        } else {
            Self {
                access: "access_token",
                access_chunks: ["access_token.0", "access_token.1", "access_token.2"],
                refresh: "refresh_token",
                session: "session",
            }
        }
    }
}
