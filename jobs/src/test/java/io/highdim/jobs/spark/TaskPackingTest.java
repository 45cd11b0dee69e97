package io.highdim.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.highdim.jobs.compute.PassTask;
import io.highdim.jobs.input.InputListing;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Small files share a unit of work up to the target bytes; a larger file is a unit of its own. */
class TaskPackingTest {
    @Test
    void consecutiveFilesArePackedUpToTheTarget() {
        List<InputListing.ListedFile> files = new ArrayList<>();
        for (int i = 0; i < 10; i++) files.add(new InputListing.ListedFile("file:/d/small" + i + ".tif", 30, "small" + i));
        files.add(new InputListing.ListedFile("file:/d/big.tif", 500, "big"));
        files.add(new InputListing.ListedFile("file:/d/last.tif", 10, "last"));
        List<PassTask> units = TaskPlanner.packFiles(files, 100);
        List<List<InputListing.ListedFile>> packs = units.stream().map(u -> ((PassTask.WholeFiles) u).files()).toList();
        assertEquals(List.of(3, 3, 3, 1, 1, 1), packs.stream().map(List::size).toList());
        assertEquals(files, packs.stream().flatMap(List::stream).toList(), "every file once, in order");
        assertEquals("big", packs.get(4).get(0).baseId());
        assertEquals(List.of(90L, 90L, 90L, 30L, 500L, 10L), units.stream().map(PassTask::bytes).toList());
    }

    /** However small the files, a unit holds a bounded number: its outcomes reach the driver together. */
    @Test
    void aUnitHoldsAtMostItsFileLimit() {
        List<InputListing.ListedFile> files = new ArrayList<>();
        for (int i = 0; i < 600; i++) files.add(new InputListing.ListedFile("file:/d/tiny" + i + ".tif", 1, "tiny" + i));
        List<PassTask> units = TaskPlanner.packFiles(files, Long.MAX_VALUE);
        assertEquals(List.of(256, 256, 88), units.stream().map(u -> ((PassTask.WholeFiles) u).files().size()).toList());
    }
}
