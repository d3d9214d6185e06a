package org.lemstriage.browser;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's console checked in a real browser on what the real pipeline produced (`deploy/local/stack
 * console-check`): no page without a login; the worklist user sees the worklist, overdue first, and nothing of the
 * auditor's; the auditor's five pages hold what a person would look for, each screenshot kept and each free of serious
 * or critical axe-core violations. Exit status 1 on the first check that fails.
 *
 * <p>Arguments: console base URL, screenshot folder, an overdue patient's key, a patient with Tasks in the EHR.
 */
public final class ConsoleCheck {
    private final String base;
    private final Path screenshots;
    private final List<String> passed = new ArrayList<>();
    /** The page open when a check failed, and the start of its text: what a person would have seen */
    private String page = "";
    private String pageText = "";

    private ConsoleCheck(String base, Path screenshots) {
        this.base = base;
        this.screenshots = screenshots;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ConsoleCheck CONSOLE_BASE_URL SCREENSHOT_DIR OVERDUE_PATIENT PATIENT_WITH_TASKS");
            System.exit(2);
        }
        ConsoleCheck check = new ConsoleCheck(args[0], Path.of(args[1]));
        try {
            check.run(args[2], args[3]);
        } catch (AssertionError | org.openqa.selenium.WebDriverException e) {
            check.passed.forEach(p -> System.out.println("  ok   " + p));
            System.out.println("  FAIL " + (e instanceof AssertionError ? e.getMessage() : "on " + check.page + ": " + e.getClass().getSimpleName()
                    + " (" + e.getMessage().lines().findFirst().orElse("") + "); the page said: " + check.pageText));
            System.exit(1);
        }
        check.passed.forEach(p -> System.out.println("  ok   " + p));
    }

    private void run(String overdue, String patient) throws IOException {
        for (String page : List.of("/console/worklist", "/console/audit/decisions.csv")) {
            HttpURLConnection plain = (HttpURLConnection) URI.create(base + page).toURL().openConnection();
            plain.setInstanceFollowRedirects(false);
            check(plain.getResponseCode() == 302 && String.valueOf(plain.getHeaderField("Location")).contains("/protocol/openid-connect/auth"),
                    page + " without a login: sent to the identity provider, nothing shown");
        }
        try (ConsoleBrowser nurse = new ConsoleBrowser(screenshots)) {
            nurse.login(base + "/console/worklist", "demo-worklist");
            List<String> states = nurse.texts("#worklist tbody tr td:nth-child(3)");
            List<String> patients = nurse.texts("#worklist tbody tr td:first-child");
            check(!states.isEmpty() && states.get(0).equals("OVERDUE"), "worklist (demo-worklist): an OVERDUE episode on top, of " + states.size());
            int at = patients.indexOf(overdue);
            check(at >= 0 && states.get(at).equals("OVERDUE"), "worklist: " + overdue + " listed as OVERDUE");
            check(nurse.texts("header nav a").equals(List.of("Worklist")), "worklist user's menu: the worklist only");
            check(nurse.fetch("/console/audit").startsWith("403"), "worklist user refused the audit view (403)");
        }
        try (ConsoleBrowser auditor = new ConsoleBrowser(screenshots)) {
            auditor.login(base + "/console/worklist", "demo-auditor");
            page(auditor, "worklist");

            opened(auditor, "/console/patient?key=" + URLEncoder.encode(patient, StandardCharsets.UTF_8));
            check(!auditor.text(".explanation").isBlank(), "patient " + patient + ": explanation shown, page " + page);
            check(!auditor.texts("code.rule").isEmpty(), "patient: rule ids shown " + auditor.texts("code.rule").stream().distinct().toList());
            List<String> tasks = auditor.texts("table.tasks .task-status");
            check(!tasks.isEmpty(), "patient: Task status read from the EHR " + tasks);
            List<String> lanes = auditor.driver.findElements(org.openqa.selenium.By.cssSelector("svg.timeline .point title")).stream()
                    .map(t -> t.getAttribute("textContent")).map(t -> t.substring(0, t.indexOf(':'))).distinct().toList();
            check(lanes.containsAll(List.of("Results", "Decisions", "Rounds", "Orders", "Messages")), "patient: timeline with " + lanes);
            page(auditor, "patient");

            String search = "?patient=" + URLEncoder.encode(patient, StandardCharsets.UTF_8);
            opened(auditor, "/console/audit" + search);
            check(!auditor.texts("#decisions tbody tr").isEmpty() && !auditor.texts("#audit-events tbody tr").isEmpty(),
                    "audit: decisions and AuditEvents of " + patient);
            check(auditor.fetch("/console/audit/decisions.csv" + search).lines().count() >= 2, "audit: CSV export of its decisions");
            check(auditor.fetch("/console/audit/audit-events.json" + search).contains("\"resourceType\":\"Bundle\""), "audit: FHIR Bundle export");
            page(auditor, "audit");

            opened(auditor, "/console/quality");
            for (String chart : List.of("positives", "to-task", "to-completion", "overdue", "tiers")) {
                List<String> points = auditor.chartPoints("#chart-" + chart);
                List<String> nonZero = points.stream().filter(p -> !p.endsWith(": 0")).toList();
                check(!nonZero.isEmpty(), "quality: chart " + chart + ", " + nonZero.size() + " of " + points.size() + " bars above 0, "
                        + "the first " + nonZero.stream().limit(2).toList());
            }
            List<String> yield = auditor.texts("#yield-by-tier tbody tr:last-child td");
            check(!yield.isEmpty() && !"0".equals(yield.get(0)) && auditor.fetch("/console/quality/yield.csv").startsWith("group,stratifier"),
                    "quality: yield of " + (yield.isEmpty() ? "no" : yield.get(0)) + " episodes, " + (yield.size() > 1 ? yield.get(1) : "?")
                            + " rounds released, by tier and DELTA-P score, and as CSV");
            page(auditor, "quality");
            ((org.openqa.selenium.JavascriptExecutor) auditor.driver).executeScript("document.getElementById('yield').scrollIntoView()");
            auditor.screenshot("quality-yield");

            opened(auditor, "/console/pipeline");
            check(auditor.texts("#lag tbody tr td:first-child").contains("lems-triage-notifier"), "pipeline: lag of lems-triage-notifier");
            check(auditor.texts("#dlq tbody tr").size() >= 4, "pipeline: dead-letter topics " + auditor.texts("#dlq tbody tr"));
            check(auditor.text("#breaker").startsWith("closed"), "pipeline: EHR breaker from the notifier's health: " + auditor.text("#breaker"));
            check(auditor.texts("#unmapped tbody tr").stream().anyMatch(r -> r.contains("HOSPLAB") && r.contains("CCPQ")),
                    "pipeline: the HOSPLAB send-out's unmapped code from ingest's metrics: " + auditor.texts("#unmapped tbody tr"));
            page(auditor, "pipeline");
        }
        passed.add("screenshots in " + screenshots.toAbsolutePath());
    }

    private void opened(ConsoleBrowser browser, String path) {
        long start = System.nanoTime();
        page = path;
        browser.open(base + path);
        try {
            // A page is there once its heading is: the first read of the EHR in a cold service can take seconds
            browser.awaitPage(path.split("\\?")[0]);
        } finally {
            page = path + " (" + (System.nanoTime() - start) / 1_000_000 + " ms)";
            String text = browser.driver.findElement(org.openqa.selenium.By.tagName("body")).getText().replaceAll("\\s+", " ");
            pageText = text.length() > 300 ? text.substring(0, 300) + "..." : text;
        }
    }

    /** The page as it is now: a screenshot, and axe-core's serious and critical violations (none allowed). */
    private void page(ConsoleBrowser browser, String name) throws IOException {
        browser.screenshot(name);
        List<String> violations = browser.seriousAccessibilityViolations();
        check(violations.isEmpty(), name + ": axe-core " + AxeCore.VERSION + ", no serious or critical violation " + violations);
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
        passed.add(what);
    }

    /** Selenium's own chatter (CDP version notices) is not the check's output; held so the setting is not collected */
    private static final java.util.logging.Logger SELENIUM = java.util.logging.Logger.getLogger("org.openqa.selenium");

    static {
        SELENIUM.setLevel(java.util.logging.Level.SEVERE);
    }
}
