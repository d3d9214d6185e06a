package org.lemstriage.ingest;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code lemstriage.terminology.*}: the deployer's own lab codes, beside the shipped ones. */
@ConfigMapping(prefix = "lemstriage.terminology")
public interface TerminologyConfig {

    /** FHIR ConceptMap JSON files mapping a lab's codes onto the tracked analytes (docs/configuration.md, "Lab codes"). */
    Optional<List<Path>> extraConceptMaps();
}
