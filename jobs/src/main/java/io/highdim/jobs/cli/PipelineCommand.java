package io.highdim.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.CommitQueue;
import io.highdim.jobs.spark.ImagePass;
import io.highdim.jobs.spark.SparkSessions;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.jobs.spec.SliceSpec;
import io.highdim.model.ImageOutcome;
import io.highdim.model.Part;
import io.highdim.model.RunStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

/**
 * What every pipeline subcommand does: run the image pass its spec asks for, replace each image's rows in the
 * catalogue as soon as the image is complete (one transaction per commit, so an image's rows are always whole),
 * print one JSON line per image. A rejected file is data (a row, exit 0); any other failure is ours or the
 * environment's: the run is marked failed, exit 1; images committed before it keep their (correct, whole) rows.
 */
abstract class PipelineCommand implements Callable<Integer> {
    @Mixin InputOptions input;
    @Mixin CatalogueOptions catalogue;

    /** The subcommand's name, as runs.command records it. */
    abstract String name();

    /** What the pass computes besides the plane index. */
    abstract Set<Part> parts();

    /** The validated options of this run. */
    final PassSpec spec() {
        return new PassSpec(name(), input.inputs(), parts(), input.axes, input.maxPlaneBytes, components(),
                partitionBytes(), slices());
    }

    /** Subcommands with PCA options override these three; the others run with the options' defaults. */
    int components() { return PcaOptions.DEFAULT_COMPONENTS; }

    long partitionBytes() { return PartitionOptions.DEFAULT_BYTES; }

    /** Null: no slices. */
    SliceSpec slices() { return null; }

    @Override
    public Integer call() throws Exception {
        PassSpec spec = spec();
        Instant startedAt = Instant.now();
        String runId = name() + "-" + startedAt.toString().replace(":", "") + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        // a session that exists already (tests, notebooks) is used and left running
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        // Spark and the embedded database each take seconds to start: both start now, and the pass waits only for
        // Spark; the database is needed when the results are written. An external database is checked first, so a
        // wrong URL or password fails before any work.
        CompletableFuture<CatalogueDatabase> database = catalogue.isExternal()
                ? CompletableFuture.completedFuture(catalogue.open()) : CompletableFuture.supplyAsync(catalogue::openUnchecked);
        CompletableFuture<SparkSession> starting = CompletableFuture.supplyAsync(
                () -> SparkSessions.create("highdim " + name()));
        // each image is committed as soon as it is complete, while the pass goes on
        CommitQueue commits = new CommitQueue(database, runId, name(), spec.inputs(), spec, startedAt);
        List<ImageOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        try {
            try {
                JavaSparkContext sc = JavaSparkContext.fromSparkContext(started(starting).sparkContext());
                ImagePass.run(sc, spec, outcome -> {
                    commits.accept(outcome);
                    outcomes.add(outcome);
                });
            } catch (Exception | Error e) {
                commits.abort(e);
                throw e;
            }
            commits.finish(RunStatus.SUCCEEDED);
            List<ImageOutcome> report = new ArrayList<>(outcomes);
            report.sort(ImagePass.REPORT_ORDER);
            print(report);
        } finally {
            // both take a moment to stop: side by side
            CompletableFuture<Void> sparkStopped = ownSession
                    ? starting.handle((spark, error) -> spark).thenAcceptAsync(s -> { if (s != null) s.stop(); })
                    : CompletableFuture.completedFuture(null);
            database.thenAccept(CatalogueDatabase::close).exceptionally(error -> null).join();
            sparkStopped.join();
        }
        return 0;
    }

    private static <T> T started(CompletableFuture<T> starting) throws Exception {
        try {
            return starting.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static void print(List<ImageOutcome> outcomes) throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (ImageOutcome o : outcomes) {
            ObjectNode line = json.createObjectNode();
            line.put("image_id", o.imageId());
            line.put("uri", o.image().uri());
            line.put("status", o.status().label());
            line.put("reason", o instanceof ImageOutcome.Rejected r ? r.rejection().text() : null);
            System.out.println(json.writeValueAsString(line));
        }
        System.out.flush();
    }
}
