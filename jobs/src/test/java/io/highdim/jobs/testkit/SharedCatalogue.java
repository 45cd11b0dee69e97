package io.highdim.jobs.testkit;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** One embedded PostgreSQL for the tests of the JVM, migrated, stopped at exit. */
public final class SharedCatalogue {
    private static CatalogueDatabase db;

    private SharedCatalogue() {}

    public static synchronized CatalogueDatabase database() {
        if (db == null) {
            try {
                db = CatalogueDatabase.embedded(Files.createTempDirectory("highdim-test-pg"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            db.migrate();
            Runtime.getRuntime().addShutdownHook(new Thread(db::close));
        }
        return db;
    }
}
