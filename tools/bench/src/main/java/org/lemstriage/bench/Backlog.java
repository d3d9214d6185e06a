package org.lemstriage.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How far the pipeline's consumer groups are behind, summed over their partitions (Kafka's Admin API). */
final class Backlog {
    static final List<String> GROUPS = List.of("lems-triage-classifier", "lems-triage-classifier-context", "lems-triage-notifier");

    private Backlog() {
    }

    static long records(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long behind = 0;
            for (String group : GROUPS) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
                for (var e : committed.entrySet()) {
                    if (e.getValue() != null) {
                        // A transaction's commit marker takes an offset no consumer commits past: one per partition is not lag
                        behind += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset() - 1);
                    }
                }
            }
            return behind;
        }
    }

    /** Waits until no group is behind; the seconds it took. */
    static double drain(String bootstrap, Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        long behind;
        while ((behind = records(bootstrap)) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the pipeline is still " + behind + " records behind after " + timeout);
            }
            Thread.sleep(500);
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
