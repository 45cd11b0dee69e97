package io.highdim.jobs.compute;

import io.highdim.jobs.output.OutputStore;
import io.highdim.jobs.spec.SliceSpec;
import io.highdim.model.ProjectionFile;
import io.highdim.png.DisplayScaling;
import io.highdim.png.PngEncoder;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.Plane;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maximum-intensity projections over Z of the (t, c) the slice options select (--t, --c; every Z whatever --z says),
 * rendered where an image completes (in the task of a small file, on the driver for a large one) once its maxima are
 * merged: an 8-bit display PNG in the slices' window (percentile or min/max of the projected plane), and for 8/16-bit
 * integer data a 16-bit PNG of the raw maxima (as {@code --raw16} slices: int8/int16 offset). 32-bit and float data
 * get the 8-bit PNG only: their values do not fit 16 bits without a scaling of our choosing, and the 8-bit one is
 * that scaling already.
 */
public final class ProjectionRenderer implements Serializable {
    private final SliceSpec spec;
    private final OutputStore sink;

    public ProjectionRenderer(SliceSpec spec, OutputStore sink) {
        this.spec = spec;
        this.sink = sink;
    }

    boolean selects(int t, int c) {
        return selects(spec, t, c);
    }

    /** Removes files written for an image that will not be committed. */
    void remove(List<String> uris) {
        sink.removeAll(uris);
    }

    private static boolean selects(SliceSpec spec, int t, int c) {
        return spec.t().contains(t) && spec.c().contains(c);
    }

    /** The heap the image's projections take, in a task (every task of an image reads every t) and on the driver. */
    static long bytes(SliceSpec spec, ImageIndex image) {
        long n = 0;
        for (int t = 0; t < image.sizeT(); t++) {
            for (int c = 0; c < image.sizeC(); c++) if (selects(spec, t, c)) n++;
        }
        return MaxProjection.bytes(image.pixelType(), image.width(), image.height(), n);
    }

    /** Whether projections of these {@link #bytes} are made: not above {@link MaxProjection#MAX_BYTES}. */
    static boolean fits(long bytes) {
        return bytes <= MaxProjection.MAX_BYTES;
    }

    long bytes(ImageIndex image) {
        return bytes(spec, image);
    }

    /**
     * Writes the PNGs of every projection, each whole or not at all; a failure to write removes those written and
     * fails the run.
     */
    List<ProjectionFile> render(String imageId, MaxProjection max) {
        List<ProjectionFile> out = new ArrayList<>();
        try (PngEncoder png = new PngEncoder()) {
            for (Map.Entry<Integer, Plane> e : max.planes().entrySet()) {
                int t = max.t(e.getKey()), c = max.c(e.getKey());
                Plane plane = e.getValue();
                DisplayScaling.Window w = spec.window().of(plane);
                String png8 = sink.projectionUri(imageId, t, c, 8);
                sink.write(png8, o -> png.writeDisplay8(o, plane, w));
                out.add(new ProjectionFile(t, c, 8, png8, w.low(), w.high()));
                if (plane.type().isSmallInteger()) {
                    String png16 = sink.projectionUri(imageId, t, c, 16);
                    sink.write(png16, o -> png.writeRaw16(o, plane));
                    out.add(new ProjectionFile(t, c, 16, png16, Double.NaN, Double.NaN));
                }
            }
        } catch (RuntimeException | Error e) {
            for (ProjectionFile f : out) sink.remove(f.uri());
            throw e;
        }
        return out;
    }
}
