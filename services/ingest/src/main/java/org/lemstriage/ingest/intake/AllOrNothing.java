package org.lemstriage.ingest.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.lemstriage.ingest.audit.RequestTally;
import org.lemstriage.ingest.auth.GrantedScopes;
import org.lemstriage.ingest.fhir.BundleReader;
import org.lemstriage.ingest.fhir.FhirFormat;
import org.lemstriage.ingest.fhir.FhirResponses;
import org.lemstriage.ingest.fhir.FhirInputException;
import org.lemstriage.ingest.fhir.LabResultMapper;
import org.lemstriage.ingest.kafka.TransactionalPublisher;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.metrics.RecordCounters;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Several Observations accepted together or not at all (a transaction Bundle, a subscription notification): every
 * one is checked and mapped first, then the tracked results go to Kafka in one Kafka transaction.
 */
@ApplicationScoped
public class AllOrNothing {
    private static final Logger LOG = Logger.getLogger(AllOrNothing.class);

    private final LabResultMapper mapper;
    private final TransactionalPublisher transactions;
    private final RecordCounters counters;
    private final RequestTally tally;
    private final GrantedScopes granted;

    public AllOrNothing(LabResultMapper mapper, TransactionalPublisher transactions, RecordCounters counters, RequestTally tally,
                        GrantedScopes granted) {
        this.mapper = mapper;
        this.transactions = transactions;
        this.counters = counters;
        this.tally = tally;
        this.granted = granted;
    }

    /** Kafka did not confirm the commit: not confirmed (an abort hides it all; a commit in flight may still land). */
    public static final class NotCommitted extends RuntimeException {
        NotCommitted(Throwable cause) {
            super(cause);
        }

        public Response response(String what, FhirFormat out) {
            return FhirResponses.unavailable(FhirResponses.notConfirmed(what), 5, out);
        }
    }

    /**
     * The indexes of the entries published; a {@link FhirInputException} located at the first bad entry, or
     * {@link NotCommitted}, when nothing was.
     */
    public Set<Integer> publish(List<BundleReader.Entry> entries) {
        Map<Integer, LabResult> published = new HashMap<>();
        for (BundleReader.Entry entry : entries) {
            counters.in();
            try {
                if (entry.problem() != null) {
                    throw entry.problem();
                }
                granted.requireCreating(entry.resource());
                mapper.map(entry.resource()).ifPresentOrElse(r -> published.put(entry.index(), r), () -> {
                    counters.skipped("untracked-code");
                    tally.untracked();
                });
            } catch (FhirInputException e) {
                tally.rejected();
                counters.rejected("invalid");
                throw EntryIntake.at(e, entry.path());
            }
        }
        try {
            transactions.publishAll(List.copyOf(published.values()));
        } catch (RuntimeException e) {
            tally.rejected();
            counters.rejected("kafka-unavailable");
            LOG.warnf("%d results not confirmed: Kafka did not confirm the commit (%s)", entries.size(), e.getClass().getSimpleName());
            throw new NotCommitted(e);
        }
        published.values().forEach(r -> {
            counters.out();
            tally.published();
        });
        return published.keySet();
    }
}
