package io.highdim.tiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The edge cases of the dimension rules, in files written now by tifffile (oracle/write_dimension_cases.py, some
 * with hand-made ImageJ or OME metadata): 5D tifffile shapes with dimensions of size 1 (Z, T, C whatever their
 * sizes), RGB variants, shorter and longer shapes; metadata set aside for plain pages; several images per file. For
 * each image: Z, T, C, Y, X, pixel type, dimension source, every (z, t, c) plane's sha256 against numpy's (or
 * tifffile's) array, and exactly the warnings of that image.
 */
class DimensionRulesTest {
    private static Path dir;

    @BeforeAll
    static void writeFiles() throws Exception {
        dir = Files.createTempDirectory("dimension-cases");
        Oracle.python("write_dimension_cases.py", dir.toString());
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseReadsAsTheRulesSay() throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode entry : manifest) {
            tests.add(DynamicTest.dynamicTest(entry.get("file").asText(), () -> check(entry)));
        }
        return tests.stream();
    }

    private static void check(JsonNode entry) throws Exception {
        Path file = dir.resolve(entry.get("file").asText());
        ReaderOptions options = ReaderOptions.defaults();
        if (!entry.get("axes").isNull()) options = options.withAxes(entry.get("axes").asText());
        TiffFormatReader reader = new TiffFormatReader();
        try (RangeReader in = LocalFiles.open(file)) {
            List<ImageIndex> images = reader.index(in, options);
            JsonNode want = entry.get("images");
            assertEquals(want.size(), images.size(), "images in " + file.getFileName());
            for (int i = 0; i < images.size(); i++) {
                ImageIndex image = images.get(i);
                JsonNode w = want.get(i);
                String what = file.getFileName() + " image " + i;
                assertEquals(i, image.series(), what);
                assertEquals(images.size(), image.imageCount(), what + ": image count");
                List<Integer> shape = new ArrayList<>();
                w.get("shape").forEach(n -> shape.add(n.asInt()));
                assertEquals(shape, List.of(image.sizeZ(), image.sizeT(), image.sizeC(), image.height(), image.width()),
                        what + ": Z, T, C, Y, X (tifffile says " + entry.get("tifffile") + ")");
                assertEquals(w.get("dtype").asText(), image.pixelType().numpyName(), what + ": pixel type");
                assertEquals(w.get("source").asText(), image.dimensionSource(), what + ": dimension source");
                checkWarnings(what, w.get("warnings"), image.warnings());
                PlaneChecksums.assertPlanes(reader, in, image, w.get("planes"), what);
            }
        }
    }

    /** The image has exactly as many warnings as expected, each containing the expected text, in order. */
    private static void checkWarnings(String what, JsonNode expected, List<String> actual) {
        assertEquals(expected.size(), actual.size(), what + ": warnings " + actual);
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(actual.get(i).contains(expected.get(i).asText()), what + ": warning " + i + " is '"
                    + actual.get(i) + "', expected it to say '" + expected.get(i).asText() + "'");
        }
    }
}
