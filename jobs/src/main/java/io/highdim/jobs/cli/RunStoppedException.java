package io.highdim.jobs.cli;

/** A run ended because its JVM is stopping (see {@link RunStop}): the user's situation, said in one line. */
public final class RunStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunStoppedException(String message, Throwable cause) {
        super(message, cause);
    }
}
