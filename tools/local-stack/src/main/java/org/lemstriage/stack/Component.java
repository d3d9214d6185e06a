package org.lemstriage.stack;

/** One part of the local stack: how it starts, when it is ready, where it answers. */
public interface Component {
    String name();

    /** What must be in place before its process starts (a broker's storage formatted, a realm to import). */
    default void prepare() {
    }

    Launch launch();

    /** Ready, judged on this start's log from byte {@code logFrom}. */
    Readiness readiness(long logFrom);

    /** What must follow once it is ready (the broker's topics). */
    default void afterReady() {
    }

    /** What {@code up} says once it is ready. */
    default String readyLine(Readiness readiness) {
        return readiness.what();
    }

    /** Whether its readiness is an answer over HTTP (else: it listens, which {@code status} says). */
    default boolean answersHttp() {
        return true;
    }
}
