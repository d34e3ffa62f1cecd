#!/usr/bin/env bash
# Makes sure the Debian packages Bimtek needs are present.
#   scripts/system-deps.sh run    python3-venv and WeasyPrint's Pango libraries
#   scripts/system-deps.sh test   the same, plus Debian's chromium for the browser tests
# Either adds postgresql-client (pg_dump, for backups) when the database is PostgreSQL.
# As root, missing packages are installed with apt-get; otherwise the script says
# exactly what to install and fails.
set -euo pipefail

mode=${1:-run}
missing=()

python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
for library in libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
               libharfbuzz-subset.so.0:libharfbuzz-subset0; do
  /sbin/ldconfig -p | grep -q "${library%%:*}" || missing+=("${library##*:}")
done
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
if [ "$mode" = test ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
# Backups of a PostgreSQL database, and their tests, run pg_dump and pg_restore.
if [[ "${DATABASE_URL:-}" == postgresql* || ( "$mode" = test && -n "${TEST_DATABASE_URL:-}" ) ]]
then
  command -v pg_dump >/dev/null || missing+=(postgresql-client)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
