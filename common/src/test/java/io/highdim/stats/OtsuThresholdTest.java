package io.highdim.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

/** Otsu's threshold of integer volumes equals scikit-image's threshold_otsu on the same voxels (python3-skimage). */
class OtsuThresholdTest {
    private record Volume(String dtype, int[] values, int min, int max) {}

    @Test
    void equalsScikitImageOnIntegerVolumes(@TempDir Path dir) throws Exception {
        SplittableRandom random = new SplittableRandom(20261207);
        List<Volume> volumes = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            String dtype = k % 3 == 0 ? "uint8" : k % 3 == 1 ? "uint16" : "int16";
            int min = dtype.equals("uint8") ? 0 : dtype.equals("uint16") ? 0 : -32768;
            int max = dtype.equals("uint8") ? 255 : dtype.equals("uint16") ? 65535 : 32767;
            int n = 1 + random.nextInt(k < 5 ? 20 : 20_000);
            // two populations (background and objects) of random means and spreads, clipped to the type
            int span = k % 2 == 0 ? 200 : Math.min(max - min, 60_000);
            int a = min + random.nextInt(Math.max(1, (max - min) - span + 1));
            double m1 = a + random.nextDouble() * span * 0.3, m2 = a + span * (0.5 + random.nextDouble() * 0.5);
            double s1 = 1 + random.nextDouble() * span * 0.1, s2 = 1 + random.nextDouble() * span * 0.1;
            double share = random.nextDouble();
            int[] v = new int[n];
            for (int i = 0; i < n; i++) {
                double g = gaussian(random) * (random.nextDouble() < share ? s1 : s2);
                double x = (random.nextDouble() < share ? m1 : m2) + g;
                v[i] = (int) Math.max(min, Math.min(max, Math.round(x)));
            }
            volumes.add(new Volume(dtype, v, min, max));
        }
        volumes.add(new Volume("uint16", new int[] {7, 7, 7}, 0, 65535));          // one value: itself
        volumes.add(new Volume("uint8", new int[] {3, 200, 3, 200}, 0, 255));      // two values, a tie-free split
        volumes.add(new Volume("int16", new int[] {-5, -5, 9, 9, 2}, -32768, 32767));

        StringBuilder names = new StringBuilder();
        for (int k = 0; k < volumes.size(); k++) {
            Volume vol = volumes.get(k);
            Path file = dir.resolve("v" + k + "." + vol.dtype());
            write(file, vol);
            names.append(file.getFileName()).append(' ');
        }
        String out = Oracle.pythonCode(dir, """
                import sys, numpy as np
                from skimage.filters import threshold_otsu
                for name in sys.argv[1:]:
                    v = np.fromfile(name, dtype=np.dtype(name.split('.')[1]).newbyteorder('<'))
                    print(int(threshold_otsu(v)))
                """, names.toString().trim().split(" "));
        String[] expected = out.strip().split("\\s+");
        assertEquals(volumes.size(), expected.length, out);
        for (int k = 0; k < volumes.size(); k++) {
            Volume vol = volumes.get(k);
            long[] counts = new long[vol.max() - vol.min() + 1];
            for (int x : vol.values()) counts[x - vol.min()]++;
            assertEquals(Long.parseLong(expected[k]), OtsuThreshold.ofCounts(counts, vol.min()),
                    "volume " + k + " (" + vol.dtype() + ", " + vol.values().length + " voxels)");
        }
    }

    @Test
    void noVoxelNoThreshold() {
        assertThrows(IllegalArgumentException.class, () -> OtsuThreshold.ofCounts(new long[5], 0));
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static void write(Path file, Volume vol) throws IOException {
        int size = vol.dtype().equals("uint8") ? 1 : 2;
        ByteBuffer b = ByteBuffer.allocate(vol.values().length * size).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : vol.values()) {
            if (size == 1) b.put((byte) x); else b.putShort((short) x);
        }
        Files.write(file, b.array());
    }
}
