#!/usr/bin/env bash
# Run once by the postgres image when it makes its database (docker-entrypoint-initdb.d), after audit-roles.sql: the
# audit store's roles get the passwords of the Compose secrets deploy/compose/init-secrets makes, stored as SCRAM-SHA-256.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v migrate="$(cat "$LEMSTRIAGE_MIGRATE_PASSWORD_FILE")" -v app="$(cat "$LEMSTRIAGE_APP_PASSWORD_FILE")" <<'SQL'
SET password_encryption = 'scram-sha-256';
ALTER ROLE lemstriage_migrate PASSWORD :'migrate';
ALTER ROLE lemstriage_app PASSWORD :'app';
SQL
