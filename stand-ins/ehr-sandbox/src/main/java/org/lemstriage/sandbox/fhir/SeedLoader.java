package org.lemstriage.sandbox.fhir;

import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.lemstriage.sandbox.store.InMemoryStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Loads seed resources at start: single resources or Bundles (collection or transaction) in FHIR JSON, stored
 * under their own ids so seeds can reference each other.
 */
public final class SeedLoader {
    /** The shipped synthetic seed: a list of classpath resources, one per line, in {@code seed/index.txt}. */
    private static final String CLASSPATH_INDEX = "/seed/index.txt";
    private static final Logger LOG = Logger.getLogger(SeedLoader.class.getName());

    private final InMemoryStore store;
    private final Set<String> supportedTypes;
    private final IParser parser;

    public SeedLoader(InMemoryStore store, Set<String> supportedTypes) {
        this.store = store;
        this.supportedTypes = supportedTypes;
        this.parser = store.fhir().newJsonParser();
    }

    public void loadClasspath() throws IOException {
        try (InputStream index = SeedLoader.class.getResourceAsStream(CLASSPATH_INDEX)) {
            if (index == null) {
                return;
            }
            List<String> names = new String(index.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            for (String name : names) {
                try (InputStream in = SeedLoader.class.getResourceAsStream("/seed/" + name)) {
                    if (in == null) {
                        throw new IOException("seed index names a missing file: " + name);
                    }
                    load(parser.parseResource(in), name);
                }
            }
        }
    }

    public void loadFolder(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                try (Reader in = Files.newBufferedReader(file)) {
                    load(parser.parseResource(in), file.getFileName().toString());
                }
            }
        }
    }

    private void load(IBaseResource parsed, String source) {
        int count = 0;
        if (parsed instanceof Bundle bundle) {
            for (var entry : bundle.getEntry()) {
                count += store(entry.getResource(), source);
            }
        } else {
            count += store((Resource) parsed, source);
        }
        LOG.info(() -> "seed " + source);
        if (count == 0) {
            throw new IllegalArgumentException("seed " + source + " holds no resource the sandbox supports");
        }
    }

    private int store(Resource resource, String source) {
        String type = store.typeOf(resource);
        if (!supportedTypes.contains(type)) {
            throw new IllegalArgumentException("seed " + source + ": type " + type + " is not supported");
        }
        if (!resource.getIdElement().hasIdPart()) {
            throw new IllegalArgumentException("seed " + source + ": every seed resource needs an id");
        }
        store.update(resource);
        return 1;
    }
}
