package io.highdim.jobs.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.highdim.jobs.catalogue.CatalogueReader;
import io.highdim.jobs.catalogue.CataloguedImage;
import io.highdim.jobs.catalogue.CataloguedSegmentation;
import io.highdim.model.ChannelHistogram;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageGeometry;
import io.highdim.model.PcaResult;
import io.highdim.model.PlaneSummary;
import io.highdim.model.ProjectionFile;
import io.highdim.model.SliceFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One image's page: metadata, the statistics table, charts (per-channel histograms, plane mean/std along Z and T,
 * PCA scree and loadings) drawn by Chart.js from JSON in the page, its segmentation (a table of the (t, c) volumes,
 * object counts over time and object sizes per channel), and a montage of its projections and slices.
 */
final class ImagePage {
    /** Montage limits: a page of a large T x C stays a few MB. */
    static final int MAX_PICTURES = 48;
    /** Rows of the segmentation table shown: the charts show every (t, c). */
    static final int MAX_SEGMENTATION_ROWS = 24;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
        "#8c564b", "#e377c2"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CatalogueReader catalogue;
    private final Thumbnails thumbnails;
    private final StringBuilder body = new StringBuilder();
    private final ArrayNode charts = JSON.createArrayNode();

    ImagePage(CatalogueReader catalogue, Thumbnails thumbnails) {
        this.catalogue = catalogue;
        this.thumbnails = thumbnails;
    }

    /** The page of an ok image (geometry known). */
    String render(CataloguedImage image) {
        String id = image.imageId();
        ImageGeometry g = image.geometry().orElseThrow();
        body.append("<p><a href=\"index.html\">all images</a></p>\n<h1>").append(Html.escape(id)).append("</h1>\n");
        metadata(image, g);
        statistics(catalogue.channelStatistics(id));
        body.append("<h2>Charts</h2>\n<div class=\"charts\">\n");
        histograms(catalogue.histograms(id));
        planes(catalogue.planeStatistics(id), g);
        pca(catalogue.pca(id));
        body.append("</div>\n");
        if (charts.isEmpty()) body.append("<p class=\"note\">No statistics or PCA computed for this image.</p>\n");
        segmentation(catalogue.segmentations(id), g, id);
        montage(catalogue.projections(id), catalogue.slices(id), g);
        ObjectNode data = JSON.createObjectNode();
        data.set("charts", charts);
        return Html.page("highdim: " + id, body.toString(), data.toString(), charts.size());
    }

    private void metadata(CataloguedImage image, ImageGeometry g) {
        body.append("<h2>Metadata</h2>\n<table>\n");
        row("uri", image.ref().uri());
        row("dtype", g.dtype());
        row("shape (Z, T, C, Y, X)", g.sizeZ() + " × " + g.sizeT() + " × " + g.sizeC() + " × " + g.height() + " × "
                + g.width());
        row("dimensions from", g.dimensionSource());
        row("file bytes", image.ref().fileBytes());
        row("series", (image.ref().series() + 1) + " of " + image.ref().imageCount());
        row("run", image.runId());
        row("warnings", image.warnings().isEmpty() ? "none" : String.join("; ", image.warnings()));
        body.append("</table>\n");
    }

    private void row(String name, Object value) {
        body.append("<tr><th class=\"text\">").append(Html.escape(name)).append("</th><td class=\"text\">")
                .append(Html.escape(value)).append("</td></tr>\n");
    }

    private void statistics(List<ChannelSummary> channels) {
        body.append("<h2>Statistics</h2>\n");
        if (channels.isEmpty()) {
            body.append("<p class=\"note\">Not computed (run <code>stats</code> or <code>run</code>).</p>\n");
            return;
        }
        body.append("<table>\n<tr><th>channel</th><th>count</th><th>mean</th><th>std</th><th>min</th><th>max</th>"
                + "<th>NaN</th></tr>\n");
        for (ChannelSummary s : channels) {
            body.append("<tr><td>").append(s.channel()).append("</td><td>").append(s.count()).append("</td><td>")
                    .append(cell(s.mean())).append("</td><td>").append(cell(s.std())).append("</td><td>")
                    .append(cell(s.min())).append("</td><td>").append(cell(s.max())).append("</td><td>")
                    .append(s.nanCount()).append("</td></tr>\n");
        }
        body.append("</table>\n");
    }

    private void histograms(List<ChannelHistogram> histograms) {
        for (ChannelHistogram h : histograms) {
            long[] counts = h.histogram().equalBins(ChannelHistogram.EQUAL_BINS);
            double[] edges = h.histogram().edges(ChannelHistogram.EQUAL_BINS);
            ArrayNode labels = JSON.createArrayNode();
            for (int i = 0; i < counts.length; i++) labels.add(num((edges[i] + edges[i + 1]) / 2));
            ObjectNode set = dataset("channel " + h.channel(), h.channel(), "bar");
            ArrayNode data = set.putArray("data");
            for (long n : counts) data.add(n);
            set.put("barPercentage", 1.0).put("categoryPercentage", 1.0);
            chart("histogram-c" + h.channel(), "bar", "Channel " + h.channel() + " histogram (" + counts.length
                    + " equal bins, min to max)", labels, List.of(set), "value (bin centre)", "voxels", true);
        }
    }

    /** Plane mean (solid) and std (dashed) per channel, along Z (averaged over T) and along T (over Z). */
    private void planes(List<PlaneSummary> planes, ImageGeometry g) {
        if (planes.isEmpty()) return;
        for (boolean alongZ : new boolean[] {true, false}) {
            int n = alongZ ? g.sizeZ() : g.sizeT();
            double[][] mean = new double[g.sizeC()][n], std = new double[g.sizeC()][n];
            int[][] count = new int[g.sizeC()][n];
            for (PlaneSummary p : planes) {
                int i = alongZ ? p.z() : p.t();
                mean[p.c()][i] += p.mean();
                std[p.c()][i] += p.std();
                count[p.c()][i]++;
            }
            ArrayNode labels = JSON.createArrayNode();
            for (int i = 0; i < n; i++) labels.add(i);
            List<ObjectNode> sets = new ArrayList<>();
            for (int c = 0; c < g.sizeC(); c++) {
                ObjectNode m = dataset("c" + c + " mean", c, "line"), s = dataset("c" + c + " std", c, "line");
                s.putArray("borderDash").add(6).add(4);
                ArrayNode md = m.putArray("data"), sd = s.putArray("data");
                for (int i = 0; i < n; i++) {
                    md.add(count[c][i] == 0 ? null : num(mean[c][i] / count[c][i]));
                    sd.add(count[c][i] == 0 ? null : num(std[c][i] / count[c][i]));
                }
                sets.add(m);
                sets.add(s);
            }
            String axis = alongZ ? "Z" : "T";
            chart("planes-" + axis, "line", "Plane mean and std along " + axis + " (averaged over "
                    + (alongZ ? "T" : "Z") + ")", labels, sets, axis, "value", false);
        }
    }

    private void pca(Optional<PcaResult> result) {
        if (result.isEmpty()) return;
        PcaResult p = result.get();
        ArrayNode labels = JSON.createArrayNode();
        ObjectNode ratio = dataset("explained variance ratio", 0, "bar"), cumulative = dataset("cumulative", 1, "line");
        ArrayNode r = ratio.putArray("data"), cu = cumulative.putArray("data");
        double sum = 0;
        for (int k = 0; k < p.explainedVarianceRatio().length; k++) {
            labels.add("PC" + (k + 1));
            sum += p.explainedVarianceRatio()[k];
            r.add(num(p.explainedVarianceRatio()[k]));
            cu.add(num(sum));
        }
        chart("pca-scree", "bar", "PCA scree (" + p.observations() + " voxels)", labels, List.of(ratio, cumulative),
                "component", "fraction of variance", true);
        ArrayNode channels = JSON.createArrayNode();
        for (int c = 0; c < p.mean().length; c++) channels.add("channel " + c);
        List<ObjectNode> sets = new ArrayList<>();
        for (int k = 0; k < p.components().length; k++) {
            ObjectNode set = dataset("PC" + (k + 1), k, "bar");
            ArrayNode d = set.putArray("data");
            for (double v : p.components()[k]) d.add(num(v));
            sets.add(set);
        }
        chart("pca-loadings", "bar", "PCA loadings", channels, sets, "channel", "loading", true);
    }

    /** Objects per time point (a line per channel), object sizes in power-of-2 bins, and the (t, c) volumes' table. */
    private void segmentation(List<CataloguedSegmentation> volumes, ImageGeometry g, String id) {
        body.append("<h2>Segmentation</h2>\n");
        if (volumes.isEmpty()) {
            body.append("<p class=\"note\">Not segmented (run <code>segment</code> or <code>run --segment</code>)."
                    + "</p>\n");
            return;
        }
        body.append("<div class=\"charts\">\n");
        ArrayNode times = JSON.createArrayNode();
        for (int t = 0; t < g.sizeT(); t++) times.add(t);
        Long[][] counts = new Long[g.sizeC()][g.sizeT()];
        for (CataloguedSegmentation s : volumes) counts[s.c()][s.t()] = s.objects();
        List<ObjectNode> lines = new ArrayList<>();
        for (int c = 0; c < g.sizeC(); c++) {
            ObjectNode line = dataset("channel " + c, c, "line");
            ArrayNode data = line.putArray("data");
            for (Long n : counts[c]) data.add(n); // null: a gap where no volume was segmented
            lines.add(line);
        }
        chart("segmentation-counts", "line", "Objects per time point", times, lines, "time", "objects", true);
        // bin k holds the objects of 2^k to 2^(k+1) - 1 voxels
        List<CatalogueReader.ObjectSizeCount> sizes = catalogue.objectSizes(id);
        if (!sizes.isEmpty()) {
            int bins = 1 + sizes.stream().mapToInt(s -> log2(s.voxels())).max().orElseThrow();
            long[][] perBin = new long[g.sizeC()][bins];
            for (CatalogueReader.ObjectSizeCount s : sizes) perBin[s.c()][log2(s.voxels())] += s.objects();
            ArrayNode labels = JSON.createArrayNode();
            for (int k = 0; k < bins; k++) labels.add(k == 0 ? "1" : (1L << k) + "–" + ((1L << (k + 1)) - 1));
            List<ObjectNode> bars = new ArrayList<>();
            for (int c = 0; c < g.sizeC(); c++) {
                ObjectNode set = dataset("channel " + c, c, "bar");
                ArrayNode data = set.putArray("data");
                for (long n : perBin[c]) data.add(n);
                bars.add(set);
            }
            chart("segmentation-sizes", "bar", "Object sizes (all time points, power-of-2 bins)", labels, bars,
                    "voxels", "objects", true);
        }
        body.append("</div>\n");
        if (sizes.isEmpty()) body.append("<p class=\"note\">No objects found.</p>\n");

        body.append("<table>\n<tr><th>time</th><th>channel</th><th class=\"text\">method</th><th>threshold</th>"
                + "<th>connectivity</th><th>min voxels</th><th>objects</th><th class=\"text\">labels</th></tr>\n");
        for (CataloguedSegmentation s : volumes.subList(0, Math.min(MAX_SEGMENTATION_ROWS, volumes.size()))) {
            body.append("<tr><td>").append(s.t()).append("</td><td>").append(s.c()).append("</td><td class=\"text\">")
                    .append(Html.escape(s.method())).append("</td><td>").append(cell(s.threshold())).append("</td><td>")
                    .append(s.connectivity()).append("</td><td>").append(s.minVoxels()).append("</td><td>")
                    .append(s.objects()).append("</td><td class=\"text\">")
                    .append(s.labelsUri() == null ? "none" : Html.escape(s.labelsUri())).append("</td></tr>\n");
        }
        body.append("</table>\n");
        if (volumes.size() > MAX_SEGMENTATION_ROWS) {
            body.append("<p class=\"note\">").append(MAX_SEGMENTATION_ROWS).append(" of ").append(volumes.size())
                    .append(" volumes shown; <code>show segmentation</code> lists them all.</p>\n");
        }
    }

    private static int log2(long positive) {
        return 63 - Long.numberOfLeadingZeros(positive);
    }

    private void montage(List<ProjectionFile> projections, List<SliceFile> slices, ImageGeometry g) {
        body.append("<h2>Maximum projections over Z</h2>\n");
        pictures(projections.stream().filter(p -> p.bitDepth() == 8)
                .map(p -> new Picture("t" + p.t() + " c" + p.c(), p.uri())).toList(), "projections");
        body.append("<h2>Slices (middle Z)</h2>\n");
        int middle = g.sizeZ() / 2;
        // the stored z nearest the middle, for each (t, c)
        List<Picture> mid = slices.stream().filter(s -> s.bitDepth() == 8)
                .collect(Collectors.groupingBy(s -> s.t() * g.sizeC() + s.c(), TreeMap::new,
                        Collectors.minBy(Comparator.comparingInt(s -> Math.abs(s.z() - middle)))))
                .values().stream().flatMap(Optional::stream)
                .map(s -> new Picture("z" + s.z() + " t" + s.t() + " c" + s.c(), s.uri())).toList();
        pictures(mid, "slices");
    }

    private record Picture(String caption, String uri) {}

    private void pictures(List<Picture> pictures, String what) {
        if (pictures.isEmpty()) {
            body.append("<p class=\"note\">No ").append(what).append(" stored (run <code>run</code> or "
                    + "<code>slices</code>).</p>\n");
            return;
        }
        body.append("<div class=\"montage\">\n");
        for (Picture p : pictures.subList(0, Math.min(MAX_PICTURES, pictures.size()))) {
            Optional<String> src = thumbnails.dataUri(p.uri());
            body.append("<figure>");
            if (src.isPresent()) body.append("<img alt=\"").append(Html.escape(p.caption())).append("\" src=\"")
                    .append(src.get()).append("\">");
            else body.append("<p class=\"rejected\">missing: ").append(Html.escape(p.uri())).append("</p>");
            body.append("<figcaption>").append(Html.escape(p.caption())).append("</figcaption></figure>\n");
        }
        body.append("</div>\n");
        if (pictures.size() > MAX_PICTURES) {
            body.append("<p class=\"note\">").append(MAX_PICTURES).append(" of ").append(pictures.size())
                    .append(" shown.</p>\n");
        }
    }

    private ObjectNode dataset(String label, int colour, String type) {
        String c = COLOURS[colour % COLOURS.length];
        ObjectNode set = JSON.createObjectNode().put("label", label).put("type", type).put("borderColor", c)
                .put("backgroundColor", c + (type.equals("bar") ? "b0" : "40"));
        if (type.equals("line")) set.put("pointRadius", 2).put("borderWidth", 2);
        return set;
    }

    private void chart(String id, String type, String title, ArrayNode labels, List<ObjectNode> sets, String x,
                       String y, boolean beginAtZero) {
        body.append("<div class=\"chart\"><canvas id=\"").append(id).append("\"></canvas></div>\n");
        ObjectNode c = charts.addObject().put("id", id).put("type", type).put("title", title).put("x", x).put("y", y)
                .put("beginAtZero", beginAtZero);
        c.set("labels", labels);
        c.putArray("datasets").addAll(sets);
    }

    /** Six significant digits (the page shows values, the catalogue keeps them exactly); null (a gap) if not finite. */
    private static Double num(double v) {
        return Double.isFinite(v) ? Double.valueOf(String.format(Locale.ROOT, "%.6g", v)) : null;
    }

    private static String cell(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : String.valueOf(v);
    }
}
