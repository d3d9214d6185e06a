package org.lemstriage.ehrclient;

import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/**
 * The one {@link EhrClient} of a service, from {@code lemstriage.ehr.*}, with the authentication configured, and traced
 * when the service has OpenTelemetry (a no-op while its SDK is disabled).
 */
public class EhrClientProducer {

    @Produces
    @ApplicationScoped
    EhrClient ehrClient(EhrConfig config, Instance<OpenTelemetry> openTelemetry) {
        EhrClient client = EhrClient.configured(config);
        return openTelemetry.isResolvable() ? client.traced(openTelemetry.get()) : client;
    }
}
