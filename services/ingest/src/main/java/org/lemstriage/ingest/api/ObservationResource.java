package org.lemstriage.ingest.api;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.jboss.logging.Logger;
import org.lemstriage.ingest.fhir.FhirFormat;
import org.lemstriage.ingest.fhir.FhirResponses;
import org.lemstriage.ingest.fhir.FhirInputException;
import org.lemstriage.ingest.fhir.LabResultMapper;
import org.lemstriage.ingest.fhir.ObservationReader;
import org.lemstriage.ingest.kafka.LabResultPublisher;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.ingest.audit.RequestTally;
import org.lemstriage.model.metrics.RecordCounters;

import java.util.Optional;

/**
 * {@code POST /fhir/Observation} and {@code PUT /fhir/Observation/{id}} (an amended, corrected or withdrawn
 * result), and the same for {@code Condition} (a recorded LEMS diagnosis; refuted or entered-in-error
 * withdraws it), FHIR JSON or XML. 201 (POST) or 200 (PUT) once a tracked result is durably on
 * {@code lab.observation.v1}; 200 for an untracked code (acknowledged, counted, not published); 4xx for bad input;
 * 503 with Retry-After when Kafka did not confirm.
 */
@Path("/fhir")
@Consumes({FhirResponses.FHIR_JSON, "application/json", FhirResponses.FHIR_XML, "application/xml", "text/xml"})
public class ObservationResource {
    private static final Logger LOG = Logger.getLogger(ObservationResource.class);
    /** Seconds a sender should wait before resending after a 503. */
    private static final int RETRY_AFTER_SECONDS = 5;

    private final ObservationReader reader;
    private final LabResultMapper mapper;
    private final LabResultPublisher publisher;
    private final RecordCounters counters;
    private final RequestTally tally;

    public ObservationResource(ObservationReader reader, LabResultMapper mapper, LabResultPublisher publisher, RecordCounters counters,
                          RequestTally tally) {
        this.tally = tally;
        this.reader = reader;
        this.mapper = mapper;
        this.publisher = publisher;
        this.counters = counters;
    }

    @POST
    @Blocking // instance validation of tracked results must not hold the event loop
    @Path("/{type: Observation|Condition}")
    public Response create(@PathParam("type") String type, String body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                           @HeaderParam(HttpHeaders.ACCEPT) String accept, @QueryParam("_format") String format) {
        FhirFormat in = FhirFormat.ofContentType(contentType);
        return ingest(read(type, body, in, null), FhirFormat.ofResponse(format, accept, in), 201);
    }

    @PUT
    @Blocking
    @Path("/{type: Observation|Condition}/{id}")
    public Response update(@PathParam("type") String type, @PathParam("id") String id, String body,
                           @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                           @HeaderParam(HttpHeaders.ACCEPT) String accept, @QueryParam("_format") String format) {
        FhirFormat in = FhirFormat.ofContentType(contentType);
        return ingest(read(type, body, in, id), FhirFormat.ofResponse(format, accept, in), 200);
    }

    /**
     * A deletion is not a withdrawal lems-triage acts on: it says neither why nor what the result was (the patient and
     * the analyte, which the withdrawal needs), and a lab withdraws a result by marking it entered-in-error. So
     * senders, an EHR's delete notifications among them, are told to do that (405, with the reason).
     */
    @DELETE
    @Path("/{type: Observation|Condition}/{id}")
    public Response delete(@PathParam("type") String type, @PathParam("id") String id, @HeaderParam(HttpHeaders.ACCEPT) String accept,
                           @QueryParam("_format") String format) {
        counters.in();
        counters.rejected("delete-not-supported");
        tally.rejected();
        boolean condition = "Condition".equals(type);
        return Response.fromResponse(FhirResponses.response(405, OperationOutcome.IssueSeverity.ERROR,
                        OperationOutcome.IssueType.NOTSUPPORTED, "Deleting " + (condition ? "a Condition" : "an Observation")
                                + " does not withdraw it from lems-triage: send it again (PUT) with "
                                + (condition ? "verificationStatus refuted or entered-in-error" : "status entered-in-error")
                                + ", which withdraws what it contributed",
                        condition ? "Condition.verificationStatus" : "Observation.status",
                        FhirFormat.ofResponse(format, accept, FhirFormat.JSON)))
                .header("Allow", "POST, PUT").build();
    }

    private DomainResource read(String type, String body, FhirFormat format, String urlId) {
        counters.in();
        try {
            DomainResource resource = reader.read(body, format, type);
            if (urlId != null && !urlId.equals(resource.getIdElement().getIdPart())) {
                throw new FhirInputException(400, type + ".id",
                        type + ".id must be present and equal the id in the URL of an update");
            }
            return resource;
        } catch (FhirInputException e) {
            tally.rejected();
            counters.rejected(e.expression() == null ? "unparseable" : "invalid");
            throw e;
        }
    }

    private Response ingest(DomainResource resource, FhirFormat out, int publishedStatus) {
        Optional<LabResult> result;
        try {
            result = mapper.map(resource);
        } catch (FhirInputException e) {
            tally.rejected();
            counters.rejected("invalid");
            throw e;
        }
        if (result.isEmpty()) {
            counters.skipped("untracked-code");
            tally.untracked();
            return FhirResponses.information(200, resource instanceof Observation
                    ? "Accepted; the lab code is not a tracked analyte, so nothing was published"
                    : "Accepted; the code is not a tracked diagnosis, so nothing was published", out);
        }
        LabResult labResult = result.get();
        try {
            // Waited for here, on this worker thread: the request's own tally is counted in its request context.
            // A record written after the wait ran out still changes nothing downstream when the sender resends it
            publisher.publish(labResult);
        } catch (RuntimeException failure) {
            tally.rejected();
            counters.rejected("kafka-unavailable");
            LOG.warnf("observation %s not confirmed: Kafka did not confirm in time (%s)", labResult.observationId(),
                    failure.getClass().getSimpleName());
            return FhirResponses.unavailable(FhirResponses.notConfirmed(resource.fhirType()), RETRY_AFTER_SECONDS, out);
        }
        counters.out();
        tally.published();
        LOG.debugf("published observation %s", labResult.observationId());
        return FhirResponses.information(publishedStatus, "Accepted; " + labResult.analyte().display()
                + " result published to " + Topics.LAB_OBSERVATION, out);
    }
}
