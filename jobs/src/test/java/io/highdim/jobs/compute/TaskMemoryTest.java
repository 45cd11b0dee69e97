package io.highdim.jobs.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.model.RejectReason;
import io.highdim.model.Rejection;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.LocalFiles;
import io.highdim.tiff.ReaderOptions;
import io.highdim.tiff.TiffFormatReader;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The heap a task of an image holds, and the gate that keeps a JVM's tasks within its heap. */
class TaskMemoryTest {
    private static final long MB = 1L << 20;

    @Test
    void aTaskHoldsAPixelArrayPerChannelThePlanesReadScratchAndSortedCopiesForFloatPercentiles() throws Exception {
        ImageIndex u16 = index("cells_ztcyx_u16.tif");   // planar u16, 3 channels
        long plane = (long) u16.width() * u16.height() * 2;
        assertEquals(u16.sizeC() * plane + 2 * plane + TaskMemory.TASK_OVERHEAD_BYTES,
                TaskMemory.need(u16, true, true), "8/16-bit percentiles come from a histogram: no copy");
        assertEquals(TaskMemory.need(u16, false, false), TaskMemory.need(u16, true, true));
    }

    @Test
    void anImageWhoseTaskNeedsMoreThanTheBudgetIsRefusedNamingTheOptions() {
        TaskMemory.Gate gate = new TaskMemory.Gate(1024 * MB);
        assertEquals((1024 - 384) * MB / 10 * 9 / MB, gate.budgetBytes() / MB);
        assertNull(gate.refusal("fits", gate.budgetBytes()));
        Rejection no = gate.refusal("big", 1552 * MB);
        assertNotNull(no);
        assertEquals(RejectReason.NOT_ENOUGH_MEMORY, no.reason());
        // 384 MB + 1552 MB / 0.9 = 2108 MB: 3 GB
        assertTrue(no.detail().contains("HIGHDIM_JAVA_OPTS=-Xmx3g") && no.detail().contains("--executor-memory 3g")
                && no.detail().contains("--driver-memory 3g") && no.detail().contains("big"), no.detail());
    }

    @Test
    void tasksThatDoNotFitTogetherRunOneAfterAnother() throws Exception {
        TaskMemory.Gate gate = new TaskMemory.Gate(1384 * MB);   // 900 MB for planes
        long need = 600 * MB;                                      // two at once would be 1200 MB
        AtomicInteger inside = new AtomicInteger(), most = new AtomicInteger();
        List<Thread> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try (TaskMemory.Lease held = gate.enter("img", need)) {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    Thread.sleep(50);
                    inside.decrementAndGet();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            tasks.add(t);
            t.start();
        }
        for (Thread t : tasks) t.join(10_000);
        assertEquals(1, most.get(), "never two 600 MB tasks in 900 MB");
        // smaller ones share it, and every lease was given back
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (TaskMemory.Lease a = gate.enter("a", 450 * MB); TaskMemory.Lease b = gate.enter("b", 450 * MB)) {
                assertEquals(0, inside.get());
            }
        });
    }

    private static ImageIndex index(String sample) throws Exception {
        Path file = Paths.get("..", "sample-data", sample);
        try (var in = LocalFiles.open(file)) {
            return new TiffFormatReader().index(in, ReaderOptions.defaults()).get(0);
        }
    }
}
