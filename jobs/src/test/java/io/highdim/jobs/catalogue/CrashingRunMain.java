package io.highdim.jobs.catalogue;

import java.nio.file.Path;
import java.util.List;

/**
 * A run that dies without cleaning up: starts the embedded catalogue on args[0], writes one image, says READY and
 * waits to be killed with SIGKILL (no shutdown hook runs, the postmaster is left behind).
 */
public final class CrashingRunMain {
    private CrashingRunMain() {}

    public static void main(String[] args) throws Exception {
        CatalogueDatabase db = CatalogueDatabase.embedded(Path.of(args[0]), 0);
        db.migrate();
        CatalogueTestData.commit(db, "run-crashed", List.of(CatalogueTestData.fullResults("crashed", 1, 1, 2, 0)));
        System.out.println("READY " + db.port());
        System.out.flush();
        Thread.sleep(120_000);
    }
}
