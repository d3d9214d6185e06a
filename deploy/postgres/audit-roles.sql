-- The audit store's roles, least privilege. Run once by the database's administrator (a superuser, or a role with
-- CREATEROLE that owns the database), connected to the database `lemstriage`; set their passwords apart (ALTER ROLE
-- ... PASSWORD, stored as SCRAM-SHA-256 by PostgreSQL 14 and later). docs/security.md, "Where data rests".
-- lemstriage_migrate owns the schema: Flyway runs the migrations as it when the read-side service starts
-- (quarkus.flyway.username). lemstriage_app is what the read-side service runs as (quarkus.datasource.username): the
-- migrations grant it to read and add rows, never to change or delete an audit trail.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lemstriage_migrate') THEN
        CREATE ROLE lemstriage_migrate LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lemstriage_app') THEN
        CREATE ROLE lemstriage_app LOGIN;
    END IF;
END
$$;
GRANT CONNECT, CREATE ON DATABASE lemstriage TO lemstriage_migrate;
GRANT CONNECT ON DATABASE lemstriage TO lemstriage_app;
GRANT USAGE, CREATE ON SCHEMA public TO lemstriage_migrate;
GRANT USAGE ON SCHEMA public TO lemstriage_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
