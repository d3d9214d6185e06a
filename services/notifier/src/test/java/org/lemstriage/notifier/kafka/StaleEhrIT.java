package org.lemstriage.notifier.kafka;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.notifier.CapturedLog;
import org.lemstriage.notifier.Decisions;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.EhrSandboxes;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.TopicProbe;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An EHR that answers every search from an old answer, whatever it is asked: the notifier can never see what it wrote.
 * It must never log the decision as written or as already reflected; it retries, logging each retry, and parks the
 * decision on triage.decision.dlq with the reason. The retry budget is cut from 10 minutes to 4 s for this test.
 */
@QuarkusTest
@TestProfile(StaleEhrIT.ShortRetries.class)
class StaleEhrIT {

    public static class ShortRetries implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String write = "org.lemstriage.notifier.ehr.EpisodeWriter/write/";
            return Map.of(write + "Retry/maxDuration", "4", write + "Retry/durationUnit", "SECONDS",
                    write + "Retry/delay", "200", write + "Retry/delayUnit", "MILLIS",
                    write + "ExponentialBackoff/maxDelay", "1", write + "ExponentialBackoff/maxDelayUnit", "SECONDS");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaBrokerResource.class), new TestResourceEntry(EhrSandboxResource.class));
        }
    }

    @Test
    void aWriteTheEhrNeverShowsIsNeverLoggedAsDoneAndIsParkedWithTheReason() throws Exception {
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.decision(episode, 1, "Patient/lt-p006", Action.OPEN, Tier.INTERMEDIATE, 2);
        EhrSandboxes.shared().faults().searches().reuseFor(Duration.ofMinutes(10), false);
        try (CapturedLog log = CapturedLog.start();
             Decisions.Sender sender = new Decisions.Sender();
             TopicProbe dlq = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_DECISION_DLQ)) {
            sender.send(open);
            ConsumerRecord<String, String> parked = dlq.awaitRecord(r -> r.value().contains(open.decisionId()), Duration.ofSeconds(60));
            String reason = new String(parked.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            assertThat(reason).containsAnyOf("does not hold episode " + episode, "stale search");

            List<String> aboutIt = log.lines().stream().filter(l -> l.contains(open.decisionId())).toList();
            assertThat(aboutIt).noneMatch(l -> l.contains("written") || l.contains("already reflected"));
            assertThat(aboutIt).anyMatch(l -> l.contains("retrying") && l.contains("WARN"));
            assertThat(aboutIt).anyMatch(l -> l.contains("parked"));
        } finally {
            EhrSandboxes.shared().faults().searches().off();
        }
    }
}
