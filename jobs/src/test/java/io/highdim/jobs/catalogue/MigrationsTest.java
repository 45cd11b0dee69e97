package io.highdim.jobs.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.testkit.SharedCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /**
     * Versions 9, 10 and 11 moved planes, plane_stats, channel_stats and the PCA to one row of arrays per image, and
     * channel histograms' bins to packed bytea (indices as gaps), behind views of the same names: the rows a
     * version-8 catalogue holds, and those a version-10 one added, read back the same, through the views, after the
     * migrations (a server of its own).
     */
    @Test
    void rowsOfVersion8And10CataloguesReadTheSameAfterTheLatest(@TempDir Path state) throws Exception {
        try (CatalogueDatabase db = CatalogueDatabase.embedded(state, 0)) {
            rowsReadTheSameAfterTheLatest(db);
        }
    }

    private static void rowsReadTheSameAfterTheLatest(CatalogueDatabase db) throws Exception {
        ConnectionSettings s = db.connectionSettings();
        Flyway.configure(Migrations.class.getClassLoader()).dataSource(s.jdbcUrl(), s.user(), s.password())
                .locations("classpath:db/migration").target("8").load().migrate();
        List<String> views = List.of(
                "select image_id, z, t, c, ifd, sample, first_byte, stored_bytes from planes order by image_id, z, t, c",
                "select image_id, z, t, c, count, mean, std, min, max, nan_count from plane_stats "
                        + "order by image_id, z, t, c",
                "select * from channel_histograms order by image_id, channel",
                "select * from channel_stats order by image_id, channel",
                "select * from pca_results order by image_id",
                "select * from pca_components order by image_id, component");
        List<List<List<String>>> before = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("insert into runs (run_id) values ('r')");
            st.execute("insert into images (image_id, uri, status, run_id) values ('a', 'file:/a.tif', 'ok', 'r'), "
                    + "('b', 'file:/b.tif', 'ok', 'r'), ('none', 'file:/n.tif', 'rejected', 'r')");
            // rows inserted out of plane order; a plane with NaN and one with null statistics
            st.execute("insert into planes values ('a', 1, 0, 0, 1, 0, 900, 100), ('a', 0, 0, 1, 0, 1, 300, 50), "
                    + "('a', 0, 0, 0, 0, 0, 200, 50), ('b', 0, 0, 0, 0, 0, 8, 4000000000)");
            st.execute("insert into plane_stats values ('a', 1, 0, 0, 4, 2.5, 0.5, 1, 4, 0), "
                    + "('a', 0, 0, 0, 4, 'NaN', 'NaN', 'NaN', 'NaN', 4), ('b', 0, 0, 0, 0, null, null, null, null, 0)");
            st.execute("insert into channel_histograms values ('a', 0, true, 5, 0, 0, 0, 3, 65535, '{4,0,1}', 1, "
                    + "'{3,7,65535}', '{2,2,1}'), ('a', 1, false, 3, 1, 0, 2, -1e300, 0.5, '{}', 0.25, "
                    + "'{-9223372036854775808,2}', '{1,2}'), ('b', 0, true, 0, 0, 0, 0, null, null, '{}', null, '{}', '{}')");
            // channels out of order; NaN, null and int8 extremes; a PCA without components, one with NaN loadings
            st.execute("insert into channel_stats values ('a', 2, 9223372036854775807, 1.5, 0.5, -1e300, 1e300, 0), "
                    + "('a', 0, 4, 'NaN', 'NaN', 'NaN', 'NaN', 4), ('a', 1, 0, null, null, null, null, 0), "
                    + "('b', 0, -9223372036854775808, 'Infinity', 0, '-Infinity', 'Infinity', 9223372036854775807)");
            st.execute("insert into pca_results values ('a', 2, '{3,1}', '{0.75,0.25}', '{1,2,3}', 9223372036854775807), "
                    + "('b', 0, null, null, null, null)");
            st.execute("insert into pca_components values ('a', 1, '{0.5,NaN,-0.5}'), ('a', 0, '{1,-1e-300,0}')");
        }
        Flyway.configure(Migrations.class.getClassLoader()).dataSource(s.jdbcUrl(), s.user(), s.password())
                .locations("classpath:db/migration").target("10").load().migrate();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            // version 10's packed histograms: indices whose gaps take 1 to 8 bytes, and none
            st.execute("insert into images (image_id, uri, status, run_id) values ('c', 'file:/c.tif', 'ok', 'r')");
            st.execute("insert into packed_channel_histograms select 'c', ch, false, 7, 0, 0, 0, 0, 1, "
                    + "highdim_pack_bigints('{1}'), 1, highdim_pack_bigints(i), highdim_pack_bigints(n) from (values "
                    + "(0, '{-9223372036854775808,0,9223372036854775807}'::bigint[], '{1,2,3}'::bigint[]), "
                    + "(1, '{17,22,23,200,70000}', '{9,9,9,9,9}'), (2, '{}', '{}'), (3, '{65535}', '{1}')) as h (ch, i, n)");
            for (String view : views) before.add(rows(st, view));
        }
        db.migrate();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (int i = 0; i < views.size(); i++) assertEquals(before.get(i), rows(st, views.get(i)), views.get(i));
            assertEquals(List.of(4, 3, 7, 4, 2, 2), before.stream().map(List::size).toList());
            assertEquals(List.of("a", "b"), rows(st, "select image_id from image_planes order by 1")
                    .stream().map(r -> r.get(0)).toList());
            assertEquals(List.of("a", "b"), rows(st, "select image_id from image_channel_stats order by 1")
                    .stream().map(r -> r.get(0)).toList());
        }
    }

    private static List<List<String>> rows(Statement st, String sql) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (ResultSet r = st.executeQuery(sql)) {
            while (r.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) row.add(r.getString(i));
                rows.add(row);
            }
        }
        return rows;
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
