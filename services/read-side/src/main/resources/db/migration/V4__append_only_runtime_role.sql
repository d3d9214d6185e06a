-- Least privilege (deploy/postgres/audit-roles.sql): the read-side service's runtime role (${runtimeRole}) reads and adds
-- rows, and never changes or deletes an audit trail; what it may delete is only its own bookkeeping of used CDS
-- tokens and ended console sessions, once expired.
grant select, insert on audit_event, audit_event_agent, audit_event_entity, triage_decision, triage_decision_rule to ${runtimeRole};
grant select, insert, delete on cds_client_token_seen to ${runtimeRole};
grant select, insert, update, delete on console_session_ended to ${runtimeRole};
-- A table a later migration makes: read and add, unless that migration grants otherwise
alter default privileges in schema public grant select, insert on tables to ${runtimeRole};

-- Append-only: deleting an audit row is refused while its parts exist, never cascaded to them
alter table audit_event_agent drop constraint audit_event_agent_kafka_partition_kafka_offset_fkey,
    add constraint audit_event_agent_kafka_partition_kafka_offset_fkey foreign key (kafka_partition, kafka_offset) references audit_event;
alter table audit_event_entity drop constraint audit_event_entity_kafka_partition_kafka_offset_fkey,
    add constraint audit_event_entity_kafka_partition_kafka_offset_fkey foreign key (kafka_partition, kafka_offset) references audit_event;
alter table triage_decision_rule drop constraint triage_decision_rule_decision_id_fkey,
    add constraint triage_decision_rule_decision_id_fkey foreign key (decision_id) references triage_decision;
