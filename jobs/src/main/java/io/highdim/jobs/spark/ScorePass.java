package io.highdim.jobs.spark;

import io.highdim.jobs.compute.LaterPassRounds;
import io.highdim.jobs.compute.PassTask;
import io.highdim.jobs.compute.PlanesRead;
import io.highdim.jobs.compute.ScoreWorker;
import io.highdim.jobs.input.AcceptedImage;
import io.highdim.jobs.input.HadoopSettings;
import io.highdim.jobs.output.HadoopOutputStore;
import io.highdim.jobs.output.OutputWriteException;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.model.ImageOutcome;
import io.highdim.model.PcaResult;
import io.highdim.tiff.ImageIndex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --scores}: the second pass, over the images the pixel pass gave a PCA. An image's outcome is held back from
 * the catalogue until its score TIFFs and Spark ML models are written, so committed rows always have their files
 * (an image is the unit of commit, as with slices); other outcomes pass straight on. The pass runs beside the pixel
 * pass, on one driver thread: each round takes every outcome waiting with the plane index the pixel pass read it
 * with, cuts them into the same stack tasks and runs one Spark job.
 * A failure stops the rounds: the images still waiting are not committed and {@link #finish()} fails the run.
 */
public final class ScorePass {
    private static final Logger LOG = LoggerFactory.getLogger(ScorePass.class);
    private final JavaSparkContext sc;
    private final PassSpec spec;
    private final HadoopSettings hadoop;
    private final Consumer<ImageOutcome> next;
    private final LaterPassRounds<Waiting> rounds = new LaterPassRounds<>("scores", this::round);
    private final AtomicLong files = new AtomicLong();
    private int images;

    public ScorePass(JavaSparkContext sc, PassSpec spec, Consumer<ImageOutcome> next) {
        if (spec.scoresOutput() == null) throw new IllegalArgumentException("the spec asks for no scores");
        this.sc = sc;
        this.spec = spec;
        this.hadoop = new HadoopSettings(sc.hadoopConfiguration());
        this.next = next;
    }

    private record Waiting(ImageOutcome.Processed outcome, ImageIndex index) {}

    /** Where outcomes go: those with a PCA after their scores (read with {@code index}), the others at once. */
    public void accept(ImageOutcome outcome, ImageIndex index) {
        if (outcome instanceof ImageOutcome.Processed p && p.results().pca().isPresent()) {
            if (index == null) throw new IllegalStateException("no plane index came with " + p.imageId());
            rounds.add(new Waiting(p, index));
        } else {
            next.accept(outcome);
        }
    }

    /** Waits for the rounds to end; throws the first failure (the images it left are not committed). */
    public void finish() throws InterruptedException {
        rounds.finish();
        if (images > 0) LOG.info("scores: {} images, {} score TIFFs written", images, files.get());
    }

    private void round(List<Waiting> batch) {
        score(batch);
        for (Waiting w : batch) next.accept(w.outcome());
    }

    private void score(List<Waiting> batch) {
        Map<String, PcaResult> pcas = new LinkedHashMap<>();
        List<PassTask> units = new ArrayList<>();
        for (Waiting w : batch) {
            ImageOutcome.Processed p = w.outcome();
            PcaResult pca = p.results().pca().orElseThrow();
            pcas.put(p.imageId(), pca);
            AcceptedImage image = new AcceptedImage(p.image(), w.index());
            units.addAll(TaskPlanner.stackUnits(image, spec.partitionBytes(), PlanesRead.ALL));
        }
        ScoreWorker worker = new ScoreWorker(hadoop, spec.scoresOutput(), pcas);
        HadoopOutputStore outputs = new HadoopOutputStore(spec.scoresOutput(), hadoop);
        List<String> written = new ArrayList<>();
        List<OutputWriteException> failed = new ArrayList<>();
        try {
            SparkJobs.runEach(TaskPlanner.place(sc, units, hadoop.get()), worker::run, ScoreWorker.Written.class, w -> {
                written.addAll(w.files());
                if (w.failure() != null) failed.add(w.failure());
            });
            if (!failed.isEmpty()) throw failed.get(0); // after the job: no task of the round still writes
            SparkSession spark = SparkContexts.session(sc); // Spark ML writes its models through a session
            pcas.forEach((id, pca) -> PcaModels.save(spark, outputs.imageDir(id), id, pca));
        } catch (RuntimeException | Error e) { // none of the round's images is committed: none of its files stays
            outputs.removeAll(written);
            throw e;
        }
        files.addAndGet(written.size());
        images += batch.size();
    }
}
