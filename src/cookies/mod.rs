//! Cookies: names, attributes and encryption, built in this module only.
//!
//! | cookie | Path | SameSite | value |
//! |---|---|---|---|
//! | `__Secure-access_token` | `/api` | Lax | the access token as issued |
//! | `__Secure-refresh_token` | `/auth` | Strict | refresh token + username + origin_jti, AES-256-GCM |
//! | `__Secure-session` | `/api` | Lax | tenant + the access token's sub, jti and exp, AES-256-GCM |
//!
//! With `BFF_COOKIE_SECURE=false` the names lose the `__Secure-` prefix and
//! the `Secure` attribute. An access token too large for one cookie (many
//! groups) is split into `<name>.0`, `<name>.1`, ... with the same attributes,
//! which the guard reassembles: a browser would silently drop a cookie over
//! 4096 bytes. No `Domain` attribute, ever: the cookies belong to
//! the service's own host only. All are `HttpOnly`: page scripts never see them.

mod codec;
mod names;
pub mod scan;

pub use codec::Cookies;
pub use names::{ACCESS_CHUNKS, API_PATH, AUTH_PATH, CookieNames};
pub use scan::cookie_values;
