package org.lemstriage.ingest;

import io.quarkus.runtime.annotations.StaticInitSafe;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * {@code lemstriage.ingest.*}, checked when ingest starts: a value of the wrong type, or an unknown
 * {@code lemstriage.ingest.} property, stops it with a message naming the property. Static-init safe: the JAX-RS
 * providers that read it (the request size limit) are made while the application starts.
 */
@StaticInitSafe
@ConfigMapping(prefix = "lemstriage.ingest")
public interface IngestConfig {

    Auth auth();

    /** Larger bodies are refused with 413 before they are read (10 MiB). */
    @WithDefault("10485760")
    long maxRequestBytes();

    /** Deeper nesting of JSON objects and arrays, or XML elements, is refused with 413. */
    @WithDefault("64")
    int maxDepth();

    /** Larger Bundles are refused with 413. */
    @WithDefault("1000")
    int maxBundleEntries();

    Validation validation();

    /**
     * How long a sender waits for Kafka's confirmation of what it sent, in every path (single, Bundle, transaction,
     * notification): just over the producers' delivery.timeout.ms (10 s), so the producer's own failure normally
     * answers first. Past it the answer is 503.
     */
    @WithDefault("12s")
    Duration publishTimeout();

    interface Auth {
        /** {@code false} turns bearer authentication off: only for a closed network segment. */
        @WithDefault("true")
        boolean required();
    }

    interface Validation {
        /** HAPI instance validation of tracked results. */
        @WithDefault("true")
        boolean enabled();

        /** Validators kept ready for concurrent requests, over one shared set of R4 definitions. */
        @WithDefault("2")
        int pool();
    }
}
