//! Issue 2: configuration, errors, health, request ids, limits, shutdown.

mod config;
mod openapi;
mod problems;
mod service;
