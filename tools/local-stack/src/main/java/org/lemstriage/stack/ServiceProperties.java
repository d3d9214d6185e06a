package org.lemstriage.stack;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a service is told about the parts around it, as system properties: the broker, the EHR, the key its
 * senders' tokens are verified with, its HL7 v2 listener, its clock. The local stack and the end-to-end tests wire
 * the services with the same names (docs/configuration.md gives each).
 */
public final class ServiceProperties {
    private final Map<String, String> properties = new LinkedHashMap<>();

    public static ServiceProperties of() {
        return new ServiceProperties();
    }

    public ServiceProperties kafka(String bootstrapServers) {
        return put("kafka.bootstrap.servers", bootstrapServers);
    }

    public ServiceProperties ehr(String baseUrl) {
        return put("lemstriage.ehr.base-url", baseUrl);
    }

    /** Bearer tokens verified against this issuer and public key (PEM). */
    public ServiceProperties senderTokens(String issuer, URI publicKeyLocation) {
        return put("mp.jwt.verify.publickey.location", publicKeyLocation.toString()).put("mp.jwt.verify.issuer", issuer);
    }

    /** ingest's HL7 v2 listener (MLLP), with what this site's v2 senders mean (deploy/local/v2-senders.properties). */
    public ServiceProperties mllp(String host, int port, Path root) {
        return put("lemstriage.mllp.enabled", "true").put("lemstriage.mllp.host", host).put("lemstriage.mllp.port", Integer.toString(port))
                .put("quarkus.config.locations", "file:" + root.resolve("deploy/local/v2-senders.properties"));
    }

    /** The classifier's Kafka Streams state folder: each instance its own. */
    public ServiceProperties stateDir(Path folder) {
        return put("kafka-streams.state.dir", folder.toString());
    }

    /** The classifier's time starts here; adjustable: tests and the demo's walk move it forward (never in production). */
    public ServiceProperties clock(String start, boolean adjustable) {
        put("lemstriage.clock.start", start);
        return adjustable ? put("lemstriage.clock.adjustable", "true") : this;
    }

    public ServiceProperties put(String name, String value) {
        properties.put(name, value);
        return this;
    }

    public Map<String, String> asMap() {
        return Map.copyOf(properties);
    }
}
