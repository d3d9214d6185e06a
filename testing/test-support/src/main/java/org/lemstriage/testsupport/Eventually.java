package org.lemstriage.testsupport;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls something asynchronous (a Task in the EHR, a record on a topic) until it holds or the time is up. */
public final class Eventually {
    private Eventually() {
    }

    /** The first value read that satisfies {@code done}; an AssertionError naming the last value after {@code timeout}. */
    public static <T> T await(Supplier<T> read, Predicate<T> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = read.get();
        }
        if (!done.test(value)) {
            throw new AssertionError("not reached within " + timeout.toSeconds() + " s; last value: " + value);
        }
        return value;
    }
}
