package org.lemstriage.e2e;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.testsupport.BrokerAndSandbox;
import org.lemstriage.testsupport.SenderTokens;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inbound from a real EHR: HAPI FHIR JPA's own R4 rest-hook Subscription (full resource payload: it PUTs the
 * Observation to ingest's FHIR base) carries a result stored in the EHR through the pipeline back into the EHR as a
 * Task. The subscription authenticates with a long-lived, narrowly scoped token, since the EHR cannot refresh one.
 * Runs only against the real server (failsafe execution hapi-fhir-jpa).
 */
@BrokerAndSandbox
class HapiJpaSubscriptionIT {
    private static Pipeline pipeline;

    @BeforeAll
    static void start(BrokerAndSandbox.Infrastructure infrastructure) throws Exception {
        pipeline = Pipeline.get(infrastructure);
    }

    @Test
    void aResultStoredInTheEhrReachesIngestThroughTheEhrsSubscriptionAndBecomesATask() throws Exception {
        Subscription subscription = new Subscription().setStatus(Subscription.SubscriptionStatus.REQUESTED)
                .setReason("lems-triage: antibody results").setCriteria("Observation?code=https://www.mayocliniclabs.com/test-catalog|CCPQ");
        subscription.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK)
                .setEndpoint(pipeline.ingest.baseUrl() + "/fhir").setPayload("application/fhir+json")
                .addHeader("Authorization: Bearer " + SenderTokens.longLived("hapi-fhir-jpa", "system/Observation.write", 365));
        String subscriptionId = pipeline.ehr.create().resource(subscription).execute().getId().getIdPart();
        Pipeline.await(() -> pipeline.ehr.read().resource(Subscription.class).withId(subscriptionId).execute().getStatus(),
                status -> status == Subscription.SubscriptionStatus.ACTIVE);

        Patient patient = new Patient().setGender(Enumerations.AdministrativeGender.FEMALE).setBirthDateElement(new DateType("1949-02-11"));
        String patientRef = "Patient/" + pipeline.ehr.create().resource(patient).execute().getId().getIdPart();
        Observation result = new Observation().setStatus(Observation.ObservationStatus.FINAL)
                .setCode(new CodeableConcept(new Coding("https://www.mayocliniclabs.com/test-catalog", "CCPQ", "VGCC P/Q")))
                .setSubject(new Reference(patientRef))
                .setValue(new Quantity().setValue(0.45).setUnit("nmol/L").setSystem("http://unitsofmeasure.org").setCode("nmol/L"));
        result.setEffective(new org.hl7.fhir.r4.model.DateTimeType("2026-11-02T09:30:00Z"));
        String observationRef = "Observation/" + pipeline.ehr.create().resource(result).execute().getId().getIdPart();

        Task task = Pipeline.await(() -> pipeline.rounds(patientRef, "requested"), t -> !t.isEmpty()).get(0);
        assertThat(task.getReasonReference().getReference()).as("the EHR holds the result: a literal reference")
                .isEqualTo(observationRef);
        assertThat(task.getDescription()).contains("0.45 nmol/L");
    }
}
