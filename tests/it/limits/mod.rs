//! Abuse limits, metrics and security headers.

mod config;
mod headers;
mod metrics;
mod rate_limits;
