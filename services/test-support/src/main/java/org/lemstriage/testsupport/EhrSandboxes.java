package org.lemstriage.testsupport;

import org.lemstriage.ehr.EhrSandbox;

/** One EHR sandbox per JVM on a free port, shared by test classes, stopped at JVM exit. */
public final class EhrSandboxes {
    private static EhrSandbox sandbox;

    private EhrSandboxes() {
    }

    public static synchronized EhrSandbox shared() {
        if (sandbox == null) {
            try {
                sandbox = EhrSandbox.start("127.0.0.1", 0, null);
            } catch (Exception e) {
                throw new IllegalStateException("EHR sandbox did not start", e);
            }
            EhrSandbox started = sandbox;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (Exception e) {
                    System.err.println("EHR sandbox did not stop cleanly: " + e);
                }
            }));
        }
        return sandbox;
    }
}
