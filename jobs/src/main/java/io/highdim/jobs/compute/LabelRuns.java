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
        int end = offset + count, n = 0;
        for (int i = offset; i < end; n++) i = runEnd(labels, i, end);
        int[] runs = new int[2 * n];   // counted first: a plane's runs made once, not grown by copies
        int k = 0;
        for (int i = offset; i < end; ) {
            int start = i;
            i = runEnd(labels, i, end);
            runs[k++] = labels[start];
            runs[k++] = i - start;
        }
        return runs;
    }

    private static int runEnd(int[] labels, int i, int end) {
        int label = labels[i];
        while (i < end && labels[i] == label) i++;
        return i;
    }

    /**
     * The plane back into {@code labels}, which it fills: the driver decodes every boundary plane of a volume, into
     * the same two arrays rather than a new plane each (a 1280-plane 2048² volume: 10 GB of garbage).
     */
    public static void decode(int[] runs, int[] labels) {
        long total = 0;
        for (int i = 1; i < runs.length; i += 2) total += runs[i];
        if (total != labels.length) {
            throw new IllegalArgumentException("runs of " + total + " labels, not " + labels.length);
        }
        int at = 0;
        for (int i = 0; i < runs.length; i += 2) {
            Arrays.fill(labels, at, at + runs[i + 1], runs[i]);
            at += runs[i + 1];
        }
    }
}
