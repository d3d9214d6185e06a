package org.lemstriage.ingest.hl7v2;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.lemstriage.model.terminology.AnalyteMap;

import java.util.function.Predicate;

/** The v2 reader and mapper, configured by {@code lemstriage.mllp.*}. */
public class V2Beans {

    @Produces
    @ApplicationScoped
    V2Messages messages() {
        return new V2Messages();
    }

    @Produces
    @ApplicationScoped
    OruToFhir toFhir(MllpConfig config, AnalyteMap analytes) {
        return new OruToFhir(new V2CodingSystems(config.localCodingSystems()), tracked(analytes), config.assigningAuthorities(),
                config.defaultZone());
    }

    /** An OBX is tracked when its code maps to an analyte of the lab ConceptMaps (a diagnosis code on a result is not). */
    public static Predicate<CodeableConcept> tracked(AnalyteMap analytes) {
        return code -> analytes.map(code).filter(m -> !m.analyte().diagnosis()).isPresent();
    }
}
