#!/usr/bin/env bash
# Fuzzes the running API against its own OpenAPI document with schemathesis (PyPI): every
# operation of /api/openapi.json, positive and negative data, an operator's token. Fails on
# any 5xx answer or any answer that the document does not describe (status, content type,
# body schema).
#
#   scripts/with-server.sh scripts/schemathesis.sh [extra `st run` options]   (just api-fuzz)
#
# Needs what scripts/with-server.sh exports: XJZ_E2E_BASE_URL, XJZ_E2E_USER (the operator),
# XJZ_E2E_ADMIN, XJZ_E2E_PASSWORD, XJZ_E2E_SIM_ADMIN_URL. Python 3.11 with venv and pip;
# the pinned versions of scripts/requirements-schemathesis.txt go into a venv at
# XJZ_VENV (default $HOME/.cache/xjz-venv), created when missing, reused otherwise, and
# re-synced when the requirements file changes.
#
# What it does:
# 1. logs in as the operator and the admin (POST /api/v1/auth/login);
# 2. seeds orders through the API so the `{id}` routes meet real orders, not only 404s: one
#    submitted (the simulator approves), two left INIT after Alipay refused `create` (PATCH's
#    own), one left INIT after Alipay refused `sign` (a simulator fault each time);
# 3. runs `st run` on every operation except `POST /api/v1/auth/login` and
#    `GET /api/v1/system/operation-logs`, with the operator's token; path `id`s come half
#    the time from the seeded orders;
# 4. runs `st run` on `GET /api/v1/system/operation-logs` with the admin's token (the
#    operator has no permission there: every answer would be 403);
# 5. runs `st run` on `POST /api/v1/auth/login` last: each generated wrong password counts
#    against the login throttle (20 failures per IP in 15 minutes), so after the first few
#    dozen cases login answers 10429 by design (documented; the tokens above are already
#    issued). Malformed and incomplete bodies still get their 10400/10422 first.
#
# Environment: XJZ_FUZZ_EXAMPLES (test cases per operation and phase, default 60),
# XJZ_FUZZ_SEED (default 20261126; `random` for a new one each run),
# XJZ_FUZZ_REPORT_DIR (write JUnit XML there).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
: "${XJZ_E2E_BASE_URL:?run me through scripts/with-server.sh}"
: "${XJZ_E2E_USER:?}" "${XJZ_E2E_PASSWORD:?}" "${XJZ_E2E_ADMIN:?}"
base="$XJZ_E2E_BASE_URL"
examples="${XJZ_FUZZ_EXAMPLES:-60}"
seed="${XJZ_FUZZ_SEED:-20261126}"

# -- the venv -----------------------------------------------------------------------------
venv="${XJZ_VENV:-$HOME/.cache/xjz-venv}"
requirements="$root/scripts/requirements-schemathesis.txt"
stamp="$venv/.xjz-requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ]; then
    echo "schemathesis: creating the venv $venv" >&2
    # Debian's python3 without python3-venv has no ensurepip: make the venv without pip
    # and let the system's pip (>= 22.3, --python) install into it.
    python3 -m venv "$venv" 2>/dev/null || {
        rm -rf "$venv"
        python3 -m venv --without-pip "$venv"
    }
fi
if "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    pip=("$venv/bin/python" -m pip)
else
    pip=(python3 -m pip --python "$venv/bin/python")
fi
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "schemathesis: installing $requirements into $venv" >&2
    "${pip[@]}" install --quiet --disable-pip-version-check -r "$requirements"
    printf '%s\n' "$want" >"$stamp"
fi
py="$venv/bin/python"
st="$venv/bin/st"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# -- helpers ------------------------------------------------------------------------------
# json_get FIELD.PATH < json: prints the value (empty when absent).
json_get() {
    "$py" -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value.get(key) if isinstance(value, dict) else None
print("" if value is None else value)' "$1"
}

login() {
    local body
    body="$("$py" -c 'import json, sys; print(json.dumps({"username": sys.argv[1], "password": sys.argv[2]}))' "$1" "$XJZ_E2E_PASSWORD")"
    curl -fsS -H 'Content-Type: application/json' -d "$body" "$base/api/v1/auth/login" |
        json_get data.access_token
}

operator_token="$(login "$XJZ_E2E_USER")"
admin_token="$(login "$XJZ_E2E_ADMIN")"
[ -n "$operator_token" ] && [ -n "$admin_token" ] || {
    echo "schemathesis: login gave no token" >&2
    exit 1
}

# -- seed orders --------------------------------------------------------------------------
"$py" - "$work" <<'EOF'
import sys
# A magic number, then filler: the API tells formats by their first bytes and checks the
# 5 KB–5 MB size. One format each, so the image route answers every content type it has.
for name, magic in (("png", b"\x89PNG\r\n\x1a\n"), ("jpg", b"\xff\xd8\xff\xe0"),
                    ("gif", b"GIF89a"), ("bmp", b"BM")):
    with open(f"{sys.argv[1]}/board.{name}", "wb") as f:
        f.write(magic + b"B" * (7000 - len(magic)))
with open(f"{sys.argv[1]}/scene.png", "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + b"B" * 5992)
EOF

sim_fault() {
    [ -n "${XJZ_E2E_SIM_ADMIN_URL:-}" ] || return 0
    curl -fsS -o /dev/null -H 'Content-Type: application/json' \
        -d "{\"fault\":{\"kind\":\"business_error\"},\"method\":\"$1\",\"count\":1}" \
        "$XJZ_E2E_SIM_ADMIN_URL/faults"
}

# apply ACCOUNT BOARD_FORMAT: prints the new order's id (201, or 502 with data.order).
apply() {
    curl -sS -H "Authorization: Bearer $operator_token" \
        -F "account=$1" -F 'contact_name=张三' -F 'contact_mobile=13800138000' \
        -F 'merchant_name=杭州示例商贸有限公司' -F 'mcc_code=A0001_B0199' -F 'rate=0.38' \
        -F 'sign_and_auth=true' -F 'shop_name=示例便利店' \
        -F 'shop_address={"province_code":"330000","city_code":"330100","district_code":"330106","detail_address":"文三路 100 号"}' \
        -F "shop_scene_pic=@$work/scene.png;type=image/png" \
        -F "shop_sign_board_pic=@$work/board.$2" \
        "$base/api/v1/payment/facetoface/apply" |
        "$py" -c '
import json, sys
body = json.load(sys.stdin)
data = body.get("data") or {}
order = data.get("order", data) if isinstance(data, dict) else {}
print(order.get("id", ""))'
}

# submitted: the simulator approves it.
submitted="$(apply merchant01@example.com png)"
# INIT with nothing at Alipay (create refused): for PATCH only, so no fuzzed cancel or
# resume moves them on first.
sim_fault alipay.open.agent.create
editable1="$(apply merchant02@example.com jpg)"
sim_fault alipay.open.agent.create
editable2="$(apply merchant03@example.com gif)"
# INIT with a batch at Alipay (sign refused): for refresh, resume, cancel and the reads.
sim_fault alipay.open.agent.facetoface.sign
held="$(apply merchant04@example.com bmp)"
for id in "$submitted" "$editable1" "$editable2" "$held"; do
    [ -n "$id" ] || {
        echo "schemathesis: seeding an order failed" >&2
        exit 1
    }
done
echo "schemathesis: seeded orders $submitted (submitted), $editable1 $editable2 (INIT, for PATCH), $held (INIT, batch created)" >&2

# -- schemathesis -------------------------------------------------------------------------
cat >"$work/schemathesis.toml" <<EOF
[dictionaries.orders]
values = [$submitted, $editable1, $editable2, $held]
[dictionaries.editable]
values = [$editable1, $editable2]
[dictionaries.actionable]
values = [$submitted, $held]

# Half the generated ids are seeded orders, the other half whatever the schema allows.
[parameters]
"path.id" = { dictionary = "orders", probability = 0.5 }

[[operations]]
include-path = "/api/v1/payment/facetoface/{id}"
include-method = "PATCH"
parameters = { "path.id" = { dictionary = "editable", probability = 0.5 } }

[[operations]]
include-path-regex = "/(resume|cancel|reapply|query)$"
parameters = { "path.id" = { dictionary = "actionable", probability = 0.5 } }
EOF

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
common=(
    --checks "$checks"
    --max-examples "$examples"
    --workers 2
    --generation-database none
    --no-color
    --warnings off
)
if [ "$seed" != random ]; then common+=(--seed "$seed"); fi
report() {
    if [ -n "${XJZ_FUZZ_REPORT_DIR:-}" ]; then
        mkdir -p "$XJZ_FUZZ_REPORT_DIR"
        echo --report junit --report-junit-path "$XJZ_FUZZ_REPORT_DIR/schemathesis-$1.xml"
    fi
}

cd "$work"
status=0
# shellcheck disable=SC2046 # report's words are separate options
"$st" --config-file "$work/schemathesis.toml" run "$base/api/openapi.json" \
    -H "Authorization: Bearer $operator_token" \
    --exclude-path /api/v1/auth/login \
    --exclude-path /api/v1/system/operation-logs \
    "${common[@]}" $(report operator) "$@" || status=$?
# shellcheck disable=SC2046
"$st" --config-file "$work/schemathesis.toml" run "$base/api/openapi.json" \
    -H "Authorization: Bearer $admin_token" \
    --include-path /api/v1/system/operation-logs \
    "${common[@]}" $(report admin) "$@" || status=$?
# shellcheck disable=SC2046
"$st" --config-file "$work/schemathesis.toml" run "$base/api/openapi.json" \
    --include-path /api/v1/auth/login \
    "${common[@]}" $(report login) "$@" || status=$?
exit "$status"
