package org.lemstriage.model.kafka;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * When the result behind a record was accepted, carried in a header from the result to the decision it led to: the
 * classifier sets it from the lab.observation.v1 record's timestamp (when ingest published it) and passes it on with
 * the trace to its context request, the context answer and the decision; the notifier measures "result accepted to
 * Task written" from it. A decision made on a timer carries none.
 */
public final class ResultAccepted {
    public static final String HEADER = "lems-triage-result-accepted-at";

    private ResultAccepted() {
    }

    /** Adds the header, in epoch milliseconds, unless the headers hold one already (a record passed on keeps its own). */
    public static Headers stamp(Headers headers, long epochMillis) {
        if (headers.lastHeader(HEADER) == null) {
            headers.add(HEADER, String.valueOf(epochMillis).getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** The time the header holds; empty when it is missing or not a number. */
    public static Optional<Instant> in(Headers headers) {
        Header h = headers.lastHeader(HEADER);
        if (h == null || h.value() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(new String(h.value(), StandardCharsets.UTF_8).strip())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
