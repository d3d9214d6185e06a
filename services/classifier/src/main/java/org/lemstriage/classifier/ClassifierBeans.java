package org.lemstriage.classifier;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.lemstriage.classifier.rules.Cutoffs;
import org.lemstriage.classifier.rules.ClinicalCodes;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner;
import org.lemstriage.classifier.rules.Surveillance;
import org.lemstriage.classifier.triage.TriageStep;
import org.lemstriage.classifier.ehr.ContextRequestConsumer;
import org.lemstriage.model.Topics;
import org.lemstriage.model.TriageClock;
import org.lemstriage.model.metrics.RecordCounters;
import org.lemstriage.model.terminology.UnitNormaliser;

import java.util.List;

/** The ruleset in force and the plain objects around it, made injectable. */
public class ClassifierBeans {

    @Produces
    @ApplicationScoped
    Ruleset ruleset(RulesConfig config, ClinicalCodes codes) {
        return Ruleset.v3(Cutoffs.defaults(), codes, config.lowTitreMax());
    }

    /** Singleton, not normal-scoped: a record cannot be proxied. */
    @Produces
    @Singleton
    ClinicalCodes codes(RulesConfig config) {
        if (config.deltaPCodes().isPresent()) {
            throw new IllegalStateException("lemstriage.rules.delta-p-codes is ruleset 2.0's setting: set "
                    + "lemstriage.rules.clinical-codes to a file with ruleset 3.0's lists (docs/clinical-ruleset-3.md)");
        }
        return ClinicalCodes.load(config.clinicalCodes());
    }

    @Produces
    @ApplicationScoped
    TriageStep triageStep(Ruleset ruleset, ContextConfig context, RulesConfig rules, ClinicalCodes codes) {
        return new TriageStep(ruleset, new ScreeningPlanner(rules.lowTierPlan()), new Surveillance(codes),
                new TriageStep.ContextTiming(context.hold(), context.firstRetry(), context.maxRetry(), context.reviewEvery()));
    }

    /** The time decisions are made at: the system's, or from {@code lemstriage.clock.start}. */
    @Produces
    @Singleton
    TriageClock clock(ClockConfig config) {
        return TriageClock.startingAt(config.start());
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
        return new RecordCounters(registry, "classifier").expecting(
                List.of(Topics.LAB_OBSERVATION_DLQ, Topics.CONTEXT_REQUEST_DLQ), List.of(ContextRequestConsumer.EHR_UNAVAILABLE));
    }
}
