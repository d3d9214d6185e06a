package org.lemstriage.audit.console;

import io.quarkus.security.identity.SecurityIdentity;

/** Who is looking, for the page header and its menu: a worklist user sees the worklist and patient views only. */
public record ConsoleUser(String name, boolean auditor) {
    public static final String WORKLIST = "worklist";
    public static final String AUDITOR = "auditor";

    public static ConsoleUser of(SecurityIdentity identity) {
        return new ConsoleUser(identity.getPrincipal().getName(), identity.hasRole(AUDITOR));
    }
}
