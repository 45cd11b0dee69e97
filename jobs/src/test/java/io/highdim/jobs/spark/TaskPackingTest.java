package io.highdim.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Small images' tasks share a partition up to the target bytes; a large task is a partition of its own. */
class TaskPackingTest {
    @Test
    void consecutiveTasksArePackedUpToTheTarget() {
        List<PlaneTask> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) tasks.add(new PlaneTask("small" + i, 0, 0, 8, 30));
        tasks.add(new PlaneTask("big", 0, 0, 100, 500));
        tasks.add(new PlaneTask("big", 1, 100, 150, 250));
        tasks.add(new PlaneTask("last", 0, 0, 1, 10));
        List<List<PlaneTask>> packs = TaskPlanner.pack(tasks, 100);
        assertEquals(List.of(3, 3, 3, 1, 1, 1, 1), packs.stream().map(List::size).toList());
        assertEquals(tasks, packs.stream().flatMap(List::stream).toList(), "every task once, in order");
        assertEquals("big", packs.get(4).get(0).imageId());
    }
}
