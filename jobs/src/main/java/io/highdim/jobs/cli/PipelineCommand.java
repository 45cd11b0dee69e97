package io.highdim.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.CatalogueWriter;
import io.highdim.jobs.catalogue.ImageRecord;
import io.highdim.jobs.catalogue.ImageResults;
import io.highdim.jobs.spark.Ingested;
import io.highdim.jobs.spark.Pipeline;
import io.highdim.jobs.spark.PlanePass;
import io.highdim.jobs.spark.SparkSessions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

/**
 * What every pipeline subcommand does: ingest the inputs, run the pixel pass it needs, replace the images'
 * rows in the catalogue in one transaction, print one JSON line per image.
 */
abstract class PipelineCommand implements Callable<Integer> {
    @Mixin InputOptions input;
    @Mixin CatalogueOptions catalogue;

    /** The pixel work of this subcommand, or null for none (ingest). */
    abstract PlanePass.Work work();

    abstract int components();

    abstract long partitionBytes();

    abstract String name();

    @Override
    public Integer call() throws Exception {
        String runId = name() + "-" + Instant.now().toString().replace(":", "") + "-" + UUID.randomUUID().toString().substring(0, 8);
        // a session that exists already (tests, notebooks) is used and left running
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        // Spark and the embedded database each take a second or more to start: start them side by side
        CompletableFuture<SparkSession> starting = CompletableFuture.supplyAsync(
                () -> SparkSessions.create("highdim " + name()));
        try (CatalogueDatabase db = catalogue.open()) {
            CatalogueWriter writer = new CatalogueWriter(db);
            Map<String, Object> options = new LinkedHashMap<>();
            options.put("axes", input.axes);
            options.put("components", components());
            writer.startRun(runId, name(), input.inputs(), options);
            try {
                Pipeline pipeline = new Pipeline(started(starting));
                List<Ingested> images = pipeline.ingest(input.inputs(), input.readerOptions());
                List<ImageResults> results;
                if (work() == null) {
                    results = new ArrayList<>();
                    for (Ingested i : images) results.add(i.results());
                } else {
                    results = new ArrayList<>(pipeline.process(images, work(), components(), partitionBytes()).values());
                }
                writer.replace(runId, results);
                writer.finishRun(runId, "succeeded");
                print(results);
            } catch (Exception e) {
                writer.finishRun(runId, "failed");
                throw e;
            }
        } finally {
            if (ownSession) starting.handle((spark, error) -> spark).thenAccept(s -> { if (s != null) s.stop(); }).join();
        }
        return 0;
    }

    private static SparkSession started(CompletableFuture<SparkSession> starting) throws Exception {
        try {
            return starting.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static void print(List<ImageResults> results) throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (ImageResults r : results) {
            ImageRecord i = r.image();
            ObjectNode line = json.createObjectNode();
            line.put("image_id", i.imageId());
            line.put("uri", i.uri());
            line.put("status", i.status());
            line.put("reason", i.reason());
            System.out.println(json.writeValueAsString(line));
        }
        System.out.flush();
    }
}
