package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.highdim.jobs.testkit.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slices --z --c} writes exactly the selected planes, for every time point; nothing else. */
class SliceSelectionTest {
    @TempDir Path out;

    @Test
    void onlyTheSelectedPlanesBecomePngs() throws Exception {
        Path cells = Paths.get("..", "sample-data", "cells_ztcyx_u16.tif").toAbsolutePath().normalize();
        List<String> args = new ArrayList<>(List.of("slices", "--force", "--z", "1,5-6", "--c", "2", "--raw16", "--output",
                out.toUri().toString()));
        args.addAll(Cli.catalogueArgs());
        args.add(cells.toString());
        Cli.Result run = Cli.run(args.toArray(new String[0]));
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        List<String> expected = new ArrayList<>();
        for (int z : new int[] {1, 5, 6}) {
            for (int t = 0; t < 3; t++) {
                expected.add("z" + z + "_t" + t + "_c2.png");
                expected.add("z" + z + "_t" + t + "_c2_raw16.png");
            }
        }
        try (Stream<Path> files = Files.list(out.resolve("cells_ztcyx_u16/slices"))) {
            assertEquals(expected.stream().sorted().toList(), files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".png")).sorted().toList());
        }
    }
}
