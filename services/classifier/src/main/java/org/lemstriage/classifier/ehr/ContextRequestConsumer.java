package org.lemstriage.classifier.ehr;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.lemstriage.model.kafka.ResultAccepted;
import jakarta.enterprise.context.ApplicationScoped;
import io.opentelemetry.context.Scope;
import org.lemstriage.model.kafka.MessageTrace;
import org.lemstriage.model.metrics.RecordCounters;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;
import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ContextRequest;
import org.lemstriage.model.TriageClock;
import org.lemstriage.ehrclient.EhrFailure;
import org.lemstriage.ehrclient.PatientByIdentifier;
import org.lemstriage.model.Topics;


/**
 * triage.context-request.v1 -> the EHR -> triage.context.v1, off the Kafka Streams thread. Every request gets an
 * answer: the context, or UNAVAILABLE with the reason, so the classifier never waits longer than the EHR takes to
 * fail. The request is acknowledged only once the answer is on the broker.
 * <p>
 * Requests are answered concurrently, on the {@value #READERS} worker pool (its size is
 * {@code smallrye.messaging.worker.context-readers.max-concurrency}): one at a time, a slow EHR would make positives
 * queue behind each other's reads and miss the context hold, and a hung one would answer one request per read
 * time-out. Answers need no order: each names its request.
 */
@ApplicationScoped
public class ContextRequestConsumer {
    public static final String REQUESTS = "context-requests";
    public static final String CONTEXTS = "clinical-contexts";
    static final String READERS = "context-readers";
    /** The reason a context read failed when the EHR did not answer (metrics: lemstriage_context_reads_failed_total). */
    public static final String EHR_UNAVAILABLE = "ehr-unavailable";
    private static final Logger LOG = Logger.getLogger(ContextRequestConsumer.class);

    private final ClinicalContextReader reader;
    private final TriageClock clock;
    private final RecordCounters counters;

    public ContextRequestConsumer(ClinicalContextReader reader, TriageClock clock, RecordCounters counters) {
        this.reader = reader;
        this.clock = clock;
        this.counters = counters;
    }

    @Incoming(REQUESTS)
    @Outgoing(CONTEXTS)
    @Blocking(value = READERS, ordered = false)
    public Message<ClinicalContext> answer(Message<ContextRequest> message) {
        ContextRequest request = message.getPayload();
        if (request == null) {
            // Not ContextRequest JSON (fail-on-deserialization-failure is off): SmallRye parks its bytes as they came
            LOG.errorf("an unreadable context request parked on %s", Topics.CONTEXT_REQUEST_DLQ);
            counters.deadLettered(Topics.CONTEXT_REQUEST_DLQ);
            message.nack(new UnprocessableRequest("unreadable: not ContextRequest JSON"));
            return null; // nothing to answer: the classifier's hold runs out for whichever request it was
        }
        ClinicalContext context;
        try (Scope trace = MessageTrace.current(message)) {
            context = reader.read(request);
        } catch (EhrFailure e) {
            // A short reason: it is quoted in the explanation a clinician reads
            String reason = e instanceof EhrFailure.Permanent p ? "the EHR answered " + p.status()
                    : "the EHR was unreachable or failing";
            LOG.warnf("context %s unavailable: %s", request.requestId(), reason);
            counters.contextReadFailed(e instanceof EhrFailure.Permanent p ? "ehr-rejected-" + p.status() : EHR_UNAVAILABLE);
            context = ClinicalContext.unavailable(request, reason, clock.instant());
        } catch (PatientByIdentifier.NotResolved e) {
            // None or several Patients: no context, and the notifier will write nothing for this patient either
            LOG.warnf("context %s unavailable: %s", request.requestId(), e.reason());
            counters.contextReadFailed(e.reason());
            context = ClinicalContext.unavailable(request, e.getMessage(), clock.instant());
        } catch (RuntimeException e) {
            // A request this reader cannot handle: parked on the dead-letter topic with the failure's kind (never its
            // message, which may quote an identifier), and the classifier answered all the same, so that no decision
            // waits for it and no later request stops behind it
            String reason = "context-read-failed: " + e.getClass().getSimpleName();
            LOG.errorf("context %s not read (%s): request parked on %s", request.requestId(), e.getClass().getSimpleName(),
                    Topics.CONTEXT_REQUEST_DLQ);
            counters.contextReadFailed("unprocessable");
            counters.deadLettered(Topics.CONTEXT_REQUEST_DLQ);
            message.nack(new UnprocessableRequest(reason));
            return Message.of(ClinicalContext.unavailable(request, "lems-triage could not read the EHR for this result",
                    clock.instant())).addMetadata(answerTo(message, request));
        }
        return message.withPayload(context).addMetadata(answerTo(message, request));
    }

    /** The answer's key, and when the request's result was accepted, passed on to the decision ({@link ResultAccepted}). */
    private static OutgoingKafkaRecordMetadata<String> answerTo(Message<ContextRequest> message, ContextRequest request) {
        RecordHeaders headers = new RecordHeaders();
        message.getMetadata(IncomingKafkaRecordMetadata.class).flatMap(in -> ResultAccepted.in(in.getHeaders()))
                .ifPresent(at -> ResultAccepted.stamp(headers, at.toEpochMilli()));
        return OutgoingKafkaRecordMetadata.<String>builder().withKey(request.patientKey()).withHeaders(headers).build();
    }

    /** The dead-letter reason of a request that could not be processed: the failure's kind only. */
    static final class UnprocessableRequest extends RuntimeException {
        UnprocessableRequest(String reason) {
            super(reason, null, false, false);
        }
    }
}
