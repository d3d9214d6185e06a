package org.lemstriage.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The demo's second half: the surveillance after the screening Tasks were written, walked through in seconds by
 * moving the classifier's test clock forward ({@code lemstriage.clock.adjustable=true}) and playing the oncology
 * team on the EHR's FHIR API. Prints each lifecycle step as the EHR shows it; exits 1 when a step does not happen.
 *
 * <p>Usage: {@code SurveillanceWalk <ehr base> <classifier base> <overdue patient> <tumour patient> <released patient>
 * <completed patient>}.
 */
public final class SurveillanceWalk {
    private static final CacheControlDirective FRESH = new CacheControlDirective().setNoCache(true);
    private static final String CLOSING = EhrIdentifiers.CLOSING;

    private final IGenericClient ehr;
    private final String classifier;
    private final HttpClient http = HttpClient.newHttpClient();

    SurveillanceWalk(String ehrBase, String classifier) {
        FhirContext fhir = FhirContext.forR4();
        fhir.getRestfulClientFactory().setServerValidationMode(ca.uhn.fhir.rest.client.api.ServerValidationModeEnum.NEVER);
        this.ehr = fhir.newRestfulGenericClient(ehrBase);
        this.classifier = classifier;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: SurveillanceWalk <ehr base> <classifier base> <overdue> <tumour> <released> <completed>");
            System.exit(2);
        }
        boolean ok = new SurveillanceWalk(args[0], args[1]).walk(args[2], args[3], args[4], args[5]);
        System.exit(ok ? 0 : 1);
    }

    private boolean walked;

    /** Whether the walk ran (it is skipped on a stack whose patients are past their first round). */
    boolean walked() {
        return walked;
    }

    boolean walk(String overdue, String tumour, String released, String completed) throws Exception {
        if (status(classifier + "/test/clock") != 200) {
            say("surveillance walk skipped: the classifier's clock is not adjustable (start the stack with `demo` on a fresh run)");
            return true;
        }
        for (String patient : List.of(overdue, tumour, released, completed)) {
            if (requested(patient).size() != 1 || closing(patient).isPresent()) {
                say("surveillance walk skipped: " + patient + " is not at its first round (an earlier run's episodes; `down` first)");
                return true;
            }
        }
        walked = true;
        say("surveillance, followed in seconds (the classifier's clock moved forward; the oncology team played on the EHR):");
        complete(requested(tumour).get(0));
        Task releasedRound1 = requested(released).get(0);
        completeWithNegativeCt(releasedRound1);
        complete(requested(completed).get(0));
        recordSmallCellLungCancer(tumour);
        say("  day 0: round 1 completed for " + tumour + ", " + released + " (its CT recorded negative) and " + completed
                + "; " + overdue + "'s left requested; a confirmed small-cell lung cancer recorded for " + tumour);
        String pet = releasedRound1.getIdentifierFirstRep().getValue() + "/pet";
        advance("P1D");
        boolean ok = step("  day 1: " + released + " round 1's FDG-PET ordered", () -> order(pet),
                o -> o.size() == 1 && o.get(0).getStatus() == ServiceRequest.ServiceRequestStatus.ACTIVE,
                o -> "its PET ServiceRequest is active (the CT was negative); round 2's stays on hold");
        advance("P34D");
        // Overdue: one step up (routine to urgent, urgent to asap), and a note says why
        ok &= step("  day 35: " + overdue + " round 1 overdue", () -> requested(overdue),
                t -> t.size() == 1 && List.of(Task.TaskPriority.URGENT, Task.TaskPriority.ASAP).contains(t.get(0).getPriority())
                        && !t.get(0).getNote().isEmpty(),
                t -> "priority " + t.get(0).getPriority().toCode() + ", note: \"" + t.get(0).getNoteFirstRep().getText() + "\"");
        ok &= step("  day 35: " + tumour + " screening ended", () -> closing(tumour).map(List::of).orElse(List.of()),
                t -> t.size() == 1 && tasks(tumour, "on-hold").isEmpty(),
                t -> "\"" + t.get(0).getCode().getText() + "\", " + tasks(tumour, "cancelled").size()
                        + " later rounds cancelled with the reason, referencing " + t.get(0).getReasonReference().getReference());
        advance("P60D");
        ok &= step("  day 95: " + released + " round 2 (month 3, HIGH) released", () -> requested(released),
                t -> t.size() == 1 && t.get(0).getIdentifierFirstRep().getValue().endsWith("/round-2"),
                t -> "requested after the EHR was read again; " + tasks(released, "on-hold").size() + " rounds still on hold");
        // Each later round in turn, whatever the tier's schedule: the clock moved to its date, released, completed
        requested(completed).forEach(this::complete); // a round released meanwhile (HIGH's month 3) is done first
        for (Optional<Task> next = nextHeld(completed); next.isPresent() && ok; next = nextHeld(completed)) {
            advanceTo(next.get().getRestriction().getPeriod().getStart());
            String n = next.get().getIdentifierFirstRep().getValue();
            ok &= step("  " + completed + " " + n.substring(n.lastIndexOf('/') + 1) + " released", () -> requested(completed),
                    t -> t.stream().anyMatch(r -> r.getIdentifierFirstRep().getValue().equals(n)), t -> "completed by the team");
            requested(completed).forEach(this::complete);
        }
        advance("P1D");
        ok &= step("  two years on: " + completed + " surveillance complete", () -> closing(completed).map(List::of).orElse(List.of()),
                t -> t.size() == 1, t -> "\"" + t.get(0).getCode().getText() + "\", " + tasks(completed, "completed").size()
                        + " rounds completed, episode closed");
        return ok;
    }

    /** The earliest round of the patient still on hold (planned), if any. */
    private Optional<Task> nextHeld(String patient) {
        return tasks(patient, "on-hold").stream().filter(t -> EhrIdentifiers.ROUND.equals(t.getIdentifierFirstRep().getSystem()))
                .min(java.util.Comparator.comparing(t -> t.getRestriction().getPeriod().getStart()));
    }

    /** Moves the classifier's clock forward to the start of {@code day} (UTC), if it is not there yet. */
    private void advanceTo(java.util.Date day) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(classifier + "/test/clock")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.time.Instant now = java.time.Instant.parse(body.replaceAll(".*\"now\"\\s*:\\s*\"([^\"]+)\".*", "$1").trim());
        long days = java.time.temporal.ChronoUnit.DAYS.between(now.atZone(java.time.ZoneOffset.UTC).toLocalDate(),
                day.toInstant().atZone(java.time.ZoneOffset.UTC).toLocalDate());
        if (days > 0) {
            advance("P" + days + "D");
        }
    }

    private <T> boolean step(String what, java.util.function.Supplier<List<T>> read, Predicate<List<T>> done,
                             java.util.function.Function<List<T>, String> show) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        List<T> seen = read.get();
        while (!done.test(seen) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            seen = read.get();
        }
        if (done.test(seen)) {
            say(what + ": " + show.apply(seen));
            return true;
        }
        say(what + ": NOT SEEN within 60 s");
        return false;
    }

    /** The patient's requested round Tasks (Tasks asking a clinician are not rounds). */
    private List<Task> requested(String patient) {
        return tasks(patient, "requested").stream().filter(t -> EhrIdentifiers.ROUND.equals(t.getIdentifierFirstRep().getSystem())).toList();
    }

    private Optional<Task> closing(String patient) {
        return tasks(patient, "requested").stream().filter(t -> CLOSING.equals(t.getIdentifierFirstRep().getSystem())).findFirst();
    }

    private List<Task> tasks(String patient, String status) {
        Bundle found = ehr.search().forResource(Task.class).cacheControl(FRESH).where(Task.PATIENT.hasId(patient))
                .and(Task.STATUS.exactly().code(status)).count(50).returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (Task) e.getResource()).toList();
    }

    private void complete(Task task) {
        ehr.update().resource(task.copy().setStatus(Task.TaskStatus.COMPLETED)).execute();
    }

    /** The team completes a round and records its CT thorax as negative (SNOMED CT 260385009) on the round's Task. */
    private void completeWithNegativeCt(Task task) {
        Task done = task.copy().setStatus(Task.TaskStatus.COMPLETED);
        done.addOutput().setType(new CodeableConcept(new Coding("http://loinc.org", "24627-2", "CT Chest")))
                .setValue(new CodeableConcept(new Coding("http://snomed.info/sct", "260385009", "Negative")));
        ehr.update().resource(done).execute();
    }

    /** A round's order by its business identifier value ({@code <episode>/round-<n>/pet}). */
    private List<ServiceRequest> order(String identifier) {
        Bundle found = ehr.search().forResource(ServiceRequest.class).cacheControl(FRESH)
                .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.ORDER, identifier)).returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (ServiceRequest) e.getResource()).toList();
    }

    private void recordSmallCellLungCancer(String patient) {
        Condition condition = new Condition().setSubject(new Reference(patient))
                .setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "254632001", "Small cell carcinoma of lung")));
        condition.setClinicalStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null)));
        condition.setVerificationStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null)));
        ehr.create().resource(condition).execute();
    }

    private void advance(String by) throws Exception {
        int status = http.send(HttpRequest.newBuilder(URI.create(classifier + "/test/clock/advance?by=" + by))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 200) {
            throw new IllegalStateException("the classifier's clock did not move: HTTP " + status);
        }
    }

    private int status(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
