package org.lemstriage.classifier;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.lemstriage.classifier.rules.Cutoffs;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner;
import org.lemstriage.classifier.triage.TriageStep;
import org.lemstriage.model.metrics.RecordCounters;

/** The ruleset in force and the plain objects around it, made injectable. */
public class ClassifierBeans {

    @Produces
    @ApplicationScoped
    TriageStep triageStep() {
        return new TriageStep(Ruleset.foundation(Cutoffs.defaults()), new ScreeningPlanner());
    }

    @Produces
    @ApplicationScoped
    RecordCounters recordCounters(MeterRegistry registry) {
        return new RecordCounters(registry, "classifier");
    }
}
