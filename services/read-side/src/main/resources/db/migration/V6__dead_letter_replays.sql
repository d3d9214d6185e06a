-- Each parked record an operator replayed: claimed before it is sent (a second request for the same record, even at
-- the same instant, finds the claim and sends nothing), confirmed once sent. A parked record is named by its place and
-- the time it was parked: a topic recreated later reuses offsets, never with the same times. A claim that was never
-- confirmed (the send failed, the service stopped) may be taken over after two minutes; a confirmed row is never changed.
create table dead_letter_replay (
    dlq_topic text not null,
    dlq_partition integer not null,
    dlq_offset bigint not null,
    parked_at timestamptz not null,
    replayed_to text not null,
    replayed_at timestamptz not null,
    replayed_by text not null,
    confirmed_at timestamptz,
    primary key (dlq_topic, dlq_partition, dlq_offset, parked_at)
);
grant select, insert, update, delete on dead_letter_replay to ${runtimeRole};
