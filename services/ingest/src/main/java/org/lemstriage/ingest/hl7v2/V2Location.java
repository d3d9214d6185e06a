package org.lemstriage.ingest.hl7v2;

/**
 * Where in a v2 message something is, as an ACK's ERR-2 names it: segment, its repetition (1-based, counted over the
 * whole message), field and component (0: none), e.g. {@code OBX^2^5}.
 */
public record V2Location(String segment, int repetition, int field, int component) {
    public static V2Location of(String segment, int repetition, int field) {
        return new V2Location(segment, repetition, field, 0);
    }

    public V2Location component(int component) {
        return new V2Location(segment, repetition, field, component);
    }

    @Override
    public String toString() {
        return segment + "^" + repetition + "^" + field + (component > 0 ? "^" + component : "");
    }
}
