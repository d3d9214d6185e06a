package org.lemstriage.readside.fhir;

import io.quarkus.oidc.OIDCException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.jboss.logging.Logger;
import org.lemstriage.model.fhir.Fhir;

/**
 * The hospital's OpenID Connect provider does not answer, so no token or session can be checked: every interface
 * answers 503 with an OperationOutcome and Retry-After, not the 500 Quarkus would give (which reads as lems-triage's
 * own failure). The store keeps storing meanwhile; health is not affected.
 */
@ApplicationScoped
public class IdentityProviderUnavailable {
    static final String MESSAGE = "The identity provider (OpenID Connect) does not answer, so the caller cannot be checked; retry later";
    private static final Logger LOG = Logger.getLogger(IdentityProviderUnavailable.class);
    private static final String RETRY_AFTER_SECONDS = "30";

    void answer503(@Observes Router router) {
        router.route().failureHandler(this::handle);
    }

    private void handle(RoutingContext request) {
        if (!providerDown(request.failure()) || request.response().headWritten()) {
            request.next();
            return;
        }
        LOG.warnf("%s %s answered 503: the OpenID Connect provider does not answer", request.request().method(), request.normalizedPath());
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.TRANSIENT).setDiagnostics(MESSAGE);
        request.response().setStatusCode(503).putHeader("Retry-After", RETRY_AFTER_SECONDS)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/fhir+json").end(Fhir.r4().newJsonParser().encodeResourceToString(outcome));
    }

    private static boolean providerDown(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OIDCException) {
                return true;
            }
        }
        return false;
    }
}
