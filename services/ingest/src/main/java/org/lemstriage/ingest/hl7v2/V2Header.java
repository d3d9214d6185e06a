package org.lemstriage.ingest.hl7v2;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A message's MSH read as text, for answering a message HAPI could not parse (a version it has no model for, a field
 * it cannot read): the field separator is MSH's fourth character, the component separator MSH-2's first.
 */
record V2Header(String[] fields, char components) {
    /** The MSH of {@code er7} (its first segment), or empty when it does not start with one. */
    static Optional<V2Header> read(String er7) {
        if (er7 == null || !er7.startsWith("MSH") || er7.length() < 8) {
            return Optional.empty();
        }
        char separator = er7.charAt(3);
        if (Character.isLetterOrDigit(separator) || separator == '\r') {
            return Optional.empty();
        }
        int end = er7.indexOf('\r');
        String segment = end < 0 ? er7 : er7.substring(0, end);
        String[] fields = segment.split(Pattern.quote(String.valueOf(separator)), -1);
        if (fields.length < 2 || fields[1].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new V2Header(fields, fields[1].charAt(0)));
    }

    /** MSH-n as sent ("" when absent): MSH-1 is the separator itself, so MSH-n is the n-1th piece. */
    String field(int n) {
        return n - 1 < fields.length ? fields[n - 1] : "";
    }

    /** One component of MSH-n (1-based). */
    String field(int n, int component) {
        String[] parts = field(n).split(Pattern.quote(String.valueOf(components)), -1);
        return component - 1 < parts.length ? parts[component - 1] : "";
    }
}
