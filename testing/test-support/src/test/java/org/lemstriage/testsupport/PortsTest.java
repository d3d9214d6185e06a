package org.lemstriage.testsupport;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PortsTest {

    @Test
    void portsAreNeverFromTheEphemeralRangeNorHandedOutTwice() throws Exception {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = Ports.free();
            assertThat(port).isBetween(Ports.LOWEST, Ports.ephemeralLow() - 1);
            assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
        }
    }

    @Test
    void aPortSomethingListensOnIsNotHandedOut() throws Exception {
        int port = Ports.free();
        try (ServerSocket listening = new ServerSocket(port)) {
            for (int i = 0; i < 200; i++) {
                assertThat(Ports.free()).isNotEqualTo(listening.getLocalPort());
            }
        }
    }
}
