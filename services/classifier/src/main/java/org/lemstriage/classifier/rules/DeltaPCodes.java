package org.lemstriage.classifier.rules;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.lemstriage.model.event.EventJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The code lists behind the DELTA-P items and the lung-cancer exclusion, read from a JSON file a clinician can
 * review ({@value #DEFAULT_RESOURCE} by default, each list with its source).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeltaPCodes(CodeList smokingCurrent, CodeList smokingNotCurrent, CodeList bulbar,
                          CodeList erectileDysfunction, CodeList lungCancer, CodeList malignancy) {

    /** Any malignancy (ruleset 2.0: a tumour recorded ends a surveillance); a file without the list uses lung cancer. */
    public CodeList malignancies() {
        return malignancy != null ? malignancy : lungCancer;
    }
    public static final String DEFAULT_RESOURCE = "/rules/delta-p-codes.json";

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

    public static DeltaPCodes load(Optional<Path> file) {
        try (InputStream in = file.isPresent() ? Files.newInputStream(file.get())
                : DeltaPCodes.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return EventJson.mapper().readValue(in, DeltaPCodes.class);
        } catch (IOException e) {
            throw new UncheckedIOException("DELTA-P code lists unreadable: " + file.map(Path::toString).orElse(DEFAULT_RESOURCE), e);
        }
    }
}
