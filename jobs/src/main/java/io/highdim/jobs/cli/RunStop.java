package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.ShutdownOrder;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.SparkContext;

/**
 * A run's end when its JVM is asked to stop while it runs (SIGTERM, SIGINT or SIGHUP, which the launcher passes on,
 * or an exit): a shutdown hook that runs before Spark's own stops Spark and before the embedded database's stops
 * PostgreSQL (see {@link ShutdownOrder}). It stops the run's Spark, which fails its jobs, and waits, a bounded while,
 * for the run to close itself: the images committed stay, those queued are committed, and the runs row ends failed
 * with {@link #REASON}.
 */
final class RunStop implements AutoCloseable {
    static final String REASON = "stopped: the process was asked to stop (SIGTERM, SIGINT or SIGHUP) during the run";

    /** Within the 10 s supervisors commonly wait between TERM and KILL, with time left to stop Spark and PostgreSQL. */
    private static final long CLOSE_WAIT_MILLIS = 6_000;

    private final Supplier<SparkContext> spark;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Runnable hook = this::stopping;
    private volatile boolean requested;

    /** @param spark the run's Spark once started, else null */
    RunStop(Supplier<SparkContext> spark) {
        this.spark = spark;
        ShutdownHookManager.get().addShutdownHook(hook, ShutdownOrder.RUNS, CLOSE_WAIT_MILLIS + 1_000,
                TimeUnit.MILLISECONDS);
    }

    /** Whether the JVM is stopping: the run must end now, failed. */
    boolean requested() {
        return requested;
    }

    /** Throws {@link RunStoppedException} if the JVM is stopping (between a run's stages). */
    void check() {
        if (requested) throw new RunStoppedException(REASON, null);
    }

    /** {@code failure}, or if the JVM is stopping the stop itself (the failure is how it showed, as its cause). */
    Throwable explain(Throwable failure) {
        return requested && !(failure instanceof RunStoppedException) ? new RunStoppedException(REASON, failure)
                : failure;
    }

    private void stopping() {
        requested = true;
        try {
            // its jobs fail at once ("SparkContext was shut down"), as Spark's own hook would make them, but while
            // the catalogue still runs; SparkContext.cancelAllJobs from here left a pass running (Spark 3.5.9)
            SparkContext sc = spark.get();
            if (sc != null) sc.stop();
        } catch (RuntimeException e) {
            // stopping already: the run ends all the same
        }
        try {
            closed.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The run is closed (its row written, its Spark and database stopped): the hook, if running, may return. */
    @Override
    public void close() {
        closed.countDown();
        try {
            ShutdownHookManager.get().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is stopping: the hook is running, and returns now
        }
    }
}
