package org.lemstriage.testsupport;

import org.lemstriage.sandbox.EhrSandbox;

/** One EHR sandbox per JVM on a free port, shared by test classes, stopped by {@link TestSession}. */
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
        }
        return sandbox;
    }

    static synchronized void stop() {
        if (sandbox != null) {
            try {
                sandbox.close();
            } catch (Exception e) {
                System.err.println("EHR sandbox did not stop cleanly: " + e);
            }
            sandbox = null;
        }
    }
}
