package io.highdim.jobs.cli;

import io.highdim.jobs.spec.SegmentSpec;
import picocli.CommandLine.Option;

/** How each (t, c) volume is segmented: the options of {@code segment} and {@code run --segment}. */
public class SegmentOptions {
    @Option(names = "--threshold", defaultValue = "otsu", converter = OptionConverters.Threshold.class,
            description = "Foreground = value > threshold: otsu (Otsu's threshold of each (t, c) volume, as "
                    + "scikit-image's threshold_otsu) or a number (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--connectivity", defaultValue = "6", converter = OptionConverters.Connectivity.class,
            description = "Voxels joined through faces (6), also edges (18), also corners (26) "
                    + "(scikit-image's connectivity 1, 2, 3; default: ${DEFAULT-VALUE}).")
    int connectivity;

    @Option(names = "--min-voxels", defaultValue = "0", converter = OptionConverters.Count.class,
            description = "Drop objects of fewer voxels, then number the rest (scikit-image's "
                    + "remove_small_objects(min_size=N); default: ${DEFAULT-VALUE}, none dropped).")
    long minVoxels;

    @Option(names = "--no-labels", description = "Skip the label volumes (uint32 TIFFs under the output).")
    boolean noLabels;

    /** The segmentation asked for, label volumes under {@code outputUri}. */
    SegmentSpec spec(String outputUri) {
        return new SegmentSpec(Double.isNaN(threshold) ? null : threshold, connectivity, minVoxels,
                noLabels ? null : outputUri);
    }
}
