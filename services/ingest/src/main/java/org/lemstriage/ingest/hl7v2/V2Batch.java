package org.lemstriage.ingest.hl7v2;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An HL7 v2 batch in one MLLP frame (HL7 v2.5.1 chapter 2.10.3: {@code [FHS] BHS {MSH ...} BTS [FTS]}): each message
 * is taken on its own, and the answer is a batch of their acknowledgements in the same order, in an envelope of the
 * same shape (BHS-12 and FHS-12 name the sender's batch and file control ids, BTS-1 counts the messages). The envelope
 * is written by hand: HAPI reads and writes single messages only.
 */
record V2Batch(String fileHeader, String batchHeader, List<String> messages) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");

    /** Whether the frame is a batch (its first segment FHS or BHS); segments already ended by a carriage return. */
    static boolean is(String er7) {
        return er7.startsWith("FHS") || er7.startsWith("BHS");
    }

    /** The batch's headers and messages; each message from its MSH to the segment before the next MSH or trailer. */
    static V2Batch split(String er7) {
        String fhs = null;
        String bhs = null;
        List<String> messages = new ArrayList<>();
        StringBuilder current = null;
        for (String segment : er7.split("\r")) {
            String name = segment.length() >= 3 ? segment.substring(0, 3) : segment;
            switch (name) {
                case "FHS" -> fhs = segment;
                case "BHS" -> bhs = segment;
                case "BTS", "FTS" -> current = close(current, messages);
                case "MSH" -> {
                    close(current, messages);
                    current = new StringBuilder(segment).append('\r');
                }
                default -> {
                    if (current != null && !segment.isBlank()) {
                        current.append(segment).append('\r');
                    }
                }
            }
        }
        close(current, messages);
        return new V2Batch(fhs, bhs, List.copyOf(messages));
    }

    private static StringBuilder close(StringBuilder current, List<String> messages) {
        if (current != null) {
            messages.add(current.toString());
        }
        return null;
    }

    /** The batch acknowledgement: each message's ACK (ER7), in order, in the sender's envelope turned round. */
    String acknowledge(List<String> acks) {
        String now = ZonedDateTime.now(ZoneOffset.UTC).format(TIME);
        StringBuilder out = new StringBuilder();
        if (fileHeader != null) {
            out.append(header("FHS", fileHeader, now)).append('\r');
        }
        out.append(header("BHS", batchHeader != null ? batchHeader : "BHS|^~\\&", now)).append('\r');
        for (String ack : acks) {
            out.append(ack.endsWith("\r") ? ack : ack + "\r");
        }
        char separator = separator(batchHeader != null ? batchHeader : "BHS|");
        out.append("BTS").append(separator).append(acks.size()).append('\r');
        if (fileHeader != null) {
            out.append("FTS").append(separator(fileHeader)).append(1).append('\r');
        }
        return out.toString();
    }

    /**
     * FHS or BHS of the answer: the sender's encoding characters; its application and facility (-5, -6) as sender (-3,
     * -4) and the other way round; now (-7); a control id of its own (-11) and the sender's as reference (-12).
     */
    private static String header(String name, String received, String now) {
        char s = separator(received);
        String[] in = received.split(Pattern.quote(String.valueOf(s)), -1);
        String encoding = in.length > 1 ? in[1] : "^~\\&";
        String[] out = new String[12];
        Arrays.fill(out, "");
        out[0] = name;
        out[1] = encoding;
        out[2] = at(in, 4);
        out[3] = at(in, 5);
        out[4] = at(in, 2);
        out[5] = at(in, 3);
        out[6] = now;
        out[10] = UUID.randomUUID().toString();
        out[11] = at(in, 10);
        return String.join(String.valueOf(s), out);
    }

    private static String at(String[] fields, int i) {
        return i < fields.length ? fields[i] : "";
    }

    private static char separator(String segment) {
        return segment.length() > 3 ? segment.charAt(3) : '|';
    }
}
