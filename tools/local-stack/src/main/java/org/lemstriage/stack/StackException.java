package org.lemstriage.stack;

/** Something the stack cannot do, said to its user in one line (the command exits 1 with it). */
public final class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
