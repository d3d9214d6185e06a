package org.lemstriage.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * ingest over HTTP, as a hospital's integration engine sends to it: bearer token, FHIR JSON; with several instances,
 * requests take turns among them, as behind a round-robin load balancer.
 */
final class Ingest {
    private final List<String> bases;
    private final Supplier<String> token;
    private final AtomicInteger turn = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    Ingest(String base, String token) {
        this(List.of(base), () -> token);
    }

    Ingest(List<String> bases, String token) {
        this(bases, () -> token);
    }

    /** With a token asked for each request: a sender that renews its token before it expires (the soak's hour). */
    Ingest(List<String> bases, Supplier<String> token) {
        this.bases = List.copyOf(bases);
        this.token = token;
    }

    /** One POST; the HTTP status. */
    int post(String path, String json) throws Exception {
        return http.send(request(path, json), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpRequest request(String path, String json) {
        String base = bases.get(Math.floorMod(turn.getAndIncrement(), bases.size()));
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/fhir+json").header("Authorization", "Bearer " + token.get())
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    /** One POST without waiting; the HTTP status when it comes. */
    java.util.concurrent.CompletableFuture<Integer> postAsync(String path, String json) {
        return http.sendAsync(request(path, json), HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
    }

    /** Requests accepted over {@code duration}, from {@code clients} threads each posting in a loop. */
    ClosedLoop.Run run(int clients, Duration duration, String path, List<String> bodies) throws Exception {
        AtomicInteger next = new AtomicInteger();
        return ClosedLoop.run(clients, duration,
                () -> () -> post(path, bodies.get(Math.floorMod(next.getAndIncrement(), bodies.size()))) / 100 == 2,
                "requests to ingest");
    }

    /** Accepted requests per second for {@code duration}, from {@code clients} threads each posting in a loop. */
    double throughput(int clients, Duration duration, String path, List<String> bodies) throws Exception {
        return run(clients, duration, path, bodies).perSecond();
    }
}
