package org.lemstriage.ingest.audit;

import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.hl7.fhir.r4.model.AuditEvent;
import org.jboss.logging.Logger;
import org.lemstriage.ingest.IngestConfig;
import org.lemstriage.model.fhir.AuditEvents;
import org.lemstriage.model.fhir.Fhir;

import java.time.Duration;

/**
 * One AuditEvent per HL7 v2 message, as {@link RequestAudit} writes one per request: the control id (MSH-10, an id,
 * not patient data), the ACK given and the counts, never a value from the message. It must be confirmed before the
 * ACK is sent: an unconfirmed one is {@link NotAudited}, and the message gets no ACK.
 */
@ApplicationScoped
public class MessageAudit {
    private static final Logger LOG = Logger.getLogger(MessageAudit.class);

    /** The AuditEvent was not confirmed: the message may not be acknowledged. */
    public static final class NotAudited extends RuntimeException {
        NotAudited(Throwable cause) {
            super(cause.getClass().getSimpleName(), cause, false, false);
        }
    }

    private final MutinyEmitter<String> emitter;
    private final RequestTally tally;
    private final Duration timeout;

    public MessageAudit(@Channel(RequestAudit.CHANNEL) MutinyEmitter<String> emitter, RequestTally tally, IngestConfig config) {
        this.emitter = emitter;
        this.tally = tally;
        this.timeout = config.publishTimeout();
    }

    /** {@code ack}: AA, AE, AR, or none; {@code reason}: where and why, for a refusal (a location and a rule, no value). */
    public void message(String controlId, String ack, String reason) {
        AuditEvent.AuditEventOutcome outcome = "AA".equals(ack) ? AuditEvent.AuditEventOutcome._0
                : "none".equals(ack) ? AuditEvent.AuditEventOutcome._8 : AuditEvent.AuditEventOutcome._4;
        AuditEvent event = AuditEvents.rest("create", AuditEvent.AuditEventAction.C, outcome,
                "HL7 v2 ACK " + ack + "; " + tally.summary() + (reason == null ? "" : "; " + reason), "ingest", false);
        event.addEntity().setName("MLLP ORU^R01 " + controlId);
        try {
            emitter.send(Fhir.r4().newJsonParser().encodeResourceToString(event)).await().atMost(timeout);
        } catch (RuntimeException e) {
            LOG.warnf("AuditEvent for v2 message %s not confirmed (%s): no ACK", controlId, e.getClass().getSimpleName());
            throw new NotAudited(e);
        }
    }
}
