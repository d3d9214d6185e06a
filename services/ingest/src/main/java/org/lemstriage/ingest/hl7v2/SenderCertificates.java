package org.lemstriage.ingest.hl7v2;

import io.vertx.core.net.NetSocket;
import jakarta.enterprise.context.ApplicationScoped;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * With mutual TLS ({@link MllpConfig#tlsClientCa()}), what each sender certificate may send for: its subject CN mapped
 * to sending facilities ({@link MllpConfig#senderFacilities()}). Without it, {@link SendingFacilities#ANY}.
 */
@ApplicationScoped
public class SenderCertificates {
    private final MllpConfig config;

    public SenderCertificates(MllpConfig config) {
        this.config = config;
        if (config.tlsClientCa().isPresent() && (config.tlsCertificate().isEmpty() || config.tlsKey().isEmpty())) {
            throw new IllegalStateException("lemstriage.mllp.tls-client-ca needs the listener's own lemstriage.mllp.tls-certificate and tls-key");
        }
        if (config.tlsClientCa().isPresent() && config.senderFacilities().isEmpty()) {
            throw new IllegalStateException("lemstriage.mllp.tls-client-ca is set but lemstriage.mllp.sender-facilities is empty: map each "
                    + "sender certificate's CN to the sending facilities (MSH-4.1) it may send for");
        }
    }

    /** True when client certificates are required. */
    public boolean required() {
        return config.tlsClientCa().isPresent();
    }

    /** The facilities a connection may send for: any without mutual TLS, else those its certificate's CN is mapped to. */
    public SendingFacilities facilitiesOf(NetSocket socket) {
        if (!required()) {
            return SendingFacilities.ANY;
        }
        String cn = commonName(socket).orElse("");
        return SendingFacilities.of(cn, Set.copyOf(config.senderFacilities().getOrDefault(cn, List.of())));
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
}
