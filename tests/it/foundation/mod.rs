//! Issue 2: configuration, errors, health, request ids, limits, shutdown.

mod config;
mod problems;
mod service;
