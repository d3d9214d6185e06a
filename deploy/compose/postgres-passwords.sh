#!/usr/bin/env bash
# Run once by the postgres image when it makes its database (docker-entrypoint-initdb.d), after audit-roles.sql: the
# audit store's roles get the passwords of .env (deploy/compose/init-secrets), stored as SCRAM-SHA-256.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v migrate="$LEMSTRIAGE_MIGRATE_PASSWORD" -v app="$LEMSTRIAGE_APP_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';
ALTER ROLE lemstriage_migrate PASSWORD :'migrate';
ALTER ROLE lemstriage_app PASSWORD :'app';
SQL
