package org.lemstriage.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.lemstriage.sandbox.EhrSandbox;
import org.lemstriage.sandbox.auth.SmartAuthorization;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * A second EHR sandbox that requires SMART Backend Services tokens (lifetime 4 s, so tests see refreshes), with a
 * fresh RSA key pair registered for client {@value #CLIENT_ID}; points the service at it with {@code auth=smart}.
 */
public class SmartEhrSandboxResource implements QuarkusTestResourceLifecycleManager {
    public static final String CLIENT_ID = "lems-triage-test";
    private static EhrSandbox sandbox;
    private static SmartAuthorization authorization;

    @Override
    public Map<String, String> start() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            Path pem = Files.createTempFile("lems-triage-client", ".pem");
            Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
            authorization = new SmartAuthorization(Map.of(CLIENT_ID, keys.getPublic()), Duration.ofSeconds(4));
            sandbox = EhrSandbox.start("127.0.0.1", 0, null, authorization);
            return Map.of(EhrSandboxResource.EHR_BASE_URL, sandbox.baseUrl(), "lemstriage.ehr.auth", "smart",
                    "lemstriage.ehr.smart.client-id", CLIENT_ID, "lemstriage.ehr.smart.private-key", pem.toString());
        } catch (Exception e) {
            throw new IllegalStateException("SMART EHR sandbox did not start", e);
        }
    }

    public static EhrSandbox sandbox() {
        return sandbox;
    }

    public static SmartAuthorization authorization() {
        return authorization;
    }

    @Override
    public void stop() {
        try {
            sandbox.close();
        } catch (Exception e) {
            System.err.println("SMART EHR sandbox did not stop cleanly: " + e);
        }
    }
}
