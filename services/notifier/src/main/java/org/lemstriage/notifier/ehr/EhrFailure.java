package org.lemstriage.notifier.ehr;

/** The EHR did not confirm a write. Transient failures are retried; permanent ones park the decision on the DLQ. */
public abstract sealed class EhrFailure extends RuntimeException permits EhrFailure.Transient, EhrFailure.Permanent {

    protected EhrFailure(String message) {
        super(message, null, false, false);
    }

    /** Timeouts, connection failures, 5xx, 408, 429: the same write may succeed later. */
    public static final class Transient extends EhrFailure {
        public Transient(String message) {
            super(message);
        }
    }

    /** A 4xx the EHR will answer the same way every time; the message carries the EHR's OperationOutcome. */
    public static final class Permanent extends EhrFailure {
        public Permanent(String message) {
            super(message);
        }
    }
}
