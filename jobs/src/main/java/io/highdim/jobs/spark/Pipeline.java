package io.highdim.jobs.spark;

import io.highdim.jobs.catalogue.ChannelStatsRecord;
import io.highdim.jobs.catalogue.ImageRecord;
import io.highdim.jobs.catalogue.ImageResults;
import io.highdim.jobs.catalogue.PcaRecord;
import io.highdim.jobs.catalogue.PlaneStatsRecord;
import io.highdim.jobs.catalogue.SliceRecord;
import io.highdim.stats.ChannelMoments;
import io.highdim.tiff.HadoopRangeReader;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.ImageReadException;
import io.highdim.tiff.RangeReader;
import io.highdim.tiff.ReaderOptions;
import io.highdim.tiff.TiffFormatReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The stages the jobs are made of: ingest files into images, one pass over their planes, assemble results. */
public final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final SparkSession spark;
    private final JavaSparkContext sc;
    private final HadoopSettings hadoop;

    public Pipeline(SparkSession spark) {
        this.spark = spark;
        this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.hadoop = new HadoopSettings(sc.hadoopConfiguration());
    }

    public JavaSparkContext context() { return sc; }

    /**
     * Validates and indexes every input file on the executors (headers only; one task per file). A file that
     * fails gets a rejected row with the reason; the others go on.
     */
    public List<Ingested> ingest(List<String> inputs, ReaderOptions options) {
        long t0 = System.nanoTime();
        List<Inputs.InputFile> files = Inputs.expand(inputs, hadoop.get());
        List<Ingested> out = new ArrayList<>();
        List<Inputs.InputFile> readable = new ArrayList<>();
        for (Inputs.InputFile f : files) {
            if (f.problem() != null) out.add(Ingested.rejected(Inputs.imageId(f.uri(), 0, 1), f.uri(), 0, f.problem()));
            else readable.add(f);
        }
        if (!readable.isEmpty()) {
            HadoopSettings settings = hadoop;
            List<List<Ingested>> indexed = sc.parallelize(readable, Math.max(1, Math.min(readable.size(), 1000)))
                    .map(f -> indexFile(f, options, settings)).collect();
            indexed.forEach(out::addAll);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long ok = out.stream().filter(Ingested::ok).count();
        LOG.info("ingest: {} files, {} images, {} rejected in {} s", files.size(), ok, out.size() - ok,
                String.format("%.2f", seconds));
        return out;
    }

    static List<Ingested> indexFile(Inputs.InputFile f, ReaderOptions options, HadoopSettings hadoop) {
        try (RangeReader in = HadoopRangeReader.open(f.uri(), hadoop.get())) {
            List<ImageIndex> images = new TiffFormatReader().index(in, options);
            List<Ingested> out = new ArrayList<>();
            for (ImageIndex i : images) {
                out.add(Ingested.accepted(Inputs.imageId(f.uri(), i.series(), i.imageCount()), f.bytes(), i));
            }
            return out;
        } catch (ImageReadException e) {
            return List.of(Ingested.rejected(Inputs.imageId(f.uri(), 0, 1), f.uri(), f.bytes(),
                    e.describe()));
        } catch (IOException | RuntimeException e) {
            return List.of(Ingested.rejected(Inputs.imageId(f.uri(), 0, 1), f.uri(), f.bytes(),
                    "IO_ERROR: " + e));
        }
    }

    /**
     * The pass over the pixels of the accepted images, in tasks of about {@code targetBytes} each, then merged
     * per image. PCA (when {@code components > 0}) comes from the same pass's covariance.
     */
    public Map<String, ImageResults> process(List<Ingested> images, PlanePass.Work work, int components,
                                             long targetBytes) {
        Map<String, ImageIndex> indexes = new LinkedHashMap<>();
        for (Ingested i : images) if (i.ok()) indexes.put(i.imageId(), i.index());
        Map<String, ImageResults> results = new LinkedHashMap<>();
        for (Ingested i : images) results.put(i.imageId(), i.results());
        if (indexes.isEmpty()) return results;

        List<PlaneTask> tasks = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, ImageIndex> e : indexes.entrySet()) {
            tasks.addAll(PlaneTask.split(e.getKey(), e.getValue(), targetBytes));
            bytes += e.getValue().imageBytes();
        }
        long t0 = System.nanoTime();
        Broadcast<Map<String, ImageIndex>> shared = sc.broadcast(new HashMap<>(indexes));
        HadoopSettings settings = hadoop;
        List<PlanePass.Partial> partials = PlacedTasks.rdd(sc, tasks, indexes, hadoop.get())
                .map(task -> new PlanePass(shared.value(), settings, work).run(task)).collect();
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info("pixels: {} images, {} tasks, {} MB decoded in {} s ({} MB/s)", indexes.size(), tasks.size(),
                bytes / 1_000_000, String.format("%.2f", seconds), String.format("%.1f", bytes / 1e6 / seconds));

        Map<String, ChannelMoments> moments = new HashMap<>();
        Map<String, List<PlaneStatsRecord>> planes = new HashMap<>();
        Map<String, List<SliceRecord>> slices = new HashMap<>();
        Map<String, String> failed = new HashMap<>();
        for (PlanePass.Partial p : partials) {
            if (p.error() != null) failed.putIfAbsent(p.imageId(), p.error());
        }
        for (PlanePass.Partial p : partials) {
            if (failed.containsKey(p.imageId())) continue;
            if (p.moments() != null) moments.merge(p.imageId(), p.moments(), ChannelMoments::merge);
            planes.computeIfAbsent(p.imageId(), k -> new ArrayList<>()).addAll(p.planeStats());
            slices.computeIfAbsent(p.imageId(), k -> new ArrayList<>()).addAll(p.slices());
        }
        for (String id : indexes.keySet()) {
            if (failed.containsKey(id)) {
                // decoding failed part-way: the image is rejected and none of its partial results is kept
                ImageRecord r = results.get(id).image();
                ImageRecord rejected = new ImageRecord(id, r.uri(), "rejected", failed.get(id), r.dtype(), r.sizeZ(),
                        r.sizeT(), r.sizeC(), r.height(), r.width(), r.dimensionSource(), r.warnings(), r.fileBytes(),
                        r.series(), r.imageCount());
                results.put(id, new ImageResults(rejected, List.of(), List.of(), null, List.of()));
                LOG.warn("image {} rejected: {}", id, failed.get(id));
                continue;
            }
            ChannelMoments m = moments.get(id);
            List<ChannelStatsRecord> channels = null;
            PcaRecord pca = null;
            if (m != null) {
                channels = new ArrayList<>();
                for (int c = 0; c < m.channels(); c++) {
                    channels.add(new ChannelStatsRecord(id, c, m.count(c), m.mean(c), m.std(c), m.min(c), m.max(c),
                            m.nanCount(c)));
                }
                if (components > 0 && m.channels() >= 2) pca = ChannelPca.of(id, m, components);
            }
            List<PlaneStatsRecord> ps = work.planeStats() ? planes.getOrDefault(id, List.of()) : null;
            if (ps != null) ps.sort(Comparator.comparingInt(PlaneStatsRecord::z).thenComparingInt(PlaneStatsRecord::t)
                    .thenComparingInt(PlaneStatsRecord::c));
            List<SliceRecord> sl = work.slices() != null ? slices.getOrDefault(id, List.of()) : null;
            ImageResults r = results.get(id);
            results.put(id, new ImageResults(r.image(), channels, ps, pca, sl, r.planes()));
        }
        return results;
    }

    public SparkSession spark() { return spark; }
}
