package org.lemstriage.notifier.kafka;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.RoundState;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.notifier.Decisions;
import org.lemstriage.notifier.EpisodeInEhr;
import org.lemstriage.notifier.episode.EpisodeRequest;
import org.lemstriage.testsupport.Eventually;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the notifier must do on any EHR, checked over the EHR's FHIR API only (every read fresh): run against the EHR
 * sandbox ({@link SandboxEpisodeIT}) and a real HAPI FHIR JPA server with its default settings ({@link HapiJpaEpisodeIT}),
 * which reuses searches for 60 s, answers 409 to a stale If-Match and 200 to a conditional create that matched.
 */
abstract class EpisodeConformance {
    private Decisions.Sender sender;
    private EpisodeInEhr episodes;
    private IGenericClient ehr;

    /** The EHR's FHIR base, as the notifier under test is configured. */
    protected abstract String ehrBaseUrl();

    /** The EHR goes away (refusing or hanging) ... */
    protected abstract void ehrAway() throws Exception;

    /** ... and comes back with everything it held. */
    protected abstract void ehrBack() throws Exception;

    @BeforeEach
    void connect() {
        sender = new Decisions.Sender();
        episodes = new EpisodeInEhr(ehrBaseUrl());
        ehr = episodes.client();
    }

    @AfterEach
    void close() {
        sender.close();
    }

    @Test
    void aFirstDecisionCostsTheEhrOneBatchOfReadsAndOneTransactionEvenWithMoreOrdersThanAServersPage() throws Exception {
        // 12 rounds: 12 Tasks and 24 orders, more than HAPI FHIR JPA's default page of 10 matches
        double[] before = quietRequests();
        String episode = UUID.randomUUID().toString();
        sender.send(Decisions.decision(episode, 1, "Patient/lt-p004", Action.OPEN, Tier.HIGH, 12));
        await(() -> tasksOf(episode), t -> t.size() >= 12);
        double[] after = quietRequests();
        assertThat(after[0] - before[0]).as("reads: the episode and its people in one batch").isEqualTo(1);
        assertThat(after[1] - before[1]).as("writes: one transaction, its read-back inside it").isEqualTo(1);
    }

    /** The notifier's EHR requests so far (reads, writes), once they have stood still for two seconds. */
    private static double[] quietRequests() throws InterruptedException {
        double[] last = requests();
        while (true) {
            Thread.sleep(2_000);
            double[] now = requests();
            if (java.util.Arrays.equals(now, last)) {
                return now;
            }
            last = now;
        }
    }

    private static double[] requests() {
        String metrics = io.restassured.RestAssured.given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        double[] counts = new double[2];
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(?m)^lemstriage_ehr_requests_total\\{([^}]*)}\\s+([0-9.eE+-]+)").matcher(metrics);
        while (m.find()) {
            if (m.group(1).contains("kind=\"read\"")) {
                counts[0] += Double.parseDouble(m.group(2));
            } else if (m.group(1).contains("kind=\"write\"")) {
                counts[1] += Double.parseDouble(m.group(2));
            }
        }
        return counts;
    }

    @Test
    void aDecisionDeliveredThreeTimesLeavesOneEpisode() throws Exception {
        String episode = UUID.randomUUID().toString();
        for (int i = 0; i < 3; i++) {
            sender.send(Decisions.decision(episode, 1, "Patient/lt-p001", Action.OPEN, Tier.INTERMEDIATE, 3));
        }
        List<Task> tasks = await(() -> tasksOf(episode), t -> t.size() == 3);
        assertThat(tasks).extracting(Task::getStatus).containsExactlyInAnyOrder(
                Task.TaskStatus.REQUESTED, Task.TaskStatus.ONHOLD, Task.TaskStatus.ONHOLD);
        // A later decision on another episode proves the three deliveries were all consumed before we count
        String marker = UUID.randomUUID().toString();
        sender.send(Decisions.decision(marker, 1, "Patient/lt-p001", Action.OPEN, Tier.LOW, 1));
        await(() -> tasksOf(marker), t -> t.size() == 1);
        assertThat(tasksOf(episode)).hasSize(3);
        ServiceRequest sr = serviceRequestOf(episode);
        // Each round has its own CT and PET order; its Task focuses on the CT, based on the episode
        Map<String, ServiceRequest> orders = episodes.orders(episode);
        assertThat(orders).hasSize(6);
        assertThat(orders.get(EhrIdentifiers.ctOrder(episode, 1)).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(orders.entrySet()).filteredOn(e -> !e.getKey().equals(EhrIdentifiers.ctOrder(episode, 1)))
                .allSatisfy(e -> assertThat(e.getValue().getStatus()).as(e.getKey()).isEqualTo(ServiceRequest.ServiceRequestStatus.ONHOLD));
        assertThat(orders.values()).allSatisfy(o -> assertThat(o.getBasedOnFirstRep().getReferenceElement().getIdPart())
                .isEqualTo(sr.getIdElement().getIdPart()));
        assertThat(tasks).allSatisfy(t -> {
            assertThat(t.getFocus().getReferenceElement().getIdPart()).isEqualTo(orders.get(t.getIdentifierFirstRep().getValue() + "/ct")
                    .getIdElement().getIdPart());
            assertThat(t.getBasedOnFirstRep().getReferenceElement().getIdPart()).isEqualTo(sr.getIdElement().getIdPart());
        });
    }

    @Test
    void aNegativeCtReleasesThatRoundsPetAndWhatRadiologyFinishedIsLeftAlone() throws Exception {
        // The classifier orders a round's FDG-PET once its CT is recorded negative
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.decision(episode, 1, "Patient/lt-p010", Action.OPEN, Tier.INTERMEDIATE, 2);
        sender.send(open);
        Map<String, ServiceRequest> orders = await(() -> episodes.orders(episode), o -> o.size() == 4);
        ServiceRequest ct = orders.get(EhrIdentifiers.ctOrder(episode, 1));
        ehr.update().resource(ct.copy().setStatus(ServiceRequest.ServiceRequestStatus.COMPLETED)).execute();
        sender.send(Decisions.petOrdered(open, 2, 1));
        Map<String, ServiceRequest> after = await(() -> episodes.orders(episode),
                o -> o.get(EhrIdentifiers.petOrder(episode, 1)).getStatus() == ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(after.get(EhrIdentifiers.ctOrder(episode, 1)).getStatus()).as("radiology's").isEqualTo(ServiceRequest.ServiceRequestStatus.COMPLETED);
        assertThat(after.get(EhrIdentifiers.petOrder(episode, 2)).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ONHOLD);
        assertThat(after.get(EhrIdentifiers.petOrder(episode, 1)).getNote()).extracting(Annotation::getText)
                .anySatisfy(n -> assertThat(n).contains("FDG-PET", "CT thorax was negative"));
        assertThat(after).hasSize(4);
    }

    @Test
    void anEscalationSecondsAfterTheOpeningReachesTheEhr() throws Exception {
        String episode = UUID.randomUUID().toString();
        sender.send(Decisions.decision(episode, 1, "Patient/lt-p003", Action.OPEN, Tier.INTERMEDIATE, 2));
        List<Task> before = await(() -> tasksOf(episode), t -> t.size() == 2);
        sender.send(Decisions.decision(episode, 2, "Patient/lt-p003", Action.UPDATE, Tier.HIGH, 3));
        List<Task> after = await(() -> tasksOf(episode), t -> t.size() == 3
                && t.stream().allMatch(x -> x.getPriority() == Task.TaskPriority.URGENT));
        assertThat(after).extracting(t -> t.getIdElement().getIdPart())
                .containsAll(before.stream().map(t -> t.getIdElement().getIdPart()).toList());
        assertThat(serviceRequestOf(episode).getPriority()).isEqualTo(ServiceRequest.ServiceRequestPriority.URGENT);
    }

    @Test
    void aWithdrawalSecondsAfterTheOpeningCancelsEveryOpenTask() throws Exception {
        String episode = UUID.randomUUID().toString();
        sender.send(Decisions.decision(episode, 1, "Patient/lt-p002", Action.OPEN, Tier.INTERMEDIATE, 2));
        await(() -> tasksOf(episode), t -> t.size() == 2);
        sender.send(Decisions.decision(episode, 2, "Patient/lt-p002", Action.RETRACT, Tier.NONE, 0));
        List<Task> tasks = await(() -> tasksOf(episode), t -> t.stream().allMatch(x -> x.getStatus() == Task.TaskStatus.CANCELLED));
        assertThat(tasks).allSatisfy(t -> assertThat(t.getStatusReason().getText()).contains("Withdrawn", episode + "/2"));
        assertThat(serviceRequestOf(episode).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
        assertThat(episodes.orders(episode).values()).hasSize(4)
                .allSatisfy(o -> assertThat(o.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED));
    }

    @Test
    void whatTheOncologyTeamDidMeanwhileIsNeverOverwritten() throws Exception {
        String episode = UUID.randomUUID().toString();
        sender.send(Decisions.decision(episode, 1, "Patient/lt-p004", Action.OPEN, Tier.INTERMEDIATE, 2));
        List<Task> tasks = await(() -> tasksOf(episode), t -> t.size() == 2);
        Task first = tasks.get(0);
        Task second = tasks.get(1);
        // The team takes up round 1 and writes a note on round 2, each a new version
        ehr.update().resource(first.copy().setStatus(Task.TaskStatus.INPROGRESS)).execute();
        ehr.update().resource(second.copy().addNote(new Annotation().setText("patient asked for a morning slot"))).execute();
        sender.send(Decisions.decision(episode, 2, "Patient/lt-p004", Action.UPDATE, Tier.HIGH, 2));
        List<Task> after = await(() -> tasksOf(episode), t -> t.stream().anyMatch(x -> x.getPriority() == Task.TaskPriority.URGENT));
        Task takenUp = after.stream().filter(t -> t.getStatus() == Task.TaskStatus.INPROGRESS).findFirst().orElseThrow();
        assertThat(takenUp.getPriority()).as("left alone").isEqualTo(Task.TaskPriority.ROUTINE);
        Task escalated = after.stream().filter(t -> t.getPriority() == Task.TaskPriority.URGENT).findFirst().orElseThrow();
        assertThat(escalated.getNote()).extracting(Annotation::getText).contains("patient asked for a morning slot");
    }

    @Test
    void aReleasedRoundIsRequestedAndAnOverdueOneRaisedAndTheWorklistToldKeepingTheTeamsNote() throws Exception {
        // The classifier releases rounds and marks them overdue; the notifier applies it
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.decision(episode, 1, "Patient/lt-p006", Action.OPEN, Tier.INTERMEDIATE, 3);
        sender.send(open);
        List<Task> tasks = await(() -> tasksOf(episode), t -> t.size() == 3);
        Task round1 = tasks.stream().filter(t -> t.getStatus() == Task.TaskStatus.REQUESTED).findFirst().orElseThrow();
        ehr.update().resource(round1.copy().addNote(new Annotation().setText("left a voicemail"))).execute();
        sender.send(Decisions.progressed(open, 2, RoundState.OVERDUE, RoundState.DUE, RoundState.PLANNED));
        List<Task> after = await(() -> tasksOf(episode), t -> t.stream().filter(x -> x.getStatus() == Task.TaskStatus.REQUESTED).count() == 2
                && t.stream().anyMatch(x -> x.getPriority() == Task.TaskPriority.URGENT));
        Task overdue = after.stream().filter(t -> t.getIdElement().getIdPart().equals(round1.getIdElement().getIdPart())).findFirst().orElseThrow();
        assertThat(overdue.getPriority()).as("routine, one step up").isEqualTo(Task.TaskPriority.URGENT);
        assertThat(overdue.getNote()).extracting(Annotation::getText)
                .anySatisfy(n -> assertThat(n).contains("Overdue", "round 1", "priority raised to urgent"))
                .contains("left a voicemail");
        assertThat(after).filteredOn(t -> t.getStatus() == Task.TaskStatus.ONHOLD).hasSize(1);
    }

    @Test
    void aTumourRecordedCancelsTheOpenRoundsWithTheReasonAndWritesOneClosingTaskNamingTheCondition() throws Exception {
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.decision(episode, 1, "Patient/lt-p007", Action.OPEN, Tier.HIGH, 3);
        sender.send(open);
        List<Task> tasks = await(() -> tasksOf(episode), t -> t.size() == 3);
        // The team completed round 1; then the EHR records the tumour
        Task round1 = tasks.stream().filter(t -> t.getStatus() == Task.TaskStatus.REQUESTED).findFirst().orElseThrow();
        ehr.update().resource(round1.copy().setStatus(Task.TaskStatus.COMPLETED)).execute();
        String condition = "Condition/" + ehr.create().resource(new org.hl7.fhir.r4.model.Condition()
                .setSubject(new org.hl7.fhir.r4.model.Reference("Patient/lt-p007"))
                .setCode(new org.hl7.fhir.r4.model.CodeableConcept(new org.hl7.fhir.r4.model.Coding("http://snomed.info/sct", "254632001", null))))
                .execute().getId().getIdPart();
        sender.send(Decisions.closed(open, 2, condition));
        List<Task> after = await(() -> tasksOf(episode), t -> t.size() == 4
                && t.stream().filter(x -> x.getStatus() == Task.TaskStatus.CANCELLED).count() == 2);
        assertThat(after).filteredOn(t -> t.getStatus() == Task.TaskStatus.CANCELLED)
                .allSatisfy(t -> assertThat(t.getStatusReason().getText()).contains("Screening ended", episode + "/2"));
        assertThat(after).filteredOn(t -> t.getStatus() == Task.TaskStatus.COMPLETED).as("the team's work stands").hasSize(1);
        Task closing = after.stream().filter(t -> t.getCode().getCodingFirstRep().getCode().equals("screening-ended-tumour-recorded"))
                .collect(java.util.stream.Collectors.toList()).get(0);
        assertThat(closing.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(closing.getReasonReference().getReference()).isEqualTo(condition);
        assertThat(serviceRequestOf(episode).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
        // Round 1 was completed: its CT order is radiology's; every order still waiting is revoked with the reason
        Map<String, ServiceRequest> orders = episodes.orders(episode);
        assertThat(orders.get(EhrIdentifiers.ctOrder(episode, 1)).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(orders).hasSize(6);
        assertThat(orders.entrySet()).filteredOn(e -> !e.getKey().equals(EhrIdentifiers.ctOrder(episode, 1))).allSatisfy(e -> {
            assertThat(e.getValue().getStatus()).as(e.getKey()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
            assertThat(e.getValue().getNote()).extracting(Annotation::getText).anySatisfy(n -> assertThat(n).contains("Screening ended"));
        });
        // Delivered again: still one closing Task
        sender.send(Decisions.closed(open, 2, condition));
        String marker = UUID.randomUUID().toString();
        sender.send(Decisions.decision(marker, 1, "Patient/lt-p007", Action.OPEN, Tier.LOW, 1));
        await(() -> tasksOf(marker), t -> t.size() == 1);
        assertThat(tasksOf(episode)).hasSize(4);
    }

    @Test
    void aCompletedSurveillanceWritesOneClosingReviewAndCompletesTheServiceRequest() throws Exception {
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.decision(episode, 1, "Patient/lt-p008", Action.OPEN, Tier.INTERMEDIATE, 2);
        sender.send(open);
        List<Task> tasks = await(() -> tasksOf(episode), t -> t.size() == 2);
        for (Task t : tasks) {
            ehr.update().resource(t.copy().setStatus(Task.TaskStatus.COMPLETED)).execute();
        }
        sender.send(Decisions.closed(Decisions.progressed(open, 2, RoundState.DUE, RoundState.DUE), 3, null));
        Task closing = await(() -> tasksOf(episode), t -> t.size() == 3).stream()
                .filter(t -> t.getIdentifierFirstRep().getSystem().equals(EhrIdentifiers.CLOSING)).findFirst().orElseThrow();
        assertThat(closing.getCode().getCodingFirstRep().getCode()).isEqualTo("surveillance-complete");
        assertThat(closing.getDescription()).contains("Two-year surveillance complete");
        assertThat(serviceRequestOf(episode).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.COMPLETED);
    }

    @Test
    void theClinicianWhoOrderedTheResultGetsOneNoticeWhateverTheDeliveries() throws Exception {
        // The seed's ServiceRequest/lt-order-p009 was requested by Practitioner/lt-dr-01
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.orderedBy(Decisions.decision(episode, 1, "Patient/lt-p009", Action.OPEN, Tier.INTERMEDIATE, 2),
                "ServiceRequest/lt-order-p009", "ServiceRequest/not-in-this-ehr");
        sender.send(open);
        sender.send(open);
        await(() -> tasksOf(episode), t -> t.size() == 2);
        var notices = episodes.notices(episode, "opened");
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).getRecipientFirstRep().getReference()).isEqualTo("Practitioner/lt-dr-01");
        assertThat(notices.get(0).getPayloadFirstRep().getContentStringType().getValue()).contains("For a result you ordered");
        assertThat(notices.get(0).getAboutFirstRep().getReferenceElement().getIdPart())
                .isEqualTo(serviceRequestOf(episode).getIdElement().getIdPart());
        String round1 = tasksOf(episode).stream().filter(t -> t.getStatus() == Task.TaskStatus.REQUESTED).findFirst().orElseThrow()
                .getIdElement().getIdPart();
        assertThat(notices.get(0).getAbout()).extracting(r -> r.getReferenceElement().getIdPart()).as("the round on the worklist")
                .contains(round1);
    }

    @Test
    void theClinicianAnHl7v2ResultNamesByIdentifierGetsTheNotice() throws Exception {
        // OBR-16 names the orderer by identifier only; the seed's Practitioner/lt-dr-01 holds LT-DR-01
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.orderedBy(Decisions.decision(episode, 1, "Patient/lt-p010", Action.OPEN, Tier.INTERMEDIATE, 2),
                LabResult.PRACTITIONER_BY_IDENTIFIER + "urn:lemstriage:sandbox:practitioner|LT-DR-01",
                LabResult.PRACTITIONER_BY_IDENTIFIER + "urn:lemstriage:sandbox:practitioner|NOT-IN-THIS-EHR");
        sender.send(open);
        await(() -> tasksOf(episode), t -> t.size() == 2);
        var notices = episodes.notices(episode, "opened");
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).getRecipient()).extracting(r -> r.getReference()).containsExactly("Practitioner/lt-dr-01");
    }

    @Test
    void aReleasedRoundRemindsThePatientOnceInTheirLanguageAndAnOverdueOneOnceMoreAndTellsTheClinician() throws Exception {
        String patient = "Patient/" + ehr.create().resource(new Patient().addCommunication(new Patient.PatientCommunicationComponent(
                new CodeableConcept(new Coding("urn:ietf:bcp:47", "es", "Spanish"))).setPreferred(true))).execute().getId().getIdPart();
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.orderedBy(Decisions.decision(episode, 1, patient, Action.OPEN, Tier.INTERMEDIATE, 2),
                "Practitioner/lt-dr-01");
        sender.send(open);
        sender.send(open);
        Map<String, CommunicationRequest> released = await(() -> episodes.reminders(episode), r -> r.size() == 1);
        CommunicationRequest reminder = released.get(EhrIdentifiers.reminder(episode, 1, "released"));
        assertThat(reminder.getLanguage()).isEqualTo("es");
        assertThat(reminder.getPayloadFirstRep().getContentStringType().getValue()).contains("control 1 de 2");
        assertThat(reminder.getRecipientFirstRep().getReference()).isEqualTo(patient);
        assertThat(reminder.getAboutFirstRep().getReferenceElement().getIdPart()).isEqualTo(tasksOf(episode).get(0).getIdElement().getIdPart());
        TriageDecision overdue = Decisions.progressed(open, 2, RoundState.OVERDUE, RoundState.PLANNED);
        sender.send(overdue);
        sender.send(overdue);
        Map<String, CommunicationRequest> both = await(() -> episodes.reminders(episode), r -> r.size() == 2);
        assertThat(both).containsKey(EhrIdentifiers.reminder(episode, 1, "overdue"));
        var told = episodes.notices(episode, "round-1/overdue");
        assertThat(told).singleElement().satisfies(c -> {
            assertThat(c.getRecipient()).extracting(r -> r.getReference()).containsExactly("Practitioner/lt-dr-01");
            assertThat(c.getAbout()).extracting(r -> r.getReferenceElement().getIdPart())
                    .contains(tasksOf(episode).get(0).getIdElement().getIdPart());
        });
        // Still overdue at the next decision: nobody is told twice
        sender.send(Decisions.progressed(open, 3, RoundState.OVERDUE, RoundState.PLANNED));
        await(() -> EpisodeRequest.appliedVersion(serviceRequestOf(episode)), v -> v == 3);
        assertThat(episodes.reminders(episode)).hasSize(2);
        assertThat(episodes.notices(episode, "round-1/overdue")).hasSize(1);
    }

    @Test
    void aReopenedEpisodeRemindsThePatientOfItsRoundOnceMoreAndItsAuditEventNamesTheReminder() throws Exception {
        String patient = "Patient/" + ehr.create().resource(new Patient()).execute().getId().getIdPart();
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.decision(episode, 1, patient, Action.OPEN, Tier.HIGH, 3);
        sender.send(open);
        await(() -> episodes.reminders(episode), r -> r.size() == 1);
        String condition = "Condition/" + ehr.create().resource(new org.hl7.fhir.r4.model.Condition().setSubject(new Reference(patient))
                .setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "254632001", null)))).execute().getId().getIdPart();
        sender.send(Decisions.closed(open, 2, condition));
        await(() -> episodes.reminders(episode), r -> r.get(EhrIdentifiers.reminder(episode, 1, "released")).getStatus()
                == CommunicationRequest.CommunicationRequestStatus.REVOKED);
        // The tumour record was entered in error: the episode reopens, round 1 due again
        TriageDecision reopened = Decisions.asking(Decisions.progressed(open, 3, RoundState.DUE, RoundState.PLANNED, RoundState.PLANNED),
                3, Action.UPDATE, null, Decisions.request("reopened/" + condition,
                        org.lemstriage.model.event.ClinicianRequest.Kind.SURVEILLANCE_REOPENED, condition, null));
        try (org.lemstriage.testsupport.TopicProbe audit = org.lemstriage.testsupport.TopicProbe.fromNow(
                org.lemstriage.testsupport.KafkaBroker.bootstrapServers(), org.lemstriage.model.Topics.TRIAGE_AUDIT)) {
            sender.send(reopened);
            sender.send(reopened);
            Map<String, CommunicationRequest> reminders = await(() -> episodes.reminders(episode), r -> r.size() == 2);
            CommunicationRequest again = reminders.get(EhrIdentifiers.reminder(episode, 1, "released/reopened-v3"));
            assertThat(again.getStatus()).isEqualTo(CommunicationRequest.CommunicationRequestStatus.ACTIVE);
            assertThat(again.getAboutFirstRep().getReferenceElement().getIdPart()).isEqualTo(tasksOf(episode).stream()
                    .filter(t -> EhrIdentifiers.round(episode, 1).equals(t.getIdentifierFirstRep().getValue())).findFirst()
                    .orElseThrow().getIdElement().getIdPart());
            assertThat(reminders.get(EhrIdentifiers.reminder(episode, 1, "released")).getStatus())
                    .as("the first stays revoked").isEqualTo(CommunicationRequest.CommunicationRequestStatus.REVOKED);
            var written = audit.awaitRecord(r -> r.value().contains("decision " + reopened.decisionId()), Duration.ofSeconds(60));
            assertThat(written.value()).as("the AuditEvent names the reminder written")
                    .contains("CommunicationRequest/" + again.getIdElement().getIdPart());
        }
        // Both deliveries applied before the next decision: still two
        sender.send(Decisions.progressed(open, 4, RoundState.DUE, RoundState.PLANNED, RoundState.PLANNED));
        await(() -> EpisodeRequest.appliedVersion(serviceRequestOf(episode)), v -> v == 4);
        assertThat(episodes.reminders(episode)).hasSize(2);
    }

    @Test
    void eachLaterClinicianEventIsOneMessageToWhoOrdered() throws Exception {
        // A question asked after the opening, the screening declined; another episode withdrawn
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.orderedBy(Decisions.decision(episode, 1, "Patient/lt-p011", Action.OPEN, Tier.HIGH, 2),
                "Practitioner/lt-dr-01");
        sender.send(open);
        await(() -> episodes.notices(episode, "opened"), n -> n.size() == 1);
        sender.send(Decisions.asking(open, 2, Action.UPDATE, null,
                Decisions.request("tumour-fit/Condition/c9", org.lemstriage.model.event.ClinicianRequest.Kind.TUMOUR_FIT, null, null)));
        var asked = await(() -> episodes.notices(episode, "review/tumour-fit/Condition/c9"), n -> n.size() == 1).get(0);
        assertThat(asked.getRecipient()).extracting(r -> r.getReference()).containsExactly("Practitioner/lt-dr-01");
        assertThat(asked.getAbout()).extracting(r -> r.getReferenceElement().getIdPart())
                .contains(serviceRequestOf(episode).getIdElement().getIdPart());
        sender.send(Decisions.declined(open, 3));
        var declined = await(() -> episodes.notices(episode, "closed/v3"), n -> n.size() == 1).get(0);
        assertThat(declined.getPayloadFirstRep().getContentStringType().getValue()).contains("declined");
        assertThat(declined.getRecipient()).extracting(r -> r.getReference()).containsExactly("Practitioner/lt-dr-01");

        String withdrawn = UUID.randomUUID().toString();
        sender.send(Decisions.orderedBy(Decisions.decision(withdrawn, 1, "Patient/lt-p012", Action.OPEN, Tier.LOW, 1), "Practitioner/lt-dr-01"));
        await(() -> tasksOf(withdrawn), t -> t.size() == 1);
        sender.send(Decisions.orderedBy(Decisions.decision(withdrawn, 2, "Patient/lt-p012", Action.RETRACT, Tier.NONE, 0), "Practitioner/lt-dr-01"));
        sender.send(Decisions.orderedBy(Decisions.decision(withdrawn, 2, "Patient/lt-p012", Action.RETRACT, Tier.NONE, 0), "Practitioner/lt-dr-01"));
        await(() -> episodes.notices(withdrawn, "withdrawn/v2"), n -> n.size() == 1);
        // A later decision for the same patient (same partition) proves the second RETRACT was consumed before we count
        String marker = UUID.randomUUID().toString();
        sender.send(Decisions.decision(marker, 1, "Patient/lt-p012", Action.OPEN, Tier.LOW, 1));
        await(() -> tasksOf(marker), t -> t.size() == 1);
        String cancelled = tasksOf(withdrawn).get(0).getIdElement().getIdPart();
        assertThat(episodes.notices(withdrawn, "withdrawn/v2")).singleElement().satisfies(c -> {
            assertThat(c.getRecipient()).extracting(r -> r.getReference()).containsExactly("Practitioner/lt-dr-01");
            assertThat(c.getAbout()).extracting(r -> r.getReferenceElement().getIdPart()).as("the Task it cancelled").contains(cancelled);
        });
    }

    @Test
    void aPatientWhoDeclinedRemindersGetsNoneAndASmokerOneReferral() throws Exception {
        String patient = "Patient/" + ehr.create().resource(new Patient()).execute().getId().getIdPart();
        Consent optOut = new Consent().setStatus(Consent.ConsentState.ACTIVE).setPatient(new Reference(patient))
                .setScope(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", null)));
        optOut.addCategory(new CodeableConcept(new Coding("http://loinc.org", "59284-0", "Patient Consent")));
        optOut.getProvision().setType(Consent.ConsentProvisionType.DENY)
                .addClass_(new Coding("http://hl7.org/fhir/resource-types", "CommunicationRequest", null));
        String consent = "Consent/" + ehr.create().resource(optOut).execute().getId().getIdPart();
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.smoker(Decisions.decision(episode, 1, patient, Action.OPEN, Tier.HIGH, 2));
        try (org.lemstriage.testsupport.TopicProbe audit = org.lemstriage.testsupport.TopicProbe.fromNow(
                org.lemstriage.testsupport.KafkaBroker.bootstrapServers(), org.lemstriage.model.Topics.TRIAGE_AUDIT)) {
            sender.send(open);
            sender.send(open);
            await(() -> tasksOf(episode), t -> t.size() == 2);
            // The decision's AuditEvent names the reminder not written, and why
            var written = audit.awaitRecord(r -> r.value().contains("decision " + open.decisionId()), Duration.ofSeconds(60));
            assertThat(written.value()).contains("patient reminder " + EhrIdentifiers.reminder(episode, 1, "released")
                    + " withheld: the patient declined reminders (" + consent + ")");
        }
        assertThat(episodes.reminders(episode)).as("opted out").isEmpty();
        Map<String, ServiceRequest> orders = episodes.orders(episode);
        assertThat(orders).hasSize(5).containsKey(EhrIdentifiers.smokingCessation(episode));
        assertThat(orders.get(EhrIdentifiers.smokingCessation(episode)).getCode().getCodingFirstRep().getCode()).isEqualTo("315232003");
    }

    @Test
    void aMinuteWithoutTheEhrLosesNothingAndDuplicatesNothing() throws Exception {
        String episode = UUID.randomUUID().toString();
        Thread away = new Thread(() -> {
            try {
                ehrAway();
                try {
                    Thread.sleep(60_000);
                } finally {
                    ehrBack();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        away.start();
        Thread.sleep(1_000);
        sender.send(Decisions.decision(episode, 1, "Patient/lt-p005", Action.OPEN, Tier.INTERMEDIATE, 2));
        away.join();
        List<Task> tasks = Eventually.await(() -> tasksOf(episode), t -> t.size() == 2, Duration.ofSeconds(120));
        assertThat(tasks).extracting(Task::getStatus).containsExactlyInAnyOrder(Task.TaskStatus.REQUESTED, Task.TaskStatus.ONHOLD);
        serviceRequestOf(episode);
    }

    /**
     * A decision for a patient named by identifier is written only for the one Patient that carries exactly that
     * identifier. A comma in the value is part of it (never FHIR search's OR, which would find another patient); none
     * or two Patients: nothing is written, and the decision is parked with the reason.
     */
    @Test
    void aPatientNamedByIdentifierIsWrittenToOnlyWhenExactlyOnePatientCarriesIt() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String system = "urn:oid:1.2.36.146.595.217.0.1";
        String held = "SECPROBE-3-" + tag;
        String twice = "DUP-" + tag;
        createPatient(system, held);
        createPatient(system, twice);
        createPatient(system, twice);
        String ok = UUID.randomUUID().toString();
        String injected = UUID.randomUUID().toString();
        String ambiguous = UUID.randomUUID().toString();
        try (org.lemstriage.testsupport.TopicProbe parked = org.lemstriage.testsupport.TopicProbe.fromNow(
                org.lemstriage.testsupport.KafkaBroker.bootstrapServers(), org.lemstriage.model.Topics.TRIAGE_DECISION_DLQ)) {
            sender.send(Decisions.decision(injected, 1, "identifier:" + system + "|SECPROBE-INJ-" + tag + "," + held, Action.OPEN, Tier.HIGH, 2));
            sender.send(Decisions.decision(ambiguous, 1, "identifier:" + system + "|" + twice, Action.OPEN, Tier.HIGH, 2));
            sender.send(Decisions.decision(ok, 1, "identifier:" + system + "|" + held, Action.OPEN, Tier.INTERMEDIATE, 2));
            var both = parked.awaitEach(Duration.ofSeconds(60), r -> r.value().contains(injected), r -> r.value().contains(ambiguous));
            assertThat(reason(both.get(0))).startsWith("patient-not-found");
            assertThat(reason(both.get(1))).startsWith("patient-not-unique");
        }
        List<Task> written = await(() -> tasksOf(ok), t -> t.size() == 2);
        assertThat(written).allSatisfy(t -> assertThat(t.getFor().getIdentifier().getValue()).isEqualTo(held));
        assertThat(tasksOf(injected)).isEmpty();
        assertThat(tasksOf(ambiguous)).isEmpty();
    }

    private void createPatient(String system, String value) {
        ehr.create().resource(new org.hl7.fhir.r4.model.Patient().addIdentifier(
                new org.hl7.fhir.r4.model.Identifier().setSystem(system).setValue(value))).execute();
    }

    private static String reason(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> parked) {
        return new String(parked.headers().lastHeader("dead-letter-reason").value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private ServiceRequest serviceRequestOf(String episode) {
        return episodes.serviceRequest(episode);
    }

    private List<Task> tasksOf(String episode) {
        return episodes.tasks(episode);
    }

    private static <T> T await(Supplier<T> read, Predicate<T> done) throws InterruptedException {
        return Eventually.await(read, done, Duration.ofSeconds(60));
    }
}
