-- The audit store: what triage.audit.v1 and triage.decision.v1 carried, searchable. A record is stored once, keyed by
-- where it stands on its topic (AuditEvents carry no id of their own) or by its decision id; redelivered or replayed
-- records change nothing.

-- One row per AuditEvent, its FHIR JSON as received and the fields searches filter on
create table audit_event (
    kafka_partition integer     not null,
    kafka_offset    bigint      not null,
    recorded        timestamptz not null,
    action          varchar(1),
    outcome         varchar(2),
    subtype         varchar(64),
    observer        varchar(256),
    resource        text        not null,
    stored_at       timestamptz not null default now(),
    primary key (kafka_partition, kafka_offset)
);
create index audit_event_recorded on audit_event (recorded desc, kafka_partition, kafka_offset);

-- Who took part (AuditEvent.agent.who): a reference, an identifier, or both
create table audit_event_agent (
    kafka_partition integer not null,
    kafka_offset    bigint  not null,
    reference       varchar(512),
    system          varchar(512),
    value           varchar(512),
    requestor       boolean not null,
    foreign key (kafka_partition, kafka_offset) references audit_event on delete cascade
);
create index audit_event_agent_reference on audit_event_agent (reference);
create index audit_event_agent_identifier on audit_event_agent (value, system);

-- What it was about (AuditEvent.entity.what); patient marks a Patient (a literal or logical Patient reference)
create table audit_event_entity (
    kafka_partition integer not null,
    kafka_offset    bigint  not null,
    reference       varchar(512),
    system          varchar(512),
    value           varchar(512),
    patient         boolean not null,
    foreign key (kafka_partition, kafka_offset) references audit_event on delete cascade
);
create index audit_event_entity_reference on audit_event_entity (reference);
create index audit_event_entity_identifier on audit_event_entity (value, system);

-- One row per decision (decision id: episode and version; a resend is the same id), its JSON as published
create table triage_decision (
    decision_id     varchar(128) primary key,
    episode_id      varchar(64)  not null,
    version         integer      not null,
    patient_key     varchar(512) not null,
    action          varchar(16)  not null,
    tier            varchar(32),
    ruleset_version varchar(32),
    decided_at      timestamptz  not null,
    context         varchar(16),
    delta_p_score   integer,
    decision        text         not null,
    kafka_partition integer      not null,
    kafka_offset    bigint       not null
);
create index triage_decision_patient on triage_decision (patient_key, decided_at);
create index triage_decision_decided on triage_decision (decided_at desc);

-- The rules that fired, one row each, to search decisions by rule id (e.g. VGCC-PQ-POSITIVE@1)
create table triage_decision_rule (
    decision_id varchar(128) not null references triage_decision on delete cascade,
    rule_id     varchar(128) not null,
    primary key (decision_id, rule_id)
);
