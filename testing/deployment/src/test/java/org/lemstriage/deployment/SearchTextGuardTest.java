package org.lemstriage.deployment;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A FHIR search built as text ({@code "Patient?identifier=" + token}) sends an identifier with a comma to another
 * patient. Every search in the main code of the services, libraries, tools and stand-ins goes through HAPI's typed criteria,
 * and a conditional create's query through {@code ConditionalUrl}; this fails when a search built from text comes back.
 */
class SearchTextGuardTest {
    private static final Path ROOT = Manifests.repositoryRoot();
    /** A search by URL text, a query literal such as "Patient?identifier=", or an ifNoneExist not made by ConditionalUrl. */
    private static final List<Pattern> FORBIDDEN = List.of(
            Pattern.compile("\\.byUrl\\("),
            Pattern.compile("\"/?[A-Z][A-Za-z]+\\?[A-Za-z_:.-]+="),
            Pattern.compile("\"(identifier|patient|subject|code|_id|group-identifier|requisition|based-on)=\""),
            Pattern.compile("setIfNoneExist\\((?!ConditionalUrl\\.query)"));
    /**
     * The one literal allowed: how a result names a clinician known only by identifier (HL7 v2 OBR-16) inside an event.
     * It is never sent: the notifier splits it and searches with typed criteria (EpisodeReader).
     */
    private static final String EVENT_FORMAT = "PRACTITIONER_BY_IDENTIFIER = \"Practitioner?identifier=\"";

    /** A URL printed for a person to open or copy (the demo's hints), never sent by the code. */
    private static final Pattern PRINTED = Pattern.compile("^\\s*(say|System\\.out\\.println)\\(");

    @Test
    void noFhirSearchIsBuiltFromText() throws IOException {
        List<String> found = new ArrayList<>();
        for (String part : List.of("services", "libs", "tools", "stand-ins")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(part))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/")).toList()) {
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        String line = lines.get(i);
                        if (line.contains(EVENT_FORMAT) || line.strip().startsWith("*") || line.strip().startsWith("//")
                                || PRINTED.matcher(line).find()) {
                            continue;
                        }
                        for (Pattern forbidden : FORBIDDEN) {
                            if (forbidden.matcher(line).find()) {
                                found.add(ROOT.relativize(file) + ":" + (i + 1) + ": " + line.strip());
                            }
                        }
                    }
                }
            }
        }
        assertThat(found).as("FHIR searches built from text (use HAPI's typed criteria, or ConditionalUrl)").isEmpty();
    }
}
