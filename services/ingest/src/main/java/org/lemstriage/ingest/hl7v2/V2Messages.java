package org.lemstriage.ingest.hl7v2;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

import java.util.Set;

/**
 * Reads an ER7 (pipe-delimited) v2 message with HAPI's parser into the 2.5.1 model whatever its version (HAPI's
 * canonical model: one mapping for 2.3 to 2.5.1). HAPI's own validation is off: the mapping checks what lems-triage
 * needs, field by field, and names the field in its error.
 */
public final class V2Messages {
    /** The versions accepted (MSH-12); another is rejected (AR). */
    public static final Set<String> VERSIONS = Set.of("2.3", "2.3.1", "2.4", "2.5", "2.5.1");
    private final PipeParser parser;

    public V2Messages() {
        HapiContext context = new DefaultHapiContext();
        context.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
        context.setValidationContext(ValidationContextFactory.noValidation());
        this.parser = context.getPipeParser();
    }

    /** An ORU^R01 of an accepted version, or a {@link V2Problem}: AR for another type or version, AE if it does not parse. */
    public ORU_R01 oru(String er7) {
        String version;
        try {
            version = parser.getVersion(er7);
        } catch (HL7Exception | RuntimeException e) {
            // HAPI throws a StringIndexOutOfBoundsException for some text without an MSH: a reject, never a crash
            throw V2Problem.reject(V2Location.of("MSH", 1, 0), "not an HL7 v2 message with a readable MSH segment");
        }
        if (!VERSIONS.contains(version)) {
            throw V2Problem.reject(V2Location.of("MSH", 1, 12), "version " + version + " is not accepted (2.3 to 2.5.1)");
        }
        Message message;
        try {
            message = parser.parse(er7);
        } catch (RuntimeException e) {
            throw V2Problem.error(V2Location.of("MSH", 1, 0), "does not parse as HL7 v2 (" + e.getClass().getSimpleName() + ")");
        } catch (HL7Exception e) {
            var at = e.getLocation();
            String segment = at == null || at.getSegmentName() == null ? "MSH" : at.getSegmentName();
            throw V2Problem.error(at == null ? V2Location.of(segment, 1, 0) : V2Location.of(segment, Math.max(at.getSegmentRepetition(), 1),
                    Math.max(at.getField(), 0)), "does not parse as HL7 v2 (" + e.getClass().getSimpleName() + ")");
        }
        String type;
        try {
            Terser terser = new Terser(message);
            type = terser.get("/MSH-9-1") + "^" + terser.get("/MSH-9-2");
        } catch (HL7Exception e) {
            type = "unknown";
        }
        if (!"ORU^R01".equals(type) || !(message instanceof ORU_R01 oru)) {
            throw V2Problem.reject(V2Location.of("MSH", 1, 9), "message type " + type + " is not accepted (ORU^R01 only)");
        }
        return oru;
    }
}
