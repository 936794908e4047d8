#!/usr/bin/env bash
# A bounded load test of `impasse serve` on loopback with wrk (Debian's `wrk`): starts a server on a
# free port with a fresh data folder, runs each scenario for a fixed time, prints wrk's figures and
# the server's peak memory, and stops the server. Only 127.0.0.1 is ever targeted.
#
#   bench/load-test.sh [SECONDS per run, default 10] [CONNECTIONS, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
cargo build --release --quiet --locked -p impasse-cli
data=$(mktemp -d)
log=$(mktemp)
target/release/impasse serve --port 0 --data "$data" 2> "$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data" "$log"' EXIT
for _ in $(seq 1 100); do
  url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/' "$log" | head -n 1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "${url:-}" ] || { echo "the server did not start:" >&2; cat "$log" >&2; exit 1; }
echo "server $url (pid $pid), $conns connections, ${secs}s per run, $(nproc) cores"
run() {
  echo
  echo "-- $1"
  shift
  wrk --latency -t 2 -c "$conns" -d "${secs}s" "$@"
}
run "list the scenario library" "${url}api/scenarios"
run "the page" "${url}"
run "analyse the seed scenario (10,368 packages, CPU-bound)" \
  "${url}api/scenarios/negotiation-impasse-2023/analysis"
cat > "$data/check.lua" << 'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"text": "format_version = 1\n[scenario]\nname = \"x\"\n", "format": "toml"}]]
LUA
run "check a scenario's text (POST; it answers 200 with the format's errors)" \
  -s "$data/check.lua" "${url}api/check"
echo
echo "server peak RSS: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
