package org.lemstriage.ingest.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.model.primitive.CommonTS;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CWE;
import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.datatype.DTM;
import ca.uhn.hl7v2.model.v251.datatype.EI;
import ca.uhn.hl7v2.model.v251.datatype.HD;
import ca.uhn.hl7v2.model.v251.datatype.IS;
import ca.uhn.hl7v2.model.v251.datatype.SN;
import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_PATIENT_RESULT;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.model.v251.segment.PID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.lemstriage.ingest.fhir.LabResultMapper;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ORU^R01 (read into the 2.5.1 model, whatever version 2.3 to 2.5.1 it came in) as FHIR R4 Observations, one per
 * OBX, in a transaction Bundle: what the FHIR path then validates, maps and publishes, so a v2 result becomes the same
 * {@code LabResult} a FHIR Observation would. The fields follow the HL7 v2-to-FHIR IG's OBX, OBR and PID maps:
 * <ul>
 * <li>OBX-3 to code (coding system by {@link V2CodingSystems}); OBX-2 chooses value[x]: NM valueQuantity; SN
 * valueQuantity with its comparator, or valueRatio for 1:N; ST, TX and FT valueString (a comparator and number sent
 * as text, "&lt;0.02", is read as SN would be: labs send numbers as ST); CE and CWE valueCodeableConcept;</li>
 * <li>OBX-6 the quantity's unit (UCUM when the sender names UCUM); OBX-7 referenceRange.text; OBX-8 interpretation
 * (Table 0078 codes are v3 ObservationInterpretation codes); OBX-11 status; OBX-14, else OBR-7, effective;</li>
 * <li>PID-3 the subject, an identifier-keyed Patient (the MR identifier, else the first; its assigning authority
 * gives the system); OBR-16 the ordering provider, as a performer naming a Practitioner by identifier (the mapper
 * passes it on as a conditional reference, and the notifier finds that Practitioner for the clinician notice);</li>
 * <li>the business identifier: the filler order number (OBR-3, else placer OBR-2), OBX-3 and OBX-4, so a correction
 * in a later message is the same result; the version: MSH-7, so a resend is the same version and a correction a
 * newer one.</li>
 * </ul>
 */
public final class OruToFhir {
    /** Where lems-triage's own identifiers for v2 results live: {@code <this><filler namespace>}. */
    public static final String RESULT_SYSTEM = "urn:lems-triage:hl7v2:result:";
    private static final String V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    private static final String UCUM = "http://unitsofmeasure.org";
    private static final Pattern NUMBER_AS_TEXT = Pattern.compile("^\\s*(<=|>=|<|>)?\\s*([-+]?\\d+(?:\\.\\d+)?)\\s*$");
    private static final Pattern TITER_AS_TEXT = Pattern.compile("^\\s*1\\s*:\\s*(\\d{1,7})\\s*$");
    /** OBX-11, Table 0085, as the IG's observation-status map gives it. */
    private static final Map<String, Observation.ObservationStatus> STATUS = Map.ofEntries(
            Map.entry("F", Observation.ObservationStatus.FINAL), Map.entry("C", Observation.ObservationStatus.CORRECTED),
            Map.entry("P", Observation.ObservationStatus.PRELIMINARY), Map.entry("X", Observation.ObservationStatus.CANCELLED),
            Map.entry("D", Observation.ObservationStatus.ENTEREDINERROR), Map.entry("W", Observation.ObservationStatus.ENTEREDINERROR),
            Map.entry("R", Observation.ObservationStatus.PRELIMINARY), Map.entry("S", Observation.ObservationStatus.PRELIMINARY),
            Map.entry("I", Observation.ObservationStatus.REGISTERED), Map.entry("U", Observation.ObservationStatus.FINAL),
            // O: order detail only, no result; N: not asked. No result: registered, which decides nothing
            Map.entry("O", Observation.ObservationStatus.REGISTERED), Map.entry("N", Observation.ObservationStatus.REGISTERED));

    /**
     * The Bundle of the tracked results, and for each of its entries the OBX it came from (for an ERR naming a field of
     * that OBX); how many OBX were not tracked, and of those the codes whose coding system the site has not mapped.
     */
    /**
     * @param orderNamespaces the namespace of each order number the results are identified by, at its OBR-3 (or OBR-2),
     *                        for the orders with tracked results
     */
    public record Mapped(Bundle bundle, List<V2Location> sources, int untracked, List<UnmappedCode> unmapped,
                         Map<V2Location, String> orderNamespaces) {
    }

    /**
     * An OBX-3 code no coding system URI could be given for (a sender's local system that the site has not mapped), so
     * no ConceptMap can know it: counted and logged, since a tracked test under it would otherwise pass unseen.
     */
    public record UnmappedCode(String sender, String codingSystem, String code) {
    }

    /** An order's number: the filler's (OBR-3), else the placer's (OBR-2), in its namespace. */
    private record OrderNumber(String namespace, String number) {
    }

    private final V2CodingSystems codingSystems;
    /** Whether an OBX-3, as a FHIR code, is one of the tracked analytes: only those are mapped, checked and refused. */
    private final Predicate<CodeableConcept> tracked;
    /** Assigning authority namespace (PID-3.4.1) to identifier system, where it carries no OID or URI of its own. */
    private final Map<String, String> assigningAuthorities;
    /** A time without an offset is read in this zone (the sending lab's). */
    private final ZoneId zone;

    public OruToFhir(V2CodingSystems codingSystems, Predicate<CodeableConcept> tracked, Map<String, String> assigningAuthorities,
                     ZoneId zone) {
        this.codingSystems = codingSystems;
        this.tracked = tracked;
        this.assigningAuthorities = Map.copyOf(assigningAuthorities);
        this.zone = zone;
    }

    /**
     * Every OBX whose code is tracked, as an Observation; the others are only counted. What a tracked result needs (the
     * patient, the order number, the message time) is read when the first tracked OBX needs it, so a message of
     * routine results is never refused for a field lems-triage does not use.
     */
    public Mapped map(ORU_R01 message) throws HL7Exception {
        MSH msh = message.getMSH();
        String facility = text(msh.getSendingFacility().getNamespaceID());
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        List<V2Location> sources = new ArrayList<>();
        List<UnmappedCode> unmapped = new ArrayList<>();
        Map<V2Location, String> orderNamespaces = new LinkedHashMap<>();
        String version = null;
        int pid = 0;
        int obr = 0;
        int obx = 0;
        int untracked = 0;
        for (ORU_R01_PATIENT_RESULT result : message.getPATIENT_RESULTAll()) {
            pid++;
            PID patient = result.getPATIENT().getPID();
            Reference subject = null;
            for (ORU_R01_ORDER_OBSERVATION order : result.getORDER_OBSERVATIONAll()) {
                obr++;
                OBR request = order.getOBR();
                OrderNumber filler = null;
                V2Location orderAt = V2Location.of("OBR", obr, 0);
                for (var observation : order.getOBSERVATIONAll()) {
                    obx++;
                    OBX segment = observation.getOBX();
                    CE code = segment.getObservationIdentifier();
                    CodeableConcept concept = concept(code.getIdentifier().getValue(), null, code.getNameOfCodingSystem().getValue(),
                            code.getAlternateIdentifier().getValue(), null, code.getNameOfAlternateCodingSystem().getValue(), facility);
                    if (!tracked.test(concept)) {
                        untracked++;
                        unmappedCode(code, concept, facility).ifPresent(unmapped::add);
                        continue;
                    }
                    if (subject == null) {
                        if (patient.isEmpty()) {
                            throw V2Problem.sequence(V2Location.of("PID", pid, 3), "no PID segment: the results name no patient");
                        }
                        subject = subject(patient, pid);
                    }
                    if (filler == null) {
                        filler = orderNumber(request, obr, facility);
                        orderNamespaces.put(orderNumberAt(request, obr), filler.namespace());
                    }
                    version = version != null ? version : version(msh);
                    V2Location at = V2Location.of("OBX", obx, 0);
                    Observation fhir = observation(segment, request, at, orderAt, facility, filler, subject, version);
                    bundle.addEntry().setResource(fhir).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
                    sources.add(at);
                }
            }
        }
        if (obx == 0) {
            throw V2Problem.sequence(V2Location.of("OBX", 1, 0), "an ORU^R01 without any OBX: no result to take");
        }
        return new Mapped(bundle, sources, untracked, List.copyOf(unmapped), Map.copyOf(orderNamespaces));
    }

    /** The OBX-3 code when none of its codings has a system URI: a sender's local system the site has not mapped. */
    private static Optional<UnmappedCode> unmappedCode(CE code, CodeableConcept concept, String facility) {
        String identifier = text(code.getIdentifier());
        String system = text(code.getNameOfCodingSystem());
        if (identifier.isEmpty() || concept.getCoding().stream().anyMatch(Coding::hasSystem)) {
            return Optional.empty(); // no code, or one a system is known for (only not tracked)
        }
        return Optional.of(new UnmappedCode(facility.isEmpty() ? "unknown" : facility, system, identifier));
    }

    private Observation observation(OBX obx, OBR obr, V2Location at, V2Location orderAt, String facility, OrderNumber filler, Reference subject,
                                    String version) throws HL7Exception {
        Observation o = new Observation();
        CE code = obx.getObservationIdentifier();
        String subId = text(obx.getObservationSubID());
        o.addIdentifier(new Identifier().setSystem(RESULT_SYSTEM + filler.namespace())
                .setValue(filler.number() + "/" + text(code.getIdentifier()) + (subId.isEmpty() ? "" : "/" + subId)));
        o.getMeta().setVersionId(version).setSource("urn:lems-triage:hl7v2:" + (facility.isEmpty() ? "unknown" : facility));
        o.setStatus(status(obx, at));
        if ("U".equals(text(obx.getObservationResultStatus()))) {
            // Final, values as sent before: the classifier makes the held preliminary value final
            o.getMeta().addTag(LabResultMapper.STATUS_CHANGE_SYSTEM, LabResultMapper.FINAL_WITHOUT_RETRANSMISSION,
                    "Status changed to final without retransmitting results already sent as preliminary");
        }
        o.addCategory().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory"));
        o.setCode(concept(code.getIdentifier().getValue(), code.getText().getValue(), code.getNameOfCodingSystem().getValue(),
                code.getAlternateIdentifier().getValue(), code.getAlternateText().getValue(), code.getNameOfAlternateCodingSystem().getValue(),
                facility));
        o.setSubject(subject);
        DTM effective = obx.getDateTimeOfTheObservation().getTime();
        V2Location effectiveAt = field(at, 14);
        if (text(effective).isEmpty()) {
            effective = obr.getObservationDateTime().getTime();
            effectiveAt = field(orderAt, 7);
        }
        if (!text(effective).isEmpty()) {
            o.setEffective(dateTime(effective, effectiveAt));
        }
        value(obx, at, facility, o);
        String range = text(obx.getReferencesRange());
        if (!range.isEmpty()) {
            o.addReferenceRange().setText(range);
        }
        for (IS flag : obx.getAbnormalFlags()) {
            if (!text(flag).isEmpty()) {
                o.addInterpretation().addCoding(new Coding(V3_INTERPRETATION, text(flag), null));
            }
        }
        for (XCN orderer : obr.getOrderingProvider()) {
            if (!text(orderer.getIDNumber()).isEmpty()) {
                o.addPerformer(new Reference().setType("Practitioner").setIdentifier(new Identifier()
                        .setSystem(authority(orderer.getAssigningAuthority())).setValue(text(orderer.getIDNumber())))
                        .setDisplay(name(orderer)));
            }
        }
        return o;
    }

    private void value(OBX obx, V2Location at, String facility, Observation o) throws HL7Exception {
        String type = text(obx.getValueType());
        Varies[] values = obx.getObservationValue();
        if (values.length == 0 || values[0].getData() == null || values[0].getData().isEmpty()) {
            return; // a result without a value (e.g. cancelled): the FHIR path decides what that means
        }
        V2Location where = field(at, 5);
        Type data = values[0].getData();
        switch (type) {
            case "NM" -> o.setValue(quantity(null, number(text(data), where), obx.getUnits(), facility));
            case "SN" -> o.setValue(structuredNumeric(data, obx.getUnits(), facility, where));
            // An OBX-2 left out beside a value is read as ST by the parser (V2Messages)
            case "ST", "TX", "FT" -> o.setValue(fromText(text(data), obx.getUnits(), facility));
            case "CE", "CWE" -> o.setValue(coded(data, facility));
            default -> throw V2Problem.error(field(at, 2), "OBX-2 value type '" + type + "' is not one lems-triage reads (NM, SN, ST, TX, FT, CE, CWE)");
        }
    }

    private org.hl7.fhir.r4.model.Type fromText(String text, CE units, String facility) {
        Matcher number = NUMBER_AS_TEXT.matcher(text);
        if (number.matches()) {
            return quantity(number.group(1), new BigDecimal(number.group(2)), units, facility);
        }
        return new StringType(text.strip());
    }

    /** SN: comparator, number [separator number]; 1:N a ratio (a titer), a single number a quantity. */
    private org.hl7.fhir.r4.model.Type structuredNumeric(Type data, CE units, String facility, V2Location where) {
        String comparator;
        String num1;
        String separator;
        String num2;
        if (data instanceof SN sn) {
            comparator = text(sn.getComparator());
            num1 = text(sn.getNum1());
            separator = text(sn.getSeparatorSuffix());
            num2 = text(sn.getNum2());
        } else {
            // Read as text (validation off): the components as sent, ^-separated
            String[] parts = text(data).split("\\^", -1);
            comparator = parts.length > 0 ? parts[0] : "";
            num1 = parts.length > 1 ? parts[1] : "";
            separator = parts.length > 2 ? parts[2] : "";
            num2 = parts.length > 3 ? parts[3] : "";
        }
        if (":".equals(separator) || "/".equals(separator)) {
            return new Ratio().setNumerator(new Quantity().setValue(number(num1, where.component(2))))
                    .setDenominator(new Quantity().setValue(number(num2, where.component(4))));
        }
        if (!separator.isEmpty()) {
            throw V2Problem.error(where.component(3), "an SN range or sum ('" + separator + "') is not a result lems-triage reads");
        }
        if (!comparator.isEmpty() && !List.of("<", ">", "<=", ">=", "=").contains(comparator)) {
            throw V2Problem.error(where.component(1), "the SN comparator is not one of <, >, <=, >=, =");
        }
        return quantity("=".equals(comparator) ? null : comparator, number(num1, where.component(2)), units, facility);
    }

    private Quantity quantity(String comparator, BigDecimal value, CE units, String facility) {
        Quantity q = new Quantity().setValue(value);
        if (comparator != null && !comparator.isEmpty()) {
            q.setComparator(Quantity.QuantityComparator.fromCode(comparator));
        }
        String unit = text(units.getIdentifier());
        if (unit.isEmpty()) {
            return q;
        }
        // A UCUM code when the sender says it is one; ISO+ and ANSI+ units are read by the unit normaliser as text
        if (UCUM.equals(codingSystems.uri(facility, text(units.getNameOfCodingSystem())).orElse(null))) {
            q.setUnit(text(units.getText()).isEmpty() ? unit : text(units.getText())).setSystem(UCUM).setCode(unit);
        } else {
            q.setUnit(unit);
        }
        return q;
    }

    private CodeableConcept coded(Type data, String facility) {
        if (data instanceof CWE cwe) {
            return concept(cwe.getIdentifier().getValue(), cwe.getText().getValue(), cwe.getNameOfCodingSystem().getValue(),
                    cwe.getAlternateIdentifier().getValue(), cwe.getAlternateText().getValue(), cwe.getNameOfAlternateCodingSystem().getValue(), facility);
        }
        if (data instanceof CE ce) {
            return concept(ce.getIdentifier().getValue(), ce.getText().getValue(), ce.getNameOfCodingSystem().getValue(),
                    ce.getAlternateIdentifier().getValue(), ce.getAlternateText().getValue(), ce.getNameOfAlternateCodingSystem().getValue(), facility);
        }
        String[] parts = text(data).split("\\^", -1);
        return concept(parts[0], parts.length > 1 ? parts[1] : null, parts.length > 2 ? parts[2] : null,
                parts.length > 3 ? parts[3] : null, parts.length > 4 ? parts[4] : null, parts.length > 5 ? parts[5] : null, facility);
    }

    /** CE/CWE to CodeableConcept: the primary and the alternate coding, each with its system when known; the text. */
    private CodeableConcept concept(String code, String display, String system, String altCode, String altDisplay, String altSystem,
                                    String facility) {
        CodeableConcept concept = new CodeableConcept();
        if (code != null && !code.isBlank()) {
            concept.addCoding(new Coding(codingSystems.uri(facility, system).orElse(null), code.strip(), display));
        }
        if (altCode != null && !altCode.isBlank()) {
            concept.addCoding(new Coding(codingSystems.uri(facility, altSystem).orElse(null), altCode.strip(), altDisplay));
        }
        if (display != null && !display.isBlank()) {
            concept.setText(display.strip());
        }
        return concept;
    }

    private Observation.ObservationStatus status(OBX obx, V2Location at) {
        String code = text(obx.getObservationResultStatus());
        Observation.ObservationStatus status = STATUS.get(code);
        if (status == null) {
            throw code.isEmpty() ? V2Problem.missing(field(at, 11), "OBX-11 (result status) is required")
                    : V2Problem.notInTable(field(at, 11), "OBX-11 '" + code + "' is not a result status of Table 0085");
        }
        return status;
    }

    /** PID-3: the MR identifier, else the first; its system from the assigning authority. */
    private Reference subject(PID pid, int repetition) throws HL7Exception {
        CX chosen = null;
        for (CX cx : pid.getPatientIdentifierList()) {
            if (text(cx.getIDNumber()).isEmpty()) {
                continue;
            }
            if (chosen == null || ("MR".equals(text(cx.getIdentifierTypeCode())) && !"MR".equals(text(chosen.getIdentifierTypeCode())))) {
                chosen = cx;
            }
        }
        if (chosen == null) {
            throw V2Problem.missing(V2Location.of("PID", repetition, 3), "PID-3 holds no patient identifier");
        }
        String system = authority(chosen.getAssigningAuthority());
        if (system == null) {
            throw V2Problem.missing(V2Location.of("PID", repetition, 3).component(4), "PID-3's assigning authority '"
                    + text(chosen.getAssigningAuthority().getNamespaceID()) + "' has no identifier system (an OID, a URI, or lemstriage.mllp.assigning-authorities)");
        }
        return new Reference().setType("Patient").setIdentifier(new Identifier().setSystem(system).setValue(text(chosen.getIDNumber())));
    }

    /** HD to an identifier system: an ISO OID, a URI, or a namespace the site configured; null otherwise. */
    private String authority(HD hd) {
        String universal = text(hd.getUniversalID());
        String kind = text(hd.getUniversalIDType());
        if (!universal.isEmpty() && "ISO".equalsIgnoreCase(kind)) {
            return "urn:oid:" + universal;
        }
        if (!universal.isEmpty() && "URI".equalsIgnoreCase(kind)) {
            return universal;
        }
        return assigningAuthorities.get(text(hd.getNamespaceID()));
    }

    /** The filler order number (OBR-3), else the placer's (OBR-2); the namespace defaults to the sending facility. */
    private static OrderNumber orderNumber(OBR obr, int repetition, String facility) {
        EI number = text(obr.getFillerOrderNumber().getEntityIdentifier()).isEmpty() ? obr.getPlacerOrderNumber() : obr.getFillerOrderNumber();
        if (text(number.getEntityIdentifier()).isEmpty()) {
            throw V2Problem.missing(V2Location.of("OBR", repetition, 3), "OBR has neither a filler (OBR-3) nor a placer (OBR-2) order number");
        }
        String namespace = text(number.getNamespaceID()).isEmpty() ? facility : text(number.getNamespaceID());
        return new OrderNumber(namespace.isEmpty() ? "unknown" : namespace, text(number.getEntityIdentifier()));
    }

    /** Where {@link #orderNumber} reads the order number: OBR-3, or OBR-2 when OBR-3 is empty. */
    private static V2Location orderNumberAt(OBR obr, int repetition) {
        return V2Location.of("OBR", repetition, text(obr.getFillerOrderNumber().getEntityIdentifier()).isEmpty() ? 2 : 3);
    }

    /** MSH-7 as yyyyMMddHHmmss: a numeric version, later for a later message. */
    private static String version(MSH msh) throws HL7Exception {
        String value = text(msh.getDateTimeOfMessage().getTime());
        String digits = value.replaceAll("[^0-9].*$", "");
        if (digits.length() < 8) {
            throw V2Problem.missing(V2Location.of("MSH", 1, 7), "MSH-7 (date/time of message) is required");
        }
        return (digits + "000000").substring(0, 14);
    }

    private DateTimeType dateTime(DTM dtm, V2Location at) {
        try {
            CommonTS ts = new CommonTS(dtm.getValue());
            int offset = ts.getGMTOffset();
            ZoneId zoneId = offset == -99 ? zone : ZoneOffset.ofHoursMinutes(offset / 100, offset % 100);
            ZonedDateTime time = ZonedDateTime.of(ts.getYear(), Math.max(ts.getMonth(), 1), Math.max(ts.getDay(), 1), ts.getHour(),
                    ts.getMinute(), ts.getSecond(), 0, zoneId);
            DateTimeType fhir = new DateTimeType(Date.from(time.toInstant()));
            fhir.setTimeZone(java.util.TimeZone.getTimeZone(time.getZone()));
            return fhir;
        } catch (HL7Exception | RuntimeException e) {
            throw V2Problem.error(at, "not a date/time (YYYYMMDDHHMM[SS][+/-ZZZZ])");
        }
    }

    private static BigDecimal number(String text, V2Location where) {
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            throw V2Problem.error(where, "not a number"); // the value stays out of the answer and the audit trail
        }
    }

    private static V2Location field(V2Location at, int field) {
        return new V2Location(at.segment(), at.repetition(), field, 0);
    }

    private static String name(XCN xcn) {
        String name = (text(xcn.getGivenName()) + " " + text(xcn.getFamilyName().getSurname())).strip();
        return name.isEmpty() ? null : name;
    }

    private static String text(Type type) {
        if (type == null) {
            return "";
        }
        try {
            String value = type instanceof ca.uhn.hl7v2.model.Primitive p ? p.getValue() : type.encode();
            return value == null ? "" : value.strip();
        } catch (HL7Exception e) {
            return "";
        }
    }
}
