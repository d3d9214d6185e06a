package org.lemstriage.ingest.hl7v2;

import java.util.Optional;
import java.util.Set;

/**
 * The sending facilities one MLLP connection may send for, as namespace ids: a message's MSH-4.1, and the namespace
 * of each order number its results are identified by (OBR-3.2, else OBR-2.2; the facility when empty), must be among
 * them, so that a sender can neither send as another facility nor write into another lab's results. {@link #ANY}
 * without mutual TLS.
 */
public final class SendingFacilities {
    public static final SendingFacilities ANY = new SendingFacilities(null, Set.of());

    private final String certificate;
    private final Set<String> facilities;

    private SendingFacilities(String certificate, Set<String> facilities) {
        this.certificate = certificate;
        this.facilities = facilities;
    }

    /** What the certificate with subject CN {@code certificate} may send for. */
    static SendingFacilities of(String certificate, Set<String> facilities) {
        return new SendingFacilities(certificate, facilities);
    }

    /** True when nothing is checked. */
    boolean any() {
        return certificate == null;
    }

    /** Why {@code namespace}, read at {@code where}, may not be sent for on this connection; empty if it may. */
    Optional<V2Problem> refusal(String namespace, V2Location where) {
        if (any() || facilities.contains(namespace)) {
            return Optional.empty();
        }
        return Optional.of(V2Problem.notAllowed(where, "the sender's certificate (CN " + certificate + ") may not send for '"
                + namespace + "' (" + where.segment() + "-" + where.field() + ")"));
    }
}
