package org.lemstriage.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.lemstriage.model.metrics.RecordCounters;
import org.lemstriage.model.terminology.AnalyteMap;
import org.lemstriage.model.terminology.UnitNormaliser;

import java.util.List;

/** The plain library objects of triage-model, made injectable. */
public class IngestBeans {

    /** The shipped lab codes plus any ConceptMap files listed in {@code lemstriage.terminology.extra-concept-maps}. */
    @Produces
    @ApplicationScoped
    AnalyteMap analyteMap(TerminologyConfig config) {
        return AnalyteMap.withExtraMaps(config.extraConceptMaps().orElse(List.of()));
    }

    /** Created at start, so every counter is exported (at 0) before the first record, not after. */
    @Produces
    @Singleton
    @Startup
    RecordCounters recordCounters(MeterRegistry registry) {
        return new RecordCounters(registry, "ingest");
    }

    /** UCUM conversion of the results' units. */
    @Produces
    @ApplicationScoped
    UnitNormaliser unitNormaliser() {
        return new UnitNormaliser();
    }
}
