package org.lemstriage.bench;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.validation.FhirValidator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Observation;
import org.lemstriage.model.fhir.Fhir;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** What the machine allows under the pipeline, with the benchmark's own payloads, each on one thread. */
final class RawLimits {
    private RawLimits() {
    }

    /** HAPI JSON parses per second, one thread, after a warm-up of the same length. */
    static double parsePerSecond(List<String> payloads, Duration each) {
        IParser parser = Fhir.r4().newJsonParser();
        run(each, i -> parser.parseResource(Observation.class, payloads.get(i % payloads.size())));
        return run(each, i -> parser.parseResource(Observation.class, payloads.get(i % payloads.size())));
    }

    /**
     * HAPI instance validations per second, one thread, one reused validator with the same support chain as
     * ingest's TrackedResultValidator (built and warmed before timing).
     */
    static double validatePerSecond(List<String> payloads, Duration each) {
        var fhir = Fhir.r4();
        var chain = new ValidationSupportChain(new DefaultProfileValidationSupport(fhir),
                new CommonCodeSystemsTerminologyService(fhir), new InMemoryTerminologyServerValidationSupport(fhir),
                new SnapshotGeneratingValidationSupport(fhir));
        FhirValidator validator = fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
        List<Observation> parsed = payloads.stream().map(p -> fhir.newJsonParser().parseResource(Observation.class, p)).toList();
        run(each, i -> validator.validateWithResult(parsed.get(i % parsed.size())));
        return run(each, i -> validator.validateWithResult(parsed.get(i % parsed.size())));
    }

    /**
     * A plain producer's records per second to the same broker, acks=all and idempotent like ingest, with batching
     * tuned for throughput, records of the payloads' sizes, to a 3-partition topic of its own.
     */
    static double kafkaRecordsPerSecond(String bootstrap, List<String> payloads, Duration each) throws Exception {
        String topic = "bench.raw-producer";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(Set.of(new NewTopic(topic, 3, (short) 1))).all().get();
            }
        }
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            AtomicLong failed = new AtomicLong();
            for (int pass = 0; pass < 2; pass++) { // the first pass warms up
                long deadline = System.nanoTime() + each.toNanos();
                long t0 = System.nanoTime();
                long sent = 0;
                while (System.nanoTime() < deadline) {
                    for (int k = 0; k < 1000; k++, sent++) {
                        String value = payloads.get((int) (sent % payloads.size()));
                        producer.send(new ProducerRecord<>(topic, "Patient/bench-" + (sent % 1000), value), (m, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                            }
                        });
                    }
                }
                producer.flush();
                double rate = sent / ((System.nanoTime() - t0) / 1e9);
                if (failed.get() > 0) {
                    throw new IllegalStateException(failed.get() + " raw producer sends failed");
                }
                if (pass == 1) {
                    return rate;
                }
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private interface Step {
        void run(int i);
    }

    private static double run(Duration each, Step step) {
        long deadline = System.nanoTime() + each.toNanos();
        long t0 = System.nanoTime();
        int i = 0;
        while (System.nanoTime() < deadline) {
            step.run(i++);
        }
        return i / ((System.nanoTime() - t0) / 1e9);
    }
}
