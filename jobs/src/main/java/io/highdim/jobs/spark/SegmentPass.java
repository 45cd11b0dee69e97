package io.highdim.jobs.spark;

import io.highdim.jobs.compute.LaterPassRounds;
import io.highdim.jobs.compute.OutcomeSink;
import io.highdim.jobs.compute.SegmentSlab;
import io.highdim.jobs.compute.SegmentWorker;
import io.highdim.jobs.compute.SlabJoin;
import io.highdim.jobs.input.HadoopSettings;
import io.highdim.jobs.output.HadoopOutputStore;
import io.highdim.jobs.output.OutputWriteException;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.jobs.spec.SegmentSpec;
import io.highdim.model.ImageOutcome;
import io.highdim.model.RejectReason;
import io.highdim.model.Rejection;
import io.highdim.model.VolumeSegmentation;
import io.highdim.stats.FloatOtsu;
import io.highdim.stats.OtsuThreshold;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.PixelType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code segment}, {@code run --segment}: each (t, c) volume of the images the pass gives it thresholded, labelled in
 * 3D and measured per object, distributed by slabs of Z planes (n5-spark's connected components, LUE's clump:
 * local labels, a union-find over the equivalences across slab boundaries, relabelled). An image's outcome is held
 * back until its segmentation (and label files) are done, then passed on with it; other outcomes pass straight on.
 * Rounds run on one driver thread beside the pixel pass, as the score pass's do; each round takes every image waiting
 * and runs up to four jobs: the thresholds' counts (Otsu), float data's bins, the labels, the label files. A failure
 * (not an image's) stops the rounds and {@link #finish()} fails the run; the images still waiting are not committed.
 */
public final class SegmentPass {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentPass.class);
    private final JavaSparkContext sc;
    private final PassSpec spec;
    private final SegmentSpec segment;
    private final HadoopSettings hadoop;
    private final OutcomeSink next;
    private final LaterPassRounds<Waiting> rounds = new LaterPassRounds<>("segmentation", this::round);
    private int images;
    private long objects;

    public SegmentPass(JavaSparkContext sc, PassSpec spec, OutcomeSink next) {
        if (spec.segment() == null) throw new IllegalArgumentException("the spec asks for no segmentation");
        this.sc = sc;
        this.spec = spec;
        this.segment = spec.segment();
        this.hadoop = new HadoopSettings(sc.hadoopConfiguration());
        this.next = next;
    }

    private record Waiting(ImageOutcome.Processed outcome, ImageIndex index) {}

    /** Where outcomes go: processed images after their segmentation (read with {@code index}), others at once. */
    public void accept(ImageOutcome outcome, ImageIndex index) {
        if (outcome instanceof ImageOutcome.Processed p) {
            if (index == null) throw new IllegalStateException("no plane index came with " + p.imageId());
            rounds.add(new Waiting(p, index));
        } else {
            next.accept(outcome, index);
        }
    }

    /** Waits for the rounds to end; throws the first failure (the images it left are not committed). */
    public void finish() throws InterruptedException {
        rounds.finish();
        if (images > 0) LOG.info("segmentation: {} images, {} objects", images, objects);
    }

    private void round(List<Waiting> batch) {
        long t0 = System.nanoTime();
        Round round = new Round(batch);
        round.run();
        LOG.info("segmentation: {} images in {} s", batch.size(),
                String.format("%.2f", (System.nanoTime() - t0) / 1e9));
        round.passOn();
    }

    /** The images of one round, through the steps; an image rejected at a step leaves the later ones. */
    private final class Round {
        private final Map<String, Waiting> byId = new LinkedHashMap<>();
        private final Map<String, Rejection> rejected = new HashMap<>();
        /** Otsu's thresholds per channel of each time point. */
        private final Map<Volumes, double[]> thresholds = new HashMap<>();
        private final Map<Volumes, SlabJoin.Joined> joined = new HashMap<>();
        private final List<String> written = new ArrayList<>();
        /** Each image's index, sent once to each executor rather than with each of its slabs' tasks. */
        private final Map<String, BroadcastIndex> indexes = new HashMap<>();
        private final HadoopOutputStore labels = segment.labelsOutput() == null ? null
                : new HadoopOutputStore(segment.labelsOutput(), hadoop);
        private final SegmentWorker worker = new SegmentWorker(hadoop, segment, SparkJobs.attempts(sc));

        Round(List<Waiting> batch) {
            for (Waiting w : batch) byId.put(w.outcome().imageId(), w);
        }

        void run() {
            for (Waiting w : byId.values()) {
                PixelType type = w.index().pixelType();
                if (segment.fixedThreshold() == null && (type == PixelType.U32 || type == PixelType.I32)) {
                    rejected.put(w.outcome().imageId(), new Rejection(RejectReason.UNSUPPORTED_PIXEL_TYPE,
                            "Otsu's threshold of " + type.numpyName() + " data is not computed (its exact histogram "
                                    + "could have 2^32 bins): give --threshold VALUE"));
                }
            }
            try {
                if (segment.fixedThreshold() == null) otsu();
                label();
                if (labels != null) writeLabels();
            } catch (RuntimeException | Error e) { // none of the round's images is committed: none of its files stays
                if (labels != null) labels.removeAll(written);
                throw e;
            } finally {
                indexes.values().forEach(i -> i.index.destroy());
            }
        }

        private List<SegmentSlab> slabs(boolean floatOnly) {
            List<SegmentSlab> slabs = new ArrayList<>();
            for (Waiting w : byId.values()) {
                String id = w.outcome().imageId();
                if (rejected.containsKey(id) || floatOnly && !w.index().pixelType().isFloating()) continue;
                BroadcastIndex index = indexes.computeIfAbsent(id, k -> new BroadcastIndex(sc.broadcast(w.index())));
                slabs.addAll(SegmentSlab.of(id, index, SegmentSlab.heapTarget(spec.partitionBytes())));
            }
            return slabs;
        }

        private <T, U> List<U> job(List<T> units, org.apache.spark.api.java.function.Function<T, U> f, Class<U> type) {
            List<U> out = Collections.synchronizedList(new ArrayList<>());
            if (units.isEmpty()) return out;
            JavaRDD<T> rdd = sc.parallelize(units, units.size());
            SparkJobs.runEach(rdd, f, type, out::add);
            return out;
        }

        /** The volumes of one time point of an image: what a slab's results are gathered by. */
        private record Volumes(String imageId, int t) {}

        /** Otsu's threshold per (t, c): exact counts of integer data; the range, then 256 bins, of float data. */
        private void otsu() {
            Map<Volumes, SegmentWorker.Counts> merged = new HashMap<>();
            for (SegmentWorker.Counts r : job(slabs(false), worker::counts, SegmentWorker.Counts.class)) {
                if (r.rejection() != null) rejected.putIfAbsent(r.imageId(), r.rejection());
                else merged.merge(new Volumes(r.imageId(), r.t()), r, SegmentPass::merge);
            }
            Map<Volumes, FloatOtsu.Range[]> ranges = new HashMap<>();
            merged.forEach((key, counts) -> {
                if (counts.ranges() != null) {
                    ranges.put(key, counts.ranges());
                    return;
                }
                double[] th = new double[counts.counts().length];
                for (int c = 0; c < th.length; c++) {
                    th[c] = OtsuThreshold.ofCounts(counts.counts()[c], counts.first()[c]);
                }
                thresholds.put(key, th);
            });
            if (ranges.isEmpty()) return;
            List<SegmentWorker.Step> steps = new ArrayList<>();
            for (SegmentSlab s : slabs(true)) {
                FloatOtsu.Range[] range = ranges.get(new Volumes(s.imageId(), s.t()));
                if (range != null) steps.add(new SegmentWorker.Step(s, range, null, null));
            }
            Map<Volumes, SegmentWorker.Counts> bins = new HashMap<>();
            for (SegmentWorker.Counts r : job(steps, worker::floatBins, SegmentWorker.Counts.class)) {
                if (r.rejection() != null) rejected.putIfAbsent(r.imageId(), r.rejection());
                else bins.merge(new Volumes(r.imageId(), r.t()), r, SegmentPass::merge);
            }
            bins.forEach((key, counts) -> {
                double[] th = new double[counts.bins().length];
                for (int c = 0; c < th.length; c++) th[c] = counts.bins()[c].threshold();
                thresholds.put(key, th);
            });
        }

        private double[] thresholdsOf(SegmentSlab s) {
            return thresholdsOf(new Volumes(s.imageId(), s.t()), s.index().sizeC());
        }

        /** Per channel, the threshold of the volumes of a time point: the user's, or Otsu's of each. */
        private double[] thresholdsOf(Volumes volumes, int channels) {
            if (segment.fixedThreshold() == null) return thresholds.get(volumes);
            double[] all = new double[channels];
            Arrays.fill(all, segment.fixedThreshold());
            return all;
        }

        private void label() {
            List<SegmentWorker.Step> steps = new ArrayList<>();
            for (SegmentSlab s : slabs(false)) steps.add(new SegmentWorker.Step(s, null, thresholdsOf(s), null));
            Map<Volumes, List<SegmentWorker.Labels>> slabs = new HashMap<>();
            for (SegmentWorker.Labels r : job(steps, worker::label, SegmentWorker.Labels.class)) {
                if (r.rejection() != null) { rejected.putIfAbsent(r.imageId(), r.rejection()); continue; }
                slabs.computeIfAbsent(new Volumes(r.imageId(), r.t()), k -> new ArrayList<>()).add(r);
            }
            slabs.forEach((volumes, list) -> {
                if (rejected.containsKey(volumes.imageId())) return;
                list.sort(Comparator.comparingInt(SegmentWorker.Labels::ordinal));
                ImageIndex index = byId.get(volumes.imageId()).index();
                joined.put(volumes, SlabJoin.join(index, volumes.t(), segment, list,
                        thresholdsOf(volumes, index.sizeC())));
            });
        }

        /** Each slab's planes in final labels as parts, then each volume's file made of its parts, in Z order. */
        private void writeLabels() {
            List<SegmentWorker.Step> steps = new ArrayList<>();
            for (SegmentSlab s : slabs(false)) {
                SlabJoin.Joined j = joined.get(new Volumes(s.imageId(), s.t()));
                int[][] maps = new int[s.index().sizeC()][];
                for (int c = 0; c < maps.length; c++) maps[c] = j.finalLabels()[c][s.ordinal()];
                steps.add(new SegmentWorker.Step(s, null, thresholdsOf(s), maps));
            }
            Map<Volumes, List<SegmentWorker.Parts>> parts = new HashMap<>();
            List<OutputWriteException> failed = new ArrayList<>();
            for (SegmentWorker.Parts p : job(steps, worker::writeLabels, SegmentWorker.Parts.class)) {
                if (p.uris() != null) for (String u : p.uris()) if (u != null) written.add(u);
                if (p.failure() != null) failed.add(p.failure());
                else if (p.rejection() != null) rejected.putIfAbsent(p.imageId(), p.rejection());
                else parts.computeIfAbsent(new Volumes(p.imageId(), p.t()), k -> new ArrayList<>()).add(p);
            }
            if (!failed.isEmpty()) throw failed.get(0); // after the job: no task still writes
            for (Map.Entry<Volumes, List<SegmentWorker.Parts>> e : parts.entrySet()) {
                String id = e.getKey().imageId();
                if (rejected.containsKey(id)) continue;
                List<SegmentWorker.Parts> list = e.getValue();
                list.sort(Comparator.comparingInt(SegmentWorker.Parts::ordinal));
                ImageIndex index = byId.get(id).index();
                List<VolumeSegmentation> volumes = joined.get(e.getKey()).volumes();
                for (int c = 0; c < index.sizeC(); c++) {
                    String uri = labels.labelsUri(id, e.getKey().t(), c);
                    SegmentWorker.assemble(labels, uri, index, list, c);
                    written.add(uri);
                    VolumeSegmentation v = volumes.get(c);
                    volumes.set(c, new VolumeSegmentation(v.t(), v.c(), v.method(), v.threshold(), v.connectivity(),
                            v.minVoxels(), v.objects(), uri));
                }
            }
            List<String> partUris = new ArrayList<>();
            for (List<SegmentWorker.Parts> list : parts.values()) {
                for (SegmentWorker.Parts p : list) for (String u : p.uris()) partUris.add(u);
            }
            labels.removeAll(partUris);
            written.removeAll(partUris);
            for (String id : byId.keySet()) labels.remove(labels.labelPartsDir(id)); // an empty folder: deleted
        }

        /** Each image on, with its segmentation, or rejected (its files from the pixel pass removed). */
        void passOn() {
            for (Waiting w : byId.values()) {
                ImageOutcome.Processed p = w.outcome();
                Rejection why = rejected.get(p.imageId());
                if (why != null) {
                    removeFiles(p);
                    next.accept(new ImageOutcome.Rejected(p.image(), Optional.of(p.geometry()), p.warnings(), why),
                            w.index());
                    continue;
                }
                List<VolumeSegmentation> volumes = new ArrayList<>();
                for (int t = 0; t < w.index().sizeT(); t++) {
                    volumes.addAll(joined.get(new Volumes(p.imageId(), t)).volumes());
                }
                for (VolumeSegmentation v : volumes) objects += v.objects().size();
                images++;
                next.accept(new ImageOutcome.Processed(p.image(), p.geometry(), p.warnings(),
                        p.results().withSegmentations(volumes)), w.index());
            }
        }

        private void removeFiles(ImageOutcome.Processed p) {
            List<String> files = p.results().files();
            if (files.isEmpty()) return;
            new HadoopOutputStore(spec.slices() != null ? spec.slices().output() : segment.labelsOutput(), hadoop)
                    .removeAll(files);
        }
    }

    /** An image's index as a Spark broadcast: each executor fetches it once for all the image's slabs. */
    private record BroadcastIndex(Broadcast<ImageIndex> index) implements SegmentSlab.IndexSource {
        @Override public ImageIndex get() { return index.value(); }
    }

    /** Two slabs' counts of the same time point added up (into {@code a}, whose arrays are the job's own). */
    private static SegmentWorker.Counts merge(SegmentWorker.Counts a, SegmentWorker.Counts b) {
        for (int c = 0; a.counts() != null && c < a.counts().length; c++) {
            // each slab counts the values it has, lowest to highest: the sum spans both
            long lo = Math.min(a.first()[c], b.first()[c]);
            long end = Math.max(a.first()[c] + a.counts()[c].length, b.first()[c] + b.counts()[c].length);
            if (lo != a.first()[c] || end - lo != a.counts()[c].length) {
                long[] wider = new long[Math.toIntExact(end - lo)];
                System.arraycopy(a.counts()[c], 0, wider, (int) (a.first()[c] - lo), a.counts()[c].length);
                a.counts()[c] = wider;
                a.first()[c] = lo;
            }
            long[] sum = a.counts()[c], add = b.counts()[c];
            int at = (int) (b.first()[c] - lo);
            for (int v = 0; v < add.length; v++) sum[at + v] += add[v];
        }
        for (int c = 0; a.ranges() != null && c < a.ranges().length; c++) a.ranges()[c].merge(b.ranges()[c]);
        for (int c = 0; a.bins() != null && c < a.bins().length; c++) a.bins()[c].merge(b.bins()[c]);
        return a;
    }
}
