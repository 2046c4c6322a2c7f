#!/usr/bin/env bash
# Runs "$@" with DATABASE_URL/REDIS_URL pointing at a real PostgreSQL 15 and Redis on loopback.
# Installs them from Debian if needed, starts them, and creates a NON-superuser application role
# (superusers bypass row-level security; this role does not, and FORCE RLS binds it even as table owner).
set -euo pipefail
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
need=()
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

REDIS_PORT=${PORTAL_TEST_REDIS_PORT:-6391}
PG_PORT=${PORTAL_TEST_PG_PORT:-5439}
RUN_DIR=$(mktemp -d /tmp/portal-services.XXXXXX)
chmod 755 "$RUN_DIR"
cleanup() {
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  if [ -d "$RUN_DIR/pg" ]; then
    $sudo -u postgres /usr/lib/postgresql/15/bin/pg_ctl -D "$RUN_DIR/pg" -m immediate stop >/dev/null 2>&1 \
      || su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $RUN_DIR/pg -m immediate stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --dir "$RUN_DIR" --logfile "$RUN_DIR/redis.log"

as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else sudo -u postgres bash -c "$*"; fi; }
mkdir -p "$RUN_DIR/pg" && chown postgres "$RUN_DIR/pg" 2>/dev/null || $sudo chown postgres "$RUN_DIR/pg"
as_postgres "/usr/lib/postgresql/15/bin/initdb -D $RUN_DIR/pg -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null"
as_postgres "/usr/lib/postgresql/15/bin/pg_ctl -D $RUN_DIR/pg -o '-p $PG_PORT -k $RUN_DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' -l $RUN_DIR/pg/log -w start >/dev/null"
as_postgres "psql -h 127.0.0.1 -p $PG_PORT -U postgres -q -c \"CREATE ROLE portal_app LOGIN PASSWORD 'portal_app' NOSUPERUSER NOBYPASSRLS CREATEDB CREATEROLE\" -c \"CREATE DATABASE portal OWNER portal_app\""

export DATABASE_URL="postgres://portal_app:portal_app@127.0.0.1:$PG_PORT/portal"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
echo "PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT"
"$@"
