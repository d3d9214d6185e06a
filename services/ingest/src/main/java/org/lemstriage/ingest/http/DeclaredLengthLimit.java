package org.lemstriage.ingest.http;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;
import org.lemstriage.ingest.IngestConfig;
import org.lemstriage.ingest.fhir.FhirFormat;

/**
 * A body whose Content-Length is over the limit (default 10 MiB) is answered 413 with an OperationOutcome before a
 * byte of it is read, however large it says it is: a Vert.x route ordered ahead of Quarkus' own upload limit
 * ({@code quarkus.http.limits.max-body-size}, which would answer an empty 413). The connection then closes, as
 * Quarkus' limit closes it. A chunked body is limited as it is read ({@link RequestSizeLimit}).
 */
@ApplicationScoped
public class DeclaredLengthLimit {
    private final long maxBytes;

    public DeclaredLengthLimit(IngestConfig config) {
        this.maxBytes = config.maxRequestBytes();
    }

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    private void check(RoutingContext request) {
        String length = request.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            declared = -1; // a length that is not a number: Vert.x' HTTP codec refuses it itself
        }
        if (declared <= maxBytes) {
            request.next();
            return;
        }
        String contentType = request.request().getHeader(HttpHeaders.CONTENT_TYPE);
        request.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, FhirFormat.ofContentType(contentType).mediaType())
                .putHeader("Connection", "close")
                .end(String.valueOf(RequestSizeLimit.tooLarge(maxBytes, contentType).getEntity()));
    }
}
