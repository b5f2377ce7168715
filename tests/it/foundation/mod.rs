//! Issues 2 and 6: configuration, errors, health, request ids, limits, shutdown.

mod architecture;
mod config;
mod contract;
mod openapi;
mod problems;
mod service;
mod site;
