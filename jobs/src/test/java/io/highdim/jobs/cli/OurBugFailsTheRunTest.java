package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.FaultProbe;
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
 * fails with exit 1 and is marked failed; the image it hit has no rows of the run, and an image committed before the
 * failure (images are committed as they complete) has all its rows, never a part of them, and is reported on stdout.
 */
class OurBugFailsTheRunTest {
    @Test
    void anExceptionInsideTheStageFailsTheRunAndLeavesNoPartialImage() throws Exception {
        Path samples = Paths.get("..", "sample-data").toAbsolutePath().normalize();
        // no slices: after the job aborts, a task of another image may still be finishing its PNGs, which would race
        // with the deletion of a temporary output folder
        List<String> args = new ArrayList<>(List.of("run", "--no-slices", "--force"));
        args.addAll(Cli.catalogueArgs());
        args.add(samples.toString());
        Cli.Result result = Cli.run(FaultProbe.bugIn("embryo_tzcyx_u8_imagej"), args.toArray(new String[0]));
        assertEquals(1, result.exitCode(), result.stdout());
        assertTrue(!result.stdout().contains("embryo_tzcyx_u8_imagej"), "the failed image is not reported as done");
        java.util.Set<String> printed = new java.util.TreeSet<>();
        for (String line : result.lines()) printed.add(line.replaceAll(".*\"image_id\":\"([^\"]+)\".*", "$1"));
        try (Connection c = SharedCatalogue.database().connect();
             PreparedStatement run = c.prepareStatement(
                     "select run_id, status from runs where command = 'run' order by started_at desc limit 1");
             ResultSet r = run.executeQuery()) {
            assertTrue(r.next());
            assertEquals("failed", r.getString("status"));
            String runId = r.getString("run_id");
            try (PreparedStatement images = c.prepareStatement("select image_id, status, size_z * size_t * size_c,"
                    + " size_c, (select count(*) from planes p where p.image_id = i.image_id),"
                    + " (select count(*) from plane_stats p where p.image_id = i.image_id),"
                    + " (select count(*) from channel_stats s where s.image_id = i.image_id)"
                    + " from images i where run_id = ?")) {
                images.setString(1, runId);
                java.util.Set<String> committed = new java.util.TreeSet<>();
                try (ResultSet n = images.executeQuery()) {
                    while (n.next()) {
                        String id = n.getString(1);
                        committed.add(id);
                        assertTrue(!id.equals("embryo_tzcyx_u8_imagej"), "the failed image has no rows of the run");
                        assertEquals("ok", n.getString(2), id);
                        assertEquals(n.getLong(3), n.getLong(5), id + ": every plane");
                        assertEquals(n.getLong(3), n.getLong(6), id + ": every plane's statistics");
                        assertEquals(n.getLong(4), n.getLong(7), id + ": every channel's statistics");
                    }
                }
                assertEquals(committed, printed, "the images committed before the failure, and only those, are reported");
            }
        }
    }
}
