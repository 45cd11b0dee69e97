package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.SharedCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --scores} whose score TIFFs cannot be written (the image's scores folder made immutable with
 * {@code chattr +i}, which stops root too): exit 1, the one line naming the score file and the system's reason, and
 * no row of that image in any table: its rows wait for its scores, and a failed score write drops them.
 */
class ScoreWriteFailureTest {
    private static final Path SAMPLES = Paths.get("..", "sample-data").toAbsolutePath().normalize();
    /** Every table an image has rows in. */
    private static final List<String> TABLES = List.of("images", "planes", "plane_stats", "channel_stats",
            "channel_histograms", "pca_results", "pca_components", "slices", "projections");

    @TempDir Path work;

    @Test
    void aScoreFileThatCannotBeWrittenFailsTheRunAndLeavesNoRowOfTheImage() throws Exception {
        // an id of its own: no other test's run has rows of it
        Path input = Files.copy(SAMPLES.resolve("cells_ztcyx_u16.tif"),
                Files.createDirectories(work.resolve("in")).resolve("scores_unwritable.tif"));
        Path out = work.resolve("out");
        Path scores = Files.createDirectories(out.resolve("scores_unwritable").resolve("scores"));
        OutputWriteFailuresIT.sh("chattr", "+i", scores.toString());
        Cli.Result run;
        try {
            List<String> args = new ArrayList<>(List.of("run", "--force", "--scores", "--no-slices", "--output",
                    out.toString()));
            args.addAll(Cli.catalogueArgs());
            args.add(input.toString());
            run = Cli.run(args.toArray(new String[0]));
        } finally {
            OutputWriteFailuresIT.sh("chattr", "-i", scores.toString());
        }
        assertEquals(1, run.exitCode(), run.stdout() + run.stderr());
        List<String> said = run.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, said.size(), run.stderr());
        assertTrue(said.get(0).matches("highdim: cannot write " + Pattern.quote(scores.toString())
                + "/z\\d_t\\d\\.tif: Operation not permitted"), said.get(0));
        assertEquals("", run.stdout(), "the image is not reported as committed");
        try (Connection c = SharedCatalogue.database().connect()) {
            for (String table : TABLES) {
                try (PreparedStatement q = c.prepareStatement("select count(*) from " + table + " where image_id = ?")) {
                    q.setString(1, "scores_unwritable");
                    try (ResultSet r = q.executeQuery()) {
                        r.next();
                        assertEquals(0, r.getLong(1), table + " has no row of the image");
                    }
                }
            }
        }
        try (Stream<Path> left = Files.walk(out.resolve("scores_unwritable"))) {
            assertFalse(left.anyMatch(p -> p.toString().endsWith(".tif")), "no score file of the uncommitted image");
        }
    }
}
