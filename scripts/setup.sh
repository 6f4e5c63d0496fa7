#!/usr/bin/env bash
# Installs what flexpool needs to build, run and test, and nothing that is already there.
# C libraries and tools come from Debian 12; front-end and browser-test packages from npm
# (package-lock.json is committed, so `npm ci` installs exactly what was tested).
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(build-essential cmake pkg-config libmicrohttpd-dev libsqlite3-dev libjansson-dev libsodium-dev
      libcurl4-openssl-dev libcmocka-dev libcsv-dev libpwquality-dev cracklib-runtime liboath-dev zlib1g-dev
      tzdata chromium wrk curl sqlite3 bc openssl libpq-dev postgresql-15 postgresql-common python3-icalendar
      python3-aiosmtpd libpango1.0-dev libcairo2-dev fonts-dejavu-core poppler-utils libxlsxwriter-dev python3-openpyxl
      libzip-dev libcjose-dev)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing from Debian: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -f package-lock.json ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm is missing: install Node.js 20 (Debian: 'apt-get install nodejs npm', or NodeSource's node_20.x)" >&2
    exit 1
  fi
  stamp=node_modules/.flexpool-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "setup: installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi
