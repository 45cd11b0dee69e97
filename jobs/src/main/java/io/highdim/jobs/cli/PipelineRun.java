package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.CommitQueue;
import io.highdim.jobs.catalogue.CommitRetry;
import io.highdim.jobs.catalogue.Run;
import io.highdim.jobs.catalogue.RunSummary;
import io.highdim.jobs.compute.OutcomeSink;
import io.highdim.jobs.compute.PassProbe;
import io.highdim.jobs.incremental.Decision;
import io.highdim.jobs.incremental.InputPlan;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.input.SourceFingerprints;
import io.highdim.jobs.spark.ImagePass;
import io.highdim.jobs.spark.ScorePass;
import io.highdim.jobs.spark.SegmentPass;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.model.ImageOutcome;
import io.highdim.model.RunStatus;
import io.highdim.model.SourceFingerprint;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a pipeline command, step by step: list and fingerprint the inputs; open the run in the catalogue (its
 * lease, its claims) and decide which files to read; read them in the image pass, each image committed as soon as it
 * is complete; record the run's end with its summary and print one line per image. A failure (or a stop of the JVM,
 * see {@link RunStop}) ends the run failed with its reason; the images committed before it stay committed.
 */
final class PipelineRun {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRun.class);

    private final PassSpec spec;
    private final boolean force;
    private final CommitRetry retry;
    private final RunEnvironment environment;
    private final RunStop stop;
    private final PassProbe probe;
    private final Instant startedAt = Instant.now();
    private final long started = System.nanoTime();
    private final String runId;
    private final RunTally tally = new RunTally();
    private InputListing.Listing listing;
    private CompletableFuture<Map<String, SourceFingerprint>> fingerprinting;
    private volatile double fingerprintSeconds;
    private Map<String, SourceFingerprint> fingerprints;
    private Run run;
    private InputPlan plan;
    private CommitQueue commits;
    /** The run's end is in the catalogue: a later failure (printing the report) leaves it as recorded. */
    private boolean ended;

    PipelineRun(PassSpec spec, boolean force, CommitRetry retry, RunEnvironment environment, RunStop stop,
                PassProbe probe) {
        this.probe = probe;
        this.spec = spec;
        this.force = force;
        this.retry = retry;
        this.environment = environment;
        this.stop = stop;
        this.runId = Run.newId(spec.command(), startedAt);
    }

    /** Runs the steps; the exit code, or the run's failure. */
    int execute() throws Exception {
        try {
            // the plan needs the database, not Spark: it is made while Spark starts, and a run with nothing to read
            // (every file unchanged) never waits for Spark
            long planning = System.nanoTime();
            listInputs();
            openRun();
            long deciding = System.nanoTime();
            decide();
            tally.stage("decisions", deciding);
            tally.stage("plan", planning);
            logPlan();
            stop.check(); // stopped while listing or deciding: no pass
            commits = new CommitQueue(run, retry, plan::provenance);
            readPixels();
            return succeed();
        } catch (Exception | Error e) {
            throw fail(e);
        } finally {
            if (run != null) run.close();
        }
    }

    /** Lists the inputs, and starts reading their fingerprints: that goes on while the catalogue is read. */
    private void listInputs() {
        Configuration hadoop = environment.hadoop();
        long t0 = System.nanoTime();
        listing = InputListing.list(spec.inputs(), hadoop);
        tally.stage("listing", t0);
        InputListing.Listing listed = listing;
        fingerprinting = CompletableFuture.supplyAsync(() -> {
            long t1 = System.nanoTime();
            Map<String, SourceFingerprint> found = SourceFingerprints.of(listed, hadoop);
            fingerprintSeconds = Math.round((System.nanoTime() - t1) / 1e6) / 1e3;
            return found;
        }, task -> {
            Thread t = new Thread(task, "highdim-fingerprints-start");
            t.setDaemon(true);
            t.start();
        });
    }

    /** The run's lease and row. */
    private void openRun() throws Exception {
        run = Run.open(started(environment.catalogue()), runId, spec.command(), spec.inputs(), spec, startedAt);
    }

    /**
     * What the catalogue holds decides first; then the files to read are claimed and what the catalogue holds for them
     * is read again: one another run committed meanwhile is then unchanged, and one it still reads is claimed (left
     * to it), never read twice. An unchanged file is not claimed (a rerun of an archive inserts no claims), only
     * checked for another run's.
     */
    private void decide() throws Exception {
        List<String> uris = listing.files().stream().map(InputListing.ListedFile::uri).toList();
        Map<String, List<Run.StoredImage>> stored = new HashMap<>(run.stored(uris));
        fingerprints = started(fingerprinting);
        tally.seconds("fingerprints", fingerprintSeconds);
        InputPlan first = InputPlan.of(spec, listing, fingerprints, stored, Map.of(), force);
        List<String> toRead = first.toRead().files().stream().map(InputListing.ListedFile::uri).toList();
        Set<String> reads = new HashSet<>(toRead);
        List<String> unchanged = uris.stream().filter(u -> !reads.contains(u)).toList();
        Map<String, String> claimed = new HashMap<>();
        if (!unchanged.isEmpty()) claimed.putAll(run.heldByOthers(unchanged));
        if (!toRead.isEmpty()) {
            claimed.putAll(run.claim(toRead));
            stored.keySet().removeAll(reads);
            stored.putAll(run.stored(toRead));
        }
        plan = first.redecided(listing.files().stream()
                .filter(f -> reads.contains(f.uri()) || claimed.containsKey(f.uri())).toList(), stored, claimed, force);
    }

    /** The pass over the files to read; on its failure, the images committed are kept and reported. */
    private void readPixels() throws Exception {
        long t0 = System.nanoTime();
        Consumer<ImageOutcome> sink = outcome -> {
            stop.check(); // thrown on Spark's scheduler thread: fails the job, and so the pass
            commits.accept(outcome);
            tally.add(ImageStatusLines.Line.of(outcome));
        };
        try {
            pass(sink);
        } catch (Exception | Error e) {
            tally.stage("pixels", t0);
            Throwable failure = stop.explain(e); // a stop shows as cancelled jobs: said as the stop
            commits.abort(failure);
            reportCommitted(failure);
            if (failure instanceof RunStoppedException stopped) throw stopped;
            throw e;
        }
        tally.stage("pixels", t0);
    }

    private void pass(Consumer<ImageOutcome> sink) throws Exception {
        InputListing.Listing toRead = plan.toRead();
        if (toRead.files().isEmpty()) {
            toRead.unreadable().forEach(sink);
            return;
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(started(environment.spark()));
        stop.check(); // stopped while Spark started
        // each later pass holds an image back until its part is done: pixels → segmentation → scores → catalogue
        ScorePass scores = spec.scoresOutput() == null ? null : new ScorePass(sc, spec, sink);
        OutcomeSink afterSegmentation = scores != null ? scores::accept : (outcome, index) -> sink.accept(outcome);
        SegmentPass segmentation = spec.segment() == null ? null : new SegmentPass(sc, spec, afterSegmentation);
        OutcomeSink afterPixels = segmentation != null ? segmentation::accept : afterSegmentation;
        try {
            // the pass waits for a backlog of commits to shrink, and a stop ends the wait
            tally.pixelBytes(ImagePass.run(sc, spec, toRead, afterPixels, probe, () -> {
                stop.check();
                return commits.waiting();
            }));
        } finally {
            // their failures, if any, are the run's: they name the image
            try {
                if (segmentation != null) segmentation.finish();
            } finally {
                if (scores != null) scores.finish();
            }
        }
    }

    private int succeed() throws Exception {
        long t0 = System.nanoTime();
        commits.awaitCommitted();
        tally.stage("commit_tail", t0);
        tally.stage("total", started);
        RunSummary summary = tally.summary(plan, false);
        commits.recordEnd(RunStatus.SUCCEEDED, null, summary);
        ended = true;
        environment.ranToItsEnd(spec);
        new ImageStatusLines(environment.out()).print(tally.lines(), plan.leftAlone());
        LOG.info("run {}: {} ok, {} rejected, {} unchanged, {} skipped (another run's); {} MB of pixels read",
                runId, summary.ok(), summary.rejected(), summary.unchanged(), summary.skipped(),
                tally.pixelBytes() / 1_000_000);
        return summary.rejected() > 0 ? HighdimCommand.EXIT_REJECTED : HighdimCommand.EXIT_OK;
    }

    /** Records the run's end as failed, with its reason and what it did; what to throw. */
    private Exception fail(Throwable e) {
        Throwable failure = stop.explain(e);
        if (run != null && !ended) {
            RunSummary summary = null;
            if (plan != null) {
                tally.stage("total", started);
                summary = tally.summary(plan, true);
            }
            try {
                if (commits != null) commits.recordEnd(RunStatus.FAILED, Run.reason(failure), summary);
                else run.finish(RunStatus.FAILED, Run.reason(failure), summary);
            } catch (RuntimeException recording) {
                LOG.warn("could not record the failure of run {}: {}", runId, recording.getMessage());
            }
        }
        if (failure instanceof RunStoppedException stopped) return stopped;
        if (e instanceof Error error) throw error;
        return (Exception) e;
    }

    /**
     * A failed run's images committed before the failure stay committed: their lines are printed as a run's would be,
     * so a user (or a script reading stdout) knows which; nothing if the catalogue itself failed (then none is sure).
     */
    private void reportCommitted(Throwable failure) {
        if (!commits.committedAll()) return;
        try {
            new ImageStatusLines(environment.out()).print(tally.lines(), plan.leftAlone());
        } catch (Exception | Error e) {
            failure.addSuppressed(e);
        }
    }

    private void logPlan() {
        LOG.info("inputs: {} files: {} new, {} changed, {} with other options, {} forced, {} unchanged, {} claimed "
                        + "by other runs; {} not found (listed in {} s, fingerprinted in {} s, decided in {} s)",
                plan.decisions().size(), plan.count(Decision.Why.NEW),
                plan.count(Decision.Why.CHANGED), plan.count(Decision.Why.OPTIONS_CHANGED),
                plan.count(Decision.Why.FORCED), plan.count(Decision.Why.UNCHANGED), plan.count(Decision.Why.CLAIMED),
                plan.listing().unreadable().size(), tally.seconds("listing"), tally.seconds("fingerprints"),
                tally.seconds("decisions"));
    }

    private static <T> T started(CompletableFuture<T> starting) throws Exception {
        try {
            return starting.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
