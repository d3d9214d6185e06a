package org.lemstriage.stack;

import java.util.List;
import java.util.Map;

/** The EHR sandbox (stand-ins/ehr-sandbox) as the stack's EHR, its fault port open on loopback for the fault suite. */
final class EhrSandbox implements Component {
    static final String NAME = "ehr";

    private final StackSettings settings;
    private final Artifacts artifacts;

    EhrSandbox(StackSettings settings, Artifacts artifacts) {
        this.settings = settings;
        this.artifacts = artifacts;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Launch launch() {
        List<String> options = new java.util.ArrayList<>(settings.jvmOptions("ehr-java"));
        options.addAll(List.of("-jar", artifacts.sandboxJar().toString()));
        return Launch.java(NAME, settings.java(), settings.port(NAME), options)
                .withPort("ehr-fault", settings.port("ehr-fault"))
                .withEnvironment(Map.of("EHR_HOST", settings.bindAddress(), "EHR_PORT", Integer.toString(settings.port(NAME)),
                        "EHR_FAULT_PORT", Integer.toString(settings.port("ehr-fault"))));
    }

    @Override
    public Readiness readiness(long logFrom) {
        return Readiness.http(settings.ehrBase() + "/metadata");
    }
}
