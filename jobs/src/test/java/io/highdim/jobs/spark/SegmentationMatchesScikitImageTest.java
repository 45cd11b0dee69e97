package io.highdim.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.jobs.spec.SegmentSpec;
import io.highdim.jobs.testkit.ImagePasses;
import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.model.ImageOutcome;
import io.highdim.model.Part;
import io.highdim.model.SegmentedObject;
import io.highdim.model.VolumeSegmentation;
import io.highdim.testkit.Oracle;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segmentation equals scikit-image 0.19's (threshold_otsu, remove_small_objects, label, regionprops; scipy.ndimage
 * for the channels' means in float64): label volumes voxel for voxel (read by tifffile), objects' counts, voxels and
 * bounding boxes exactly, centroids and intensities within 1e-9 relative. {@code --partition-mb 1} cuts every volume
 * into slabs of one or two planes, so objects cross many task boundaries: a U that joins in the last slab, a spiral,
 * objects touching only by an edge or a corner across a boundary (6, 18 and 26 connectivity differ).
 */
class SegmentationMatchesScikitImageTest {
    /** numpy's mean of a channel with NaN inside an object is NaN, and Python's json writes it so. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    @TempDir static Path work;
    private static Path cases;

    @BeforeAll
    static void writeCases() throws Exception {
        cases = work.resolve("cases");
        Oracle.python("segment_cases.py", "write", cases.toString());
    }

    @Test
    void sixteenBitBlobsOverTwoTimesAndTwoChannels() throws Exception {
        check("blobs_u16", null, 6, 0);
    }

    @Test
    void blobsWithCornersAndSmallObjectsRemoved() throws Exception {
        check("blobs_u16", null, 26, 20);
    }

    @Test
    void aUJoinedInTheLastSlabAndASpiral() throws Exception {
        check("u_and_spiral_u8", null, 6, 0);
    }

    @Test
    void diagonalContactsAcrossSlabBoundaries() throws Exception {
        int[] objects = new int[3];
        int k = 0;
        for (int connectivity : new int[] {6, 18, 26}) objects[k++] = check("diagonal_u16", 500.0, connectivity, 0);
        assertTrue(objects[0] > objects[1] && objects[1] > objects[2], "6 > 18 > 26 objects: " + objects[0] + ", "
                + objects[1] + ", " + objects[2]);
    }

    @Test
    void emptyVolumeHasNoObjects() throws Exception {
        assertEquals(0, check("empty_u16", null, 6, 0));
    }

    @Test
    void allForegroundIsOneObject() throws Exception {
        assertEquals(1, check("full_i16", -1000.0, 6, 0));
    }

    @Test
    void float32WithNaNs() throws Exception {
        check("nan_f32", null, 18, 0);
        check("nan_f32", 0.8, 6, 5);
    }

    /** Segments the case, compares every (t, c) with scikit-image; the objects of its first volume. */
    private static int check(String name, Double threshold, int connectivity, long minVoxels) throws Exception {
        Path file = cases.resolve(name + ".tif");
        Path out = work.resolve("out-" + name + "-" + threshold + "-" + connectivity + "-" + minVoxels);
        SegmentSpec segment = new SegmentSpec(threshold, connectivity, minVoxels, out.toUri().toString());
        PassSpec spec = new PassSpec("segment", List.of(file.toString()), Set.of(Part.SEGMENTATION), null, 1L << 30,
                1, 1L << 20, null, null, segment);
        List<ImageOutcome> outcomes = ImagePasses.segmented(SharedSpark.context(), spec);
        assertEquals(1, outcomes.size());
        ImageOutcome.Processed p = assertInstanceOf(ImageOutcome.Processed.class, outcomes.get(0), outcomes.toString());
        List<VolumeSegmentation> ours = p.results().segmentations();
        JsonNode expected = JSON.readTree(Oracle.python("segment_cases.py", "expect", file.toString(),
                threshold == null ? "otsu" : String.valueOf(threshold), String.valueOf(connectivity),
                String.valueOf(minVoxels), out.resolve(name).resolve("labels").toString()));
        assertEquals(expected.size(), ours.size(), name);
        for (int v = 0; v < ours.size(); v++) {
            VolumeSegmentation s = ours.get(v);
            JsonNode e = expected.get(v);
            String where = name + " t" + s.t() + " c" + s.c() + " connectivity " + connectivity;
            assertEquals(e.get("t").asInt(), s.t(), where);
            assertEquals(e.get("c").asInt(), s.c(), where);
            assertEquals(e.get("threshold").asDouble(), s.threshold(), where + ": threshold");
            assertEquals("uint32", e.get("labels").get("dtype").asText(), where);
            assertTrue(e.get("labels").get("equal").asBoolean(), where + ": label volume differs from skimage's");
            JsonNode objects = e.get("objects");
            assertEquals(objects.size(), s.objects().size(), where + ": objects");
            for (int i = 0; i < objects.size(); i++) {
                JsonNode o = objects.get(i);
                SegmentedObject m = s.objects().get(i);
                String what = where + " object " + (i + 1);
                assertEquals(o.get("label").asInt(), m.label(), what);
                assertEquals(o.get("voxels").asLong(), m.voxels(), what);
                int[] box = {m.zMin(), m.yMin(), m.xMin(), m.zEnd(), m.yEnd(), m.xEnd()};
                for (int a = 0; a < 6; a++) assertEquals(o.get("bbox").get(a).asInt(), box[a], what + " bbox");
                double[] centroid = {m.centroidZ(), m.centroidY(), m.centroidX()};
                for (int a = 0; a < 3; a++) close(o.get("centroid").get(a).asDouble(), centroid[a], what + " centroid");
                close(o.get("min").asDouble(), m.min(), what + " min");
                close(o.get("max").asDouble(), m.max(), what + " max");
                close(o.get("sum").asDouble(), m.sum(), what + " sum");
                double[] means = m.channelMeans();
                assertEquals(o.get("channel_means").size(), means.length, what);
                for (int c = 0; c < means.length; c++) {
                    close(o.get("channel_means").get(c).asDouble(), means[c], what + " channel " + c + " mean");
                }
            }
        }
        return ours.get(0).objects().size();
    }

    private static void close(double expected, double actual, String what) {
        if (Double.isNaN(expected) && Double.isNaN(actual)) return;
        assertTrue(Math.abs(expected - actual) <= 1e-9 * Math.max(1, Math.abs(expected)),
                what + ": expected " + expected + ", got " + actual);
    }
}
