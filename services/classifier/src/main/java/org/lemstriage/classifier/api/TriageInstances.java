package org.lemstriage.classifier.api;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.lemstriage.classifier.kafka.TriageTopology;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The classifier instances and which of them holds a patient's triage state. Kafka Streams spreads patients over the
 * instances by partition; each instance advertises the address of its HTTP API
 * ({@code quarkus.kafka-streams.application-server}), and its key metadata says which instance holds a key, so any
 * instance can answer for any patient by asking the one that holds it.
 */
@ApplicationScoped
public class TriageInstances {
    /** Set on a request one instance passes to another: the receiver answers itself and never passes it on again. */
    public static final String FORWARDED = "X-Lems-Triage-Forwarded";
    /** On every answer: the instance whose state it comes from ({@code host:port}). */
    public static final String ANSWERED_BY = "X-Lems-Triage-Instance";

    private final KafkaStreams streams;
    private final HostInfo self;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public TriageInstances(KafkaStreams streams,
                           @ConfigProperty(name = "quarkus.kafka-streams.application-server") String applicationServer) {
        this.streams = streams;
        this.self = HostInfo.buildFromEndpoint(applicationServer);
    }

    /** This instance, as the others reach it. */
    public HostInfo self() {
        return self;
    }

    /** {@code host:port}, as {@code application.server} spells it. */
    public static String address(HostInfo instance) {
        return instance.host() + ":" + instance.port();
    }

    /** The instance that holds the key's state now, or empty while no instance does (starting, rebalancing). */
    public Optional<HostInfo> owner(String key) {
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(TriageTopology.PATIENT_STORE, key, Serdes.String().serializer());
        } catch (InvalidStateStoreException | IllegalStateException notRunning) {
            return Optional.empty(); // not started yet, or stopping: nobody to ask
        }
        return metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) ? Optional.empty()
                : Optional.of(metadata.activeHost());
    }

    /** Asks {@code owner} for the key's triage view, with the caller's own credentials (the owner checks them too). */
    public HttpResponse<String> ask(HostInfo owner, String key, String authorization) throws IOException, InterruptedException {
        URI uri;
        try {
            // The multi-argument constructor quotes what a path may not hold ('|' of an identifier key, spaces)
            uri = new URI("http", null, owner.host(), owner.port(), "/patients/" + key + "/triage", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("patient key not usable in a URL", e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header(FORWARDED, address(self));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
