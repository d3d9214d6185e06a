package org.lemstriage.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One component (the EHR sandbox) started, found, refused and killed through the model, as real processes. */
class LocalStackIT {
    @TempDir
    Path run;
    /** What the test started, stopped whatever the test's outcome (the processes are detached: they would outlive it). */
    private LocalStack started;

    @org.junit.jupiter.api.AfterEach
    void stopWhatWasStarted() {
        if (started != null) {
            started.down(true);
        }
    }

    @Test
    void theSandboxStartsIsSeenAndIsKilledAsTheStackRunsIt() throws Exception {
        List<String> said = new ArrayList<>();
        LocalStack stack = stack(Map.of(), said);
        stack.run().prepare();
        stack.start("ehr");
        assertThat(stack.status()).anySatisfy(line -> assertThat(line).startsWith("ehr ").contains("running", " ready ",
                stack.settings().ehrBase() + "/metadata"));
        assertThat(Readiness.status(stack.settings().ehrBase() + "/metadata")).isEqualTo(200);

        // Started again: said so, and no second process
        long pid = stack.run().pid("ehr").orElseThrow();
        stack.launch("ehr");
        assertThat(said).anySatisfy(line -> assertThat(line).contains("ehr already running (pid " + pid + ")"));

        stack.kill9("ehr");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(stack.run().running("ehr")).isFalse();
        assertThat(stack.status()).contains(String.format("%-13s stopped", "ehr"));
        assertThatThrownBy(() -> stack.kill9("ehr")).isInstanceOf(StackException.class).hasMessage("ehr is not running");
    }

    @Test
    void aPortTakenByAnotherProcessIsRefusedNamingTheVariableThatMovesIt() throws Exception {
        LocalStack stack = stack(Map.of(), new ArrayList<>());
        stack.run().prepare();
        try (ServerSocket taken = new ServerSocket(stack.settings().port("ehr-fault"), 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> stack.launch("ehr")).isInstanceOf(StackException.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " (for ehr-fault) is taken").hasMessageContaining("LT_EHR_FAULT_PORT");
        }
        assertThat(stack.run().running("ehr")).isFalse();
    }

    @Test
    void aComponentThatExitsBeforeItIsReadyFailsWithWhatItLogged() {
        LocalStack stack = stack(Map.of("LT_EHR_JAVA_OPTS", "-Xmx1k"), new ArrayList<>());
        stack.run().prepare();
        assertThatThrownBy(() -> stack.start("ehr")).isInstanceOf(StackException.class)
                .hasMessageStartingWith("ehr exited; last lines of its log:").hasMessageContaining("heap");
    }

    private LocalStack stack(Map<String, String> more, List<String> said) {
        Map<String, String> env = new java.util.HashMap<>(more);
        env.putAll(Map.of("LT_RUN_DIR", run.toString(), "LT_EHR_PORT", Integer.toString(freePort()),
                "LT_EHR_FAULT_PORT", Integer.toString(freePort()), "LT_READY_TIMEOUT", "60"));
        started = new LocalStack(StackSettings.from(Artifacts.repositoryRoot(), env), said::add);
        return started;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
