package org.lemstriage.stack;

import java.net.URI;
import java.util.List;

/** What each service of the stack is told: where the broker, the EHR, PostgreSQL and Keycloak are, and the stack's key. */
final class ServiceWiring {
    private final StackSettings settings;
    private final Artifacts artifacts;
    private final StackTokens tokens;

    ServiceWiring(StackSettings settings, Artifacts artifacts, StackTokens tokens) {
        this.settings = settings;
        this.artifacts = artifacts;
        this.tokens = tokens;
    }

    /** A service instance wired to the stack's broker, EHR and keys. */
    ServiceInstance instance(String name) {
        String service = ServiceInstance.serviceOf(name);
        ServiceProperties wiring = ServiceProperties.of().kafka(settings.kafkaBootstrap()).ehr(settings.ehrBase());
        URI publicKey = tokens.publicKeyFile().toUri();
        List<String> heap = settings.jvmOptions("java");
        switch (service) {
            case "ingest" -> {
                heap = settings.jvmOptions("ingest-java");
                wiring.senderTokens(StackTokens.ISSUER, publicKey)
                        .mllp(settings.bindAddress(), settings.port(name.equals("ingest") ? "mllp" : "mllp-2"), settings.root());
            }
            case "classifier" -> {
                heap = settings.jvmOptions("pipeline-java");
                wiring.senderTokens(StackTokens.ISSUER, publicKey).stateDir(settings.runDir().resolve(name + "-state"));
                settings.clockStart().ifPresent(start -> wiring.clock(start, settings.clockAdjustable()));
            }
            case "notifier" -> heap = settings.jvmOptions("pipeline-java");
            case "read-side" -> readSideWiring(wiring);
            default -> throw new StackException("no service '" + service + "'");
        }
        return new ServiceInstance(name, service, settings.java(), settings.bindAddress(), settings.port(name), heap,
                wiring.asMap(), artifacts.serviceJar(service));
    }

    /**
     * The read-side service: its readers' tokens come from the stack's Keycloak; the CDS client's are signed with the
     * stack's own key (the EHR's stand-in, as for ingest) and name the CDS service's URL as their audience.
     */
    private void readSideWiring(ServiceProperties wiring) {
        String self = settings.serviceUrl("read-side");
        wiring.put("quarkus.datasource.jdbc.url", new LocalPostgres(settings, artifacts).jdbcUrl())
                // PostgreSQL trusts loopback: the migration role's password is not checked, but Flyway needs one
                .put("quarkus.flyway.password", "trust")
                .put("quarkus.oidc.auth-server-url", settings.realmUrl())
                .put("quarkus.oidc.console.credentials.secret", LocalKeycloak.consoleSecret(settings.root()))
                .put("quarkus.oidc.cds-hooks.public-key", tokens.publicKeyBase64())
                .put("quarkus.oidc.cds-hooks.token.issuer", StackTokens.ISSUER)
                .put("quarkus.oidc.cds-hooks.token.audience", cdsServices(settings))
                .put("lemstriage.console.base-url", self)
                .put("lemstriage.console.notifier-url", settings.serviceUrl("notifier"))
                .put("lemstriage.console.ingest-metrics-url", settings.serviceUrl("ingest") + "/q/metrics");
    }

    /** Where the CDS Hooks services are: the audience of the CDS client's tokens. */
    static String cdsServices(StackSettings settings) {
        return settings.serviceUrl("read-side") + "/cds-services";
    }
}
