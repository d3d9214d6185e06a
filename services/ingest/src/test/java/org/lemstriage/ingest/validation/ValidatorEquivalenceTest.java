package org.lemstriage.ingest.validation;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.lemstriage.ingest.Samples;
import org.lemstriage.ingest.hl7v2.V2Corpus;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.testsupport.Fixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cut R4 definitions change no answer: over a corpus of what ingest takes, {@link TrackedResultValidator} (the cut
 * definitions, the full ones after a miss) says exactly what the validator says against HAPI's full R4 definitions,
 * every error, warning and information, in the same order, at the same place, in the same words (an object's identity
 * hash apart, which differs from run to run). The corpus: every tracked input of ingest's tests (the samples, the
 * routine labs, the demo's cohort, the HL7 v2 corpus and the vendors' quirks as Observations), the bad-input table's
 * Observations and Conditions, the US Core examples when ../shared is beside the repository, and generated variants (a few dozen codes under every canonical URL the full definitions hold,
 * extensions and profiles of every structure definition with and without a version, an empty contained resource of
 * every type, values of every type, good and bad). One thread: the pool's concurrency is not exercised here. jqwik
 * prints the seed.
 */
class ValidatorEquivalenceTest {
    private static final IParser JSON = Fhir.r4().newJsonParser();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * An object's identity hash in a message ("ConceptSetFilterComponent@4200ce90": the validator prints a filter it
     * cannot apply with its default toString), different from one run to the next: compared without it.
     */
    private static final Pattern IDENTITY_HASH = Pattern.compile("\\b([A-Za-z_][\\w$]*(?:\\.[A-Za-z_][\\w$]*)+)@[0-9a-f]{1,8}\\b");
    private static TrackedResultValidator tracked;
    private static ValidatorPool full;
    private static List<String> canonicals;

    @BeforeContainer
    static void validators() throws Exception {
        tracked = new TrackedResultValidator(true, 1);
        full = ValidatorPool.full(Fhir.r4(), 1);
        try (var in = CutR4Definitions.class.getResourceAsStream(CutR4Definitions.CANONICALS)) {
            canonicals = new String(in.readAllBytes()).lines().toList();
        }
    }

    @Example
    void everyTrackedInputOfTheTestsGetsTheFullDefinitionsAnswerFromTheCutAlone() throws Exception {
        List<String> inputs = new ArrayList<>();
        inputs.add(Samples.mayoVgcc("e-1", "Patient/e", "0.45"));
        inputs.add(Samples.vgcc("e-2", "Patient/e", "http://loinc.org", "94335-8", "87", "pmol/L"));
        inputs.add(Samples.lemsDiagnosis("e-3", "Patient/e", "confirmed"));
        inputs.add(Samples.lemsDiagnosis("e-4", "Patient/e", "refuted"));
        Fixtures.routineLabs("").forEach(file -> inputs.add(Fixtures.read(file)));
        try (Stream<Path> cohort = Files.list(Fixtures.repositoryRoot().resolve("deploy/local/sample-cohort"))) {
            cohort.filter(f -> f.toString().endsWith(".json")).sorted().forEach(file -> inputs.add(Fixtures.read(file)));
        }
        V2Corpus.observations().forEach(observation -> inputs.add(JSON.encodeResourceToString(observation)));
        long fullBefore = tracked.byFullDefinitions();
        List<String> tracked = trackedResources(inputs);
        assertThat(tracked).hasSizeGreaterThan(60);
        tracked.forEach(ValidatorEquivalenceTest::assertSameAnswer);
        assertThat(ValidatorEquivalenceTest.tracked.byFullDefinitions() - fullBefore)
                .as("what the tests send needs no definition beyond the cut").isZero();
    }

    @Example
    void theBadInputTableAndTheUsCoreExamplesGetTheFullDefinitionsAnswer() throws Exception {
        List<String> inputs = new ArrayList<>();
        for (var bad : MAPPER.readTree(ValidatorEquivalenceTest.class.getResourceAsStream("/bad-inputs.json")).get("cases")) {
            // 413: refused before it is read (nested deeper than ingest reads), so never validated; the validator's
            // recursion would overflow the stack on it, or not, as the JIT has compiled it
            if (bad.get("status").asInt() != 413) {
                inputs.add(bad.get("body").asText());
            }
        }
        if (Fixtures.usCoreAvailable()) {
            Fixtures.usCore("").forEach(file -> inputs.add(Fixtures.read(file)));
        }
        List<String> tracked = trackedResources(inputs);
        assertThat(tracked).isNotEmpty();
        tracked.forEach(ValidatorEquivalenceTest::assertSameAnswer);
    }

    @Property(tries = 2000)
    void aGeneratedObservationGetsTheFullDefinitionsAnswer(@ForAll("observations") String observation) {
        assertSameAnswer(observation);
    }

    @Property(tries = 500)
    void aGeneratedConditionGetsTheFullDefinitionsAnswer(@ForAll("conditions") String condition) {
        assertSameAnswer(condition);
    }

    @Example
    void aModifierExtensionOutOfItsContextGetsTheFullDefinitionsAnswerHoweverOftenItWasSaidBefore() {
        // found by CI's seed: the validator grew the regex extension's contexts with each check (SteadyExtensionContexts)
        String observation = "{\"resourceType\":\"Observation\",\"modifierExtension\":[{\"url\":"
                + "\"http://hl7.org/fhir/StructureDefinition/regex\",\"valueBoolean\":true}],\"code\":{\"text\":\"x\"},"
                + "\"subject\":{\"reference\":\"Patient/g\"}}";
        full.validate(observation);
        full.validate(observation);
        assertSameAnswer(observation);
    }

    @Example
    void aResultThatNeedsADefinitionBeyondTheCutIsValidatedAgainstTheFullOnes() {
        // a contained Basic, the focus of the result: its definition is not in the cut
        String observation = JSON.encodeResourceToString(JSON.parseResource(Samples.mayoVgcc("e-5", "Patient/e", "0.45")
                .replaceFirst("\\{", "{\"contained\":[{\"resourceType\":\"Basic\",\"id\":\"b\",\"code\":{\"text\":\"x\"}}],"
                        + "\"focus\":[{\"reference\":\"#b\"}],")));
        long before = tracked.byFullDefinitions();
        assertSameAnswer(observation);
        assertThat(tracked.byFullDefinitions()).isEqualTo(before + 1);
    }

    /** The Observations and Conditions among the inputs (Bundles' entries too), parsed and encoded as ingest hands them over. */
    private static List<String> trackedResources(List<String> inputs) {
        List<String> resources = new ArrayList<>();
        for (String input : inputs) {
            IBaseResource parsed;
            try {
                parsed = JSON.parseResource(input);
            } catch (RuntimeException notFhirJson) {
                continue; // refused by the parser, never validated: the bad-input table's 400s
            }
            List<IBaseResource> candidates = parsed instanceof Bundle bundle
                    ? bundle.getEntry().stream().map(e -> (IBaseResource) e.getResource()).toList() : List.of(parsed);
            candidates.stream().filter(r -> r instanceof Observation || r instanceof Condition)
                    .forEach(r -> resources.add(JSON.encodeResourceToString(r)));
        }
        return resources;
    }

    private static void assertSameAnswer(String resource) {
        List<String> expected = said(full.validate(resource).messages());
        assertThat(said(tracked.messages(resource))).as(resource).isEqualTo(expected);
    }

    private static List<String> said(List<ValidationMessage> messages) {
        return messages.stream().map(m -> m.getLevel() + " " + m.getType() + " " + m.getLocation() + " " + m.getMessageId()
                + " " + IDENTITY_HASH.matcher(m.getMessage()).replaceAll("$1@")).toList();
    }

    @Provide
    Arbitrary<String> observations() {
        Arbitrary<ObjectNode> base = Combinators.combine(statuses(), codings(), codings(), values(), elements()).as((status, code, category, value, more) -> {
            ObjectNode o = MAPPER.createObjectNode().put("resourceType", "Observation");
            if (status != null) {
                o.put("status", status);
            }
            o.putObject("code").putArray("coding").add(code);
            o.putArray("category").addObject().putArray("coding").add(category);
            o.putObject("subject").put("reference", "Patient/g");
            if (value != null) {
                o.setAll(value);
            }
            more.forEach(o::setAll);
            return o;
        });
        return base.map(ValidatorEquivalenceTest::asIngestHandsItOver);
    }

    @Provide
    Arbitrary<String> conditions() {
        return Combinators.combine(codings(), codings(), codings(), elements()).as((code, clinical, verification, more) -> {
            ObjectNode c = MAPPER.createObjectNode().put("resourceType", "Condition");
            c.putObject("code").putArray("coding").add(code);
            c.putObject("clinicalStatus").putArray("coding").add(clinical);
            c.putObject("verificationStatus").putArray("coding").add(verification);
            c.putObject("subject").put("reference", "Patient/g");
            more.forEach(c::setAll);
            return c;
        }).map(ValidatorEquivalenceTest::asIngestHandsItOver);
    }

    private static String asIngestHandsItOver(ObjectNode resource) {
        try {
            return JSON.encodeResourceToString(JSON.parseResource(resource.toString()));
        } catch (RuntimeException e) {
            return resource.toString(); // what the parser refuses ingest refuses too; the validators see the raw text
        }
    }

    private Arbitrary<String> statuses() {
        return Arbitraries.of("final", "preliminary", "amended", "corrected", "cancelled", "entered-in-error", "registered",
                "unknown", "done", "FINAL", "").injectNull(0.05);
    }

    /** A code from any code system the full definitions hold, one of the usual lab ones, or none known. */
    private Arbitrary<ObjectNode> codings() {
        Arbitrary<String> systems = Arbitraries.oneOf(
                Arbitraries.of(canonicals),
                Arbitraries.of("http://loinc.org", "http://snomed.info/sct", "http://unitsofmeasure.org",
                        "http://terminology.hl7.org/CodeSystem/observation-category", "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                        "http://terminology.hl7.org/CodeSystem/condition-clinical", "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                        "https://www.mayocliniclabs.com/test-catalog", "urn:oid:2.16.840.1.113883.6.1", "http://example.org/local"));
        Arbitrary<String> codes = Arbitraries.of("laboratory", "active", "confirmed", "refuted", "H", "L", "POS", "NEG", "A", "N",
                "94335-8", "44054006", "final", "x", "mg/dL", "pmol/L", "", "en", "male", "home", "official", "MR", "1", "Y",
                "not-performed", "generated", "normal", "ERROR", "active-ingredient", "fhir");
        return Combinators.combine(systems, codes, Arbitraries.of("", "Laboratory", "High")).as((system, code, display) -> {
            ObjectNode coding = MAPPER.createObjectNode().put("system", system);
            if (!code.isEmpty()) {
                coding.put("code", code);
            }
            if (!display.isEmpty()) {
                coding.put("display", display);
            }
            return coding;
        });
    }

    /** A value of any type an Observation takes, good or bad, or none with a reason or without one. */
    private Arbitrary<ObjectNode> values() {
        return Arbitraries.of(
                "{\"valueQuantity\":{\"value\":87,\"unit\":\"pmol/L\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"pmol/L\"}}",
                "{\"valueQuantity\":{\"value\":0.02,\"comparator\":\"<\",\"unit\":\"nmol/L\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"nmol/L\"}}",
                "{\"valueQuantity\":{\"value\":1,\"unit\":\"fish\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"fish{\"}}",
                "{\"valueQuantity\":{\"value\":1,\"comparator\":\"about\"}}",
                "{\"valueString\":\"Positive 1:240\"}",
                "{\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"10828004\"}]}}",
                "{\"valueBoolean\":true}",
                "{\"valueRatio\":{\"numerator\":{\"value\":1},\"denominator\":{\"value\":240}}}",
                "{\"dataAbsentReason\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/data-absent-reason\",\"code\":\"not-performed\"}]}}",
                "{\"dataAbsentReason\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/data-absent-reason\",\"code\":\"lost\"}]},\"valueString\":\"x\"}",
                "{}").map(ValidatorEquivalenceTest::object).injectNull(0.05);
    }

    /** Up to four more elements: interpretations, ranges, extensions, profiles, contained resources, identifiers, dates. */
    private Arbitrary<List<ObjectNode>> elements() {
        // also with a version, which HAPI looks up differently for core and other definitions
        Arbitrary<String> anySd = Combinators.combine(Arbitraries.of(canonicals).filter(u -> u.contains("/StructureDefinition/")),
                Arbitraries.of("", "", "", "|4.0.1", "|3.0.2")).as(String::concat);
        Arbitrary<ObjectNode> element = Arbitraries.oneOf(
                codings().map(coding -> object("{\"interpretation\":[{\"coding\":[" + coding + "]}]}")),
                anySd.map(url -> object("{\"meta\":{\"profile\":[\"" + url + "\"]}}")),
                anySd.map(url -> object("{\"extension\":[{\"url\":\"" + url + "\",\"valueString\":\"x\"}]}")),
                anySd.map(url -> object("{\"modifierExtension\":[{\"url\":\"" + url + "\",\"valueBoolean\":true}]}")),
                Arbitraries.of(Fhir.r4().getResourceTypes().stream().sorted().toList()).map(type -> object(
                        "{\"contained\":[{\"resourceType\":\"" + type + "\",\"id\":\"c1\"}],\"basedOn\":[{\"reference\":\"#c1\"}]}")),
                codings().map(coding -> object("{\"identifier\":[{\"type\":{\"coding\":[" + coding + "]},\"system\":\"urn:oid:1.2.3\",\"value\":\"A<1>,2\"}]}")),
                Arbitraries.of("2026", "2026-11", "2026-11-03", "2026-11-03T10:00:00Z", "2026-11-03T10:00:00", "03/11/2026", "2026-13-45")
                        .map(date -> object("{\"effectiveDateTime\":\"" + date + "\",\"issued\":\"2026-11-03T10:00:00Z\"}")),
                Arbitraries.of("{\"referenceRange\":[{\"high\":{\"value\":30,\"unit\":\"pmol/L\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"pmol/L\"}}]}",
                        "{\"referenceRange\":[{}]}",
                        "{\"component\":[{\"code\":{\"text\":\"titre\"},\"valueString\":\"1:240\"}]}",
                        "{\"note\":[{\"text\":\"<b>see report</b>\"}]}",
                        "{\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">ok</div>\"}}",
                        "{\"specimen\":{\"reference\":\"Specimen/s1\"},\"performer\":[{\"reference\":\"Organization/lab\"}]}",
                        "{\"language\":\"es\"}", "{\"language\":\"klingon\"}", "{\"implicitRules\":\"http://example.org/rules\"}")
                        .map(ValidatorEquivalenceTest::object));
        return element.list().ofMaxSize(4);
    }

    private static ObjectNode object(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
