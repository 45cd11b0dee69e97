package io.highdim.tiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.testkit.Oracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Files written now by tifffile (shaped, ImageJ, OME, plain, every pixel type, planar and chunky samples, both
 * byte orders, BigTIFF) and re-encoded by libtiff's tiffcp (LZW, Deflate, PackBits, Zstd, predictors 2 and 3,
 * tiles, strips, BigTIFF, big-endian): each must read back as exactly the planes numpy holds. Tiled planar-separate
 * files of 16 to 64 bits (uncompressed, Deflate, Deflate + predictor, both byte orders) are written tiled by
 * tifffile and read as written.
 */
class RoundTripFlavoursTest {
    private static Path dir;

    /**
     * tiffcp arguments per variant; %P is the predictor: 2 for integers, 3 (floating point) for floats. %B is
     * ":2" for integers and nothing for floats: libtiff 4.5's tiffcp writes wrong bytes for big-endian output
     * with predictor 3 (it swaps before predicting), so that pair has no oracle here; the codec tests cover
     * big-endian predictor 3 with a file made correctly.
     */
    private static final String[][] VARIANTS = {
        {"as-written"},
        {"lzw+predictor", "-c", "lzw:%P"},
        {"deflate+predictor", "-c", "zip:%P"},
        {"packbits", "-c", "packbits"},
        {"zstd+predictor", "-c", "zstd:%P"},
        {"deflate-7-row-strips", "-c", "zip", "-r", "7"},
        {"tiles-16", "-t", "-w", "16", "-l", "16"},
        {"bigtiff", "-8"},
        {"bigendian-tiled-lzw+predictor-bigtiff", "-B", "-8", "-t", "-w", "16", "-l", "32", "-c", "lzw%B"},
        {"littleendian-zstd-tiles", "-L", "-t", "-w", "32", "-l", "16", "-c", "zstd"},
    };

    @BeforeAll
    static void writeFiles() throws Exception {
        dir = Files.createTempDirectory("flavours");
        Oracle.python("write_flavours.py", dir.toString());
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFlavourReadsBackTheNumpyPlanes() throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode entry : manifest) {
            for (String[] variant : VARIANTS) {
                if (libtiffGarblesTiling(entry, variant)) continue;
                if (variant.length > 1 && !entry.path("tiffcp").asBoolean(true)) continue; // read as tifffile wrote it
                String name = entry.get("file").asText() + " / " + variant[0];
                tests.add(DynamicTest.dynamicTest(name, () -> check(entry, variant)));
            }
        }
        return tests.stream();
    }

    /**
     * libtiff 4.5's tiffcp scrambles the pixels when it tiles planar-separate RGB pages of more than 8 bits
     * (tifffile reads its output the same wrong way we do), so those pairs have no oracle. Tiled planar samples
     * of every width are covered by the tiled_planar_* files tifffile writes itself (read as written).
     */
    private static boolean libtiffGarblesTiling(JsonNode entry, String[] variant) {
        String file = entry.get("file").asText();
        boolean planarSamples = (file.contains("c3samples") && !file.contains("int8")) || file.contains("_zsyx_");
        return planarSamples && List.of(variant).contains("-t");
    }

    private static void check(JsonNode entry, String[] variant) throws Exception {
        Path source = dir.resolve(entry.get("file").asText());
        Path file = source;
        if (variant.length > 1) {
            file = dir.resolve(variant[0] + "-" + source.getFileName());
            List<String> cmd = new ArrayList<>(List.of("tiffcp"));
            String predictor = entry.get("float").asBoolean() ? "3" : "2";
            String integerPredictor = entry.get("float").asBoolean() ? "" : ":2";
            for (int i = 1; i < variant.length; i++) {
                cmd.add(variant[i].replace("%P", predictor).replace("%B", integerPredictor));
            }
            cmd.add(source.toString());
            cmd.add(file.toString());
            Oracle.run(cmd);
        }
        ReaderOptions options = ReaderOptions.defaults();
        if (!entry.get("axes").isNull()) options = options.withAxes(entry.get("axes").asText());
        TiffFormatReader reader = new TiffFormatReader();
        try (RangeReader in = LocalFiles.open(file)) {
            ImageIndex image = reader.index(in, options).get(0);
            JsonNode shape = entry.get("shape");
            assertEquals(List.of(shape.get(0).asInt(), shape.get(1).asInt(), shape.get(2).asInt(), shape.get(3).asInt(),
                            shape.get(4).asInt()),
                    List.of(image.sizeZ(), image.sizeT(), image.sizeC(), image.height(), image.width()),
                    "Z, T, C, Y, X from " + image.dimensionSource());
            assertEquals(entry.get("dtype").asText(), image.pixelType().numpyName());
            JsonNode planes = entry.get("planes");
            int i = 0;
            for (int z = 0; z < image.sizeZ(); z++)
                for (int t = 0; t < image.sizeT(); t++)
                    for (int c = 0; c < image.sizeC(); c++, i++) {
                        Plane p = reader.readPlane(image, in, z, t, c);
                        assertEquals(planes.get(i).asText(), PlaneChecksums.sha256(p),
                                file.getFileName() + " plane z=" + z + " t=" + t + " c=" + c);
                    }
        }
    }
}
