package org.lemstriage.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The local stack's components, driven as an operator would: through {@code deploy/local/stack} (kill9, pause,
 * resume, relaunch, scale), and the EHR sandbox's fault port (outage, slow).
 */
final class Stack {
    private final Path script;
    private final String ehrFaults;
    private final HttpClient http = HttpClient.newHttpClient();

    Stack(Path script, String ehrFaults) {
        this.script = script;
        this.ehrFaults = ehrFaults;
    }

    /** Down and up again: a fresh broker, EHR and services, so that one fault's run does not weigh on the next. */
    void fresh() throws Exception {
        run("down");
        run("up");
    }

    void kill9(String component) throws Exception {
        run("kill9", component);
    }

    /** Returns once the component is ready again. */
    void relaunch(String component) throws Exception {
        run("relaunch", component);
    }

    /** Starts the component again; false if it would not start (the script's exit status). */
    boolean tryRelaunch(String component) throws Exception {
        return exitCode("relaunch", component) == 0;
    }

    /** {@code deploy/local/stack scale N}: N instances of each service; returns once all are ready. */
    void scale(int instances) throws Exception {
        run("scale", Integer.toString(instances));
    }

    void pause(String component) throws Exception {
        run("pause", component);
    }

    void resume(String component) throws Exception {
        run("resume", component);
    }

    /** {@code deploy/local/stack disk full|free|readonly|writable}: the broker's log directory. */
    void brokerDisk(String what) throws Exception {
        run("disk", what);
    }

    /** Whether the broker's log directory is a tmpfs that {@link #brokerDisk} can fill and remount. */
    boolean canControlBrokerDisk() throws Exception {
        return exitCode("disk", "check") == 0;
    }

    /** The EHR refuses connections for {@code length}, then answers again with every resource kept. */
    void ehrOutage(Duration length) throws Exception {
        fault("/outage?seconds=" + length.toSeconds());
    }

    /** Every EHR request is held {@code perRequestMs} for {@code length}. */
    void ehrSlow(int perRequestMs, Duration length) throws Exception {
        fault("/slow?ms=" + perRequestMs + "&seconds=" + length.toSeconds());
    }

    private void fault(String path) throws Exception {
        int status = http.send(HttpRequest.newBuilder(URI.create(ehrFaults + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 204) {
            throw new IllegalStateException("the EHR sandbox's fault port answered " + status + " to " + path);
        }
    }

    private void run(String... command) throws Exception {
        int exit = exitCode(command);
        if (exit != 0) {
            throw new IllegalStateException("deploy/local/stack " + String.join(" ", command) + " failed (exit " + exit + ")");
        }
    }

    private int exitCode(String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(script.toString()));
        line.addAll(List.of(command));
        return new ProcessBuilder(line).inheritIO().start().waitFor();
    }
}
