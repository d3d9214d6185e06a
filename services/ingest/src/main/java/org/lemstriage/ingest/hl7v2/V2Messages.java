package org.lemstriage.ingest.hl7v2;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.Location;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.UUIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an ER7 (pipe-delimited) v2 message with HAPI's parser into the 2.5.1 model whatever its version (HAPI's
 * canonical model: one mapping for 2.3 to 2.5.1), and writes its acknowledgement (original mode) with HAPI. HAPI's
 * own validation is off: the mapping checks what lems-triage needs, field by field, and names the field in its error.
 */
public final class V2Messages {
    /** The versions accepted (MSH-12); another is rejected (AR). */
    public static final Set<String> VERSIONS = Set.of("2.3", "2.3.1", "2.4", "2.5", "2.5.1");
    private final HapiContext context;
    private final PipeParser parser;

    public V2Messages() {
        HapiContext context = new DefaultHapiContext();
        context.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
        context.setValidationContext(ValidationContextFactory.noValidation());
        // An ACK's own control id (MSH-10): a UUID, never HAPI's default, a counter in a file in the working directory
        context.getParserConfiguration().setIdGenerator(new UUIDGenerator());
        // An OBX with a value and no OBX-2 (an engine left it out), or an OBX-2 that is no v2 type: its value is read as
        // text, not a parse failure; only a tracked OBX is then judged by its type (OruToFhir)
        context.getParserConfiguration().setDefaultObx2Type("ST");
        context.getParserConfiguration().setInvalidObx2Type("ST");
        this.context = context;
        this.parser = context.getPipeParser();
    }

    /**
     * The message as HAPI reads it: segments ended by a carriage return, whatever the sender used ({@code \r\n}, or
     * {@code \n} alone after a file hop: then every line feed ends a segment; in a message that has carriage returns,
     * a line feed is data), and an MSH-2 of five characters (v2.7's truncation character, {@code ^~\&#}) cut to the
     * four that versions 2.3 to 2.5.1 know.
     */
    public static String normalise(String er7) {
        String text = er7.replace("\r\n", "\r");
        if (text.indexOf('\r') < 0) {
            text = text.replace('\n', '\r'); // a line feed inside a text field of a CR-ended message is left alone
        }
        if (text.startsWith("MSH") && text.length() > 4) {
            int end = text.indexOf(text.charAt(3), 4);
            if (end == 9) {
                text = text.substring(0, 8) + text.substring(9); // MSH|^~\&#| -> MSH|^~\&|
            }
        }
        return text;
    }

    /** An ORU^R01 of an accepted version, or a {@link V2Problem}: AR for another type or version, AE if it does not parse. */
    public ORU_R01 oru(String er7) {
        return oru(parse(er7));
    }

    /** The message read, of any type or version; a {@link V2Problem} when it is not v2 at all or does not parse. */
    public Message parse(String er7) {
        String version;
        try {
            version = parser.getVersion(er7);
        } catch (HL7Exception | RuntimeException e) {
            // HAPI throws a StringIndexOutOfBoundsException for some text without an MSH: a reject, never a crash
            if (V2Header.read(er7).map(h -> h.field(12, 1).isBlank()).orElse(false)) {
                throw new V2Problem(V2Problem.Ack.AR, V2Location.of("MSH", 1, 12), ErrorCode.REQUIRED_FIELD_MISSING,
                        "MSH-12 (version) is required");
            }
            throw V2Problem.reject(V2Location.of("MSH", 1, 0), "not an HL7 v2 message with a readable MSH segment");
        }
        if (!VERSIONS.contains(version)) {
            // HAPI reads no version it has no model for (2.8.2, 2.9): refused before parsing, answered from the MSH alone
            throw V2Problem.reject(V2Location.of("MSH", 1, 12), "version " + version + " is not accepted (2.3 to 2.5.1)");
        }
        try {
            return parser.parse(er7);
        } catch (RuntimeException e) {
            throw V2Problem.error(V2Location.of("MSH", 1, 0), "does not parse as HL7 v2 (" + e.getClass().getSimpleName() + ")");
        } catch (HL7Exception e) {
            Location at = e.getLocation();
            String segment = at == null || at.getSegmentName() == null ? "MSH" : at.getSegmentName();
            throw V2Problem.error(at == null ? V2Location.of(segment, 1, 0) : V2Location.of(segment, Math.max(at.getSegmentRepetition(), 1),
                    Math.max(at.getField(), 0)), "does not parse as HL7 v2 (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The message as an ORU^R01 of an accepted version (MSH-12, MSH-9), else AR naming the field. */
    public ORU_R01 oru(Message message) {
        String version = field(message, "/MSH-12-1");
        if (!VERSIONS.contains(version)) {
            throw V2Problem.reject(V2Location.of("MSH", 1, 12), "version " + version + " is not accepted (2.3 to 2.5.1)");
        }
        String type = field(message, "/MSH-9-1") + "^" + field(message, "/MSH-9-2");
        if (!"ORU^R01".equals(type) || !(message instanceof ORU_R01 oru)) {
            throw V2Problem.reject(V2Location.of("MSH", 1, 9), "message type " + type + " is not accepted (ORU^R01 only)");
        }
        return oru;
    }

    /** MSH-10, the sender's control id ("" when it has none). */
    public static String controlId(Message message) {
        return field(message, "/MSH-10");
    }

    /** AA for {@code message}, as ER7. */
    public String accept(Message message) {
        try {
            return parser.encode(message.generateACK());
        } catch (HL7Exception | IOException e) {
            throw new IllegalStateException("HAPI could not write an ACK", e);
        }
    }

    /** AE or AR for {@code message}, its ERR naming where and why (ERR-2 location, ERR-3 code, ERR-8 the text). */
    public String refuse(Message message, V2Problem problem) {
        try {
            return parser.encode(message.generateACK(problem.ack() == V2Problem.Ack.AR ? AcknowledgmentCode.AR : AcknowledgmentCode.AE,
                    reason(problem)));
        } catch (HL7Exception | IOException e) {
            throw new IllegalStateException("HAPI could not write an ACK", e);
        }
    }

    /**
     * AE or AR for a message that could not be parsed, built from its MSH alone (read as text: {@link V2Header}) with
     * HAPI's 2.5.1 ACK; empty when not even the MSH can be read (the listener then closes the connection).
     */
    public Optional<String> refuseUnparsed(String er7, V2Problem problem) {
        Optional<V2Header> header = V2Header.read(er7);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        V2Header msh = header.get();
        try {
            ca.uhn.hl7v2.model.v251.message.ACK ack = new ca.uhn.hl7v2.model.v251.message.ACK(context.getModelClassFactory());
            ack.setParser(parser);
            ack.initQuickstart("ACK", msh.field(9, 2), msh.field(11, 1).isEmpty() ? "P" : msh.field(11, 1));
            // The sender's applications and facilities, answered the other way round; its version, as it named it
            ack.getMSH().getSendingApplication().parse(msh.field(5));
            ack.getMSH().getSendingFacility().parse(msh.field(6));
            ack.getMSH().getReceivingApplication().parse(msh.field(3));
            ack.getMSH().getReceivingFacility().parse(msh.field(4));
            ack.getMSH().getVersionID().getVersionID().setValue(msh.field(12, 1));
            AcknowledgmentCode code = problem.ack() == V2Problem.Ack.AR ? AcknowledgmentCode.AR : AcknowledgmentCode.AE;
            ack.getMSA().getAcknowledgmentCode().setValue(code.name());
            ack.getMSA().getMessageControlID().setValue(msh.field(10));
            reason(problem).populateResponse(ack, code, 0);
            return Optional.of(parser.encode(ack));
        } catch (HL7Exception | IOException e) {
            return Optional.empty();
        }
    }

    /** The problem as HAPI's exception, for ERR: its location (ERR-2), Table 0357 code (ERR-3) and text (ERR-8). */
    private static HL7Exception reason(V2Problem problem) {
        HL7Exception reason = new HL7Exception(problem.getMessage(), problem.code());
        V2Location where = problem.where();
        Location location = new Location().withSegmentName(where.segment()).withSegmentRepetition(where.repetition());
        if (where.field() > 0) {
            location = location.withField(where.field());
        }
        if (where.component() > 0) {
            location = location.withComponent(where.component());
        }
        reason.setLocation(location);
        return reason;
    }

    private static String field(Message message, String path) {
        try {
            String value = new Terser(message).get(path);
            return value == null ? "" : value;
        } catch (HL7Exception e) {
            return "";
        }
    }
}
