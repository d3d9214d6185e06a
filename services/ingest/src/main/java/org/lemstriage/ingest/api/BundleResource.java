package org.lemstriage.ingest.api;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.hl7.fhir.r4.model.Bundle;
import org.lemstriage.ingest.fhir.BundleReader;
import org.lemstriage.ingest.fhir.FhirFormat;
import org.lemstriage.ingest.http.FhirResponses;
import org.lemstriage.ingest.intake.AllOrNothing;
import org.lemstriage.ingest.intake.NotConfirmed;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code POST /fhir} with a Bundle. A transaction is all or nothing: every entry is checked first, then the tracked
 * results go to Kafka in one Kafka transaction. A batch, collection or message is answered entry by entry in a
 * batch-response Bundle. Entries that are not Observations (a MessageHeader, a Patient) are acknowledged, not kept.
 */
@Path("/fhir")
@Consumes({FhirResponses.FHIR_JSON, "application/json", FhirResponses.FHIR_XML, "application/xml", "text/xml"})
public class BundleResource {
    private final BundleReader reader;
    private final EntryAnswers entries;
    private final AllOrNothing allOrNothing;

    public BundleResource(BundleReader reader, EntryAnswers entries, AllOrNothing allOrNothing) {
        this.reader = reader;
        this.entries = entries;
        this.allOrNothing = allOrNothing;
    }

    @POST
    @Blocking
    public Response bundle(String body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                           @HeaderParam(HttpHeaders.ACCEPT) String accept, @QueryParam("_format") String format) {
        FhirFormat in = FhirFormat.ofContentType(contentType);
        FhirFormat out = FhirFormat.ofResponse(format, accept, in);
        Bundle bundle = reader.read(body, in);
        return bundle.getType() == Bundle.BundleType.TRANSACTION ? transaction(bundle, out) : batch(bundle, out);
    }

    private Response transaction(Bundle bundle, FhirFormat out) {
        java.util.Set<Integer> published;
        try {
            published = allOrNothing.publish(reader.tracked(bundle));
        } catch (NotConfirmed e) {
            return FhirResponses.notConfirmed("Bundle", out);
        }
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            response.addEntry().getResponse().setStatus(published.contains(i) ? "201 Created" : "200 OK");
        }
        return FhirResponses.resource(200, response, out);
    }

    private Response batch(Bundle bundle, FhirFormat out) {
        Map<Integer, BundleReader.Entry> tracked = new HashMap<>();
        reader.tracked(bundle).forEach(e -> tracked.put(e.index(), e));
        Bundle response = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            BundleReader.Entry entry = tracked.get(i);
            var answer = response.addEntry().getResponse();
            EntryAnswers.Answer result = entry == null ? EntryAnswers.notKept()
                    : entries.take(entry.resource(), entry.problem(), entry.path());
            answer.setStatus(result.status()).setOutcome(result.outcome());
        }
        return FhirResponses.resource(200, response, out);
    }
}
