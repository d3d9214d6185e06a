package org.lemstriage.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A closed-loop load: each sender sends, waits for the answer, sends again, until the time is up. */
final class ClosedLoop {
    /** One sender's connection; {@link #send()} is one request, true when it was accepted. */
    interface Sender extends AutoCloseable {
        boolean send() throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** What a run did: requests accepted, over how long, and each one's time to its answer (microseconds). */
    record Run(long accepted, double seconds, Histogram latencyUs) {
        double perSecond() {
            return accepted / seconds;
        }
    }

    private ClosedLoop() {
    }

    /** {@code senders} threads sending for {@code duration}; fails if any request was refused. */
    static Run run(int senders, Duration duration, Callable<Sender> open, String what) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        long t0 = System.nanoTime();
        long deadline = t0 + duration.toNanos();
        List<Future<long[]>> workers = new ArrayList<>();
        List<Histogram> latencies = new ArrayList<>();
        for (int c = 0; c < senders; c++) {
            Histogram latency = new Histogram(3); // one per sender: no sharing between threads while measuring
            latencies.add(latency);
            workers.add(pool.submit(() -> {
                long accepted = 0;
                long refused = 0;
                try (Sender sender = open.call()) {
                    long now = System.nanoTime();
                    while (now < deadline) {
                        boolean ok = sender.send();
                        long after = System.nanoTime();
                        latency.recordValue((after - now) / 1000);
                        now = after;
                        if (ok) {
                            accepted++;
                        } else {
                            refused++;
                        }
                    }
                }
                return new long[]{accepted, refused};
            }));
        }
        long accepted = 0;
        long refused = 0;
        for (Future<long[]> w : workers) {
            long[] counts = w.get();
            accepted += counts[0];
            refused += counts[1];
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        if (refused > 0) {
            throw new IllegalStateException(refused + " " + what + " refused during the throughput run");
        }
        Histogram all = new Histogram(3);
        latencies.forEach(all::add);
        return new Run(accepted, seconds, all);
    }
}
