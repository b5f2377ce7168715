# syntax=docker/dockerfile:1
# cognito-bff: multi-stage build with dependency caching (cargo-chef), a
# --locked release build, and a minimal non-root runtime image.

ARG RUST_VERSION=1.95
FROM rust:${RUST_VERSION}-slim-bookworm AS chef
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /app

# 1. The dependency recipe: changes only when Cargo.toml/Cargo.lock change.
FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

# 2. Dependencies, cached in their own layer; then the service itself.
FROM chef AS builder
COPY --from=planner /app/recipe.json recipe.json
RUN cargo chef cook --release --locked --recipe-path recipe.json
COPY . .
RUN cargo build --release --locked --bin cognito-bff

# 3. Runtime: distroless (glibc, CA certificates, no shell), non-root.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
WORKDIR /app
COPY --from=builder /app/target/release/cognito-bff /usr/local/bin/cognito-bff
COPY --from=builder /app/config /app/config
ENV BFF_PROFILE=production \
    BFF_LISTEN=0.0.0.0:8080 \
    BFF_CONFIG_DIR=/app/config \
    RUST_LOG=info
USER nonroot:nonroot
EXPOSE 8080
# Load balancers: liveness GET /healthz, readiness GET /readyz (see README).
ENTRYPOINT ["/usr/local/bin/cognito-bff"]
CMD ["serve"]
