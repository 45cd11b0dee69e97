package io.highdim.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.highdim.stats.PythonOracle;
import io.highdim.tiff.PixelType;
import io.highdim.tiff.Plane;
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
 * Per-object measures equal scikit-image 0.19's {@code regionprops_table} (area, centroid, bbox, intensity min, max
 * and mean of the segmented channel) and numpy's mean of every channel over each object, for uint8, uint16, int16
 * and float32 volumes (NaN background, +inf inside objects); measured whole or as slabs labelled alone and merged
 * through {@link Slabs}' local-to-global maps, in any order. The oracle reads the channels as float64, so its means are
 * float64 means (numpy's mean of float32 data would sum in float32).
 */
class ObjectMeasuresTest {
    private static final double RELATIVE = 1e-9;

    /** A (t) volume: channels[c][z] planes of one pixel type; channel {@code seg} segmented at {@code threshold}. */
    private record Volume(PixelType type, int nz, int ny, int nx, Plane[][] channels, int seg, double threshold,
                          int connectivity) {
        boolean[] mask() {
            int plane = ny * nx;
            boolean[] m = new boolean[nz * plane];
            for (int z = 0; z < nz; z++) {
                for (int i = 0; i < plane; i++) m[z * plane + i] = channels[seg][z].valueAt(i) > threshold; // NaN: no
            }
            return m;
        }

        Plane[] planesAt(int z) {
            Plane[] out = new Plane[channels.length];
            for (int c = 0; c < out.length; c++) out[c] = channels[c][z];
            return out;
        }

        PixelType[] types() {
            PixelType[] t = new PixelType[channels.length];
            Arrays.fill(t, type);
            return t;
        }
    }

    private static final String ORACLE = """
            import sys, json, warnings
            import numpy as np
            from skimage.measure import regionprops_table
            warnings.simplefilter('ignore')
            a = sys.argv[1:]
            out = []
            for i in range(0, len(a), 7):
                name, dtype, channels, seg = a[i], a[i + 1], int(a[i + 2]), int(a[i + 3])
                shape = tuple(int(s) for s in a[i + 4:i + 7])
                lab = np.fromfile(name + ".labels", dtype='<i4').reshape(shape)
                ch = [np.fromfile(f"{name}.c{c}", dtype=dtype).reshape(shape).astype(np.float64)
                      for c in range(channels)]
                t = regionprops_table(lab, intensity_image=ch[seg], properties=(
                    'label', 'area', 'centroid', 'bbox', 'intensity_min', 'intensity_max', 'intensity_mean'))
                labels = [int(x) for x in t['label']]
                out.append({
                    "label": labels, "area": [int(x) for x in t['area']],
                    "centroid": [[float(t[f'centroid-{k}'][j]) for k in range(3)] for j in range(len(labels))],
                    "bbox": [[int(t[f'bbox-{k}'][j]) for k in range(6)] for j in range(len(labels))],
                    "min": [float(x) for x in t['intensity_min']], "max": [float(x) for x in t['intensity_max']],
                    "mean": [float(x) for x in t['intensity_mean']],
                    "sum": [float(np.sum(ch[seg][lab == L])) for L in labels],
                    "means": [[float(np.mean(c[lab == L])) for c in ch] for L in labels]})
            print(json.dumps(out))
            """;

    @Test
    void equalScikitImageWholeAndBySlabs(@TempDir Path dir) throws Exception {
        SplittableRandom random = new SplittableRandom(21);
        List<Volume> volumes = new ArrayList<>();
        PixelType[] types = {PixelType.U8, PixelType.U16, PixelType.I16, PixelType.F32};
        for (int k = 0; k < 16; k++) volumes.add(blobs(random, types[k % types.length], new int[] {6, 18, 26}[k % 3]));
        List<String> args = new ArrayList<>();
        List<int[]> labelsOf = new ArrayList<>();
        List<Integer> objectsOf = new ArrayList<>();
        for (int k = 0; k < volumes.size(); k++) {
            Volume v = volumes.get(k);
            int[] labels = new int[v.nz() * v.ny() * v.nx()];
            objectsOf.add(ConnectedComponents.label(v.mask(), v.nz(), v.ny(), v.nx(), v.connectivity(), labels));
            labelsOf.add(labels);
            ByteBuffer b = ByteBuffer.allocate(labels.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(labels);
            Files.write(dir.resolve("v" + k + ".labels"), b.array());
            for (int c = 0; c < v.channels().length; c++) {
                PythonOracle.writeRaw(dir.resolve("v" + k + ".c" + c), List.of(v.channels()[c]));
            }
            args.addAll(List.of(dir.resolve("v" + k).toString(), PythonOracle.dtype(v.type()),
                    "" + v.channels().length, "" + v.seg(), "" + v.nz(), "" + v.ny(), "" + v.nx()));
        }
        JsonNode expected = PythonOracle.run(ORACLE, args.toArray(String[]::new));
        int objectsSeen = 0;
        for (int k = 0; k < volumes.size(); k++) {
            Volume v = volumes.get(k);
            ObjectMeasures whole = new ObjectMeasures(objectsOf.get(k), v.types(), v.seg());
            int plane = v.ny() * v.nx();
            for (int z = 0; z < v.nz(); z++) whole.addPlane(labelsOf.get(k), z * plane, z, v.ny(), v.nx(), v.planesAt(z));
            String what = "volume " + k + " (" + v.type() + ", connectivity " + v.connectivity() + ")";
            assertEqualsOracle(expected.get(k), whole, v, what + ", whole");
            for (int cut = 1; cut <= 3; cut++) {
                assertEqualsOracle(expected.get(k), bySlabs(v, cuts(v.nz(), cut, random), random), v,
                        what + ", slabs of up to " + cut + " planes");
            }
            objectsSeen += whole.objects();
        }
        assertTrue(objectsSeen > 80, objectsSeen + " objects"); // most blobs separate
    }

    /** Each slab labelled and measured alone, then merged into the volume's measures in a random order of slabs. */
    private static ObjectMeasures bySlabs(Volume v, List<Integer> starts, SplittableRandom random) {
        int plane = v.ny() * v.nx();
        boolean[] mask = v.mask();
        List<int[]> slabLabels = new ArrayList<>();
        List<ObjectMeasures> slabMeasures = new ArrayList<>();
        int[] objects = new int[starts.size()];
        for (int k = 0; k < starts.size(); k++) {
            int z0 = starts.get(k), z1 = k + 1 < starts.size() ? starts.get(k + 1) : v.nz();
            int[] labels = new int[(z1 - z0) * plane];
            objects[k] = ConnectedComponents.label(Arrays.copyOfRange(mask, z0 * plane, z1 * plane), z1 - z0, v.ny(),
                    v.nx(), v.connectivity(), labels);
            ObjectMeasures m = new ObjectMeasures(objects[k], v.types(), v.seg());
            for (int z = z0; z < z1; z++) m.addPlane(labels, (z - z0) * plane, z, v.ny(), v.nx(), v.planesAt(z));
            slabLabels.add(labels);
            slabMeasures.add(m);
        }
        List<int[]> touching = new ArrayList<>();
        for (int k = 0; k + 1 < starts.size(); k++) {
            int[] above = slabLabels.get(k), below = slabLabels.get(k + 1);
            touching.add(Slabs.touching(Arrays.copyOfRange(above, above.length - plane, above.length),
                    Arrays.copyOf(below, plane), v.ny(), v.nx(), v.connectivity()));
        }
        int[][] numbers = Slabs.volumeNumbers(objects, touching);
        int total = 0;
        for (int[] n : numbers) for (int g : n) total = Math.max(total, g);
        ObjectMeasures global = new ObjectMeasures(total, v.types(), v.seg());
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < starts.size(); k++) order.add(k);
        java.util.Collections.shuffle(order, new java.util.Random(random.nextLong()));
        for (int k : order) slabMeasures.get(k).mergeInto(global, numbers[k]);
        return global;
    }

    private static void assertEqualsOracle(JsonNode want, ObjectMeasures m, Volume v, String what) {
        int n = want.get("label").size();
        assertEquals(n, m.objects(), what + ": objects");
        for (int j = 0; j < n; j++) {
            int l = want.get("label").get(j).asInt();
            assertEquals(j + 1, l, what);
            String obj = what + ", object " + l;
            assertEquals(want.get("area").get(j).asLong(), m.voxels(l), obj + ": voxels");
            JsonNode box = want.get("bbox").get(j);
            int[] bbox = {m.zMin(l), m.yMin(l), m.xMin(l), m.zEnd(l), m.yEnd(l), m.xEnd(l)};
            for (int i = 0; i < 6; i++) assertEquals(box.get(i).asInt(), bbox[i], obj + ": bbox-" + i);
            JsonNode centroid = want.get("centroid").get(j);
            close(centroid.get(0).asDouble(), m.centroidZ(l), obj + ": centroid z");
            close(centroid.get(1).asDouble(), m.centroidY(l), obj + ": centroid y");
            close(centroid.get(2).asDouble(), m.centroidX(l), obj + ": centroid x");
            assertEquals(want.get("min").get(j).asDouble(), m.min(l), obj + ": min");
            assertEquals(want.get("max").get(j).asDouble(), m.max(l), obj + ": max");
            close(want.get("mean").get(j).asDouble(), m.mean(l), obj + ": mean");
            close(want.get("sum").get(j).asDouble(), m.sum(l), obj + ": sum");
            for (int c = 0; c < v.channels().length; c++) {
                close(want.get("means").get(j).get(c).asDouble(), m.channelMean(l, c), obj + ": channel " + c + " mean");
            }
        }
    }

    private static void close(double expected, double actual, String what) {
        if (Double.compare(expected, actual) == 0) return;
        assertTrue(Math.abs(expected - actual) <= RELATIVE * Math.max(Math.abs(expected), Math.abs(actual)),
                what + ": expected " + expected + ", was " + actual);
    }

    private static List<Integer> cuts(int nz, int step, SplittableRandom random) {
        List<Integer> starts = new ArrayList<>();
        for (int z = 0; z < nz; z += step == 1 ? 1 : 1 + random.nextInt(step)) starts.add(z);
        return starts;
    }

    /**
     * Spheres of random centers and radii over noise, in two or three channels (each with its own brightness per
     * blob), the segmented one thresholded between background and blobs. Float32: NaN in the background, a few +inf
     * inside blobs, some NaN inside blobs of the other channels.
     */
    private static Volume blobs(SplittableRandom random, PixelType type, int connectivity) {
        int nz = 4 + random.nextInt(14), ny = 12 + random.nextInt(30), nx = 12 + random.nextInt(30);
        int channels = 2 + random.nextInt(2), seg = random.nextInt(channels);
        int count = 3 + random.nextInt(25);
        double[][] blob = new double[count][];
        for (int b = 0; b < count; b++) {
            blob[b] = new double[] {random.nextDouble() * nz, random.nextDouble() * ny, random.nextDouble() * nx,
                    1 + random.nextDouble() * 3.5};
        }
        double low = switch (type) {
            case U8 -> 10; case U16 -> 1000; case I16 -> -20000; default -> 0.5;
        };
        double high = switch (type) {
            case U8 -> 200; case U16 -> 60000; case I16 -> 30000; default -> 1e4;
        };
        Plane[][] planes = new Plane[channels][nz];
        int plane = ny * nx;
        for (int c = 0; c < channels; c++) {
            double[] brightness = new double[count];
            for (int b = 0; b < count; b++) brightness[b] = 0.5 + 0.5 * random.nextDouble();
            for (int z = 0; z < nz; z++) {
                double[] values = new double[plane];
                for (int y = 0; y < ny; y++) {
                    for (int x = 0; x < nx; x++) {
                        double in = 0;
                        for (int b = 0; b < count; b++) {
                            double dz = z - blob[b][0], dy = y - blob[b][1], dx = x - blob[b][2];
                            if (dz * dz + dy * dy + dx * dx <= blob[b][3] * blob[b][3]) in = Math.max(in, brightness[b]);
                        }
                        double noise = random.nextDouble() * 0.3;
                        values[y * nx + x] = low + (high - low) * (in > 0 ? 0.4 + 0.6 * in * (0.9 + 0.1 * noise) : noise);
                    }
                }
                planes[c][z] = toPlane(type, ny, nx, values, random, c == seg);
            }
        }
        double threshold = low + (high - low) * 0.35;
        return new Volume(type, nz, ny, nx, planes, seg, threshold, connectivity);
    }

    private static Plane toPlane(PixelType type, int ny, int nx, double[] values, SplittableRandom random,
                                 boolean segmented) {
        int n = values.length;
        switch (type) {
            case U8: {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) a[i] = (byte) Math.round(values[i]);
                return new Plane(type, nx, ny, a);
            }
            case U16: case I16: {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) a[i] = (short) Math.round(values[i]);
                return new Plane(type, nx, ny, a);
            }
            default: {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    float f = (float) values[i];
                    boolean background = values[i] < 0.35 * 1e4;
                    double r = random.nextDouble();
                    if (background && r < 0.2) f = Float.NaN;
                    else if (!background && segmented && r < 0.01) f = Float.POSITIVE_INFINITY;
                    else if (!background && !segmented && r < 0.01) f = Float.NaN;
                    a[i] = f;
                }
                return new Plane(type, nx, ny, a);
            }
        }
    }
}
