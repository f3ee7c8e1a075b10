#!/usr/bin/env bash
# The README's test command: install hailong with its test extras into .venv, start a throwaway
# PostgreSQL cluster, and run the whole test suite against it. Extra arguments go to pytest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

bash "$here/system-packages.sh"
. "$here/venv.sh" test

pg_env="$(mktemp)"
cleanup() {
    bash "$here/postgres.sh" stop "$pg_env" || true
    rm -f "$pg_env"
}
trap cleanup EXIT INT TERM
bash "$here/postgres.sh" start "$pg_env"
. "$pg_env"
export HAILONG_TEST_POSTGRES_URL

cd "$HAILONG_ROOT"
set +e
python -m pytest "$@"
status=$?
set -e
exit "$status"
