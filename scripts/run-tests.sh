#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set.
# Under CI=true the PostgreSQL run is mandatory.
set -uo pipefail
cd "$(dirname "$0")/.."

# run_suite LABEL DATABASE_URL [PYTEST_OPTION...]: an empty DATABASE_URL means SQLite.
run_suite() {
  local label=$1 database_url=$2; shift 2
  echo "== tests on $label =="
  TEST_DATABASE_URL=$database_url .venv/bin/python -m pytest -n auto -p no:cacheprovider \
    "$@" "${PYTEST_ARGS[@]}"
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

# With a PostgreSQL server the PostgreSQL-only tests run in its run, so the SQLite run leaves
# them out; without one they are reported as skipped, with the reason.
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  run_suite SQLite "" -m "not postgresql" || exit $?
  run_suite PostgreSQL "$TEST_DATABASE_URL" || exit $?
else
  run_suite SQLite ""
fi
