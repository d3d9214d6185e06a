package org.lemstriage.ingest.hl7v2;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may send over MLLP: by address (the allow-list, {@link MllpConfig#allowedSenders()}), and with mutual TLS by
 * client certificate, each certificate's CN mapped to the sending facilities it may send for
 * ({@link MllpConfig#senderFacilities()}).
 */
@ApplicationScoped
public class MllpSenders {
    private final List<IpSubnetFilterRule> allowed;
    private final MllpConfig config;

    public MllpSenders(MllpConfig config) {
        this.config = config;
        this.allowed = config.allowedSenders().orElse(List.of()).stream().map(MllpSenders::rule).toList();
        if (config.tlsClientCa().isPresent() && (config.tlsCertificate().isEmpty() || config.tlsKey().isEmpty())) {
            throw new IllegalStateException("lemstriage.mllp.tls-client-ca needs the listener's own lemstriage.mllp.tls-certificate and tls-key");
        }
        if (config.tlsClientCa().isPresent() && config.senderFacilities().isEmpty()) {
            throw new IllegalStateException("lemstriage.mllp.tls-client-ca is set but lemstriage.mllp.sender-facilities is empty: map each "
                    + "sender certificate's CN to the sending facilities (MSH-4) it may send for");
        }
    }

    /** Whether a connection from {@code remote} is taken at all. */
    public boolean mayConnect(SocketAddress remote) {
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

    /** True when no address, certificate or facility is checked: anyone who reaches the port may send. */
    public boolean open() {
        return allowed.isEmpty() && config.tlsClientCa().isEmpty();
    }

    /** The facilities this connection may send for: any without mutual TLS, else those of its certificate's CN. */
    public SendingFacilities facilitiesOf(NetSocket socket) {
        if (config.tlsClientCa().isEmpty()) {
            return SendingFacilities.ANY;
        }
        String cn = commonName(socket).orElse("");
        return new SendingFacilities(cn, Set.copyOf(config.senderFacilities().getOrDefault(cn, List.of())));
    }

    private static Optional<String> commonName(NetSocket socket) {
        try {
            List<Certificate> chain = socket.peerCertificates();
            if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate sender)) {
                return Optional.empty();
            }
            for (Rdn rdn : new LdapName(sender.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
            return Optional.empty();
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return Optional.empty();
        }
    }

    private static IpSubnetFilterRule rule(String entry) {
        String[] parts = entry.strip().split("/", 2);
        try {
            InetAddress address = InetAddress.getByName(parts[0]);
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.getAddress().length * 8;
            return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
        } catch (UnknownHostException | RuntimeException e) {
            throw new IllegalArgumentException("lemstriage.mllp.allowed-senders: '" + entry + "' is not an address or CIDR block", e);
        }
    }

    /**
     * The sending facilities a connection may send for; {@link #ANY} without mutual TLS. {@code certificate} names the
     * certificate (its CN) in an ERR's text.
     */
    public record SendingFacilities(String certificate, Set<String> facilities) {
        public static final SendingFacilities ANY = new SendingFacilities(null, Set.of());

        /** Whether a message from MSH-4 (namespace id, universal id) may be taken. */
        public boolean allow(String namespaceId, String universalId) {
            return certificate == null || facilities.contains(namespaceId) || (!universalId.isEmpty() && facilities.contains(universalId));
        }
    }
}
