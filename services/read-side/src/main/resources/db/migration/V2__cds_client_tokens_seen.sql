-- The CDS client tokens already used, until they expire: CDS Hooks 2.0 ("Trusting CDS Clients") gives each token a
-- unique jti so that a service can refuse a replay. Kept in the database, so a token replayed to another replica is
-- refused as well; a row whose token has expired may go.
create table cds_client_token_seen (
    issuer  varchar(512) not null,
    jti     varchar(256) not null,
    expires timestamptz  not null,
    primary key (issuer, jti)
);
create index cds_client_token_seen_expires on cds_client_token_seen (expires);
