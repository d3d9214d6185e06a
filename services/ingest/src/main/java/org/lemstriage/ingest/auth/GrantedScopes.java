package org.lemstriage.ingest.auth;

import jakarta.enterprise.context.RequestScoped;

/**
 * What the request's token lets the sender write, for what is only known once the body is read: a Condition inside
 * a Bundle, an {@code $import} or a notification (ruleset 2.0) needs a Condition scope as well. Set by
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
}
