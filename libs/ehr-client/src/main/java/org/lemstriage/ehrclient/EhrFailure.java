package org.lemstriage.ehrclient;

/**
 * The EHR did not do what was asked. Transient failures may succeed later; permanent ones never will. The message
 * carries the EHR's own OperationOutcome where there is one, for a test or a debugger; {@link #summary()} leaves it
 * out, since the EHR's words may echo patient data, and is what logs and dead-letter reasons carry.
 */
public abstract sealed class EhrFailure extends RuntimeException permits EhrFailure.Transient, EhrFailure.Permanent {
    private final String summary;

    protected EhrFailure(String summary, String ehrAnswer) {
        super(ehrAnswer == null ? summary : summary + " " + ehrAnswer, null, false, false);
        this.summary = summary;
    }

    /** What failed and how, in ids and status codes only. */
    public String summary() {
        return summary;
    }

    /** Timeouts, connection failures, 5xx, 408, 409, 412, 429, a stale read: the same call may succeed later. */
    public static final class Transient extends EhrFailure {
        public Transient(String summary) {
            super(summary, null);
        }

        public Transient(String summary, String ehrAnswer) {
            super(summary, ehrAnswer);
        }
    }

    /** A 4xx the EHR will answer the same way every time. */
    public static final class Permanent extends EhrFailure {
        private final int status;

        public Permanent(int status, String summary) {
            this(status, summary, null);
        }

        public Permanent(int status, String summary, String ehrAnswer) {
            super(summary, ehrAnswer);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
