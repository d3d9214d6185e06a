package org.lemstriage.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** A closed-loop load: each sender sends, waits for the answer, sends again, until the time is up. */
final class ClosedLoop {
    /** One sender's connection; {@link #send()} is one request, true when it was accepted. */
    interface Sender extends AutoCloseable {
        boolean send() throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    private ClosedLoop() {
    }

    /** Accepted requests per second for {@code duration} from {@code senders} threads; fails if any was refused. */
    static double acceptedPerSecond(int senders, Duration duration, Callable<Sender> open, String what) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long t0 = System.nanoTime();
        long deadline = t0 + duration.toNanos();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < senders; c++) {
            workers.add(pool.submit(() -> {
                try (Sender sender = open.call()) {
                    while (System.nanoTime() < deadline) {
                        (sender.send() ? accepted : refused).incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        if (refused.get() > 0) {
            throw new IllegalStateException(refused.get() + " " + what + " refused during the throughput run");
        }
        return accepted.get() / seconds;
    }
}
