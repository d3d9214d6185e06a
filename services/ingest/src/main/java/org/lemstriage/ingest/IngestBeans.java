package org.lemstriage.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.lemstriage.model.metrics.RecordCounters;
import org.lemstriage.model.terminology.AnalyteMap;
import org.lemstriage.model.terminology.UnitNormaliser;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The plain library objects of triage-model, made injectable. */
public class IngestBeans {

    /** The shipped lab codes plus any ConceptMap files listed in {@code lemstriage.terminology.extra-concept-maps}. */
    @Produces
    @ApplicationScoped
    AnalyteMap analyteMap(@ConfigProperty(name = "lemstriage.terminology.extra-concept-maps") Optional<List<Path>> extra) {
        return AnalyteMap.withExtraMaps(extra.orElse(List.of()));
    }

    @Produces
    @ApplicationScoped
    UnitNormaliser unitNormaliser() {
        return new UnitNormaliser();
    }

    @Produces
    @ApplicationScoped
    RecordCounters recordCounters(MeterRegistry registry) {
        return new RecordCounters(registry, "ingest");
    }
}
