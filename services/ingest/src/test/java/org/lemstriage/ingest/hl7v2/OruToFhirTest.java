package org.lemstriage.ingest.hl7v2;

import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lemstriage.ingest.fhir.LabResultMapper;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.terminology.AnalyteMap;
import org.lemstriage.model.terminology.UnitNormaliser;

import java.io.IOException;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The corpus of ORU^R01 messages (src/test/resources/hl7v2/oru: Mayo, ARUP and Labcorp shapes, versions 2.3 to
 * 2.5.1) read by HAPI, mapped to FHIR Observations, and through the FHIR path's own mapper: each OBX's LabResult
 * against expected.tsv, written by hand from the messages.
 */
class OruToFhirTest {
    /** The corpus' senders' local codes, as a site would configure them (lemstriage.mllp.local-coding-systems) */
    static final V2CodingSystems SYSTEMS = new V2CodingSystems(Map.of(
            "MAYO|L", "https://www.mayocliniclabs.com/test-catalog",
            "ARUP|L", "https://ltd.aruplab.com/Tests/Pub",
            "LABCORP|L", "https://www.labcorp.com/tests"));
    static final OruToFhir TO_FHIR = new OruToFhir(SYSTEMS, V2Beans.tracked(AnalyteMap.defaults()), Map.of(), ZoneOffset.UTC);
    private static final V2Messages MESSAGES = new V2Messages();
    private static final LabResultMapper MAPPER = new LabResultMapper(AnalyteMap.defaults(), new UnitNormaliser());

    static List<String[]> expected() throws IOException {
        return resource("expected.tsv").lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> Arrays.copyOf(l.split("\t", -1), 13)).toList();
    }

    /** Dynamic tests, not a parameterized one: Kafka's test jars register an extension that claims every test template */
    @TestFactory
    Stream<DynamicTest> eachObxBecomesTheLabResultExpected() throws IOException {
        return expected().stream().map(row -> DynamicTest.dynamicTest(row[0] + " OBX " + row[1], () -> check(row[0], row[1], row[2],
                row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], row[11], row[12])));
    }

    private static void check(String file, String obx, String analyte, String patient, String status, String value, String unit,
                              String comparator, String qualitative, String labCode, String effective, String observationId,
                              String version) throws Exception {
        ORU_R01 message = MESSAGES.oru(message(file));
        OruToFhir.Mapped all = TO_FHIR.map(message);
        // Only tracked OBX become Observations; each entry names the OBX it came from
        int entry = all.sources().indexOf(V2Location.of("OBX", Integer.parseInt(obx), 0));
        if (analyte.equals("untracked")) {
            assertThat(entry).as("an untracked OBX is counted, not mapped").isNegative();
            assertThat(all.untracked()).isPositive();
            return;
        }
        Observation observation = (Observation) all.bundle().getEntry().get(entry).getResource();
        LabResult result = MAPPER.map(observation).orElseThrow();
        assertThat(result.analyte().name()).isEqualTo(analyte);
        assertThat(result.patientKey()).isEqualTo(patient);
        assertThat(result.status()).isEqualTo(status);
        assertThat(result.labCode()).isEqualTo(labCode);
        assertThat(result.effective()).hasToString(effective);
        assertThat(result.observationId()).isEqualTo(observationId);
        assertThat(result.observationVersion()).isEqualTo(version);
        if (value.isEmpty()) {
            assertThat(result.quantity()).isNull();
        } else {
            assertThat(result.quantity().value()).isEqualByComparingTo(value);
            assertThat(result.quantity().unit()).isEqualTo(unit);
            assertThat(result.quantity().comparator()).isEqualTo(comparator.isEmpty() ? null : comparator);
        }
        assertThat(result.qualitative() == null ? "" : result.qualitative().name()).isEqualTo(qualitative);
    }

    static String message(String file) throws IOException {
        return V2Corpus.message(file);
    }

    private static String resource(String file) throws IOException {
        return V2Corpus.resource(file);
    }
}
