#!/usr/bin/env bash
# The boundaries between the layers (README.md "Layout"), proved from the sources' #include lines
# and calls and, when the archives are given, from the built libraries' symbols:
#   - the store knows no HTTP and no application: no file in src/store/ includes http/, app/,
#     microhttpd.h or jansson.h, and libfp_store.a needs no MHD_ or json_ symbol and nothing that
#     libfp_http.a or libfp_app.a defines;
#   - the HTTP layer knows no engine and not the application: no file in src/http/ includes
#     sqlite3.h, libpq-fe.h, store/sql.h, store/engine.h, an engine's folder (store/sqlite/,
#     store/pg/) or app/, and libfp_http.a needs no sqlite3_ or PQ symbol and nothing that
#     libfp_app.a defines;
#   - no SQL outside the store: no file outside the SQLite engine (src/store/sqlite/) uses SQLite,
#     none outside the PostgreSQL engine (src/store/pg/) uses libpq, and none outside src/store/
#     prepares, binds, runs or reads a statement (fp_db_stmt, fp_db_bind_*, fp_db_exec*, fp_db_col_*, fp_step, fp_bind_*,
#     fp_col_*).
# Usage: layers.sh SOURCE_DIR [libfp_store.a libfp_http.a libfp_app.a]
set -euo pipefail
src="$1/src"
passed=0
failed=0
check() { # check DESCRIPTION OUTPUT: OUTPUT empty passes
  if [ -n "$2" ]; then
    echo "layers: $1:"
    echo "$2"
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
}
includes() { # includes DIR REGEX: the #include lines in DIR's .c and .h files that match
  grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($2)" "$src/$1" --include='*.c' --include='*.h' || true
}

check "src/store includes HTTP or the app" "$(includes store 'http/|app/|microhttpd\.h|jansson\.h')"
check "src/http includes an engine, the store's statement API or the app" \
  "$(includes http 'sqlite3\.h|libpq-fe\.h|store/sql\.h|store/engine\.h|store/sqlite/|store/pg/|app/')"
check "src/docs includes the store, HTTP or the app" "$(includes docs 'store/|http/|app/|microhttpd\.h|jansson\.h')"
check "SQLite outside src/store/sqlite" \
  "$(grep -rnE 'sqlite3[_.]|<sqlite3\.h>' "$src" --include='*.c' --include='*.h' | grep -v "^$src/store/sqlite/" || true)"
check "libpq outside src/store/pg" \
  "$(grep -rnE '\bPQ[a-z]+[[:space:]]*\(|<libpq-fe\.h>' "$src" --include='*.c' --include='*.h' | grep -v "^$src/store/pg/" || true)"
check "statements outside src/store" \
  "$(grep -rnE '\bfp_(db_stmt|db_bind_[a-z0-9]+|db_exec[a-z_]*|db_col_[a-z]+|step|bind_[a-z0-9]+|col_[a-z0-9]+)[[:space:]]*\(' "$src" \
       --include='*.c' --include='*.h' | grep -v "^$src/store/" || true)"

if [ $# -ge 4 ]; then
  store="$2" http="$3" app="$4"
  symbols() { # symbols -u|--defined-only ARCHIVE: the symbol names, sorted
    nm "$1" --format=posix "$2" | awk 'NF>=2 && $1 !~ /:$/ {print $1}' | sort -u
  }
  needs() { # needs ARCHIVE: what it uses and does not define itself
    comm -23 <(symbols -u "$1") <(symbols --defined-only "$1")
  }
  store_needs=$(needs "$store")
  http_needs=$(needs "$http")
  check "libfp_store.a uses libmicrohttpd or jansson" "$(grep -E '^(MHD_|json_)' <<<"$store_needs" || true)"
  check "libfp_store.a uses the HTTP layer or the app" \
    "$(comm -12 <(echo "$store_needs") <({ symbols --defined-only "$http"; symbols --defined-only "$app"; } | sort -u))"
  check "libfp_http.a uses an engine (SQLite or libpq)" "$(grep -E '^(sqlite3_|PQ|pg_)' <<<"$http_needs" || true)"
  check "libfp_http.a uses the app" "$(comm -12 <(echo "$http_needs") <(symbols --defined-only "$app"))"
fi
echo "layers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
