package org.lemstriage.ingest.hl7v2;

/**
 * A message that cannot be taken as sent: AE (application error: it cannot be mapped, at {@code where}) or AR
 * (application reject: a message type, version or character set this listener does not accept).
 */
public final class V2Problem extends RuntimeException {
    public enum Ack { AE, AR }

    private final Ack ack;
    private final V2Location where;

    public V2Problem(Ack ack, V2Location where, String message) {
        super(message, null, false, false);
        this.ack = ack;
        this.where = where;
    }

    public static V2Problem error(V2Location where, String message) {
        return new V2Problem(Ack.AE, where, message);
    }

    public static V2Problem reject(V2Location where, String message) {
        return new V2Problem(Ack.AR, where, message);
    }

    public Ack ack() {
        return ack;
    }

    public V2Location where() {
        return where;
    }
}
