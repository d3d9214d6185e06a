package org.lemstriage.ingest.intake;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.lemstriage.ingest.auth.GrantedScopes;
import org.lemstriage.ingest.fhir.BundleReader;
import org.lemstriage.ingest.fhir.FhirInputException;
import org.lemstriage.ingest.fhir.LabResultMapper;
import org.lemstriage.ingest.kafka.TransactionalPublisher;
import org.lemstriage.model.event.LabResult;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Several results accepted together or not at all (a transaction Bundle, a subscription notification, an HL7 v2
 * message): every one is checked and mapped first, then the tracked results go to Kafka in one Kafka transaction;
 * each outcome counted once ({@link IntakeCounts}).
 */
@ApplicationScoped
public class AllOrNothing {
    private static final Logger LOG = Logger.getLogger(AllOrNothing.class);

    private final LabResultMapper mapper;
    private final TransactionalPublisher transactions;
    private final GrantedScopes granted;
    private final IntakeCounts counts;

    public AllOrNothing(LabResultMapper mapper, TransactionalPublisher transactions, GrantedScopes granted, IntakeCounts counts) {
        this.mapper = mapper;
        this.transactions = transactions;
        this.granted = granted;
        this.counts = counts;
    }

    /**
     * The indexes of the entries published; a {@link FhirInputException} located at the first bad entry, or
     * {@link NotConfirmed} (Kafka did not confirm the commit: an abort hides it all; a commit in flight may still
     * land), when nothing was.
     */
    public Set<Integer> publish(List<BundleReader.Entry> entries) {
        Map<Integer, LabResult> published = new HashMap<>();
        for (BundleReader.Entry entry : entries) {
            counts.received();
            try {
                if (entry.problem() != null) {
                    throw entry.problem();
                }
                granted.requireCreating(entry.resource());
                mapper.map(entry.resource()).ifPresentOrElse(r -> published.put(entry.index(), r), counts::untracked);
            } catch (FhirInputException e) {
                counts.rejected("invalid");
                throw e.at(entry.path());
            }
        }
        try {
            transactions.publishAll(List.copyOf(published.values()));
        } catch (RuntimeException e) {
            counts.rejected("kafka-unavailable");
            LOG.warnf("%d results not confirmed: Kafka did not confirm the commit (%s)", entries.size(), e.getClass().getSimpleName());
            throw new NotConfirmed(e);
        }
        published.values().forEach(r -> counts.published());
        return published.keySet();
    }
}
