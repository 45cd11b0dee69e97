package io.highdim.jobs.compute;

import io.highdim.model.RejectReason;
import io.highdim.model.Rejection;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.PixelType;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heap a task holds while it reads an image, and the gate every task of an executor JVM passes before reading
 * pixels. Tasks of one JVM hold at most what the heap has for planes: a few tasks of very large planes (a 16384²
 * u16 plane is 512 MB) run one after another instead of exhausting the heap together, and an image whose task alone
 * needs more than the JVM has is rejected before any of its pixels is read, with the option to raise — never an
 * {@code OutOfMemoryError}, which would end the executor (and, in local mode, the run).
 */
public final class TaskMemory {
    private static final Logger LOG = LoggerFactory.getLogger(TaskMemory.class);
    private static final long MB = 1L << 20;
    /** Not for planes: Spark's reserved 300 MB, its per-task structures, results waiting to be sent. */
    static final long RESERVED_BYTES = 384 * MB;
    /** Scratch of a task besides its planes: histograms, PNG rows and Deflater, I/O buffers. */
    static final long TASK_OVERHEAD_BYTES = 16 * MB;

    /** Per JVM, as the heap it shares out is: every task of an executor (all passes, all runs) passes this one gate. */
    private static Gate jvmGate;

    private TaskMemory() {}

    /** This JVM's gate, for its whole life: the executor's heap does not change. */
    static synchronized Gate jvm() {
        if (jvmGate == null) jvmGate = new Gate(Runtime.getRuntime().maxMemory());
        return jvmGate;
    }

    /**
     * What a task holds at most while reading {@code image}: a pixel array per channel of a (z, t) stack; the
     * reader's scratch for one plane (the stored bytes read in one go and the decoded bytes, or all samples of an
     * interleaved page); for slices of other than 8/16-bit integer planes in the percentile window, a sorted
     * double copy of the plane (and its finite values).
     */
    static long need(ImageIndex image, boolean slices, boolean percentileWindow) {
        long pixels = (long) image.width() * image.height();
        PixelType type = image.pixelType();
        long array = pixels * type.arrayBytes();
        boolean sorts = slices && percentileWindow && !type.isSmallInteger();
        return image.sizeC() * array + readScratch(image) + (sorts ? 16 * pixels : 0) + TASK_OVERHEAD_BYTES;
    }

    /**
     * The reader's scratch for one plane of {@code image}: the stored bytes read in one go and the decoded bytes, or
     * all samples of an interleaved page.
     */
    static long readScratch(ImageIndex image) {
        long stored = (long) image.width() * image.height() * image.pixelType().bytes();
        int samples = image.pages().stream().mapToInt(p -> p.planar() ? 1 : p.samplesPerPixel()).max().orElse(1);
        return samples > 1 ? samples * stored : 2 * stored;
    }

    /** The heap of one JVM for planes, shared by its tasks: permits are megabytes. */
    static final class Gate {
        private final long maxHeap;
        private final int budgetMb;
        private final Semaphore free;

        Gate(long maxHeap) {
            this.maxHeap = maxHeap;
            // a tenth of the rest too: the collector needs room to work; a full heap thrashes before it fails
            this.budgetMb = (int) Math.max(0, (maxHeap - RESERVED_BYTES) / 10 * 9 / MB);
            this.free = new Semaphore(budgetMb, true);   // fair: a large task is not overtaken by small ones forever
        }

        long budgetBytes() {
            return budgetMb * MB;
        }

        /** Null if a task needing {@code bytes} can run in this JVM; else why not, naming what to raise. */
        Rejection refusal(String imageId, long bytes) {
            if (bytes <= budgetBytes()) return null;
            long heapNeeded = RESERVED_BYTES + bytes / 9 * 10;
            long suggestGb = Math.max(1, (heapNeeded + (1L << 30) - 1) >> 30);
            return new Rejection(RejectReason.NOT_ENOUGH_MEMORY, String.format(
                    "reading image %s needs about %d MB of heap per task (its planes and read buffers); this JVM has "
                            + "%d MB for planes (maximum heap %d MB). Raise the heap to at least %d GB: "
                            + "HIGHDIM_JAVA_OPTS=-Xmx%dg for scripts/highdim, --driver-memory %dg for spark-submit "
                            + "in local mode, --executor-memory %dg on a cluster; or lower --max-plane-mb to reject "
                            + "such images when they are indexed", imageId, bytes / MB, budgetBytes() / MB,
                    maxHeap / MB, suggestGb, suggestGb, suggestGb, suggestGb));
        }

        /** Waits until {@code bytes} of the budget are free and takes them; the lease gives them back. */
        Lease enter(String imageId, long bytes) {
            int mb = (int) Math.min(budgetMb, Math.max(1, (bytes + MB - 1) / MB));
            try {
                if (!free.tryAcquire(mb)) {
                    LOG.info("a task of {} waits for {} MB of heap that other tasks hold ({} MB for planes in this JVM)",
                            imageId, mb, budgetMb);
                    free.acquire(mb);   // Spark interrupts a task it kills
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for heap for a task of " + imageId, e);
            }
            return () -> free.release(mb);
        }
    }

    /** Heap taken from a {@link Gate}, given back on close. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}
