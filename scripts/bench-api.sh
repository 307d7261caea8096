#!/usr/bin/env bash
# The facetoface API benchmark of issue #7 (outside CI; figures go to docs/performance.md):
#   - wrk against the list (page of 20, a status filter, the total) at 16 and 64 connections,
#   - RSS of xjz-api idle and under load,
#   - the time to apply with 5 images of 5 MB beyond the Alipay simulator's own time.
#     (BENCH_APPLIES applies, default 10, BENCH_APPLY_PAUSE seconds apart, default 1 — at
#     0.2 s apart the 25 MB of files per apply outrun this VM's disk and the kernel throttles
#     the writer; BENCH_SECS per wrk run, default 10)
#
#   scripts/bench-api.sh [ORDERS] [DATABASE_URL]
#
# ORDERS (default 100000) are seeded by xjz-seed over 10 tenants into DATABASE_URL (default:
# a fresh SQLite file; give postgres://…/db for PostgreSQL — the database is filled, not
# dropped). Builds release binaries into $CARGO_TARGET_DIR. Needs wrk, curl, python3.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
orders="${1:-100000}"
target="${CARGO_TARGET_DIR:-$root/target}"
duration="${BENCH_SECS:-10}"
command -v wrk >/dev/null || { echo "bench-api: wrk missing (apt-get install wrk)" >&2; exit 2; }

[ -n "${BENCH_NO_BUILD:-}" ] || cargo build --release -q -p xjz-api --bin xjz-api -p xjz-persistence --bin xjz-seed
api="$target/release/xjz-api"
seed="$target/release/xjz-seed"

work="$(mktemp -d)"
trap 'kill -TERM "${server:-0}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# xjz-seed's benchmark key; the server must decrypt what it wrote.
export XJZ__SECURITY__DATA_KEY="$(python3 -c 'import base64; print(base64.b64encode(bytes([0x5e]*32)).decode())')"
export XJZ__DATABASE__URL="${2:-sqlite://$work/bench.db?mode=rwc}"
export XJZ__SERVER__BIND="127.0.0.1:$(free_port)"
export XJZ__EMBEDDED__SIMULATOR_BIND="127.0.0.1:$(free_port)"
export XJZ__EMBEDDED__WORKER=false
export XJZ__SERVER__MAX_UPLOAD_BYTES=33554432
export XJZ__LOG__FORMAT=json
export RUST_LOG=warn,xjz_alipay_adapter=info

echo "== seeding $orders orders ($XJZ__DATABASE__URL)"
"$seed" --orders "$orders" --tenants 10 --database-url "$XJZ__DATABASE__URL"

"$api" serve >"$work/server.log" 2>&1 &
server=$!
base="http://$XJZ__SERVER__BIND"
for _ in $(seq 1 150); do curl -fsS "$base/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
# The first development start creates tenant `demo` (id 1: seeded orders of tenant 1 are its).
tenant=demo
password="bench-password-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# A database filled by an earlier run already has the user: give it the new password.
printf '%s\n' "$password" | "$api" user add --tenant "$tenant" --username bench --role operator --password-stdin >/dev/null 2>&1 \
    || printf '%s\n' "$password" | "$api" user passwd --tenant "$tenant" --username bench --password-stdin >/dev/null
token="$(curl -fsS "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"bench\",\"password\":\"$password\",\"tenant\":\"$tenant\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["access_token"])')"

rss() { awk '/^VmRSS/ {print $2 " kB"}' "/proc/$server/status"; }
hwm() { awk '/^VmHWM/ {print $2 " kB"}' "/proc/$server/status"; }
echo "== RSS idle: $(rss)"

list="$base/api/v1/payment/facetoface?page_size=20&order_status=MERCHANT_AUDITING"
curl -fsS "$list" -H "authorization: Bearer $token" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print("== list total", d["total"], "items", len(d["items"]))'
for connections in 16 64; do
    echo "== wrk -c$connections -t2 -d${duration}s $list"
    wrk -t2 -c"$connections" -d"${duration}s" --latency -H "authorization: Bearer $token" "$list" \
        | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
    echo "   RSS now: $(rss), peak: $(hwm)"
done

applies="${BENCH_APPLIES:-10}"
echo "== apply with 5 images of 5 MB (x$applies)"
python3 - "$base" "$token" "$applies" "${BENCH_APPLY_PAUSE:-1}" <<'PY'
import json, os, sys, time, urllib.request, uuid
base, token = sys.argv[1:3]
applies = int(sys.argv[3])
pause = float(sys.argv[4])
fields = {
    "account": "bench@example.com", "contact_name": "张三", "contact_mobile": "13800138000",
    "mcc_code": "A0002_B0201", "rate": "0.38", "sign_and_auth": "false",
    "business_license_no": "91350100M000100Y43", "long_term": "true", "shop_name": "压测小店",
    "shop_address": json.dumps({"province_code": "330000", "city_code": "330100",
                                "district_code": "330106", "detail_address": "文三路 1 号"}),
}
images = ["business_license_pic", "business_license_auth_pic", "shop_scene_pic",
          "shop_sign_board_pic", "special_license_pic"]
def body(seed):
    boundary = "----xjzbench" + uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for i, name in enumerate(images):
        # Random bytes, as in real (compressed) pictures: a part made of one repeated byte is
        # a different benchmark (all "\r", say, is actix-multipart's slow path).
        png = b"\x89PNG\r\n\x1a\n" + os.urandom(5_000_000 - 8)
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.png"\r\nContent-Type: image/png\r\n\r\n'.encode() + png + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return boundary, b"".join(parts)
def alipay_ms():
    # The adapter's own timing of every Alipay call (signing, sending — for sign, the 25 MB
    # upload — the answer and its check), summed over methods: /metrics's histogram sums, in
    # seconds with full precision (the log's latency_ms is whole milliseconds).
    with urllib.request.urlopen(base + "/metrics") as r:
        text = r.read().decode()
    return 1000 * sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                      if line.startswith("alipay_call_duration_seconds_sum"))
results = []
for n in range(applies):
    boundary, data = body(n)
    before = alipay_ms()
    req = urllib.request.Request(base + "/api/v1/payment/facetoface/apply", data=data, method="POST",
        headers={"authorization": "Bearer " + token, "content-type": "multipart/form-data; boundary=" + boundary,
                 # As the admin page sends it: the fingerprint of the 25 MB is part of the cost.
                 "idempotency-key": "bench-" + uuid.uuid4().hex})
    t = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        answer = json.load(r)
    total = (time.perf_counter() - t) * 1000
    time.sleep(pause)
    sim = alipay_ms() - before
    assert answer["code"] == 0, answer
    results.append((total, sim))
    print(f"   apply {n}: {total:.0f} ms total, {sim:.1f} ms in Alipay calls, {total - sim:.1f} ms ours ({len(data)/1e6:.1f} MB request)")
ours = sorted(t - s for t, s in results)
median = (ours[(len(ours) - 1) // 2] + ours[len(ours) // 2]) / 2
print(f"   ours: median {median:.1f} ms, min {ours[0]:.1f} ms, max {ours[-1]:.1f} ms ({len(ours)} applies)")
PY
echo "   RSS after applies: $(rss), peak: $(hwm)"
