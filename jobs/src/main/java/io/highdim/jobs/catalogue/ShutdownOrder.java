package io.highdim.jobs.catalogue;

import org.apache.hadoop.fs.FileSystem;

/**
 * The order in which highdim's shutdown hooks run when the JVM stops (a signal, or an exit), as priorities of
 * Hadoop's {@link org.apache.hadoop.util.ShutdownHookManager}, which runs its hooks one after another, highest first
 * (plain JVM hooks run all at once, in no order): running runs close first, while Spark (its hook: FileSystem's
 * priority + 30) and the catalogue still work; the embedded PostgreSQL stops last, after Spark and Hadoop's
 * filesystems (FileSystem's priority).
 */
public final class ShutdownOrder {
    /** {@code serve}'s HTTP server: stops taking requests before anything it uses goes. */
    public static final int SERVICE = FileSystem.SHUTDOWN_HOOK_PRIORITY + 50;
    /** A running run: cancel its Spark jobs, commit what is queued, record it failed. */
    public static final int RUNS = FileSystem.SHUTDOWN_HOOK_PRIORITY + 40;
    /** What {@code serve} holds (its runs' Spark, the catalogue), closed once its runs have closed. */
    public static final int SERVICE_RESOURCES = FileSystem.SHUTDOWN_HOOK_PRIORITY - 4;
    /** The embedded PostgreSQL: stopped once nothing needs it. */
    public static final int DATABASE = FileSystem.SHUTDOWN_HOOK_PRIORITY - 5;
    /** After all of highdim's: what is left of the JVM's exit is its own (e.g. writing a class-data archive). */
    public static final int LAST = 0;

    private ShutdownOrder() {}
}
