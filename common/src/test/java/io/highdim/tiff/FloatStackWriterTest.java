package io.highdim.tiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.highdim.testkit.Oracle;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Score TIFFs read back bit for bit by tifffile (as the (k, Y, X) series of an ImageJ file) and by our reader. */
class FloatStackWriterTest {
    @TempDir Path dir;

    @Test
    void tifffileAndOurReaderReadThePlanesBack() throws Exception {
        for (int k : new int[] {1, 3}) {
            int width = 7, height = 5; // odd sizes: no alignment hides an offset error
            float[][] planes = new float[k][width * height];
            Random random = new Random(k);
            for (float[] p : planes) for (int i = 0; i < p.length; i++) p[i] = (float) random.nextGaussian() * 1e3f;
            planes[0][3] = Float.NaN;
            Path file = dir.resolve("k" + k + ".tif");
            try (OutputStream out = Files.newOutputStream(file)) {
                FloatStackWriter.write(out, width, height, planes);
            }
            assertEquals(FloatStackWriter.bytes(width, height, k), Files.size(file));

            StringBuilder expected = new StringBuilder();
            for (float[] p : planes) for (float v : p) expected.append(Float.floatToRawIntBits(v)).append(' ');
            String tifffile = Oracle.pythonCode(null, "import sys, tifffile\n"
                    + "with tifffile.TiffFile(sys.argv[1]) as t:\n"
                    + "  s = t.series[0]; a = s.asarray()\n"
                    + "  print(s.axes, list(a.shape), a.dtype, t.is_imagej)\n"
                    + "  print(' '.join(str(v) for v in a.reshape(-1).view('<i4')))", file.toString());
            List<String> lines = tifffile.lines().toList();
            assertEquals(k == 1 ? "YX [5, 7] float32 True" : "CYX [3, 5, 7] float32 True", lines.get(0));
            assertEquals(expected.toString().trim(), lines.get(1), "every value, bit for bit");

            try (RangeReader in = LocalFiles.open(file)) {
                ImageIndex index = new TiffFormatReader().index(in, ReaderOptions.defaults()).get(0);
                assertEquals(k, index.sizeC());
                for (int c = 0; c < k; c++) {
                    float[] read = (float[]) new TiffFormatReader().readPlane(index, in, 0, 0, c).pixels();
                    for (int i = 0; i < width * height; i++) {
                        assertEquals(Float.floatToRawIntBits(planes[c][i]), Float.floatToRawIntBits(read[i]));
                    }
                }
            }
        }
    }
}
