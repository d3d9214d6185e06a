package org.lemstriage.bench;

import org.lemstriage.stack.LocalStack;
import org.lemstriage.stack.StackException;
import org.lemstriage.stack.StackTokens;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The running local stack, as the benchmark and the fault suite meet it: its addresses and a sender's token from the
 * stack's model ({@link LocalStack}, the settings {@code deploy/local/stack} ran with), its components driven as an
 * operator would (kill9, pause, resume, relaunch, scale, the broker's disk), and the EHR sandbox's fault port.
 */
final class Stack {
    private final LocalStack local;
    private final HttpClient http = HttpClient.newHttpClient();

    private Stack(LocalStack local) {
        this.local = local;
    }

    /** The stack that {@code deploy/local/stack} started, seen through the same environment. */
    static Stack fromEnvironment() {
        return new Stack(LocalStack.fromEnvironment(System.out::println));
    }

    LocalStack local() {
        return local;
    }

    String ingest() {
        return local.settings().serviceUrl("ingest");
    }

    String secondIngest() {
        return local.settings().serviceUrl("ingest-2");
    }

    String mllp() {
        return "localhost:" + local.settings().port("mllp");
    }

    /** The second ingest's MLLP listener ({@code scale 2}). */
    String secondMllp() {
        return "localhost:" + local.settings().port("mllp-2");
    }

    String ehr() {
        return local.settings().ehrBase();
    }

    String kafka() {
        return local.settings().kafkaBootstrap();
    }

    String classifier() {
        return local.settings().serviceUrl("classifier");
    }

    /** The same stack with its EHR replaced by one of {@code kind} on the same port ({@link LocalStack#replaceEhr}). */
    Stack withEhr(String kind) {
        return new Stack(local.replaceEhr(kind));
    }

    /** The EHR's process id, for its CPU cost. */
    long ehrPid() {
        return local.pids(java.util.List.of("ehr")).get("ehr");
    }

    String notifier() {
        return local.settings().serviceUrl("notifier");
    }

    /** A token for the local integration engine to post results with. */
    String senderToken() {
        return local.tokens().senderToken(StackTokens.SENDER_SCOPE);
    }

    /** Down and up again: a fresh broker, EHR and services, so that one fault's run does not weigh on the next. */
    void fresh() {
        local.down(false);
        local.up();
    }

    void kill9(String component) {
        local.kill9(component);
    }

    /** Returns once the component is ready again. */
    void relaunch(String component) {
        local.relaunch(component);
    }

    /** Starts the component again; false if it would not start. */
    boolean tryRelaunch(String component) {
        try {
            local.relaunch(component);
            return true;
        } catch (StackException e) {
            System.out.println("  " + e.getMessage().lines().findFirst().orElse(""));
            return false;
        }
    }

    /** N instances of each service; returns once all are ready. */
    void scale(int instances) {
        local.scale(instances);
    }

    void pause(String component) {
        local.pause(component);
    }

    void resume(String component) {
        local.resume(component);
    }

    /** The broker's log directory: full, free, readonly or writable. */
    void brokerDisk(String what) {
        switch (what) {
            case "full" -> local.disk().fill();
            case "free" -> local.disk().free();
            case "readonly" -> local.disk().readOnly();
            case "writable" -> local.disk().writable();
            default -> throw new IllegalArgumentException(what);
        }
    }

    /** Whether the broker's log directory is a tmpfs that {@link #brokerDisk} can fill and remount. */
    boolean canControlBrokerDisk() {
        return local.disk().controllable();
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
        String faults = "http://127.0.0.1:" + local.settings().port("ehr-fault");
        int status = http.send(HttpRequest.newBuilder(URI.create(faults + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 204) {
            throw new IllegalStateException("the EHR sandbox's fault port answered " + status + " to " + path);
        }
    }
}
