package org.lemstriage.ingest.fhir;

/**
 * How deep a JSON or XML text nests, by one pass over its characters, before any parser builds it: a body nested
 * thousands deep is refused without the cost (or the stack) of parsing it.
 */
final class NestingDepth {
    private NestingDepth() {
    }

    static int of(String text, FhirFormat format) {
        return format == FhirFormat.JSON ? json(text) : xml(text);
    }

    private static int json(String text) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                max = Math.max(max, ++depth);
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return max;
    }

    private static int xml(String text) {
        int depth = 0;
        int max = 0;
        for (int i = text.indexOf('<'); i >= 0; i = text.indexOf('<', i + 1)) {
            char next = i + 1 < text.length() ? text.charAt(i + 1) : ' ';
            if (next == '/') {
                depth--;
            } else if (next != '?' && next != '!') {
                int end = text.indexOf('>', i);
                if (end > 0 && text.charAt(end - 1) != '/') {
                    max = Math.max(max, ++depth);
                }
            }
        }
        return max;
    }
}
