package io.highdim.jobs.compute;

import io.highdim.jobs.output.OutputStore;
import io.highdim.jobs.spec.DisplayWindow;
import io.highdim.jobs.spec.SliceSpec;
import io.highdim.model.SliceFile;
import io.highdim.png.DisplayScaling;
import io.highdim.png.PngEncoder;
import io.highdim.tiff.Plane;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the selected planes as PNGs into a {@link OutputStore}: 8-bit display-scaled in the chosen window and,
 * when asked, 16-bit raw values (8/16-bit integer planes; int16 offset by 32768). Writing is our output, not the
 * user's file: a failure to write fails the run instead of rejecting the image. The caller passes the
 * {@link PngEncoder} (one per task, so its Deflater and buffers serve all the task's slices); it is not part of the
 * renderer, which is shipped to executors.
 */
public final class SliceRenderer implements Serializable {
    private final SliceSpec spec;
    private final OutputStore sink;

    public SliceRenderer(SliceSpec spec, OutputStore sink) {
        this.spec = spec;
        this.sink = sink;
    }

    boolean selects(int z, int t, int c) {
        return spec.selects(z, t, c);
    }

    /** The display window comes from percentiles (which sort a copy of a plane of 32/64-bit values). */
    boolean percentileWindow() {
        return spec.window() != DisplayWindow.MINMAX;
    }

    /** Removes slices written for an image that will not be committed. */
    void remove(List<String> uris) {
        sink.removeAll(uris);
    }

    List<SliceFile> render(PngEncoder png, String imageId, int z, int t, int c, Plane plane) {
        if (!spec.selects(z, t, c)) return List.of();
        List<SliceFile> out = new ArrayList<>(2);
        DisplayScaling.Window w = spec.window().of(plane);
        String png8 = sink.uri(imageId, z, t, c, 8);
        sink.write(png8, o -> png.writeDisplay8(o, plane, w));
        out.add(new SliceFile(z, t, c, 8, png8, w.low(), w.high()));
        if (spec.raw16() && plane.type().isSmallInteger()) {
            String png16 = sink.uri(imageId, z, t, c, 16);
            try {
                sink.write(png16, o -> png.writeRaw16(o, plane));
            } catch (RuntimeException | Error e) { // the caller never learns of the 8-bit one
                sink.remove(png8);
                throw e;
            }
            out.add(new SliceFile(z, t, c, 16, png16, Double.NaN, Double.NaN));
        }
        return out;
    }
}
