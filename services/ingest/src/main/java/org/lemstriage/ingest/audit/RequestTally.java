package org.lemstriage.ingest.audit;

import jakarta.enterprise.context.RequestScoped;

/** What one request did, for its AuditEvent: counts only, never a value from a resource. */
@RequestScoped
public class RequestTally {
    private int published;
    private int untracked;
    private int rejected;

    public void published() {
        published++;
    }

    public void untracked() {
        untracked++;
    }

    public void rejected() {
        rejected++;
    }

    String summary() {
        return "published " + published + ", untracked " + untracked + ", rejected " + rejected;
    }
}
