package org.lemstriage.model.fhir;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a service authenticates to the EHR, from its configuration ({@code lemstriage.ehr.auth}):
 * {@code none} (default); {@code bearer} with {@code lemstriage.ehr.bearer-token}; {@code smart} (SMART Backend
 * Services) with {@code lemstriage.ehr.smart.client-id}, {@code lemstriage.ehr.smart.private-key} (a PKCS#8 PEM
 * file), and optionally {@code lemstriage.ehr.smart.key-id}, {@code lemstriage.ehr.smart.scope} and
 * {@code lemstriage.ehr.smart.token-url} (else discovered from the EHR's .well-known/smart-configuration).
 */
public final class EhrAuth {
    static final String DEFAULT_SCOPE = "system/Patient.read system/Observation.read system/Condition.read "
            + "system/ServiceRequest.read system/ServiceRequest.write system/Task.read system/Task.write system/Provenance.write";

    private EhrAuth() {
    }

    /** @param config a service's configuration lookup, e.g. MicroProfile Config's getOptionalValue */
    public static Optional<IClientInterceptor> from(Function<String, Optional<String>> config, String fhirBase) {
        String mode = config.apply("lemstriage.ehr.auth").orElse("none");
        return switch (mode) {
            case "none" -> Optional.empty();
            case "bearer" -> Optional.of(new BearerTokenAuthInterceptor(required(config, "lemstriage.ehr.bearer-token")));
            case "smart" -> Optional.of(new SmartBackendServices(required(config, "lemstriage.ehr.smart.client-id"),
                    privateKey(Path.of(required(config, "lemstriage.ehr.smart.private-key"))),
                    config.apply("lemstriage.ehr.smart.key-id").orElse(null),
                    config.apply("lemstriage.ehr.smart.scope").orElse(DEFAULT_SCOPE), fhirBase,
                    config.apply("lemstriage.ehr.smart.token-url").map(URI::create).orElse(null)));
            default -> throw new IllegalArgumentException("lemstriage.ehr.auth must be none, bearer or smart, not " + mode);
        };
    }

    private static String required(Function<String, Optional<String>> config, String name) {
        return config.apply(name).orElseThrow(() -> new IllegalArgumentException(name + " is required for this lemstriage.ehr.auth"));
    }

    /** An RSA private key from a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}). */
    public static PrivateKey privateKey(Path pem) {
        try {
            String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException e) {
            throw new UncheckedIOException("private key unreadable: " + pem, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a PKCS#8 RSA private key in PEM: " + pem, e);
        }
    }
}
