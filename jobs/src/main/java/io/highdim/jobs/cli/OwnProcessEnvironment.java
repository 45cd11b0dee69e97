package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.spark.SparkContexts;
import io.highdim.jobs.spec.PassSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A run in a process of its own (the launcher's JVM, or a test's): it opens the catalogue named by its options and
 * starts Spark, and stops both when it closes. A Spark session the JVM had before the run (tests, notebooks) is used
 * and left running; asking for it loads Spark SQL, so that is asked only when Spark starts.
 */
final class OwnProcessEnvironment implements RunEnvironment {
    private final String appName;
    private final CatalogueOptions options;
    private final CompletableFuture<CatalogueDatabase> catalogue;
    private CompletableFuture<SparkContext> spark;
    private boolean ownSpark;

    private OwnProcessEnvironment(String appName, CatalogueOptions options,
                                  CompletableFuture<CatalogueDatabase> catalogue) {
        this.appName = appName;
        this.options = options;
        this.catalogue = catalogue;
    }

    /**
     * Starts the catalogue and Spark for a run of {@code spec}. Each takes seconds to start: both start now, side by
     * side, unless the same command ran to its end before (a rerun over an archive): then Spark starts once the plan
     * finds files to read. An external database is checked first, so a wrong URL or password fails before any work.
     */
    static OwnProcessEnvironment start(String appName, CatalogueOptions options, PassSpec spec, boolean force)
            throws IOException {
        CompletableFuture<CatalogueDatabase> catalogue = options.isExternal()
                ? CompletableFuture.completedFuture(options.open())
                : CompletableFuture.supplyAsync(options::openUnchecked);
        OwnProcessEnvironment environment = new OwnProcessEnvironment(appName, options, catalogue);
        if (force || !RerunHint.ranBefore(spec, options, options.isExternal() ? catalogue.join() : null)) {
            environment.spark();
        }
        return environment;
    }

    /** The catalogue opened at once, and no Spark (a dry run). */
    static OwnProcessEnvironment withoutSpark(CatalogueOptions options) throws IOException {
        return new OwnProcessEnvironment(null, options, CompletableFuture.completedFuture(options.open()));
    }

    @Override
    public CompletableFuture<CatalogueDatabase> catalogue() {
        return catalogue;
    }

    /** An existing session's settings (set at run time), else Spark's own. */
    @Override
    public Configuration hadoop() {
        return existingSession().map(s -> s.sparkContext().hadoopConfiguration())
                .orElseGet(SparkContexts::hadoopConfiguration);
    }

    @Override
    public synchronized CompletableFuture<SparkContext> spark() {
        if (spark == null) {
            if (appName == null) throw new IllegalStateException("this run starts no Spark");
            ownSpark = existingSession().isEmpty();
            spark = CompletableFuture.supplyAsync(() -> SparkContexts.create(appName));
        }
        return spark;
    }

    @Override
    public synchronized SparkContext sparkIfStarted() {
        return spark != null && spark.isDone() && !spark.isCompletedExceptionally() ? spark.join() : null;
    }

    @Override
    public PrintStream out() {
        return System.out;
    }

    @Override
    public void ranToItsEnd(PassSpec spec) {
        RerunHint.record(spec, options);
    }

    /** Stops the Spark this run started and closes the catalogue: both take a moment, so side by side. */
    @Override
    public void close() {
        CompletableFuture<SparkContext> started;
        synchronized (this) {
            started = ownSpark ? spark : null;
        }
        CompletableFuture<Void> sparkStopped = started != null
                ? started.handle((sc, error) -> sc).thenAcceptAsync(sc -> { if (sc != null) sc.stop(); })
                : CompletableFuture.completedFuture(null);
        catalogue.thenAccept(CatalogueDatabase::close).exceptionally(error -> null).join();
        sparkStopped.join();
    }

    /** The session this JVM had before the run (tests, notebooks), if any. */
    private static Optional<SparkSession> existingSession() {
        if (Boolean.getBoolean(HighdimCommand.OWN_JVM)) return Optional.empty();
        scala.Option<SparkSession> session = SparkSession.getDefaultSession();
        return session.isDefined() ? Optional.of(session.get()) : Optional.empty();
    }
}
