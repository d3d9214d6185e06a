package org.lemstriage.classifier.rules;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.lemstriage.model.event.EventJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The code lists the rules read the EHR's records by (DELTA-P items, tumours, pregnancy, a recorded LEMS diagnosis),
 * from a JSON file a clinician can review ({@value #DEFAULT_RESOURCE} by default, each list with its source).
 * A file that lacks a list the rules need is refused at start, naming the list.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClinicalCodes(CodeList smokingCurrent, CodeList smokingNotCurrent, CodeList smokingUnknown,
                            CodeList bulbar, CodeList erectileDysfunction, CodeList lemsTumour, CodeList malignancy,
                            CodeList notEndingSurveillance, CodeList neoplasticLems, CodeList lemsDiagnosis,
                            CodeList pregnancy, CodeList pregnant) {
    public static final String DEFAULT_RESOURCE = "/rules/clinical-codes.json";

    /** Codes as {@code system|code}; prefixes match the start of such a token (for ICD-10 chapters). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CodeList(String source, List<String> codes, List<String> prefixes) {
        public boolean matches(List<String> tokens) {
            for (String token : tokens) {
                if (codes != null && codes.contains(token)) {
                    return true;
                }
                if (prefixes != null && prefixes.stream().anyMatch(token::startsWith)) {
                    return true;
                }
            }
            return false;
        }
    }

    public static ClinicalCodes load(Optional<Path> file) {
        String name = file.map(Path::toString).orElse(DEFAULT_RESOURCE);
        ClinicalCodes codes;
        try (InputStream in = file.isPresent() ? Files.newInputStream(file.get())
                : ClinicalCodes.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            codes = EventJson.mapper().readValue(in, ClinicalCodes.class);
        } catch (IOException e) {
            throw new UncheckedIOException("clinical code lists unreadable: " + name, e);
        }
        List<String> missing = new ArrayList<>();
        var components = ClinicalCodes.class.getRecordComponents();
        for (var component : components) {
            try {
                if (component.getAccessor().invoke(codes) == null) {
                    missing.add(component.getName());
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("clinical code lists " + name + " lack " + String.join(", ", missing)
                    + " (ruleset 3.0; see docs/clinical-ruleset-3.md)");
        }
        return codes;
    }
}
