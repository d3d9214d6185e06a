-- Console sessions logged out (Keycloak's session id, the ID token's sid), until their tokens would have expired: a
-- session cookie saved before the logout opens nothing after it, on any replica.
create table console_session_ended (
    sid     varchar(256) not null primary key,
    expires timestamptz  not null
);
create index console_session_ended_expires on console_session_ended (expires);
