package org.lemstriage.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * FHIR examples for tests: the public US Core examples in {@code ../shared/fixtures} (beside the repository) and
 * the repository's own samples. {@code -Dlemstriage.shared=DIR} points elsewhere.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** The repository root: the nearest folder upwards that holds {@code mvnw}. */
    public static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no repository root (mvnw) above " + System.getProperty("user.dir"));
        }
        return dir;
    }

    public static Path sharedFixtures() {
        String override = System.getProperty("lemstriage.shared");
        Path shared = override != null ? Path.of(override) : repositoryRoot().resolveSibling("shared");
        return shared.resolve("fixtures");
    }

    /** Every US Core example of {@code ../shared/fixtures/us-core} whose file name starts with the prefix. */
    public static List<Path> usCore(String prefix) {
        try (Stream<Path> files = Files.list(sharedFixtures().resolve("us-core"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
