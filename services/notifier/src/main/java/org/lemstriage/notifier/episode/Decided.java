package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.PatientKey;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.AuditEvents;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What every resource of an episode is built from: the decision, what the EHR holds for its episode, the episode's
 * ServiceRequest as the transaction references it, and the worklist that owns the Tasks.
 */
public record Decided(TriageDecision decision, HeldEpisode held, Reference episodeRequest, Reference worklist) {
    /** Task.note.authorString and ServiceRequest.note.authorString of what lems-triage writes: others' notes stay. */
    static final String LEMS_TRIAGE = "lems-triage";
    /** A FHIR id: only such references are written as literal references. */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    String episodeId() {
        return decision.episodeId();
    }

    Reference patient() {
        return PatientKey.toReference(decision.patientKey());
    }

    boolean high() {
        return decision.tier() == TriageDecision.Tier.HIGH;
    }

    /**
     * The antibody results, as literal references where the EHR holds them; a result the EHR does not hold (sent by a
     * lab system, or with an id the sender made up) is named, not referenced: a server that enforces referential
     * integrity would refuse a reference to nothing.
     */
    List<Reference> results() {
        return decision.evidence().stream().map(TriageDecision.Evidence::observationReference).distinct()
                .map(ref -> held.observations().contains(ref) ? new Reference(ref)
                        : ref.startsWith("Condition/") ? new Reference().setType("Condition").setDisplay("LEMS diagnosis " + ref)
                        : new Reference().setType("Observation").setDisplay("Antibody result " + ref))
                .toList();
    }

    /** The first result: R4 Task.reasonReference is 0..1 (all of them are on the ServiceRequest). */
    Reference firstResult() {
        List<Reference> results = results();
        return results.isEmpty() ? null : results.get(0);
    }

    /**
     * Whom the clinicians' messages go to: who asked for the results (as the EHR knows them) and the Practitioner or
     * PractitionerRole the team named as the episode's performer, where known.
     */
    public List<String> toTell() {
        Set<String> clinicians = new LinkedHashSet<>(held.orderers() == null ? List.of() : held.orderers());
        if (held.serviceRequest() != null) {
            held.serviceRequest().getPerformer().stream().map(Reference::getReference).filter(Objects::nonNull)
                    .filter(r -> r.startsWith("Practitioner/") || r.startsWith("PractitionerRole/")).forEach(clinicians::add);
        }
        return List.copyOf(clinicians);
    }

    /** A Task of the episode as the transaction references it: the EHR's id where it holds it, else its entry's fullUrl. */
    Reference task(String identifier) {
        Resource task = held.byIdentifier().get(identifier);
        return new Reference(task instanceof Task ? "Task/" + task.getIdElement().getIdPart() : EntryUrls.of("Task", identifier));
    }

    /** A note by lems-triage. */
    static Annotation note(String text) {
        return new Annotation().setAuthor(new StringType(LEMS_TRIAGE)).setText(text);
    }

    /** A note lems-triage wrote: it replaces its own, and keeps everyone else's. */
    static boolean byLemsTriage(Annotation note) {
        return note.hasAuthorStringType() && LEMS_TRIAGE.equals(note.getAuthorStringType().getValue());
    }

    /** lems-triage as an author or sender. */
    static Reference lemsTriage() {
        return new Reference().setType("Device").setDisplay("lems-triage")
                .setIdentifier(new Identifier().setSystem(AuditEvents.SOFTWARE_SYSTEM).setValue("lems-triage"));
    }

    /** The results a decision cites that could be resources of the EHR of this type: FHIR ids only. */
    public static List<String> citedIds(TriageDecision decision, String type) {
        return decision.evidence().stream().map(TriageDecision.Evidence::observationReference).distinct()
                .filter(ref -> ref.startsWith(type + "/")).map(ref -> ref.substring(type.length() + 1))
                .filter(id -> FHIR_ID.matcher(id).matches()).toList();
    }
}
