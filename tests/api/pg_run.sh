#!/usr/bin/env bash
# Runs a command (a test) against PostgreSQL. If the environment already names a server (PGHOST is
# set, e.g. inside `pg_virtualenv` or CI's own database), the command runs there; otherwise
# postgresql-common's `pg_virtualenv -t` starts a throw-away PostgreSQL cluster on loopback for it
# (PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE set), and drops it when the command ends. That
# works as root without touching the system's clusters.
#
# Usage: tests/api/pg_run.sh COMMAND [ARG...]
set -euo pipefail
if [ -n "${PGHOST:-}" ]; then
  exec "$@"
fi
if ! command -v pg_virtualenv >/dev/null 2>&1; then
  echo "pg_run: pg_virtualenv is missing: run scripts/setup.sh (postgresql-15, postgresql-common)" >&2
  exit 1
fi
# pg_virtualenv takes the first free port from 5432 up, and two started at once (ctest -j) can both
# take the same one before either listens: give each its own, at random from a range away from the
# ephemeral ports the API tests' servers get, and not in use.
for _ in $(seq 1 50); do
  port=$((20000 + RANDOM % 10000))
  [ -e "/var/run/postgresql/.s.PGSQL.$port" ] && continue
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
  export PGPORT=$port
  break
done
# pg_virtualenv runs the command from another directory: name it by its full path.
case "$1" in */*) set -- "$(realpath "$1")" "${@:2}" ;; esac
exec pg_virtualenv -t "$@"
