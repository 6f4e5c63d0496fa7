#!/usr/bin/env bash
# The domain core must stay pure: no clock, environment, files, network or outside libraries.
# Proves it from the built archive: every undefined symbol of libfp_core.a must be an allowed
# piece of libc or libm.
set -euo pipefail
lib="$1"
defined=$(nm --defined-only --format=posix "$lib" | awk 'NF>=2 && $1 !~ /:$/ {print $1}' | sort -u)
bad=$(nm -u --format=posix "$lib" | awk 'NF>=2 && $1 !~ /:$/ {print $1}' | sort -u | comm -23 - <(echo "$defined") |
  grep -Ev '^(memcpy|memset|memmove|memcmp|strlen|strcmp|vsnprintf|strncmp|strchr|strrchr|strstr|strcspn|strspn|snprintf|sqrt|sin|cos|asin|acos|atan2|fabs|floor|ceil|round|llround|lround|pow|isalpha|isdigit|isspace|isupper|islower|toupper|tolower|__ctype_b_loc|__ctype_toupper_loc|__ctype_tolower_loc|__stack_chk_fail|__asan_.*|__ubsan_.*|__sanitizer_.*|__.*_chk|abs|labs|llabs|qsort|bsearch)$' || true)
if [ -n "$bad" ]; then
  echo "src/core uses symbols outside its allowed libc/libm subset:"
  echo "$bad"
  exit 1
fi
echo "core purity: 1 passed, 0 failed"
