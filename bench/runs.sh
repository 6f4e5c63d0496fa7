#!/usr/bin/env bash
# bench/run.sh RUNS times over, each run on a store of its own (a fresh demo, server and, on
# PostgreSQL, cluster), and one line per workload with every run's p99 and the median of the runs.
# One run's p99 moves with whatever else the machine does in its ten seconds (a neighbour, an
# autovacuum, the kernel): docs/PERFORMANCE.md gives the median of several and their range.
# Takes the same variables as bench/run.sh (ENGINE, WORKLOADS, PG_SOCKET, SHIFTS, ...).
#
#   RUNS=5 PG_SOCKET=1 ENGINE=postgres WORKLOADS=booking bash bench/runs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
out=$(mktemp -d /tmp/flexpool-runs-XXXXXX)
trap 'rm -rf "$out"' EXIT
for i in $(seq "$RUNS"); do
  bash bench/run.sh >"$out/$i.txt" 2>"$out/$i.err" || { cat "$out/$i.err" >&2; exit 1; }
  # Each run's table rows, as "request|requests/s|p50|p99", to stderr as it goes.
  grep '^| ' "$out/$i.txt" | grep -v '^| request\|^|---' | awk -F' [|] ' '$2 != "-" {print $1 "|" $2 "|" $3 "|" $4}' |
    sed 's/^| //' >"$out/$i.rows"
  echo "run $i of $RUNS:" >&2
  cat "$out/$i.rows" >&2
done
# The request's name without the counts that differ from run to run (the booking's 201s).
name() { sed -E 's/ \(201s only:[^)]*\)//'; }
grep -m1 '^Benchmark:' "$out/1.txt"
echo "$(grep -m1 '^Store:' "$out/1.txt"); $RUNS runs, each on a store of its own"
echo
echo "| request | requests/s, median (range) | p50, median | p99, median | p99 of each run |"
echo "|---|---|---|---|---|"
cut -d'|' -f1 "$out/1.rows" | name | while IFS= read -r req; do
  for i in $(seq "$RUNS"); do name <"$out/$i.rows" | awk -F'|' -v r="$req" '$1 == r'; done >"$out/req"
  # Column $1 as plain numbers (wrk's latencies in ms, whatever unit it printed), sorted.
  ms() { cut -d'|' -f"$1" "$out/req" | awk '/us$/ {print $1 / 1000; next} /ms$/ {print $1 + 0; next}
                                              /s$/ {print $1 * 1000; next} {print $1}' | sort -g; }
  med() { awk '{v[NR] = $1} END {printf "%.2f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
  rps=$(ms 2 | med | xargs printf '%.0f')
  lo=$(ms 2 | head -n 1 | xargs printf '%.0f')
  hi=$(ms 2 | tail -n 1 | xargs printf '%.0f')
  echo "| $req | $rps ($lo to $hi) | $(ms 3 | med) ms | $(ms 4 | med) ms | $(cut -d'|' -f4 "$out/req" | paste -sd' ') |"
done
