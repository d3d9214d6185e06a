package org.lemstriage.ehrclient;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/**
 * The one {@link EhrClient} of a service, from {@code lemstriage.ehr.*}, with the authentication configured, timed
 * into the service's metrics, and traced when the service has OpenTelemetry (a no-op while its SDK is disabled).
 */
public class EhrClientProducer {

    @Produces
    @ApplicationScoped
    EhrClient ehrClient(EhrConfig config, Instance<OpenTelemetry> openTelemetry, Instance<MeterRegistry> registry,
                        @ConfigProperty(name = "quarkus.application.name") String service) {
        EhrClient client = EhrClient.configured(config);
        if (registry.isResolvable()) {
            client.metered(registry.get(), service);
        }
        return openTelemetry.isResolvable() ? client.traced(openTelemetry.get()) : client;
    }
}
