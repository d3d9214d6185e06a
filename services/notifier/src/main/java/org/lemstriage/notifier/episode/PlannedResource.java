package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.Resource;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Task or order a decision wants in its episode, by its business identifier: how it is created, what the
 * decision sets on one that exists, whether lems-triage may still change one, and how lems-triage's own withdrawal
 * of it is undone when it is wanted again.
 */
public interface PlannedResource {
    /** Task or ServiceRequest. */
    String type();

    /** The business identifier's system. */
    String system();

    /** The business identifier's value, derived from the episode: a resent transaction names the same. */
    String identifier();

    Resource create();

    /** What the decision sets on a copy of what the EHR holds. */
    void apply(Resource existing);

    /** Whether lems-triage may still change what the EHR holds (the team took up, or radiology finished, the rest). */
    boolean changeable(Resource held);

    /** What the EHR holds, its withdrawal by lems-triage undone, when that is why it is closed. */
    Optional<Resource> reopened(Resource held);

    /** Whether writing it undoes lems-triage's withdrawal of what the EHR holds ({@code existing}, null: created). */
    default boolean reopens(Resource existing) {
        return existing != null && reopened(existing).isPresent();
    }

    /**
     * What writing it changes that people should hear of ({@link EpisodeEvent}): {@code existing} is what the EHR holds
     * (null: it is created), {@code written} what the transaction writes.
     */
    default List<EpisodeEvent> events(Resource existing, Resource written) {
        return List.of();
    }

    default String label() {
        return labelOf(identifier());
    }

    /**
     * "round 2", "round 2 CT order", "review Task", "request tumour-fit/Condition/7 Task": how a Task or order is named
     * in differences (ids only, no patient data).
     */
    static String labelOf(String identifier) {
        Optional<String> request = EhrIdentifiers.requestOf(identifier);
        if (request.isPresent()) {
            return "request " + request.get() + " Task";
        }
        String last = identifier.substring(identifier.lastIndexOf('/') + 1);
        return EhrIdentifiers.roundOf(identifier)
                .map(n -> "round " + n + (last.startsWith("round-") ? "" : " " + last.toUpperCase(Locale.ROOT) + " order"))
                .orElse(last + " Task");
    }
}
