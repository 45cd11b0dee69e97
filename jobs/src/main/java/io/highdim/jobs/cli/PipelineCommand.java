package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.CatalogueWriter;
import io.highdim.jobs.catalogue.CommitQueue;
import io.highdim.jobs.catalogue.RunLedger;
import io.highdim.jobs.catalogue.RunSummary;
import io.highdim.jobs.compute.PassProbe;
import io.highdim.jobs.incremental.Decision;
import io.highdim.jobs.incremental.InputPlan;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.input.SourceFingerprints;
import io.highdim.jobs.spark.ImagePass;
import io.highdim.jobs.spark.ScorePass;
import io.highdim.jobs.spark.SparkContexts;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.jobs.spec.SliceSpec;
import io.highdim.model.ImageOutcome;
import io.highdim.model.Part;
import io.highdim.model.RunStatus;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;

/**
 * What every pipeline subcommand does: list the inputs and decide, against the catalogue, which files to read (new,
 * changed, other options) and which to leave (unchanged, or claimed by another live run); run the image pass on the
 * files to read; replace each image's rows in the catalogue as soon as the image is complete (one transaction per
 * commit, so an image's rows are always whole); print one JSON line per image. Exit codes: see {@link HighdimCommand}.
 */
abstract class PipelineCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineCommand.class);

    @Mixin InputOptions input;
    @Mixin CatalogueOptions catalogue;
    @Mixin IncrementalOptions incremental;

    /** Set when a running {@code serve --runs} executes this command (its database and Spark); null: the CLI's own. */
    private Hosted hosted;

    void hostedBy(Hosted host) {
        this.hosted = host;
    }

    /** Watches the pass's pixel work: {@link PassProbe#NONE} but in tests that inject faults. */
    private PassProbe probe = PassProbe.NONE;

    void probedBy(PassProbe probe) {
        this.probe = probe;
    }

    /** The subcommand's name, as runs.command records it. */
    abstract String name();

    /** What the pass computes besides the plane index. */
    abstract Set<Part> parts();

    /** The validated options of this run. */
    final PassSpec spec() {
        return new PassSpec(name(), input.inputs(), parts(), input.axes, input.maxPlaneBytes, components(),
                partitionBytes(), slices(), scoresOutput());
    }

    /** Where --scores writes, or null: no scores. */
    String scoresOutput() { return null; }

    /** Subcommands with PCA options override these three; the others run with the options' defaults. */
    int components() { return PcaOptions.DEFAULT_COMPONENTS; }

    long partitionBytes() { return PartitionOptions.DEFAULT_BYTES; }

    /** Null: no slices. */
    SliceSpec slices() { return null; }

    @Override
    public Integer call() throws Exception {
        PassSpec spec = spec();
        if (incremental.dryRun) return dryRun(spec);
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        String runId = CatalogueWriter.newRunId(name(), startedAt);
        // Spark and the embedded database each take seconds to start: both start now, side by side, unless the same
        // command ran to its end before (a rerun over an archive): then Spark starts once the plan finds files to
        // read. An external database is checked first, so a wrong URL or password fails before any work.
        CompletableFuture<CatalogueDatabase> database = hosted != null
                ? CompletableFuture.completedFuture(hosted.database())
                : catalogue.isExternal() ? CompletableFuture.completedFuture(catalogue.open())
                : CompletableFuture.supplyAsync(catalogue::openUnchecked);
        SparkStart spark = new SparkStart("highdim " + name(), hosted);
        RunStop stop = new RunStop(spark::ifStarted);
        if (hosted != null || incremental.force
                || !RerunHint.ranBefore(spec, catalogue, catalogue.isExternal() ? database.join() : null)) {
            spark.start();
        }
        RunLedger ledger = null;
        Map<String, Double> stages = new LinkedHashMap<>();
        // what the report needs of each image, not its results: the driver holds per-image results only until committed
        List<RunReport.Line> outcomes = Collections.synchronizedList(new ArrayList<>());
        InputPlan plan = null;
        CommitQueue commits = null;
        long pixelBytes = 0;
        try {
            // the plan needs the database, not Spark: it is made while Spark starts, and a run with nothing to read
            // (every file unchanged) never waits for Spark
            long tPlan = System.nanoTime();
            Configuration hadoop = planConfiguration(hosted);
            InputListing.Listing listing = InputListing.list(spec.inputs(), hadoop);
            stages.put("listing", seconds(tPlan));
            long tFingerprints = System.nanoTime();
            var fingerprints = SourceFingerprints.of(listing, hadoop);
            stages.put("fingerprints", seconds(tFingerprints));
            CatalogueDatabase db = started(database);
            // the lease and the claims come before reading what the catalogue holds: a file another run commits
            // meanwhile is then either still claimed (left to it) or committed (unchanged), never read twice
            ledger = RunLedger.open(db, runId, name());
            List<String> uris = listing.files().stream().map(InputListing.ListedFile::uri).toList();
            Map<String, String> claimed = ledger.claim(uris);
            plan = InputPlan.of(spec, listing, fingerprints, ledger.stored(uris), claimed, incremental.force);
            stages.put("plan", seconds(tPlan));
            logPlan(plan, stages);
            InputPlan decided = plan;
            stop.check(); // stopped while listing or deciding: no pass
            commits = new CommitQueue(database, runId, name(), spec.inputs(), spec, startedAt,
                    catalogue.commitRetry(), decided::provenance);
            CommitQueue queue = commits;
            long tPass = System.nanoTime();
            Consumer<ImageOutcome> sink = outcome -> {
                stop.check(); // thrown on Spark's scheduler thread: fails the job, and so the pass
                queue.accept(outcome);
                outcomes.add(RunReport.Line.of(outcome));
            };
            try {
                InputListing.Listing toRead = plan.toRead();
                if (toRead.files().isEmpty()) {
                    toRead.unreadable().forEach(sink);
                } else {
                    JavaSparkContext sc = JavaSparkContext.fromSparkContext(started(spark.start()));
                    stop.check(); // stopped while Spark started
                    if (spec.scoresOutput() == null) {
                        pixelBytes = ImagePass.run(sc, spec, toRead, sink, probe);
                    } else { // images with a PCA reach the catalogue once their scores are written
                        ScorePass scores = new ScorePass(sc, spec, sink);
                        try {
                            pixelBytes = ImagePass.run(sc, spec, toRead, scores::accept, probe);
                        } finally {
                            scores.finish(); // its failure, if any, is the run's: it names the image
                        }
                    }
                }
            } catch (Exception | Error e) {
                stages.put("pixels", seconds(tPass));
                Throwable failure = stop.explain(e); // a stop shows as cancelled jobs: said as the stop
                commits.abort(failure);
                reportCommitted(commits, outcomes, plan, failure);
                if (failure instanceof RunStoppedException stopped) throw stopped;
                throw e;
            }
            stages.put("pixels", seconds(tPass));
            long tCommit = System.nanoTime();
            commits.finish(RunStatus.SUCCEEDED);
            stages.put("commit_tail", seconds(tCommit));
            stages.put("total", seconds(t0));
            RunSummary summary = summary(plan, outcomes, false, pixelBytes, stages);
            recordSummary(db, runId, summary);
            if (hosted == null) RerunHint.record(spec, catalogue);
            new RunReport(out()).print(outcomes, plan.leftAlone());
            LOG.info("run {}: {} ok, {} rejected, {} unchanged, {} skipped (another run's); {} MB of pixels read",
                    runId, summary.ok(), summary.rejected(), summary.unchanged(), summary.skipped(),
                    pixelBytes / 1_000_000);
            return summary.rejected() > 0 ? HighdimCommand.EXIT_REJECTED : HighdimCommand.EXIT_OK;
        } catch (Exception | Error e) {
            Throwable failure = stop.explain(e);
            if (commits == null && ledger != null) recordFailure(database.join(), runId, failure);
            if (plan != null && database.isDone() && !database.isCompletedExceptionally()) {
                stages.put("total", seconds(t0));
                recordSummary(database.join(), runId, summary(plan, outcomes, true, pixelBytes, stages));
            }
            if (failure instanceof RunStoppedException stopped) throw stopped;
            throw e;
        } finally {
            if (ledger != null) ledger.close();
            // both take a moment to stop: side by side
            CompletableFuture<SparkContext> started = spark.ownStarted();
            CompletableFuture<Void> sparkStopped = started != null
                    ? started.handle((session, error) -> session).thenAcceptAsync(s -> { if (s != null) s.stop(); })
                    : CompletableFuture.completedFuture(null);
            if (hosted == null) database.thenAccept(CatalogueDatabase::close).exceptionally(error -> null).join();
            sparkStopped.join();
            stop.close();
        }
    }

    /**
     * A failed run's images committed before the failure stay committed: their lines are printed as a run's would be,
     * so a user (or a script reading stdout) knows which; nothing if the catalogue itself failed (then none is sure).
     */
    private void reportCommitted(CommitQueue commits, List<RunReport.Line> outcomes, InputPlan plan, Throwable failure) {
        if (!commits.committedAll()) return;
        try {
            new RunReport(out()).print(outcomes, plan.leftAlone());
        } catch (Exception | Error e) {
            failure.addSuppressed(e);
        }
    }

    /** Lists and decides, prints one line per file, reads no pixel, starts no Spark, writes nothing. */
    private int dryRun(PassSpec spec) throws Exception {
        Configuration conf = planConfiguration(hosted);
        InputListing.Listing listing = InputListing.list(spec.inputs(), conf);
        var fingerprints = SourceFingerprints.of(listing, conf);
        List<String> uris = listing.files().stream().map(InputListing.ListedFile::uri).toList();
        CatalogueDatabase db = hosted != null ? hosted.database() : catalogue.open();
        try {
            InputPlan plan = InputPlan.of(spec, listing, fingerprints, RunLedger.stored(db, uris),
                    RunLedger.claims(db, uris), incremental.force);
            new RunReport(out()).printDryRun(plan);
        } finally {
            if (hosted == null) db.close();
        }
        return HighdimCommand.EXIT_OK;
    }

    /** Where the per-image lines go: stdout, or a hosted run's client. */
    private PrintStream out() {
        return hosted != null ? hosted.out() : System.out;
    }

    /** The session this JVM had before the run (tests, notebooks), if any. */
    private static Optional<SparkSession> existingSession() {
        if (Boolean.getBoolean(HighdimCommand.OWN_JVM)) return Optional.empty();
        scala.Option<SparkSession> session = SparkSession.getDefaultSession();
        return session.isDefined() ? Optional.of(session.get()) : Optional.empty();
    }

    /** Hadoop settings for listing and fingerprints: an existing session's (set at run time), else Spark's own. */
    private static Configuration planConfiguration(Hosted hosted) {
        if (hosted != null) return hosted.hadoop();
        return existingSession().map(s -> s.sparkContext().hadoopConfiguration())
                .orElseGet(SparkContexts::hadoopConfiguration);
    }

    private static void logPlan(InputPlan plan, Map<String, Double> stages) {
        LOG.info("inputs: {} files: {} new, {} changed, {} with other options, {} forced, {} unchanged, {} claimed "
                        + "by other runs; {} not found (listed in {} s, fingerprinted in {} s, decided in {} s)",
                plan.decisions().size(), plan.count(Decision.Why.NEW),
                plan.count(Decision.Why.CHANGED), plan.count(Decision.Why.OPTIONS_CHANGED),
                plan.count(Decision.Why.FORCED), plan.count(Decision.Why.UNCHANGED), plan.count(Decision.Why.CLAIMED),
                plan.listing().unreadable().size(), stages.get("listing"), stages.get("fingerprints"),
                stages.get("plan"));
    }

    private static RunSummary summary(InputPlan plan, List<RunReport.Line> outcomes, boolean failed,
                                      long pixelBytes, Map<String, Double> stages) {
        List<RunReport.Line> done;
        synchronized (outcomes) {
            done = new ArrayList<>(outcomes);
        }
        int ok = (int) done.stream().filter(o -> !o.rejected()).count();
        int unchanged = 0, skipped = 0;
        for (Decision d : plan.leftAlone()) {
            if (d.why() == Decision.Why.UNCHANGED) unchanged += d.imageIds().size();
            else skipped++;
        }
        int unfinished = 0;
        if (failed) { // files to read of which no image was reported
            Set<String> reported = new HashSet<>();
            for (RunReport.Line o : done) reported.add(o.uri());
            unfinished = (int) plan.toRead().files().stream().filter(f -> !reported.contains(f.uri())).count();
        }
        return new RunSummary(ok, done.size() - ok, unchanged, skipped, unfinished, pixelBytes, stages);
    }

    private static void recordSummary(CatalogueDatabase db, String runId, RunSummary summary) {
        try {
            new CatalogueWriter(db).recordSummary(runId, summary);
        } catch (RuntimeException e) {
            LOG.warn("could not record the counts of run {}: {}", runId, e.getMessage());
        }
    }

    /** A run that failed before its commit queue existed (which records its end otherwise). */
    private static void recordFailure(CatalogueDatabase db, String runId, Throwable failure) {
        try {
            new CatalogueWriter(db).finishRun(runId, RunStatus.FAILED, CommitQueue.reason(failure));
        } catch (RuntimeException e) {
            LOG.warn("could not record the failure of run {}: {}", runId, e.getMessage());
        }
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e6) / 1e3;
    }

    /**
     * Spark's session, started at once or when the pass first needs it. A session that exists already (tests,
     * notebooks) is used and left running; asking for it loads Spark SQL, so that is asked only on start.
     */
    private static final class SparkStart {
        private final String appName;
        private final Hosted hosted;
        private CompletableFuture<SparkContext> starting;
        private boolean own;

        SparkStart(String appName, Hosted hosted) {
            this.appName = appName;
            this.hosted = hosted;
        }

        synchronized CompletableFuture<SparkContext> start() {
            if (starting == null && hosted != null) {
                starting = hosted.spark(); // the host's, started with it and left running
            } else if (starting == null) {
                own = existingSession().isEmpty();
                starting = CompletableFuture.supplyAsync(() -> SparkContexts.create(appName));
            }
            return starting;
        }

        /** The run's Spark (its own or the host's) if it has started, else null. */
        synchronized SparkContext ifStarted() {
            return starting != null && starting.isDone() && !starting.isCompletedExceptionally() ? starting.join()
                    : null;
        }

        /** The session this run started (and stops), or null. */
        synchronized CompletableFuture<SparkContext> ownStarted() {
            return own ? starting : null;
        }
    }

    private static <T> T started(CompletableFuture<T> starting) throws Exception {
        try {
            return starting.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
