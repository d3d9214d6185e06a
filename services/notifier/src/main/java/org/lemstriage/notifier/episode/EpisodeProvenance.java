package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.Date;
import java.util.List;

/** lems-triage wrote the targets, on the strength of the decision; its id derives from the decision. */
public final class EpisodeProvenance {
    private EpisodeProvenance() {
    }

    public static Provenance of(TriageDecision decision, List<Reference> targets) {
        Provenance provenance = new Provenance();
        provenance.setId("lemstriage-" + EntryUrls.uuid("provenance|" + decision.decisionId()));
        provenance.setTarget(targets);
        provenance.setRecorded(Date.from(decision.decidedAt()));
        provenance.addReason().setText(decision.action() + " " + decision.tier() + ", ruleset " + decision.rulesetVersion());
        provenance.addAgent()
                .setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                        "author", "Author")))
                .setWho(Decided.lemsTriage());
        provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
                .setWhat(new Reference().setDisplay("lems-triage decision " + decision.decisionId())
                        .setIdentifier(new Identifier().setSystem(EhrIdentifiers.DECISION).setValue(decision.decisionId())));
        return provenance;
    }
}
