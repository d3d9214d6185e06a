package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.EhrIdentifiers;

/**
 * The episode's ServiceRequest: CT thorax, then FDG-PET if the CT is negative, citing every result; it records the
 * decision version last applied, so an older decision changes nothing.
 */
public final class EpisodeRequest {
    /** The decision version last applied to the episode, kept on its ServiceRequest. */
    public static final String DECISION_VERSION = "https://lemstriage.org/fhir/StructureDefinition/triage-decision-version";

    private EpisodeRequest() {
    }

    /**
     * As the decision wants it; for the one the EHR holds ({@code existing}, or null), with its id, authoredOn and intent,
     * and the performer the team named (who is responsible for the episode: its clinicians' messages go to them too).
     */
    public static ServiceRequest of(Decided decided, ServiceRequest existing) {
        TriageDecision decision = decided.decision();
        ServiceRequest sr = new ServiceRequest();
        sr.addIdentifier(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(decision.episodeId()));
        sr.addExtension(DECISION_VERSION, new IntegerType(decision.version()));
        // A clinician-review episode, or one waiting for a confirmation, only proposes the CT
        boolean review = decision.kind() == TriageDecision.EpisodeKind.CLINICIAN_REVIEW
                || (decision.closure() == null && decision.hold() == TriageDecision.Hold.CONFIRMATION);
        sr.setStatus(status(decision, review));
        sr.setIntent(review ? ServiceRequest.ServiceRequestIntent.PROPOSAL : ServiceRequest.ServiceRequestIntent.ORDER);
        sr.setPriority(decided.high() ? ServiceRequest.ServiceRequestPriority.URGENT : ServiceRequest.ServiceRequestPriority.ROUTINE);
        sr.setCode(CtOrder.ctChest("CT thorax; FDG-PET if the CT is negative"));
        sr.setSubject(decided.patient());
        sr.setReasonReference(decided.results());
        sr.addNote(new Annotation().setText(decision.explanation()));
        if (existing != null) {
            sr.setId(existing.getIdElement().getIdPart());
            sr.setAuthoredOnElement(existing.getAuthoredOnElement());
            sr.setPerformer(existing.getPerformer());
            if (decision.closure() != null) {
                sr.setIntent(existing.getIntent()); // a proposal that closes stays a proposal, now revoked
            }
        }
        return sr;
    }

    /**
     * Withdrawn (RETRACT, a tumour recorded: the remaining scans are not needed, or a clinician declined), completed
     * (the surveillance), a draft for a clinician-review episode or one waiting for a confirmation (it only proposes
     * the CT: a clinician decides whether to order it), on hold while a clinician decides on imaging, else active.
     */
    private static ServiceRequest.ServiceRequestStatus status(TriageDecision decision, boolean review) {
        if (decision.action() == TriageDecision.Action.RETRACT) {
            return ServiceRequest.ServiceRequestStatus.REVOKED;
        }
        if (decision.closure() != null) {
            return decision.closure().reason() == TriageDecision.Closure.Reason.SURVEILLANCE_COMPLETE
                    ? ServiceRequest.ServiceRequestStatus.COMPLETED : ServiceRequest.ServiceRequestStatus.REVOKED;
        }
        if (decision.hold() == TriageDecision.Hold.CLINICIAN_DECISION) {
            return ServiceRequest.ServiceRequestStatus.ONHOLD;
        }
        return review ? ServiceRequest.ServiceRequestStatus.DRAFT : ServiceRequest.ServiceRequestStatus.ACTIVE;
    }

    /** The decision version applied to the episode; 0 when none is recorded. */
    public static int appliedVersion(ServiceRequest sr) {
        var ext = sr.getExtensionByUrl(DECISION_VERSION);
        return ext != null && ext.getValue() instanceof IntegerType v ? v.getValue() : 0;
    }
}
