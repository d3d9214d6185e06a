package org.lemstriage.ingest.intake;

import jakarta.enterprise.context.ApplicationScoped;
import org.lemstriage.ingest.audit.RequestTally;
import org.lemstriage.model.metrics.RecordCounters;

/**
 * Each outcome of a result taken in, counted once: in the service's counters ({@code lemstriage_records_*}) and in
 * the request's or message's tally, which its AuditEvent reports. Reasons are a fixed vocabulary.
 */
@ApplicationScoped
public class IntakeCounts {
    private final RecordCounters counters;
    private final RequestTally tally;

    public IntakeCounts(RecordCounters counters, RequestTally tally) {
        this.counters = counters;
        this.tally = tally;
    }

    public void received() {
        counters.in();
    }

    public void published() {
        counters.out();
        tally.published();
    }

    /** Acknowledged, not published: the code is not a tracked analyte or diagnosis. */
    public void untracked() {
        counters.skipped("untracked-code");
        tally.untracked();
    }

    public void rejected(String reason) {
        counters.rejected(reason);
        tally.rejected();
    }
}
