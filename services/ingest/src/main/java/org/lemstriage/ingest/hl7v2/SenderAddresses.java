package org.lemstriage.ingest.hl7v2;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The MLLP allow-list by address ({@link MllpConfig#allowedSenders()}): addresses or CIDR blocks, matched by Netty's
 * subnet rules (an IPv4 sender seen as an IPv6-mapped address matches its IPv4 block). Empty: any address.
 */
@ApplicationScoped
public class SenderAddresses {
    private final List<IpSubnetFilterRule> allowed;

    @Inject
    public SenderAddresses(MllpConfig config) {
        this(config.allowedSenders().orElse(List.of()));
    }

    SenderAddresses(List<String> entries) {
        this.allowed = entries.stream().map(SenderAddresses::rule).toList();
    }

    /** True when every address may connect. */
    public boolean any() {
        return allowed.isEmpty();
    }

    public boolean allows(SocketAddress remote) {
        if (allowed.isEmpty()) {
            return true;
        }
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(remote.hostAddress()), remote.port());
            return allowed.stream().anyMatch(rule -> rule.matches(address));
        } catch (UnknownHostException notAnAddress) {
            return false;
        }
    }

    /** An address literal, optionally with a prefix length; a host name is refused (it would be resolved once, at start). */
    static IpSubnetFilterRule rule(String entry) {
        String[] parts = entry.strip().split("/", 2);
        if (!parts[0].matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw new IllegalArgumentException("lemstriage.mllp.allowed-senders: '" + entry + "' is not an IP address or CIDR block");
        }
        try {
            InetAddress address = InetAddress.getByName(parts[0]);
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.getAddress().length * 8;
            if (prefix < 0 || prefix > address.getAddress().length * 8) {
                throw new IllegalArgumentException("prefix " + prefix);
            }
            return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
        } catch (UnknownHostException | RuntimeException e) {
            throw new IllegalArgumentException("lemstriage.mllp.allowed-senders: '" + entry + "' is not an IP address or CIDR block", e);
        }
    }
}
