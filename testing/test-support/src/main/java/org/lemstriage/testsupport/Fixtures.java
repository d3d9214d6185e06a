package org.lemstriage.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * FHIR examples for tests: the repository's own routine lab results ({@code testing/fixtures/routine-labs}), and the
 * public US Core examples in {@code ../shared/fixtures} beside the repository, an extra conformance run that tests
 * take only when that folder is there ({@code -Dlemstriage.shared=DIR} points elsewhere).
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

    /** The repository's own routine lab Observations whose file name starts with the prefix. */
    public static List<Path> routineLabs(String prefix) {
        return list(routineLabsFolder(), prefix);
    }

    public static Path routineLabsFolder() {
        return repositoryRoot().resolve("testing/fixtures/routine-labs");
    }

    /** Whether the US Core examples are beside the repository; a test that needs them assumes this first. */
    public static boolean usCoreAvailable() {
        return Files.isDirectory(sharedFixtures().resolve("us-core"));
    }

    /** Why a US Core conformance test was skipped, for its assumption. */
    public static String usCoreMissing() {
        return sharedFixtures().resolve("us-core") + " is not there: the US Core conformance run was skipped";
    }

    /** Every US Core example of {@code ../shared/fixtures/us-core} whose file name starts with the prefix. */
    public static List<Path> usCore(String prefix) {
        return list(sharedFixtures().resolve("us-core"), prefix);
    }

    private static List<Path> list(Path folder, String prefix) {
        try (Stream<Path> files = Files.list(folder)) {
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
