package io.highdim.segment;

import java.util.Arrays;

/**
 * 3D connected components of a foreground mask, numbered as scikit-image's {@code measure.label} numbers them: 1…n in
 * raster order (z, y, x) of each object's first voxel; 0 is background. Connectivity 6, 18 or 26 (scikit-image's
 * {@code connectivity=1|2|3}: neighbours sharing a face, a face or an edge, or any corner).
 *
 * <p>One raster scan gives each foreground voxel the label of an earlier neighbour (or a new provisional one) and
 * records the equivalences of the others in a union-find; a second scan replaces each provisional label by its
 * class's number, given in the order the classes are first met. Memory: the mask and an int per voxel, plus the
 * provisional labels' parents. The same steps join slabs of one volume ({@link Slabs}).
 */
public final class ConnectedComponents {
    private ConnectedComponents() {}

    /** The earlier neighbours (dz, dy, dx) of a voxel in raster order, for a connectivity. */
    static int[][] earlierNeighbours(int connectivity) {
        int limit = switch (connectivity) {
            case 6 -> 1;
            case 18 -> 2;
            case 26 -> 3;
            default -> throw new IllegalArgumentException("connectivity " + connectivity + ": 6, 18 or 26");
        };
        int[][] out = new int[13][];
        int n = 0;
        for (int dz = -1; dz <= 0; dz++) {
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    boolean earlier = dz < 0 || dz == 0 && (dy < 0 || dy == 0 && dx < 0);
                    if (earlier && Math.abs(dz) + Math.abs(dy) + Math.abs(dx) <= limit) out[n++] = new int[] {dz, dy, dx};
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Labels {@code foreground} (nz × ny × nx, x fastest) into {@code labels} (same size); returns the number of
     * objects.
     */
    public static int label(boolean[] foreground, int nz, int ny, int nx, int connectivity, int[] labels) {
        long voxels = (long) nz * ny * nx;
        if (foreground.length != voxels || labels.length != voxels) {
            throw new IllegalArgumentException("mask and labels must hold " + voxels + " voxels");
        }
        int[][] earlier = earlierNeighbours(connectivity);
        UnionFind classes = new UnionFind(1024);
        int plane = ny * nx;
        int n = (int) voxels;
        Arrays.fill(labels, 0);
        for (int i = 0; i < n; i++) {
            // most voxels are background: they cost a test; a foreground voxel's coordinates are worked out
            if (!foreground[i]) continue;
            int z = i / plane, y = (i - z * plane) / nx, x = i - z * plane - y * nx;
            int mine = 0;
            for (int[] d : earlier) {
                int zz = z + d[0], yy = y + d[1], xx = x + d[2];
                if (zz < 0 || yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
                int other = labels[zz * plane + yy * nx + xx];
                if (other == 0) continue;
                // inside an object the neighbours mostly carry one label: no union, no find
                if (mine == 0) mine = other; else if (other != mine) mine = classes.union(mine, other);
            }
            labels[i] = mine != 0 ? mine : classes.add();
        }
        return renumber(labels, classes);
    }

    /** Each provisional label replaced by its class's number, numbered as the classes are first met in raster order. */
    static int renumber(int[] labels, UnionFind classes) {
        int[] number = new int[classes.size() + 1];
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l == 0) continue;
            int root = classes.find(l);
            if (number[root] == 0) number[root] = ++n;
            labels[i] = number[root];
        }
        return n;
    }
}
