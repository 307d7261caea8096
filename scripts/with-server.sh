#!/usr/bin/env bash
# Runs a command against a real `xjz-api serve` on the embedded default (SQLite + the
# built-in Alipay simulator + the embedded worker) in a fresh temp directory, with users
# `admin`, `operator` and `viewer` of tenant `demo` (password in XJZ_E2E_PASSWORD).
#
#   scripts/with-server.sh <command> [args...]
#
# The command sees XJZ_E2E_BASE_URL, XJZ_E2E_USER (the operator), XJZ_E2E_PASSWORD,
# XJZ_E2E_ADMIN, XJZ_E2E_VIEWER, XJZ_E2E_SIM_ADMIN_URL (the simulator's admin API) and
# XJZ_E2E_DATA_DIR. The server stops when the command ends; its log is printed when the
# command fails. Needs the xjz-api binary: XJZ_API_BIN, else $CARGO_TARGET_DIR/debug/xjz-api.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${XJZ_API_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/xjz-api}"
[ -x "$bin" ] || { echo "with-server: no xjz-api binary at $bin (cargo build -p xjz-api)" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

work="$(mktemp -d)"
port="$(free_port)"
sim_port="$(free_port)"
password="e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export XJZ__SERVER__BIND="127.0.0.1:$port"
export XJZ__EMBEDDED__SIMULATOR_BIND="127.0.0.1:$sim_port"
export XJZ__SERVER__STATIC_DIR="${XJZ__SERVER__STATIC_DIR:-$root/frontend/dist}"
export XJZ__WORKER__TICK_SECS="${XJZ__WORKER__TICK_SECS:-2}"
export XJZ__POLL__FIRST_QUERY_DELAY_SECS="${XJZ__POLL__FIRST_QUERY_DELAY_SECS:-1}"
export XJZ__POLL__AUDIT_INTERVAL_SECS="${XJZ__POLL__AUDIT_INTERVAL_SECS:-2}"
export XJZ__POLL__CONFIRM_INTERVAL_SECS="${XJZ__POLL__CONFIRM_INTERVAL_SECS:-2}"
export XJZ__LOG__FORMAT=json
export RUST_LOG="${RUST_LOG:-info}"

cd "$work"
"$bin" serve >"$work/server.log" 2>&1 &
server=$!
cleanup() {
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
    if curl -fsS "$base/readyz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server" 2>/dev/null; then cat "$work/server.log" >&2; exit 1; fi
    sleep 0.2
done
curl -fsS "$base/readyz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }

for role in admin operator viewer; do
    user="e2e-$role"
    printf '%s\n' "$password" | "$bin" user add --tenant demo --username "$user" --role "$role" --password-stdin >/dev/null
done

export XJZ_E2E_BASE_URL="$base"
export XJZ_E2E_USER=e2e-operator
export XJZ_E2E_ADMIN=e2e-admin
export XJZ_E2E_VIEWER=e2e-viewer
export XJZ_E2E_PASSWORD="$password"
export XJZ_E2E_SIM_ADMIN_URL="http://127.0.0.1:$sim_port/__sim"
export XJZ_E2E_DATA_DIR="$work"

cd "$root"
set +e
"$@"
status=$?
set -e
if [ "$status" -ne 0 ]; then
    echo "---- xjz-api log (last 80 lines) ----" >&2
    tail -n 80 "$work/server.log" >&2
fi
exit "$status"
