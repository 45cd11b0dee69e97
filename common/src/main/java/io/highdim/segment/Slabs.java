package io.highdim.segment;

import java.util.Arrays;
import java.util.List;

/**
 * Joins the labels of a volume's slabs (consecutive runs of Z planes, each labelled on its own by
 * {@link ConnectedComponents#label}) into the labels of the whole volume: the objects that touch across each boundary
 * (the last plane of one slab and the first of the next) are equivalences, merged in a union-find over all slabs'
 * labels (small: one entry per local object), and the classes are numbered in the volume's raster order. An object
 * that meets itself only several slabs later (a U, a spiral) is one object. Only the boundary planes and the objects'
 * counts are needed, never a whole volume.
 */
public final class Slabs {
    private Slabs() {}

    /**
     * The pairs (label in {@code above}, label in {@code below}) of foreground voxels that touch across the boundary
     * between two planes (ny × nx, x fastest): {@code above} the last plane of a slab, {@code below} the first of the
     * next. As {@code [a0, b0, a1, b1, …]}, each pair once.
     */
    public static int[] touching(int[] above, int[] below, int ny, int nx, int connectivity) {
        int[][] earlier = ConnectedComponents.earlierNeighbours(connectivity);
        int[] pairs = new int[16];
        int n = 0;
        long last = -1;
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                int b = below[y * nx + x];
                if (b == 0) continue;
                for (int[] d : earlier) {
                    if (d[0] != -1) continue; // the plane above only
                    int yy = y + d[1], xx = x + d[2];
                    if (yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
                    int a = above[yy * nx + xx];
                    if (a == 0) continue;
                    long pair = ((long) a << 32) | b;
                    if (pair == last) continue; // the commonest repeat: the same two objects side by side
                    last = pair;
                    if (n + 2 > pairs.length) pairs = Arrays.copyOf(pairs, pairs.length * 2);
                    pairs[n++] = a;
                    pairs[n++] = b;
                }
            }
        }
        return Arrays.copyOf(pairs, n);
    }

    /**
     * The volume's number of each slab's local label: {@code result[k][l]} for label l (1…objects[k]) of slab k, 0 for
     * 0. {@code touching.get(k)} holds the pairs between slab k and slab k + 1 ({@link #touching}).
     */
    public static int[][] volumeNumbers(int[] objects, List<int[]> touching) {
        if (touching.size() != Math.max(0, objects.length - 1)) {
            throw new IllegalArgumentException(objects.length + " slabs need " + (objects.length - 1) + " boundaries");
        }
        int[] offset = new int[objects.length];
        int total = 0;
        for (int k = 0; k < objects.length; k++) {
            offset[k] = total;
            total += objects[k];
        }
        UnionFind classes = new UnionFind(total);
        for (int i = 0; i < total; i++) classes.add();
        for (int k = 0; k + 1 < objects.length; k++) {
            int[] pairs = touching.get(k);
            for (int i = 0; i < pairs.length; i += 2) {
                classes.union(offset[k] + pairs[i], offset[k + 1] + pairs[i + 1]);
            }
        }
        // slabs in Z order, each one's labels in its raster order: the classes are met in the volume's raster order
        int[] number = new int[total + 1];
        int n = 0;
        int[][] out = new int[objects.length][];
        for (int k = 0; k < objects.length; k++) {
            out[k] = new int[objects[k] + 1];
            for (int l = 1; l <= objects[k]; l++) {
                int root = classes.find(offset[k] + l);
                if (number[root] == 0) number[root] = ++n;
                out[k][l] = number[root];
            }
        }
        return out;
    }
}
