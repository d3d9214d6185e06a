package org.lemstriage.notifier.kafka;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.EhrSandboxes;
import org.lemstriage.testsupport.KafkaBrokerResource;

import java.time.Duration;

/**
 * {@link EpisodeConformance} on the EHR sandbox, reusing search results for 60 s as HAPI FHIR JPA does by default
 * (honouring Cache-Control: no-cache). Before the notifier read fresh and checked what it wrote, the escalation and
 * the withdrawal seconds after the opening were logged as written and silently lost here. An outage refuses
 * connections.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(EhrSandboxResource.class)
class SandboxEpisodeIT extends EpisodeConformance {

    @BeforeEach
    void reuseSearchesLikeHapiJpa() {
        EhrSandboxes.shared().faults().searches().reuseFor(Duration.ofSeconds(60), true);
    }

    @AfterEach
    void freshSearches() {
        EhrSandboxes.shared().faults().searches().off();
    }

    @Override
    protected String ehrBaseUrl() {
        return EhrSandboxes.shared().baseUrl();
    }

    @Override
    protected void ehrAway() throws Exception {
        EhrSandboxes.shared().pause();
    }

    @Override
    protected void ehrBack() throws Exception {
        EhrSandboxes.shared().resume();
    }
}
