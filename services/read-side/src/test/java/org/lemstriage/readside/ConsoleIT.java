package org.lemstriage.readside;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lemstriage.browser.ConsoleBrowser;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.RoundState;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.fhir.AuditEvents;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.model.terminology.Analyte;
import org.lemstriage.testsupport.CdsClientTokensResource;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.EhrSandboxes;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.KeycloakResource;
import org.lemstriage.testsupport.PostgresDatabaseResource;
import org.lemstriage.testsupport.TopicProbe;

import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lemstriage.readside.StoreFixtures.WAIT;
import static org.lemstriage.readside.StoreFixtures.awaitRows;
import static org.lemstriage.readside.StoreFixtures.json;
import static org.lemstriage.readside.StoreFixtures.send;

/**
 * The console in a real browser (Debian's Chromium), logged in through the real Keycloak, on decisions and
 * AuditEvents that came through the real broker into the real PostgreSQL, and Tasks read from the EHR sandbox: what
 * a worklist nurse or an auditor would check on each page, a screenshot of each, and axe-core on each.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresDatabaseResource.class)
@QuarkusTestResource(CdsClientTokensResource.class)
@QuarkusTestResource(KeycloakResource.class)
@QuarkusTestResource(EhrSandboxResource.class)
class ConsoleIT {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** Overdue since 2020: whatever else the store holds, this one is on top */
    private static final String OVERDUE_PATIENT = "Patient/console-overdue-" + RUN;
    private static final String DUE_PATIENT = "Patient/console-due-" + RUN;
    /** A key a hostile sender chose: a spreadsheet would read it as a formula */
    private static final String FORMULA_PATIENT = "-2+3+cmd|' /C calc'!A0-" + RUN;
    private static final String OVERDUE_EPISODE = "console-" + RUN + "-a";
    private static final String EXPLANATION = "A positive P/Q-type VGCC result (1.7 nmol/L) with two DELTA-P items present: "
            + "HIGH tier, CT thorax every 3 months for 2 years.";
    private static final java.nio.file.Path SCREENSHOTS = java.nio.file.Path.of("target/console-screenshots");
    private static ConsoleBrowser auditor;
    private static boolean stored;

    @TestHTTPResource("/console/worklist")
    URL worklist;

    @BeforeEach
    void pipelineData() throws Exception {
        if (stored) {
            return;
        }
        TriageDecision overdue = decision(OVERDUE_EPISODE, OVERDUE_PATIENT, Tier.HIGH, RoundState.OVERDUE, LocalDate.of(2020, 1, 1));
        TriageDecision due = decision("console-" + RUN + "-b", DUE_PATIENT, Tier.INTERMEDIATE, RoundState.DUE, LocalDate.now());
        send(Topics.TRIAGE_DECISION, OVERDUE_PATIENT, json(overdue));
        send(Topics.TRIAGE_DECISION, DUE_PATIENT, json(due));
        send(Topics.TRIAGE_DECISION, FORMULA_PATIENT, json(decision("console-" + RUN + "-f", FORMULA_PATIENT, Tier.HIGH, RoundState.DUE, LocalDate.now())));
        // The notifier's AuditEvent of its EHR write for the overdue episode's decision, 3 s after the decision
        AuditEvent written = AuditEvents.rest("transaction", AuditEvent.AuditEventAction.C, AuditEvent.AuditEventOutcome._0, null, "notifier", true);
        written.setRecorded(Date.from(overdue.decidedAt().plusSeconds(3)));
        written.addEntity().setWhat(new Reference(OVERDUE_PATIENT));
        written.addEntity().setName("decision " + overdue.decisionId()).setWhat(new Reference().setIdentifier(
                new Identifier().setSystem(EhrIdentifiers.DECISION).setValue(overdue.decisionId())));
        send(Topics.TRIAGE_AUDIT, OVERDUE_PATIENT, Fhir.r4().newJsonParser().encodeResourceToString(written));
        awaitRows("select count(*) from triage_decision where episode_id like 'console-" + RUN + "-%'", 3);
        // The episode's round 1 Task as the notifier writes it, still requested; and a round completed 10 days after written
        IGenericClient ehr = Fhir.r4().newRestfulGenericClient(EhrSandboxes.shared().baseUrl());
        ehr.create().resource(task(OVERDUE_EPISODE, 1, Task.TaskStatus.REQUESTED, Instant.now())).execute();
        // What the notifier wrote beside it: the episode's ServiceRequest, round 1's CT order, the patient's reminder
        // and the clinicians' message about the overdue round
        ServiceRequest episode = new ServiceRequest().setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
                .setIntent(ServiceRequest.ServiceRequestIntent.ORDER).setSubject(new Reference("Patient/lt-p001"));
        episode.addIdentifier(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(OVERDUE_EPISODE));
        String episodeRequest = "ServiceRequest/" + ehr.create().resource(episode).execute().getId().getIdPart();
        ServiceRequest ct = new ServiceRequest().setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
                .setIntent(ServiceRequest.ServiceRequestIntent.ORDER).setSubject(new Reference("Patient/lt-p001"))
                .setCode(new CodeableConcept().setText("CT thorax")).setAuthoredOn(Date.from(overdue.decidedAt()));
        ct.addIdentifier(new Identifier().setSystem(EhrIdentifiers.ORDER).setValue(EhrIdentifiers.ctOrder(OVERDUE_EPISODE, 1)));
        ct.setRequisition(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(OVERDUE_EPISODE));
        ehr.create().resource(ct).execute();
        CommunicationRequest reminder = new CommunicationRequest().setStatus(CommunicationRequest.CommunicationRequestStatus.ACTIVE)
                .setAuthoredOn(Date.from(overdue.decidedAt()));
        reminder.setLanguage("es");
        reminder.addIdentifier(new Identifier().setSystem(EhrIdentifiers.PATIENT_REMINDER)
                .setValue(EhrIdentifiers.reminder(OVERDUE_EPISODE, 1, "overdue")));
        reminder.setGroupIdentifier(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(OVERDUE_EPISODE));
        ehr.create().resource(reminder).execute();
        Communication told = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED).setSent(Date.from(overdue.decidedAt()));
        told.addIdentifier(new Identifier().setSystem(EhrIdentifiers.NOTICE).setValue(EhrIdentifiers.notice(OVERDUE_EPISODE, "round-1/overdue")));
        told.addBasedOn(new Reference(episodeRequest));
        ehr.create().resource(told).execute();
        Task completed = task("console-" + RUN + "-c", 1, Task.TaskStatus.COMPLETED, Instant.now().minus(Duration.ofDays(10)));
        completed.setLastModified(new Date());
        ehr.create().resource(completed).execute();
        stored = true;
    }

    @Test
    void withoutLoginNothingIsShownAndTheBrowserIsSentToTheIdentityProvider() throws Exception {
        for (String path : List.of("/console/worklist", "/console/patient?key=" + URLEncoder.encode(OVERDUE_PATIENT, StandardCharsets.UTF_8),
                "/console/audit/decisions.csv")) {
            HttpURLConnection plain = (HttpURLConnection) URI.create(base() + path).toURL().openConnection();
            plain.setInstanceFollowRedirects(false);
            assertThat(plain.getResponseCode()).as(path).isEqualTo(302);
            assertThat(plain.getHeaderField("Location")).as(path).contains("/realms/lems-triage/protocol/openid-connect/auth");
            assertThat(new String(plain.getErrorStream() == null ? new byte[0] : plain.getErrorStream().readAllBytes())).doesNotContain("console-");
        }
    }

    @Test
    void worklistPutsTheOverduePatientOnTopAndFilters() throws Exception {
        ConsoleBrowser browser = auditor();
        browser.open(worklist.toString());
        assertThat(browser.driver.findElement(org.openqa.selenium.By.cssSelector("#worklist tbody tr")).getAttribute("data-patient"))
                .isEqualTo(OVERDUE_PATIENT);
        assertThat(browser.text("#worklist tbody tr:first-child")).contains("HIGH").contains("OVERDUE").contains("Round 1: CT thorax")
                .contains("2020-01-12");
        browser.screenshot("worklist");
        assertThat(browser.seriousAccessibilityViolations()).isEmpty();

        browser.open(worklist + "?tier=INTERMEDIATE&status=DUE");
        assertThat(browser.texts("#worklist tbody tr td:nth-child(2)")).isNotEmpty().allMatch(t -> t.equals("INTERMEDIATE"));
        assertThat(browser.texts("#worklist tbody tr td:first-child")).contains(DUE_PATIENT).doesNotContain(OVERDUE_PATIENT);
    }

    @Test
    void patientViewExplainsEachDecisionAndShowsTheTaskStatusFromTheEhrAndTheReadIsAudited() throws Exception {
        ConsoleBrowser browser = auditor();
        try (TopicProbe trail = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT)) {
            browser.open(worklist.toString());
            browser.driver.findElement(org.openqa.selenium.By.linkText(OVERDUE_PATIENT)).click();
            browser.awaitPage("/console/patient");
            assertThat(browser.text("h1")).contains(OVERDUE_PATIENT);
            assertThat(browser.text(".explanation")).isEqualTo(EXPLANATION);
            assertThat(browser.texts("code.rule")).contains("VGCC-PQ-POSITIVE@1", "DELTA-P-HIGH@1");
            assertThat(browser.text("article.decision")).contains("P/Q-type VGCC antibody").contains("1.7 nmol/L, POSITIVE")
                    .contains("bulbar involvement").contains("PRESENT").contains("OVERDUE");
            assertThat(browser.texts("table.tasks .task-status")).containsExactly("requested");
            // One timeline: the result, the decision, the rounds' windows, the order and both messages
            List<String> marks = browser.driver.findElements(org.openqa.selenium.By.cssSelector("svg.timeline .point title")).stream()
                    .map(t -> t.getAttribute("textContent")).toList();
            assertThat(marks).anySatisfy(m -> assertThat(m).startsWith("Results: P/Q-type VGCC antibody POSITIVE"))
                    .anySatisfy(m -> assertThat(m).startsWith("Decisions: version 1: OPEN, tier HIGH"))
                    .anySatisfy(m -> assertThat(m).startsWith("Rounds: round 1: CT thorax, 2020-01-01 to 2020-01-12 (overdue, Task requested)"))
                    .anySatisfy(m -> assertThat(m).startsWith("Orders: CT thorax").endsWith("(active)"))
                    .anySatisfy(m -> assertThat(m).startsWith("Messages: reminder to the patient: round-1 overdue (es)"))
                    .anySatisfy(m -> assertThat(m).startsWith("Messages: message to clinicians: round-1/overdue"));
            browser.screenshot("patient");
            assertThat(browser.seriousAccessibilityViolations()).isEmpty();

            ConsumerRecord<String, String> read = trail.awaitRecord(r -> r.value().contains(OVERDUE_PATIENT) && r.value().contains("\"action\":\"R\""), WAIT);
            AuditEvent audited = Fhir.r4().newJsonParser().parseResource(AuditEvent.class, read.value());
            assertThat(audited.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
            assertThat(audited.getAgent()).anySatisfy(a -> assertThat(a.getWho().getDisplay()).isEqualTo("demo-auditor"));
        }
    }

    @Test
    void auditViewSearchesByPatientAndRuleAndExportsCsvAndABundle() throws Exception {
        ConsoleBrowser browser = auditor();
        String query = "?patient=" + URLEncoder.encode(OVERDUE_PATIENT, StandardCharsets.UTF_8) + "&rule=DELTA-P-HIGH%401";
        browser.open(base() + "/console/audit" + query);
        assertThat(browser.texts("#decisions tbody tr")).hasSize(1).first().asString().contains(OVERDUE_PATIENT).contains("OPEN v1");
        assertThat(browser.texts("#audit-events tbody tr")).anySatisfy(r -> assertThat(r).contains("notifier"));
        browser.screenshot("audit");
        assertThat(browser.seriousAccessibilityViolations()).isEmpty();

        String csv = browser.fetch("/console/audit/decisions.csv" + query);
        assertThat(csv.lines().toList()).hasSize(2);
        assertThat(csv).startsWith("decision_id,episode_id,version,patient_key,").contains(OVERDUE_EPISODE + "/1," + OVERDUE_EPISODE + ",1," + OVERDUE_PATIENT);
        assertThat(browser.fetch("/console/audit/audit-events.csv" + query)).startsWith("id,recorded,type,action,outcome,agents,entities")
                .contains("decision " + OVERDUE_EPISODE + "/1");
        Bundle bundle = Fhir.r4().newJsonParser().parseResource(Bundle.class, browser.fetch("/console/audit/audit-events.json" + query));
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
        assertThat(bundle.getEntry()).isNotEmpty().allSatisfy(e -> assertThat(e.getResource()).isInstanceOf(AuditEvent.class));

        browser.open(base() + "/console/audit?from=yesterday");
        assertThat(browser.driver.getPageSource()).contains("Parameter 'from': not a date");
    }

    @Test
    void aCsvCellThatASpreadsheetWouldRunIsExportedAsText() {
        String csv = auditor().fetch("/console/audit/decisions.csv?patient=" + URLEncoder.encode(FORMULA_PATIENT, StandardCharsets.UTF_8));
        assertThat(csv.lines().toList()).hasSize(2);
        assertThat(csv.lines().skip(1).findFirst().orElseThrow().split(",")).contains("'" + FORMULA_PATIENT.split(",")[0]);
        assertThat(csv).doesNotContain("," + FORMULA_PATIENT);
    }

    @Test
    void theSessionCookieOpensTheConsoleOnly_andItsAnswersAreNotCachedOrFramed() throws Exception {
        ConsoleBrowser browser = auditor();
        browser.open(worklist.toString());
        String cookies = cookies(browser);
        for (String page : List.of("/console/worklist", "/console/patient?key=" + URLEncoder.encode(OVERDUE_PATIENT, StandardCharsets.UTF_8),
                "/console/audit/decisions.csv", "/console/audit/audit-events.json")) {
            HttpURLConnection answer = withCookies(page, cookies);
            assertThat(answer.getResponseCode()).as(page).isEqualTo(200);
            assertThat(answer.getHeaderField("Cache-Control")).as(page).isEqualTo("no-store");
            assertThat(answer.getHeaderField("Content-Security-Policy")).as(page).contains("default-src 'none'").contains("frame-ancestors 'none'");
            assertThat(answer.getHeaderField("X-Frame-Options")).as(page).isEqualTo("DENY");
            assertThat(answer.getHeaderField("X-Content-Type-Options")).as(page).isEqualTo("nosniff");
            assertThat(answer.getHeaderField("X-Powered-By")).as(page).isNull();
        }
        // The page's style comes from the console itself, as its policy allows
        assertThat(withCookies("/console/console.css", cookies).getResponseCode()).isEqualTo(200);
        // The FHIR API and CDS Hooks take bearer tokens only: the console's cookie opens nothing there
        assertThat(withCookies("/fhir/AuditEvent?_count=1", cookies).getResponseCode()).isEqualTo(401);
        HttpURLConnection cds = withCookies("/cds-services/lems-triage-surveillance", cookies);
        cds.setRequestMethod("POST");
        cds.setDoOutput(true);
        cds.setRequestProperty("Content-Type", "application/json");
        cds.getOutputStream().write(("{\"hookInstance\":\"" + UUID.randomUUID() + "\",\"hook\":\"patient-view\",\"context\":{\"patientId\":\""
                + OVERDUE_PATIENT.substring("Patient/".length()) + "\"}}").getBytes(StandardCharsets.UTF_8));
        assertThat(cds.getResponseCode()).isEqualTo(401);
    }

    @Test
    void afterLogoutTheSavedSessionCookieOpensNothing() throws Exception {
        try (ConsoleBrowser someone = new ConsoleBrowser(SCREENSHOTS)) {
            someone.login(worklist.toString(), "demo-worklist");
            String saved = cookies(someone);
            assertThat(withCookies("/console/worklist", saved).getResponseCode()).isEqualTo(200);
            someone.open(base() + "/console/logout");
            new org.openqa.selenium.support.ui.WebDriverWait(someone.driver, Duration.ofSeconds(30))
                    .until(d -> d.getCurrentUrl().startsWith(base() + "/q/health/live"));
            // Logged out at Keycloak as well: the browser must log in again
            someone.open(worklist.toString());
            assertThat(someone.driver.getCurrentUrl()).contains("/realms/lems-triage/protocol/openid-connect/auth");
            // And the cookie saved before the logout is refused at once (Quarkus answers a session it cannot verify 401)
            HttpURLConnection replayed = withCookies("/console/worklist", saved);
            assertThat(replayed.getResponseCode()).isEqualTo(401);
            assertThat(new String(replayed.getErrorStream() == null ? new byte[0] : replayed.getErrorStream().readAllBytes()))
                    .doesNotContain("console-");
        }
    }

    private static String cookies(ConsoleBrowser browser) {
        return browser.driver.manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(java.util.stream.Collectors.joining("; "));
    }

    private HttpURLConnection withCookies(String path, String cookies) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create(base() + path).toURL().openConnection();
        c.setInstanceFollowRedirects(false);
        c.setRequestProperty("Cookie", cookies);
        return c;
    }

    @Test
    void qualityChartsHavePoints() throws Exception {
        ConsoleBrowser browser = auditor();
        browser.open(base() + "/console/quality");
        for (String chart : List.of("positives", "to-task", "to-completion", "overdue", "tiers")) {
            assertThat(browser.chartPoints("#chart-" + chart)).as(chart).anySatisfy(p -> assertThat(p).doesNotEndWith(": 0"));
        }
        // The notifier wrote the overdue episode's Tasks 3 s after its decision: this week's median is a few seconds
        assertThat(browser.driver.findElement(org.openqa.selenium.By.cssSelector("#chart-to-task svg rect.point:last-of-type title"))
                .getAttribute("textContent")).matches(".*: [0-9.]+");
        // The yield: a chart by DELTA-P score, tables by score and by tier, and a CSV that says the same
        assertThat(browser.chartPoints("#yield")).hasSize(7);
        assertThat(browser.texts("#yield-by-score tbody tr")).hasSize(8);
        assertThat(browser.texts("#yield-by-tier tbody tr")).hasSize(4);
        String episodes = browser.driver.findElement(org.openqa.selenium.By.cssSelector("#yield-by-tier tbody tr:last-child td")).getText();
        String csv = browser.fetch("/console/quality/yield.csv").replace("\r\n", "\n"); // as the browser hands it over
        assertThat(csv).startsWith("group,stratifier,stratum,population,count,score,expected\n")
                .contains("episodes-opened,,all,initial-population," + episodes + ",,\n")
                .contains("sclc-found,delta-p-score,4,denominator,");
        browser.screenshot("quality");
        assertThat(browser.seriousAccessibilityViolations()).isEmpty();
    }

    @Test
    void pipelineViewShowsLagPerGroupAndTheDeadLetterTopics() throws Exception {
        ConsoleBrowser browser = auditor();
        browser.open(base() + "/console/pipeline");
        assertThat(browser.texts("#lag tbody tr td:first-child")).contains("lems-triage-read-side-events", "lems-triage-read-side-decisions");
        assertThat(browser.texts("#dlq tbody tr td:first-child")).contains(Topics.AUDIT_STORE_DLQ, Topics.LAB_OBSERVATION_DLQ);
        assertThat(browser.texts("#rate tbody tr td:first-child")).contains(Topics.TRIAGE_DECISION);
        // No notifier runs beside this test: the page says the breaker's state is unknown, and why
        assertThat(browser.text("#breaker")).startsWith("unknown: the notifier's EHR-writes health did not answer");
        // Nor ingest: the HL7 v2 codes without a coding system are not known, and the page says why
        assertThat(browser.text("#unmapped-status")).startsWith("unknown: ingest's metrics did not answer");
        browser.screenshot("pipeline");
        assertThat(browser.seriousAccessibilityViolations()).isEmpty();
    }

    @Test
    void aWorklistUserSeesTheWorklistAndPatientsButNotTheAuditQualityOrPipelineViews() throws Exception {
        try (ConsoleBrowser nurse = new ConsoleBrowser(SCREENSHOTS)) {
            nurse.login(worklist.toString(), "demo-worklist");
            assertThat(nurse.texts("#worklist tbody tr td:first-child")).contains(OVERDUE_PATIENT);
            assertThat(nurse.texts("header nav a")).containsExactly("Worklist");
            for (String page : List.of("/console/audit", "/console/quality", "/console/pipeline")) {
                assertThat(nurse.fetch(page)).as(page).isEqualTo("403 ");
            }
        }
    }

    @AfterAll
    static void closeBrowser() {
        if (auditor != null) {
            auditor.close();
            auditor = null;
        }
    }

    private ConsoleBrowser auditor() {
        if (auditor == null) {
            auditor = new ConsoleBrowser(SCREENSHOTS).login(worklist.toString(), "demo-auditor");
        }
        return auditor;
    }

    private String base() {
        String url = worklist.toString();
        return url.substring(0, url.indexOf("/console"));
    }

    /** An OPEN decision as the classifier publishes it: evidence, DELTA-P items, the rules, one round in {@code state}. */
    private static TriageDecision decision(String episode, String patient, Tier tier, RoundState state, LocalDate from) {
        return new TriageDecision(episode + "/1", episode, 1, patient, Action.OPEN, tier,
                List.of(new TriageDecision.Evidence("Observation/vgcc-" + episode, Analyte.VGCC_PQ, "final", new BigDecimal("1.70"),
                        "nmol/L", null, LabResult.Qualitative.POSITIVE)),
                List.of("VGCC-PQ-POSITIVE@1", "DELTA-P-HIGH@1"), "2.0", EXPLANATION,
                List.of(new ScreeningRound(1, "CT thorax", from, from.plusDays(11), state),
                        new ScreeningRound(2, "CT thorax", from.plusMonths(3), from.plusMonths(3).plusDays(14))),
                Instant.now(), TriageDecision.ContextStatus.AVAILABLE,
                List.of(new DeltaPItem(DeltaPItem.Item.BULBAR_INVOLVEMENT, DeltaPItem.Presence.PRESENT, "Condition/c1", null),
                        new DeltaPItem(DeltaPItem.Item.AGE_50_OR_OLDER, DeltaPItem.Presence.PRESENT, "Patient.birthDate", null)),
                2, TriageDecision.EpisodeKind.SCREENING, null);
    }

    /** A round's Task as the notifier writes it (its business identifier, the episode as group, authored when written). */
    private static Task task(String episode, int round, Task.TaskStatus status, Instant authored) {
        Task task = new Task().setStatus(status).setIntent(Task.TaskIntent.ORDER);
        task.addIdentifier(new Identifier().setSystem(EhrIdentifiers.ROUND).setValue(EhrIdentifiers.round(episode, round)));
        task.setGroupIdentifier(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(episode));
        task.setCode(new CodeableConcept().setText("Screening round " + round + ": CT thorax"));
        task.setAuthoredOn(Date.from(authored));
        return task;
    }
}
