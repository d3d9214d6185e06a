package org.lemstriage.ingest.hl7v2;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.parsetools.RecordParser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.lemstriage.ingest.audit.MessageAudit;
import org.lemstriage.ingest.metrics.V2Answers;

import java.net.InetAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * HL7 v2 over MLLP (HL7's Minimal Lower Layer Protocol: a message between a start block 0x0B and an end block 0x1C
 * followed by 0x0D), on Vert.x's TCP server: frames cut by Vert.x's record parser, with a size limit; a connection
 * that does not bring a whole frame within the read timeout (of connecting, or of its last answer) is closed. One
 * message at a time per connection, in order, each answered before the next is read. A frame that is not MLLP (no start block, binary garbage, too large, too many segments, bytes beyond
 * ASCII without MSH-18 naming a character set) closes its own connection only. Who may connect is
 * {@link SenderAddresses}', and with mutual TLS, for which facilities a sender may send, {@link SenderCertificates}'.
 */
@ApplicationScoped
public class MllpListener {
    private static final Logger LOG = Logger.getLogger(MllpListener.class);
    static final byte START = 0x0b;
    static final byte END = 0x1c;
    static final byte CR = 0x0d;

    private final OruIntake intake;
    private final MllpConfig config;
    private final SenderAddresses addresses;
    private final SenderCertificates certificates;
    private final V2Answers answers;
    private NetServer server;

    public MllpListener(OruIntake intake, MllpConfig config, SenderAddresses addresses, SenderCertificates certificates, V2Answers answers) {
        this.intake = intake;
        this.config = config;
        this.addresses = addresses;
        this.certificates = certificates;
        this.answers = answers;
    }

    void start(@Observes StartupEvent started, Vertx vertx) {
        if (!config.enabled()) {
            return;
        }
        NetServerOptions options = new NetServerOptions().setHost(config.host()).setPort(config.port());
        if (config.tlsCertificate().isPresent() && config.tlsKey().isPresent()) {
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tlsCertificate().get().toString())
                    .setKeyPath(config.tlsKey().get().toString()));
        }
        config.tlsClientCa().ifPresent(ca -> options.setClientAuth(ClientAuth.REQUIRED)
                .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        server = vertx.createNetServer(options).connectHandler(socket -> {
            if (addresses.allows(socket.remoteAddress())) {
                connected(vertx, socket);
            } else {
                LOG.warnf("MLLP connection from %s, not an allowed sender: closed", socket.remoteAddress().hostAddress());
                answers.closed(V2Answers.Closed.NOT_ALLOWED_SENDER);
                socket.close();
            }
        });
        server.listen().toCompletionStage().toCompletableFuture().join();
        LOG.infof("HL7 v2 (MLLP) listening on %s:%d%s", config.host(), server.actualPort(),
                options.getClientAuth() == ClientAuth.REQUIRED ? " with mutual TLS" : options.isSsl() ? " with TLS" : "");
        if (addresses.any() && !certificates.required() && !loopback(config.host())) {
            LOG.warnf("HL7 v2 (MLLP) takes messages from anyone who reaches %s:%d: set lemstriage.mllp.tls-client-ca (mutual TLS) "
                    + "or lemstriage.mllp.allowed-senders", config.host(), server.actualPort());
        }
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The port it listens on (0 until started). */
    public int port() {
        return server == null ? 0 : server.actualPort();
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private void connected(Vertx vertx, NetSocket socket) {
        SendingFacilities facilities = certificates.facilitiesOf(socket);
        // The parser reads the socket as a stream: paused, it hands over no further frame, even one already received
        RecordParser frames = RecordParser.newDelimited(Buffer.buffer(new byte[]{END, CR}), socket);
        frames.maxRecordSize(config.maxMessageBytes() + 1);
        ReadTimer timer = new ReadTimer(vertx, config.readTimeout().toMillis(), () -> {
            LOG.warnf("no whole MLLP frame from %s within %d s: connection closed", socket.remoteAddress(), config.readTimeout().toSeconds());
            answers.closed(V2Answers.Closed.READ_TIMEOUT);
            socket.close();
        });
        socket.closeHandler(closed -> timer.stop());
        frames.exceptionHandler(tooLarge -> {
            LOG.warnf("MLLP frame over %d bytes from %s: connection closed", config.maxMessageBytes(), socket.remoteAddress());
            answers.closed(V2Answers.Closed.FRAME_TOO_LARGE);
            socket.close();
        });
        frames.handler(frame -> {
            timer.stop();
            frames.pause();
            String text = message(frame, socket);
            if (text == null) {
                socket.close();
                return;
            }
            // On the worker pool, outside the socket's Vert.x context: awaited from a blocking task of that context,
            // SmallRye's Kafka transaction did not commit within the publish timeout (seen in MllpIT); from the pool
            // it does. Frames stay paused until the answer, so a connection's messages are answered in turn
            Context context = vertx.getOrCreateContext();
            Uni.createFrom().item(() -> intake.answer(text, facilities)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).subscribe().with(
                    ack -> context.runOnContext(v -> {
                        socket.write(Buffer.buffer().appendByte(START).appendString(ack, StandardCharsets.ISO_8859_1.name())
                                .appendByte(END).appendByte(CR));
                        timer.start();
                        frames.resume();
                    }),
                    why -> context.runOnContext(v -> {
                        // Kafka or the audit trail did not confirm, or no message to answer: no ACK, the sender sends again
                        if (!(why instanceof OruIntake.KafkaUnavailable || why instanceof MessageAudit.NotAudited || why instanceof V2Problem)) {
                            LOG.errorf("v2 message not taken (%s): connection closed without an ACK", why.getClass().getSimpleName());
                        }
                        answers.closed(V2Answers.Closed.NOT_TAKEN);
                        socket.close();
                    }));
        });
        timer.start();
    }

    /**
     * The read timeout: runs while the listener waits for a frame (from the connection or the last answer until a
     * whole frame is in), never while a message is being taken, which may wait for Kafka.
     */
    private static final class ReadTimer {
        private final Vertx vertx;
        private final long millis;
        private final Runnable expired;
        private long id = -1;

        ReadTimer(Vertx vertx, long millis, Runnable expired) {
            this.vertx = vertx;
            this.millis = millis;
            this.expired = expired;
        }

        void start() {
            stop();
            id = vertx.setTimer(millis, fired -> expired.run());
        }

        void stop() {
            if (id >= 0) {
                vertx.cancelTimer(id);
                id = -1;
            }
        }
    }

    /** The frame's message as text, or null when the frame is not one (the connection is then closed). */
    private String message(Buffer frame, NetSocket socket) {
        byte[] bytes = frame.getBytes();
        int start = 0;
        while (start < bytes.length && (bytes[start] == '\n' || bytes[start] == '\r')) {
            start++; // line ends a sender left between frames
        }
        if (start >= bytes.length || bytes[start] != START || bytes.length - start - 1 > config.maxMessageBytes()) {
            LOG.warnf("not an MLLP frame from %s (no start block, or too large): connection closed", socket.remoteAddress());
            answers.closed(V2Answers.Closed.NOT_MLLP);
            return null;
        }
        byte[] body = java.util.Arrays.copyOfRange(bytes, start + 1, bytes.length);
        Charset charset = charset(body);
        if (charset == null) {
            LOG.warnf("v2 message from %s with bytes beyond ASCII and no MSH-18: connection closed", socket.remoteAddress());
            answers.closed(V2Answers.Closed.UNDECLARED_CHARSET);
            return null;
        }
        String text = V2Messages.normalise(new String(body, charset));
        if (text.chars().filter(c -> c == '\r').count() > config.maxSegments()) {
            LOG.warnf("v2 message from %s with more than %d segments: connection closed", socket.remoteAddress(), config.maxSegments());
            answers.closed(V2Answers.Closed.TOO_MANY_SEGMENTS);
            return null;
        }
        return text;
    }

    /**
     * The first MSH's MSH-18 character set (UTF-8 or ISO 8859-1 as HL7 names them); ASCII without one; null if the bytes
     * say otherwise.
     */
    static Charset charset(byte[] body) {
        // The first MSH: the message's own, or a batch's first (FHS and BHS carry no MSH-18); segments may end in \n alone
        String header = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.ISO_8859_1).replace('\n', '\r');
        int start = header.startsWith("MSH") ? 0 : header.indexOf("\rMSH") + 1;
        int end = header.indexOf('\r', start);
        String msh = end < 0 ? header.substring(start) : header.substring(start, end);
        String[] fields = msh.length() > 3 ? msh.split("\\" + msh.charAt(3), -1) : new String[0];
        String named = fields.length > 17 ? fields[17].split("\\^")[0].strip() : "";
        if (named.equalsIgnoreCase("UNICODE UTF-8")) {
            return StandardCharsets.UTF_8;
        }
        if (named.equalsIgnoreCase("8859/1")) {
            return StandardCharsets.ISO_8859_1;
        }
        for (byte b : body) {
            if (b < 0) {
                return null;
            }
        }
        return StandardCharsets.US_ASCII;
    }
}
