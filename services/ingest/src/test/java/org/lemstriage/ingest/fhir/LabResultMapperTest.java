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
    void resultWithoutIdGetsAStableContentDigest() {
        String json = Samples.mayoVgcc("x", "Patient/p1", "0.5").replace("\"id\":\"x\",", "");
        assertThat(LabResultMapper.observationId(parse(json))).startsWith("sha256:")
                .isEqualTo(LabResultMapper.observationId(parse(json)));
    }
}
