package io.highdim.jobs.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Boundary planes travel as runs: what is decoded is what was encoded, and a plane of the wrong size is refused. */
class LabelRunsTest {
    @Test
    void aPlaneComesBackAsItWas() {
        Random random = new Random(7);
        int[] labels = new int[3 * 1000];
        for (int i = 0; i < labels.length; ) {
            int run = 1 + random.nextInt(40), label = random.nextInt(3) == 0 ? 0 : random.nextInt(50);
            for (int k = 0; k < run && i < labels.length; k++) labels[i++] = label;
        }
        int[] runs = LabelRuns.encode(labels, 1000, 1000);
        int[] plane = new int[1000];
        Arrays.fill(plane, -1);   // a reused array: every voxel overwritten
        LabelRuns.decode(runs, plane);
        assertArrayEquals(Arrays.copyOfRange(labels, 1000, 2000), plane);
        assertArrayEquals(new int[] {5, 4}, LabelRuns.encode(new int[] {5, 5, 5, 5}, 0, 4));
    }

    @Test
    void runsOfAnotherPlaneSizeAreRefused() {
        int[] runs = LabelRuns.encode(new int[] {1, 1, 0, 2}, 0, 4);
        assertThrows(IllegalArgumentException.class, () -> LabelRuns.decode(runs, new int[3]));
        assertThrows(IllegalArgumentException.class, () -> LabelRuns.decode(runs, new int[5]));
    }
}
