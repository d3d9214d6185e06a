package org.lemstriage.ingest.hl7v2;

import ca.uhn.hl7v2.ErrorCode;

/**
 * A message that cannot be taken as sent: AE (application error: it cannot be mapped, at {@code where}) or AR
 * (application reject: a message type, version or character set this listener does not accept), with the HL7 Table
 * 0357 code its ERR-3 carries: 100 segment sequence error, 101 required field missing, 102 data type error, 103 table
 * value not found, 200 unsupported message type, 203 unsupported version id, 207 application internal error.
 */
public final class V2Problem extends RuntimeException {
    public enum Ack { AE, AR }

    private final Ack ack;
    private final V2Location where;
    private final ErrorCode code;

    public V2Problem(Ack ack, V2Location where, ErrorCode code, String message) {
        super(message, null, false, false);
        this.ack = ack;
        this.where = where;
        this.code = code;
    }

    /** A value that is not of its field's type (102). */
    public static V2Problem error(V2Location where, String message) {
        return new V2Problem(Ack.AE, where, ErrorCode.DATA_TYPE_ERROR, message);
    }

    /** A field the mapping needs is empty (101). */
    public static V2Problem missing(V2Location where, String message) {
        return new V2Problem(Ack.AE, where, ErrorCode.REQUIRED_FIELD_MISSING, message);
    }

    /** A coded value not in its HL7 table (103). */
    public static V2Problem notInTable(V2Location where, String message) {
        return new V2Problem(Ack.AE, where, ErrorCode.TABLE_VALUE_NOT_FOUND, message);
    }

    /** Segments not where the message structure has them (100). */
    public static V2Problem sequence(V2Location where, String message) {
        return new V2Problem(Ack.AE, where, ErrorCode.SEGMENT_SEQUENCE_ERROR, message);
    }

    /** lems-triage failed on the message itself (207, application internal error): the sender may send it again. */
    public static V2Problem internal(V2Location where, String message) {
        return new V2Problem(Ack.AE, where, ErrorCode.APPLICATION_INTERNAL_ERROR, message);
    }

    /** A version (MSH-12: 203) or message type (MSH-9: 200) not accepted. */
    public static V2Problem reject(V2Location where, String message) {
        return new V2Problem(Ack.AR, where, where.field() == 12 ? ErrorCode.UNSUPPORTED_VERSION_ID : ErrorCode.UNSUPPORTED_MESSAGE_TYPE, message);
    }

    /**
     * A sending facility (MSH-4) the sender may not send for: AR with 103 (table value not found), as Table 0357 has
     * no code of its own for it; the text says which.
     */
    public static V2Problem notAllowed(V2Location where, String message) {
        return new V2Problem(Ack.AR, where, ErrorCode.TABLE_VALUE_NOT_FOUND, message);
    }

    public Ack ack() {
        return ack;
    }

    public V2Location where() {
        return where;
    }

    /** ERR-3, HL7 Table 0357. */
    public ErrorCode code() {
        return code;
    }
}
