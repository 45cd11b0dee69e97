package io.highdim.jobs.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.highdim.model.ChannelHistogram;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageGeometry;
import io.highdim.model.PcaResult;
import io.highdim.model.SegmentedObject;
import io.highdim.png.DisplayScaling;
import io.highdim.stats.SparseHistogram;
import java.util.Comparator;
import java.util.List;

/**
 * The JSON documents the Python service served, made from model values in one place (for the catalogue reader,
 * {@code show}, {@code inspect} and later the HTTP service). Keys are in the service's order; non-finite numbers
 * (NaN, ±Infinity) are rendered as {@code null}, which JSON can hold. The {@code ...Json} methods render compact
 * JSON; the others give the object, e.g. to add its fields to a larger line.
 */
public final class ServiceJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServiceJson() {}

    /** {@code {"dtype":"uint16","shape":[Z,T,C,Y,X],"Z":..,"T":..,"Channels":..,"Height":..,"Width":..}}. */
    public static ObjectNode metadata(ImageGeometry geometry) {
        ObjectNode root = JSON.createObjectNode();
        root.put("dtype", geometry.dtype());
        ArrayNode shape = root.putArray("shape");
        shape.add(geometry.sizeZ()).add(geometry.sizeT()).add(geometry.sizeC()).add(geometry.height())
                .add(geometry.width());
        root.put("Z", geometry.sizeZ());
        root.put("T", geometry.sizeT());
        root.put("Channels", geometry.sizeC());
        root.put("Height", geometry.height());
        root.put("Width", geometry.width());
        return root;
    }

    public static String metadataJson(ImageGeometry geometry) {
        return render(metadata(geometry));
    }

    /**
     * {@code {"mean":[…],"std":[…],"min":[…],"max":[…]}}, one entry per channel in channel order. For an integer
     * {@code dtype} (numpy's name), integral min and max are integers (as numpy gives them); mean and std are always
     * floats.
     */
    public static ObjectNode statistics(String dtype, List<ChannelSummary> channels) {
        boolean integral = isIntegerDtype(dtype);
        ObjectNode root = JSON.createObjectNode();
        ArrayNode mean = root.putArray("mean");
        ArrayNode std = root.putArray("std");
        ArrayNode min = root.putArray("min");
        ArrayNode max = root.putArray("max");
        for (ChannelSummary s : channels.stream().sorted(Comparator.comparingInt(ChannelSummary::channel)).toList()) {
            addDouble(mean, s.mean());
            addDouble(std, s.std());
            addExtreme(min, s.min(), integral);
            addExtreme(max, s.max(), integral);
        }
        return root;
    }

    public static String statisticsJson(String dtype, List<ChannelSummary> channels) {
        return render(statistics(dtype, channels));
    }

    /**
     * {@code {"image_id":…,"n_components":k,"explained_variance":[…],"explained_variance_ratio":[…],
     * "components":[[…],…],"mean":[…]}}; a null array is rendered as {@code []}.
     */
    public static ObjectNode pca(String imageId, PcaResult pca) {
        ObjectNode root = JSON.createObjectNode();
        root.put("image_id", imageId);
        root.put("n_components", pca.nComponents());
        addDoubles(root.putArray("explained_variance"), pca.explainedVariance());
        addDoubles(root.putArray("explained_variance_ratio"), pca.explainedVarianceRatio());
        ArrayNode components = root.putArray("components");
        if (pca.components() != null) {
            for (double[] loadings : pca.components()) {
                addDoubles(components.addArray(), loadings);
            }
        }
        addDoubles(root.putArray("mean"), pca.mean());
        return root;
    }

    public static String pcaJson(String imageId, PcaResult pca) {
        return render(pca(imageId, pca));
    }

    /**
     * One channel's histogram for {@code show histogram}: {@code {"channel", "exact", "count", "nan_count",
     * "neg_inf_count", "pos_inf_count", "min", "max", "bin_width", "edges":[bins + 1], "counts":[bins],
     * "window":[low, high], "window_percentiles":[0.1, 99.9]}}: {@code bins} equal bins from min to max as
     * np.histogram, and the display window the slices use (the 0.1 and 99.9 percentiles, numpy's linear method) of
     * the whole channel. Exact for 8/16-bit integer data; otherwise derived from the fine bins of width
     * {@code bin_width}: a value within one fine bin above an edge may count one bin low, and the percentiles are
     * at most one {@code bin_width} low. Integral min, max and window of an integer {@code dtype} are integers.
     */
    public static ObjectNode histogram(String dtype, ChannelHistogram channel, int bins) {
        boolean integral = isIntegerDtype(dtype);
        SparseHistogram h = channel.histogram();
        ObjectNode root = JSON.createObjectNode();
        root.put("channel", channel.channel());
        root.put("exact", h.exact());
        root.put("count", h.count());
        root.put("nan_count", h.nanCount());
        root.put("neg_inf_count", h.negInfCount());
        root.put("pos_inf_count", h.posInfCount());
        root.set("min", extreme(h.min(), integral));
        root.set("max", extreme(h.max(), integral));
        root.set("bin_width", extreme(h.binWidth(), false));
        addDoubles(root.putArray("edges"), h.edges(bins));
        ArrayNode counts = root.putArray("counts");
        for (long n : h.equalBins(bins)) counts.add(n);
        double[] pcts = {DisplayScaling.DEFAULT_LOW_PERCENTILE, DisplayScaling.DEFAULT_HIGH_PERCENTILE};
        ArrayNode window = root.putArray("window");
        for (double p : h.percentiles(pcts)) addExtreme(window, p, integral);
        addDoubles(root.putArray("window_percentiles"), pcts);
        return root;
    }

    /**
     * One segmented (t, c) volume for {@code show segmentation}: {@code {"time", "channel", "method" ("otsu" or
     * "fixed"), "threshold", "connectivity" (6, 18, 26), "min_voxels", "objects" (how many), "labels_uri" (null when
     * no label TIFF was written)}}.
     */
    public static ObjectNode segmentation(CataloguedSegmentation s) {
        ObjectNode root = JSON.createObjectNode();
        root.put("time", s.t());
        root.put("channel", s.c());
        root.put("method", s.method());
        root.set("threshold", extreme(s.threshold(), false));
        root.put("connectivity", s.connectivity());
        root.put("min_voxels", s.minVoxels());
        root.put("objects", s.objects());
        root.put("labels_uri", s.labelsUri());
        return root;
    }

    /**
     * One object of the (t, c) volume for {@code show objects} and {@code GET /objects}, named as scikit-image's
     * regionprops names it: {@code {"time", "channel", "label", "voxels", "centroid":[z, y, x],
     * "bbox":[z_min, y_min, x_min, z_end, y_end, x_end] (ends exclusive), "min", "max", "mean", "sum" (of the
     * segmented channel), "channel_means":[one per channel of time point t]}}. For an integer {@code dtype}, integral
     * min, max and sum are integers.
     */
    public static ObjectNode segmentedObject(String dtype, int t, int c, SegmentedObject o) {
        boolean integral = isIntegerDtype(dtype);
        ObjectNode root = JSON.createObjectNode();
        root.put("time", t);
        root.put("channel", c);
        root.put("label", o.label());
        root.put("voxels", o.voxels());
        addDoubles(root.putArray("centroid"), new double[] {o.centroidZ(), o.centroidY(), o.centroidX()});
        root.putArray("bbox").add(o.zMin()).add(o.yMin()).add(o.xMin()).add(o.zEnd()).add(o.yEnd()).add(o.xEnd());
        root.set("min", extreme(o.min(), integral));
        root.set("max", extreme(o.max(), integral));
        root.set("mean", extreme(o.mean(), false));
        root.set("sum", extreme(o.sum(), integral));
        addDoubles(root.putArray("channel_means"), o.channelMeans());
        return root;
    }

    /** Compact JSON, as the service sent it. */
    public static String render(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rendering JSON failed", e); // a tree of plain nodes always renders
        }
    }

    /** numpy's signed and unsigned integer dtypes ({@code uint8}, {@code int16}, ...). */
    static boolean isIntegerDtype(String dtype) {
        return dtype != null && (dtype.startsWith("uint") || dtype.startsWith("int"));
    }

    private static void addDouble(ArrayNode array, double value) {
        if (Double.isFinite(value)) {
            array.add(value);
        } else {
            array.addNull();
        }
    }

    /** An integral value of integer data as an integer, other finite values as floats, others as null. */
    private static JsonNode extreme(double value, boolean integral) {
        ArrayNode one = JSON.createArrayNode();
        addExtreme(one, value, integral);
        return one.get(0);
    }

    private static void addExtreme(ArrayNode array, double value, boolean integral) {
        if (integral && Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 0x1p53) {
            array.add((long) value);
        } else {
            addDouble(array, value);
        }
    }

    private static void addDoubles(ArrayNode array, double[] values) {
        if (values != null) {
            for (double value : values) {
                addDouble(array, value);
            }
        }
    }
}
