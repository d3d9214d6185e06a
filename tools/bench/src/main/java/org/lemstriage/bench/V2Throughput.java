package org.lemstriage.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ingest's HL7 v2 listener under load: several MLLP connections, each sending ORU^R01 messages one after the other and
 * waiting for each ACK, as a laboratory system's outbound interface does. Each message is one order with
 * {@value #OBX_PER_MESSAGE} results: routine chemistry, and in 2 % of messages a P/Q-type VGCC in its place (30 % of
 * those positive), the share of the FHIR figures' cohort. Raw sockets, not HAPI's client, so that the load
 * generator's own parsing does not limit what is measured.
 */
final class V2Throughput {
    static final int OBX_PER_MESSAGE = 5;
    /** The bench cohort's patients as PID-3 names them ({@link EndToEnd#createPatient} gives them this identifier). */
    static final String MRN_SYSTEM = "urn:lemstriage:bench:mrn";
    private static final String[][] ROUTINE = {
            {"2345-7", "Glucose", "96", "mg/dL", "70-99"}, {"2160-0", "Creatinine", "0.9", "mg/dL", "0.6-1.2"},
            {"2823-3", "Potassium", "4.1", "mmol/L", "3.5-5.1"}, {"2951-2", "Sodium", "140", "mmol/L", "136-145"},
            {"718-7", "Hemoglobin", "13.2", "g/dL", "12.0-16.0"}};

    private final List<String[]> listeners;
    private final java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
    private final int patients;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicLong sequence = new AtomicLong();

    V2Throughput(String hostPort, int patients) {
        this(List.of(hostPort), patients);
    }

    /** Connections taking turns among several listeners (two ingests), as a sender's pool behind a balancer would. */
    V2Throughput(List<String> hostPorts, int patients) {
        this.listeners = hostPorts.stream().map(h -> h.split(":")).toList();
        this.patients = patients;
    }

    /** Messages acknowledged AA over {@code duration}, over {@code connections} connections. */
    ClosedLoop.Run messages(int connections, Duration duration) throws Exception {
        return ClosedLoop.run(connections, duration, Connection::new, "v2 messages (not AA)");
    }

    /** One MLLP connection: a message out, its ACK in. */
    private final class Connection implements ClosedLoop.Sender {
        private final String[] listener = listeners.get(Math.floorMod(opened.getAndIncrement(), listeners.size()));
        private final Socket socket = new Socket(listener[0], Integer.parseInt(listener[1]));
        private final OutputStream out = socket.getOutputStream();
        private final InputStream in = new java.io.BufferedInputStream(socket.getInputStream());

        Connection() throws IOException {
            socket.setSoTimeout(60_000);
        }

        @Override
        public boolean send() throws IOException {
            out.write(frame(next()));
            out.flush();
            return readAck(in).contains("MSA|AA|");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A new ORU^R01: its own control id and filler order number, a patient of the cohort. */
    String next() {
        long n = sequence.incrementAndGet();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String id = runId + "-" + n;
        StringBuilder m = new StringBuilder()
                .append("MSH|^~\\&|MAYOLINK|MAYO|LEMS|HOSP|20261102120000-0600||ORU^R01^ORU_R01|").append(id).append("|P|2.5.1\r")
                .append("PID|1||bench-").append(random.nextInt(patients)).append("^^^&").append(MRN_SYSTEM).append("&URI^MR\r")
                .append("OBR|1||").append(id).append("^MAYO|24323-8^Metabolic panel^LN|||20261102093000-0600\r");
        boolean antibody = random.nextDouble() < 0.02;
        for (int i = 0; i < OBX_PER_MESSAGE; i++) {
            if (antibody && i == 0) {
                String value = random.nextDouble() < 0.3 ? String.format(Locale.ROOT, "%.2f", 0.1 + random.nextDouble() * 0.8)
                        : String.format(Locale.ROOT, "%.2f", random.nextDouble() * 0.02);
                m.append("OBX|1|NM|CCPQ^P/Q-Type Calcium Channel Ab^L||").append(value)
                        .append("|nmol/L^nmol/L^UCUM|<=0.02||||F|||20261102093000-0600\r");
                continue;
            }
            String[] r = ROUTINE[i];
            m.append("OBX|").append(i + 1).append("|NM|").append(r[0]).append('^').append(r[1]).append("^LN||").append(r[2])
                    .append('|').append(r[3]).append('^').append(r[3]).append("^UCUM|").append(r[4]).append("|N|||F\r");
        }
        return m.toString();
    }

    private static byte[] frame(String er7) {
        byte[] body = er7.getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[body.length + 3];
        frame[0] = 0x0b;
        System.arraycopy(body, 0, frame, 1, body.length);
        frame[frame.length - 2] = 0x1c;
        frame[frame.length - 1] = 0x0d;
        return frame;
    }

    /** The ACK's text, from its start block to its end block. */
    private static String readAck(InputStream in) throws IOException {
        int b = in.read();
        if (b != 0x0b) {
            throw new IOException("no ACK: the listener closed the connection or sent no start block (" + b + ")");
        }
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        while ((b = in.read()) != 0x1c) {
            if (b < 0) {
                throw new IOException("the ACK ended before its end block");
            }
            ack.write(b);
        }
        in.read(); // the carriage return after the end block
        return ack.toString(StandardCharsets.ISO_8859_1);
    }
}
