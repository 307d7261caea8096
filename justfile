# xjz-payment-platform — run / test / lint / bench.
# Get `just` with `cargo install just` (it is not a Debian package).

set shell := ["bash", "-euo", "pipefail", "-c"]

# Reuse one target directory outside the clone when the caller set one.
export CARGO_TARGET_DIR := env_var_or_default("CARGO_TARGET_DIR", justfile_directory() / "target")

# List the recipes.
default:
    @just --list

# Run everything on the embedded default (SQLite + the built-in Alipay simulator).
run:
    [ -f frontend/dist/index.html ] || just frontend-build
    cargo run -p xjz-api -- serve

# Every test: lint, then the whole workspace's tests (PostgreSQL ones when XJZ_TEST_POSTGRES_URL is set).
test: lint
    cargo nextest run --workspace --no-fail-fast
    cargo test --workspace --doc
    just frontend-test
    just e2e-real
    just api-fuzz

# Install the web page's npm packages (from package-lock.json).
frontend-deps:
    cd frontend && npm ci --prefer-offline --no-audit --no-fund

# Build the web page into frontend/dist (served by xjz-api).
frontend-build: frontend-deps
    cd frontend && npm run build

# The web page's checks: types, unit/component tests, the bundle budget, browser tests in
# headless Chromium (/usr/bin/chromium; never downloaded).
frontend-test: frontend-build
    cd frontend && npm run typecheck
    cd frontend && npm run test
    cd frontend && npm run size
    cd frontend && npm run e2e:mocked

# The real server (embedded default) driven by schemathesis through /api/openapi.json with an
# operator's token: zero 5xx answers, every response matching its schema.
api-fuzz:
    cargo build -p xjz-api --bin xjz-api
    scripts/with-server.sh scripts/schemathesis.sh

# The web page against the real server (embedded default) in headless Chromium.
e2e-real: frontend-build
    cargo build -p xjz-api --bin xjz-api
    scripts/with-server.sh bash -c 'cd frontend && npm run e2e:real'

# rustfmt check and clippy with warnings denied.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Benchmarks (outside CI); figures go to docs/performance.md.
bench:
    cargo bench --workspace
