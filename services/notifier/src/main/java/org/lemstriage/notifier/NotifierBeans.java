package org.lemstriage.notifier;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.lemstriage.model.fhir.EhrClient;
import org.lemstriage.model.metrics.RecordCounters;

public class NotifierBeans {

    @Produces
    @ApplicationScoped
    EhrClient ehrClient(@ConfigProperty(name = "lemstriage.ehr.base-url") String baseUrl,
                        @ConfigProperty(name = "lemstriage.ehr.connect-timeout-ms", defaultValue = "5000") int connectTimeout,
                        @ConfigProperty(name = "lemstriage.ehr.read-timeout-ms", defaultValue = "30000") int readTimeout) {
        return new EhrClient(baseUrl, connectTimeout, readTimeout);
    }

    /** Created at start, so every counter is exported (at 0) before the first record, not after. */
    @Produces
    @Singleton
    @Startup
    RecordCounters recordCounters(MeterRegistry registry) {
        return new RecordCounters(registry, "notifier");
    }
}
