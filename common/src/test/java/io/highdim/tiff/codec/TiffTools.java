package io.highdim.tiff.codec;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the real encoders (python3 + tifffile, libtiff's tiffcp) and reads strip/tile locations via tiffdump. */
final class TiffTools {

    private TiffTools() {}

    /** Runs a command; fails the test with its output when it does not exit 0. Returns stdout. */
    static String run(Path dir, String... command) {
        try {
            return io.highdim.testkit.Oracle.run(dir, java.util.List.of(command));
        } catch (IOException e) {
            return fail(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted: " + String.join(" ", command), e);
        }
    }

    /** Runs a Python script (text) in dir, passing args; fails the test with its output when it does not exit 0. */
    static String python(Path dir, String script, String... args) {
        try {
            return io.highdim.testkit.Oracle.pythonCode(dir, script, args);
        } catch (IOException e) {
            return fail(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted: python " + String.join(" ", args), e);
        }
    }


    /** The first IFD of a TIFF as tiffdump prints it: enough to find and decode its strips or tiles. */
    record Layout(boolean bigEndian, int width, int height, int compression, int predictor, int samplesPerPixel,
            int bytesPerSample, boolean planarSeparate, boolean tiled, int blockWidth, int blockHeight,
            long[] offsets, long[] byteCounts) {

        static Layout of(Path tiff) {
            String dump = run(tiff.getParent(), "tiffdump", "-m", "1000000", tiff.toString());
            String ifd0 = dump.split("\nDirectory 1:")[0];
            boolean tiled = ifd0.contains("TileOffsets (324)");
            int width = (int) first(ifd0, "ImageWidth", 256);
            int height = (int) first(ifd0, "ImageLength", 257);
            return new Layout(
                    ifd0.contains("<big-endian>"),
                    width, height,
                    (int) first(ifd0, "Compression", 259),
                    ifd0.contains("Predictor (317)") ? (int) first(ifd0, "Predictor", 317) : 1,
                    ifd0.contains("SamplesPerPixel (277)") ? (int) first(ifd0, "SamplesPerPixel", 277) : 1,
                    (int) first(ifd0, "BitsPerSample", 258) / 8,
                    ifd0.contains("PlanarConfig (284)") && first(ifd0, "PlanarConfig", 284) == 2,
                    tiled,
                    tiled ? (int) first(ifd0, "TileWidth", 322) : width,
                    tiled ? (int) first(ifd0, "TileLength", 323)
                            : ifd0.contains("RowsPerStrip (278)") ? (int) first(ifd0, "RowsPerStrip", 278) : height,
                    values(ifd0, tiled ? "TileOffsets" : "StripOffsets", tiled ? 324 : 273),
                    values(ifd0, tiled ? "TileByteCounts" : "StripByteCounts", tiled ? 325 : 279));
        }

        Layout withBigEndian(boolean be) {
            return new Layout(be, width, height, compression, predictor, samplesPerPixel, bytesPerSample,
                    planarSeparate, tiled, blockWidth, blockHeight, offsets, byteCounts);
        }

        int blocksAcross() { return tiled ? (width + blockWidth - 1) / blockWidth : 1; }

        int blocksDown() { return (height + blockHeight - 1) / blockHeight; }

        /** Rows stored in block row {@code by}: full tiles are always padded, the last strip is not. */
        int rowsIn(int by) { return tiled ? blockHeight : Math.min(blockHeight, height - by * blockHeight); }

        private static long first(String dump, String name, int tag) {
            return values(dump, name, tag)[0];
        }

        private static long[] values(String dump, String name, int tag) {
            Matcher m = Pattern.compile("(?m)^" + name + " \\(" + tag + "\\) \\w+ \\(\\d+\\) (\\d+)<([^>]*)>")
                    .matcher(dump);
            if (!m.find()) fail("no " + name + " in tiffdump output:\n" + dump);
            long[] v = Arrays.stream(m.group(2).trim().split("\\s+")).mapToLong(Long::parseLong).toArray();
            if (v.length != Integer.parseInt(m.group(1))) fail(name + " is abbreviated in tiffdump output");
            return v;
        }
    }
}
