package org.lemstriage.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceInstanceTest {
    private static final Path ROOT = Path.of("/repo");

    @Test
    void theCommandLineIsTaggedBoundAndWired() {
        ServiceInstance ingest = new ServiceInstance("ingest-2", "ingest", "/jdk/bin/java", "127.0.0.1", 8280, List.of("-Xmx512m"),
                ServiceProperties.of().kafka("localhost:9092").mllp("127.0.0.1", 2576, ROOT).asMap(), Path.of("/repo/ingest.jar"));
        assertThat(ingest.command()).startsWith("/jdk/bin/java", Launch.TAG + "ingest-2", "-Xmx512m", "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=8280").endsWith("-jar", "/repo/ingest.jar")
                .contains("-Dkafka.bootstrap.servers=localhost:9092", "-Dlemstriage.mllp.enabled=true", "-Dlemstriage.mllp.port=2576",
                        "-Dquarkus.config.locations=file:/repo/deploy/local/v2-senders.properties");
        // Both ports it takes, each under the variable that moves it
        assertThat(ingest.launch().ports()).containsEntry("ingest-2", 8280).containsEntry("mllp-2", 2576);
        assertThat(ServiceInstance.serviceOf("classifier-2")).isEqualTo("classifier");
        assertThat(ServiceInstance.serviceOf("notifier")).isEqualTo("notifier");
    }

    @Test
    void theReadSideNeedsTheStacksKeyAndSaysSo(@TempDir Path run) {
        LocalStack stack = new LocalStack(StackSettings.from(Artifacts.repositoryRoot(), Map.of("LT_RUN_DIR", run.toString())), line -> { });
        assertThatThrownBy(() -> stack.service("read-side")).isInstanceOf(StackException.class).hasMessageContaining("stack up");
    }

    @Test
    void theStackWiresEachServiceWithWhatItNeeds(@TempDir Path run) {
        LocalStack stack = new LocalStack(StackSettings.from(Artifacts.repositoryRoot(), Map.of("LT_READ_SIDE_PORT", "9083",
                "LT_RUN_DIR", run.toString())).withCohortClock(true), line -> { });
        stack.tokens().ensureKeys();
        assertThat(stack.service("ingest").properties()).containsKeys("mp.jwt.verify.publickey.location", "lemstriage.mllp.port")
                .containsEntry("mp.jwt.verify.issuer", StackTokens.ISSUER);
        assertThat(stack.service("classifier-2").properties())
                .containsEntry("kafka-streams.state.dir", stack.settings().runDir().resolve("classifier-2-state").toString())
                .containsEntry("lemstriage.clock.start", StackSettings.COHORT_DAY).containsEntry("lemstriage.clock.adjustable", "true");
        assertThat(stack.service("notifier").jvmOptions()).containsExactlyElementsOf(stack.settings().jvmOptions("pipeline-java"));
        assertThat(stack.component("keycloak")).isInstanceOf(LocalKeycloak.class);
        assertThat(LocalStack.COMPONENTS).allSatisfy(name -> assertThat(stack.component(name).name()).isEqualTo(name));
    }

    @Test
    void theReadSideIsToldWhereItsPartsAreAndTheRealmsSecret(@TempDir Path run) {
        Path root = Artifacts.repositoryRoot();
        StackSettings settings = StackSettings.from(root, Map.of("LT_READ_SIDE_PORT", "9083", "LT_KEYCLOAK_PORT", "9180",
                "LT_RUN_DIR", run.toString()));
        LocalStack stack = new LocalStack(settings, line -> { });
        stack.tokens().ensureKeys();
        assertThat(stack.service("read-side").properties())
                .containsEntry("quarkus.oidc.auth-server-url", "http://localhost:9180/realms/lems-triage")
                .containsEntry("quarkus.oidc.console.credentials.secret", LocalKeycloak.consoleSecret(root))
                .containsEntry("quarkus.oidc.cds-hooks.token.audience", "http://localhost:9083/cds-services")
                .containsEntry("quarkus.oidc.cds-hooks.public-key", stack.tokens().publicKeyBase64())
                .containsEntry("lemstriage.console.notifier-url", "http://localhost:8082");
    }
}
