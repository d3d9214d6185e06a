package org.lemstriage.notifier;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;
import org.lemstriage.model.fhir.EhrClient;
import org.lemstriage.model.metrics.RecordCounters;

public class NotifierBeans {

    /** The EHR's FHIR API, with the authentication configured (none, bearer or SMART Backend Services). */
    @Produces
    @ApplicationScoped
    EhrClient ehrClient() {
        var config = ConfigProvider.getConfig();
        return EhrClient.configured(name -> config.getOptionalValue(name, String.class), 30000);
    }

    /** Created at start, so every counter is exported (at 0) before the first record, not after. */
    @Produces
    @Singleton
    @Startup
    RecordCounters recordCounters(MeterRegistry registry) {
        return new RecordCounters(registry, "notifier");
    }
}
