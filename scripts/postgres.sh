#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL cluster for the tests.
#   postgres.sh start ENVFILE   writes HAILONG_TEST_POSTGRES_URL=... and the cluster's paths to ENVFILE
#   postgres.sh stop ENVFILE    stops the cluster named in ENVFILE and removes its files
set -euo pipefail
action="$1"; envfile="$2"
bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$action" in
start)
    base="$(mktemp -d /tmp/hailong-pg.XXXXXX)"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$base"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_pg "$bin/initdb" -D "$base/data" --locale=C.UTF-8 -E UTF8 --auth=trust -U postgres >"$base/initdb.log"
    as_pg "$bin/pg_ctl" -D "$base/data" -l "$base/server.log" -w \
        -o "-k $base -p $port -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres hailong_test
    {
        echo "PG_BASE=$base"
        echo "HAILONG_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$port/hailong_test"
    } >"$envfile"
    echo "PostgreSQL test cluster on 127.0.0.1:$port"
    ;;
stop)
    [ -s "$envfile" ] || exit 0
    . "$envfile"
    [ -n "${PG_BASE:-}" ] && [ -d "$PG_BASE/data" ] || exit 0
    as_pg "$bin/pg_ctl" -D "$PG_BASE/data" -m fast -w stop >/dev/null || true
    rm -rf "$PG_BASE"
    ;;
*)
    echo "usage: postgres.sh start|stop ENVFILE" >&2; exit 2 ;;
esac
