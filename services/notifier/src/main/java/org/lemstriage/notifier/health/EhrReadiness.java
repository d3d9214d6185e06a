package org.lemstriage.notifier.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.ehrclient.EhrFailure;

/** Ready only while the EHR answers its CapabilityStatement. */
@Readiness
@ApplicationScoped
public class EhrReadiness implements HealthCheck {
    private final EhrClient ehr;

    public EhrReadiness(EhrClient ehr) {
        this.ehr = ehr;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            CapabilityStatement cs = ehr.call("metadata", c -> c.capabilities().ofType(CapabilityStatement.class).execute());
            return HealthCheckResponse.named("ehr").up().withData("fhirVersion", cs.getFhirVersion().toCode()).build();
        } catch (EhrFailure e) {
            return HealthCheckResponse.named("ehr").down().withData("reason", e.summary()).build();
        }
    }
}
