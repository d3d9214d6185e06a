package org.lemstriage.ingest.api;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.DomainResource;
import org.lemstriage.ingest.fhir.TrackedResources;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.lemstriage.ingest.fhir.FhirFormat;
import org.lemstriage.ingest.http.FhirResponses;
import org.lemstriage.ingest.fhir.FhirInputException;
import org.lemstriage.ingest.fhir.ObservationReader;

/**
 * {@code POST /fhir/$import} with {@code application/fhir+ndjson}: one resource per line, for backfilling history.
 * Each line is taken on its own; the answer is a Parameters resource with a result per line (its status, and an
 * OperationOutcome where there is something to say) and a summary.
 */
@Path("/fhir")
public class ImportResource {
    public static final String NDJSON = "application/fhir+ndjson";

    private final ObservationReader reader;
    private final EntryAnswers entries;

    public ImportResource(ObservationReader reader, EntryAnswers entries) {
        this.reader = reader;
        this.entries = entries;
    }

    private static final java.util.regex.Pattern RESOURCE_TYPE = java.util.regex.Pattern.compile("\"resourceType\"\\s*:\\s*\"(Condition)\"");

    /** The type a line's parse problems are named after: Condition when it says so, else Observation. */
    private static String declaredType(String line) {
        return RESOURCE_TYPE.matcher(line).find() ? "Condition" : "Observation";
    }

    @POST
    @Path("/$import")
    @Blocking
    @Consumes({NDJSON, "application/ndjson", "application/x-ndjson"})
    public Response importNdjson(String body) {
        Parameters answer = new Parameters();
        int published = 0;
        int acknowledged = 0;
        int rejected = 0;
        String[] lines = body == null ? new String[0] : body.split("\\r?\\n");
        for (int n = 0; n < lines.length; n++) {
            if (lines[n].isBlank()) {
                continue;
            }
            String path = "line " + (n + 1);
            EntryAnswers.Answer result;
            try {
                IBaseResource resource = reader.parse(lines[n], FhirFormat.JSON, declaredType(lines[n]));
                if (TrackedResources.tracked(resource)) {
                    DomainResource tracked = (DomainResource) resource;
                    reader.check(tracked, tracked.fhirType());
                    result = entries.take(tracked, null, path);
                } else {
                    result = EntryAnswers.notKept();
                }
            } catch (FhirInputException e) {
                result = entries.take(null, e, path);
            }
            var line = answer.addParameter().setName("line");
            line.addPart().setName("number").setValue(new IntegerType(n + 1));
            line.addPart().setName("status").setValue(new StringType(result.status()));
            if (result.outcome() != null) {
                line.addPart().setName("outcome").setResource(result.outcome());
            }
            if (result.status().startsWith("201")) {
                published++;
            } else if (result.status().startsWith("200")) {
                acknowledged++;
            } else {
                rejected++;
            }
        }
        answer.addParameter().setName("summary").setValue(new StringType(
                "published " + published + ", acknowledged without publishing " + acknowledged + ", rejected " + rejected));
        return FhirResponses.resource(200, answer, FhirFormat.JSON);
    }
}
