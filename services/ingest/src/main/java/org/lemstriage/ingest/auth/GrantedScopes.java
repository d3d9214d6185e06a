package org.lemstriage.ingest.auth;

import jakarta.enterprise.context.RequestScoped;
import org.hl7.fhir.r4.model.DomainResource;
import org.lemstriage.ingest.fhir.FhirInputException;

/**
 * What the request's token lets the sender write, for what is only known once the body is read: a Condition inside
 * a Bundle, an {@code $import} or a notification needs a Condition scope as well. Set by
 * {@link BearerAuthentication}; everything is allowed when authentication is off.
 */
@RequestScoped
public class GrantedScopes {
    private boolean checked;
    private String scope;

    void set(String scopeClaim) {
        this.checked = true;
        this.scope = scopeClaim;
    }

    /** Whether the token lets the sender create resources of {@code type}. */
    public boolean allowsCreating(String type) {
        return !checked || SmartScopes.permits(scope, SmartScopes.Access.CREATE, type);
    }

    /**
     * Refuses (403, naming the resource) a resource carried in a body (a Bundle entry, a line, a notification's
     * focus) that the token may not write: the endpoint's scope covers Observations, a Condition needs its own.
     */
    public void requireCreating(DomainResource resource) {
        if (resource != null && !allowsCreating(resource.fhirType())) {
            throw new FhirInputException(403, resource.fhirType(), "The token's scope does not allow writing "
                    + resource.fhirType() + "s; " + SmartScopes.REQUIRED_CONDITION + " is needed");
        }
    }
}
