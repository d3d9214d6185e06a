package org.lemstriage.notifier.health;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.jboss.logging.Logger;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.ehrclient.EhrFailure;
import org.lemstriage.notifier.NotifierConfig;

/**
 * Ready only while the EHR answers its CapabilityStatement. The same question is asked every
 * {@code lemstriage.notifier.ehr-watch}, and each change is logged once: an EHR outage shows in the notifier's log
 * even when no decision is waiting to be written.
 */
@Readiness
@ApplicationScoped
public class EhrReadiness implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(EhrReadiness.class);

    private final EhrClient ehr;
    private Boolean answering; // null until first asked

    public EhrReadiness(EhrClient ehr) {
        this.ehr = ehr;
    }

    /**
     * Asks at once, before the rest of start-up (the Kafka consumers' start) and beside it: the first question makes
     * the EHR client and HAPI's R4 context, about a second that readiness would otherwise wait for after start-up.
     */
    void watch(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent started, Vertx vertx, NotifierConfig config) {
        vertx.executeBlocking(this::call, false);
        vertx.setPeriodic(config.ehrWatch().toMillis(), id -> vertx.executeBlocking(this::call, false));
    }

    @Override
    public HealthCheckResponse call() {
        try {
            CapabilityStatement cs = ehr.check("metadata", c -> c.capabilities().ofType(CapabilityStatement.class).execute());
            changed(true, null);
            return HealthCheckResponse.named("ehr").up().withData("fhirVersion", cs.getFhirVersion().toCode()).build();
        } catch (EhrFailure e) {
            changed(false, e.summary());
            return HealthCheckResponse.named("ehr").down().withData("reason", e.summary()).build();
        }
    }

    private synchronized void changed(boolean now, String reason) {
        if (answering != null && answering == now) {
            return;
        }
        if (now) {
            LOG.info(answering == null ? "EHR answering" : "EHR answering again: writes resume");
        } else {
            // The summary is a status or "unreachable", never the EHR's own words
            LOG.warnf("EHR not answering (%s): decisions wait, retried with back-off, nothing is dropped", reason);
        }
        answering = now;
    }
}
