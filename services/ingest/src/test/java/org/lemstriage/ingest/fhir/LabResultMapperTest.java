package org.lemstriage.ingest.fhir;

import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.lemstriage.ingest.Samples;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.model.terminology.Analyte;
import org.lemstriage.model.terminology.AnalyteMap;
import org.lemstriage.model.terminology.UnitNormaliser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabResultMapperTest {
    private final LabResultMapper mapper = new LabResultMapper(AnalyteMap.defaults(), new UnitNormaliser());

    private static Observation parse(String json) {
        return Fhir.r4().newJsonParser().parseResource(Observation.class, json);
    }

    @Test
    void aResultsContainedResourcesAreCarriedAsSentWithIngestsEncoding() {
        FhirEncoding.apply(Fhir.r4()); // as the running service encodes (it sets this at start)
        String sent = Samples.mayoVgcc("o-contained", "Patient/p1", "0.45").replaceFirst("\\{",
                "{\"contained\":[{\"resourceType\":\"Specimen\",\"id\":\"s1\",\"type\":{\"text\":\"serum\"}}],"
                        + "\"specimen\":{\"reference\":\"#s1\"},");
        LabResult r = mapper.map(parse(sent)).orElseThrow();
        Observation carried = Fhir.r4().newJsonParser().parseResource(Observation.class, r.resource());
        assertThat(carried.getContained()).singleElement().satisfies(c -> assertThat(c.getIdPart()).isEqualTo("s1"));
        assertThat(r.resource()).contains("\"specimen\":{\"reference\":\"#s1\"}").contains("\"text\":\"serum\"");
    }

    @Test
    void arupPicomolesAreNormalisedToNanomoles() {
        LabResult r = mapper.map(parse(Samples.vgcc("o1", "Patient/p1", "https://ltd.aruplab.com/Tests/Pub", "0092628", "120", "pmol/L"))).orElseThrow();
        assertThat(r.analyte()).isEqualTo(Analyte.VGCC_PQ);
        assertThat(r.quantity().value()).isEqualByComparingTo("0.12");
        assertThat(r.quantity().unit()).isEqualTo("nmol/L");
        assertThat(r.quantity().originalValue()).isEqualByComparingTo("120");
        assertThat(r.quantity().originalUnit()).isEqualTo("pmol/L");
        assertThat(r.patientKey()).isEqualTo("Patient/p1");
        assertThat(r.status()).isEqualTo("final");
        assertThat(r.observationId()).isEqualTo("o1");
        assertThat(r.labCode()).isEqualTo("https://ltd.aruplab.com/Tests/Pub|0092628");
    }

    @Test
    void absoluteSubjectKeysLikeRelative() {
        LabResult r = mapper.map(parse(Samples.mayoVgcc("o2", "https://ehr.example/fhir/Patient/p1", "0.5"))).orElseThrow();
        assertThat(r.patientKey()).isEqualTo("Patient/p1");
    }

    @Test
    void untrackedCodeMapsToNothing() {
        assertThat(mapper.map(parse(Samples.vgcc("o3", "Patient/p1", "http://loinc.org", "718-7", "13.2", "g/dL")))).isEmpty();
    }

    @Test
    void unconvertibleUnitIsRejectedNamingTheElement() {
        assertThatThrownBy(() -> mapper.map(parse(Samples.mayoVgcc("o4", "Patient/p1", "1").replace("nmol/L", "mg/dL"))))
                .isInstanceOfSatisfying(FhirInputException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.expression()).isEqualTo("Observation.valueQuantity.code");
                });
    }

    @Test
    void picomolarWithoutUcumCodeIsReadAsPicomolesPerLitre() {
        // UK labs write "pM"
        String json = Samples.vgcc("o5", "Patient/p1", "https://ltd.aruplab.com/Tests/Pub", "0092628", "60", "pmol/L")
                .replace(",\"system\":\"http://unitsofmeasure.org\",\"code\":\"pmol/L\"", "").replace("\"pmol/L\"", "\"pM\"");
        assertThat(json).contains("\"pM\"").doesNotContain("pmol/L");
        LabResult r = mapper.map(parse(json)).orElseThrow();
        assertThat(r.quantity().value()).isEqualByComparingTo("0.06");
        assertThat(r.quantity().originalUnit()).isEqualTo("pM");
    }

    @Test
    void agnaTiterIsReadAsItsEndDilution() {
        String ratio = """
                {"resourceType":"Observation","id":"t1","status":"final",
                 "code":{"coding":[{"system":"https://www.mayocliniclabs.com/test-catalog","code":"AGNTS"}]},
                 "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-11-02T09:30:00Z",
                 "valueRatio":{"numerator":{"value":1},"denominator":{"value":960}}}
                """;
        LabResult r = mapper.map(parse(ratio)).orElseThrow();
        assertThat(r.analyte()).isEqualTo(Analyte.AGNA1);
        assertThat(r.quantity().value()).isEqualByComparingTo("960");
        assertThat(r.quantity().unit()).isEqualTo(LabResultMapper.TITER);
        String text = ratio.replace("\"valueRatio\":{\"numerator\":{\"value\":1},\"denominator\":{\"value\":960}}", "\"valueString\":\"1:240\"");
        assertThat(mapper.map(parse(text)).orElseThrow().quantity().value()).isEqualByComparingTo("240");
        assertThatThrownBy(() -> mapper.map(parse(ratio.replace("\"value\":1}", "\"value\":2}"))))
                .isInstanceOfSatisfying(FhirInputException.class, e -> assertThat(e.expression()).isEqualTo("Observation.valueRatio"));
    }

    @Test
    void whoAskedForTheResultIsItsBasedOnOrderElseAClinicianPerformer() {
        String base = Samples.mayoVgcc("o6", "Patient/p1", "0.5");
        String ordered = base.replace("\"subject\"", "\"basedOn\":[{\"reference\":\"ServiceRequest/order-1\"}],"
                + "\"performer\":[{\"reference\":\"Practitioner/dr-1\"}],\"subject\"");
        assertThat(mapper.map(parse(ordered)).orElseThrow().orderedBy()).containsExactly("ServiceRequest/order-1");
        String performed = base.replace("\"subject\"", "\"performer\":[{\"reference\":\"Organization/lab\"},"
                + "{\"reference\":\"Practitioner/dr-1\"}],\"subject\"");
        assertThat(mapper.map(parse(performed)).orElseThrow().orderedBy()).containsExactly("Practitioner/dr-1");
        assertThat(mapper.map(parse(base)).orElseThrow().orderedBy()).isEmpty();
        // HL7 v2's OBR-16: a Practitioner by identifier only, which the notifier looks up in the EHR
        String byIdentifier = base.replace("\"subject\"", "\"performer\":[{\"type\":\"Practitioner\",\"identifier\":"
                + "{\"system\":\"http://hl7.org/fhir/sid/us-npi\",\"value\":\"1234567893\"}},"
                + "{\"type\":\"Organization\",\"identifier\":{\"system\":\"urn:lab\",\"value\":\"L1\"}}],\"subject\"");
        assertThat(mapper.map(parse(byIdentifier)).orElseThrow().orderedBy())
                .containsExactly("Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|1234567893");
    }

    @Test
    void aLemsDiagnosisConditionIsTrackedItsVerificationReadAsAStatus() {
        // Seronegative LEMS
        LabResult confirmed = mapper.map(Fhir.r4().newJsonParser().parseResource(org.hl7.fhir.r4.model.Condition.class,
                Samples.lemsDiagnosis("c1", "Patient/p1", "confirmed"))).orElseThrow();
        assertThat(confirmed.analyte()).isEqualTo(Analyte.LEMS_DIAGNOSIS);
        assertThat(confirmed.reference()).isEqualTo("Condition/c1");
        assertThat(confirmed.status()).isEqualTo("final");
        assertThat(confirmed.qualitative()).isEqualTo(LabResult.Qualitative.POSITIVE);
        assertThat(confirmed.effective()).isEqualTo(java.time.Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(confirmed.recorded()).as("no recordedDate").isNull();
        // The plan counts from when the diagnosis was recorded, not from its symptom onset
        LabResult recorded = mapper.map(Fhir.r4().newJsonParser().parseResource(org.hl7.fhir.r4.model.Condition.class,
                Samples.lemsDiagnosis("c1", "Patient/p1", "confirmed").replace("\"onsetDateTime\"",
                        "\"recordedDate\":\"2027-03-15\",\"onsetDateTime\""))).orElseThrow();
        assertThat(recorded.recorded()).isEqualTo(java.time.Instant.parse("2027-03-15T00:00:00Z"));
        assertThat(recorded.effective()).as("DELTA-P is still judged at onset").isEqualTo(java.time.Instant.parse("2026-11-01T00:00:00Z"));
        for (String[] v : new String[][]{{"provisional", "preliminary"}, {"differential", "preliminary"}, {"refuted", "cancelled"},
                {"entered-in-error", "entered-in-error"}}) {
            assertThat(mapper.map(Fhir.r4().newJsonParser().parseResource(org.hl7.fhir.r4.model.Condition.class,
                    Samples.lemsDiagnosis("c1", "Patient/p1", v[0]))).orElseThrow().status()).as(v[0]).isEqualTo(v[1]);
        }
        // Another diagnosis is not tracked; nor is a LEMS code on an Observation
        String diabetes = Samples.lemsDiagnosis("c2", "Patient/p1", "confirmed").replace("G70.80", "E11.9");
        assertThat(mapper.map(Fhir.r4().newJsonParser().parseResource(org.hl7.fhir.r4.model.Condition.class, diabetes))).isEmpty();
        assertThat(mapper.map(parse(Samples.vgcc("o7", "Patient/p1", "http://hl7.org/fhir/sid/icd-10-cm", "G70.80", "1", "nmol/L")))).isEmpty();
    }

    @Test
    void resultWithoutIdGetsAStableContentDigest() {
        String json = Samples.mayoVgcc("x", "Patient/p1", "0.5").replace("\"id\":\"x\",", "");
        assertThat(LabResultMapper.observationId(parse(json))).startsWith("sha256:")
                .isEqualTo(LabResultMapper.observationId(parse(json)));
    }

    /**
     * A final tracked result without value[x] (a dataAbsentReason, or nothing) is a result without a value:
     * mapped, so it is audited and published, and it says it has no value, which the classifier never lets withdraw
     * anything. Only with the status-change tag (HL7 v2 OBX-11 U) does it make an earlier value final.
     */
    @Test
    void aFinalWithoutAValueIsAResultWithoutAValue() {
        var observation = parse(Samples.mayoVgcc("o-novalue", "Patient/p1", "0.45"));
        observation.setValue(null);
        observation.setDataAbsentReason(new org.hl7.fhir.r4.model.CodeableConcept().addCoding(
                new org.hl7.fhir.r4.model.Coding("http://terminology.hl7.org/CodeSystem/data-absent-reason", "error", "Error")));
        LabResult r = mapper.map(observation).orElseThrow();
        assertThat(r.status()).isEqualTo("final");
        assertThat(r.hasValue()).isFalse();
        assertThat(r.finalisesEarlier()).isNull();
        observation.getMeta().addTag(LabResultMapper.STATUS_CHANGE_SYSTEM, LabResultMapper.FINAL_WITHOUT_RETRANSMISSION, null);
        assertThat(mapper.map(observation).orElseThrow().finalisesEarlier()).isTrue();
    }
}
