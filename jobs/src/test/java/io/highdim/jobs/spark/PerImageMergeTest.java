package io.highdim.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.compute.ImageAggregate;
import io.highdim.jobs.compute.ImageOutcomes;
import io.highdim.jobs.compute.PassProbe;
import io.highdim.jobs.compute.PlanePass;
import io.highdim.jobs.compute.StackRange;
import io.highdim.jobs.compute.TaskAttempts;
import io.highdim.jobs.input.AcceptedImage;
import io.highdim.jobs.input.HadoopSettings;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.jobs.testkit.ImagePasses;
import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageResults;
import io.highdim.model.Part;
import io.highdim.model.PcaResult;
import io.highdim.model.PlaneSummary;
import io.highdim.tiff.ReaderOptions;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * The per-image merge on the driver (tasks in parallel, their partial results merged in whatever order they arrive)
 * gives, bit for bit, what folding the same tasks' results one after another in task order gives: which is what
 * makes a cluster run equal a local one. Float and integer images, many small tasks each, beside a small file that
 * is finished inside one task.
 */
class PerImageMergeTest {

    @Test
    void mergingOnTheDriverEqualsTheSequentialFoldBitForBit() throws Exception {
        JavaSparkContext sc = SharedSpark.context();
        Path samples = Paths.get("..", "sample-data").toAbsolutePath().normalize();
        List<String> inputs = List.of(samples.resolve("timelapse_tcyx_f32_ome.ome.tif").toString(),
                samples.resolve("cells_ztcyx_u16.tif").toString(),
                samples.resolve("tissue_ztcyx_u16_zlib_bigtiff.tif").toString());
        long partitionBytes = 32 * 1024;
        PassSpec spec = new PassSpec("stats", inputs, Set.of(Part.CHANNEL_STATS, Part.PLANE_STATS, Part.PCA), null,
                ReaderOptions.defaults().maxPlaneBytes(), 2, partitionBytes, null);
        HadoopSettings hadoop = new HadoopSettings(sc.hadoopConfiguration());
        List<AcceptedImage> images = Ingest.run(sc, hadoop, inputs, spec.readerOptions()).images();
        assertEquals(3, images.size(), "all three samples indexed");
        PlanePass pass = ImagePass.planePass(hadoop, spec, TaskAttempts.ONE, PassProbe.NONE);
        Map<String, List<Double>> sequential = new TreeMap<>();
        int tasks = 0;
        for (AcceptedImage i : images) {
            ImageAggregate folded = new ImageAggregate();
            for (StackRange t : TaskPlanner.split(i.imageId(), i.index(), partitionBytes)) {
                folded.merge(pass.run(t, i.index()));
                tasks++;
            }
            sequential.put(i.imageId(), summary(ImageOutcomes.processed(i, folded.finish(), spec)));
        }
        assertTrue(tasks > 3 * images.size(), tasks + " tasks");
        Map<String, List<Double>> merged = new TreeMap<>();
        for (ImageOutcome o : ImagePasses.outcomes(sc, spec)) merged.put(o.imageId(), summary(o));
        assertEquals(sequential, merged);
    }

    /** Every number the catalogue would get from the outcome, as boxed doubles (equal only when bit-equal). */
    private static List<Double> summary(ImageOutcome outcome) {
        if (!(outcome instanceof ImageOutcome.Processed processed)) throw new AssertionError(outcome.toString());
        ImageResults r = processed.results();
        List<Double> out = new ArrayList<>();
        for (ChannelSummary c : r.channels()) {
            out.addAll(List.of((double) c.count(), c.mean(), c.std(), c.min(), c.max(), (double) c.nanCount()));
        }
        PcaResult pca = r.pca().orElseThrow();
        for (double v : pca.explainedVariance()) out.add(v);
        for (double[] row : pca.components()) for (double v : row) out.add(v);
        for (PlaneSummary p : r.planeStats()) {
            out.addAll(List.of((double) p.z(), (double) p.t(), (double) p.c(), p.mean(), p.std(), p.min(), p.max()));
        }
        return out;
    }
}
