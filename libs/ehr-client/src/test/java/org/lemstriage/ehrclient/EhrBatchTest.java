package org.lemstriage.ehrclient;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.sandbox.EhrSandbox;
import org.lemstriage.testsupport.HostileText;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads in one round trip, on the EHR sandbox over HTTP: each entry answers what the same read or search alone would
 * (a value of any characters found as exactly itself), one counted request for the lot, an absent resource "not held",
 * a refused batch the failure its status is, and reads put after a transaction's writes see them. The notifier's and
 * the classifier's batches run on HAPI FHIR JPA too (HapiJpaEpisodeIT, the end-to-end module). jqwik prints the seed.
 */
class EhrBatchTest {
    private static EhrSandbox sandbox;
    private static EhrClient ehr;
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();

    @BeforeContainer
    static void start() throws Exception {
        sandbox = EhrSandbox.start("127.0.0.1", 0, null);
        ehr = new EhrClient(sandbox.baseUrl(), 3000, 5000).metered(REGISTRY, "test");
    }

    @AfterContainer
    static void stop() throws Exception {
        sandbox.close();
    }

    @Provide
    Arbitrary<String> values() {
        return HostileText.identifierValue();
    }

    @Property(tries = 100)
    void aBatchAnswersEachEntryAsItsOwnCallWouldInOneRequest(@ForAll("values") String value) {
        String system = "urn:lems-triage:test:" + UUID.randomUUID();
        String wanted = create(system, value);
        create(system, value + "-decoy");
        double before = requests("read");
        EhrBatch batch = ehr.batch("test batch");
        var found = batch.search("search Patient", Patient.class, Patient.IDENTIFIER.exactly().systemAndIdentifier(system, value));
        var read = batch.read(Patient.class, wanted);
        var absent = batch.read(Patient.class, "absent-" + UUID.randomUUID());
        var impossible = batch.read(Patient.class, "no/such id");
        batch.send();
        assertThat(found.get()).extracting(p -> p.getIdElement().getIdPart()).containsExactly(wanted);
        assertThat(read.get()).map(p -> p.getIdElement().getIdPart()).contains(wanted);
        assertThat(absent.get()).isEmpty();
        assertThat(impossible.get()).isEmpty();
        assertThat(requests("read") - before).as("one request for the whole batch").isEqualTo(1);
    }

    @Example
    void aBatchTheEhrRefusesIsTheFailureItsStatusIsForEveryEntry() {
        String marker = UUID.randomUUID().toString();
        sandbox.faults().fail(marker, 503, null, 1);
        try {
            EhrBatch batch = ehr.batch("refused batch");
            batch.search("search Task", Task.class, Task.GROUP_IDENTIFIER.exactly().systemAndCode("urn:test", marker));
            assertThatThrownBy(batch::send).isInstanceOf(EhrFailure.Transient.class).hasMessageContaining("503");
        } finally {
            sandbox.faults().clear();
        }
    }

    @Example
    void readsPutAfterATransactionSeeWhatItWroteAndCountAsItsOneWrite() {
        String group = UUID.randomUUID().toString();
        Task task = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setGroupIdentifier(new Identifier().setSystem("urn:test").setValue(group));
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(task)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Task");
        EhrBatch after = ehr.batch("reads after");
        var tasks = after.search("search Task", Task.class, Task.GROUP_IDENTIFIER.exactly().systemAndCode("urn:test", group));
        after.after(transaction);
        double reads = requests("read");
        double writes = requests("write");
        Bundle response = ehr.write("transaction", c -> c.transaction().withBundle(transaction).execute());
        after.answeredBy(response);
        assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("201");
        assertThat(tasks.get()).hasSize(1);
        assertThat(requests("write") - writes).isEqualTo(1);
        assertThat(requests("read") - reads).isZero();
    }

    @Example
    void anAnswerReadBeforeTheBatchIsSentIsAMistakeNotAnEmptyResult() {
        EhrBatch batch = ehr.batch("unsent");
        var found = batch.search("search Patient", Patient.class, Patient.IDENTIFIER.exactly().code("x"));
        assertThatThrownBy(found::get).isInstanceOf(IllegalStateException.class);
        double before = requests("read");
        ehr.batch("empty").send();
        assertThat(requests("read")).as("a batch of nothing asks nothing").isEqualTo(before);
    }

    private static double requests(String kind) {
        var counter = REGISTRY.find("lemstriage.ehr.requests").tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String create(String system, String value) {
        Patient p = new Patient();
        p.addIdentifier().setSystem(system).setValue(value);
        return Fhir.r4().newRestfulGenericClient(sandbox.baseUrl()).create().resource(p).execute().getId().getIdPart();
    }
}
