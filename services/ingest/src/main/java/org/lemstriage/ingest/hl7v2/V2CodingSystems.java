package org.lemstriage.ingest.hl7v2;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The FHIR system URI of a v2 coding system name (CWE-3 / CE-3), so that the lab-code ConceptMaps apply unchanged.
 *
 * <p>Standard names, from HL7 Table 0396 "Coding System" as the HL7 v2-to-FHIR IG's vocabulary map gives their URIs
 * (and terminology.hl7.org's NamingSystems): LN is LOINC, SCT and SNM are SNOMED CT, UCUM is UCUM, I10 is ICD-10,
 * I10C is ICD-10-CM. A lab's own codes (L, or a 99zzz local name) mean nothing without the sender: each site maps
 * its senders' local systems (sending facility and system name) to the URI its ConceptMaps use, in
 * {@code lemstriage.mllp.local-coding-systems}; {@code *|NAME} maps a name for every sender that has no mapping of its
 * own (a hospital's LIS that passes on its send-outs' codes under its own facility, for one).
 */
public final class V2CodingSystems {
    private static final Map<String, String> TABLE_0396 = Map.of(
            "LN", "http://loinc.org",
            "SCT", "http://snomed.info/sct",
            "SNM", "http://snomed.info/sct",
            "UCUM", "http://unitsofmeasure.org",
            "I10", "http://hl7.org/fhir/sid/icd-10",
            "I10C", "http://hl7.org/fhir/sid/icd-10-cm");

    /** The facility of a key that maps a local system for every sender without one of its own: {@code *|L}. */
    public static final String ANY_SENDER = "*";
    /** Keys {@code FACILITY|NAME}, e.g. {@code MAYO|L}, or {@code *|NAME} for any sender, upper case. */
    private final Map<String, String> local;

    public V2CodingSystems(Map<String, String> local) {
        // A site may write Mayo|L or MAYO|l: senders' names are compared without case
        this.local = local.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                e -> e.getKey().strip().toUpperCase(Locale.ROOT), Map.Entry::getValue));
    }

    /** The URI of {@code name} as {@code sendingFacility} uses it; empty when neither table knows it. */
    public Optional<String> uri(String sendingFacility, String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        String upper = name.strip().toUpperCase(Locale.ROOT);
        String standard = TABLE_0396.get(upper);
        if (standard != null) {
            return Optional.of(standard);
        }
        String facility = sendingFacility == null ? "" : sendingFacility.strip().toUpperCase(Locale.ROOT);
        return Optional.ofNullable(local.getOrDefault(facility + "|" + upper, local.get(ANY_SENDER + "|" + upper)));
    }
}
