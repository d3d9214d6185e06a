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
import org.lemstriage.ingest.fhir.FhirFormat;
import org.lemstriage.ingest.fhir.FhirInputException;
import org.lemstriage.ingest.fhir.ObservationReader;
import org.lemstriage.ingest.http.FhirResponses;
import org.lemstriage.ingest.intake.IntakeCounts;
import org.lemstriage.ingest.intake.NotConfirmed;
import org.lemstriage.ingest.intake.ResultIntake;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.LabResult;

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
    private final ObservationReader reader;
    private final ResultIntake intake;
    private final IntakeCounts counts;

    public ObservationResource(ObservationReader reader, ResultIntake intake, IntakeCounts counts) {
        this.reader = reader;
        this.intake = intake;
        this.counts = counts;
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
        counts.received();
        counts.rejected("delete-not-supported");
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
        try {
            DomainResource resource = reader.read(body, format, type);
            if (urlId != null && !urlId.equals(resource.getIdElement().getIdPart())) {
                throw new FhirInputException(400, type + ".id",
                        type + ".id must be present and equal the id in the URL of an update");
            }
            return resource;
        } catch (FhirInputException e) {
            throw intake.refused(e);
        }
    }

    private Response ingest(DomainResource resource, FhirFormat out, int publishedStatus) {
        Optional<LabResult> published;
        try {
            published = intake.take(resource);
        } catch (NotConfirmed e) {
            return FhirResponses.notConfirmed(resource.fhirType(), out);
        }
        if (published.isEmpty()) {
            return FhirResponses.information(200, resource instanceof Observation
                    ? "Accepted; the lab code is not a tracked analyte, so nothing was published"
                    : "Accepted; the code is not a tracked diagnosis, so nothing was published", out);
        }
        return FhirResponses.information(publishedStatus, "Accepted; " + published.get().analyte().display()
                + " result published to " + Topics.LAB_OBSERVATION, out);
    }
}
