package org.lemstriage.ehrclient;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The one {@link EhrClient} of a service, from {@code lemstriage.ehr.*}, with the authentication configured. */
public class EhrClientProducer {

    @Produces
    @ApplicationScoped
    EhrClient ehrClient(EhrConfig config) {
        return EhrClient.configured(config);
    }
}
