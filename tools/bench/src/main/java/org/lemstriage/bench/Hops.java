package org.lemstriage.bench;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a positive result's end-to-end time goes: positives one at a time, each for a new patient, while two consumers
 * follow the pipeline's topics, one reading every record as it is appended and one reading only committed ones. For
 * each topic it prints, from ingest's 2xx, the median time until the patient's record was appended and until it was
 * visible to a read-committed consumer (a transaction's commit), then until the Task was readable. Against a running
 * stack:
 * <pre>
 * java -cp "tools/bench/target/bench-0.2.0.jar:tools/bench/target/lib/*" org.lemstriage.bench.Hops \
 *   http://localhost:8080 "$(deploy/local/stack token)" testing/fixtures/routine-labs localhost:9092 http://localhost:8090/fhir 30
 * </pre>
 * (ingest URL, bearer token, fixtures, broker, EHR, positives).
 */
public final class Hops {
    /** The pipeline's topics, in the order a positive result passes them. */
    static final List<String> TOPICS = List.of("lab.observation.v1", "triage.context-request.v1", "triage.context.v1",
            "triage.decision.v1", "triage.audit.v1");

    private Hops() {
    }

    public static void main(String[] args) throws Exception {
        SyntheticCohort cohort = new SyntheticCohort(Path.of(args[2]), 20261128, Benchmark.COHORT_PATIENTS, 0.02, 0.3);
        Ingest ingest = new Ingest(args[0], args[1]);
        EndToEnd e2e = new EndToEnd(ingest, args[4]);
        Arrivals appended = new Arrivals(args[3], "read_uncommitted");
        Arrivals committed = new Arrivals(args[3], "read_committed");
        Map<String, Histogram> hops = new LinkedHashMap<>();
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int i = 0; i < Integer.parseInt(args[5]); i++) {
            String id = "bench-hops-" + run + "-" + i;
            e2e.createPatient(id);
            if (ingest.post("/fhir/Observation", cohort.positive("Patient/" + id).json()) / 100 != 2) {
                throw new IllegalStateException("a positive was refused");
            }
            long accepted = System.currentTimeMillis();
            e2e.awaitTask("Patient/" + id, Duration.ofSeconds(30), 2);
            long task = System.currentTimeMillis();
            Thread.sleep(200); // the audit record after the Task
            for (String topic : TOPICS) {
                record(hops, topic + " appended", appended.first(topic, id), accepted);
                record(hops, topic + " committed", committed.first(topic, id), accepted);
            }
            record(hops, "Task readable", task, accepted);
            Thread.sleep(100);
        }
        hops.forEach((hop, h) -> System.out.printf(Locale.ROOT, "%-38s p50 %4d  p90 %4d  max %4d ms (%d)%n", hop,
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getMaxValue(), h.getTotalCount()));
        System.exit(0);
    }

    private static void record(Map<String, Histogram> hops, String hop, Long at, long accepted) {
        if (at != null) {
            hops.computeIfAbsent(hop, h -> new Histogram(3)).recordValue(Math.max(0, at - accepted));
        }
    }

    /** When each (topic, record key) was first seen by a consumer at the given isolation level, from now on. */
    private static final class Arrivals {
        private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();

        Arrivals(String bootstrap, String isolation) {
            KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap, ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    false, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100), new StringDeserializer(), new StringDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            TOPICS.forEach(t -> consumer.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition()))));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            Thread reader = new Thread(() -> {
                while (true) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        firstSeen.putIfAbsent(r.topic() + " " + r.key(), System.currentTimeMillis());
                    }
                }
            }, "hops-" + isolation);
            reader.setDaemon(true);
            reader.start();
        }

        Long first(String topic, String patientId) {
            return firstSeen.entrySet().stream().filter(e -> e.getKey().startsWith(topic + " ") && e.getKey().endsWith(patientId))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
    }
}
