package org.lemstriage.ingest.intake;

/**
 * Kafka did not confirm the results in time: nothing may be acknowledged, and the sender sends again (a record that
 * lands after the wait ran out changes nothing downstream when it is sent again).
 */
public final class NotConfirmed extends RuntimeException {
    NotConfirmed(Throwable cause) {
        super(cause.getClass().getSimpleName(), cause, false, false);
    }
}
