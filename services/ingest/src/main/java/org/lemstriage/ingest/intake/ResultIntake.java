package org.lemstriage.ingest.intake;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.DomainResource;
import org.jboss.logging.Logger;
import org.lemstriage.ingest.auth.GrantedScopes;
import org.lemstriage.ingest.fhir.FhirInputException;
import org.lemstriage.ingest.fhir.LabResultMapper;
import org.lemstriage.ingest.kafka.LabResultPublisher;
import org.lemstriage.model.event.LabResult;

import java.util.Optional;

/**
 * One lab result or diagnosis taken in on its own (a POST or PUT, a batch entry, an NDJSON line): mapped, published
 * and confirmed by Kafka, each outcome counted once ({@link IntakeCounts}). Several taken together, all or none:
 * {@link AllOrNothing}.
 */
@ApplicationScoped
public class ResultIntake {
    private static final Logger LOG = Logger.getLogger(ResultIntake.class);

    private final LabResultMapper mapper;
    private final LabResultPublisher publisher;
    private final GrantedScopes granted;
    private final IntakeCounts counts;

    public ResultIntake(LabResultMapper mapper, LabResultPublisher publisher, GrantedScopes granted, IntakeCounts counts) {
        this.mapper = mapper;
        this.publisher = publisher;
        this.granted = granted;
        this.counts = counts;
    }

    /**
     * A resource the request's endpoint names (its scope checked with the request): the result published, or empty
     * when its code is not tracked (acknowledged, nothing published).
     *
     * @throws FhirInputException refused: not valid
     * @throws NotConfirmed       Kafka did not confirm it
     */
    public Optional<LabResult> take(DomainResource resource) {
        return take(resource, false);
    }

    /**
     * A resource carried in a body (a batch entry, an NDJSON line), whose type the endpoint's scope does not cover:
     * the token must allow creating it too.
     */
    public Optional<LabResult> takeCarried(DomainResource resource) {
        return take(resource, true);
    }

    private Optional<LabResult> take(DomainResource resource, boolean carried) {
        counts.received();
        Optional<LabResult> result;
        try {
            if (carried) {
                granted.requireCreating(resource);
            }
            result = mapper.map(resource);
        } catch (FhirInputException e) {
            counts.rejected("invalid");
            throw e;
        } catch (RuntimeException e) {
            counts.rejected("internal-error");
            throw e;
        }
        if (result.isEmpty()) {
            counts.untracked();
            return result;
        }
        try {
            // Waited for here, on the caller's thread: a request's tally is counted in its request context
            publisher.publish(result.get());
        } catch (RuntimeException e) {
            counts.rejected("kafka-unavailable");
            LOG.warnf("result %s not confirmed: Kafka did not confirm in time (%s)", result.get().observationId(),
                    e.getClass().getSimpleName());
            throw new NotConfirmed(e);
        }
        counts.published();
        return result;
    }

    /** Something that could not be read as a result at all: received and refused, and the problem to answer with. */
    public FhirInputException refused(FhirInputException problem) {
        counts.received();
        counts.rejected(problem.expression() == null ? "unparseable" : "invalid");
        return problem;
    }
}
