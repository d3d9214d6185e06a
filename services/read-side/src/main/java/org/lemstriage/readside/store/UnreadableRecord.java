package org.lemstriage.readside.store;

/** A record the store cannot read (not FHIR JSON, not an AuditEvent, no recorded time...): it goes to the dead letters. */
public class UnreadableRecord extends Exception {
    public UnreadableRecord(String reason, Throwable cause) {
        super(reason, cause);
    }
}
