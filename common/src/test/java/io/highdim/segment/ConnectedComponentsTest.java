package io.highdim.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.highdim.testkit.Oracle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Labels equal scikit-image's {@code measure.label} (python3-skimage 0.19), voxel for voxel, for connectivity 6, 18
 * and 26; and a volume labelled as slabs and joined ({@link Slabs}) equals the volume labelled whole, however it is
 * cut, also for objects that join only in a later slab.
 */
class ConnectedComponentsTest {
    private static final int[] CONNECTIVITIES = {6, 18, 26};

    private record Mask(boolean[] voxels, int nz, int ny, int nx) {}

    @Test
    void labelsEqualScikitImage(@TempDir Path dir) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        List<Mask> masks = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            int nz = 1 + random.nextInt(12), ny = 1 + random.nextInt(24), nx = 1 + random.nextInt(24);
            masks.add(random(random, nz, ny, nx, 0.2 + 0.3 * random.nextDouble()));
        }
        masks.add(uTurns(9, 14, 15));
        StringBuilder args = new StringBuilder();
        for (int k = 0; k < masks.size(); k++) {
            Mask m = masks.get(k);
            byte[] bytes = new byte[m.voxels().length];
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (m.voxels()[i] ? 1 : 0);
            Files.write(dir.resolve("m" + k), bytes);
            args.append("m").append(k).append(' ').append(m.nz()).append(' ').append(m.ny()).append(' ')
                    .append(m.nx()).append(' ');
        }
        Oracle.pythonCode(dir, """
                import sys, numpy as np
                from skimage.measure import label
                a = sys.argv[1:]
                for i in range(0, len(a), 4):
                    name, shape = a[i], tuple(int(s) for s in a[i + 1:i + 4])
                    mask = np.fromfile(name, dtype=np.uint8).reshape(shape).astype(bool)
                    for c in (1, 2, 3):
                        label(mask, connectivity=c).astype('<i4').tofile(f"{name}.c{c}")
                """, args.toString().trim().split(" "));
        for (int k = 0; k < masks.size(); k++) {
            Mask m = masks.get(k);
            for (int c = 0; c < 3; c++) {
                int[] expected = readInts(dir.resolve("m" + k + ".c" + (c + 1)));
                int[] labels = new int[m.voxels().length];
                int n = ConnectedComponents.label(m.voxels(), m.nz(), m.ny(), m.nx(), CONNECTIVITIES[c], labels);
                assertArrayEquals(expected, labels, "mask " + k + ", connectivity " + CONNECTIVITIES[c]);
                assertEquals(max(expected), n);
            }
        }
    }

    @Test
    void slabsJoinedEqualTheVolumeLabelledWhole() {
        SplittableRandom random = new SplittableRandom(11);
        List<Mask> masks = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            masks.add(random(random, 2 + random.nextInt(16), 1 + random.nextInt(20), 1 + random.nextInt(20),
                    0.15 + 0.4 * random.nextDouble()));
        }
        masks.add(uTurns(9, 14, 15));
        for (Mask m : masks) {
            for (int connectivity : CONNECTIVITIES) {
                int[] whole = new int[m.voxels().length];
                ConnectedComponents.label(m.voxels(), m.nz(), m.ny(), m.nx(), connectivity, whole);
                // one plane per slab (every boundary a cut), and random cuts
                assertArrayEquals(whole, bySlabs(m, connectivity, cuts(m.nz(), 1, random)), "one plane per slab");
                assertArrayEquals(whole, bySlabs(m, connectivity, cuts(m.nz(), 1 + random.nextInt(4), random)));
            }
        }
    }

    /** Labels each slab alone, joins them through their boundary planes, and relabels: the volume's labels. */
    private static int[] bySlabs(Mask m, int connectivity, List<Integer> starts) {
        int plane = m.ny() * m.nx();
        List<int[]> slabLabels = new ArrayList<>();
        int[] objects = new int[starts.size()];
        for (int k = 0; k < starts.size(); k++) {
            int z0 = starts.get(k), z1 = k + 1 < starts.size() ? starts.get(k + 1) : m.nz();
            boolean[] slab = new boolean[(z1 - z0) * plane];
            System.arraycopy(m.voxels(), z0 * plane, slab, 0, slab.length);
            int[] labels = new int[slab.length];
            objects[k] = ConnectedComponents.label(slab, z1 - z0, m.ny(), m.nx(), connectivity, labels);
            slabLabels.add(labels);
        }
        List<int[]> touching = new ArrayList<>();
        for (int k = 0; k + 1 < starts.size(); k++) {
            int[] above = slabLabels.get(k), below = slabLabels.get(k + 1);
            int[] last = new int[plane], first = new int[plane];
            System.arraycopy(above, above.length - plane, last, 0, plane);
            System.arraycopy(below, 0, first, 0, plane);
            touching.add(Slabs.touching(last, first, m.ny(), m.nx(), connectivity));
        }
        int[][] numbers = Slabs.volumeNumbers(objects, touching);
        int[] out = new int[m.voxels().length];
        int at = 0;
        for (int k = 0; k < slabLabels.size(); k++) {
            for (int l : slabLabels.get(k)) out[at++] = numbers[k][l];
        }
        return out;
    }

    private static List<Integer> cuts(int nz, int step, SplittableRandom random) {
        List<Integer> starts = new ArrayList<>();
        for (int z = 0; z < nz; z += step == 1 ? 1 : 1 + random.nextInt(step)) starts.add(z);
        return starts;
    }

    private static Mask random(SplittableRandom random, int nz, int ny, int nx, double density) {
        boolean[] v = new boolean[nz * ny * nx];
        for (int i = 0; i < v.length; i++) v[i] = random.nextDouble() < density;
        return new Mask(v, nz, ny, nx);
    }

    /**
     * Objects that join late: U shapes whose two arms (columns at x = 1 and x = 5, 9, …) meet only in the last plane,
     * and a spiral that climbs one plane per turn; with one plane per slab, each arm is its own object in every slab
     * until the last.
     */
    private static Mask uTurns(int nz, int ny, int nx) {
        boolean[] v = new boolean[nz * ny * nx];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    boolean arm = y % 4 == 1 && (x == 1 || x == 5) && z < nz - 1;
                    boolean base = z == nz - 1 && y % 4 == 1 && x >= 1 && x <= 5;
                    int turn = z % 4; // a spiral: one side of a square ring per plane
                    boolean spiral = y >= 8 && y <= 12 && x >= 8 && x <= 12
                            && (turn == 0 && y == 8 || turn == 1 && x == 12 || turn == 2 && y == 12 || turn == 3 && x == 8);
                    v[(z * ny + y) * nx + x] = arm || base || spiral;
                }
            }
        }
        return new Mask(v, nz, ny, nx);
    }

    private static int[] readInts(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[b.remaining() / 4];
        b.asIntBuffer().get(out);
        return out;
    }

    private static int max(int[] a) {
        int m = 0;
        for (int x : a) m = Math.max(m, x);
        return m;
    }
}
