package io.highdim.tiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.testkit.Oracle;
import io.highdim.tiff.ImageReadException.Reason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file of ../shared/external-tiff (written by ImageJ, Bio-Formats, Micro-Manager, libtiff, tifffile, ...)
 * against what tifffile + numpy found in it (expected.json): pixel type, Z/T/C/Y/X and every stored plane's sha256;
 * where the dimensions are in scope, also which plane each (z, t, c) of every image is, against tifffile's series
 * read now (oracle/corpus_planes.py maps its axes to Z, T, C); refused files with their typed reason.
 */
class ExternalTiffCorpusTest {

    /**
     * Files whose Z, T, C, Y, X differ from tifffile's series by a documented rule of ours, not by accident.
     * shaped_yxq_f32_256pages: tifffile's JSON names the array Y, X, Q but stores it as 256 pages of 256 x 2;
     * highdim reads planes as stored, so the pages are Z and each page is 256 (Y) x 2 (X).
     */
    private static final Map<String, int[]> OUR_RULE = Map.of("shaped_yxq_f32_256pages.tif", new int[] {256, 1, 1, 256, 2});
    /** The same rule as axes for the oracle: tifffile's Y, X, Q of that file are highdim's Z, Y, X. */
    private static final Map<String, String> OUR_RULE_AXES = Map.of("shaped_yxq_f32_256pages.tif", "ZYX");

    /** Why each unreadable file is refused (expected.json's "why" in words, here as the typed reason). */
    private static final Map<String, Reason> REFUSED = Map.of(
            "broken_not_a_tiff.tif", Reason.NOT_A_TIFF,     // a PNG signature and text: no II/MM byte-order mark
            "broken_truncated.tif", Reason.TRUNCATED);      // the first 300000 bytes of a 685 kB ImageJ file

    @TestFactory
    Stream<DynamicTest> everyFileReadsAsTifffileDoes() throws Exception {
        Path dir = LocalFiles.externalTiffDir();
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        JsonNode series = seriesPlanes(dir, expected);
        List<DynamicTest> tests = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Path file = dir.resolve(e.getKey());
            JsonNode want = e.getValue();
            if (want.path("readable").asBoolean(true)) {
                tests.add(DynamicTest.dynamicTest(e.getKey(), () -> checkReadable(file, e.getKey(), want,
                        series.get(e.getKey()))));
            } else {
                tests.add(DynamicTest.dynamicTest(e.getKey() + " is refused", () -> {
                    ImageReadException error = assertThrows(ImageReadException.class, () -> {
                        try (RangeReader in = LocalFiles.open(file)) {
                            new TiffFormatReader().index(in, ReaderOptions.defaults());
                        }
                    });
                    assertTrue(error.getMessage().contains(file.getFileName().toString()), error.getMessage());
                    assertTrue(REFUSED.containsKey(e.getKey()), "no expected reason for " + e.getKey() + ": "
                            + error.getMessage());
                    assertEquals(REFUSED.get(e.getKey()), error.reason(), error.getMessage());
                }));
            }
        }
        return tests.stream();
    }

    /**
     * tifffile's series of every readable file whose dimensions are in scope, per (z, t, c), read from the file or
     * from its {@code same_pixels_as} twin (Debian's tifffile cannot decode LZW or Zstd; the twins hold the same
     * pixels and metadata uncompressed).
     */
    private static JsonNode seriesPlanes(Path dir, JsonNode expected) throws Exception {
        List<String> args = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.path("readable").asBoolean(true) || !v.path("dims_in_scope").asBoolean(true)) continue;
            args.add(e.getKey());
            args.add(dir.resolve(v.path("same_pixels_as").asText(e.getKey())).toString());
            args.add(OUR_RULE_AXES.getOrDefault(e.getKey(), "-"));
        }
        return new ObjectMapper().readTree(Oracle.python("corpus_planes.py", args.toArray(new String[0])));
    }

    private static void checkReadable(Path file, String name, JsonNode want, JsonNode seriesPlanes) throws Exception {
        TiffFormatReader reader = new TiffFormatReader();
        try (RangeReader in = LocalFiles.open(file)) {
            List<ImageIndex> images = reader.index(in, ReaderOptions.defaults());
            ImageIndex image = images.get(0);
            JsonNode series = want.get("series").get(0);
            assertEquals(series.get("dtype").asText(), image.pixelType().numpyName(), "pixel type");
            if (want.path("dims_in_scope").asBoolean(true)) {
                int[] dims = OUR_RULE.getOrDefault(name, ztcyx(series.get("axes").asText(), series.get("shape")));
                assertEquals(List.of(dims[0], dims[1], dims[2], dims[3], dims[4]),
                        List.of(image.sizeZ(), image.sizeT(), image.sizeC(), image.height(), image.width()),
                        "Z, T, C, Y, X (tifffile " + series.get("axes").asText() + " " + series.get("shape") + ")");
                assertEquals(want.get("series").size(), images.size(), "images in the file");
                assertEquals(images.size(), seriesPlanes.size(), "images in the file (tifffile now)");
                for (int i = 0; i < images.size(); i++) checkPlaneMap(reader, in, name, images.get(i), seriesPlanes.get(i));
            }
            // every stored plane, in IFD order, as tifffile decoded it
            TiffStructure tiff = TiffStructure.read(in, TiffStructure.DEFAULT_MAX_PLANE_BYTES);
            for (JsonNode plane : want.get("planes")) {
                int page = plane.get("page").asInt(), sample = plane.get("sample").asInt();
                Plane p = reader.readPage(in, tiff.pages().get(page), tiff.bigEndian(), sample);
                assertEquals(plane.get("sha256").asText(), PlaneChecksums.sha256(p), "page " + page + " sample " + sample);
            }
            // and through the image's own (z, t, c) map: every plane of image 0 decodes
            double sum = 0;
            for (int z = 0; z < image.sizeZ(); z++)
                for (int t = 0; t < image.sizeT(); t++)
                    for (int c = 0; c < image.sizeC(); c++) {
                        Plane p = reader.readPlane(image, in, z, t, c);
                        assertEquals(image.width() * image.height(), p.size());
                    }
        }
    }

    /** Every (z, t, c) of the image is the plane tifffile's series holds there: the right page and sample. */
    private static void checkPlaneMap(TiffFormatReader reader, RangeReader in, String name, ImageIndex image,
                                      JsonNode series) throws Exception {
        String what = name + " image " + image.series() + " (tifffile " + series.get("axes").asText() + ")";
        List<Integer> shape = new ArrayList<>();
        series.get("shape").forEach(n -> shape.add(n.asInt()));
        assertEquals(shape, List.of(image.sizeZ(), image.sizeT(), image.sizeC(), image.height(), image.width()),
                what + ": Z, T, C, Y, X");
        PlaneChecksums.assertPlanes(reader, in, image, series.get("planes"), what);
    }

    /** tifffile's axes and shape as Z, T, C, Y, X by the seed's rule: Q/I become Z then T, S is C, missing are 1. */
    static int[] ztcyx(String axes, JsonNode shape) {
        StringBuilder letters = new StringBuilder();
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < axes.length(); i++) {
            char a = axes.charAt(i);
            int n = shape.get(i).asInt();
            if (n == 1 && "QI".indexOf(a) >= 0) continue;
            letters.append(a);
            sizes.add(n);
        }
        String s = letters.toString();
        List<Character> lead = new ArrayList<>();
        for (char a : "ZT".toCharArray()) if (s.indexOf(a) < 0) lead.add(a);
        StringBuilder mapped = new StringBuilder();
        for (char a : s.toCharArray()) mapped.append(("QI".indexOf(a) >= 0 && !lead.isEmpty()) ? lead.remove(0) : a);
        s = mapped.toString();
        if (s.indexOf('S') >= 0 && s.indexOf('C') < 0) s = s.replace('S', 'C');
        int[] out = {1, 1, 1, 1, 1};
        for (int i = 0; i < s.length(); i++) {
            int k = "ZTCYX".indexOf(s.charAt(i));
            if (k < 0) throw new IllegalArgumentException("axis " + s.charAt(i) + " of " + axes);
            out[k] = sizes.get(i);
        }
        return out;
    }
}
