package io.highdim.tiff;

import java.io.Serializable;

/**
 * How to read files: an optional axes override and the largest page accepted (a header claiming more is refused
 * before anything is allocated).
 */
public record ReaderOptions(AxesOverride axes, long maxPlaneBytes) implements Serializable {
    public static ReaderOptions defaults() {
        return new ReaderOptions(null, TiffStructure.DEFAULT_MAX_PLANE_BYTES);
    }

    public ReaderOptions withAxes(String axesText) {
        return new ReaderOptions(axesText == null ? null : AxesOverride.parse(axesText), maxPlaneBytes);
    }
}
