package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.Date;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One referral to stop smoking per screening episode whose patient smoked at diagnosis (DELTA-P item T, as the
 * classifier read it from the EHR): smoking is the main risk of the small-cell lung cancer the screening looks for, and
 * the seed texts tell these patients to ask about quitting. An active order of the episode (its requisition), written
 * once and then the clinic's: lems-triage never changes or withdraws it, even when the episode is withdrawn.
 */
final class SmokingCessationReferral implements PlannedResource {
    /**
     * SNOMED CT 315232003 |Referral to stop-smoking clinic (procedure)|, an international concept, member of the eCQM
     * value set "Tobacco Use Cessation Counseling" (VSAC 2.16.840.1.113883.3.526.3.509, CMS138).
     */
    static final Coding REFERRAL = new Coding("http://snomed.info/sct", "315232003", "Referral to stop-smoking clinic");
    /** SNOMED CT 3457005 |Patient referral (procedure)|: the category FHIR's ServiceRequest examples use for referrals. */
    private static final Coding CATEGORY = new Coding("http://snomed.info/sct", "3457005", "Patient referral");
    private static final Pattern OBSERVATION = Pattern.compile("Observation/[A-Za-z0-9\\-.]{1,64}");

    private final Decided decided;
    private final DeltaPItem smoking;

    private SmokingCessationReferral(Decided decided, DeltaPItem smoking) {
        this.decided = decided;
        this.smoking = smoking;
    }

    /** For a screening episode whose patient smoked at diagnosis; none on RETRACT, nor for a review of an old result. */
    static Optional<SmokingCessationReferral> of(Decided decided) {
        TriageDecision decision = decided.decision();
        if (decision.action() == TriageDecision.Action.RETRACT || decision.kind() != TriageDecision.EpisodeKind.SCREENING) {
            return Optional.empty();
        }
        return decision.deltaP() == null ? Optional.empty() : decision.deltaP().stream()
                .filter(i -> i.item() == DeltaPItem.Item.SMOKING_AT_DIAGNOSIS && i.value() == DeltaPItem.Presence.PRESENT)
                .findFirst().map(item -> new SmokingCessationReferral(decided, item));
    }

    /** Whether an order the EHR holds is this referral. */
    static boolean is(ServiceRequest order) {
        return order.getIdentifier().stream().anyMatch(i -> EhrIdentifiers.SMOKING_CESSATION.equals(i.getSystem()));
    }

    @Override
    public String type() {
        return "ServiceRequest";
    }

    @Override
    public String system() {
        return EhrIdentifiers.SMOKING_CESSATION;
    }

    @Override
    public String identifier() {
        return EhrIdentifiers.smokingCessation(decided.episodeId());
    }

    @Override
    public Resource create() {
        TriageDecision decision = decided.decision();
        ServiceRequest referral = new ServiceRequest();
        referral.addIdentifier(new Identifier().setSystem(system()).setValue(identifier()));
        referral.setRequisition(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(decided.episodeId()));
        referral.addBasedOn(decided.episodeRequest());
        referral.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        referral.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        referral.setPriority(ServiceRequest.ServiceRequestPriority.ROUTINE);
        referral.addCategory(new CodeableConcept(CATEGORY.copy()));
        referral.setCode(new CodeableConcept(REFERRAL.copy()).setText("Referral to a stop-smoking service"));
        referral.setSubject(decided.patient());
        referral.setAuthoredOn(Date.from(decision.decidedAt()));
        referral.addReasonCode(new CodeableConcept().setText("Current smoker at diagnosis (DELTA-P item T)"));
        if (smoking.source() != null && OBSERVATION.matcher(smoking.source()).matches()) {
            referral.addReasonReference(new Reference(smoking.source())); // read from the EHR: it exists there
        }
        referral.addNote(Decided.note("Written by lems-triage with screening episode " + decided.episodeId()
                + " (decision " + decision.decisionId() + "): the patient smoked at diagnosis, the main risk of the "
                + "small-cell lung cancer the screening looks for. Once written, this referral is the clinic's."));
        return referral;
    }

    /** Never: once written, the referral is the clinic's. */
    @Override
    public void apply(Resource existing) {
    }

    @Override
    public boolean changeable(Resource held) {
        return false;
    }

    @Override
    public Optional<Resource> reopened(Resource held) {
        return Optional.empty();
    }

    @Override
    public String label() {
        return "smoking-cessation referral";
    }
}
