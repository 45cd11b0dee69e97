package io.highdim.jobs.spec;

import io.highdim.model.Part;
import io.highdim.tiff.ReaderOptions;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a run was asked to do, validated when the command line was parsed: nothing below the CLI parses an
 * option. Stored whole as JSON in {@code runs.options}.
 *
 * @param command        the subcommand (ingest, stats, pca, slices, run)
 * @param parts          what the pixel pass computes besides the plane index; empty for ingest
 * @param axes           the user's axes override, or null (already checked to parse)
 * @param components     PCA components asked for (at least 1; an image with fewer channels gets what it has)
 * @param partitionBytes stored bytes per Spark task
 * @param slices         slice selection and output; used when {@code parts} has SLICES or PROJECTIONS (the
 *                       projections of the selected (t, c), in the same window and output)
 * @param scoresOutput   where PCA score TIFFs and models go (a Hadoop URI), or null: none ({@code --scores})
 * @param segment        how volumes are segmented when {@code parts} has SEGMENTATION, else null
 */
public record PassSpec(String command, List<String> inputs, Set<Part> parts, String axes, long maxPlaneBytes,
                       int components, long partitionBytes, SliceSpec slices, String scoresOutput,
                       SegmentSpec segment) implements Serializable {
    /** A spec without segmentation. */
    public PassSpec(String command, List<String> inputs, Set<Part> parts, String axes, long maxPlaneBytes,
                    int components, long partitionBytes, SliceSpec slices, String scoresOutput) {
        this(command, inputs, parts, axes, maxPlaneBytes, components, partitionBytes, slices, scoresOutput, null);
    }

    /** A spec without scores. */
    public PassSpec(String command, List<String> inputs, Set<Part> parts, String axes, long maxPlaneBytes,
                    int components, long partitionBytes, SliceSpec slices) {
        this(command, inputs, parts, axes, maxPlaneBytes, components, partitionBytes, slices, null);
    }

    public PassSpec {
        inputs = List.copyOf(inputs);
        parts = parts.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(parts));
        if (maxPlaneBytes <= 0 || partitionBytes <= 0 || components < 1) {
            throw new IllegalArgumentException("options out of range: " + maxPlaneBytes + ", " + partitionBytes
                    + ", " + components);
        }
        if ((parts.contains(Part.SLICES) || parts.contains(Part.PROJECTIONS)) && slices == null) {
            throw new IllegalArgumentException("slices and projections need a spec");
        }
        if (scoresOutput != null && !parts.contains(Part.PCA)) throw new IllegalArgumentException("scores need PCA");
        if (parts.contains(Part.SEGMENTATION) != (segment != null)) {
            throw new IllegalArgumentException("segmentation needs a spec, and a spec needs the part");
        }
    }

    public ReaderOptions readerOptions() {
        return new ReaderOptions(null, maxPlaneBytes).withAxes(axes);
    }

    public boolean computes(Part part) { return parts.contains(part); }

    /** Whether the pass sweeps the channel moments (statistics and the PCA covariance come from them). */
    public boolean needsMoments() {
        return computes(Part.CHANNEL_STATS) || computes(Part.HISTOGRAMS) || computes(Part.PLANE_STATS)
                || computes(Part.PCA);
    }

    /**
     * Bytes of the planes one task reads: {@code --partition-mb}, or an eighth of it when the pass only renders
     * PNGs. Encoding a plane costs 10-25 ms, fifty times reading it, so 256 MB of selected planes (e.g. slices of
     * 10 z of a 1 GB file) would keep one core busy while the others idle; without statistics there is no float
     * merge order whose bits depend on the task boundaries.
     */
    public long taskBytes() {
        return needsMoments() ? partitionBytes : Math.max(1L << 20, partitionBytes / 8);
    }

    /** Whether a pass after the pixel pass reads the images again (scores, segmentation): it needs their indexes. */
    public boolean laterPassesReadPixels() { return scoresOutput != null || segment != null; }

    /** Whether the pixels are read at all (ingest reads headers only). */
    public boolean readsPixels() { return needsMoments() || computes(Part.SLICES) || computes(Part.PROJECTIONS); }
}
