package io.highdim.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.compute.PlanesRead;
import io.highdim.jobs.compute.StackRange;
import io.highdim.jobs.spec.DisplayWindow;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.jobs.spec.PlaneSelection;
import io.highdim.jobs.spec.SliceSpec;
import io.highdim.model.Part;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.ReaderOptions;
import io.highdim.tiff.TiffFormatReader;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * A pass that reads only some planes (slices of a few z) sizes its tasks by those planes: they spread over several
 * tasks instead of all landing in the first one, and every stack is still in exactly one task.
 */
class TasksSizedByPlanesReadTest {
    @Test
    void onlyThePlanesReadCount() throws Exception {
        String uri = Paths.get("..", "sample-data", "cells_ztcyx_u16.tif").toAbsolutePath().normalize().toString();
        ImageIndex image;
        try (var in = HadoopRangeReader.open(uri, new Configuration())) {
            image = new TiffFormatReader().index(in, ReaderOptions.defaults()).get(0);
        }
        assertTrue(image.sizeZ() >= 4, "a sample with several z");
        PlanesRead firstTwoZ = (z, t, c) -> z < 2;
        long planeBytes = image.storedBytesOf(0, 0, 0);
        List<StackRange> all = TaskPlanner.split("cells", image, 4 * planeBytes);
        List<StackRange> some = TaskPlanner.split("cells", image, 4 * planeBytes, firstTwoZ);

        long selected = 0;
        for (int z = 0; z < 2; z++) {
            for (int t = 0; t < image.sizeT(); t++) {
                for (int c = 0; c < image.sizeC(); c++) selected += image.storedBytesOf(z, t, c);
            }
        }
        assertEquals(selected, some.stream().mapToLong(StackRange::storedBytes).sum());
        long tasksWithSelected = some.stream().filter(t -> t.storedBytes() > 0).count();
        assertTrue(tasksWithSelected >= selected / (4 * planeBytes + image.sizeC() * planeBytes),
                tasksWithSelected + " tasks hold the selected planes");
        assertTrue(tasksWithSelected > 1, "the selected planes are spread: " + some);
        assertTrue(some.size() < all.size(), "the unselected stacks do not make tasks of their own");
        int next = 0;
        for (StackRange t : some) { // back to back, every stack once
            assertEquals(next, t.firstStack());
            next = t.endStack();
        }
        assertEquals(image.sizeZ() * image.sizeT(), next);
    }

    /** A pass that only renders PNGs takes an eighth of --partition-mb a task; with statistics, all of it. */
    @Test
    void pngOnlyPassesTakeSmallerTasks() {
        long partition = 256L << 20;
        SliceSpec png = new SliceSpec(PlaneSelection.all(), PlaneSelection.all(), PlaneSelection.all(),
                DisplayWindow.PERCENTILE, false, "file:/tmp/out");
        PassSpec slices = new PassSpec("slices", List.of("x"), Set.of(Part.SLICES), null, 1 << 30, 2, partition, png);
        PassSpec run = new PassSpec("run", List.of("x"), Set.of(Part.SLICES, Part.CHANNEL_STATS), null, 1 << 30, 2,
                partition, png);
        assertEquals(partition / 8, slices.taskBytes());
        assertEquals(partition, run.taskBytes(), "statistics: the task boundaries the float merge order follows");
        PassSpec tiny = new PassSpec("slices", List.of("x"), Set.of(Part.SLICES), null, 1 << 30, 2, 2L << 20, png);
        assertEquals(1L << 20, tiny.taskBytes(), "never below 1 MB");
    }
}
