package org.lemstriage.classifier;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.lemstriage.classifier.rules.Cutoffs;
import org.lemstriage.classifier.rules.DeltaPCodes;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner;
import org.lemstriage.classifier.triage.TriageStep;
import org.lemstriage.model.fhir.EhrClient;
import org.lemstriage.model.metrics.RecordCounters;
import org.lemstriage.model.terminology.UnitNormaliser;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The ruleset in force and the plain objects around it, made injectable. */
public class ClassifierBeans {

    @Produces
    @ApplicationScoped
    Ruleset ruleset(@ConfigProperty(name = "lemstriage.rules.delta-p-codes") Optional<Path> codes) {
        return Ruleset.v1(Cutoffs.defaults(), DeltaPCodes.load(codes));
    }

    @Produces
    @ApplicationScoped
    TriageStep triageStep(Ruleset ruleset,
                          @ConfigProperty(name = "lemstriage.context.hold", defaultValue = "10s") Duration hold,
                          @ConfigProperty(name = "lemstriage.context.first-retry", defaultValue = "30s") Duration firstRetry,
                          @ConfigProperty(name = "lemstriage.context.max-retry", defaultValue = "30m") Duration maxRetry) {
        return new TriageStep(ruleset, new ScreeningPlanner(), new TriageStep.ContextTiming(hold, firstRetry, maxRetry));
    }

    /** The EHR's FHIR API, with the authentication configured (none, bearer or SMART Backend Services). */
    @Produces
    @ApplicationScoped
    EhrClient ehrClient() {
        var config = ConfigProvider.getConfig();
        return EhrClient.configured(name -> config.getOptionalValue(name, String.class), 5000);
    }

    @Produces
    @ApplicationScoped
    UnitNormaliser unitNormaliser() {
        return new UnitNormaliser();
    }

    /** Created at start, so every counter is exported (at 0) before the first record, not after. */
    @Produces
    @Singleton
    @Startup
    RecordCounters recordCounters(MeterRegistry registry) {
        return new RecordCounters(registry, "classifier");
    }
}
