package org.lemstriage.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
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

    /** The EHR's FHIR API, for id-only subscription notifications; authentication as configured (none, bearer, SMART). */
    @Produces
    @ApplicationScoped
    org.lemstriage.model.fhir.EhrClient ehrClient() {
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        return org.lemstriage.model.fhir.EhrClient.configured(name -> config.getOptionalValue(name, String.class), 5000);
    }

    /** Created at start, so every counter is exported (at 0) before the first record, not after. */
    @Produces
    @Singleton
    @Startup
    RecordCounters recordCounters(MeterRegistry registry) {
        return new RecordCounters(registry, "ingest");
    }
}
