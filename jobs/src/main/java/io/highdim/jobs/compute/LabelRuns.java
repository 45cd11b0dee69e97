package io.highdim.jobs.compute;

import java.util.Arrays;

/**
 * A plane of labels as runs (label, length), how a slab's boundary planes travel to the driver: mostly background
 * and whole objects, a 1024² plane of blobs is a few kilobytes instead of 4 MB.
 */
public final class LabelRuns {
    private LabelRuns() {}

    /** The {@code count} labels from {@code offset} as pairs (label, run length). */
    public static int[] encode(int[] labels, int offset, int count) {
        int[] runs = new int[16];
        int n = 0;
        for (int i = offset, end = offset + count; i < end; ) {
            int label = labels[i], start = i;
            while (i < end && labels[i] == label) i++;
            if (n + 2 > runs.length) runs = Arrays.copyOf(runs, runs.length * 2);
            runs[n++] = label;
            runs[n++] = i - start;
        }
        return Arrays.copyOf(runs, n);
    }

    /** The plane back, {@code count} labels. */
    public static int[] decode(int[] runs, int count) {
        int[] labels = new int[count];
        int at = 0;
        for (int i = 0; i < runs.length; i += 2) {
            Arrays.fill(labels, at, at + runs[i + 1], runs[i]);
            at += runs[i + 1];
        }
        if (at != count) throw new IllegalArgumentException("runs of " + at + " labels, not " + count);
        return labels;
    }
}
