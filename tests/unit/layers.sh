#!/usr/bin/env bash
# The layers' boundaries, proved from the sources (#include lines and calls):
#   - SQLite is known only to the store: no file outside src/store/ includes sqlite3.h or calls
#     sqlite3_*, and no file outside src/store/ prepares, binds, runs or reads a statement
#     (fp_db_stmt, fp_db_bind_*, fp_db_exec*, fp_db_col_*, fp_step, fp_bind_*, fp_col_*): no SQL
#     runs outside the store.
# Usage: layers.sh SOURCE_DIR
set -euo pipefail
src="$1/src"
fail=0
check() { # check DESCRIPTION OUTPUT
  if [ -n "$2" ]; then
    echo "layers: $1:"
    echo "$2"
    fail=$((fail + 1))
  else
    passed=$((passed + 1))
  fi
}
passed=0
check "SQLite outside src/store" \
  "$(grep -rnE 'sqlite3[_.]|<sqlite3\.h>' "$src" --include='*.c' --include='*.h' | grep -v "^$src/store/" || true)"
check "statements outside src/store" \
  "$(grep -rnE '\bfp_(db_stmt|db_bind_[a-z0-9]+|db_exec[a-z_]*|db_col_[a-z]+|step|bind_[a-z0-9]+|col_[a-z0-9]+)[[:space:]]*\(' "$src" \
       --include='*.c' --include='*.h' | grep -v "^$src/store/" || true)"
echo "layers: $passed passed, $fail failed"
[ "$fail" -eq 0 ]
