package org.lemstriage.e2e;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.testsupport.BrokerAndSandbox;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HL7 v2 end to end: a laboratory's ORU^R01 over MLLP, acknowledged by ingest, becomes a screening Task in
 * the EHR of the run (the sandbox, or HAPI FHIR JPA); the lab's corrected result (OBX-11 = C), negative, withdraws it.
 * The patient is the one the EHR knows by the MRN that PID-3 carries.
 */
@BrokerAndSandbox
class V2ResultsIT {
    /** PID-3's assigning authority names its OID: the identifier system is urn:oid:1.2.36.146.595.217.0.1. */
    private static final String HOSPITAL_MRN = "urn:oid:1.2.36.146.595.217.0.1";
    /** Mayo-style: P/Q-type VGCC in nmol/L, the lab's own code (CCPQ) in its local code system; %s as the test sets them. */
    private static final String ORU = String.join("\r",
            "MSH|^~\\&|MAYOLINK|MAYO|LEMS|HOSP|%s||ORU^R01^ORU_R01|%s|P|2.5.1",
            "PID|1||%s^^^HOSP&1.2.36.146.595.217.0.1&ISO^MR||Doe^Jane||19580312|F",
            "OBR|1|PL-77|%s^MAYO|CCPQ^P/Q-Type Calcium Channel Ab^L|||20261102093000-0600",
            "OBX|1|NM|CCPQ^P/Q-Type Calcium Channel Ab^L||%s|nmol/L^nmol/L^UCUM|<=0.02|%s|||%s|||20261102093000-0600") + "\r";

    private static Pipeline pipeline;

    @BeforeAll
    static void start(BrokerAndSandbox.Infrastructure infrastructure) throws Exception {
        pipeline = Pipeline.get(infrastructure);
    }

    @Test
    void aPositiveVgccOverMllpBecomesAScreeningTaskAndTheLabsCorrectedNegativeWithdrawsIt() throws Exception {
        String mrn = "V2-" + UUID.randomUUID().toString().substring(0, 8);
        pipeline.ehr.create().resource(new Patient().addIdentifier(new Identifier().setSystem(HOSPITAL_MRN).setValue(mrn))
                .setGender(Enumerations.AdministrativeGender.FEMALE)).execute();
        String order = "MC-" + mrn;

        Message positive = send(ORU.formatted("20261102100000-0600", "POS-" + mrn, mrn, order, "0.45", "H", "F"));
        assertThat(new Terser(positive).get("/MSA-1")).isEqualTo("AA");
        String patientKey = "identifier:" + HOSPITAL_MRN + "|" + mrn;
        String episode = Pipeline.await(() -> pipeline.view(patientKey).path("openEpisode").asText(""), e -> !e.isBlank());
        List<Task> requested = Pipeline.await(() -> tasks(episode, "requested").stream().filter(Pipeline::round).toList(),
                t -> !t.isEmpty());
        assertThat(requested).hasSize(1);
        assertThat(requested.get(0).getFor().getIdentifier().getValue()).as("the Task is for the patient PID-3 names").isEqualTo(mrn);
        assertThat(requested.get(0).getDescription()).contains("P/Q-type VGCC antibody", "0.45 nmol/L");

        // The lab corrects the same result (same filler order and OBX-3) the next day: negative
        Message corrected = send(ORU.formatted("20261103090000-0600", "COR-" + mrn, mrn, order, "0.01", "N", "C"));
        assertThat(new Terser(corrected).get("/MSA-1")).isEqualTo("AA");
        List<Task> cancelled = Pipeline.await(() -> tasks(episode, "cancelled"), t -> !t.isEmpty());
        assertThat(cancelled.get(0).getStatusReason().getText()).isNotBlank();
        assertThat(tasks(episode, "requested")).as("nothing left for the worklist").isEmpty();
        assertThat(pipeline.view(patientKey).path("openEpisode").asText("")).isEmpty();
    }

    /** The episode's Tasks of one status, read fresh; the Task's group identifier is the episode. */
    private static List<Task> tasks(String episode, String status) {
        Bundle found = pipeline.ehr.search().forResource(Task.class).cacheControl(Pipeline.FRESH)
                .where(Task.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episode))
                .and(Task.STATUS.exactly().code(status)).returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (Task) e.getResource()).toList();
    }

    /** As a laboratory system sends: HAPI's MLLP client, one connection per message, waiting for the ACK. */
    private static Message send(String er7) throws Exception {
        try (HapiContext context = new DefaultHapiContext()) {
            context.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
            context.setValidationContext(ValidationContextFactory.noValidation());
            context.getParserConfiguration().setIdGenerator(new ca.uhn.hl7v2.util.idgenerator.UUIDGenerator());
            Connection connection = context.newClient("localhost", pipeline.mllpPort, false);
            connection.getInitiator().setTimeout(60, TimeUnit.SECONDS);
            try {
                return connection.getInitiator().sendAndReceive(context.getPipeParser().parse(er7));
            } finally {
                connection.close();
            }
        }
    }
}
