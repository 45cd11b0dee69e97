package io.highdim.jobs.spec;

import io.highdim.png.DisplayScaling;
import io.highdim.tiff.Plane;

/** The 8-bit display window of a slice: the plane's 0.1 and 99.9 percentiles, or its min and max. */
public enum DisplayWindow {
    PERCENTILE, MINMAX;

    /** This window of {@code plane} (slices, projections, and planes the service renders alike). */
    public DisplayScaling.Window of(Plane plane) {
        return this == MINMAX ? DisplayScaling.minMax(plane) : DisplayScaling.percentile(plane);
    }
}
