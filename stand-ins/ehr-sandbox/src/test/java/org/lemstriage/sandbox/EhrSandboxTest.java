package org.lemstriage.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sandbox over real HTTP, driven by HAPI's generic client as the services drive it. */
class EhrSandboxTest {
    private static EhrSandbox sandbox;
    private static IGenericClient client;

    @BeforeAll
    static void start() throws Exception {
        sandbox = EhrSandbox.start("127.0.0.1", 0, null);
        client = FhirContext.forR4Cached().newRestfulGenericClient(sandbox.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        sandbox.close();
    }

    @Test
    void answersMetadataWithEveryType() {
        CapabilityStatement cs = client.capabilities().ofType(CapabilityStatement.class).execute();
        assertThat(cs.getRestFirstRep().getResource()).extracting(r -> r.getType())
                .contains("Patient", "Observation", "Condition", "Task", "ServiceRequest", "Provenance", "Organization");
    }

    @Test
    void reusedSearchesMissWhatWasCreatedSinceUnlessAskedNotToReuse() {
        String system = "https://sandbox.test/reuse-" + System.nanoTime();
        java.util.function.Function<Boolean, Integer> count = noCache -> {
            var search = client.search().forResource(ServiceRequest.class)
                    .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode(system, "1")).returnBundle(Bundle.class);
            return (noCache ? search.withAdditionalHeader("Cache-Control", "no-cache") : search).execute().getEntry().size();
        };
        ServiceRequest sr = new ServiceRequest().setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
                .setIntent(ServiceRequest.ServiceRequestIntent.ORDER).setSubject(new Reference("Patient/lt-p001"));
        sr.addIdentifier(new Identifier().setSystem(system).setValue("1"));
        try {
            sandbox.faults().searches().reuseFor(java.time.Duration.ofMinutes(1), true);
            assertThat(count.apply(false)).isZero();
            client.create().resource(sr).execute();
            assertThat(count.apply(false)).as("the empty answer reused").isZero();
            assertThat(count.apply(true)).as("Cache-Control: no-cache").isEqualTo(1);

            sandbox.faults().searches().reuseFor(java.time.Duration.ofMinutes(1), false);
            client.create().resource(sr.copy().setId((String) null)).execute();
            assertThat(count.apply(true)).as("a server that ignores no-cache").isEqualTo(1);
        } finally {
            sandbox.faults().searches().off();
        }
        assertThat(count.apply(false)).isEqualTo(2);
    }

    @Test
    void seedPatientsAreReadable() {
        Patient p = client.read().resource(Patient.class).withId("lt-p001").execute();
        assertThat(p.getBirthDateElement().getValueAsString()).isEqualTo("1958-03-14");
    }

    @Test
    void updateWithClientIdCreatesThenVersions() {
        Patient p = new Patient();
        p.setId("client-assigned-1");
        MethodOutcome first = client.update().resource(p).execute();
        assertThat(first.getResponseStatusCode()).isEqualTo(201);
        MethodOutcome second = client.update().resource(p).execute();
        assertThat(second.getResponseStatusCode()).isEqualTo(200);
        assertThat(second.getId().getVersionIdPart()).isEqualTo("2");
    }

    @Test
    void conditionalCreateMatchesAnExistingIdentifier() {
        ServiceRequest sr = new ServiceRequest().addIdentifier(new Identifier().setSystem("urn:test").setValue("cc-1"));
        sr.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE).setIntent(ServiceRequest.ServiceRequestIntent.ORDER)
                .setSubject(new Reference("Patient/lt-p001"));
        MethodOutcome first = client.create().resource(sr).conditionalByUrl("ServiceRequest?identifier=urn:test|cc-1").execute();
        MethodOutcome again = client.create().resource(sr).conditionalByUrl("ServiceRequest?identifier=urn:test|cc-1").execute();
        assertThat(first.getCreated()).isTrue();
        assertThat(again.getCreated()).isNotEqualTo(Boolean.TRUE);
        assertThat(again.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
        Bundle found = client.search().forResource(ServiceRequest.class)
                .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode("urn:test", "cc-1")).returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).hasSize(1);
    }

    @Test
    void searchesFollowEachWriteOfTheFieldsTheyFilterOn() {
        String system = "https://sandbox.test/moved-" + System.nanoTime();
        java.util.function.BiFunction<String, String, Integer> tasks = (patient, identifier) -> client.search().forResource(Task.class)
                .where(Task.PATIENT.hasId(patient)).and(Task.IDENTIFIER.exactly().systemAndCode(system, identifier))
                .withAdditionalHeader("Cache-Control", "no-cache").returnBundle(Bundle.class).execute().getEntry().size();
        Task task = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER)
                .setFor(new Reference("Patient/lt-p001"));
        task.addIdentifier(new Identifier().setSystem(system).setValue("1"));
        String id = client.create().resource(task).execute().getId().getIdPart();
        assertThat(tasks.apply("Patient/lt-p001", "1")).isEqualTo(1); // the first search by patient builds its index
        task.setId(id);
        task.setFor(new Reference("Patient/lt-p002")).getIdentifierFirstRep().setValue("2");
        client.update().resource(task).execute();
        assertThat(tasks.apply("Patient/lt-p001", "1")).as("the old patient and identifier").isZero();
        assertThat(tasks.apply("Patient/lt-p002", "1")).isZero();
        assertThat(tasks.apply("Patient/lt-p002", "2")).as("the new patient and identifier").isEqualTo(1);
        assertThat(tasks.apply("lt-p002", "2")).as("a reference by id alone").isEqualTo(1);
        assertThat(client.search().forResource(Task.class).where(Task.IDENTIFIER.exactly().systemAndValues(system, "1", "2"))
                .withAdditionalHeader("Cache-Control", "no-cache").returnBundle(Bundle.class).execute().getEntry())
                .as("values separated by commas: either").hasSize(1);
    }

    @Test
    void transactionResolvesUrnReferencesAndIsIdempotentWithIfNoneExist() {
        Bundle tx = episode("tx-1");
        Bundle firstResponse = client.transaction().withBundle(tx).execute();
        Bundle secondResponse = client.transaction().withBundle(episode("tx-1")).execute();
        assertThat(firstResponse.getEntry()).extracting(e -> e.getResponse().getStatus()).containsExactly("201 Created", "201 Created");
        assertThat(secondResponse.getEntry()).extracting(e -> e.getResponse().getStatus()).containsExactly("200 OK", "200 OK");

        Bundle tasks = client.search().forResource(Task.class)
                .where(Task.GROUP_IDENTIFIER.exactly().systemAndCode("urn:test:episode", "tx-1"))
                .and(Task.PATIENT.hasId("Patient/lt-p002")).and(Task.STATUS.exactly().code("requested"))
                .returnBundle(Bundle.class).execute();
        assertThat(tasks.getEntry()).hasSize(1);
        Task task = (Task) tasks.getEntryFirstRep().getResource();
        String srLocation = firstResponse.getEntry().get(0).getResponse().getLocation();
        assertThat(task.getFocus().getReference()).isEqualTo(new org.hl7.fhir.r4.model.IdType(srLocation).toVersionless().getValue());
        client.read().resource(ServiceRequest.class).withId(task.getFocus().getReferenceElement()).execute();
    }

    @Test
    void aTransactionsGetEntriesAreAnsweredAfterItsWritesAndSeeThem() {
        Bundle tx = episode("tx-get");
        tx.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Task?group-identifier=urn:test:episode%7Ctx-get");
        Bundle response = client.transaction().withBundle(tx).execute();
        assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus()).containsExactly("201 Created", "201 Created", "200 OK");
        Bundle found = (Bundle) response.getEntry().get(2).getResource();
        assertThat(found.getEntry()).hasSize(1);
        assertThat(found.getEntryFirstRep().getResource()).isInstanceOf(Task.class);
    }

    @Test
    void aBatchAnswersEachReadAndSearchOnItsOwn() {
        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/lt-p001");
        batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/no-such-patient");
        batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient?birthdate=1958-03-14");
        batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient?_id=lt-p002");
        Bundle response = client.transaction().withBundle(batch).execute();
        assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
        assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus().substring(0, 3)).containsExactly("200", "404", "400", "200");
        assertThat(((Patient) response.getEntry().get(0).getResource()).getIdElement().getIdPart()).isEqualTo("lt-p001");
        assertThat(response.getEntry().get(2).getResponse().getOutcome()).isNotNull();
        assertThat(((Bundle) response.getEntry().get(3).getResource()).getEntry()).hasSize(1);

        Bundle write = new Bundle().setType(Bundle.BundleType.BATCH);
        write.addEntry().setResource(new Patient()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        assertThatThrownBy(() -> client.transaction().withBundle(write).execute())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Bundle.entry[0].request.method");
    }

    @Test
    void searchListsAllOfATypeWithPaging() {
        Bundle page = client.search().forResource(Patient.class).count(3).returnBundle(Bundle.class).execute();
        assertThat(page.getEntry()).hasSize(3);
        assertThat(page.getLink(Bundle.LINK_NEXT)).isNotNull();
        Bundle next = client.loadPage().next(page).execute();
        assertThat(next.getEntry()).isNotEmpty();
    }

    @Test
    void unsupportedSearchParameterIsA400NotASilentMatch() {
        assertThatThrownBy(() -> client.search().byUrl("Patient?birthdate=1958-03-14").returnBundle(Bundle.class).execute())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("birthdate");
    }

    @Test
    void loadsExtraSeedFromAFolder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path seed) throws Exception {
        java.nio.file.Files.writeString(seed.resolve("extra.json"),
                "{\"resourceType\":\"Patient\",\"id\":\"from-folder\",\"birthDate\":\"1970-01-01\"}");
        try (EhrSandbox withFolder = EhrSandbox.start("127.0.0.1", 0, seed)) {
            IGenericClient other = FhirContext.forR4Cached().newRestfulGenericClient(withFolder.baseUrl());
            assertThat(other.read().resource(Patient.class).withId("from-folder").execute().getBirthDateElement()
                    .getValueAsString()).isEqualTo("1970-01-01");
            assertThat(other.read().resource(Patient.class).withId("lt-p001").execute()).isNotNull();
        }
    }

    @Test
    void taskForAPatientTheEhrDoesNotKnowIs422NamingTheElement() {
        Task task = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER)
                .setFor(new Reference("Patient/nobody"));
        assertThatThrownBy(() -> client.create().resource(task).execute())
                .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException.class)
                .hasMessageContaining("Task.for");
        Bundle tx = episode("tx-unknown-patient");
        ((Task) tx.getEntry().get(1).getResource()).setFor(new Reference("Patient/nobody"));
        int before = sandbox.store().count("ServiceRequest");
        assertThatThrownBy(() -> client.transaction().withBundle(tx).execute())
                .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException.class);
        assertThat(sandbox.store().count("ServiceRequest")).as("all or nothing").isEqualTo(before);
    }

    @Test
    void staleIfMatchIs412() {
        Patient p = new Patient();
        p.setId("versioned-1");
        client.update().resource(p).execute();
        client.update().resource(p).execute(); // now at version 2
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        tx.addEntry().setResource(p).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Patient/versioned-1").setIfMatch("W/\"1\"");
        assertThatThrownBy(() -> client.transaction().withBundle(tx).execute())
                .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException.class);
        tx.getEntryFirstRep().getRequest().setIfMatch("W/\"2\"");
        assertThat(client.transaction().withBundle(tx).execute().getEntryFirstRep().getResponse().getStatus()).isEqualTo("200 OK");
    }

    @Test
    void pausedSandboxRefusesThenAnswersWithTheSameData() throws Exception {
        try (EhrSandbox own = EhrSandbox.start("127.0.0.1", 0, null)) {
            IGenericClient c = FhirContext.forR4Cached().newRestfulGenericClient(own.baseUrl());
            Patient p = new Patient();
            p.setId("kept");
            c.update().resource(p).execute();
            own.pause();
            assertThatThrownBy(() -> c.read().resource(Patient.class).withId("kept").execute())
                    .isInstanceOf(ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException.class);
            own.resume();
            assertThat(c.read().resource(Patient.class).withId("kept").execute().getIdElement().getIdPart()).isEqualTo("kept");
        }
    }

    @Test
    void theEnvironmentCanRequireSmartTokens(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var keys = generator.generateKeyPair();
        java.nio.file.Path pem = dir.resolve("client.pub.pem");
        java.nio.file.Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        assertThat(EhrSandboxMain.smartFromEnvironment(java.util.Map.of())).as("open by default").isNull();
        var smart = EhrSandboxMain.smartFromEnvironment(java.util.Map.of("EHR_SMART_CLIENT_ID", "c1", "EHR_SMART_PUBLIC_KEY", pem.toString()));
        try (EhrSandbox secured = EhrSandbox.start("127.0.0.1", 0, null, smart)) {
            IGenericClient c = FhirContext.forR4Cached().newRestfulGenericClient(secured.baseUrl());
            assertThatThrownBy(() -> c.read().resource(Patient.class).withId("lt-p001").execute())
                    .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.AuthenticationException.class);
            var config = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(secured.baseUrl() + "/.well-known/smart-configuration")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(config.body()).contains("/auth/token", "private_key_jwt", "RS384");
        }
    }

    @Test
    void unknownIdIs404() {
        assertThatThrownBy(() -> client.read().resource(Patient.class).withId("nope").execute())
                .isInstanceOf(ResourceNotFoundException.class);
    }

    private static Bundle episode(String episode) {
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        ServiceRequest sr = new ServiceRequest().addIdentifier(new Identifier().setSystem("urn:test:episode").setValue(episode));
        sr.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE).setIntent(ServiceRequest.ServiceRequestIntent.ORDER)
                .setSubject(new Reference("Patient/lt-p002"));
        tx.addEntry().setFullUrl("urn:uuid:11111111-1111-1111-1111-111111111111").setResource(sr).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("ServiceRequest").setIfNoneExist("identifier=urn:test:episode|" + episode);
        Task task = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER)
                .setFor(new Reference("Patient/lt-p002")).setFocus(new Reference("urn:uuid:11111111-1111-1111-1111-111111111111"));
        task.setGroupIdentifier(new Identifier().setSystem("urn:test:episode").setValue(episode));
        task.addIdentifier(new Identifier().setSystem("urn:test:task").setValue(episode + "-1"));
        tx.addEntry().setFullUrl("urn:uuid:22222222-2222-2222-2222-222222222222").setResource(task).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Task").setIfNoneExist("identifier=urn:test:task|" + episode + "-1");
        return tx;
    }
}
