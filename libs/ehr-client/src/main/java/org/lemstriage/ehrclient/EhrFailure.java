package org.lemstriage.ehrclient;

/** The EHR did not do what was asked. Transient failures may succeed later; permanent ones never will. */
public abstract sealed class EhrFailure extends RuntimeException permits EhrFailure.Transient, EhrFailure.Permanent {

    protected EhrFailure(String message) {
        super(message, null, false, false);
    }

    /** Timeouts, connection failures, 5xx, 408, 429: the same call may succeed later. */
    public static final class Transient extends EhrFailure {
        public Transient(String message) {
            super(message);
        }
    }

    /** A 4xx the EHR will answer the same way every time; the message carries the EHR's OperationOutcome. */
    public static final class Permanent extends EhrFailure {
        private final int status;

        public Permanent(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
