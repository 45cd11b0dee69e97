package io.highdim.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.highdim.testkit.Oracle;
import io.highdim.tiff.PixelType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Labels with small objects removed and the rest renumbered equal scikit-image 0.19's
 * {@code label(remove_small_objects(mask, min_size=N, connectivity=k), connectivity=k)} voxel for voxel, for k = 1, 2,
 * 3; the voxel counts taken from the whole volume or from slabs merged by {@link ObjectMeasures}.
 */
class SmallObjectsTest {
    private static final int[] CONNECTIVITIES = {6, 18, 26};
    private static final long[] MIN_VOXELS = {0, 1, 2, 3, 7, 40};

    @Test
    void equalsScikitImage(@TempDir Path dir) throws Exception {
        SplittableRandom random = new SplittableRandom(33);
        List<boolean[]> masks = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        StringBuilder args = new StringBuilder();
        for (int k = 0; k < 6; k++) {
            int nz = 2 + random.nextInt(10), ny = 4 + random.nextInt(20), nx = 4 + random.nextInt(20);
            double density = 0.1 + 0.25 * random.nextDouble();
            boolean[] m = new boolean[nz * ny * nx];
            byte[] bytes = new byte[m.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = random.nextDouble() < density;
                bytes[i] = (byte) (m[i] ? 1 : 0);
            }
            masks.add(m);
            shapes.add(new int[] {nz, ny, nx});
            Files.write(dir.resolve("m" + k), bytes);
            args.append("m").append(k).append(' ').append(nz).append(' ').append(ny).append(' ').append(nx).append(' ');
        }
        Oracle.pythonCode(dir, """
                import sys, warnings, numpy as np
                from skimage.measure import label
                from skimage.morphology import remove_small_objects
                warnings.simplefilter('ignore')
                a = sys.argv[1:]
                for i in range(0, len(a), 4):
                    name, shape = a[i], tuple(int(s) for s in a[i + 1:i + 4])
                    mask = np.fromfile(name, dtype=np.uint8).reshape(shape).astype(bool)
                    for c in (1, 2, 3):
                        for n in (%s):
                            kept = remove_small_objects(mask, min_size=n, connectivity=c)
                            label(kept, connectivity=c).astype('<i4').tofile(f"{name}.c{c}.n{n}")
                """.formatted(String.join(", ", Arrays.stream(MIN_VOXELS).mapToObj(Long::toString).toList())),
                args.toString().trim().split(" "));
        for (int k = 0; k < masks.size(); k++) {
            int[] s = shapes.get(k);
            for (int c = 0; c < 3; c++) {
                int[] labels = new int[masks.get(k).length];
                int n = ConnectedComponents.label(masks.get(k), s[0], s[1], s[2], CONNECTIVITIES[c], labels);
                long[] whole = new long[n + 1];
                for (int l : labels) whole[l]++;
                long[] slabs = voxelsBySlabs(masks.get(k), s, CONNECTIVITIES[c], random);
                for (long minVoxels : MIN_VOXELS) {
                    int[] expected = readInts(dir.resolve("m" + k + ".c" + (c + 1) + ".n" + minVoxels));
                    String what = "mask " + k + ", connectivity " + CONNECTIVITIES[c] + ", min voxels " + minVoxels;
                    assertArrayEquals(expected, renumbered(labels, SmallObjects.renumbering(whole, minVoxels)), what);
                    assertArrayEquals(expected, renumbered(labels, SmallObjects.renumbering(slabs, minVoxels)),
                            what + ", counts from slabs");
                }
            }
        }
    }

    @Test
    void negativeMinimumRefused() {
        assertThrows(IllegalArgumentException.class, () -> SmallObjects.renumbering(new long[3], -1));
    }

    /** The volume's voxel counts by label, from slabs of 1–3 planes labelled and measured alone, then merged. */
    private static long[] voxelsBySlabs(boolean[] mask, int[] s, int connectivity, SplittableRandom random) {
        int plane = s[1] * s[2];
        List<int[]> slabLabels = new ArrayList<>();
        List<ObjectMeasures> measures = new ArrayList<>();
        List<Integer> objects = new ArrayList<>();
        for (int z0 = 0; z0 < s[0]; ) {
            int z1 = Math.min(s[0], z0 + 1 + random.nextInt(3));
            int[] labels = new int[(z1 - z0) * plane];
            int n = ConnectedComponents.label(Arrays.copyOfRange(mask, z0 * plane, z1 * plane), z1 - z0, s[1], s[2],
                    connectivity, labels);
            ObjectMeasures m = new ObjectMeasures(n, new PixelType[] {PixelType.U8}, 0);
            for (int z = z0; z < z1; z++) m.addLabels(labels, (z - z0) * plane, z, s[1], s[2]);
            slabLabels.add(labels);
            measures.add(m);
            objects.add(n);
            z0 = z1;
        }
        List<int[]> touching = new ArrayList<>();
        for (int k = 0; k + 1 < slabLabels.size(); k++) {
            int[] above = slabLabels.get(k);
            touching.add(Slabs.touching(Arrays.copyOfRange(above, above.length - plane, above.length),
                    Arrays.copyOf(slabLabels.get(k + 1), plane), s[1], s[2], connectivity));
        }
        int[][] numbers = Slabs.volumeNumbers(objects.stream().mapToInt(Integer::intValue).toArray(), touching);
        int total = Arrays.stream(numbers).flatMapToInt(Arrays::stream).max().orElse(0);
        ObjectMeasures global = new ObjectMeasures(total, new PixelType[] {PixelType.U8}, 0);
        for (int k = 0; k < measures.size(); k++) measures.get(k).mergeInto(global, numbers[k]);
        return global.voxelCounts();
    }

    private static int[] renumbered(int[] labels, int[] number) {
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) out[i] = number[labels[i]];
        return out;
    }

    private static int[] readInts(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[b.remaining() / 4];
        b.asIntBuffer().get(out);
        return out;
    }
}
