#!/bin/sh
# Runs once, as the superuser, when the bundled PostgreSQL first initialises its data directory (the image runs
# /docker-entrypoint-initdb.d/*.sh then). The superuser is for this bootstrap only; AeGrid's pods log in as:
#   aegrid         owns the database and so AeGrid's schema (its migrations create the tables); not a superuser.
#   aegrid_reader  read-only (Grafana, the collector's demand query, KEDA). AeGrid's migration grants it SELECT;
#                  it is created here because only a role with CREATEROLE can, and `aegrid` has none.
# Passwords come from the Secrets aegrid-db and aegrid-db-reader (env in postgres.yaml), passed to psql as
# variables so that they are quoted as literals, never spliced into SQL text.
set -eu
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
  -v aegrid_password="$AEGRID_PASSWORD" -v reader_password="$AEGRID_READER_PASSWORD" <<'SQL'
CREATE ROLE aegrid LOGIN PASSWORD :'aegrid_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE aegrid_reader LOGIN PASSWORD :'reader_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE aegrid OWNER aegrid;
SQL
