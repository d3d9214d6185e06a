package org.lemstriage.readside.console;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is looking, for the page header and its menu: a worklist user sees the worklist and patient views; an auditor
 * every view but the dead letters; an operator the dead letters, which show no patient.
 */
public record ConsoleUser(String name, boolean worklist, boolean auditor, boolean operator) {
    public static final String WORKLIST = "worklist";
    public static final String AUDITOR = "auditor";
    public static final String OPERATOR = "operator";

    public static ConsoleUser of(SecurityIdentity identity) {
        return new ConsoleUser(identity.getPrincipal().getName(), identity.hasRole(WORKLIST) || identity.hasRole(AUDITOR),
                identity.hasRole(AUDITOR), identity.hasRole(OPERATOR));
    }
}
