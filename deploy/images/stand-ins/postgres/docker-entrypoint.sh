#!/bin/bash
# What the official postgres image's entrypoint does for docker-compose.yml: on an empty data folder, initdb with
# POSTGRES_USER's password and POSTGRES_INITDB_ARGS, create POSTGRES_DB, run /docker-entrypoint-initdb.d's *.sql and
# *.sh against it over the local socket, require a password from every network client (scram-sha-256); then the server
# in the foreground, listening on every address of its container.
set -euo pipefail
export POSTGRES_USER="${POSTGRES_USER:-postgres}" POSTGRES_DB="${POSTGRES_DB:-${POSTGRES_USER:-postgres}}"
if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  # the password from a file (a Compose secret), as the official image reads POSTGRES_PASSWORD_FILE
  [[ -z "${POSTGRES_PASSWORD_FILE:-}" ]] || POSTGRES_PASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")"
  [[ -n "${POSTGRES_PASSWORD:-}" ]] || { echo "POSTGRES_PASSWORD is not set" >&2; exit 1; }
  password_file="$(mktemp)"
  printf '%s' "$POSTGRES_PASSWORD" > "$password_file"
  # shellcheck disable=SC2086 # the arguments are a list
  initdb --username="$POSTGRES_USER" --pwfile="$password_file" ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA" >/dev/null
  rm -f "$password_file"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  [[ "$POSTGRES_DB" == postgres ]] || psql -v ON_ERROR_STOP=1 -q --username "$POSTGRES_USER" --dbname postgres \
    -c "CREATE DATABASE \"$POSTGRES_DB\""
  for script in /docker-entrypoint-initdb.d/*; do
    case "$script" in
      *.sql) psql -v ON_ERROR_STOP=1 -q --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f "$script" ;;
      *.sh) bash "$script" ;;
      *) [[ ! -e "$script" ]] || echo "ignoring $script" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*'
