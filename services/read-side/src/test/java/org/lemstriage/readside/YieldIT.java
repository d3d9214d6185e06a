package org.lemstriage.readside;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Measure;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.Closure;
import org.lemstriage.model.event.TriageDecision.RoundState;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.testsupport.CdsClientTokensResource;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.EhrSandboxes;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.KeycloakResource;
import org.lemstriage.testsupport.KeycloakServer;
import org.lemstriage.testsupport.PostgresDatabaseResource;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.lemstriage.readside.StoreFixtures.awaitRows;
import static org.lemstriage.readside.StoreFixtures.json;
import static org.lemstriage.readside.StoreFixtures.send;

/**
 * The yield through the read side's FHIR API: decisions on the real broker, what was done in the EHR sandbox, and
 * {@code $evaluate-measure} over a month no other test writes in (a month of this test run's own, years back).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresDatabaseResource.class)
@QuarkusTestResource(CdsClientTokensResource.class)
@QuarkusTestResource(KeycloakResource.class)
@QuarkusTestResource(EhrSandboxResource.class)
class YieldIT {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** A month of 1990-2009 no other run is likely to have written in. */
    private static final LocalDate MONTH = LocalDate.of(1990 + Math.floorMod(RUN.hashCode(), 20), 1 + Math.floorMod(RUN.hashCode() / 20, 12), 1);

    @Test
    void theMeasureReportCountsWhatTheDecisionsAndTheEhrSay() throws Exception {
        IGenericClient ehr = Fhir.r4().newRestfulGenericClient(EhrSandboxes.shared().baseUrl());
        // Recorded in the EHR 40 days after the first positive; lems-triage closed on it 5 days later
        Condition recorded = new Condition().setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "254632001",
                "Small cell carcinoma of lung"))).setRecordedDateElement(new org.hl7.fhir.r4.model.DateTimeType(MONTH.plusDays(40).toString()));
        String sclc = "Condition/" + ehr.create().resource(recorded).execute().getId().getIdPart();
        // A: HIGH, score 4, round 1 done (CT on its Task, PET order completed), SCLC recorded 40 days after the positive
        String a = "yield-" + RUN + "-a";
        TriageDecision openA = decision(a, 1, Action.OPEN, Tier.HIGH, 4, 6, 1, RoundState.DUE, null);
        send(Topics.TRIAGE_DECISION, "Patient/" + a, json(openA));
        send(Topics.TRIAGE_DECISION, "Patient/" + a, json(decision(a, 2, Action.CLOSE, Tier.HIGH, 4, 6, 1, RoundState.DUE,
                new Closure(Closure.Reason.TUMOUR_RECORDED, sclc, MONTH.plusDays(45)))));
        Task roundA = round(a, 1, Task.TaskStatus.COMPLETED);
        roundA.addOutput().setType(new CodeableConcept(new Coding("http://loinc.org", "24627-2", "CT Chest")))
                .setValue(new CodeableConcept(new Coding("http://snomed.info/sct", "260385009", "Negative")));
        ehr.create().resource(roundA).execute();
        ehr.create().resource(order(a, EhrIdentifiers.petOrder(a, 1), ServiceRequest.ServiceRequestStatus.COMPLETED)).execute();
        // B: INTERMEDIATE, score 2, five rounds released, the first overdue on the way, all completed; round 1's CT read
        // from radiology's report; the surveillance complete
        String b = "yield-" + RUN + "-b";
        send(Topics.TRIAGE_DECISION, "Patient/" + b, json(decision(b, 1, Action.OPEN, Tier.INTERMEDIATE, 2, 5, 1, RoundState.OVERDUE, null)));
        send(Topics.TRIAGE_DECISION, "Patient/" + b, json(decision(b, 2, Action.CLOSE, Tier.INTERMEDIATE, 2, 5, 5, RoundState.DUE,
                new Closure(Closure.Reason.SURVEILLANCE_COMPLETE, null, MONTH.plusMonths(25)))));
        for (int n = 1; n <= 5; n++) {
            ehr.create().resource(round(b, n, Task.TaskStatus.COMPLETED)).execute();
        }
        String ctB = "ServiceRequest/" + ehr.create().resource(order(b, EhrIdentifiers.ctOrder(b, 1), ServiceRequest.ServiceRequestStatus.ACTIVE))
                .execute().getId().getIdPart();
        ehr.create().resource(new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL)
                .setCode(new CodeableConcept(new Coding("http://loinc.org", "24627-2", "CT Chest"))).addBasedOn(new Reference(ctB))).execute();
        // Round 2's PET: only a preliminary report, so not done yet
        String petB = "ServiceRequest/" + ehr.create().resource(order(b, EhrIdentifiers.petOrder(b, 2), ServiceRequest.ServiceRequestStatus.ACTIVE))
                .execute().getId().getIdPart();
        ehr.create().resource(new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY)
                .setCode(new CodeableConcept().setText("FDG-PET/CT")).addBasedOn(new Reference(petB))).execute();
        // D: LOW, score 1, closed on a tumour whose Condition the EHR no longer holds: another tumour
        String d = "yield-" + RUN + "-d";
        send(Topics.TRIAGE_DECISION, "Patient/" + d, json(decision(d, 1, Action.CLOSE, Tier.LOW, 1, 5, 1, RoundState.DUE,
                new Closure(Closure.Reason.TUMOUR_RECORDED, "Condition/gone-" + RUN, MONTH.plusDays(100)))));
        // E: HIGH, score 5, closed on a tumour the classifier found on its code list lemsTumour by a code the site added
        // there (not SNOMED CT 254632001): small-cell as the classifier says; no recordedDate, so the closure's day
        String e = "yield-" + RUN + "-e";
        String siteCoded = "Condition/" + ehr.create().resource(new Condition().setCode(new CodeableConcept(
                new Coding("urn:lemstriage:test:site-tumours", "lems-tumour-" + RUN, null)))).execute().getId().getIdPart();
        send(Topics.TRIAGE_DECISION, "Patient/" + e, json(decision(e, 1, Action.CLOSE, Tier.HIGH, 5, 6, 1, RoundState.DUE,
                new Closure(Closure.Reason.TUMOUR_RECORDED, siteCoded, MONTH.plusDays(61), true))));
        // C: withdrawn: not counted
        String c = "yield-" + RUN + "-c";
        send(Topics.TRIAGE_DECISION, "Patient/" + c, json(decision(c, 1, Action.OPEN, Tier.LOW, 1, 5, 1, RoundState.DUE, null)));
        send(Topics.TRIAGE_DECISION, "Patient/" + c, json(decision(c, 2, Action.RETRACT, Tier.NONE, 0, 0, 0, RoundState.DUE, null)));
        awaitRows("select count(*) from triage_decision where episode_id like 'yield-" + RUN + "-%'", 8);

        String month = "periodStart=" + MONTH + "&periodEnd=" + MONTH.plusMonths(1).minusDays(1);
        MeasureReport report = Fhir.r4().newJsonParser().parseResource(MeasureReport.class, given().auth().oauth2(auditor())
                .get("/fhir/Measure/lems-triage-yield/$evaluate-measure?" + month).then().statusCode(200).extract().asString());
        assertThat(report.getPeriod().getStartElement().getValueAsString()).isEqualTo(MONTH.toString());
        assertThat(count(report, "episodes-opened")).isEqualTo(4);
        assertThat(count(report, "rounds-released")).isEqualTo(8);  // A 1, B 5, D 1, E 1
        assertThat(count(report, "rounds-completed")).isEqualTo(6);
        assertThat(count(report, "rounds-overdue")).isEqualTo(1);
        assertThat(count(report, "ct-done")).isEqualTo(2);          // A's Task output, B's final report
        assertThat(count(report, "pet-done")).isEqualTo(1);         // A's order; B's report is preliminary
        assertThat(count(report, "tumours-sclc")).isEqualTo(2);     // A by its code, E by the classifier's list
        assertThat(count(report, "tumours-other")).isEqualTo(1);    // D's Condition is gone
        assertThat(count(report, "surveillance-complete")).isEqualTo(1);
        assertThat(group(report, "sclc-found").getMeasureScore().getValue()).isEqualByComparingTo("0.5");
        // A: 40 / 30.44 = 1.314 (the Condition's recordedDate); E: 61 / 30.44 = 2.004 and D: 100 / 30.44 = 3.285 (the
        // closure's day); median 2.004
        assertThat(group(report, "months-to-tumour").getMeasureScore().getValue()).isEqualByComparingTo("2.004");
        var byScore = group(report, "sclc-found").getStratifier().stream()
                .filter(s -> "delta-p-score".equals(s.getCodeFirstRep().getCodingFirstRep().getCode())).findFirst().orElseThrow();
        assertThat(byScore.getStratum().get(4).getMeasureScore().getValue()).isEqualByComparingTo("1.0");
        assertThat(byScore.getStratum().get(5).getMeasureScore().getValue()).isEqualByComparingTo("1.0");
        assertThat(byScore.getStratum().get(2).getMeasureScore().getValue()).isEqualByComparingTo("0.0");

        // The Measure itself; another Measure, a period backwards, and no token are refused
        Measure measure = Fhir.r4().newJsonParser().parseResource(Measure.class, given().auth().oauth2(auditor())
                .get("/fhir/Measure/lems-triage-yield").then().statusCode(200).extract().asString());
        assertThat(measure.getGroup()).hasSize(report.getGroup().size());
        given().auth().oauth2(auditor()).get("/fhir/Measure/other/$evaluate-measure").then().statusCode(404);
        // A year as the period: its first to its last day
        MeasureReport year = Fhir.r4().newJsonParser().parseResource(MeasureReport.class, given().auth().oauth2(auditor())
                .get("/fhir/Measure/lems-triage-yield/$evaluate-measure?periodStart=" + MONTH.getYear() + "&periodEnd=" + MONTH.getYear())
                .then().statusCode(200).extract().asString());
        assertThat(year.getPeriod().getEndElement().getValueAsString()).isEqualTo(MONTH.getYear() + "-12-31");
        given().auth().oauth2(auditor()).get("/fhir/Measure/lems-triage-yield/$evaluate-measure?periodStart=2020-02-01&periodEnd=2020-01-01")
                .then().statusCode(400);
        given().get("/fhir/Measure/lems-triage-yield/$evaluate-measure").then().statusCode(401);
    }

    private static String auditor() {
        return KeycloakServer.shared().token("demo-auditor", "demo-auditor");
    }

    /** A decision dated in the test's month: {@code rounds} rounds, the first {@code released} in {@code state}. */
    private static TriageDecision decision(String episode, int version, Action action, Tier tier, int score, int rounds,
                                           int released, RoundState state, Closure closure) {
        List<ScreeningRound> plan = new ArrayList<>();
        for (int n = 1; n <= rounds; n++) {
            LocalDate from = MONTH.plusMonths(n == 1 ? 0 : 6L * (n - 1));
            plan.add(new ScreeningRound(n, "CT thorax", from, from.plusDays(30), n == 1 ? state : n <= released ? RoundState.DUE : RoundState.PLANNED));
        }
        return new TriageDecision(episode + "/" + version, episode, version, "Patient/" + episode, action, tier, List.of(),
                List.of("TEST@1"), "3.0", "yield test", plan, MONTH.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(version * 60L),
                TriageDecision.ContextStatus.AVAILABLE, List.of(), score, TriageDecision.EpisodeKind.SCREENING, closure);
    }

    private static Task round(String episode, int n, Task.TaskStatus status) {
        Task task = new Task().setStatus(status).setIntent(Task.TaskIntent.ORDER);
        task.addIdentifier(new Identifier().setSystem(EhrIdentifiers.ROUND).setValue(EhrIdentifiers.round(episode, n)));
        task.setGroupIdentifier(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(episode));
        return task;
    }

    private static ServiceRequest order(String episode, String identifier, ServiceRequest.ServiceRequestStatus status) {
        ServiceRequest order = new ServiceRequest().setStatus(status).setIntent(ServiceRequest.ServiceRequestIntent.ORDER)
                .setSubject(new Reference("Patient/lt-p001")); // a patient the sandbox holds
        order.addIdentifier(new Identifier().setSystem(EhrIdentifiers.ORDER).setValue(identifier));
        order.setRequisition(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(episode));
        return order;
    }

    private static MeasureReport.MeasureReportGroupComponent group(MeasureReport report, String code) {
        return report.getGroup().stream().filter(g -> code.equals(g.getCode().getCodingFirstRep().getCode())).findFirst().orElseThrow();
    }

    private static int count(MeasureReport report, String code) {
        return group(report, code).getPopulationFirstRep().getCount();
    }
}
