package io.highdim.jobs.catalogue;

import io.highdim.model.ImageOutcome;
import io.highdim.model.Provenance;
import io.highdim.model.RunStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits images of a {@link Run} while the pass still runs: {@link #accept} only queues an outcome (it is called on
 * Spark's scheduler thread as each image completes); one committer thread commits whatever has queued, each time in
 * one transaction ({@link Run#commit}), so an image's rows are always whole and a committed image stays committed
 * whatever happens later.
 *
 * <p>When the database is unreachable (see {@link CommitRetry#isTransient}), the committer retries the same batch
 * with backoff for the {@link CommitRetry} window while {@link #accept} keeps queueing, so a database restarted
 * within the window costs the run nothing (a batch is replaced whole, so a commit whose outcome was lost may be
 * repeated). Once the window is over, or at once for an error that is a bug, {@link #accept} throws: the pass stops
 * instead of computing results nobody can keep; {@link #awaitCommitted} then says what was committed and what was
 * not. The run's end is recorded through the same window ({@link #recordEnd}).
 */
public final class CommitQueue implements Consumer<ImageOutcome> {
    private static final Logger LOG = LoggerFactory.getLogger(CommitQueue.class);
    /** At most this many images in one transaction, so a commit never holds many images' rows in memory. */
    private static final int MAX_BATCH = 256;

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Run run;
    private final Function<ImageOutcome, Provenance> provenance;
    private final CommitRetry retry;
    private final Thread committer;
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile RuntimeException failure;
    /** How long the catalogue refused commits when the retry window ran out; -1 while it has not. */
    private volatile long refusedMillis = -1;
    private volatile int committed;
    private int transactions;

    /** Marks the end of the outcomes. */
    private enum End { OF_RUN }

    /**
     * Starts the committer of {@code run}'s images; commits that meet an unreachable database are retried as
     * {@code retry} says; {@code provenance} says with each image where its rows come from (null: nothing, see
     * {@link Run#commit}).
     */
    public CommitQueue(Run run, CommitRetry retry, Function<ImageOutcome, Provenance> provenance) {
        this.run = Objects.requireNonNull(run, "run");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.provenance = provenance;
        this.committer = new Thread(this::commitLoop, "highdim-catalogue-commits");
        committer.setDaemon(true);
        committer.start();
    }

    @Override
    public void accept(ImageOutcome outcome) {
        accepted.incrementAndGet(); // counted even when refused: it is one of the images not committed
        RuntimeException failed = failure;
        if (failed != null) {
            throw refusedMillis >= 0 ? refused(failed)
                    : new CatalogueException("the catalogue refused earlier results of run " + run.id() + "; stopping",
                            failed);
        }
        queue.add(outcome);
    }

    /**
     * Images accepted and not yet committed; 0 once the committer failed or ended (nothing more will be committed:
     * whoever waits for fewer should go on and meet the failure at the next {@link #accept}).
     */
    public int waiting() {
        return failure != null || !committer.isAlive() ? 0 : Math.max(0, accepted.get() - committed);
    }

    /** Waits for every queued image to be committed; throws if one was not. */
    public void awaitCommitted() {
        long t0 = System.nanoTime();
        queue.add(End.OF_RUN);
        join();
        if (failure != null) throw refusedMillis >= 0 ? refused(failure) : failure;
        LOG.info("catalogue: {} image(s) of run {} committed in {} transaction(s); the last done {} ms after the pass",
                committed, run.id(), transactions, (System.nanoTime() - t0) / 1_000_000);
    }

    /** After {@link #awaitCommitted} or {@link #abort}: whether every image accepted was committed. */
    public boolean committedAll() {
        return failure == null && !committer.isAlive();
    }

    /** The run failed: commits what is queued (whole images, correct); a commit's failure is added to {@code cause}. */
    public void abort(Throwable cause) {
        queue.add(End.OF_RUN);
        join();
        if (failure != null && failure != cause) cause.addSuppressed(refusedMillis >= 0 ? refused(failure) : failure);
    }

    /**
     * Records the run's end ({@link Run#finish}), retried within the window like a commit, or tried once if the
     * window ran out already.
     */
    public void recordEnd(RunStatus status, String reason, RunSummary summary) {
        Runnable end = () -> run.finish(status, reason, summary);
        try {
            if (refusedMillis >= 0) end.run();
            else retrying("recording the end", end);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogueException("interrupted while recording the end of run " + run.id(), e);
        } catch (RuntimeException e) {
            throw refusedMillis >= 0 ? refused(e) : e;
        }
    }

    private void commitLoop() {
        try {
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
                    retrying("a commit", () -> run.commit(batch, provenance));
                    committed += batch.size();
                    transactions++;
                    batch.clear();
                }
                if (end) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new CatalogueException("committing the results of run " + run.id() + " was interrupted", e);
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) { // never a committer gone quietly while the pass goes on: the run fails, saying why
            failure = new IllegalStateException("committing the results of run " + run.id() + " failed", e);
            throw e;
        }
    }

    /**
     * Runs {@code op}; an error of an unreachable database is retried with backoff until the window, counted from
     * this call's first failure, is over; then (setting {@link #refusedMillis}) or at once for any other error,
     * the error is thrown.
     */
    private void retrying(String what, Runnable op) throws InterruptedException {
        long firstFailure = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                op.run();
                if (attempt > 1) {
                    LOG.warn("catalogue: {} of run {} went through at attempt {}, {} ms after it first failed", what,
                            run.id(), attempt, (System.nanoTime() - firstFailure) / 1_000_000);
                }
                return;
            } catch (RuntimeException e) {
                if (!CommitRetry.isTransient(e)) throw e;
                long now = System.nanoTime();
                if (attempt == 1) firstFailure = now;
                long left = retry.window().toNanos() - (now - firstFailure);
                if (left <= 0) {
                    refusedMillis = (now - firstFailure) / 1_000_000;
                    throw e;
                }
                Duration wait = retry.backoff(attempt);
                long waitMillis = Math.max(1, Math.min(wait.toMillis(), left / 1_000_000));
                LOG.warn("catalogue: {} of run {} failed, {} image(s) waiting; attempt {}, next in {} ms: {}", what,
                        run.id(), Math.max(0, accepted.get() - committed), attempt, waitMillis,
                        ConnectionSettings.withoutCredentials(e.getMessage()));
                Thread.sleep(waitMillis);
            }
        }
    }

    /** The clear message for a catalogue that refused commits for the whole window, with the counts as they are. */
    private CatalogueException refused(Throwable cause) {
        int done = committed;
        int notDone = Math.max(0, accepted.get() - done);
        CatalogueException e = new CatalogueException("the catalogue (" + run.where() + ") refused the commits of "
                + "run " + run.id() + " for " + Math.round(refusedMillis / 1000.0) + " s, the retry window "
                + "(--commit-retry-seconds " + retry.window().toSeconds() + "); " + done + " image(s) were committed and stay committed, " + notDone
                + " were not; rerunning the same command completes the rest. Last error: "
                + ConnectionSettings.withoutCredentials(cause.getMessage()));
        e.initCause(cause);
        return e;
    }

    private void join() {
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogueException("interrupted while committing the results of run " + run.id(), e);
        }
    }
}
