package io.highdim.jobs.testkit;

import io.highdim.jobs.compute.PassProbe;
import io.highdim.jobs.input.InputListing;
import io.highdim.jobs.spark.ImagePass;
import io.highdim.jobs.spark.SegmentPass;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.model.ImageOutcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/** The pass alone, without a catalogue: what tests of its results compare against their oracles. */
public final class ImagePasses {
    private ImagePasses() {}

    /** Every outcome of {@code spec} on the inputs it names, by image id. */
    public static List<ImageOutcome> outcomes(JavaSparkContext sc, PassSpec spec) {
        List<ImageOutcome> outcomes = new ArrayList<>();
        ImagePass.run(sc, spec, InputListing.list(spec.inputs(), sc.hadoopConfiguration()),
                (outcome, index) -> outcomes.add(outcome), PassProbe.NONE);
        outcomes.sort(Comparator.comparing(ImageOutcome::imageId));
        return outcomes;
    }

    /** Every outcome of a {@code spec} with segmentation: the pass, then the segmentation pass, by image id. */
    public static List<ImageOutcome> segmented(JavaSparkContext sc, PassSpec spec) throws InterruptedException {
        List<ImageOutcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        SegmentPass segmentation = new SegmentPass(sc, spec, (outcome, index) -> outcomes.add(outcome));
        try {
            ImagePass.run(sc, spec, InputListing.list(spec.inputs(), sc.hadoopConfiguration()), segmentation::accept,
                    PassProbe.NONE);
        } finally {
            segmentation.finish();
        }
        List<ImageOutcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparing(ImageOutcome::imageId));
        return sorted;
    }
}
