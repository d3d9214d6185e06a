package org.lemstriage.ehrclient;

import ca.uhn.fhir.rest.gclient.TokenClientParam;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.sandbox.EhrSandbox;
import org.lemstriage.testsupport.HostileText;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * On the EHR sandbox over HTTP: a patient named by an identifier of any characters (FHIR
 * search's reserved ones, a URL's, markup, any script) is found as exactly that Patient, never one whose identifier is
 * part of it, and a value no Patient carries, or two Patients carry, resolves to none. (The same cases run on HAPI FHIR
 * JPA in the end-to-end suite, HostileInputIT.) jqwik prints the seed of a failing run.
 */
class PatientByIdentifierTest {
    private static EhrSandbox sandbox;
    private static EhrClient ehr;

    @BeforeContainer
    static void start() throws Exception {
        sandbox = EhrSandbox.start("127.0.0.1", 0, null);
        ehr = new EhrClient(sandbox.baseUrl(), 3000, 5000);
    }

    @AfterContainer
    static void stop() throws Exception {
        sandbox.close();
    }

    @Provide
    Arbitrary<String> values() {
        return HostileText.identifierValue();
    }

    @Property(tries = 200)
    void aPatientIsFoundByExactlyItsIdentifierAndADecoyIsNot(@ForAll("values") String value) {
        String system = "urn:lems-triage:test:" + UUID.randomUUID(); // a system of its own per try: no two tries meet
        String wanted = create(system, value);
        // Decoys: what a comma, a bar or a prefix would match if the value were not escaped
        for (String part : value.split("[,|$\\\\]")) {
            if (!part.isBlank() && !part.equals(value)) {
                create(system, part.strip());
            }
        }
        Patient found = PatientByIdentifier.resolve(ehr, new Identifier().setSystem(system).setValue(value));
        assertThat(found.getIdElement().getIdPart()).isEqualTo(wanted);
        assertThatThrownBy(() -> PatientByIdentifier.resolve(ehr, new Identifier().setSystem(system).setValue(value + "-absent")))
                .isInstanceOfSatisfying(PatientByIdentifier.NotResolved.class, e -> assertThat(e.found()).isZero())
                .hasMessage("no Patient in the EHR carries the result's patient identifier");
    }

    @Property(tries = 30)
    void twoPatientsWithOneIdentifierAreNeitherOfThem(@ForAll("values") String value) {
        String system = "urn:lems-triage:test:" + UUID.randomUUID();
        create(system, value);
        create(system, value);
        assertThatThrownBy(() -> PatientByIdentifier.resolve(ehr, new Identifier().setSystem(system).setValue(value)))
                .isInstanceOfSatisfying(PatientByIdentifier.NotResolved.class, e -> {
                    assertThat(e.found()).isEqualTo(2);
                    assertThat(e.reason()).isEqualTo("patient-not-unique");
                });
    }

    @Property(tries = 100)
    void aConditionalCreatesQueryMatchesOnlyItsOwnIdentifier(@ForAll("values") String value) {
        String system = "urn:lems-triage:test:" + UUID.randomUUID();
        String query = ConditionalUrl.query(new TokenClientParam("identifier").exactly().systemAndCode(system, value));
        assertThat(query).doesNotContain(" ", "#", "&identifier").startsWith("identifier=");
        String wanted = create(system, value);
        var bundle = Fhir.r4().newRestfulGenericClient(sandbox.baseUrl()).search().byUrl("Patient?" + query)
                .returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute();
        assertThat(bundle.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(wanted);
    }

    private static String create(String system, String value) {
        return Fhir.r4().newRestfulGenericClient(sandbox.baseUrl()).create()
                .resource(new Patient().addIdentifier(new Identifier().setSystem(system).setValue(value)))
                .execute().getId().getIdPart();
    }
}
