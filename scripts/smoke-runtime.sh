#!/usr/bin/env bash
# CI's first step: Bimtek runs from requirements.txt alone, installed as a server is.
# A copy of the working tree (what a fresh clone holds: no venv, no instance, no compiled
# catalogue) gets `make install`, then the production commands of the README's
# "Running at scale" on a throwaway SQLite database: db upgrade, seed-demo, gunicorn on a
# free loopback port; then /healthz, a demo login, the reference course's agenda PDF and
# its certificate preview are fetched and read back.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/bimtek-smoke.XXXXXX")
server=
cleanup() {
  [ -n "$server" ] && kill -INT "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/app"
git ls-files -z --cached --others --exclude-standard \
  | tar --null --ignore-failed-read -T - -c 2>/dev/null | tar -x -C "$work/app"
cd "$work/app"
echo "== runtime-only install (requirements.txt) =="
make --no-print-directory install >/dev/null

export DATABASE_URL="sqlite:///$work/bimtek.db" BIMTEK_FILES_DIR="$work/files"
export SECRET_KEY="smoke-$RANDOM$RANDOM"
.venv/bin/python scripts/smoke_check.py pins
.venv/bin/python scripts/smoke_check.py imports
.venv/bin/flask --app app db upgrade 2>&1 | tail -n 1
.venv/bin/flask --app app seed-demo | sed -n 1p

port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BIMTEK_ENV=production PUBLIC_BASE_URL="http://127.0.0.1:$port" \
  .venv/bin/gunicorn --bind "127.0.0.1:$port" --workers 2 --threads 8 \
  --error-logfile "$work/gunicorn.log" app:app &
server=$!
if ! .venv/bin/python scripts/smoke_check.py serve "http://127.0.0.1:$port"; then
  cat "$work/gunicorn.log" >&2
  exit 1
fi
echo "Runtime smoke run passed in $((SECONDS - started)) s."
