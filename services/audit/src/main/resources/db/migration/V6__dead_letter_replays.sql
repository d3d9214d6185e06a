-- Each parked record an operator replayed, once: a second replay of the same record is refused, whoever asks. A parked
-- record is named by its place and the time it was parked: a topic recreated later reuses offsets, never with the
-- same times. The runtime role reads and adds rows (the default privileges V4 set), and never changes or deletes one.
create table dead_letter_replay (
    dlq_topic text not null,
    dlq_partition integer not null,
    dlq_offset bigint not null,
    parked_at timestamptz not null,
    replayed_to text not null,
    replayed_at timestamptz not null,
    replayed_by text not null,
    primary key (dlq_topic, dlq_partition, dlq_offset, parked_at)
);
