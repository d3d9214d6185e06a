package org.lemstriage.audit.fhir;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The FHIR API and CDS Hooks take bearer tokens only. Quarkus OIDC picks a tenant from any session cookie it is sent,
 * whatever the path, so the console's cookie would open them: their requests' cookies are dropped before
 * authentication.
 */
@ApplicationScoped
public class BearerTokensOnly {
    /** Before Quarkus' authentication handler, as a route filter must be to change what it reads */
    private static final int BEFORE_AUTHENTICATION = -900;

    void dropCookies(@Observes Router router) {
        for (String api : new String[] {"/fhir/*", "/cds-services*"}) {
            router.route(api).order(BEFORE_AUTHENTICATION).handler(request -> {
                request.request().headers().remove(HttpHeaders.COOKIE);
                request.next();
            });
        }
    }
}
