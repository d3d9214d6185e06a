package org.lemstriage.readside;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.testsupport.Eventually;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.PostgresDatabase;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the read-side service's tests send to the real broker and read back from the real database. */
final class StoreFixtures {
    static final Duration WAIT = Duration.ofSeconds(20);
    private static KafkaProducer<String, String> producer;

    private StoreFixtures() {
    }

    static synchronized void send(String topic, String key, String value) throws Exception {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", KafkaBroker.bootstrapServers(), "acks", "all"),
                    new StringSerializer(), new StringSerializer());
        }
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    static long rows(String sql) throws Exception {
        try (Connection c = PostgresDatabase.shared().connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void awaitRows(String sql, long expected) throws Exception {
        awaitRows(sql, expected, WAIT);
    }

    static void awaitRows(String sql, long expected, Duration wait) throws Exception {
        long found = Eventually.await(() -> {
            try {
                return rows(sql);
            } catch (Exception e) {
                return -1L;
            }
        }, n -> n == expected, wait);
        assertThat(found).as(sql).isEqualTo(expected);
    }

    /** A decision as the classifier publishes it: one round of CT thorax in {@code state}, ruleset 2.0. */
    static TriageDecision decision(String episode, int version, String patientKey, TriageDecision.Action action,
                                   TriageDecision.Tier tier, TriageDecision.RoundState state) {
        LocalDate from = LocalDate.of(2026, 11, 22);
        return new TriageDecision(episode + "/" + version, episode, version, patientKey, action, tier, List.of(),
                List.of("VGCC-PQ-POSITIVE@1"), "2.0", "A positive P/Q-type VGCC result: screening for small-cell lung cancer.",
                List.of(new TriageDecision.ScreeningRound(1, "CT thorax", from, from.plusDays(11), state),
                        new TriageDecision.ScreeningRound(2, "CT thorax", from.plusMonths(3), from.plusMonths(3).plusDays(14))),
                Instant.now(), TriageDecision.ContextStatus.AVAILABLE, List.of(), 2, null, null);
    }

    static String json(TriageDecision decision) throws Exception {
        return EventJson.mapper().writeValueAsString(decision);
    }
}
