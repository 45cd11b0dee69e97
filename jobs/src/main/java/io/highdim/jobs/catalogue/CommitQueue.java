package io.highdim.jobs.catalogue;

import io.highdim.model.ImageOutcome;
import io.highdim.model.RunStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits images to the catalogue while the pass still runs: {@link #accept} only queues an outcome (it is called
 * on Spark's scheduler thread as each image completes); one committer thread waits for the database, records the
 * run's start, then commits whatever has queued, each time in one transaction ({@link CatalogueWriter#replace}), so
 * an image's rows are always whole and a committed image stays committed whatever happens later. After a failed
 * commit, {@link #accept} throws: the pass stops instead of computing results nobody can keep.
 */
public final class CommitQueue implements Consumer<ImageOutcome> {
    private static final Logger LOG = LoggerFactory.getLogger(CommitQueue.class);
    /** At most this many images in one transaction, so a commit never holds many images' rows in memory. */
    private static final int MAX_BATCH = 256;

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<CatalogueWriter> writer;
    private final String runId;
    private final Thread committer;
    private volatile RuntimeException failure;
    private int committed;
    private int transactions;

    /** Marks the end of the outcomes. */
    private enum End { OF_RUN }

    /**
     * Starts the committer: it records the start of run {@code runId} as soon as {@code database} is up (the
     * embedded database starts beside Spark).
     */
    public CommitQueue(CompletableFuture<CatalogueDatabase> database, String runId, String command,
                       List<String> inputs, Object options, Instant startedAt) {
        this.runId = runId;
        this.writer = database.thenApply(db -> {
            CatalogueWriter w = new CatalogueWriter(db);
            w.startRun(runId, command, inputs, options, startedAt);
            return w;
        });
        this.committer = new Thread(this::commitLoop, "highdim-catalogue-commits");
        committer.setDaemon(true);
        committer.start();
    }

    @Override
    public void accept(ImageOutcome outcome) {
        RuntimeException failed = failure;
        if (failed != null) {
            throw new CatalogueException("the catalogue refused earlier results of run " + runId + "; stopping", failed);
        }
        queue.add(outcome);
    }

    /** Waits for every queued image to be committed, then records the run's end; throws if a commit failed. */
    public void finish(RunStatus status) {
        long t0 = System.nanoTime();
        queue.add(End.OF_RUN);
        join();
        if (failure != null) {
            abortRecording(failure);
            throw failure;
        }
        writer().finishRun(runId, status);
        LOG.info("catalogue: {} image(s) of run {} committed in {} transaction(s); the last done {} ms after the pass",
                committed, runId, transactions, (System.nanoTime() - t0) / 1_000_000);
    }

    /** The run failed: commits what is queued (whole images, correct), then records the run as failed. */
    public void abort(Throwable cause) {
        queue.add(End.OF_RUN);
        join();
        if (failure != null && failure != cause) cause.addSuppressed(failure);
        abortRecording(cause);
    }

    private void abortRecording(Throwable cause) {
        try {
            writer().finishRun(runId, RunStatus.FAILED);
        } catch (RuntimeException recording) {
            if (recording != cause) cause.addSuppressed(recording);
        }
    }

    private void commitLoop() {
        try {
            CatalogueWriter w = writer();
            List<ImageOutcome> batch = new ArrayList<>();
            while (true) {
                Object next = queue.take();
                List<Object> more = new ArrayList<>();
                more.add(next);
                queue.drainTo(more, MAX_BATCH - 1);
                boolean end = false;
                for (Object o : more) {
                    if (o == End.OF_RUN) end = true;
                    else batch.add((ImageOutcome) o);
                }
                if (!batch.isEmpty()) {
                    w.replace(runId, batch);
                    committed += batch.size();
                    transactions++;
                    batch.clear();
                }
                if (end) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new CatalogueException("committing the results of run " + runId + " was interrupted", e);
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void join() {
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogueException("interrupted while committing the results of run " + runId, e);
        }
    }

    private CatalogueWriter writer() {
        try {
            return writer.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
