package org.lemstriage.sandbox;

import org.lemstriage.sandbox.auth.SmartAuthorization;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * Runs the sandbox as its own process. Environment: {@code EHR_HOST} (default 127.0.0.1), {@code EHR_PORT}
 * (default 8090), {@code EHR_SEED_DIR} (a folder of extra seed JSON, optional). To require SMART Backend Services
 * tokens: {@code EHR_SMART_CLIENT_ID} and {@code EHR_SMART_PUBLIC_KEY} (the client's RSA public key, an X.509
 * SubjectPublicKeyInfo PEM file), and optionally {@code EHR_TOKEN_LIFETIME_SECONDS} (default 300).
 * {@code EHR_FAULT_PORT} (optional) opens {@link FaultControl} on that loopback port, for the fault suite.
 */
public final class EhrSandboxMain {
    private static final Logger LOG = Logger.getLogger(EhrSandboxMain.class.getName());

    EhrSandboxMain() {
    }

    /** The SMART authorization the environment asks for, or null when it asks for none. */
    static SmartAuthorization smartFromEnvironment(Map<String, String> env) throws Exception {
        String clientId = env.get("EHR_SMART_CLIENT_ID");
        String publicKey = env.get("EHR_SMART_PUBLIC_KEY");
        if (clientId == null || publicKey == null) {
            return null;
        }
        String base64 = Files.readString(Path.of(publicKey)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        long lifetime = Long.parseLong(env.getOrDefault("EHR_TOKEN_LIFETIME_SECONDS", "300"));
        LOG.info(() -> "SMART Backend Services required; client " + clientId);
        return new SmartAuthorization(Map.of(clientId, key), Duration.ofSeconds(lifetime));
    }

    public static void main(String[] args) throws Exception {
        String host = System.getenv().getOrDefault("EHR_HOST", "127.0.0.1");
        int port = Integer.parseInt(System.getenv().getOrDefault("EHR_PORT", "8090"));
        String seedDir = System.getenv("EHR_SEED_DIR");
        EhrSandbox sandbox = EhrSandbox.start(host, port, seedDir == null || seedDir.isBlank() ? null : Path.of(seedDir),
                smartFromEnvironment(System.getenv()));
        String faultPort = System.getenv("EHR_FAULT_PORT");
        FaultControl faults = faultPort == null || faultPort.isBlank() ? null : FaultControl.start(sandbox, Integer.parseInt(faultPort));
        LOG.info(() -> "EHR sandbox ready at " + sandbox.baseUrl());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (faults != null) {
                    faults.close();
                }
                sandbox.close();
            } catch (Exception e) {
                LOG.warning("EHR sandbox did not stop cleanly: " + e.getMessage());
            }
            stopped.countDown();
        }));
        stopped.await();
    }
}
