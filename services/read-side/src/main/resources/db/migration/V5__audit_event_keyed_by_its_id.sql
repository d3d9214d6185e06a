-- Every AuditEvent is keyed by its own id (AuditEvent.id, given where it is made), no longer by where it stood on its
-- topic: after a topic was recreated, restored or moved to another cluster, new events met old rows' partition and
-- offset and were dropped without a word. Partition and offset stay on the row as where it was first read from.
--
-- A row stored before gets the key the store gives an AuditEvent without an id (AuditRecord), as every event before
-- 0.2.0 was: the SHA-256 of its JSON as received, so the same event replayed later meets its row. The JSON is hashed
-- as text, never parsed (jsonb refuses an escaped NUL that a stored text may hold). A second copy of one JSON (the same
-- event stored twice, at two offsets) keeps the id it was served under, partition-offset.
alter table audit_event add column event_id varchar(64);
update audit_event set event_id = encode(sha256(convert_to(resource, 'UTF8')), 'hex');
update audit_event e set event_id = e.kafka_partition || '-' || e.kafka_offset
    where exists (select 1 from audit_event o where o.event_id = e.event_id
                  and (o.kafka_partition, o.kafka_offset) < (e.kafka_partition, e.kafka_offset));
alter table audit_event alter column event_id set not null;

alter table audit_event_agent add column event_id varchar(64);
update audit_event_agent x set event_id = e.event_id from audit_event e
    where e.kafka_partition = x.kafka_partition and e.kafka_offset = x.kafka_offset;
alter table audit_event_agent alter column event_id set not null;
alter table audit_event_entity add column event_id varchar(64);
update audit_event_entity x set event_id = e.event_id from audit_event e
    where e.kafka_partition = x.kafka_partition and e.kafka_offset = x.kafka_offset;
alter table audit_event_entity alter column event_id set not null;

alter table audit_event_agent drop constraint audit_event_agent_kafka_partition_kafka_offset_fkey;
alter table audit_event_entity drop constraint audit_event_entity_kafka_partition_kafka_offset_fkey;
alter table audit_event drop constraint audit_event_pkey, add primary key (event_id);
-- Append-only as before (V4): deleting an audit row is refused while its parts exist, never cascaded to them
alter table audit_event_agent drop column kafka_partition, drop column kafka_offset,
    add constraint audit_event_agent_event_id_fkey foreign key (event_id) references audit_event;
alter table audit_event_entity drop column kafka_partition, drop column kafka_offset,
    add constraint audit_event_entity_event_id_fkey foreign key (event_id) references audit_event;
create index audit_event_agent_event on audit_event_agent (event_id);
create index audit_event_entity_event on audit_event_entity (event_id);

drop index audit_event_recorded;
create index audit_event_recorded on audit_event (recorded desc, event_id);
