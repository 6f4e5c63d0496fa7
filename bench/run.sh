#!/usr/bin/env bash
# The flexpool benchmark: a Release build, a demo scaled to $SHIFTS shifts, and wrk (from Debian)
# against GET /healthz (the server's own floor), shift search (limit=20 with role, dates and
# distance filters, as a signed-in GP) and booking (distinct clinicians booking distinct shifts;
# only 201s count). Prints a Markdown table for docs/PERFORMANCE.md; raw wrk output goes to
# bench/results/. Not a test: nothing here asserts a time.
#
#   bash bench/run.sh            # 100,000 shifts, 10 s a run, 32 connections, 2 wrk threads
#   SHIFTS=200000 DURATION=20 CONNECTIONS=64 bash bench/run.sh
#   WARMUP=0 bash bench/run.sh   # no unmeasured warm-up before each workload (3 s by default)
#   SETTLE=0 bash bench/run.sh   # measure straight after the bulk load (no ANALYZE and checkpoint first)
#   WORKLOADS="healthz booking" bash bench/run.sh   # only some of: healthz search search-no-distance fhir-slots booking
#   ENGINE=postgres bash bench/run.sh   # the same on PostgreSQL 15, in a throw-away cluster (pg_virtualenv)
#                                       # on the same machine, sharing its cores with the server
#   PG_SOCKET=1 ENGINE=postgres bash bench/run.sh   # the server reaches PostgreSQL by its Unix socket
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINE=${ENGINE:-sqlite}
if [ "$ENGINE" = postgres ] && [ -z "${PGHOST:-}" ]; then exec pg_virtualenv -t bash "$0" "$@"; fi
SHIFTS=${SHIFTS:-100000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}                  # unmeasured seconds before each workload (0: none)
WARMUP_TARGETS=${WARMUP_TARGETS:-3000} # booking targets the warm-up may use
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-0}  # 0: a thread per connection (flexpool's default)
WORKLOADS=${WORKLOADS:-healthz search search-no-distance fhir-slots booking}
BUILD=${BUILD:-build-bench}
OUT=bench/results
mkdir -p "$OUT"

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target flexpool >/dev/null

data=$(mktemp -d /tmp/flexpool-bench-XXXXXX)
db_args=()
if [ "$ENGINE" = postgres ]; then
  dbname="flexpool_bench_$$"
  createdb "$dbname"
  db_args=(--database "postgresql:///$dbname")
  # PG_SOCKET=1: the server reaches PostgreSQL through its Unix socket (libpq's default for a
  # database on the same machine) rather than the loopback TCP that pg_virtualenv's PGHOST sets.
  if [ "${PG_SOCKET:-0}" = 1 ]; then
    hba=$(pg_conftool -s 15 regress show hba_file)
    sed -i '1i local all all trust' "$hba"
    pg_ctlcluster 15 regress reload
    socket_dir=$(pg_conftool -s 15 regress show unix_socket_directories | cut -d, -f1)
    db_args=(--database "postgresql:///$dbname?host=$socket_dir")
  fi
fi
# sql "QUERY": rows with fields separated by one space, from whichever engine the store is on.
sql() {
  if [ "$ENGINE" = postgres ]; then psql -qAt -F ' ' -d "$dbname" -c "$1"; else sqlite3 -separator ' ' "$data/flexpool.db" "$1"; fi
}
trap 'kill $server_pid 2>/dev/null || true; cp "$data/stderr" "$OUT/server-stderr.txt" 2>/dev/null; rm -rf "$data"' EXIT
start_load=$(date +%s.%N)
"$BUILD/flexpool" demo --data-dir "$data" "${db_args[@]}" --shifts "$SHIFTS" >/dev/null
load_s=$(echo "$(date +%s.%N) - $start_load" | bc)
# A store in service is not one bulk-loaded a moment ago: its statistics are current and the load's
# writes are checkpointed (PostgreSQL's autovacuum would otherwise analyse the new tables, and a
# checkpoint flush the load, during the measured runs). SETTLE=0 measures straight after the load.
if [ "${SETTLE:-1}" = 1 ]; then
  if [ "$ENGINE" = postgres ]; then psql -qAt -d "$dbname" -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
  else sqlite3 "$data/flexpool.db" "PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null; fi
fi

"$BUILD/flexpool" serve --data-dir "$data" "${db_args[@]}" --listen 127.0.0.1:0 --threads "$SERVER_THREADS" >"$data/stdout" 2>"$data/stderr" &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$data/stdout" 2>/dev/null && break; sleep 0.1; done
base=$(grep -o 'http://[0-9.:]*' "$data/stdout")

login() {
  curl -sf -H 'Content-Type: application/json' -d "{\"email\":\"$1\",\"password\":\"flexpool-demo\"}" \
    "$base/api/v1/sessions" | sed -E 's/.*"token":"([^"]+)".*/\1/'
}

# Booking targets: open instant GP shifts of the demo pool in the future, each given to one of the
# scaled demo's bench GPs (benchgpNNNN@, in the pool, with no bookings) whose earlier targets all
# end at least 11 hours before it starts and that last at most 6.5 hours (a greedy round robin), so
# that no booking can overlap another or pass the pool's working-time guards (11 hours' rest, 13
# hours' work in 24: core/working_time.h): every refusal would be a real conflict.
now=$(date -u +%s)
# The demo pool is the first; past 300 practices the demo spreads the rest, and the bench GPs, over
# other ICBs' pools (src/app/demo.c).
sql "
  SELECT u.email FROM users u JOIN clinicians c ON c.user_id = u.id JOIN pool_members m ON m.clinician_id = c.id
  WHERE u.email LIKE 'benchgp%@demo.flexpool.test' AND m.pool_id = (SELECT MIN(id) FROM pools)
  ORDER BY u.email" >"$data/gps"
sql "
  SELECT s.id, s.starts_at, s.ends_at FROM shifts s
  WHERE s.status = 'open' AND s.role = 'gp' AND s.booking_mode = 'instant' AND s.starts_at > $now + 3600
    AND s.practice_id IN (SELECT organisation_id FROM pool_members
                          WHERE organisation_id IS NOT NULL AND pool_id = (SELECT MIN(id) FROM pools))
  ORDER BY s.starts_at, s.id" |
  awk 'NR == FNR { gp[n++] = $1; next }
       $3 - $2 <= 23400 { for (k = 0; k < n; k++) { g = (rr + k) % n; if (free[g] + 39600 <= $2) { print $1 "|" gp[g]; free[g] = $3; rr = g + 1; break } } }' \
    "$data/gps" - >"$data/targets"
declare -A tok
for e in $(cut -d'|' -f2 "$data/targets" | sort -u); do tok[$e]=$(login "$e"); done
while IFS='|' read -r id e; do echo "$id ${tok[$e]}"; done <"$data/targets" >"$data/all-targets"
# The first WARMUP_TARGETS book during the warm-up (below), the rest are measured.
head -n "$WARMUP_TARGETS" "$data/all-targets" >"$data/warmup-targets"
tail -n +"$((WARMUP_TARGETS + 1))" "$data/all-targets" >"$OUT/booking-targets.txt"
targets=$(wc -l <"$OUT/booking-targets.txt")

gp=$(login clinician001@demo.flexpool.test)
from=$(date -u -d '+1 day' +%Y-%m-%d)
to=$(date -u -d '+15 days' +%Y-%m-%d)
search_path="/api/v1/shifts?limit=20&status=open&role=gp&from=$from&to=$to&near_postcode=LS6%203BE&radius_km=25"
plain_search_path="/api/v1/shifts?limit=20&status=open&role=gp&from=$from&to=$to"
curl -sf -H "Authorization: Bearer $gp" "$base$search_path" | grep -q '"items":\[{' || {
  echo "bench: the search returns nothing; check the demo data" >&2; exit 1; }
# The FHIR API as another NHS system reads it (docs/FHIR.md): the demo's client, a page of free
# slots over two weeks. Each answer is also written to the access log (the single writer).
fhir_token=$(curl -sf -u demo-fhir:flexpool-demo -d grant_type=client_credentials "$base/oauth/token" |
  sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
fhir_path="/fhir/r4/Slot?status=free&start=ge$from&start=lt$to&_count=50"

# Each workload first runs WARMUP seconds unmeasured (the server's threads, their database
# connections and prepared statements, the engine's caches: a server in service is warm), then
# DURATION seconds measured. The booking's warm-up books its own targets.
run_wrk() { # name, script, path
  if [ "$WARMUP" -gt 0 ]; then
    FP_TARGETS="$data/warmup-targets" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$2" "$base$3" >/dev/null 2>&1
  fi
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$2" "$base$3" >"$OUT/$1.txt" 2>&1
}
export FP_TOKEN=$gp FP_TARGETS="$OUT/booking-targets.txt" WRK_THREADS
wanted() { [[ " $WORKLOADS " == *" $1 "* ]]; }
rm -f "$OUT"/{healthz,search,search-no-distance,fhir-slots,booking}.txt
wanted healthz && run_wrk healthz bench/get.lua /healthz
wanted search && run_wrk search bench/get.lua "$search_path"
wanted search-no-distance && run_wrk search-no-distance bench/get.lua "$plain_search_path"
wanted fhir-slots && FP_TOKEN=$fhir_token run_wrk fhir-slots bench/get.lua "$fhir_path"
wanted booking && run_wrk booking bench/booking.lua /

rps() { [ -f "$OUT/$1.txt" ] && awk '/^Requests\/sec/ {print $2}' "$OUT/$1.txt" || echo -; }
pct() { [ -f "$OUT/$1.txt" ] && awk -v p="$2" '$1 == p {print $2}' "$OUT/$1.txt" || echo -; }
ratio_of() { [ -f "$OUT/$1.txt" ] && [ -f "$OUT/healthz.txt" ] && echo "scale=2; $(rps "$1") / $(rps healthz)" | bc || echo -; }
booking_field() { [ -f "$OUT/booking.txt" ] && awk -v f="$1" '$1 == f {print $2}' "$OUT/booking.txt" || echo -; }
ratio=$(ratio_of search)
ratio2=$(ratio_of search-no-distance)
created=$(booking_field created)
created_rps=$(booking_field created_per_sec)
booking_secs=$(booking_field seconds)

cat <<REPORT
Benchmark: $(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB
Store: $ENGINE; demo: $SHIFTS shifts loaded in ${load_s%.*} s; server --threads $SERVER_THREADS; wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s on the same machine, after ${WARMUP} s unmeasured

| request | requests/s | p50 | p99 | ratio to /healthz |
|---|---|---|---|---|
| GET /healthz | $(rps healthz) | $(pct healthz 50%) | $(pct healthz 99%) | 1.00 |
| shift search, limit=20, role + dates + distance | $(rps search) | $(pct search 50%) | $(pct search 99%) | $ratio |
| shift search, limit=20, role + dates | $(rps search-no-distance) | $(pct search-no-distance 50%) | $(pct search-no-distance 99%) | $ratio2 |
| FHIR Slot search, status=free + start range, _count=50 (each answer logged) | $(rps fhir-slots) | $(pct fhir-slots 50%) | $(pct fhir-slots 99%) | $(ratio_of fhir-slots) |
| booking (201s only: $created created of $targets targets in $booking_secs s) | $created_rps | $(pct booking 50%) | $(pct booking 99%) | |
REPORT
