package org.lemstriage.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the processes tests start. Never from the kernel's ephemeral range: between the moment a port is chosen
 * and the moment the started process binds it, any outgoing connection (a Kafka client of another service starting
 * beside it) may be given that very port as its local end, and the process then fails to start with "address in
 * use". CI saw it once: a classifier of ScaleOutIT exited with 1 while five other services were connecting.
 */
public final class Ports {
    /** Above the usual fixed ports of the local stack (8080-8090, 9092, 5432, 2575), below the ephemeral range. */
    static final int LOWEST = 20000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Linux's default, where /proc does not say. */
    private static final int DEFAULT_EPHEMERAL_LOW = 32768;
    /** Handed out by this JVM: not twice, even before the first is bound. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {
    }

    /** A port nothing listens on now, outside the ephemeral range, not handed out before by this JVM. */
    public static synchronized int free() throws IOException {
        int highest = ephemeralLow() - 1;
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            if (!HANDED_OUT.contains(port) && bindable(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IOException("no free port between " + LOWEST + " and " + highest);
    }

    /** The lowest port the kernel gives to outgoing connections and to listeners on port 0. */
    static int ephemeralLow() {
        if (!Files.isReadable(EPHEMERAL_RANGE)) {
            return DEFAULT_EPHEMERAL_LOW;
        }
        try {
            int low = Integer.parseInt(Files.readString(EPHEMERAL_RANGE).trim().split("\\s+")[0]);
            // A range starting at or below our floor leaves nothing safe: then take Linux's default as the bound
            return low > LOWEST + 1000 ? low : DEFAULT_EPHEMERAL_LOW;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
