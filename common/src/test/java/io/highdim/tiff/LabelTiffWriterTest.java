package io.highdim.tiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.testkit.Oracle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Label volumes compressed plane by plane into part files (as tasks do), then streamed as one TIFF: read back equal
 * by tifffile (one uint32 (Z, Y, X) series), by libtiff ({@code tiffinfo -D} decodes every strip) and by our reader;
 * classic and BigTIFF alike.
 */
class LabelTiffWriterTest {
    @TempDir static Path dir;

    private record Volume(String name, int nz, int ny, int nx, int[] labels) {}

    /** A volume's TIFF, classic or forced BigTIFF, and its labels as raw little-endian uint32. */
    private record Written(Volume volume, Path tif, boolean big, Path raw) {}

    private static final List<Written> written = new ArrayList<>();

    @BeforeAll
    static void writeVolumesFromParts() throws IOException {
        SplittableRandom random = new SplittableRandom(21);
        List<Volume> volumes = List.of(
                randomLabels("random", 5, 13, 17, random),
                blobs("blobs", 9, 31, 29, random),
                randomLabels("one-plane", 1, 11, 7, random),
                randomLabels("one-voxel-planes", 6, 1, 1, random),
                new Volume("one-voxel", 1, 1, 1, new int[] {0xFFFF_FFFF}),
                new Volume("empty", 4, 9, 10, new int[4 * 9 * 10]));
        for (Volume v : volumes) {
            Path raw = dir.resolve(v.name() + ".u4");
            ByteBuffer b = ByteBuffer.allocate(4 * v.labels().length).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(v.labels());
            Files.write(raw, b.array());
            for (StreamedTiff format : new StreamedTiff[] {null, StreamedTiff.BIG}) {
                Path tif = dir.resolve(v.name() + (format == null ? "" : "-big") + ".tif");
                long[] stripBytes = writeFromParts(v, format, tif, random);
                if (format == null) assertEquals(LabelTiffWriter.bytes(v.ny(), v.nx(), stripBytes), Files.size(tif));
                written.add(new Written(v, tif, format != null, raw));
            }
        }
    }

    @Test
    void tifffileReadsOneUint32SeriesEqualToTheLabels() throws Exception {
        List<String> args = new ArrayList<>();
        for (Written w : written) {
            Volume v = w.volume();
            args.addAll(List.of(w.tif().toString(), w.raw().toString(), "" + v.nz(), "" + v.ny(), "" + v.nx()));
        }
        String tifffile = Oracle.pythonCode(dir, """
                import sys, numpy as np, tifffile
                a = sys.argv[1:]
                for i in range(0, len(a), 5):
                    tif, raw, shape = a[i], a[i + 1], tuple(int(s) for s in a[i + 2:i + 5])
                    try:
                        expected = np.fromfile(raw, dtype='<u4').reshape(shape)
                        got = tifffile.imread(tif)
                        with tifffile.TiffFile(tif) as t:
                            s = t.series[0]
                            # the pages' strips, where the file says they are, are the tasks' strips exactly
                            data = open(tif, 'rb').read()
                            strips = b''.join(data[o:o + n] for p in t.pages
                                              for o, n in zip(p.dataoffsets, p.databytecounts))
                            print(t.is_bigtiff, len(t.series), s.kind, s.axes, len(t.pages),
                                  sorted({int(p.compression) for p in t.pages}), got.dtype, list(got.shape),
                                  bool(np.array_equal(got, expected)),
                                  strips == open(tif + '.strips', 'rb').read())
                    except Exception as e:
                        print(type(e).__name__, str(e).replace('\\n', ' '))
                """, args.toArray(String[]::new));
        List<String> lines = tifffile.lines().toList();
        assertEquals(written.size(), lines.size(), tifffile);
        for (int i = 0; i < written.size(); i++) {
            Written w = written.get(i);
            Volume v = w.volume();
            assertEquals((w.big() ? "True" : "False") + " 1 shaped ZYX " + v.nz() + " [8] uint32 [" + v.nz() + ", "
                    + v.ny() + ", " + v.nx() + "] True True", lines.get(i), "tifffile on " + w.tif().getFileName());
        }
    }

    /** libtiff reads every page's one strip ({@code -D}) and says nothing is wrong. */
    @Test
    void libtiffDecodesEveryPage() throws Exception {
        for (Written w : written) {
            String out = Oracle.run(List.of("sh", "-c", "tiffinfo -D \"$0\" 2>&1", w.tif().toString()));
            String where = w.tif().getFileName() + ":\n" + out;
            Matcher m = DIRECTORY.matcher(out);
            int directories = 0;
            while (m.find()) directories++;
            assertEquals(w.volume().nz(), directories, where);
            assertTrue(!out.contains("rror") && !out.contains("arning"), where);
            assertTrue(out.contains("Compression Scheme: AdobeDeflate") && out.contains("Bits/Sample: 32")
                    && out.contains("Sample Format: unsigned integer"), where);
        }
    }

    @Test
    void ourReaderReadsThePlanesBack() throws IOException {
        for (Written w : written) {
            Volume v = w.volume();
            int plane = v.ny() * v.nx();
            try (RangeReader in = LocalFiles.open(w.tif())) {
                TiffFormatReader reader = new TiffFormatReader();
                List<ImageIndex> images = reader.index(in, ReaderOptions.defaults());
                assertEquals(1, images.size());
                ImageIndex index = images.get(0);
                assertArrayEquals(new long[] {v.nz(), 1, 1, v.ny(), v.nx()}, index.shape(), w.tif().toString());
                assertEquals(PixelType.U32, index.pixelType());
                for (int z = 0; z < v.nz(); z++) {
                    int[] read = (int[]) reader.readPlane(index, in, z, 0, 0).pixels();
                    assertArrayEquals(Arrays.copyOfRange(v.labels(), z * plane, (z + 1) * plane), read,
                            w.tif().getFileName() + " plane " + z);
                }
            }
        }
    }

    @Test
    void classicWhileTheFileFitsFourGibibytesThenBigTiff() throws IOException {
        long[] strip = {1};
        long low = 1, high = 1L << 33; // the largest strip that leaves a classic file: the sizes are monotone
        while (low < high) {
            long mid = (low + high + 1) / 2;
            strip[0] = mid;
            if (LabelTiffWriter.bytes(1, 1, strip) <= 0xFFFF_FFFFL) low = mid;
            else high = mid - 1;
        }
        for (long bytes : new long[] {low, low + 1}) {
            strip[0] = bytes;
            CountingHead out = new CountingHead();
            LabelTiffWriter.write(out, 1, 1, strip, new Zeros(bytes));
            assertEquals(LabelTiffWriter.bytes(1, 1, strip), out.count);
            ByteBuffer head = ByteBuffer.wrap(out.head).order(ByteOrder.LITTLE_ENDIAN);
            if (bytes == low) {
                assertEquals(42, head.getShort(2), "classic up to the limit");
                assertTrue(out.count > 0xFFFF_FFFFL - 8 && out.count <= 0xFFFF_FFFFL, "tight: " + out.count);
            } else {
                assertEquals(43, head.getShort(2), "BigTIFF past it");
                assertTrue(out.count > 0xFFFF_FFFFL, "past 4 GiB: " + out.count);
            }
        }
    }

    @Test
    void stripsThatDisagreeWithTheirByteCountsAreRefused() throws IOException {
        int[] plane = {1, 2, 3, 4, 5, 6};
        ByteArrayOutputStream strip = new ByteArrayOutputStream();
        long n;
        try (LabelStrips strips = new LabelStrips()) {
            n = strips.compress(plane, 0, 2, 3, strip);
        }
        byte[] bytes = strip.toByteArray();
        assertEquals(bytes.length, n);
        OutputStream sink = OutputStream.nullOutputStream();
        assertThrows(EOFException.class, () ->
                LabelTiffWriter.write(sink, 2, 3, new long[] {n + 1}, new ByteArrayInputStream(bytes)));
        assertThrows(IllegalArgumentException.class, () ->
                LabelTiffWriter.write(sink, 2, 3, new long[] {n - 1}, new ByteArrayInputStream(bytes)));
    }

    /**
     * Cuts the volume into 1 to 3 slabs, each compressed into a part file of its own; writes the TIFF from them, and
     * all strips back to back beside it ({@code .strips}).
     */
    private static long[] writeFromParts(Volume v, StreamedTiff format, Path tif, SplittableRandom random)
            throws IOException {
        int plane = v.ny() * v.nx();
        long[] stripBytes = new long[v.nz()];
        List<Path> parts = new ArrayList<>();
        int z = 0;
        while (z < v.nz()) {
            int z1 = Math.min(v.nz(), z + 1 + random.nextInt(Math.max(1, v.nz() / 2)));
            Path part = dir.resolve(tif.getFileName() + ".part" + parts.size());
            try (LabelStrips strips = new LabelStrips(); OutputStream out = Files.newOutputStream(part)) {
                for (; z < z1; z++) stripBytes[z] = strips.compress(v.labels(), z * plane, v.ny(), v.nx(), out);
            }
            parts.add(part);
        }
        List<InputStream> ins = new ArrayList<>();
        try (OutputStream all = Files.newOutputStream(Path.of(tif + ".strips"))) {
            for (Path p : parts) {
                ins.add(Files.newInputStream(p));
                Files.copy(p, all);
            }
        }
        try (InputStream strips = new SequenceInputStream(Collections.enumeration(ins));
                OutputStream out = Files.newOutputStream(tif)) {
            LabelTiffWriter.write(out, v.ny(), v.nx(), stripBytes, strips, format);
        }
        return stripBytes;
    }

    private static final Pattern DIRECTORY = Pattern.compile("TIFF Directory at offset");

    /** Labels from the whole uint32 range: 0, past 65535, and 0xFFFFFFFF among them. */
    private static Volume randomLabels(String name, int nz, int ny, int nx, SplittableRandom random) {
        int[] labels = new int[nz * ny * nx];
        int[] special = {0, 0xFFFF_FFFF, 65535, 65536, 1};
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(3) == 0 ? special[random.nextInt(special.length)] : random.nextInt();
        }
        return new Volume(name, nz, ny, nx, labels);
    }

    /** Balls of one label each (large labels, the last 0xFFFFFFFF), overlapping ones overwriting: runs to compress. */
    private static Volume blobs(String name, int nz, int ny, int nx, SplittableRandom random) {
        int[] labels = new int[nz * ny * nx];
        int n = 12;
        for (int k = 0; k < n; k++) {
            int label = k == n - 1 ? 0xFFFF_FFFF : 70_000 + 1000 * k;
            int cz = random.nextInt(nz), cy = random.nextInt(ny), cx = random.nextInt(nx), r = 2 + random.nextInt(5);
            for (int z = 0; z < nz; z++) {
                for (int y = 0; y < ny; y++) {
                    for (int x = 0; x < nx; x++) {
                        int dz = z - cz, dy = y - cy, dx = x - cx;
                        if (dz * dz + dy * dy + dx * dx <= r * r) labels[(z * ny + y) * nx + x] = label;
                    }
                }
            }
        }
        return new Volume(name, nz, ny, nx, labels);
    }

    /** {@code bytes} zeros, without filling anything: the reader's buffer stays as it came. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long bytes) {
            left = bytes;
        }

        @Override
        public int read() {
            if (left == 0) return -1;
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) return -1;
            int k = (int) Math.min(len, left);
            left -= k;
            return k;
        }
    }

    /** Counts what is written and keeps its first 16 bytes. */
    private static final class CountingHead extends OutputStream {
        final byte[] head = new byte[16];
        long count;

        @Override
        public void write(int b) {
            if (count < head.length) head[(int) count] = (byte) b;
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = 0; i < len && count + i < head.length; i++) head[(int) count + i] = b[off + i];
            count += len;
        }
    }
}
