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
}
