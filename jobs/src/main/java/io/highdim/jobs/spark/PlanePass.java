package io.highdim.jobs.spark;

import io.highdim.jobs.catalogue.PlaneStatsRecord;
import io.highdim.jobs.catalogue.SliceRecord;
import io.highdim.png.DisplayScaling;
import io.highdim.png.PngWriter;
import io.highdim.stats.ChannelMoments;
import io.highdim.stats.PlaneStats;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.Plane;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.TiffFormatReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one pass over the pixels, run on executors: for each (z, t) stack of a task, read its C planes by range,
 * add them to the channel moments (statistics and the PCA covariance), compute each plane's statistics and write
 * the selected slices. Nothing per pixel is an object; planes are primitive arrays.
 */
public final class PlanePass implements Serializable {
    /** What the pass computes. Slices are written when {@code output} and {@code slices} are set. */
    public record Work(boolean moments, boolean planeStats, SliceSelection slices, String output) implements Serializable {}

    /** A task's partial results; merged on the driver. */
    public record Partial(String imageId, ChannelMoments moments, List<PlaneStatsRecord> planeStats,
                          List<SliceRecord> slices, long bytesDecoded, String error) implements Serializable {}

    private final Map<String, ImageIndex> images;
    private final HadoopSettings hadoop;
    private final Work work;

    public PlanePass(Map<String, ImageIndex> images, HadoopSettings hadoop, Work work) {
        this.images = images;
        this.hadoop = hadoop;
        this.work = work;
    }

    /** Runs a task; a plane that fails to decode fails its image (reported in {@code error}), not the job. */
    public Partial run(PlaneTask task) {
        try {
            return read(task);
        } catch (IOException | RuntimeException e) {
            String reason = e instanceof io.highdim.tiff.ImageReadException r
                    ? r.describe() : "IO_ERROR: " + e;
            return new Partial(task.imageId(), null, List.of(), List.of(), 0, reason);
        }
    }

    private Partial read(PlaneTask task) throws IOException {
        ImageIndex image = images.get(task.imageId());
        ChannelMoments moments = work.moments() ? new ChannelMoments(image.sizeC()) : null;
        List<PlaneStatsRecord> planeStats = new ArrayList<>();
        List<SliceRecord> slices = new ArrayList<>();
        TiffFormatReader reader = new TiffFormatReader();
        long decoded = 0;
        try (RangeReader in = HadoopRangeReader.open(image.uri(), hadoop.get())) {
            Plane[] stack = new Plane[image.sizeC()];
            for (int g = task.from(); g < task.to(); g++) {
                int z = g / image.sizeT(), t = g % image.sizeT();
                for (int c = 0; c < image.sizeC(); c++) {
                    stack[c] = reader.readPlane(image, in, z, t, c);
                    decoded += image.planeBytes();
                    if (work.slices() != null && work.output() != null && work.slices().selects(z, t, c)) {
                        slices.addAll(writeSlices(task.imageId(), z, t, c, stack[c]));
                    }
                }
                // the moments' sweeps over the stack give each plane's statistics too
                PlaneStats[] stats = moments != null ? moments.addBlock(stack) : null;
                if (work.planeStats()) {
                    for (int c = 0; c < image.sizeC(); c++) {
                        PlaneStats s = stats != null ? stats[c] : PlaneStats.of(stack[c]);
                        planeStats.add(new PlaneStatsRecord(task.imageId(), z, t, c, s.count(), s.mean(), s.std(),
                                s.min(), s.max(), s.nanCount()));
                    }
                }
            }
        }
        return new Partial(task.imageId(), moments, planeStats, slices, decoded, null);
    }

    private List<SliceRecord> writeSlices(String imageId, int z, int t, int c, Plane plane) throws IOException {
        SliceSelection sel = work.slices();
        List<SliceRecord> out = new ArrayList<>();
        String base = work.output().replaceAll("/+$", "") + "/" + imageId + "/slices/z" + z + "_t" + t + "_c" + c;
        DisplayScaling.Window w = sel.minMaxWindow() ? DisplayScaling.minMax(plane)
                : DisplayScaling.percentile(plane, sel.lowPercentile(), sel.highPercentile());
        String png8 = base + ".png";
        try (OutputStream o = create(png8)) {
            PngWriter.writeDisplay8(o, plane, w);
        }
        out.add(new SliceRecord(imageId, z, t, c, 8, png8, w.low(), w.high()));
        if (sel.raw16() && plane.type().bytes() <= 2 && !plane.type().isFloating()) {
            String png16 = base + "_raw16.png";
            try (OutputStream o = create(png16)) {
                PngWriter.writeRaw16(o, plane);
            }
            out.add(new SliceRecord(imageId, z, t, c, 16, png16, Double.NaN, Double.NaN));
        }
        return out;
    }

    private FSDataOutputStream create(String uri) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = p.getFileSystem(hadoop.get());
        return fs.create(p, true);
    }
}
