package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SegmentedImages;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.model.ImageGeometry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code show segmentation} and {@code show objects} over hand-built segmentations ({@link SegmentedImages}: the
 * expected lines are worked out from its documented numbers), and how they fail: one line, exit 2.
 */
class ShowSegmentationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String U16 = "show_seg_u16", F32 = "show_seg_f32", NONE = "show_seg_none";

    @BeforeAll
    static void catalogue() {
        SegmentedImages.commit(SharedCatalogue.database(), "run-show-seg", List.of(
                new SegmentedImages.Image(SegmentedImages.ref(U16, "file:/data/" + U16 + ".tif"),
                        new ImageGeometry("uint16", 4, 2, 2, 8, 9, "imagej"),
                        SegmentedImages.volumes(U16, 2, 2, 2, 0)),
                new SegmentedImages.Image(SegmentedImages.ref(F32, "file:/data/" + F32 + ".tif"),
                        new ImageGeometry("float32", 4, 2, 1, 8, 9, "imagej"),
                        SegmentedImages.volumes(F32, 2, 1, 2, 0)),
                new SegmentedImages.Image(SegmentedImages.ref(NONE, "file:/data/" + NONE + ".tif"),
                        new ImageGeometry("uint16", 4, 1, 1, 8, 9, "imagej"), null)));
    }

    @Test
    void segmentationIsOneLinePerTimeAndChannel() {
        Cli.Result r = show("segmentation", "--image-id", U16);
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(List.of(
                "{\"time\":0,\"channel\":0,\"method\":\"otsu\",\"threshold\":123.5,\"connectivity\":6,\"min_voxels\":0,"
                        + "\"objects\":2,\"labels_uri\":\"s3a://out/show_seg_u16/labels/t0_c0.tif\"}",
                "{\"time\":0,\"channel\":1,\"method\":\"fixed\",\"threshold\":123.5,\"connectivity\":26,"
                        + "\"min_voxels\":1,\"objects\":0,\"labels_uri\":null}",
                "{\"time\":1,\"channel\":0,\"method\":\"otsu\",\"threshold\":124.5,\"connectivity\":6,\"min_voxels\":0,"
                        + "\"objects\":3,\"labels_uri\":\"s3a://out/show_seg_u16/labels/t1_c0.tif\"}",
                "{\"time\":1,\"channel\":1,\"method\":\"fixed\",\"threshold\":124.5,\"connectivity\":26,"
                        + "\"min_voxels\":1,\"objects\":3,\"labels_uri\":null}"), r.lines());
    }

    @Test
    void objectsAreOneLineEachInTimeChannelLabelOrder() throws Exception {
        Cli.Result all = show("objects", "--image-id", U16);
        assertEquals(0, all.exitCode(), all.stderr());
        assertEquals(List.of("0 0 1", "0 0 2", "1 0 1", "1 0 2", "1 0 3", "1 1 1", "1 1 2", "1 1 3"),
                keys(all.lines()));
        // object 2 of (t 1, c 0): 5 voxels, sum 5 x 6; uint16: integral min and sum are integers; the NaN mean of
        // channel 1 is null
        assertEquals("{\"time\":1,\"channel\":0,\"label\":2,\"voxels\":5,\"centroid\":[0.5,0.3333333333333333,7.25],"
                + "\"bbox\":[1,2,0,2,5,9],\"min\":1,\"max\":11.5,\"mean\":6.0,\"sum\":30,\"channel_means\":[6.0,null]}",
                all.lines().get(3));

        assertEquals(List.of("1 0 1", "1 0 2", "1 0 3", "1 1 1", "1 1 2", "1 1 3"),
                keys(show("objects", "--image-id", U16, "--time", "1").lines()));
        assertEquals(List.of("1 1 1", "1 1 2", "1 1 3"),
                keys(show("objects", "--image-id", U16, "--channel", "1").lines()));
        Cli.Result none = show("objects", "--image-id", U16, "--time", "0", "--channel", "1");
        assertEquals(0, none.exitCode(), none.stderr());
        assertEquals(List.of(), none.lines(), "a volume segmented without objects");

        // float32: extremes and sums stay floats
        assertEquals(List.of("{\"time\":1,\"channel\":0,\"label\":1,\"voxels\":2,\"centroid\":[0.0,0.0,7.25],"
                + "\"bbox\":[0,0,0,1,3,9],\"min\":0.0,\"max\":10.5,\"mean\":5.0,\"sum\":10.0,\"channel_means\":[5.0]}"),
                show("objects", "--image-id", F32, "--time", "1").lines().subList(0, 1));
    }

    @Test
    void anImageNotSegmentedOrUnknownIsOneLineAndExit2() {
        Cli.Result none = show("segmentation", "--image-id", NONE);
        assertEquals(2, none.exitCode());
        assertEquals("no segmentation for image show_seg_none in the catalogue; scripts/highdim segment "
                + "file:/data/show_seg_none.tif (or run --segment) computes it", none.stderr().strip());
        Cli.Result objects = show("objects", "--image-id", NONE);
        assertEquals(2, objects.exitCode());
        assertEquals(none.stderr(), objects.stderr());
        Cli.Result unknown = show("objects", "--image-id", "show_seg_nope");
        assertEquals(2, unknown.exitCode());
        assertEquals("no segmentation for image show_seg_nope in the catalogue", unknown.stderr().strip());
        assertEquals("", unknown.stdout());
    }

    @Test
    void aTimeOrChannelOutsideTheImageOrOnAnotherViewIsExit2() {
        Cli.Result late = show("objects", "--image-id", U16, "--time", "2");
        assertEquals(2, late.exitCode());
        assertEquals("--time 2 is outside 0..1 of image show_seg_u16", late.stderr().strip());
        Cli.Result channel = show("objects", "--image-id", U16, "--channel", "5");
        assertEquals(2, channel.exitCode());
        assertEquals("--channel 5 is outside 0..1 of image show_seg_u16", channel.stderr().strip());
        for (String[] args : List.of(new String[] {"objects", "--image-id", U16, "--time", "-1"},
                new String[] {"objects", "--image-id", U16, "--channel", "x"},
                new String[] {"segmentation", "--image-id", U16, "--time", "0"},
                new String[] {"objects"})) {
            Cli.Result r = show(args);
            assertEquals(2, r.exitCode(), String.join(" ", args));
            assertEquals(1, r.stderr().lines().count(), r.stderr());
            assertTrue(r.stderr().startsWith("highdim show: "), r.stderr());
        }
    }

    private static Cli.Result show(String... args) {
        List<String> a = new ArrayList<>(List.of("show"));
        a.addAll(List.of(args));
        a.addAll(Cli.catalogueArgs());
        return Cli.run(a.toArray(new String[0]));
    }

    /** "t c label" of each line. */
    private static List<String> keys(List<String> lines) throws Exception {
        List<String> keys = new ArrayList<>();
        for (String line : lines) {
            JsonNode o = JSON.readTree(line);
            keys.add(o.get("time").asInt() + " " + o.get("channel").asInt() + " " + o.get("label").asInt());
        }
        return keys;
    }
}
