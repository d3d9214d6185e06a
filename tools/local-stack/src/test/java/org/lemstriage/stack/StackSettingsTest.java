package org.lemstriage.stack;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackSettingsTest {
    private static final Path ROOT = Path.of("/repo");

    @Test
    void defaultsAreTheDocumentedPorts() {
        StackSettings settings = StackSettings.from(ROOT, Map.of());
        assertThat(settings.port("ingest")).isEqualTo(8080);
        assertThat(settings.port("mllp")).isEqualTo(2575);
        assertThat(settings.port("keycloak")).isEqualTo(8180);
        assertThat(settings.ehrBase()).isEqualTo("http://localhost:8090/fhir");
        assertThat(settings.runDir()).isEqualTo(ROOT.resolve("deploy/local/.run"));
        assertThat(settings.readSide()).isTrue();
        assertThat(settings.clockStart()).isEmpty();
        assertThat(settings.jvmOptions("pipeline-java")).containsExactly("-Xms32m", "-Xmx128m", "-XX:+UseSerialGC");
    }

    @Test
    void eachSettingIsReadFromItsVariable() {
        StackSettings settings = StackSettings.from(ROOT, Map.of("LT_INGEST_2_PORT", "9280", "LT_KAFKA_CONTROLLER_PORT", "9193",
                "LT_INGEST_JAVA_OPTS", " -Xmx700m  -XX:+UseG1GC ", "LT_READ_SIDE", "0", "LT_EHR", "hapi", "LT_CLOCK_START", "2027-01-01T00:00:00Z",
                "LT_RUN_DIR", "/tmp/run"));
        assertThat(settings.port("ingest-2")).isEqualTo(9280);
        assertThat(settings.port("kafka-controller")).isEqualTo(9193);
        assertThat(settings.jvmOptions("ingest-java")).containsExactly("-Xmx700m", "-XX:+UseG1GC");
        assertThat(settings.readSide()).isFalse();
        assertThat(settings.ehr()).isEqualTo("hapi");
        assertThat(settings.withCohortClock(true).clockStart()).contains("2027-01-01T00:00:00Z");
        assertThat(settings.runDir()).isEqualTo(Path.of("/tmp/run"));
    }

    @Test
    void aBlankVariableCountsAsUnsetAsTheShellsDefaultsDo() {
        StackSettings settings = StackSettings.from(ROOT, Map.of("LT_RUN_DIR", "", "LT_JAVA_OPTS", " ", "JAVA", "", "LT_EHR", "",
                "LT_BIND_ADDRESS", "", "LT_INGEST_PORT", ""));
        assertThat(settings.runDir()).isEqualTo(ROOT.resolve("deploy/local/.run"));
        assertThat(settings.jvmOptions("java")).containsExactly("-Xmx256m", "-XX:+UseSerialGC");
        assertThat(settings.java()).isEqualTo("java");
        assertThat(settings.ehr()).isEqualTo("sandbox");
        assertThat(settings.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(settings.port("ingest")).isEqualTo(8080);
    }

    @Test
    void theCohortClockIsTheDefaultOnlyWhereNoStartIsGiven() {
        StackSettings settings = StackSettings.from(ROOT, Map.of()).withCohortClock(true);
        assertThat(settings.clockStart()).contains(StackSettings.COHORT_DAY);
        assertThat(settings.clockAdjustable()).isTrue();
        assertThat(settings.environment()).containsEntry("LT_CLOCK_START", StackSettings.COHORT_DAY);
    }

    @Test
    void aWrongValueIsRefusedNamingItsVariable() {
        assertThatThrownBy(() -> StackSettings.from(ROOT, Map.of("LT_NOTIFIER_PORT", "eighty")))
                .isInstanceOf(StackException.class).hasMessageContaining("LT_NOTIFIER_PORT");
        assertThatThrownBy(() -> StackSettings.from(ROOT, Map.of("LT_EHR", "epic")))
                .isInstanceOf(StackException.class).hasMessageContaining("sandbox or hapi");
        assertThatThrownBy(() -> StackSettings.from(ROOT, Map.of()).port("nowhere")).isInstanceOf(StackException.class);
    }

    @Test
    void everyVariableIsInTheConfigurationPage() throws Exception {
        String page = Files.readString(Artifacts.repositoryRoot().resolve("docs/configuration.md"));
        List<String> variables = new java.util.ArrayList<>();
        StackSettings.DEFAULT_PORTS.keySet().forEach(name -> variables.add(StackSettings.variable(name, "PORT")));
        StackSettings.DEFAULT_HEAPS.keySet().forEach(name -> variables.add("LT_" + name.toUpperCase().replace('-', '_') + "_OPTS"));
        variables.addAll(List.of("LT_RUN_DIR", "LT_BIND_ADDRESS", "LT_READ_SIDE", "LT_EHR", "LT_CLOCK_START", "LT_KAFKA_DATA_SIZE",
                "LT_READY_TIMEOUT", "LT_BENCH_KEEP", "LT_FIXTURES", "MALLOC_ARENA_MAX"));
        assertThat(variables).allSatisfy(variable -> assertThat(page).as("docs/configuration.md names " + variable).contains("`" + variable + "`"));
    }
}
