package org.lemstriage.model;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.event.ContextRequest;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.serde.ContextRequestSerde;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventSerdeTest {
    private final ContextRequestSerde serde = new ContextRequestSerde();

    @Test
    void whatTheWriterWritesTheReaderReads() {
        ContextRequest request = new ContextRequest("Patient/p1", "r-1", LocalDate.of(2026, 3, 1));
        byte[] json = serde.serializer().serialize(Topics.CONTEXT_REQUEST, request);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"onset\":\"2026-03-01\"");
        assertThat(serde.deserializer().deserialize(Topics.CONTEXT_REQUEST, json)).isEqualTo(request);
    }

    @Test
    void anUnreadableRecordNamesTopicAndTypeButNotItsContent() {
        byte[] garbage = "{\"patientKey\": \"Patient/secret-name\", \"onset\": \"not a date\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> serde.deserialize(Topics.CONTEXT_REQUEST, garbage))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Topics.CONTEXT_REQUEST).hasMessageContaining("ContextRequest")
                .hasMessageNotContaining("secret-name").hasMessageNotContaining("not a date");
    }

    @Test
    void aClosureWrittenBeforeItSaidWhetherItsTumourWasOnTheListReadsAsNotSaying() throws Exception {
        var older = EventJson.mapper().readValue("{\"reason\":\"TUMOUR_RECORDED\",\"reference\":\"Condition/c1\",\"date\":\"2026-03-01\"}",
                TriageDecision.Closure.class);
        assertThat(older).isEqualTo(new TriageDecision.Closure(TriageDecision.Closure.Reason.TUMOUR_RECORDED, "Condition/c1",
                LocalDate.of(2026, 3, 1), null));
        var now = new TriageDecision.Closure(TriageDecision.Closure.Reason.TUMOUR_RECORDED, "Condition/c1", LocalDate.of(2026, 3, 1), true);
        assertThat(EventJson.mapper().readValue(EventJson.mapper().writeValueAsString(now), TriageDecision.Closure.class)).isEqualTo(now);
    }

    @Test
    void tombstonesStayNull() {
        assertThat(serde.serialize(Topics.CONTEXT_REQUEST, null)).isNull();
        assertThat(serde.deserialize(Topics.CONTEXT_REQUEST, null)).isNull();
    }
}
