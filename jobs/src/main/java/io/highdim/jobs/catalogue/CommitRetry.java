package io.highdim.jobs.catalogue;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long commits to the catalogue are retried while the database is unreachable: for at most {@code window} from
 * the first failure of an outage, waiting {@code firstBackoff}, then twice as long each time up to
 * {@code maxBackoff} (with a little jitter, so several runs do not knock on a restarted server together). A zero
 * window retries nothing. Only errors of the connection or the server's availability are retried; see
 * {@link #isTransient(Throwable)}.
 */
public record CommitRetry(Duration window, Duration firstBackoff, Duration maxBackoff) {
    /** Long enough for a server restart or a fail-over; a run that waits longer should rather be rerun. */
    public static final long DEFAULT_WINDOW_SECONDS = 120;
    public static final CommitRetry DEFAULT = ofSeconds(DEFAULT_WINDOW_SECONDS);
    /** Fail at the first error. */
    public static final CommitRetry NONE = ofSeconds(0);

    /** SQLStates worth retrying besides class 08 (connection exception): admin/crash shutdown, cannot connect now,
     * serialization failure, deadlock. */
    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "40001", "40P01");

    public CommitRetry {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (window.isNegative() || firstBackoff.isNegative() || firstBackoff.isZero()
                || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("commit retry: window >= 0, 0 < firstBackoff <= maxBackoff, not "
                    + window + ", " + firstBackoff + ", " + maxBackoff);
        }
    }

    /** A window of {@code seconds} (0: no retry) with the default backoff: 0.5 s doubling up to 10 s. */
    public static CommitRetry ofSeconds(long seconds) {
        return new CommitRetry(Duration.ofSeconds(seconds), Duration.ofMillis(500), Duration.ofSeconds(10));
    }

    /** The wait after failed attempt {@code attempt} (1, 2, ...): the backoff doubled per attempt, capped, ±10 %. */
    public Duration backoff(int attempt) {
        long first = firstBackoff.toMillis(), max = maxBackoff.toMillis();
        long millis = attempt >= 31 ? max : Math.min(max, first << Math.max(0, attempt - 1));
        double jitter = 0.9 + 0.2 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.max(1, Math.round(millis * jitter)));
    }

    /**
     * True for an error of the database's connection or availability, which a later attempt may not meet: a
     * connection refused, reset or closed (SQLState class 08, or a socket error in the causes), the server shutting
     * down or starting up (57P01..57P03), a serialization failure or deadlock (40001, 40P01). False for everything
     * else, e.g. a rejected argument, a constraint violation (23xxx) or bad SQL (42xxx): those are bugs, and a
     * retry would only hide them for the length of the window.
     */
    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException() == s ? null : s.getNextException()) {
                    String state = s.getSQLState();
                    if (state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state))) return true;
                }
            }
            if (t instanceof ConnectException || t instanceof SocketException || t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }
}
