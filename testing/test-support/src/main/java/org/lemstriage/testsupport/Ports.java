package org.lemstriage.testsupport;

import java.io.IOException;
import java.net.ServerSocket;

/** Ports for the processes tests start. */
public final class Ports {
    private Ports() {
    }

    /** A port nothing listens on now (the OS's choice), for a process about to be started. */
    public static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
