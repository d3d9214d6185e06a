package org.lemstriage.ingest.hl7v2;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

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
}
