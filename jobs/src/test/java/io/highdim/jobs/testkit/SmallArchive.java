package io.highdim.jobs.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.highdim.testkit.Oracle;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

/**
 * An archive of small files for the tests that kill things (200 files of Z,T,C,Y,X = 2,1,2,32,32 uint16, s0000.tif
 * ...), and the catalogue rows a clean run of {@code run --no-slices} over them gives (run in this JVM into a
 * PostgreSQL of its own): what a recovered catalogue must equal.
 */
public record SmallArchive(Path inputs, Map<String, List<String>> cleanRows) {
    public static final int IMAGES = 200;
    /** Holds each image of a launcher back a little, so a kill lands while images are being committed. */
    public static final FaultProbe SLOW = FaultProbe.delay(30);

    public static SmallArchive write(Path work) throws Exception {
        Path inputs = work.resolve("in");
        Oracle.python("small_tiffs.py", inputs.toString(), Integer.toString(IMAGES), "--shape", "2,1,2,32,32");
        // a catalogue of its own: its rows are what a recovered catalogue must equal, whole
        try (KillablePostgres pg = KillablePostgres.start(work.resolve("clean"))) {
            List<String> args = new java.util.ArrayList<>(List.of("run", "--no-slices"));
            args.addAll(pg.catalogueArgs());
            args.add(inputs.toString());
            Cli.Result run = Cli.run(args.toArray(new String[0]));
            assertEquals(0, run.exitCode(), run.stderr());
            try (Connection c = pg.connect()) {
                Map<String, List<String>> rows = CatalogueRows.results(c);
                assertEquals(IMAGES, rows.get("images").size(), "the clean run catalogued every image");
                return new SmallArchive(inputs, rows);
            }
        }
    }
}
