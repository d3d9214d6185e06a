package org.lemstriage.ingest.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The ORU^R01 corpus of src/test/resources/hl7v2/oru, as a sender puts it on the wire. */
public final class V2Corpus {
    private V2Corpus() {
    }

    /** A corpus message with its segments ended by carriage returns (the files keep one segment a line). */
    public static String message(String file) throws IOException {
        return resource(file).replace("\r\n", "\n").replace('\n', '\r');
    }

    /** A file of src/test/resources/hl7v2/oru, or of another folder there when named ({@code quirks/expected.tsv}). */
    static String resource(String file) throws IOException {
        try (InputStream in = V2Corpus.class.getResourceAsStream("/hl7v2/" + (file.contains("/") ? "" : "oru/") + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every tracked OBX of the corpus and of the vendors' quirks that ingest accepts, as the Observation it validates. */
    public static List<Observation> observations() throws IOException, HL7Exception {
        V2Messages messages = new V2Messages();
        List<Observation> observations = new ArrayList<>();
        for (String folder : List.of("oru", "quirks")) {
            for (Path file : files(folder)) {
                OruToFhir.Mapped mapped;
                try {
                    mapped = OruToFhirTest.TO_FHIR.map(messages.oru(message(folder + "/" + file.getFileName())));
                } catch (V2Problem refused) {
                    continue; // answered with an ERR acknowledgement, never validated (OruProblemsTest)
                }
                for (Bundle.BundleEntryComponent entry : mapped.bundle().getEntry()) {
                    if (entry.getResource() instanceof Observation observation) {
                        observations.add(observation);
                    }
                }
            }
        }
        return observations;
    }

    private static List<Path> files(String folder) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(V2Corpus.class.getResource("/hl7v2/" + folder).toURI()))) {
            return files.filter(f -> f.toString().endsWith(".hl7")).sorted().toList();
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
