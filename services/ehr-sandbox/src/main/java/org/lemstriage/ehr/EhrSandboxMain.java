package org.lemstriage.ehr;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * Runs the sandbox as its own process. Environment: {@code EHR_HOST} (default 127.0.0.1), {@code EHR_PORT}
 * (default 8090), {@code EHR_SEED_DIR} (a folder of extra seed JSON, optional).
 */
public final class EhrSandboxMain {
    private static final Logger LOG = Logger.getLogger(EhrSandboxMain.class.getName());

    private EhrSandboxMain() {
    }

    public static void main(String[] args) throws Exception {
        String host = System.getenv().getOrDefault("EHR_HOST", "127.0.0.1");
        int port = Integer.parseInt(System.getenv().getOrDefault("EHR_PORT", "8090"));
        String seedDir = System.getenv("EHR_SEED_DIR");
        EhrSandbox sandbox = EhrSandbox.start(host, port, seedDir == null || seedDir.isBlank() ? null : Path.of(seedDir));
        LOG.info(() -> "EHR sandbox ready at " + sandbox.baseUrl());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                sandbox.close();
            } catch (Exception e) {
                LOG.warning("EHR sandbox did not stop cleanly: " + e.getMessage());
            }
            stopped.countDown();
        }));
        stopped.await();
    }
}
