package org.lemstriage.notifier.kafka;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.notifier.Decisions;
import org.lemstriage.notifier.EpisodeInEhr;
import org.lemstriage.testsupport.Eventually;

import java.time.Duration;
import java.util.List;
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
        assertThat(tasks).allSatisfy(t -> assertThat(t.getFocus().getReferenceElement().getIdPart())
                .isEqualTo(sr.getIdElement().getIdPart()));
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
