package org.lemstriage.classifier;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.lemstriage.classifier.rules.Cutoffs;
import org.lemstriage.classifier.rules.DeltaPCodes;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner;
import org.lemstriage.classifier.triage.TriageStep;
import org.lemstriage.model.metrics.RecordCounters;
import org.lemstriage.model.terminology.UnitNormaliser;

/** The ruleset in force and the plain objects around it, made injectable. */
public class ClassifierBeans {

    @Produces
    @ApplicationScoped
    Ruleset ruleset(RulesConfig config) {
        return Ruleset.v2(Cutoffs.defaults(), DeltaPCodes.load(config.deltaPCodes()));
    }

    @Produces
    @ApplicationScoped
    TriageStep triageStep(Ruleset ruleset, ContextConfig context, RulesConfig rules) {
        return new TriageStep(ruleset, new ScreeningPlanner(rules.lowTierPlan()),
                new TriageStep.ContextTiming(context.hold(), context.firstRetry(), context.maxRetry()));
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
