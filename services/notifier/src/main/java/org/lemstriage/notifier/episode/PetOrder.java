package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.List;

/**
 * The FDG-PET/CT of one round (EFNS 2011: FDG-PET if the CT is negative): on hold until the classifier orders it,
 * once the round's CT was recorded as negative; then active.
 */
final class PetOrder extends RoundOrder {
    /**
     * FDG-PET/CT: SNOMED CT 443271005 |Positron emission tomography with computed tomography using fluorodeoxyglucose
     * (18-F)| and LOINC 81555-5 (PT+CT whole body tumour localisation with 18F-FDG IV), codes that name the tracer and
     * the CT (SNOMED CT 82918005 names neither).
     */
    private static final Coding SNOMED = new Coding("http://snomed.info/sct", "443271005",
            "Positron emission tomography with computed tomography using fluorodeoxyglucose (18-F)");
    private static final Coding LOINC = new Coding("http://loinc.org", "81555-5", "PT+CT Whole body Tum loc W 18F-FDG IV");

    PetOrder(Decided decided, ScreeningRound round) {
        super(decided, round);
    }

    @Override
    public String identifier() {
        return EhrIdentifiers.petOrder(decided.episodeId(), round.round());
    }

    @Override
    CodeableConcept code() {
        return new CodeableConcept().addCoding(SNOMED.copy()).addCoding(LOINC.copy())
                .setText("FDG-PET/CT (fluorodeoxyglucose PET with CT), after a negative CT thorax");
    }

    @Override
    boolean released() {
        return round.petOrdered();
    }

    /** Ordered: the order leaves its hold for radiology, or active again after lems-triage had revoked it. */
    @Override
    public List<EpisodeEvent> events(Resource existing, Resource written) {
        boolean reopened = reopens(existing);
        boolean ordered = ((ServiceRequest) written).getStatus() == ServiceRequest.ServiceRequestStatus.ACTIVE
                && (existing == null || ((ServiceRequest) existing).getStatus() == ServiceRequest.ServiceRequestStatus.ONHOLD || reopened);
        EpisodeEvent event = new EpisodeEvent(EpisodeEvent.Kind.PET_ORDERED, round, null, EhrIdentifiers.round(decided.episodeId(), round.round()));
        return ordered ? List.of(reopened ? event.reopened(decided.decision().version()) : event) : List.of();
    }

    @Override
    String what() {
        return "FDG-PET, because the CT thorax was negative";
    }
}
