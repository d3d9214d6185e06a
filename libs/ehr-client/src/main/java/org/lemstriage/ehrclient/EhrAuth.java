package org.lemstriage.ehrclient;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * How a service authenticates to the EHR ({@link EhrConfig#auth()}): {@code none} (default); {@code bearer} with
 * {@code lemstriage.ehr.bearer-token}; {@code smart} (SMART Backend Services) with {@code lemstriage.ehr.smart.client-id}
 * and {@code lemstriage.ehr.smart.private-key} (a PKCS#8 PEM file), and optionally {@code .key-id}, {@code .scope} and
 * {@code .token-url} (else discovered from the EHR's .well-known/smart-configuration).
 */
public final class EhrAuth {
    static final String DEFAULT_SCOPE = "system/Patient.read system/Observation.read system/Condition.read "
            + "system/ServiceRequest.read system/ServiceRequest.write system/Task.read system/Task.write system/Provenance.write";

    private EhrAuth() {
    }

    /** The interceptor that authenticates every request, or none; a missing setting names its property. */
    public static Optional<IClientInterceptor> from(EhrConfig config) {
        return switch (config.auth()) {
            case NONE -> Optional.empty();
            case BEARER -> Optional.of(new BearerTokenAuthInterceptor(required(config.bearerToken(), "lemstriage.ehr.bearer-token")));
            case SMART -> Optional.of(new SmartBackendServices(
                    required(config.smart().clientId(), "lemstriage.ehr.smart.client-id"),
                    privateKey(required(config.smart().privateKey(), "lemstriage.ehr.smart.private-key")),
                    config.smart().keyId().orElse(null), config.smart().scope().orElse(DEFAULT_SCOPE),
                    config.baseUrl().toString(), config.smart().tokenUrl().orElse(null)));
        };
    }

    private static <T> T required(Optional<T> value, String name) {
        return value.orElseThrow(() -> new IllegalArgumentException(name + " is required when lemstriage.ehr.auth is "
                + (name.contains(".smart.") ? "smart" : "bearer")));
    }

    /** An RSA private key from a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}). */
    public static PrivateKey privateKey(Path pem) {
        try {
            String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException e) {
            throw new UncheckedIOException("lemstriage.ehr.smart.private-key: unreadable file " + pem, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("lemstriage.ehr.smart.private-key: not a PKCS#8 RSA private key in PEM: " + pem, e);
        }
    }
}
