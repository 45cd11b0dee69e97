package io.highdim.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.highdim.model.ChannelHistogram;
import io.highdim.model.ChannelSummary;
import io.highdim.model.ImageGeometry;
import io.highdim.model.ImageOutcome;
import io.highdim.model.ImageRef;
import io.highdim.model.ImageResults;
import io.highdim.model.Part;
import io.highdim.model.PcaResult;
import io.highdim.model.PlaneLocation;
import io.highdim.model.PlaneSummary;
import io.highdim.model.RejectReason;
import io.highdim.model.Rejection;
import io.highdim.model.SliceFile;
import io.highdim.stats.SparseHistogram;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/**
 * Outcomes of small images are finished on executors and sent to the driver as task results, through the
 * serializer highdim's sessions use (Kryo with {@link KryoRecords}): every field survives, optional ones included.
 */
class OutcomesCrossTheWireTest {
    private static final SerializerInstance KRYO =
            new KryoSerializer(SparkContexts.conf("wire", io.highdim.jobs.testkit.SharedSpark.PROFILE)).newInstance();
    private static final ImageRef REF = new ImageRef("cells", "file:/d/cells.tif", 1234, 0, 1);
    private static final ImageGeometry GEOMETRY = new ImageGeometry("uint16", 2, 1, 2, 4, 5, "shaped");

    @Test
    void aProcessedImageKeepsEveryResult() {
        PcaResult pca = new PcaResult(2, new double[] {4.0, 1.0}, new double[] {0.8, 0.2},
                new double[][] {{0.6, 0.8}, {-0.8, 0.6}}, new double[] {10.5, 20.25}, 40);
        SparseHistogram bins = new SparseHistogram(true, 1, new long[] {1, 30}, new long[] {12, 8}, 1, 30, 0, 0, 0);
        ImageResults results = new ImageResults(Set.of(Part.PLANES, Part.CHANNEL_STATS, Part.HISTOGRAMS,
                Part.PLANE_STATS, Part.PCA, Part.SLICES), List.of(new PlaneLocation(0, 0, 0, 0, 0, 8, 40)),
                List.of(new ChannelSummary(0, 20, 10.5, 2.0, 1.0, 30.0, 0)), List.of(new ChannelHistogram(0, bins)),
                List.of(new PlaneSummary(0, 0, 0, 20, 10.5, 2.0, 1.0, 30.0, 0)), Optional.of(pca),
                List.of(new SliceFile(0, 0, 0, 8, "file:/o/cells/z0.png", 1.0, 30.0)));
        ImageOutcome.Processed sent = new ImageOutcome.Processed(REF, GEOMETRY, List.of("a warning"), results);

        ImageOutcome.Processed got = (ImageOutcome.Processed) roundTrip(sent);
        assertEquals(sent.image(), got.image());
        assertEquals(sent.geometry(), got.geometry());
        assertEquals(sent.warnings(), got.warnings());
        ImageResults r = got.results();
        assertEquals(results.parts(), r.parts());
        assertEquals(results.planes(), r.planes());
        assertEquals(results.channels(), r.channels());
        assertEquals(results.histograms(), r.histograms());
        assertEquals(results.planeStats(), r.planeStats());
        assertEquals(results.slices(), r.slices());
        PcaResult p = r.pca().orElseThrow();
        assertArrayEquals(pca.explainedVariance(), p.explainedVariance());
        assertArrayEquals(pca.components()[1], p.components()[1]);
        assertEquals(pca.observations(), p.observations());
    }

    @Test
    void aRejectedImageKeepsItsGeometryWhenItHasOne() {
        Rejection why = new Rejection(RejectReason.CORRUPT_DATA, "strip 3 at offset 100: bad zlib data");
        ImageOutcome.Rejected withGeometry = new ImageOutcome.Rejected(REF, Optional.of(GEOMETRY), List.of(), why);
        ImageOutcome.Rejected without = new ImageOutcome.Rejected(REF, Optional.empty(), List.of("w"), why);
        assertEquals(withGeometry, roundTrip(withGeometry));
        assertEquals(without, roundTrip(without));
    }

    private static ImageOutcome roundTrip(ImageOutcome outcome) {
        ByteBuffer bytes = KRYO.serialize(outcome, ClassTag$.MODULE$.apply(ImageOutcome.class));
        return KRYO.deserialize(bytes, ClassTag$.MODULE$.apply(ImageOutcome.class));
    }
}
