#!/usr/bin/env bash
# The commissioner's overview over years of history (issue 14, docs/PERFORMANCE.md): a Release
# build, a demo of $SHIFTS shifts spread from $HISTORY_WEEKS weeks back to four weeks ahead, and
# GET /api/v1/metrics as the demo's commissioner (icb@) for periods of a month to three years, each
# timed by curl ($RUNS runs, one at a time, the first not counted), first with every month counted
# from the shifts and then once the upkeep has kept the settled months (metric_months). Prints a
# Markdown table. Not a test: nothing here asserts a time.
#
#   bash bench/overview.sh                           # 100,000 shifts over 156 weeks
#   SHIFTS=5000000 bash bench/overview.sh            # 5,000,000 (loads in tens of minutes)
#   ENGINE=postgres bash bench/overview.sh           # the same on PostgreSQL 15, in a throw-away cluster
#   ENGINE=postgres FROM_SQLITE=DIR bash bench/overview.sh   # PostgreSQL with the data of a SQLite
#                                                    # installation (a KEEP_DATA folder), moved by `flexpool copy`
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINE=${ENGINE:-sqlite}
if [ "$ENGINE" = postgres ] && [ -z "${PGHOST:-}" ]; then exec pg_virtualenv -t bash "$0" "$@"; fi
SHIFTS=${SHIFTS:-100000}
HISTORY_WEEKS=${HISTORY_WEEKS:-156}
RUNS=${RUNS:-4}
BUILD=${BUILD:-build-bench}
KEEP_DATA=${KEEP_DATA:-}             # a directory: load the demo there once and reuse it on later runs
FROM_SQLITE=${FROM_SQLITE:-}         # ENGINE=postgres: copy this SQLite installation instead of loading a demo

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target flexpool >/dev/null

db_args=()
if [ "$ENGINE" = postgres ]; then
  dbname="flexpool_overview_$$"
  createdb "$dbname"
  db_args=(--database "postgresql:///$dbname")
fi
if [ -n "$KEEP_DATA" ]; then data=$KEEP_DATA; mkdir -p "$data"; else data=$(mktemp -d /tmp/flexpool-overview-XXXXXX); fi
cleanup() {
  kill "${server_pid:-}" 2>/dev/null || true
  [ -n "$KEEP_DATA" ] || rm -rf "$data"
}
trap cleanup EXIT
sql() {
  if [ "$ENGINE" = postgres ]; then psql -qAt -F ' ' -d "$dbname" -c "$1"; else sqlite3 -cmd ".timeout 600000" -separator ' ' "$data/flexpool.db" "$1"; fi
}

if [ "$ENGINE" = postgres ] && [ -n "$FROM_SQLITE" ]; then
  start=$(date +%s)
  "$BUILD/flexpool" copy --from-data-dir "$FROM_SQLITE" --to-data-dir "$data" --to-database "postgresql:///$dbname" >&2
  echo "$FROM_SQLITE copied in $(( $(date +%s) - start )) s" >&2
  psql -qAt -d "$dbname" -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
elif [ "$ENGINE" = postgres ] || [ ! -s "$data/flexpool.db" ]; then
  start=$(date +%s)
  "$BUILD/flexpool" demo --data-dir "$data" "${db_args[@]}" --shifts "$SHIFTS" --history-weeks "$HISTORY_WEEKS" >/dev/null
  echo "demo of $SHIFTS shifts over $HISTORY_WEEKS weeks loaded in $(( $(date +%s) - start )) s" >&2
  if [ "$ENGINE" = postgres ]; then psql -qAt -d "$dbname" -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
  else sqlite3 "$data/flexpool.db" "PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null; fi
fi
# serve INTERVAL: the server with its upkeep every INTERVAL seconds (the first run at start).
serve() {
  "$BUILD/flexpool" serve --data-dir "$data" "${db_args[@]}" --listen 127.0.0.1:0 --upkeep-interval "$1" \
    >"$data/stdout" 2>"$data/stderr" &
  server_pid=$!
  for _ in $(seq 300); do grep -q listening "$data/stdout" 2>/dev/null && break; sleep 0.1; done
  base=$(grep -o 'http://[0-9.:]*' "$data/stdout")
  token=$(curl -sf -H 'Content-Type: application/json' -d '{"email":"icb@demo.flexpool.test","password":"flexpool-demo"}' \
    "$base/api/v1/sessions" | sed -E 's/.*"token":"([^"]+)".*/\1/')
}

# The periods: UK dates, [from, to).
y=$(date -u +%Y); m=$(date -u +%m)
fy=$(( 10#$m >= 4 ? y : y - 1 ))
periods=(
  "last month|$(date -u -d "$y-$m-01 -1 month" +%Y-%m-01)|$y-$m-01"
  "the last full financial year|$((fy - 1))-04-01|$fy-04-01"
  "this financial year to date|$fy-04-01|$(date -u -d tomorrow +%Y-%m-%d)"
  "ten weeks with ragged ends|$(date -u -d '-120 days' +%Y-%m-%d)|$(date -u -d '-50 days' +%Y-%m-%d)"
  "three years|$((fy - 2))-04-01|$((fy + 1))-04-01"
)

# time_period FROM TO: the median of RUNS - 1 timed requests (ms) and the shifts posted.
time_period() {
  local url="$base/api/v1/metrics?from=$1&to=$2" times=() posted
  posted=$(curl -sf -H "Authorization: Bearer $token" "$url" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["shifts_posted"])')
  for _ in $(seq 2 "$RUNS"); do
    times+=("$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url")")
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] * 1000}')
  printf '%s %s' "$posted" "$median"
}

# wait_kept: until the upkeep's runs at start (two: steps added after it starts run again at once)
# have kept the settled months, the kept rows unchanged for 3 s; its seconds (those 3 included).
wait_kept() {
  local t0 n last=-1 same=0
  t0=$(date +%s.%N)
  for _ in $(seq 14400); do
    n=$(sql "SELECT COUNT(*) FROM metric_months")
    if [ "$n" -gt 0 ] && [ "$n" = "$last" ]; then same=$((same + 1)); else same=0; fi
    [ "$same" -ge 6 ] && break
    last=$n
    sleep 0.5
  done
  echo "$(date +%s.%N) - $t0" | bc
}
serve 86400
wait_kept >/dev/null
# Counted from the shifts: the kept months dropped (the next upkeep run is a day away).
sql "DELETE FROM metric_months" >/dev/null
declare -A counted
for p in "${periods[@]}"; do
  IFS='|' read -r name from to <<<"$p"
  counted[$name]=$(time_period "$from" "$to")
done
[ "$(sql "SELECT COUNT(*) FROM metric_months")" = 0 ] || { echo "the upkeep kept months while they were being counted" >&2; exit 1; }
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
serve 86400
keep_s=$(wait_kept)
kept_rows=$(sql "SELECT COUNT(*) FROM metric_months")
echo "| period | from | to | shifts posted in it | counted from the shifts | with the months kept |"
echo "|---|---|---|---|---|---|"
for p in "${periods[@]}"; do
  IFS='|' read -r name from to <<<"$p"
  read -r posted before <<<"${counted[$name]}"
  read -r _ after <<<"$(time_period "$from" "$to")"
  printf '| %s | %s | %s | %s | %.0f ms | %.0f ms |\n' "$name" "$from" "$to" "$posted" "$before" "$after"
done
echo
printf '%s, %s shifts over %s weeks; the upkeep kept %s practice-months in about %.0f s\n' "$ENGINE" "$SHIFTS" \
  "$HISTORY_WEEKS" "$kept_rows" "$keep_s"
grep "kept the figures of" "$data/stderr" | head -3
