package org.lemstriage.classifier.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;
import io.quarkus.kafka.client.serialization.ObjectMapperSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lemstriage.classifier.rules.Cutoffs;
import org.lemstriage.classifier.rules.ClinicalCodes;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner;
import org.lemstriage.classifier.rules.Surveillance;
import org.lemstriage.classifier.triage.PatientTriage;
import org.lemstriage.classifier.triage.TriageStep;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ClinicalContext.CodedFact;
import org.lemstriage.model.event.ClinicalContext.Measurement;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.ContextRequest;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.model.metrics.RecordCounters;
import org.lemstriage.model.terminology.Analyte;
import org.lemstriage.model.terminology.UnitNormaliser;

import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clinical cases of {@code clinical-cases.json}, each through the real topology (state stores, timer) with
 * TopologyTestDriver. The test plays the EHR: it answers the classifier's context requests as each case says.
 */
class ClinicalCasesTest {
    static final Instant BASE = Instant.parse("2026-11-03T12:00:00Z");
    static final String PATIENT = "Patient/case";
    static final Map<String, String[]> LABS = Map.of(
            "mayo-pq", new String[]{"https://www.mayocliniclabs.com/test-catalog|CCPQ", "VGCC_PQ"},
            "arup-pq", new String[]{"https://ltd.aruplab.com/Tests/Pub|0092628", "VGCC_PQ"},
            "labcorp-pq", new String[]{"https://www.labcorp.com/tests|140640", "VGCC_PQ"},
            "mayo-n", new String[]{"https://www.mayocliniclabs.com/test-catalog|CCN", "VGCC_N"},
            "sox1", new String[]{"http://loinc.org|82444-1", "SOX1"},
            "sox1-csf", new String[]{"http://loinc.org|94383-7", "SOX1"},
            "agna1-loinc", new String[]{"http://loinc.org|53709-2", "AGNA1"},
            "agna1-mayo", new String[]{"https://www.mayocliniclabs.com/test-catalog|AGN1S", "AGNA1"},
            "agna1-titer", new String[]{"https://www.mayocliniclabs.com/test-catalog|AGNTS", "AGNA1"});
    private static final UnitNormaliser UNITS = new UnitNormaliser();

    @TestFactory
    Stream<DynamicTest> clinicalCases() throws Exception {
        JsonNode doc;
        try (InputStream in = getClass().getResourceAsStream("/clinical-cases.json")) {
            doc = EventJson.mapper().readTree(in);
        }
        assertThat(doc.get("cases").size()).as("at least 30 clinical cases").isGreaterThanOrEqualTo(30);
        return StreamSupport.stream(doc.get("cases").spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("id").asText() + " " + c.get("title").asText(), () -> run(c)));
    }

    private void run(JsonNode c) {
        ClinicalCodes codes = ClinicalCodes.load(Optional.empty());
        Ruleset ruleset = Ruleset.v3(Cutoffs.defaults(), codes);
        TriageStep step = new TriageStep(ruleset, new ScreeningPlanner(
                ScreeningPlanner.LowTierPlan.valueOf(c.path("lowTierPlan").asText("FULL"))), new Surveillance(codes),
                new TriageStep.ContextTiming(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofDays(1)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "cases");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        try (TopologyTestDriver driver = new TopologyTestDriver(TriageTopology.build(step,
                new RecordCounters(new SimpleMeterRegistry(), "classifier"), Duration.ofSeconds(1)), props, BASE)) {
            Harness h = new Harness(driver, c);
            for (JsonNode event : c.get("events")) {
                h.clock = h.clock.plusSeconds(1);
                if (event.has("obs")) {
                    h.results.pipeInput(PATIENT, labResult(event), h.clock);
                    h.answerRequests();
                }
                if (event.has("dx")) {
                    h.results.pipeInput(PATIENT, diagnosis(event), h.clock);
                    h.answerRequests();
                }
                if (event.has("ehrConditions")) {
                    h.conditions = event.get("ehrConditions"); // the EHR's Conditions from now on
                }
                event.path("ehrTasks").fields().forEachRemaining(t -> h.tasks.put(Integer.valueOf(t.getKey()), t.getValue().asText()));
                // A clinician answers on the episode's Task as it stands now: the episode of the last decision
                h.collect();
                String episode = h.seen.isEmpty() ? null : h.seen.get(h.seen.size() - 1).episodeId();
                event.path("ehrAnswers").fields().forEachRemaining(a -> h.answers.put(a.getKey(), new String[]{episode, a.getValue().asText()}));
                if (event.has("ehrPatient")) {
                    // The EHR's record of the patient changes (items recorded later): these fields from now on
                    ObjectNode changed = h.patient.deepCopy();
                    event.get("ehrPatient").fields().forEachRemaining(f -> changed.set(f.getKey(), f.getValue()));
                    h.patient = changed;
                }
                event.path("ehrCtResults").fields().forEachRemaining(t -> h.ctResults.put(Integer.valueOf(t.getKey()), t.getValue().asText()));
                if (event.path("ehrBack").asBoolean()) {
                    h.ehr = "available";
                }
                if (event.has("advance")) {
                    Duration d = Duration.parse(event.get("advance").asText());
                    h.clock = h.clock.plus(d);
                    driver.advanceWallClockTime(d.plusSeconds(1));
                    h.answerRequests();
                }
            }
            check(c.get("expect"), h, ruleset, driver.getKeyValueStore(TriageTopology.PATIENT_STORE));
        }
    }

    private static void check(JsonNode expect, Harness h, Ruleset ruleset, KeyValueStore<String, PatientTriage> store) {
        h.collect();
        List<TriageDecision> decisions = h.seen;
        assertThat(decisions).extracting(d -> d.action().name()).as("decisions (action, round states, rules): "
                        + decisions.stream().map(d -> d.action() + " " + d.plan().stream().map(r -> r.round() + "=" + r.state()).toList()
                        + " " + d.rulesFired() + " at " + d.decidedAt()).toList())
                .containsExactlyElementsOf(strings(expect.get("actions")));
        for (TriageDecision d : decisions) {
            assertThat(d.deltaP()).as("six DELTA-P items").hasSize(6);
            assertThat(d.deltaP()).as("every known DELTA-P item names its source")
                    .filteredOn(i -> i.value() != DeltaPItem.Presence.UNKNOWN).allSatisfy(i -> assertThat(i.source()).isNotBlank());
            assertThat(d.rulesetVersion()).isEqualTo(Ruleset.VERSION);
            d.rulesFired().forEach(rule -> assertThat(d.explanation()).contains(rule));
            assertThat(d.decisionId()).isEqualTo(d.episodeId() + "/" + d.version());
        }
        TriageDecision last = decisions.isEmpty() ? null : decisions.get(decisions.size() - 1);
        TriageDecision first = decisions.isEmpty() ? null : decisions.get(0);
        if (expect.has("tier")) {
            assertThat(last.tier().name()).isEqualTo(expect.get("tier").asText());
        }
        if (expect.has("context")) {
            assertThat(last.context().name()).isEqualTo(expect.get("context").asText());
        }
        if (expect.has("score")) {
            assertThat(last.deltaPScore()).isEqualTo(expect.get("score").asInt());
        }
        if (expect.has("rules")) {
            assertThat(last.rulesFired()).containsExactlyInAnyOrderElementsOf(strings(expect.get("rules")));
        }
        if (expect.has("rounds")) {
            assertThat(last.plan()).hasSize(expect.get("rounds").asInt());
        }
        if (expect.has("lastRoundMonths")) {
            var plan = last.plan();
            assertThat(java.time.Period.between(plan.get(0).dueFrom(), plan.get(plan.size() - 1).dueFrom()).toTotalMonths())
                    .as("months from the first round to the last").isGreaterThanOrEqualTo(expect.get("lastRoundMonths").asLong());
        }
        if (expect.has("roundMonths")) {
            assertThat(last.plan()).extracting(r -> java.time.Period.between(last.plan().get(0).dueFrom(), r.dueFrom()).toTotalMonths())
                    .containsExactlyElementsOf(strings(expect.get("roundMonths")).stream().map(Long::valueOf).toList());
        }
        if (expect.has("firstRoundFrom")) {
            assertThat(last.plan().get(0).dueFrom()).isEqualTo(LocalDate.parse(expect.get("firstRoundFrom").asText()));
        }
        if (expect.has("kind")) {
            assertThat(last.kind().name()).isEqualTo(expect.get("kind").asText());
        }
        if (expect.has("explanationContains")) {
            assertThat(last.explanation()).contains(strings(expect.get("explanationContains")));
        }
        if (expect.has("closure")) {
            // The episode's closing decision, or a later one about the closed episode
            assertThat(decisions).extracting(TriageDecision::action).contains(TriageDecision.Action.CLOSE);
            assertThat(last.closure().reason().name()).isEqualTo(expect.get("closure").asText());
        }
        if (expect.has("closureReference")) {
            assertThat(last.closure().reference()).isEqualTo(expect.get("closureReference").asText());
        }
        if (expect.has("closureLemsTumour")) {
            assertThat(last.closure().lemsTumour()).as("on the code list lemsTumour").isEqualTo(expect.get("closureLemsTumour").asBoolean());
        }
        if (expect.has("roundStates")) {
            assertThat(last.plan()).extracting(r -> r.state().name()).containsExactlyElementsOf(strings(expect.get("roundStates")));
        }
        if (expect.has("petRounds")) {
            assertThat(last.plan()).filteredOn(TriageDecision.ScreeningRound::petOrdered).extracting(TriageDecision.ScreeningRound::round)
                    .as("rounds whose FDG-PET is ordered").containsExactlyElementsOf(strings(expect.get("petRounds")).stream().map(Integer::valueOf).toList());
        }
        if (expect.has("neverDue")) {
            int round = expect.get("neverDue").asInt();
            assertThat(decisions).as("no decision releases round " + round).allSatisfy(d -> assertThat(d.plan())
                    .filteredOn(r -> r.round() == round).allSatisfy(r -> assertThat(r.state()).isEqualTo(TriageDecision.RoundState.PLANNED)));
        }
        if (expect.has("evidenceValue")) {
            assertThat(last.evidence().get(0).value()).isEqualByComparingTo(expect.get("evidenceValue").asText());
        }
        expect.path("deltaP").fields().forEachRemaining(item -> assertThat(last.deltaP())
                .filteredOn(i -> i.item().name().equals(item.getKey())).singleElement()
                .extracting(i -> i.value().name()).as(item.getKey()).isEqualTo(item.getValue().asText()));
        if (expect.has("firstTier")) {
            assertThat(first.tier().name()).isEqualTo(expect.get("firstTier").asText());
        }
        if (expect.has("firstContext")) {
            assertThat(first.context().name()).isEqualTo(expect.get("firstContext").asText());
        }
        if (expect.path("sameEpisode").asBoolean()) {
            assertThat(new HashSet<>(decisions.stream().map(TriageDecision::episodeId).toList())).hasSize(1);
        }
        if (expect.path("newEpisode").asBoolean()) {
            assertThat(last.episodeId()).isNotEqualTo(first.episodeId());
        }
        if (expect.has("contextRequests")) {
            assertThat(h.requestsSeen).isEqualTo(expect.get("contextRequests").asInt());
        }
        PatientTriage state = store.get(PATIENT);
        if (expect.has("reading")) {
            var read = ruleset.read(PATIENT, List.copyOf(state.results().values()), state.context(), null);
            assertThat(read.results().get(0).reading().result().name()).isEqualTo(expect.get("reading").asText());
        }
        if (expect.path("noScreening").asBoolean()) {
            assertThat(state.history()).last().satisfies(s -> {
                assertThat(s.action()).isEqualTo("NO_SCREENING");
                assertThat(s.explanation()).contains("KNOWN-LUNG-CANCER@3", "Condition/");
            });
        }
        if (expect.has("requests")) {
            assertThat(last.requests()).extracting(ClinicianRequest::id).as("what clinicians are asked")
                    .containsExactlyElementsOf(strings(expect.get("requests")));
            assertThat(last.requests()).allSatisfy(r -> assertThat(r.text()).contains("[rule "));
        }
        if (expect.has("hold")) {
            assertThat(last.hold() == null ? "null" : last.hold().name()).isEqualTo(expect.get("hold").asText());
        }
        if (expect.has("explanationLacks")) {
            strings(expect.get("explanationLacks")).forEach(text -> assertThat(last.explanation()).doesNotContain(text));
        }
        if (expect.has("requestContains")) {
            assertThat(last.requests()).extracting(ClinicianRequest::text).anySatisfy(t -> assertThat(t)
                    .contains(strings(expect.get("requestContains"))));
        }
        if (expect.has("requestOwner")) {
            assertThat(last.requests()).extracting(ClinicianRequest::owner).contains(expect.get("requestOwner").asText());
        }
        if (expect.path("open").asBoolean()) {
            assertThat(last.closure()).as("the episode is open").isNull();
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static LabResult labResult(JsonNode e) {
        String[] lab = LABS.get(e.get("lab").asText());
        Analyte analyte = Analyte.valueOf(lab[1]);
        String value = e.get("value").asText();
        LabResult.NormalisedQuantity quantity = null;
        LabResult.Qualitative qualitative = null;
        LabResult.ReferenceRange range = null;
        if (e.hasNonNull("unit")) {
            String unit = e.get("unit").asText();
            BigDecimal raw = new BigDecimal(value);
            BigDecimal normalised = analyte.canonicalUnit() == null ? raw : normalise(raw, unit, analyte);
            quantity = new LabResult.NormalisedQuantity(normalised, analyte.canonicalUnit() == null ? unit : analyte.canonicalUnit(),
                    e.hasNonNull("comparator") ? e.get("comparator").asText() : null, raw, unit);
            if (e.has("range")) {
                range = new LabResult.ReferenceRange(normalise(new BigDecimal(e.get("range").get(0).asText()), unit, analyte),
                        normalise(new BigDecimal(e.get("range").get(1).asText()), unit, analyte), null);
            }
        } else {
            qualitative = LabResult.Qualitative.valueOf(value.toUpperCase());
        }
        Instant effective = e.has("effective") ? Instant.parse(e.get("effective").asText() + "T09:00:00Z")
                : Instant.parse("2026-11-03T09:00:00Z");
        return new LabResult(PATIENT, analyte, lab[0], e.get("obs").asText(), e.path("version").asText("1"), null,
                e.get("status").asText(), effective, quantity, qualitative, strings(e.path("interpretation")), range, "{}",
                strings(e.path("orderedBy")), null);
    }

    /** A LEMS diagnosis as ingest publishes a Condition: its verification read as a status. */
    static LabResult diagnosis(JsonNode e) {
        String status = switch (e.path("verification").asText("confirmed")) {
            case "confirmed" -> "final";
            case "refuted" -> "cancelled";
            case "entered-in-error" -> "entered-in-error";
            default -> "preliminary";
        };
        Instant onset = Instant.parse(e.path("effective").asText("2026-11-03") + "T09:00:00Z");
        return new LabResult(PATIENT, Analyte.LEMS_DIAGNOSIS, e.path("code").asText("http://hl7.org/fhir/sid/icd-10-cm|G70.80"),
                e.get("dx").asText(), e.path("version").asText("1"), null, status, onset, null, LabResult.Qualitative.POSITIVE,
                List.of(), null, "{}", List.of(), "Condition");
    }

    private static BigDecimal normalise(BigDecimal value, String unit, Analyte analyte) {
        return UNITS.convert(new Quantity().setValue(value).setSystem("http://unitsofmeasure.org").setCode(unit),
                analyte.canonicalUnit());
    }

    static ClinicalContext context(ContextRequest request, JsonNode p, JsonNode conditionsNow, Map<Integer, String> tasks,
                                   Map<Integer, String> ctResults, Map<String, String[]> answers, Instant at) {
        List<CodedFact> smoking = new ArrayList<>();
        if (p.has("smoking")) {
            smoking.add(new CodedFact("Observation/smoking", LocalDate.parse("2026-09-01"), List.of(smokingCode(p.get("smoking").asText())), null, null));
        }
        int s = 0;
        for (JsonNode status : p.path("smokingHistory")) {
            smoking.add(new CodedFact("Observation/smoking-" + (++s), LocalDate.parse(status.get(0).asText()),
                    List.of(smokingCode(status.get(1).asText())), null, null));
        }
        List<Measurement> weights = new ArrayList<>();
        int n = 0;
        for (JsonNode w : p.path("weights")) {
            weights.add(new Measurement("Observation/weight-" + (++n), "29463-7", LocalDate.parse(w.get(0).asText()),
                    new BigDecimal(w.get(1).asText()), "kg"));
        }
        List<Measurement> performance = new ArrayList<>();
        if (p.has("karnofsky")) {
            performance.add(new Measurement("Observation/kps", "89243-0", LocalDate.parse("2026-10-25"), new BigDecimal(p.get("karnofsky").asText()), null));
        }
        if (p.has("ecog")) {
            performance.add(new Measurement("Observation/ecog", "89247-1", LocalDate.parse("2026-10-25"), new BigDecimal(p.get("ecog").asText()), null));
        }
        List<CodedFact> conditions = new ArrayList<>();
        for (JsonNode cond : conditionsNow != null ? conditionsNow : p.path("conditions")) {
            // "name" (its suffix says the verification or resolution), or {"code", "id", "verification", "status",
            // "onset", "abated"}: a Condition whose id stays the same when its status changes
            String name = cond.isTextual() ? cond.asText() : cond.get("code").asText();
            String code = conditionCode(name.replaceAll("-(refuted|resolved|differential|provisional|entered-in-error)$", ""));
            String id = cond.path("id").asText(name);
            conditions.add(new CodedFact("Condition/" + id, LocalDate.parse(cond.path("onset").asText("2026-10-01")), List.of(code),
                    cond.path("status").asText(name.endsWith("-resolved") ? "resolved" : "active"),
                    cond.path("verification").asText(verification(name)),
                    cond.hasNonNull("abated") ? LocalDate.parse(cond.get("abated").asText()) : null));
        }
        List<CodedFact> pregnancy = new ArrayList<>();
        if (p.has("pregnancyStatus")) {
            pregnancy.add(new CodedFact("Observation/pregnancy", LocalDate.parse(p.path("pregnancyStatusDate").asText("2026-10-20")),
                    List.of(p.get("pregnancyStatus").asText()), null, null));
        }
        return new ClinicalContext(request.patientKey(), request.requestId(), ClinicalContext.Status.AVAILABLE, null, at,
                request.onset(), PATIENT, p.hasNonNull("birthDate") ? LocalDate.parse(p.get("birthDate").asText()) : null,
                p.path("gender").asText(null), smoking, weights, performance, conditions,
                request.episodeId() == null ? List.of() : Stream.concat(tasks.entrySet().stream().map(t -> new ClinicalContext.EpisodeTask(
                        "Task/round-" + t.getKey(), EhrIdentifiers.round(request.episodeId(), t.getKey()), t.getValue(),
                        ctResult(ctResults.get(t.getKey())))), answers.entrySet().stream()
                        .filter(a -> request.episodeId().equals(a.getValue()[0])) // the EHR finds an episode's own Tasks
                        .map(a -> new ClinicalContext.EpisodeTask("Task/" + a.getKey(), EhrIdentifiers.request(a.getValue()[0], a.getKey()),
                                "completed", answer(a.getValue()[1])))).toList(),
                pregnancy);
    }

    /** A completed request Task's outputs: the coded answer yes or no, or none (completed without one). */
    private static List<ClinicalContext.Output> answer(String answer) {
        return switch (answer) {
            case "yes" -> List.of(new ClinicalContext.Output(List.of(ClinicianRequest.ANSWER_TYPE), List.of(ClinicianRequest.YES)));
            case "no" -> List.of(new ClinicalContext.Output(List.of(ClinicianRequest.ANSWER_TYPE), List.of(ClinicianRequest.NO)));
            default -> List.of();
        };
    }

    private static String conditionCode(String name) {
        return switch (name) {
            case "bulbar" -> "http://snomed.info/sct|40739000";
            case "bulbar-icd" -> "http://hl7.org/fhir/sid/icd-10-cm|R13.12";
            case "ed" -> "http://snomed.info/sct|860914002";
            case "ed-icd" -> "http://hl7.org/fhir/sid/icd-10-cm|N52.9";
            case "sclc" -> "http://snomed.info/sct|254632001";
            case "nsclc" -> "http://snomed.info/sct|254637007";
            case "lung-cancer-icd10" -> "http://hl7.org/fhir/sid/icd-10-cm|C34.90";
            case "breast-cancer" -> "http://hl7.org/fhir/sid/icd-10-cm|C50.911";
            case "prostate-cancer" -> "http://hl7.org/fhir/sid/icd-10-cm|C61";
            case "skin-cancer" -> "http://hl7.org/fhir/sid/icd-10-cm|C44.91";
            case "thymus-benign" -> "http://hl7.org/fhir/sid/icd-10-cm|D15.0";
            case "lems-neoplastic" -> "http://hl7.org/fhir/sid/icd-10-cm|G73.1";
            case "lems" -> "http://hl7.org/fhir/sid/icd-10-cm|G70.80";
            case "pregnancy" -> "http://hl7.org/fhir/sid/icd-10-cm|Z33.1";
            default -> throw new IllegalArgumentException("unknown condition in case: " + name);
        };
    }

    /** current, former, never, or a code as system|code. */
    private static String smokingCode(String status) {
        return switch (status) {
            case "current" -> "http://snomed.info/sct|449868002";
            case "former" -> "http://snomed.info/sct|8517006";
            case "never" -> "http://snomed.info/sct|266919005";
            default -> status;
        };
    }

    /** A round Task's output as the team records a CT result: type CT chest (LOINC), value SNOMED CT. */
    private static List<ClinicalContext.Output> ctResult(String result) {
        if (result == null) {
            return List.of();
        }
        String value = switch (result) {
            case "negative" -> "http://snomed.info/sct|260385009";
            case "positive" -> "http://snomed.info/sct|10828004";
            default -> throw new IllegalArgumentException("unknown CT result in case: " + result);
        };
        return List.of(new ClinicalContext.Output(List.of("http://loinc.org|24627-2"), List.of(value)));
    }

    /** A case's condition name says its verification status by suffix; confirmed without one. */
    private static String verification(String name) {
        for (String status : List.of("refuted", "differential", "provisional", "entered-in-error")) {
            if (name.endsWith("-" + status)) {
                return status;
            }
        }
        return "confirmed";
    }

    /** The driver's topics and the simulated EHR of one case. */
    private static final class Harness {
        final TestInputTopic<String, LabResult> results;
        final TestInputTopic<String, ClinicalContext> contexts;
        final TestOutputTopic<String, ContextRequest> requests;
        final TestOutputTopic<String, TriageDecision> decisions;
        JsonNode patient;
        String ehr;
        /** Clinicians' answers on request Tasks (episode id, then yes, no or none), by request id. */
        final Map<String, String[]> answers = new TreeMap<>();
        Instant clock = BASE;
        int requestsSeen;
        /** The EHR's Conditions once a case changed them (else the patient's), and its round Tasks' statuses. */
        JsonNode conditions;
        final Map<Integer, String> tasks = new TreeMap<>();
        /** Rounds whose Task the simulated notifier cancelled (a reopened episode reopens them). */
        final Set<Integer> cancelledByUs = new HashSet<>();
        /** The CT result the team recorded on a round's Task (negative, positive), by round. */
        final Map<Integer, String> ctResults = new TreeMap<>();
        final List<TriageDecision> seen = new ArrayList<>();

        Harness(TopologyTestDriver driver, JsonNode c) {
            results = driver.createInputTopic(Topics.LAB_OBSERVATION, new StringSerializer(), new ObjectMapperSerializer<>(EventJson.mapper()));
            contexts = driver.createInputTopic(Topics.CONTEXT, new StringSerializer(), new ObjectMapperSerializer<>(EventJson.mapper()));
            requests = driver.createOutputTopic(Topics.CONTEXT_REQUEST, new StringDeserializer(),
                    new ObjectMapperDeserializer<>(ContextRequest.class, EventJson.mapper()));
            decisions = driver.createOutputTopic(Topics.TRIAGE_DECISION, new StringDeserializer(),
                    new ObjectMapperDeserializer<>(TriageDecision.class, EventJson.mapper()));
            patient = c.get("patient");
            ehr = c.path("ehr").asText("available");
        }

        /**
         * Plays the notifier in miniature, so that the EHR's Tasks follow the decisions: a round's Task is written
         * on-hold, requested once DUE or OVERDUE; the team's statuses are left alone; CLOSE and RETRACT cancel the
         * open ones, and a reopened episode reopens those it cancelled.
         */
        void collect() {
            for (TriageDecision d : decisions.readValuesToList()) {
                seen.add(d);
                boolean ends = d.closure() != null || d.action() == TriageDecision.Action.RETRACT;
                for (TriageDecision.ScreeningRound r : d.plan()) {
                    String status = tasks.get(r.round());
                    boolean open = status == null || status.equals("on-hold") || status.equals("requested")
                            || (!ends && cancelledByUs.contains(r.round()));
                    if (open) {
                        tasks.put(r.round(), ends ? "cancelled" : r.state() == TriageDecision.RoundState.PLANNED ? "on-hold" : "requested");
                        if (ends) {
                            cancelledByUs.add(r.round());
                        } else {
                            cancelledByUs.remove(r.round());
                        }
                    }
                }
            }
        }

        void answerRequests() {
            collect();
            for (ContextRequest request : requests.readValuesToList()) {
                requestsSeen++;
                assertThat(request.patientKey()).isEqualTo(PATIENT);
                switch (ehr) {
                    case "available" -> contexts.pipeInput(PATIENT, context(request, patient, conditions, tasks, ctResults, answers, clock), clock);
                    case "unavailable" -> contexts.pipeInput(PATIENT,
                            ClinicalContext.unavailable(request, "the EHR answered 503", clock), clock);
                    default -> { } // silent: the EHR never answers
                }
            }
            collect();
        }
    }
}
