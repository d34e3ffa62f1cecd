#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set.
# Under CI=true the PostgreSQL run is mandatory.
set -uo pipefail
cd "$(dirname "$0")/.."

run_suite() {
  local label=$1; shift
  echo "== tests on $label =="
  "$@" .venv/bin/python -m pytest -n auto -p no:cacheprovider "${PYTEST_ARGS[@]}"
  local status=$?
  if [ $status -eq 5 ]; then
    echo "No tests were collected on $label: that is a failure, not a pass." >&2
  fi
  return $status
}

read -r -a PYTEST_ARGS <<< "${PYTEST_ARGS:-}"

if [ "${CI:-}" = "true" ] && [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo "CI=true but TEST_DATABASE_URL is not set: the PostgreSQL run is mandatory in CI." >&2
  exit 1
fi

run_suite SQLite env -u TEST_DATABASE_URL || exit $?
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  run_suite PostgreSQL env TEST_DATABASE_URL="$TEST_DATABASE_URL" || exit $?
fi
