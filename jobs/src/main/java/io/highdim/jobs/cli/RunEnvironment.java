package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.spec.PassSpec;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;

/**
 * Where a pipeline run executes, and what it lends the run: {@link OwnProcessEnvironment} (the launcher's JVM, which
 * starts Spark and the catalogue for the run and stops them after it) or {@link HostedEnvironment} (inside
 * {@code serve --runs}, whose catalogue and Spark outlive the run). Closing it ends what it holds for the run.
 */
interface RunEnvironment extends AutoCloseable {
    /** The catalogue, still starting or open. */
    CompletableFuture<CatalogueDatabase> catalogue();

    /** Hadoop settings for listing and fingerprints (the plan needs no Spark). */
    Configuration hadoop();

    /** Spark for the pass, started now if it has not started yet; called on the run's thread. */
    CompletableFuture<SparkContext> spark();

    /** The run's Spark if it has started, else null: what a stop of the JVM stops ({@link RunStop}). */
    SparkContext sparkIfStarted();

    /** Where the per-image lines go. */
    PrintStream out();

    /** The run of {@code spec} ran to its end (a rerun of it may be planned before Spark starts). */
    void ranToItsEnd(PassSpec spec);

    @Override
    void close();
}
