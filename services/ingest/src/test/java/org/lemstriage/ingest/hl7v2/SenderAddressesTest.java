package org.lemstriage.ingest.hl7v2;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MLLP allow-list: addresses and CIDR blocks, IPv4 and IPv6, and what it refuses to take as an entry. */
class SenderAddressesTest {
    @Test
    void blocksAndSingleAddressesOfBothFamiliesMatchAsWritten() {
        SenderAddresses allowed = new SenderAddresses(List.of("10.20.0.0/16", "192.168.1.7", "fd00:1::/32", "::1"));
        assertThat(allowed.allows(SocketAddress.inetSocketAddress(2575, "10.20.255.1"))).isTrue();
        assertThat(allowed.allows(SocketAddress.inetSocketAddress(2575, "10.21.0.1"))).isFalse();
        assertThat(allowed.allows(SocketAddress.inetSocketAddress(2575, "192.168.1.7"))).isTrue();
        assertThat(allowed.allows(SocketAddress.inetSocketAddress(2575, "192.168.1.8"))).isFalse();
        assertThat(allowed.allows(SocketAddress.inetSocketAddress(2575, "fd00:1:ab::5"))).isTrue();
        assertThat(allowed.allows(SocketAddress.inetSocketAddress(2575, "fd00:2::5"))).isFalse();
        assertThat(allowed.allows(SocketAddress.inetSocketAddress(2575, "::1"))).isTrue();
        // A dual-stack listener sees an IPv4 sender as an IPv6-mapped address: its IPv4 block still matches
        assertThat(allowed.allows(SocketAddress.inetSocketAddress(2575, "::ffff:10.20.3.4"))).isTrue();
        assertThat(allowed.allows(SocketAddress.inetSocketAddress(2575, "::ffff:10.99.3.4"))).isFalse();
    }

    @Test
    void emptyMeansAnyAddress() {
        SenderAddresses any = new SenderAddresses(List.<String>of());
        assertThat(any.any()).isTrue();
        assertThat(any.allows(SocketAddress.inetSocketAddress(2575, "203.0.113.9"))).isTrue();
    }

    @Test
    void anEntryThatIsNotAnAddressOrBlockStopsTheStart() {
        for (String bad : List.of("lab.hospital.example", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "", "10.0.0.1/")) {
            assertThatThrownBy(() -> SenderAddresses.rule(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lemstriage.mllp.allowed-senders");
        }
    }
}
