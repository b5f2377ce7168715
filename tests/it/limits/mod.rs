//! Abuse limits, metrics and security headers (issue 8, items 1, 7 and 8).

mod config;
mod headers;
mod metrics;
mod rate_limits;
