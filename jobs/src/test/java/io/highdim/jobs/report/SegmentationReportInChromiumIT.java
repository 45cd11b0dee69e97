package io.highdim.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.CatalogueReader;
import io.highdim.jobs.testkit.Chromium;
import io.highdim.jobs.testkit.SegmentedImages;
import io.highdim.jobs.testkit.SharedCatalogue;
import io.highdim.model.ImageGeometry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image page's segmentation over hand-built segmentations ({@link SegmentedImages}; the expected counts are
 * worked out from its documented numbers): the table of (t, c) volumes, objects per time point per channel and
 * object sizes in power-of-2 bins, drawn by Chart.js in a real headless Chromium without errors.
 */
class SegmentationReportInChromiumIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEGMENTED = "report_seg_u16", LONG = "report_seg_long", NONE = "report_seg_none";
    @TempDir static Path work;
    private static ReportWriter report;

    @BeforeAll
    static void catalogue() {
        ImageGeometry twoByTwo = new ImageGeometry("uint16", 4, 2, 2, 8, 9, "imagej");
        SegmentedImages.commit(SharedCatalogue.database(), "run-report-seg", List.of(
                new SegmentedImages.Image(SegmentedImages.ref(SEGMENTED, "file:/data/" + SEGMENTED + ".tif"),
                        twoByTwo, SegmentedImages.volumes(SEGMENTED, 2, 2, 2, 0)),
                new SegmentedImages.Image(SegmentedImages.ref(LONG, "file:/data/" + LONG + ".tif"),
                        new ImageGeometry("uint16", 4, 30, 2, 8, 9, "imagej"),
                        SegmentedImages.volumes(LONG, 30, 2, 1, 0)),
                new SegmentedImages.Image(SegmentedImages.ref(NONE, "file:/data/" + NONE + ".tif"), twoByTwo, null)));
        report = new ReportWriter(new CatalogueReader(SharedCatalogue.database()), new Configuration());
    }

    @Test
    void objectCountsOverTimeAndSizesPerChannelAreDrawn() throws Exception {
        Path page = page(SEGMENTED);
        String html = Files.readString(page);
        // (t, c) objects: (0, 0) 2, (0, 1) 0, (1, 0) 3, (1, 1) 3
        JsonNode counts = chart(html, "segmentation-counts");
        assertEquals("line", counts.get("type").asText());
        assertEquals("[0,1]", counts.get("labels").toString());
        assertEquals(List.of("channel 0 [2,3]", "channel 1 [0,3]"), datasets(counts));
        // sizes 1 + 3k + t: channel 0 has 1, 4 (t 0) and 2, 5, 8 (t 1); channel 1 has 2, 5, 8
        JsonNode sizes = chart(html, "segmentation-sizes");
        assertEquals("bar", sizes.get("type").asText());
        assertEquals("[\"1\",\"2–3\",\"4–7\",\"8–15\"]", sizes.get("labels").toString());
        assertEquals(List.of("channel 0 [1,1,2,1]", "channel 1 [0,1,1,1]"), datasets(sizes));
        // the table: a row per (t, c), the label file or none
        String table = segmentationTable(html);
        assertEquals(1 + 4, Chromium.count(table, "<tr>"));
        assertTrue(table.contains("<tr><td>1</td><td>0</td><td class=\"text\">otsu</td><td>124.500</td><td>6</td>"
                + "<td>0</td><td>3</td><td class=\"text\">s3a://out/report_seg_u16/labels/t1_c0.tif</td></tr>"), table);
        assertTrue(table.contains("<tr><td>0</td><td>1</td><td class=\"text\">fixed</td><td>123.500</td><td>26</td>"
                + "<td>1</td><td>0</td><td class=\"text\">none</td></tr>"), table);

        Chromium.Browser dom = Chromium.load(work, page, "--dump-dom");
        dom.assertClean();
        assertEquals("2", Chromium.attribute(dom.stdout(), "data-charts-expected"));
        assertEquals("2", Chromium.attribute(dom.stdout(), "data-charts-drawn"), "both charts drawn by Chart.js");
    }

    @Test
    void manyVolumesShowTheFirstRowsAndEveryTimePointInTheChart() throws Exception {
        Path page = page(LONG);
        String html = Files.readString(page);
        String table = segmentationTable(html);
        assertEquals(1 + ImagePage.MAX_SEGMENTATION_ROWS, Chromium.count(table, "<tr>"));
        assertTrue(table.contains(ImagePage.MAX_SEGMENTATION_ROWS + " of 60 volumes shown"), table);
        JsonNode counts = chart(html, "segmentation-counts");
        assertEquals(30, counts.get("labels").size());
        // 1 + t objects in each volume, but none in (0, 1)
        assertEquals(0, counts.get("datasets").get(1).get("data").get(0).asInt());
        assertEquals(30, counts.get("datasets").get(0).get("data").get(29).asInt());
        Chromium.Browser dom = Chromium.load(work, page, "--dump-dom");
        dom.assertClean();
        assertEquals("2", Chromium.attribute(dom.stdout(), "data-charts-drawn"));
    }

    @Test
    void anImageNotSegmentedSaysSo() throws Exception {
        String html = Files.readString(page(NONE));
        assertTrue(html.contains("Not segmented (run <code>segment</code> or <code>run --segment</code>)."), html);
        assertEquals(0, Chromium.count(html, "segmentation-counts"));
    }

    private static Path page(String id) throws Exception {
        return report.write(work.resolve("report"), id).pages().get(id);
    }

    /** The page's segmentation table and what follows it. */
    private static String segmentationTable(String html) {
        int start = html.indexOf("<table>", html.indexOf("<h2>Segmentation</h2>"));
        return html.substring(start, html.indexOf("<h2>", start));
    }

    /** The chart {@code id} the page's data describes. */
    private static JsonNode chart(String html, String id) throws Exception {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>",
                Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "the page's chart data");
        for (JsonNode c : JSON.readTree(m.group(1).replace("<\\/", "</")).get("charts")) {
            if (c.get("id").asText().equals(id)) return c;
        }
        throw new AssertionError("no chart " + id);
    }

    /** "label [data]" of each dataset. */
    private static List<String> datasets(JsonNode chart) {
        List<String> out = new ArrayList<>();
        for (JsonNode d : chart.get("datasets")) out.add(d.get("label").asText() + " " + d.get("data"));
        return out;
    }
}
