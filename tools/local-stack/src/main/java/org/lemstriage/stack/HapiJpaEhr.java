package org.lemstriage.stack;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real FHIR server in the EHR's place: HAPI FHIR JPA 8.8.0 on H2 with its default settings (stand-ins/hapi-fhir-jpa),
 * seeded with the sandbox's synthetic patients. It starts in 20 to 60 s on two cores.
 */
public final class HapiJpaEhr implements Component {
    /** What the server prints once it serves, followed by its port. */
    public static final String READY = "HAPI FHIR JPA server ready on port ";

    private final StackSettings settings;
    private final Artifacts artifacts;

    HapiJpaEhr(StackSettings settings, Artifacts artifacts) {
        this.settings = settings;
        this.artifacts = artifacts;
    }

    @Override
    public String name() {
        return EhrSandbox.NAME;
    }

    /** The server's JVM options and main: {@code port} 0 lets it choose (it prints the port in {@link #READY}). */
    public static List<String> options(Artifacts artifacts, List<String> heap, int port) {
        Path target = artifacts.hapiJpa();
        List<String> options = new ArrayList<>(heap);
        options.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", target.resolve("classes") + File.pathSeparator + target.resolve("lib") + "/*",
                "org.lemstriage.hapijpa.HapiJpaMain", Integer.toString(port), artifacts.syntheticPatients().toString()));
        return options;
    }

    @Override
    public Launch launch() {
        return Launch.java(name(), settings.java(), settings.port(name()), options(artifacts, settings.jvmOptions("hapi-java"), settings.port(name())));
    }

    @Override
    public Readiness readiness(long logFrom) {
        return Readiness.http(settings.ehrBase() + "/metadata");
    }
}
