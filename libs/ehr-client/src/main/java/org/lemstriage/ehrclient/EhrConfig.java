package org.lemstriage.ehrclient;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code lemstriage.ehr.*}: where the EHR's FHIR API is and how to authenticate to it. Checked when the service
 * starts: a value of the wrong type, or an unknown {@code lemstriage.ehr.} property, stops it with a message naming
 * the property.
 */
@ConfigMapping(prefix = "lemstriage.ehr")
public interface EhrConfig {

    /** The EHR's FHIR R4 base, e.g. {@code https://ehr.hospital.example/fhir}. */
    URI baseUrl();

    @WithDefault("3000")
    int connectTimeoutMs();

    /** Services that write transactions (the notifier) wait longer than those that read. */
    @WithDefault("5000")
    int readTimeoutMs();

    @WithDefault("none")
    Auth auth();

    /** For {@code auth=bearer}: a static token, sent as {@code Authorization: Bearer}. */
    Optional<String> bearerToken();

    /** For {@code auth=smart}. */
    Smart smart();

    enum Auth {
        NONE, BEARER, SMART
    }

    /** SMART Backend Services (client credentials with a private-key JWT). */
    interface Smart {
        /** The client id the EHR registered for lems-triage. */
        Optional<String> clientId();

        /** A PKCS#8 PEM file of the client's RSA private key. */
        Optional<Path> privateKey();

        /** The {@code kid} put in the client assertion's header. */
        Optional<String> keyId();

        /** Scopes to ask for; by default the reads and writes lems-triage makes. */
        Optional<String> scope();

        /** The token endpoint; by default discovered from the EHR's {@code .well-known/smart-configuration}. */
        Optional<URI> tokenUrl();
    }
}
