package org.lemstriage.e2e;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.stack.ServiceProperties;
import org.lemstriage.testsupport.BrokerAndSandbox;
import org.lemstriage.testsupport.Eventually;
import org.lemstriage.testsupport.SenderTokens;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The whole pipeline for end-to-end tests, once per test JVM: the real broker and the EHR sandbox in-process, and
 * ingest, classifier and notifier as separate JVMs started from their packaged quarkus-app.
 */
final class Pipeline {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The EHR read as it is now: a real server may answer a repeated search from an earlier answer. */
    static final CacheControlDirective FRESH = new CacheControlDirective().setNoCache(true);
    /**
     * The classifier's time starts here: the test results are dated 2026-11-02 and the seed's weights and smoking status
     * around then, so the decisions (an old result goes to a clinician after 6 months) are the same on any day.
     */
    static final String CLOCK_START = "2026-11-22T08:00:00Z";
    private static Pipeline instance;

    final String bootstrap;
    final String ehrBase;
    final IGenericClient ehr;
    final Path classifierState;
    /** The test authorization server's public key, which ingest and the classifier's triage view trust. */
    private final java.net.URI senderKey;
    final ServiceProcess ingest;
    /** ingest's HL7 v2 listener (MLLP). */
    final int mllpPort;
    ServiceProcess classifier;
    final ServiceProcess notifier;

    private Pipeline(BrokerAndSandbox.Infrastructure infrastructure) throws Exception {
        bootstrap = infrastructure.bootstrapServers();
        ehrBase = infrastructure.ehrBaseUrl();
        ehr = Fhir.r4().newRestfulGenericClient(ehrBase);
        classifierState = Files.createTempDirectory("e2e-classifier-state");
        // This run's logs only: the log-hygiene test reads them
        Path logs = org.lemstriage.testsupport.Fixtures.repositoryRoot().resolve("testing/end-to-end/target/e2e-logs");
        if (Files.isDirectory(logs)) {
            try (var old = Files.list(logs)) {
                for (Path log : old.toList()) {
                    Files.delete(log);
                }
            }
        }
        // Wired as the local stack wires them: tokens required (verified against the test authorization server's key),
        // the HL7 v2 listener on, with the senders' local code systems as the local stack's site maps them
        mllpPort = org.lemstriage.testsupport.Ports.free();
        senderKey = SenderTokens.publicKeyFile().toUri();
        ingest = ServiceProcess.start("ingest", ServiceProperties.of().kafka(bootstrap).ehr(ehrBase)
                .senderTokens(SenderTokens.ISSUER, senderKey)
                .mllp("127.0.0.1", mllpPort, org.lemstriage.testsupport.Fixtures.repositoryRoot()).asMap());
        classifier = startClassifier();
        notifier = ServiceProcess.start("notifier", ServiceProperties.of().kafka(bootstrap).ehr(ehrBase).asMap());
    }

    /** The services, started on first use against the broker and sandbox that {@link BrokerAndSandbox} gives. */
    static synchronized Pipeline get(BrokerAndSandbox.Infrastructure infrastructure) throws Exception {
        if (instance == null) {
            instance = new Pipeline(infrastructure);
        }
        return instance;
    }

    private ServiceProcess startClassifier() throws Exception {
        // The triage view trusts the same authorization server as ingest
        return ServiceProcess.start("classifier", ServiceProperties.of().kafka(bootstrap).ehr(ehrBase)
                .senderTokens(SenderTokens.ISSUER, senderKey).stateDir(classifierState)
                .clock(CLOCK_START, true).asMap());
    }

    /** Kills the classifier without warning (SIGKILL) and starts it again on the same state folder. */
    void killAndRestartClassifier() throws Exception {
        classifier.kill();
        classifier = startClassifier();
    }

    HttpResponse<String> postObservation(String json) throws Exception {
        return postObservation(ingest, json);
    }

    /** An Observation to {@code ingest}, as an integration engine sends it: with a token allowed to write Observations. */
    static HttpResponse<String> postObservation(ServiceProcess ingest, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/fhir/Observation"))
                .header("Content-Type", "application/fhir+json")
                .header("Authorization", "Bearer " + SenderTokens.token("integration-engine", "system/Observation.write"))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A Condition (a LEMS diagnosis), as an EHR sends it, with a token allowed to write Conditions. */
    HttpResponse<String> postCondition(String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/fhir/Condition"))
                .header("Content-Type", "application/fhir+json")
                .header("Authorization", "Bearer " + SenderTokens.token("ehr-subscriptions", "system/Condition.write"))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Backfill: {@code POST /fhir/$import}, one resource per line. */
    HttpResponse<String> postImport(String ndjson) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/fhir/$import"))
                .header("Content-Type", "application/fhir+ndjson")
                .header("Authorization", "Bearer " + SenderTokens.token("integration-engine", "system/Observation.write"))
                .POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The classifier's time now (its test clock: {@link SurveillanceIT} moves it). */
    java.time.Instant classifierNow() throws Exception {
        var response = HTTP.send(HttpRequest.newBuilder(URI.create(classifier.baseUrl() + "/test/clock")).build(),
                HttpResponse.BodyHandlers.ofString());
        return java.time.Instant.parse(org.lemstriage.model.event.EventJson.mapper().readTree(response.body()).get("now").asText());
    }

    /** Moves the classifier's time forward (an ISO-8601 duration such as P60D). */
    void advanceClassifierClock(String by) throws Exception {
        var response = HTTP.send(HttpRequest.newBuilder(URI.create(classifier.baseUrl() + "/test/clock/advance?by=" + by))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("clock not advanced: HTTP " + response.statusCode());
        }
    }

    /** The classifier's triage view of a patient, or an empty object while it has none (404) or is restoring (503). */
    com.fasterxml.jackson.databind.JsonNode view(String patientKey) {
        try {
            var response = triageView(patientKey);
            if (response.statusCode() != 200 && response.statusCode() != 404 && response.statusCode() != 503) {
                throw new IllegalStateException("triage view answered HTTP " + response.statusCode());
            }
            return response.statusCode() == 200 ? org.lemstriage.model.event.EventJson.mapper().readTree(response.body())
                    : org.lemstriage.model.event.EventJson.mapper().createObjectNode();
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The triage view, read as the oncology console would: with a token carrying the read scope. */
    HttpResponse<String> triageView(String patientKey) throws java.io.IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(classifier.baseUrl() + "/patients/" + patientKey.replace("|", "%7C") + "/triage"))
                        .header("Authorization", "Bearer " + SenderTokens.token("oncology-console", "lemstriage.triage.read")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    List<Task> tasks(String patient, String status) {
        Bundle found = ehr.search().forResource(Task.class).cacheControl(FRESH).where(Task.PATIENT.hasId(patient))
                .and(Task.STATUS.exactly().code(status)).count(50).returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (Task) e.getResource()).toList();
    }

    /** The patient's screening round Tasks in this status (not the Tasks that ask a clinician). */
    List<Task> rounds(String patient, String status) {
        return tasks(patient, status).stream().filter(Pipeline::round).toList();
    }

    /** The patient's Tasks in this status that ask a clinician something, by their Task code. */
    List<Task> asks(String patient, String status, String code) {
        return tasks(patient, status).stream().filter(t -> EhrIdentifiers.REVIEW.equals(t.getIdentifierFirstRep().getSystem())
                && code.equals(t.getCode().getCodingFirstRep().getCode())).toList();
    }

    /** A new patient in the EHR (any EHR: the server gives the id). */
    String newPatient(String birthDate, Enumerations.AdministrativeGender gender) {
        Patient patient = new Patient().setGender(gender).setBirthDateElement(new DateType(birthDate));
        return "Patient/" + ehr.create().resource(patient).execute().getId().getIdPart();
    }

    /** The patient's episode ServiceRequest (not a round's CT or PET order), read fresh. */
    ServiceRequest episodeRequest(String patient) {
        Bundle found = ehr.search().forResource(ServiceRequest.class).cacheControl(FRESH)
                .where(ServiceRequest.PATIENT.hasId(patient)).count(50).returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (ServiceRequest) e.getResource())
                .filter(sr -> EhrIdentifiers.EPISODE.equals(sr.getIdentifierFirstRep().getSystem())).findFirst().orElseThrow();
    }

    /** The patient's reminders lems-triage wrote (CommunicationRequests), by business identifier value, read fresh. */
    java.util.Map<String, CommunicationRequest> reminders(String patient) {
        Bundle found = ehr.search().forResource(CommunicationRequest.class).cacheControl(FRESH)
                .where(CommunicationRequest.SUBJECT.hasId(patient)).count(50).returnBundle(Bundle.class).execute();
        java.util.Map<String, CommunicationRequest> byIdentifier = new java.util.TreeMap<>();
        found.getEntry().stream().map(e -> (CommunicationRequest) e.getResource())
                .filter(r -> EhrIdentifiers.PATIENT_REMINDER.equals(r.getIdentifierFirstRep().getSystem()))
                .forEach(r -> byIdentifier.merge(r.getIdentifierFirstRep().getValue(), r, (a, b) -> {
                    throw new AssertionError("reminder written twice: " + r.getIdentifierFirstRep().getValue());
                }));
        return byIdentifier;
    }

    /** lems-triage's messages to the clinicians of the patient's episodes, by event ({@code opened}, {@code round-1/overdue}). */
    java.util.Map<String, Communication> notices(String patient) {
        Bundle found = ehr.search().forResource(Communication.class).cacheControl(FRESH)
                .where(Communication.SUBJECT.hasId(patient)).count(50).returnBundle(Bundle.class).execute();
        java.util.Map<String, Communication> byEvent = new java.util.TreeMap<>();
        found.getEntry().stream().map(e -> (Communication) e.getResource())
                .filter(c -> EhrIdentifiers.NOTICE.equals(c.getIdentifierFirstRep().getSystem()))
                .forEach(c -> {
                    String value = c.getIdentifierFirstRep().getValue();
                    byEvent.merge(value.substring(value.indexOf("/notice/") + "/notice/".length()), c, (a, b) -> {
                        throw new AssertionError("message written twice: " + value);
                    });
                });
        return byEvent;
    }

    /** The patient's smoking-cessation referrals, read fresh. */
    List<ServiceRequest> smokingReferrals(String patient) {
        Bundle found = ehr.search().forResource(ServiceRequest.class).cacheControl(FRESH)
                .where(ServiceRequest.PATIENT.hasId(patient)).count(50).returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (ServiceRequest) e.getResource())
                .filter(sr -> EhrIdentifiers.SMOKING_CESSATION.equals(sr.getIdentifierFirstRep().getSystem())).toList();
    }

    /** A clinician the EHR holds, new for each test: messages to them are this test's only. */
    String newPractitioner() {
        return "Practitioner/" + ehr.create().resource(new org.hl7.fhir.r4.model.Practitioner().setActive(true)).execute().getId().getIdPart();
    }

    /** The oncology team names the clinician responsible for the patient's episode: its ServiceRequest's performer. */
    void assignResponsible(String patient, String clinician) {
        ServiceRequest episode = episodeRequest(patient);
        ehr.update().resource(episode.addPerformer(new org.hl7.fhir.r4.model.Reference(clinician))).execute();
    }

    static boolean round(Task task) {
        return EhrIdentifiers.ROUND.equals(task.getIdentifierFirstRep().getSystem());
    }

    /** A P/Q-type VGCC (or any quantitative) Observation in FHIR JSON. */
    static String quantity(String id, String patient, String system, String code, String value, String unit) {
        return quantity(id, patient, system, code, value, unit, "2026-11-02T09:30:00Z");
    }

    static String quantity(String id, String patient, String system, String code, String value, String unit, String effective) {
        return """
                {"resourceType":"Observation","id":"%s","status":"final",
                 "code":{"coding":[{"system":"%s","code":"%s"}]},
                 "subject":{"reference":"%s"},"effectiveDateTime":"%s",
                 "valueQuantity":{"value":%s,"unit":"%s","system":"http://unitsofmeasure.org","code":"%s"}}
                """.formatted(id, system, code, patient, effective, value, unit, unit);
    }

    /** A positive SOX1 immunoblot (LOINC 82444-1) in FHIR JSON. */
    static String sox1Positive(String id, String patient, String effective) {
        return """
                {"resourceType":"Observation","id":"%s","status":"final",
                 "code":{"coding":[{"system":"http://loinc.org","code":"82444-1"}]},
                 "subject":{"reference":"%s"},"effectiveDateTime":"%s",
                 "valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"10828004","display":"Positive"}]}}
                """.formatted(id, patient, effective);
    }

    static <T> T await(Supplier<T> read, Predicate<T> done) throws InterruptedException {
        return Eventually.await(read, done, Duration.ofSeconds(60));
    }
}
