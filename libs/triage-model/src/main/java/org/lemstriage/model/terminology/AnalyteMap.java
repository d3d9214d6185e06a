package org.lemstriage.model.terminology;

import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.lemstriage.model.fhir.Fhir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a lab's code to a tracked {@link Analyte} through FHIR ConceptMaps: the shipped defaults
 * ({@value #DEFAULT_RESOURCE}) plus any a deployer adds. Only equivalent/equal/wider mappings count; a lab code
 * that no map names is not tracked.
 */
public final class AnalyteMap {
    public static final String DEFAULT_RESOURCE = "/terminology/lab-analyte-conceptmap.json";

    /** Key: {@code system|code}. */
    private final Map<String, Analyte> byLabCode;

    private AnalyteMap(Map<String, Analyte> byLabCode) {
        this.byLabCode = Map.copyOf(byLabCode);
    }

    /** The shipped default lab codes ({@value #DEFAULT_RESOURCE}) only. */
    public static AnalyteMap defaults() {
        return withExtraMaps(List.of());
    }

    /** The defaults, then each extra ConceptMap file in order (a later file may re-map a code). */
    public static AnalyteMap withExtraMaps(List<Path> extraConceptMaps) {
        IParser parser = Fhir.r4().newJsonParser();
        Map<String, Analyte> map = new HashMap<>();
        try (InputStream in = AnalyteMap.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            addAll(map, parser.parseResource(ConceptMap.class, in));
            for (Path extra : extraConceptMaps) {
                try (InputStream extraIn = Files.newInputStream(extra)) {
                    addAll(map, parser.parseResource(ConceptMap.class, extraIn));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AnalyteMap(map);
    }

    private static void addAll(Map<String, Analyte> map, ConceptMap conceptMap) {
        for (var group : conceptMap.getGroup()) {
            if (!Analyte.SYSTEM.equals(group.getTarget())) {
                continue;
            }
            for (var element : group.getElement()) {
                for (var target : element.getTarget()) {
                    if (counts(target.getEquivalence())) {
                        Analyte analyte = Analyte.ofCode(target.getCode()).orElseThrow(() -> new IllegalArgumentException(
                                "ConceptMap " + conceptMap.getUrl() + " maps to unknown analyte " + target.getCode()));
                        map.put(group.getSource() + "|" + element.getCode(), analyte);
                    }
                }
            }
        }
    }

    private static boolean counts(ConceptMapEquivalence equivalence) {
        return equivalence == null || equivalence == ConceptMapEquivalence.EQUIVALENT
                || equivalence == ConceptMapEquivalence.EQUAL || equivalence == ConceptMapEquivalence.WIDER;
    }

    /** The analyte of the first coding that maps, with that coding. */
    public Optional<Mapped> map(CodeableConcept code) {
        for (Coding coding : code.getCoding()) {
            Analyte analyte = byLabCode.get(coding.getSystem() + "|" + coding.getCode());
            if (analyte != null) {
                return Optional.of(new Mapped(analyte, coding.getSystem() + "|" + coding.getCode()));
            }
        }
        return Optional.empty();
    }

    public int size() {
        return byLabCode.size();
    }

    /** A mapped analyte and the lab code ({@code system|code}) that mapped. */
    public record Mapped(Analyte analyte, String labCode) {
    }
}
