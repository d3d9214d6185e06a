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

/**
 * The clinician who asked for the antibody result hears what lems-triage did with it, once per episode and
 * clinician, in the same words as the worklist: a Communication (notification) to that Practitioner or
 * PractitionerRole about the episode's ServiceRequest. Created only: a notice sent stands.
 */
public record ClinicianNotice(Decided decided, String orderer) {
    public String identifier() {
        return EhrIdentifiers.notice(decided.episodeId(), orderer);
    }

    public Communication create() {
        TriageDecision decision = decided.decision();
        Communication notice = new Communication();
        notice.addIdentifier(new Identifier().setSystem(EhrIdentifiers.NOTICE).setValue(identifier()));
        notice.setStatus(Communication.CommunicationStatus.COMPLETED);
        notice.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/communication-category",
                "notification", "Notification")));
        notice.setPriority(decided.high() ? Communication.CommunicationPriority.URGENT : Communication.CommunicationPriority.ROUTINE);
        notice.setSubject(decided.patient());
        notice.addAbout(decided.episodeRequest());
        notice.setSent(Date.from(decision.decidedAt()));
        notice.addRecipient(new Reference(orderer));
        notice.setSender(Decided.lemsTriage());
        notice.setReasonReference(decided.results());
        String what = decision.kind() == TriageDecision.EpisodeKind.CLINICIAN_REVIEW
                ? "asked the oncology worklist for a clinician review"
                : decision.hold() == TriageDecision.Hold.CONFIRMATION ? "asked a clinician to confirm before tumour screening"
                : decision.hold() == TriageDecision.Hold.CLINICIAN_DECISION ? "planned tumour screening, its imaging held for a clinician's decision"
                : "opened tumour screening on the oncology worklist";
        notice.addPayload().setContent(new StringType("For a result you ordered, lems-triage " + what + ". "
                + decision.explanation()));
        return notice;
    }
}
