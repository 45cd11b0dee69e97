package io.highdim.jobs.spark;

import io.highdim.jobs.compute.ImageOutcomes;
import io.highdim.jobs.input.AcceptedImage;
import io.highdim.jobs.input.HadoopSettings;
import io.highdim.jobs.input.InputListing;
import io.highdim.model.ImageOutcome;
import io.highdim.model.RejectReason;
import io.highdim.model.Rejection;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.ReaderOptions;
import io.highdim.tiff.TiffFormatReader;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the inputs and indexes every file (headers only): on the driver for a handful, else on the executors, a few
 * tasks per core. A file the reader
 * refuses, or cannot read, is rejected with its typed reason; any other exception is a bug and fails the run.
 */
public final class Ingest {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

    /** The accepted images with their plane indexes, and the rejected inputs. */
    public record Result(List<AcceptedImage> images, List<ImageOutcome.Rejected> rejected) {}

    /** What indexing one file gave: its images, or why it was refused. */
    record IndexedFile(InputListing.ListedFile file, List<ImageIndex> images, Rejection rejection)
            implements Serializable {}

    /** Up to this many files are indexed on the driver: reading a few headers costs less than a Spark job. */
    static final int INDEX_ON_DRIVER = 16;

    private Ingest() {}

    public static Result run(JavaSparkContext sc, HadoopSettings hadoop, List<String> inputs, ReaderOptions options) {
        return run(sc, hadoop, InputListing.list(inputs, hadoop.get()), options);
    }

    /** As {@link #run(JavaSparkContext, HadoopSettings, List, ReaderOptions)} on files listed already. */
    public static Result run(JavaSparkContext sc, HadoopSettings hadoop, InputListing.Listing listing,
                             ReaderOptions options) {
        long t0 = System.nanoTime();
        Result indexed = index(sc, hadoop, listing.files(), options);
        List<ImageOutcome.Rejected> rejected = new ArrayList<>(listing.unreadable());
        rejected.addAll(indexed.rejected());
        LOG.info("ingest: {} files, {} images, {} rejected in {} s",
                listing.files().size() + listing.unreadable().size(), indexed.images().size(), rejected.size(),
                String.format("%.2f", (System.nanoTime() - t0) / 1e9));
        return new Result(indexed.images(), rejected);
    }

    /** Indexes listed files: on the driver for a handful, else in a few tasks per core. */
    static Result index(JavaSparkContext sc, HadoopSettings hadoop, List<InputListing.ListedFile> files,
                        ReaderOptions options) {
        List<ImageOutcome.Rejected> rejected = new ArrayList<>();
        List<AcceptedImage> images = new ArrayList<>();
        if (files.isEmpty()) return new Result(images, rejected);
        List<IndexedFile> indexed = files.size() <= INDEX_ON_DRIVER
                ? files.parallelStream().map(f -> index(f, options, hadoop)).toList()
                : sc.parallelize(files, Math.min(files.size(), 4 * sc.defaultParallelism()))
                        .map(f -> index(f, options, hadoop)).collect();
        Set<String> ids = new HashSet<>();
        for (IndexedFile f : indexed) {
            InputListing.ListedFile file = f.file();
            if (f.rejection() != null) {
                rejected.add(ImageOutcomes.rejected(file.imageId(0, 1), file, f.rejection()));
                continue;
            }
            for (ImageIndex i : f.images()) {
                String id = file.imageId(i.series(), i.imageCount());
                if (!ids.add(id)) { // e.g. a file named x#0.tif beside a two-image x.tif
                    rejected.add(ImageOutcomes.rejected(id, file, new Rejection(RejectReason.DUPLICATE_ID,
                            "another image of this run has the id " + id + "; rename the file")));
                    continue;
                }
                images.add(AcceptedImage.of(file, i));
            }
        }
        return new Result(images, rejected);
    }

    static IndexedFile index(InputListing.ListedFile file, ReaderOptions options, HadoopSettings hadoop) {
        try (RangeReader in = HadoopRangeReader.open(file.uri(), hadoop.get())) {
            return new IndexedFile(file, new TiffFormatReader().index(in, options), null);
        } catch (IOException e) {
            return new IndexedFile(file, List.of(), Rejection.of(e));
        }
    }
}
