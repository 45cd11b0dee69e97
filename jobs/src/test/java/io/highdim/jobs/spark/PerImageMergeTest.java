package io.highdim.jobs.spark;

import com.holdenkarau.spark.testing.JavaRDDComparisons;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.jobs.testkit.SharedSpark;
import io.highdim.model.Part;
import io.highdim.model.PlaneSummary;
import io.highdim.stats.ChannelMoments;
import io.highdim.tiff.ImageIndex;
import io.highdim.tiff.ReaderOptions;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * The per-image merge in the cluster (tasks in parallel, partial results shuffled and merged in whatever order
 * they arrive) gives, bit for bit, what folding the same tasks' results one after another in task order gives:
 * which is what makes a cluster run equal a local one. Float and integer images, many small tasks each.
 */
class PerImageMergeTest {

    @Test
    void mergingInTheClusterEqualsTheSequentialFoldBitForBit() throws Exception {
        JavaSparkContext sc = SharedSpark.context();
        Path samples = Paths.get("..", "sample-data").toAbsolutePath().normalize();
        List<String> inputs = List.of(samples.resolve("timelapse_tcyx_f32_ome.tif").toString(),
                samples.resolve("cells_ztcyx_u16.tif").toString(),
                samples.resolve("tissue_ztcyx_u16_zlib_bigtiff.tif").toString());
        PassSpec spec = new PassSpec("stats", inputs, Set.of(Part.CHANNEL_STATS, Part.PLANE_STATS, Part.PCA), null,
                ReaderOptions.defaults().maxPlaneBytes(), 2, 32 * 1024, null);
        HadoopSettings hadoop = new HadoopSettings(sc.hadoopConfiguration());
        List<IndexedImage> images = Ingest.run(sc, hadoop, inputs, spec.readerOptions()).images();
        Map<String, ImageIndex> indexes = ImagePass.indexes(images);
        List<PlaneTask> tasks = new ArrayList<>();
        for (IndexedImage i : images) tasks.addAll(TaskPlanner.split(i.imageId(), i.index(), spec.partitionBytes()));

        List<Tuple2<String, List<Double>>> sequential = new ArrayList<>();
        PlanePass pass = ImagePass.planePass(hadoop, spec);
        for (IndexedImage i : images) {
            ImageAggregate folded = new ImageAggregate();
            for (PlaneTask t : tasks) if (t.imageId().equals(i.imageId())) folded.merge(pass.run(t, indexes));
            sequential.add(new Tuple2<>(i.imageId(), summary(folded.finish())));
        }
        Broadcast<Map<String, ImageIndex>> shared = sc.broadcast(indexes);
        JavaRDD<Tuple2<String, List<Double>>> merged = ImagePass.perImage(sc, hadoop, shared, tasks, spec)
                .map(e -> new Tuple2<>(e._1(), summary(e._2())));
        JavaRDDComparisons.assertRDDEquals(sc.parallelize(sequential, 1), merged);
    }

    /** Every number the catalogue would get from the aggregate, as boxed doubles (equal only when bit-equal). */
    private static List<Double> summary(ImageAggregate a) {
        List<Double> out = new ArrayList<>();
        ChannelMoments m = a.moments().orElseThrow();
        for (int c = 0; c < m.channels(); c++) {
            out.addAll(List.of((double) m.count(c), m.mean(c), m.std(c), m.min(c), m.max(c), (double) m.nanCount(c)));
            for (double v : m.covariance()[c]) out.add(v);
        }
        for (PlaneSummary p : a.planeStats()) {
            out.addAll(List.of((double) p.z(), (double) p.t(), (double) p.c(), p.mean(), p.std(), p.min(), p.max()));
        }
        return out;
    }
}
