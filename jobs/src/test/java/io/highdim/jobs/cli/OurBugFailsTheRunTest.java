package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.spark.FaultInjection;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bug of ours inside a stage (an exception the test injects into the pixel pass) is not a bad file: the run
 * fails with exit 1, is marked failed, and leaves no rows of any image, the good ones included.
 */
class OurBugFailsTheRunTest {
    @Test
    void anExceptionInsideTheStageFailsTheRunAndWritesNothing() throws Exception {
        Path samples = Paths.get("..", "sample-data").toAbsolutePath().normalize();
        // no slices: after the job aborts, a task of another image may still be finishing its PNGs, which would race
        // with the deletion of a temporary output folder
        List<String> args = new ArrayList<>(List.of("run", "--no-slices"));
        args.addAll(Cli.catalogueArgs());
        args.add(samples.toString());
        FaultInjection.failPixelStageOf("embryo_tzcyx_u8_imagej");
        Cli.Result result;
        try {
            result = Cli.run(args.toArray(new String[0]));
        } finally {
            FaultInjection.failPixelStageOf(null);
        }
        assertEquals(1, result.exitCode(), result.stdout());
        assertEquals("", result.stdout(), "no image is reported as done");
        try (Connection c = SharedCatalogue.database().connect();
             PreparedStatement run = c.prepareStatement(
                     "select run_id, status from runs where command = 'run' order by started_at desc limit 1");
             ResultSet r = run.executeQuery()) {
            assertTrue(r.next());
            assertEquals("failed", r.getString("status"));
            try (PreparedStatement images = c.prepareStatement("select count(*) from images where run_id = ?")) {
                images.setString(1, r.getString("run_id"));
                try (ResultSet n = images.executeQuery()) {
                    n.next();
                    assertEquals(0, n.getLong(1), "no rows of the failed run");
                }
            }
        }
    }
}
