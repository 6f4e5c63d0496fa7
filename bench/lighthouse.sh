#!/usr/bin/env bash
# Lighthouse (npm lighthouse 12, Node 20) with Debian's chromium against the demo: mobile emulation
# (Lighthouse's default: a Moto G Power's screen, simulated slow 4G and a 4x slower CPU), RUNS runs
# each (3) of the sign-in page and a signed-in GP's Find shifts page, and the median of each figure.
# Not a test and not part of `make test`: its npm packages live in bench/lighthouse/ with their own
# lockfile and are installed (npm ci) only here. Prints a Markdown table for docs/PERFORMANCE.md;
# each run's JSON report goes to bench/results/lighthouse/.
#
#   bash bench/lighthouse.sh               # the RelWithDebInfo build in build/ (make build)
#   RUNS=5 BUILD=build-bench bash bench/lighthouse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
BUILD=${BUILD:-build}
CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
OUT=bench/results/lighthouse
[ -x "$CHROME_PATH" ] || { echo "lighthouse: no chromium at $CHROME_PATH (Debian: apt-get install chromium)" >&2; exit 1; }
if [ ! -x "$BUILD/flexpool" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD" -j 2 --target flexpool >/dev/null
fi
if [ ! -f bench/lighthouse/node_modules/.flexpool-lock ] || ! cmp -s bench/lighthouse/package-lock.json bench/lighthouse/node_modules/.flexpool-lock; then
  (cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.flexpool-lock)
fi
mkdir -p "$OUT"

data=$(mktemp -d /tmp/flexpool-lighthouse-XXXXXX)
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$data"' EXIT
"$BUILD/flexpool" serve --demo --data-dir "$data/db" --listen 127.0.0.1:0 --web-root web >"$data/stdout" 2>"$data/stderr" &
server_pid=$!
for _ in $(seq 600); do grep -q listening "$data/stdout" 2>/dev/null && break; sleep 0.1; done
base=$(grep -o 'http://[0-9.:]*' "$data/stdout" | head -1)
[ -n "$base" ] || { echo "lighthouse: the server did not start" >&2; cat "$data/stderr" >&2; exit 1; }

# A GP of the demo pool, signed in through the API; the session cookie goes with every request.
token=$(curl -sf -H 'Content-Type: application/json' -d '{"email":"clinician001@demo.flexpool.test","password":"flexpool-demo"}' \
  "$base/api/v1/sessions" | sed -E 's/.*"token":"([^"]+)".*/\1/')
[ -n "$token" ] || { echo "lighthouse: the demo GP could not sign in" >&2; exit 1; }

echo "lighthouse: $RUNS runs each against $base on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before" >&2
CHROME_PATH="$CHROME_PATH" node bench/lighthouse/run.mjs "$RUNS" "$OUT" \
  "sign-in page|$base/sign-in|" \
  "GP: Find shifts|$base/shifts|fp_session=$token"
echo "lighthouse: load average $(cut -d' ' -f1-3 /proc/loadavg) after" >&2
