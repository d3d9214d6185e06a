package org.lemstriage.notifier.kafka;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.notifier.Decisions;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.testsupport.Eventually;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.SmartEhrSandboxResource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The notifier against an EHR that requires SMART Backend Services tokens (RS384 client assertion), with refresh. */
@QuarkusTest
@TestProfile(NotifierSmartIT.SmartEhr.class)
class NotifierSmartIT {

    public static class SmartEhr implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaBrokerResource.class), new TestResourceEntry(SmartEhrSandboxResource.class));
        }
    }

    @Test
    void writesWithATokenAndRefreshesItWhenDue() throws Exception {
        try (Decisions.Sender sender = new Decisions.Sender()) {
            String first = UUID.randomUUID().toString();
            sender.send(Decisions.decision(first, 1, "Patient/lt-p001", TriageDecision.Action.OPEN, TriageDecision.Tier.LOW, 1));
            Eventually.await(() -> tasks(first), n -> n == 1, Duration.ofSeconds(30));
            int tokens = SmartEhrSandboxResource.authorization().issuedCount();
            assertThat(tokens).isGreaterThanOrEqualTo(1);

            Thread.sleep(3_000); // past half of the 4 s token lifetime: the next call must get a new token
            String second = UUID.randomUUID().toString();
            sender.send(Decisions.decision(second, 1, "Patient/lt-p002", TriageDecision.Action.OPEN, TriageDecision.Tier.LOW, 1));
            Eventually.await(() -> tasks(second), n -> n == 1, Duration.ofSeconds(30));
            assertThat(SmartEhrSandboxResource.authorization().issuedCount()).isGreaterThan(tokens);
        }
    }

    /** Read in the sandbox's store directly: this test holds no token itself. */
    private static int tasks(String episode) {
        return SmartEhrSandboxResource.sandbox().store()
                .search("Task", Map.of("group-identifier", new String[]{EhrIdentifiers.EPISODE + "|" + episode})).size();
    }
}
