package org.lemstriage.model;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PatientKeyTest {
    @Test
    void relativeAndAbsoluteReferencesGiveTheSameKey() {
        assertThat(PatientKey.of(new Reference("Patient/1"))).contains("Patient/1");
        assertThat(PatientKey.of(new Reference("https://ehr.example/fhir/Patient/1"))).contains("Patient/1");
        assertThat(PatientKey.of(new Reference("Patient/1/_history/3"))).contains("Patient/1");
    }

    @Test
    void identifierOnlyReferenceKeysByIdentifierAndRoundTrips() {
        Reference byId = new Reference().setIdentifier(new Identifier().setSystem("urn:mrn").setValue("42"));
        assertThat(PatientKey.of(byId)).contains("identifier:urn:mrn|42");
        Reference back = PatientKey.toReference("identifier:urn:mrn|42");
        assertThat(back.getIdentifier().getSystem()).isEqualTo("urn:mrn");
        assertThat(back.getIdentifier().getValue()).isEqualTo("42");
    }

    @Test
    void nonPatientSubjectHasNoKey() {
        assertThat(PatientKey.of(new Reference("Group/7"))).isEmpty();
        assertThat(PatientKey.of(null)).isEmpty();
    }

    @Test
    void aSubjectThatIsNotAFhirIdOrAUsableSystemNamesNoPatient() {
        assertThat(PatientKey.of(new Reference("Patient/a b"))).isEmpty();
        assertThat(PatientKey.of(new Reference("Patient/x,y"))).isEmpty();
        assertThat(PatientKey.of(new Reference("Patient/" + "1".repeat(65)))).isEmpty();
        assertThat(PatientKey.of(new Reference().setIdentifier(new Identifier().setSystem("urn:a|b").setValue("1")))).isEmpty();
        assertThat(PatientKey.of(new Reference().setIdentifier(new Identifier().setSystem("urn:a b").setValue("1")))).isEmpty();
    }

    @Test
    void anIdentifierKeysPartsComeBackWhateverItsValueHolds() {
        String value = "SECPROBE-INJ,SECPROBE-3|x\\$<script>alert(1)</script> %20&#";
        String key = PatientKey.of(new Reference().setIdentifier(new Identifier().setSystem("urn:oid:1.2.3").setValue(value))).orElseThrow();
        assertThat(PatientKey.byIdentifier(key)).isTrue();
        assertThat(PatientKey.identifier(key).getSystem()).isEqualTo("urn:oid:1.2.3");
        assertThat(PatientKey.identifier(key).getValue()).isEqualTo(value);
        assertThat(PatientKey.toReference(key).getIdentifier().getValue()).isEqualTo(value);
        assertThat(PatientKey.patientId("Patient/lt-p001")).isEqualTo("lt-p001");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PatientKey.patientId("Patient/a,b"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
