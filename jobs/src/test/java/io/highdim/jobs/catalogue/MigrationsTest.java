package io.highdim.jobs.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.testkit.SharedCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shortcut that skips Flyway on a current catalogue knows the latest migration, and takes it only when every
 * migration up to it succeeded.
 */
class MigrationsTest {
    @Test
    void latestIsTheHighestMigrationFile() throws Exception {
        try (Stream<Path> files = Files.list(Paths.get("src", "main", "resources", "db", "migration"))) {
            int highest = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
            assertEquals(highest, Migrations.LATEST);
        }
    }

    @Test
    void aCurrentCatalogueSkipsFlywayAndAFailedMigrationDoesNot() throws Exception {
        CatalogueDatabase db = SharedCatalogue.database();
        assertTrue(Migrations.isCurrent(db.connectionSettings()));
        String mark = "update flyway_schema_history set success = %s where version = '" + Migrations.LATEST + "'";
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                c.createStatement().executeUpdate(String.format(mark, "false"));
                assertTrue(Migrations.isCurrent(db.connectionSettings()), "not committed yet: still current");
                c.commit();
                assertFalse(Migrations.isCurrent(db.connectionSettings()), "a failed migration: Flyway decides");
            } finally { // the shared catalogue stays as it was
                c.createStatement().executeUpdate(String.format(mark, "true"));
                c.commit();
            }
        }
        assertTrue(Migrations.isCurrent(db.connectionSettings()));
    }
}
