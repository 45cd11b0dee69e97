package io.highdim.jobs.compute;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rounds of a pass that runs after the pixel pass (scores, segmentation) beside it, on one driver thread: images
 * wait as the pixel pass finishes them; each round takes every image waiting and runs its Spark jobs on them. A
 * failure stops the rounds: the images still waiting are dropped (not committed) and {@link #finish()} throws it.
 */
public final class LaterPassRounds<W> {
    private static final Logger LOG = LoggerFactory.getLogger(LaterPassRounds.class);
    private final String name;
    private final Consumer<List<W>> round;
    private final ConcurrentLinkedQueue<W> waiting = new ConcurrentLinkedQueue<>();
    private final ExecutorService driver;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** {@code round}: the pass's work on a batch; it passes each image on when done. */
    public LaterPassRounds(String name, Consumer<List<W>> round) {
        this.name = name;
        this.round = round;
        this.driver = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "highdim-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** An image to take in the next round. */
    public void add(W image) {
        waiting.add(image);
        driver.execute(this::round);
    }

    /** Waits for the rounds to end; throws the first failure. */
    public void finish() throws InterruptedException {
        driver.shutdown();
        while (!driver.awaitTermination(1, TimeUnit.MINUTES)) LOG.info("{}: still running", name);
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error r) throw r;
        if (e != null) throw new IllegalStateException(e);
    }

    private void round() {
        List<W> batch = new ArrayList<>();
        for (W w; (w = waiting.poll()) != null; ) batch.add(w);
        if (batch.isEmpty() || failure.get() != null) return;
        try {
            round.accept(batch);
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
        }
    }
}
