package org.lemstriage.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Map;

/**
 * What the HL7 v2 listener answered: {@code lemstriage_v2_messages_total{ack}} per message (AA; AE and AR refused;
 * none when no ACK could be sent and the sender sends again), and {@code lemstriage_v2_connections_closed_total{reason}}
 * per connection closed for what it sent or did not send. Every series exists from the start at zero, so that a rate
 * and an alert see the first refusal (made at start, whether or not the listener is enabled).
 */
@Startup
@ApplicationScoped
public class V2Answers {
    /** A message's answer: the ACK code sent, or none. */
    public enum Ack { AA, AE, AR, NONE }

    /** Why the listener closed a connection. */
    public enum Closed {
        NOT_ALLOWED_SENDER, READ_TIMEOUT, FRAME_TOO_LARGE, NOT_MLLP, UNDECLARED_CHARSET, TOO_MANY_SEGMENTS, NOT_TAKEN;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final Map<Ack, Counter> acks = new EnumMap<>(Ack.class);
    private final Map<Closed, Counter> closed = new EnumMap<>(Closed.class);

    public V2Answers(MeterRegistry registry) {
        for (Ack ack : Ack.values()) {
            acks.put(ack, Counter.builder("lemstriage.v2.messages").tag("ack", ack.name().toLowerCase(java.util.Locale.ROOT))
                    .description("HL7 v2 messages by the answer sent (aa, ae, ar; none: no ACK, the sender sends again)").register(registry));
        }
        for (Closed reason : Closed.values()) {
            closed.put(reason, Counter.builder("lemstriage.v2.connections.closed").tag("reason", reason.tag())
                    .description("MLLP connections the listener closed, by reason").register(registry));
        }
    }

    /** A message answered with this ACK code (as HL7 writes it), or "none". */
    public void answered(String ack) {
        Ack code;
        try {
            code = Ack.valueOf(ack.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            code = Ack.NONE;
        }
        acks.get(code).increment();
    }

    public void closed(Closed reason) {
        closed.get(reason).increment();
    }
}
