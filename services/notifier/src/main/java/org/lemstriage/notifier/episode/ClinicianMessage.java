package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.Date;
import java.util.List;

/**
 * What the episode's clinicians (who asked for the result, who is responsible for the episode) hear of an event that
 * changes what they should do: one Communication (notification) per event, to all of them, naming the episode and
 * about its ServiceRequest and the Task the event concerns. The questions asked with the opening are told in the opening's
 * message ({@code asked}), not one message each; a withdrawal's message links the Tasks it cancelled ({@code cancelled}).
 * Created only: a message sent stands.
 */
public record ClinicianMessage(Decided decided, EpisodeEvent event, List<String> recipients, List<EpisodeEvent> asked,
                               List<Reference> cancelled) {
    public String identifier() {
        return EhrIdentifiers.notice(decided.episodeId(), event.key(decided.decision().version()));
    }

    public Communication create() {
        TriageDecision decision = decided.decision();
        Communication message = new Communication();
        message.addIdentifier(new Identifier().setSystem(EhrIdentifiers.NOTICE).setValue(identifier()));
        message.setStatus(Communication.CommunicationStatus.COMPLETED);
        message.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/communication-category",
                "notification", "Notification")));
        message.setPriority(urgent() ? Communication.CommunicationPriority.URGENT : Communication.CommunicationPriority.ROUTINE);
        message.setSubject(decided.patient());
        message.addBasedOn(decided.episodeRequest()); // the episode's messages are found by it
        message.addAbout(decided.episodeRequest());
        if (event.task() != null) {
            message.addAbout(decided.task(event.task()));
        }
        asked.stream().filter(a -> a.task() != null).forEach(a -> message.addAbout(decided.task(a.task())));
        cancelled.forEach(message::addAbout);
        message.setSent(Date.from(decision.decidedAt()));
        recipients.forEach(r -> message.addRecipient(new Reference(r)));
        message.setSender(Decided.lemsTriage());
        message.setReasonReference(decided.results());
        message.addPayload().setContent(new StringType(text() + " (lems-triage, screening episode " + decided.episodeId()
                + ", decision " + decision.decisionId() + ")"));
        return message;
    }

    /** An overdue round always; the opening and a PET order of a HIGH-tier episode. */
    private boolean urgent() {
        return event.kind() == EpisodeEvent.Kind.ROUND_OVERDUE
                || decided.high() && (event.kind() == EpisodeEvent.Kind.OPENED || event.kind() == EpisodeEvent.Kind.PET_ORDERED);
    }

    private String text() {
        TriageDecision decision = decided.decision();
        return switch (event.kind()) {
            case OPENED -> "For a result you ordered, lems-triage " + (decision.kind() == TriageDecision.EpisodeKind.CLINICIAN_REVIEW
                    ? "asked the oncology worklist for a clinician review"
                    : decision.hold() == TriageDecision.Hold.CONFIRMATION ? "asked a clinician to confirm before tumour screening"
                    : decision.hold() == TriageDecision.Hold.CLINICIAN_DECISION ? "planned tumour screening, its imaging held for a clinician's decision"
                    : "opened tumour screening on the oncology worklist") + ". " + decision.explanation() + asked.stream()
                    .filter(a -> a.request() != null).map(a -> " A clinician is asked: " + a.request().kind().display() + ".")
                    .collect(java.util.stream.Collectors.joining());
            case ROUND_OVERDUE -> "Screening round " + event.round().round() + " of " + decision.plan().size()
                    + " (CT thorax) is overdue: its window ended on " + event.round().dueTo() + " and the round is not "
                    + "completed. Its Task's priority was raised on the oncology worklist.";
            case PET_ORDERED -> "The CT thorax of screening round " + event.round().round() + " was recorded as negative: the "
                    + "round's FDG-PET/CT order was released to radiology (EFNS 2011: FDG-PET after a negative CT).";
            case REVIEW_NEEDED -> event.request() == null
                    ? "An antibody result needs a clinician's review; no screening rounds are planned. " + decision.explanation()
                    : "A clinician is asked: " + event.request().kind().display() + ". " + event.request().text();
            case TUMOUR_RECORDED -> "Screening ended: a tumour that explains the LEMS was recorded"
                    + (decision.closure().reference() == null ? "" : " (" + decision.closure().reference() + ")")
                    + ". The open screening rounds were cancelled; oncological care takes over.";
            case SURVEILLANCE_COMPLETE -> "The two-year tumour surveillance is complete without a tumour recorded. A closing "
                    + "review Task is on the worklist: re-evaluate if symptoms return.";
            case SCREENING_DECLINED -> "Screening ended: a clinician declined it. The open screening rounds were cancelled.";
            case WITHDRAWN -> "The screening was withdrawn: the evidence that opened it was withdrawn, or screening is no "
                    + "longer indicated. Its open Tasks were cancelled.";
            case ROUND_RELEASED -> "Screening round " + event.round().round() + " was released to the oncology worklist.";
        };
    }
}
