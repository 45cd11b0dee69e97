package io.highdim.jobs.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.highdim.jobs.catalogue.CatalogueReader;
import io.highdim.jobs.catalogue.CataloguedImage;
import io.highdim.jobs.spec.DisplayWindow;
import io.highdim.model.ImageGeometry;
import io.highdim.model.Rejection;
import io.highdim.model.SliceFile;
import io.highdim.png.DisplayScaling;
import io.highdim.png.PngEncoder;
import io.highdim.tiff.HadoopFileSystems;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.ImageReadException;
import io.highdim.tiff.Plane;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.ReaderOptions;
import io.highdim.tiff.TiffFormatReader;
import io.highdim.tiff.TiffStructure;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 8-bit PNG of one plane: the one a run stored when there is one (the catalogue's {@code slices} row), else
 * rendered now from the source file, reading that one plane by byte range, in the window the pipeline would use
 * (the image's stored {@code --window}: the plane's 0.1/99.9 percentiles by default, or its min and max).
 */
final class SliceSource {
    private static final Logger LOG = LoggerFactory.getLogger(SliceSource.class);
    /** Indexes kept per file: a viewer paging through planes reads the header once, not once per plane. */
    private static final int CACHED_INDEXES = 32;

    /** A PNG and whether it was the stored one. */
    record Png(byte[] bytes, boolean stored) {}

    private final CatalogueReader catalogue;
    private final Configuration hadoop;
    /** Renders at once: each holds a decoded plane (up to --max-plane-mb) and its 8-bit copy on the heap. */
    private final Semaphore renders;
    private final Map<String, ImageIndex> indexes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ImageIndex> eldest) {
            return size() > CACHED_INDEXES;
        }
    };

    SliceSource(CatalogueReader catalogue, Configuration hadoop, int concurrentRenders) {
        this.catalogue = catalogue;
        this.hadoop = hadoop;
        this.renders = new Semaphore(concurrentRenders, true);
    }

    /** Plane (z, t, c) of an ok image; z, t, c within its geometry. */
    Png png(CataloguedImage image, int z, int t, int c) throws IOException, InterruptedException {
        var stored = catalogue.slice(image.imageId(), z, t, c, 8);
        if (stored.isPresent()) {
            try {
                return new Png(readAll(stored.get()), true);
            } catch (FileNotFoundException e) { // deleted since the run: the source still has the plane
                LOG.warn("stored slice {} is gone; rendering it from the source", stored.get().uri());
            }
        }
        return new Png(render(image, z, t, c), false);
    }

    private byte[] readAll(SliceFile slice) throws IOException {
        Path path = new Path(slice.uri());
        try (InputStream in = HadoopFileSystems.of(path, hadoop).open(path)) {
            return in.readAllBytes();
        }
    }

    private byte[] render(CataloguedImage image, int z, int t, int c) throws IOException, InterruptedException {
        JsonNode options = catalogue.resultOptions(image.imageId()).orElse(null);
        renders.acquire();
        Path source = new Path(image.ref().uri());
        // length and time key the cached index: a file rewritten since (even at the same length) is indexed again
        FileStatus status = HadoopFileSystems.of(source, hadoop).getFileStatus(source);
        try (RangeReader in = HadoopRangeReader.open(image.ref().uri(), status.getLen(), hadoop)) {
            ImageIndex index = index(image, in, options, status.getModificationTime());
            Plane plane = new TiffFormatReader().readPlane(index, in, z, t, c);
            DisplayScaling.Window window = storedWindow(options).of(plane);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            try (PngEncoder encoder = new PngEncoder()) {
                encoder.writeDisplay8(png, plane, window);
            }
            return png.toByteArray();
        } catch (ImageReadException e) {
            // the file was catalogued ok and now reads badly: it changed (or broke) since
            throw new ApiError(409, "the source of image " + image.imageId() + " no longer reads as catalogued: "
                    + Rejection.of(e).text() + "; run ingest on " + image.ref().uri() + " again");
        } finally {
            renders.release();
        }
    }

    /** The image's index: cached by file, series, size and time, else read from the header with its options. */
    private ImageIndex index(CataloguedImage image, RangeReader in, JsonNode options, long modified)
            throws IOException {
        String key = image.ref().uri() + "#" + image.ref().series() + "@" + in.length() + "@" + modified;
        synchronized (indexes) {
            ImageIndex cached = indexes.get(key);
            if (cached != null) return cached;
        }
        ImageIndex found = null;
        for (ImageIndex i : new TiffFormatReader().index(in, readerOptions(options))) {
            if (i.series() == image.ref().series()) found = i;
        }
        ImageGeometry g = image.geometry().orElseThrow();
        if (found == null || found.sizeZ() != g.sizeZ() || found.sizeT() != g.sizeT() || found.sizeC() != g.sizeC()
                || found.height() != g.height() || found.width() != g.width()) {
            throw new ApiError(409, "the source of image " + image.imageId() + " changed since it was catalogued; "
                    + "run ingest on " + image.ref().uri() + " again");
        }
        synchronized (indexes) {
            indexes.put(key, found);
        }
        return found;
    }

    /** The axes override and page limit the image was indexed with (stored in its result options). */
    private static ReaderOptions readerOptions(JsonNode options) {
        long maxPlane = options != null && options.hasNonNull("max_plane_bytes")
                ? options.get("max_plane_bytes").asLong() : TiffStructure.DEFAULT_MAX_PLANE_BYTES;
        String axes = options != null && options.hasNonNull("axes") ? options.get("axes").asText() : "";
        return new ReaderOptions(null, maxPlane).withAxes(axes.isEmpty() ? null : axes);
    }

    /** The run's {@code --window}, stored as "window=MINMAX" among the slices options; else the default. */
    private static DisplayWindow storedWindow(JsonNode options) {
        if (options == null || !options.has("slices")) return DisplayWindow.PERCENTILE;
        for (JsonNode o : options.get("slices")) {
            if (o.asText().equals("window=" + DisplayWindow.MINMAX)) return DisplayWindow.MINMAX;
        }
        return DisplayWindow.PERCENTILE;
    }
}
