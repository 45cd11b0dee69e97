package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.highdim.jobs.compute.PassProbe;
import io.highdim.jobs.testkit.Cli;
import io.highdim.jobs.testkit.FaultProbe;
import io.highdim.testkit.Oracle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler's contract: 0 every input ok or unchanged; 3 some inputs rejected in this run (a bad file is reported
 * once: unchanged afterwards, it is not rejected again; a path that names nothing is reported every time); 1 the run
 * failed (our bug); 2 a usage error.
 */
class ExitCodesTest {
    @TempDir Path dir;

    @Test
    void exitCodesTellACleanRunFromABadOne() throws Exception {
        Oracle.python("small_tiffs.py", dir.toString(), "2", "--shape", "1,1,2,8,8");
        assertEquals(0, run().exitCode(), "all ok");
        assertEquals(0, run().exitCode(), "all unchanged");

        Files.writeString(dir.resolve("notes.tif"), "not a TIFF at all", StandardCharsets.UTF_8);
        Cli.Result bad = run();
        assertEquals(3, bad.exitCode(), bad.stdout());
        assertEquals(0, run().exitCode(), "the bad file, unchanged, was reported by the run before");
        assertEquals(3, run(dir.resolve("missing.tif").toString()).exitCode(), "a path that names nothing");

        assertEquals(2, run("--components", "0").exitCode(), "usage error");
        assertEquals(2, Cli.run("show", "statistics").exitCode(), "show statistics needs --image-id");

        assertEquals(1, run(FaultProbe.bugIn("s0001"), "--force").exitCode(), "our bug fails the run");
    }

    private Cli.Result run(String... more) {
        return run(PassProbe.NONE, more);
    }

    private Cli.Result run(PassProbe probe, String... more) {
        List<String> a = new ArrayList<>(List.of("run", "--no-slices"));
        a.addAll(Cli.catalogueArgs());
        a.addAll(List.of(more));
        a.add(dir.toString());
        return Cli.run(probe, a.toArray(new String[0]));
    }
}
