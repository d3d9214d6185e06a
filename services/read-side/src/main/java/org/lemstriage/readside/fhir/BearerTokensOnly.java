package org.lemstriage.readside.fhir;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The FHIR API, CDS Hooks and the operator API take bearer tokens only. Quarkus OIDC picks a tenant from any session
 * cookie it is sent, whatever the path, so the console's cookie would open them (and a page elsewhere could make a
 * browser replay dead letters): their requests' cookies are dropped before authentication.
 */
@ApplicationScoped
public class BearerTokensOnly {
    /** Before Quarkus' authentication handler, as a route filter must be to change what it reads */
    private static final int BEFORE_AUTHENTICATION = -900;

    void dropCookies(@Observes Router router) {
        for (String api : new String[] {"/fhir/*", "/cds-services*", "/operator/*"}) {
            router.route(api).order(BEFORE_AUTHENTICATION).handler(request -> {
                request.request().headers().remove(HttpHeaders.COOKIE);
                request.next();
            });
        }
    }
}
