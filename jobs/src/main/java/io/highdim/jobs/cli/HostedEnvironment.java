package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.spec.PassSpec;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;

/**
 * A run inside a running {@code serve --runs}: the server's open catalogue, its Spark (started with the server and
 * left running), its Hadoop settings and the client's output stream. The run's Spark jobs carry the request's job
 * group, so {@link HostedRuns#cancel} cancels them; closing clears the group and stops nothing.
 */
final class HostedEnvironment implements RunEnvironment {
    private final CatalogueDatabase database;
    private final CompletableFuture<SparkContext> spark;
    private final Configuration hadoop;
    private final PrintStream out;
    private final String jobGroup;
    private final String description;
    private SparkContext grouped;

    HostedEnvironment(CatalogueDatabase database, CompletableFuture<SparkContext> spark, Configuration hadoop,
                      PrintStream out, String jobGroup, String description) {
        this.database = database;
        this.spark = spark;
        this.hadoop = hadoop;
        this.out = out;
        this.jobGroup = jobGroup;
        this.description = description;
    }

    @Override
    public CompletableFuture<CatalogueDatabase> catalogue() {
        return CompletableFuture.completedFuture(database);
    }

    @Override
    public Configuration hadoop() {
        return hadoop;
    }

    /** The server's Spark, up by now; the job group is a property of the calling thread (the request's). */
    @Override
    public synchronized CompletableFuture<SparkContext> spark() {
        if (grouped == null) {
            grouped = spark.join();
            grouped.setJobGroup(jobGroup, description, true);
        }
        return spark;
    }

    @Override
    public SparkContext sparkIfStarted() {
        return spark.isDone() && !spark.isCompletedExceptionally() ? spark.join() : null;
    }

    @Override
    public PrintStream out() {
        return out;
    }

    /** The server's catalogue is up before Spark is needed: no hint to keep. */
    @Override
    public void ranToItsEnd(PassSpec spec) {}

    /** The request's thread serves other requests next: its job group goes. */
    @Override
    public synchronized void close() {
        if (grouped != null) grouped.clearJobGroup();
    }
}
