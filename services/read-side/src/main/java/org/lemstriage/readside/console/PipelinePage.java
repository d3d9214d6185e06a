package org.lemstriage.readside.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.lemstriage.readside.pipeline.EhrBreaker;
import org.lemstriage.readside.pipeline.UnmappedCodes;
import org.lemstriage.readside.pipeline.PipelineState;

/**
 * The pipeline now: consumer lag per group, dead-letter topics, the EHR breaker, records per minute per topic, and the
 * HL7 v2 codes no coding system is mapped for.
 */
@Path("/console/pipeline")
@Blocking
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(ConsoleUser.AUDITOR)
public class PipelinePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance pipeline(ConsoleUser user, PipelineState.Snapshot kafka, String breaker,
                                                UnmappedCodes.Figures unmapped, String asOf);
    }

    private final PipelineState state;
    private final EhrBreaker breaker;
    private final UnmappedCodes unmapped;
    private final SecurityIdentity identity;

    public PipelinePage(PipelineState state, EhrBreaker breaker, UnmappedCodes unmapped, SecurityIdentity identity) {
        this.state = state;
        this.breaker = breaker;
        this.unmapped = unmapped;
        this.identity = identity;
    }

    @GET
    public TemplateInstance pipeline() {
        return Templates.pipeline(ConsoleUser.of(identity), state.now(), breaker.state(), unmapped.now(), java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    }
}
