package org.lemstriage.ingest.hl7v2;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The HL7 v2 listener (MLLP): where, how much, and what a site's senders mean by their local codes and authorities. */
@ConfigMapping(prefix = "lemstriage.mllp")
public interface MllpConfig {
    /** Off unless switched on: a hospital turns on the feeds it has. */
    @WithDefault("false")
    boolean enabled();

    /** 2575: the port IANA registered for HL7 over MLLP. */
    @WithDefault("2575")
    int port();

    /** The address to listen on: every interface unless set (a container's only way in); the local stack sets loopback. */
    @WithDefault("0.0.0.0")
    String host();

    /**
     * The addresses that may connect, each an address or a CIDR block ({@code 10.20.0.0/16}, {@code ::1}), for a site
     * that runs MLLP without TLS inside a network segment; any address when empty. Others are closed on connecting.
     */
    Optional<List<String>> allowedSenders();

    /** The largest message taken (bytes between the start and end blocks); a larger frame closes its connection. */
    @WithDefault("1048576")
    int maxMessageBytes();

    /** The most segments a message may have. */
    @WithDefault("2000")
    int maxSegments();

    /**
     * A connection that brings no whole frame this long after connecting or after its last answer is closed (a sender
     * that stalls mid-frame holds nothing for longer). Not counted while a message is being taken.
     */
    @WithDefault("60s")
    Duration readTimeout();

    /** The zone of a time without an offset (the sending lab's). */
    @WithDefault("UTC")
    ZoneId defaultZone();

    /** {@code FACILITY|NAME} (MSH-4 and a CWE-3 local system name, e.g. {@code MAYO|L}) to a FHIR system URI. */
    Map<String, String> localCodingSystems();

    /** PID-3's assigning authority namespace (without an OID or URI of its own) to an identifier system. */
    Map<String, String> assigningAuthorities();

    /** TLS: a PEM certificate chain and key; both or neither. */
    Optional<Path> tlsCertificate();

    Optional<Path> tlsKey();

    /**
     * Mutual TLS: the PEM certificates of the CA(s) that issue the senders' client certificates. With it, a sender
     * without a certificate from them is refused at the handshake, and a message is taken only for the facilities its
     * certificate is mapped to in {@link #senderFacilities()}.
     */
    Optional<Path> tlsClientCa();

    /**
     * A sender certificate's subject CN to the facilities it may send for, as namespace ids: each message's MSH-4.1 and
     * each order number's namespace (OBR-3.2, else OBR-2.2) must be among them, e.g.
     * {@code lemstriage.mllp.sender-facilities.mayo-interface=MAYO} (a CN with dots is quoted:
     * {@code sender-facilities."lab.example.org"}). Anything else is refused (AR) on that connection.
     */
    Map<String, List<String>> senderFacilities();
}
