package org.lemstriage.model;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.terminology.Analyte;
import org.lemstriage.model.terminology.AnalyteMap;

import static org.assertj.core.api.Assertions.assertThat;

class AnalyteMapTest {
    private final AnalyteMap map = AnalyteMap.defaults();

    private static CodeableConcept code(String system, String code) {
        return new CodeableConcept().addCoding(new Coding(system, code, null));
    }

    @Test
    void everyDefaultLabCodeOfTheDesignMaps() {
        assertThat(map.map(code("https://www.mayocliniclabs.com/test-catalog", "CCPQ"))).get()
                .extracting(AnalyteMap.Mapped::analyte).isEqualTo(Analyte.VGCC_PQ);
        assertThat(map.map(code("https://ltd.aruplab.com/Tests/Pub", "0092628")).orElseThrow().analyte()).isEqualTo(Analyte.VGCC_PQ);
        assertThat(map.map(code("https://www.labcorp.com/tests", "140640")).orElseThrow().analyte()).isEqualTo(Analyte.VGCC_PQ);
        assertThat(map.map(code("https://www.mayocliniclabs.com/test-catalog", "CCN")).orElseThrow().analyte()).isEqualTo(Analyte.VGCC_N);
        assertThat(map.map(code("http://loinc.org", "82444-1")).orElseThrow().analyte()).isEqualTo(Analyte.SOX1);
        assertThat(map.map(code("http://loinc.org", "94383-7")).orElseThrow().analyte()).isEqualTo(Analyte.SOX1);
        assertThat(map.map(code("http://loinc.org", "53709-2")).orElseThrow().analyte()).isEqualTo(Analyte.AGNA1);
        assertThat(map.map(code("https://www.mayocliniclabs.com/test-catalog", "AGN1S")).orElseThrow().analyte()).isEqualTo(Analyte.AGNA1);
        // Mayo's other AGNA-1 orderables, the titer and the immunoblot
        assertThat(map.map(code("https://www.mayocliniclabs.com/test-catalog", "AGNTS")).orElseThrow().analyte()).isEqualTo(Analyte.AGNA1);
        assertThat(map.map(code("https://www.mayocliniclabs.com/test-catalog", "AGNBS")).orElseThrow().analyte()).isEqualTo(Analyte.AGNA1);
        // LEMS diagnosis codes, read from Condition.code
        for (String[] dx : new String[][]{{"http://hl7.org/fhir/sid/icd-10-cm", "G70.80"}, {"http://hl7.org/fhir/sid/icd-10-cm", "G70.81"},
                {"http://hl7.org/fhir/sid/icd-10-cm", "G73.1"}, {"http://hl7.org/fhir/sid/icd-10", "G73.1"}, {"http://snomed.info/sct", "56989000"}}) {
            assertThat(map.map(code(dx[0], dx[1])).orElseThrow().analyte()).as(dx[1]).isEqualTo(Analyte.LEMS_DIAGNOSIS);
        }
        assertThat(map.size()).isEqualTo(15);
    }

    @Test
    void routineLabCodesDoNotMap() {
        assertThat(map.map(code("http://loinc.org", "718-7"))).isEmpty(); // hemoglobin
    }

    @Test
    void laterCodingMapsWhenTheFirstDoesNot() {
        CodeableConcept both = code("http://loinc.org", "718-7")
                .addCoding(new Coding("https://www.mayocliniclabs.com/test-catalog", "CCPQ", null));
        assertThat(map.map(both).orElseThrow().labCode()).isEqualTo("https://www.mayocliniclabs.com/test-catalog|CCPQ");
    }
}
