package org.lemstriage.ingest.hl7v2;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Messages that cannot be taken: each a change to a good one of the corpus, with the ACK code it must get (AR: a type
 * or version not accepted; AE: cannot be mapped) and the location its ERR must name.
 */
class OruProblemsTest {
    private record Bad(String name, UnaryOperator<String> change, V2Problem.Ack ack, String location, int code) {
        Bad(String name, UnaryOperator<String> change, V2Problem.Ack ack, String location) {
            this(name, change, ack, location, CODES.get(name));
        }
    }

    /** ERR-3 of each, HL7 Table 0357: 100 segment sequence (a required segment missing), 101 required field missing,
     * 102 data type error, 103 table value not found, 200 unsupported message type, 203 unsupported version id. */
    private static final java.util.Map<String, Integer> CODES = java.util.Map.ofEntries(
            java.util.Map.entry("version 2.6", 203),
            java.util.Map.entry("version 2.2", 203),
            java.util.Map.entry("an ADT^A01", 200),
            java.util.Map.entry("no MSH", 200),
            java.util.Map.entry("NM that is not a number", 102),
            java.util.Map.entry("SN comparator unknown", 102),
            java.util.Map.entry("SN not-equal, which a FHIR Quantity cannot say", 102),
            java.util.Map.entry("result status not of Table 0085", 103),
            java.util.Map.entry("no result status", 101),
            java.util.Map.entry("value type not read", 102),
            java.util.Map.entry("assigning authority without a system", 101),
            java.util.Map.entry("no PID segment", 100),
            java.util.Map.entry("no patient identifier", 101),
            java.util.Map.entry("no order number", 101),
            java.util.Map.entry("no OBX", 100),
            java.util.Map.entry("effective time not a time", 102),
            java.util.Map.entry("no OBX-14 and an OBR-7 that is not a time", 102),
            java.util.Map.entry("no message time", 101));

    private static final List<Bad> BAD = List.of(
            new Bad("version 2.6", m -> m.replace("|P|2.5.1", "|P|2.6"), V2Problem.Ack.AR, "MSH^1^12"),
            new Bad("version 2.2", m -> m.replace("|P|2.5.1", "|P|2.2"), V2Problem.Ack.AR, "MSH^1^12"),
            new Bad("an ADT^A01", m -> m.replace("ORU^R01^ORU_R01", "ADT^A01^ADT_A01"), V2Problem.Ack.AR, "MSH^1^9"),
            new Bad("no MSH", m -> m.substring(m.indexOf('\r') + 1), V2Problem.Ack.AR, "MSH^1^0"),
            new Bad("NM that is not a number", m -> m.replace("||0.45|", "||positive|"), V2Problem.Ack.AE, "OBX^1^5"),
            new Bad("SN comparator unknown", m -> m.replace("|NM|", "|SN|").replace("||0.45|", "||!^0.45|"), V2Problem.Ack.AE, "OBX^1^5^1"),
            new Bad("SN not-equal, which a FHIR Quantity cannot say", m -> m.replace("|NM|", "|SN|").replace("||0.45|", "||<>^0.45|"), V2Problem.Ack.AE, "OBX^1^5^1"),
            new Bad("result status not of Table 0085", m -> m.replace("|H|||F|", "|H|||Q|"), V2Problem.Ack.AE, "OBX^1^11"),
            new Bad("no result status", m -> m.replace("|H|||F|", "|H||||"), V2Problem.Ack.AE, "OBX^1^11"),
            new Bad("value type not read", m -> m.replace("|NM|", "|ED|"), V2Problem.Ack.AE, "OBX^1^2"),
            new Bad("assigning authority without a system", m -> m.replace("HOSP&1.2.36.146.595.217.0.1&ISO", "NOWHERE"), V2Problem.Ack.AE, "PID^1^3^4"),
            new Bad("no PID segment", m -> m.replaceAll("PID\\|[^\r]*\r", ""), V2Problem.Ack.AE, "PID^1^3"),
            new Bad("no patient identifier", m -> m.replace("MRN-1001^^^HOSP&1.2.36.146.595.217.0.1&ISO^MR", ""), V2Problem.Ack.AE, "PID^1^3"),
            new Bad("no order number", m -> m.replace("OBR|1|PL-77|MC-55501^MAYO|", "OBR|1|||"), V2Problem.Ack.AE, "OBR^1^3"),
            new Bad("no OBX", m -> m.substring(0, m.indexOf("OBX|")), V2Problem.Ack.AE, "OBX^1^0"),
            new Bad("effective time not a time", m -> m.replace("|F|||20261121093000-0600", "|F|||2026-11-21"), V2Problem.Ack.AE, "OBX^1^14"),
            new Bad("no OBX-14 and an OBR-7 that is not a time", m -> m.replace("|F|||20261121093000-0600", "|F|||")
                    .replace("^L|||20261121093000-0600|", "^L|||2026-11-21|"), V2Problem.Ack.AE, "OBR^1^7"),
            new Bad("no message time", m -> m.replace("|20261122081500-0600|", "||"), V2Problem.Ack.AE, "MSH^1^7"));

    @TestFactory
    Stream<DynamicTest> eachBadMessageGetsItsAckCodeAndLocation() throws IOException {
        String good = OruToFhirTest.message("01-mayo-vgcc-nm.hl7");
        V2Messages messages = new V2Messages();
        return BAD.stream().map(bad -> DynamicTest.dynamicTest(bad.name(), () ->
                assertThatThrownBy(() -> OruToFhirTest.TO_FHIR.map(messages.oru(bad.change().apply(good))))
                        .isInstanceOfSatisfying(V2Problem.class, p -> {
                            org.assertj.core.api.Assertions.assertThat(p.ack()).as(p.getMessage()).isEqualTo(bad.ack());
                            org.assertj.core.api.Assertions.assertThat(p.where()).as(p.getMessage()).hasToString(bad.location());
                            org.assertj.core.api.Assertions.assertThat(p.code().getCode()).as(p.getMessage()).isEqualTo(bad.code());
                        })));
    }

    /** An OBX that is not tracked is counted, never refused, whatever its type, status, code or value. */
    @TestFactory
    Stream<DynamicTest> anUntrackedObxNeverRefusesTheMessageNorLosesTheTrackedResultBesideIt() throws IOException {
        String good = OruToFhirTest.message("01-mayo-vgcc-nm.hl7");
        List<String> untracked = List.of("OBX|2|ED|PDF^Report^L||^AP^PDF^Base64^JVBERi0xLjQK||||||F", "OBX|2|DT|CDT^Collected^L||20261121||||||F",
                "OBX|2|TS|RDT^Received^L||20261121101500||||||F", "OBX|2|TM|RTM^Time^L||1015||||||F", "OBX|2|RP|LNK^Link^L||http://x^A^AP^PDF||||||F",
                "OBX|2|NA|NA1^Values^L||1^2^3||||||F", "OBX|2|CF|CF1^Comment^L||C1^text^L||||||F", "OBX|2|CNE|SP^Specimen^L||119364003^Serum^SCT||||||F",
                "OBX|2|NM|HGB^Haemoglobin^L||not a number|g/dL|||||O", "OBX|2|NM|HGB^Haemoglobin^L||12|g/dL|||||N",
                "OBX|2|ST|HGB^Haemoglobin^L||12|g/dL|||||Q", "OBX|2||CMT^Comment^L||a comment line||||||F", "OBX|2|||| a comment without a code||||||",
                "OBX|2|XYZ|HGB^Haemoglobin^L||12||||||F");
        V2Messages messages = new V2Messages();
        return untracked.stream().map(obx -> DynamicTest.dynamicTest(obx, () -> {
            OruToFhir.Mapped mapped = OruToFhirTest.TO_FHIR.map(messages.oru(V2Messages.normalise(good + obx + "\r")));
            org.assertj.core.api.Assertions.assertThat(mapped.bundle().getEntry()).as("the tracked result beside it").hasSize(1);
            org.assertj.core.api.Assertions.assertThat(mapped.untracked()).isEqualTo(1);
        }));
    }
}
