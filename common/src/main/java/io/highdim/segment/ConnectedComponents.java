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
        int k = earlier.length, plane = ny * nx;
        int[] offset = new int[k];
        for (int j = 0; j < k; j++) offset[j] = earlier[j][0] * plane + earlier[j][1] * nx + earlier[j][2];
        // the last union per neighbour: along a row the same two provisional labels meet voxel after voxel
        int[] unitedMine = new int[k], unitedOther = new int[k], united = new int[k];
        UnionFind classes = new UnionFind(1024);
        Arrays.fill(labels, 0);
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                int row = z * plane + y * nx;
                boolean innerRow = z > 0 && y > 0 && y < ny - 1;
                for (int x = 0; x < nx; x++) {
                    int i = row + x;
                    // most voxels are background: they cost a test
                    if (!foreground[i]) continue;
                    boolean inner = innerRow && x > 0 && x < nx - 1;
                    int mine = 0;
                    for (int j = 0; j < k; j++) {
                        if (!inner && !inside(earlier[j], z, y, x, ny, nx)) continue;
                        int other = labels[i + offset[j]];
                        // inside an object the neighbours mostly carry one label: no union, no find
                        if (other == 0 || other == mine) continue;
                        if (mine == 0) {
                            mine = other;
                        } else if (mine == unitedMine[j] && other == unitedOther[j]) {
                            mine = united[j];   // joined already: a label of the class (renumber finds its root)
                        } else {
                            unitedMine[j] = mine;
                            unitedOther[j] = other;
                            mine = united[j] = classes.union(mine, other);
                        }
                    }
                    labels[i] = mine != 0 ? mine : classes.add();
                }
            }
        }
        return renumber(labels, classes);
    }

    private static boolean inside(int[] d, int z, int y, int x, int ny, int nx) {
        int zz = z + d[0], yy = y + d[1], xx = x + d[2];
        return zz >= 0 && yy >= 0 && yy < ny && xx >= 0 && xx < nx;
    }

    /**
     * Each provisional label replaced by its class's number, numbered as the classes are first met in raster order. A
     * class's first voxel in raster order had no labelled earlier neighbour, so it took a new label, the class's
     * smallest, which is its root: numbering the roots in label order is numbering the classes in raster order, and the
     * scan over the voxels is a table lookup.
     */
    static int renumber(int[] labels, UnionFind classes) {
        int[] number = new int[classes.size() + 1];
        int n = 0;
        for (int l = 1; l <= classes.size(); l++) {
            int root = classes.find(l);
            number[l] = root == l ? ++n : number[root];   // root < l: numbered already
        }
        for (int i = 0; i < labels.length; i++) labels[i] = number[labels[i]];
        return n;
    }
}
