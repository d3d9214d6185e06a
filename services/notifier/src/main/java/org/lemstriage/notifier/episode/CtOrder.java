package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.fhir.EhrIdentifiers;

/** The CT thorax of one round: on hold while the round is planned, active once it is due. */
final class CtOrder extends RoundOrder {
    /** CT chest: LOINC 24627-2 and SNOMED CT 169069000. */
    static final Coding LOINC = new Coding("http://loinc.org", "24627-2", "CT Chest");
    static final Coding SNOMED = new Coding("http://snomed.info/sct", "169069000", "Computed tomography of chest");

    CtOrder(Decided decided, ScreeningRound round) {
        super(decided, round);
    }

    static CodeableConcept ctChest(String text) {
        return new CodeableConcept().addCoding(LOINC.copy()).addCoding(SNOMED.copy()).setText(text);
    }

    @Override
    public String identifier() {
        return EhrIdentifiers.ctOrder(decided.episodeId(), round.round());
    }

    @Override
    CodeableConcept code() {
        return ctChest("CT thorax");
    }

    @Override
    boolean released() {
        return RoundTask.due(round);
    }

    @Override
    String what() {
        return "CT thorax";
    }
}
