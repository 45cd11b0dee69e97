package io.highdim.jobs.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageGeometry;
import io.highdim.model.PcaResult;
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
