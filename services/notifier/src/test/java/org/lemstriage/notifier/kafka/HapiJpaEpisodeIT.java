package org.lemstriage.notifier.kafka;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.lemstriage.testsupport.HapiJpaServer;
import org.lemstriage.testsupport.HapiJpaServerResource;
import org.lemstriage.testsupport.KafkaBrokerResource;

import java.util.List;

/**
 * {@link EpisodeConformance} on a real FHIR server: HAPI FHIR JPA 8.8.0 with its default settings, as its own JVM.
 * An outage hangs it (SIGSTOP): connections are accepted and nothing is answered.
 */
@QuarkusTest
@TestProfile(HapiJpaEpisodeIT.RealEhr.class)
class HapiJpaEpisodeIT extends EpisodeConformance {

    public static class RealEhr implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaBrokerResource.class), new TestResourceEntry(HapiJpaServerResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Override
    protected String ehrBaseUrl() {
        return HapiJpaServer.shared().baseUrl();
    }

    @Override
    protected void ehrAway() throws Exception {
        HapiJpaServer.shared().hang();
    }

    @Override
    protected void ehrBack() throws Exception {
        HapiJpaServer.shared().resume();
    }
}
