package org.lemstriage.ingest.hl7v2;

import ca.uhn.hl7v2.model.Message;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import org.lemstriage.ingest.intake.AllOrNothing;
import org.lemstriage.ingest.intake.IntakeCounts;
import org.lemstriage.ingest.intake.NotConfirmed;
import org.lemstriage.ingest.audit.MessageAudit;
import org.lemstriage.ingest.metrics.UnmappedLabCodes;
import org.lemstriage.ingest.metrics.V2Answers;
import org.lemstriage.ingest.fhir.BundleReader;
import org.lemstriage.ingest.fhir.FhirInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ORU^R01 taken as the FHIR path takes a transaction Bundle: every tracked OBX validated and mapped, then all
 * published in one Kafka transaction, or none. The answer, original mode: AA once Kafka has committed; AE (with ERR
 * naming the segment and field) for a message that cannot be mapped; AR for a type or version not accepted. When
 * Kafka does not confirm, no ACK at all: {@link KafkaUnavailable}, and the listener closes the connection, so the
 * sender sends again later (a resend is the same results: same identifiers, same version). Never AE for an outage,
 * which an engine might take as final, and never AA for what was not stored. Each message leaves one AuditEvent.
 */
@ApplicationScoped
@Unremovable
public class OruIntake {
    /** Kafka did not confirm: nothing may be acknowledged. */
    public static final class KafkaUnavailable extends RuntimeException {
        KafkaUnavailable(Throwable cause) {
            super(cause.getClass().getSimpleName(), cause, false, false);
        }
    }

    /** Bundle.entry[i] and the element of the Observation a FHIR-path failure names */
    private static final Pattern ENTRY = Pattern.compile("^Bundle\\.entry\\[(\\d+)]\\.resource\\.?([A-Za-z]*)");

    private final V2Messages messages;
    private final OruToFhir toFhir;
    private final BundleReader reader;
    private final AllOrNothing allOrNothing;
    private final MessageAudit audit;
    private final IntakeCounts counts;
    private final UnmappedLabCodes unmapped;
    private final V2Answers answers;

    public OruIntake(V2Messages messages, OruToFhir toFhir, BundleReader reader, AllOrNothing allOrNothing, MessageAudit audit,
                     IntakeCounts counts, UnmappedLabCodes unmapped, V2Answers answers) {
        this.messages = messages;
        this.toFhir = toFhir;
        this.reader = reader;
        this.allOrNothing = allOrNothing;
        this.audit = audit;
        this.counts = counts;
        this.unmapped = unmapped;
        this.answers = answers;
    }

    /**
     * The answer to one MLLP frame (ER7): a message's ACK, or for a batch (FHS/BHS) the batch of each message's ACK;
     * {@link KafkaUnavailable} when none may be sent, a {@link V2Problem} when the frame holds no MSH to answer.
     */
    public String answer(String frame, SendingFacilities sender) {
        String er7 = V2Messages.normalise(frame);
        if (!V2Batch.is(er7)) {
            return take(er7, sender);
        }
        V2Batch batch = V2Batch.split(er7);
        List<String> acks = new ArrayList<>();
        for (String message : batch.messages()) {
            acks.add(take(V2Messages.normalise(message), sender)); // each in a request context of its own: its own AuditEvent
        }
        return batch.acknowledge(acks);
    }

    /**
     * The ACK to send (ER7), or {@link KafkaUnavailable} when none may be sent. A message for a sending facility (MSH-4.1)
     * the sender may not send for is refused (AR) before it is read further; one whose results would be identified in
     * another facility's order namespace, once mapped.
     */
    @ActivateRequestContext
    public String take(String er7, SendingFacilities sender) {
        Optional<V2Problem> notAllowed = facilityRefusal(er7, sender);
        if (notAllowed.isPresent()) {
            Optional<String> answer = messages.refuseUnparsed(er7, notAllowed.get());
            answered(V2Header.read(er7).map(h -> h.field(10)).orElse(""), answer.isPresent() ? "AR" : "none",
                    notAllowed.get().where() + " " + notAllowed.get().getMessage());
            return answer.orElseThrow(notAllowed::get);
        }
        Message message;
        try {
            message = messages.parse(er7);
        } catch (V2Problem problem) {
            // Answered from its MSH alone if that can be read (a version HAPI has no model for); else no message
            Optional<String> answer = messages.refuseUnparsed(er7, problem);
            answered(V2Header.read(er7).map(h -> h.field(10)).orElse(""), answer.isPresent() ? problem.ack().name() : "none",
                    problem.where() + " " + problem.getMessage());
            return answer.orElseThrow(() -> problem); // not a message to acknowledge: the listener closes the connection
        }
        String controlId = V2Messages.controlId(message);
        // Set before anything can fail validation: a FHIR-path failure is located through its sources
        OruToFhir.Mapped mapped = null;
        try {
            mapped = toFhir.map(messages.oru(message));
            for (Map.Entry<V2Location, String> order : mapped.orderNamespaces().entrySet()) {
                Optional<V2Problem> refused = sender.refusal(order.getValue(), order.getKey());
                if (refused.isPresent()) {
                    throw refused.get();
                }
            }
            allOrNothing.publish(reader.tracked(mapped.bundle()));
        } catch (V2Problem problem) {
            answered(controlId, problem.ack().name(), problem.where() + " " + problem.getMessage());
            return messages.refuse(message, problem);
        } catch (FhirInputException invalid) {
            V2Problem problem = located(invalid, mapped == null ? List.of() : mapped.sources());
            answered(controlId, problem.ack().name(), problem.where() + " " + problem.getMessage());
            return messages.refuse(message, problem);
        } catch (NotConfirmed e) {
            answered(controlId, "none", "Kafka did not confirm: no ACK, the sender sends again");
            throw new KafkaUnavailable(e);
        } catch (ca.uhn.hl7v2.HL7Exception e) {
            V2Problem problem = V2Problem.error(V2Location.of("MSH", 1, 0), "HAPI could not read a field (" + e.getClass().getSimpleName() + ")");
            answered(controlId, "AE", problem.getMessage());
            return messages.refuse(message, problem);
        } catch (RuntimeException e) {
            // A failure of lems-triage's own on this message: AE 207, never a closed connection the engine resends into
            V2Problem problem = V2Problem.internal(V2Location.of("MSH", 1, 0), "lems-triage could not take the message ("
                    + e.getClass().getSimpleName() + "): it may be sent again");
            answered(controlId, "AE", problem.getMessage());
            return messages.refuse(message, problem);
        }
        for (int i = 0; i < mapped.untracked(); i++) {
            counts.untracked();
        }
        mapped.unmapped().forEach(unmapped::seen);
        answered(controlId, "AA", null);
        return messages.accept(message);
    }

    /** The message's AuditEvent, then its count by answer; an answer the audit trail did not confirm is not sent. */
    private void answered(String controlId, String ack, String detail) {
        try {
            audit.message(controlId, ack, detail);
        } catch (MessageAudit.NotAudited e) {
            answers.answered("none");
            throw e;
        }
        answers.answered(ack);
    }

    /** Why the message's MSH-4.1 may not be sent for on this connection; a header that cannot be read cannot be checked. */
    private static Optional<V2Problem> facilityRefusal(String er7, SendingFacilities sender) {
        if (sender.any()) {
            return Optional.empty();
        }
        Optional<V2Header> header = V2Header.read(er7);
        if (header.isEmpty()) {
            return Optional.of(V2Problem.notAllowed(V2Location.of("MSH", 1, 4), "the sending facility (MSH-4) cannot be read"));
        }
        return sender.refusal(header.get().field(4, 1), V2Location.of("MSH", 1, 4));
    }

    /** A FHIR-path failure (validation, an unconvertible unit) as the OBX field it came from. */
    static V2Problem located(FhirInputException invalid, List<V2Location> sources) {
        String expression = invalid.issues().isEmpty() ? "" : invalid.issues().get(0).expression();
        String text = invalid.issues().isEmpty() ? invalid.getMessage() : invalid.issues().get(0).message();
        Matcher m = ENTRY.matcher(expression == null ? "" : expression);
        if (!m.find() || Integer.parseInt(m.group(1)) >= sources.size()) {
            return V2Problem.error(V2Location.of("OBX", 1, 0), text);
        }
        V2Location obx = sources.get(Integer.parseInt(m.group(1)));
        String element = m.group(2);
        int field = switch (element) {
            case "code" -> 3;
            case "status" -> 11;
            case "subject" -> 0;
            case "referenceRange" -> 7;
            case "interpretation" -> 8;
            default -> element.startsWith("effective") ? 14 : element.startsWith("value") ? (expression.contains(".code") || expression.contains(".unit") ? 6 : 5) : 0;
        };
        if (element.equals("subject")) {
            return V2Problem.error(V2Location.of("PID", 1, 3), text);
        }
        return V2Problem.error(new V2Location("OBX", obx.repetition(), field, 0), text);
    }
}
