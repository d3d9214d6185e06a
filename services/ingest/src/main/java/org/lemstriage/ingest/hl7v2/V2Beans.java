package org.lemstriage.ingest.hl7v2;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The v2 reader and mapper, configured by {@code lemstriage.mllp.*}. */
public class V2Beans {

    @Produces
    @ApplicationScoped
    V2Messages messages() {
        return new V2Messages();
    }

    @Produces
    @ApplicationScoped
    OruToFhir toFhir(MllpConfig config) {
        return new OruToFhir(new V2CodingSystems(config.localCodingSystems()), config.assigningAuthorities(), config.defaultZone());
    }
}
