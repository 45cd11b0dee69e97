package io.highdim.jobs.catalogue;

import static io.highdim.jobs.catalogue.CatalogueTestData.commit;
import static io.highdim.jobs.catalogue.CatalogueTestData.count;
import static io.highdim.jobs.catalogue.CatalogueTestData.fullResults;
import static io.highdim.jobs.testkit.CatalogueRows.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.testkit.FreePort;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, migrating, restarting and recovering the embedded catalogue; the external variant. */
class CatalogueDatabaseTest {
    @TempDir
    static Path sharedTmp;
    static CatalogueDatabase shared;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSharedServer() {
        shared = CatalogueDatabase.embedded(sharedTmp.resolve("shared"), 0);
    }

    @AfterAll
    static void stopSharedServer() {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void migratesAFreshDataDirectoryAndMigratingAgainChangesNothing() throws Exception {
        Path dir = tmp.resolve("not/yet/there");
        long start = System.nanoTime();
        try (CatalogueDatabase db = CatalogueDatabase.embedded(dir, 0)) {
            System.out.println("embedded PostgreSQL, fresh data directory (initdb + start): "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
            assertTrue(db.isEmbedded());
            assertTrue(Files.isRegularFile(dir.resolve("postgres/PG_VERSION")));
            db.migrate();
            db.migrate();
            String latest = Integer.toString(Migrations.LATEST);
            assertEquals(latest, scalar(db, "select max(cast(version as integer)) from flyway_schema_history where success"));
            assertEquals(latest, scalar(db, "select count(*) from flyway_schema_history where version is not null"));
            for (String table : List.of("runs", "image_claims", "images", "planes", "plane_stats", "channel_stats",
                    "channel_histograms", "pca_results", "pca_components", "slices", "projections")) {
                assertEquals(table, scalar(db, "select table_name from information_schema.tables "
                        + "where table_schema = 'public' and table_name = ?", table));
            }
            assertEquals("ARRAY", scalar(db, "select data_type from information_schema.columns "
                    + "where table_name = 'pca_results' and column_name = 'mean'"));
            assertEquals("jsonb", scalar(db, "select data_type from information_schema.columns "
                    + "where table_name = 'images' and column_name = 'warnings'"));
        }
    }

    @Test
    void commitsOfTheEmbeddedCatalogueAreDurable() throws Exception {
        // zonky starts PostgreSQL with -F (fsync off) and synchronous_commit off, as for a throw-away test database
        assertEquals("on", scalar(shared, "show fsync"));
        assertEquals("on", scalar(shared, "show synchronous_commit"));
        assertEquals("on", scalar(shared, "show full_page_writes"));
    }

    @Test
    void dataSurvivesAStopAndRestartOnTheSameDirectoryAndAFixedPort() throws Exception {
        Path dir = tmp.resolve("catalogue");
        int port = FreePort.any();
        try (CatalogueDatabase db = CatalogueDatabase.embedded(dir, port)) {
            assertEquals(port, db.port());
            assertTrue(db.jdbcUrl().contains(":" + port + "/"));
            db.migrate();
            commit(db, "run-1", List.of(fullResults("kept", 2, 1, 2, 0)));
        }
        assertFalse(Files.exists(dir.resolve("postgres/postmaster.pid")), "the server was stopped");

        long start = System.nanoTime();
        try (CatalogueDatabase db = CatalogueDatabase.embedded(dir, port)) {
            System.out.println("embedded PostgreSQL, existing data directory (start): "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
            db.migrate();
            CatalogueReader reader = new CatalogueReader(db);
            assertEquals("kept", reader.image("kept").orElseThrow().imageId());
            assertTrue(reader.statisticsJson("kept").isPresent());
            assertTrue(reader.pcaJson("kept").isPresent());
            assertEquals(4, count(db, "planes", "kept"));
            assertEquals(4, count(db, "plane_stats", "kept"));
        }
    }

    @Test
    void aPostmasterPidOfAProcessThatIsGoneOrIsNotPostgresDoesNotBlockTheNextStart() throws Exception {
        Path dir = tmp.resolve("stale");
        try (CatalogueDatabase db = CatalogueDatabase.embedded(dir, 0)) {
            db.migrate();
        }
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Process notPostgres = new ProcessBuilder("sleep", "60").start();
        try {
            for (long pid : new long[] {dead.pid(), notPostgres.pid()}) {
                Path data = dir.resolve("postgres");
                Files.writeString(data.resolve("postmaster.pid"), pid + "\n" + data + "\n1700000000\n5432\n\n\n\n");
                try (CatalogueDatabase db = CatalogueDatabase.embedded(dir, 0);
                     Connection connection = db.connect()) {
                    assertTrue(connection.isValid(5));
                }
            }
        } finally {
            notPostgres.destroyForcibly();
        }
    }

    @Test
    void aServerLeftRunningByAKilledJvmIsStoppedAndItsDataIsKept() throws Exception {
        Path dir = tmp.resolve("crashed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingRunMain.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        long orphanPid;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY")) {
                // the child's log
            }
            assertTrue(line != null, "the child run did not get ready");
            orphanPid = Long.parseLong(Files.readAllLines(dir.resolve("postgres/postmaster.pid")).get(0).strip());
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, the postmaster stays
            child.waitFor(30, TimeUnit.SECONDS);
        }
        try {
            assertTrue(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false), "postmaster orphaned");
            try (CatalogueDatabase db = CatalogueDatabase.embedded(dir, 0)) {
                assertFalse(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false), "orphan stopped");
                db.migrate();
                CataloguedImage crashed = new CatalogueReader(db).image("crashed").orElseThrow();
                assertEquals(2, crashed.geometry().orElseThrow().sizeC());
                assertEquals("run-crashed", crashed.runId());
            }
        } finally {
            ProcessHandle.of(orphanPid).ifPresent(ProcessHandle::destroy); // never leave a server behind
        }
    }

    @Test
    void anExternalServerIsReachedWithUrlUserAndPasswordAndThePasswordIsNotShown() throws Exception {
        // the embedded server as an external one: its role and the password from its state folder
        String password = Files.readString(shared.stateDirectory().orElseThrow()
                .resolve(EmbeddedCatalogueServer.PASSWORD_FILE)).strip();
        try (CatalogueDatabase external = CatalogueDatabase.external(shared.jdbcUrl(), EmbeddedCatalogueServer.USER,
                password)) {
            assertFalse(external.isEmbedded());
            assertEquals(-1, external.port());
            assertFalse(external.toString().contains(password));
            assertFalse(external.connectionSettings().toString().contains(password));
            assertTrue(external.toString().contains(shared.jdbcUrl()), external.toString());
            Properties properties = external.connectionProperties();
            assertEquals(EmbeddedCatalogueServer.USER, properties.getProperty("user"));
            assertEquals(password, properties.getProperty("password"));
            assertEquals("org.postgresql.Driver", properties.getProperty("driver"));
            external.migrate();
            commit(external, "run-ext", List.of(fullResults("ext", 1, 1, 1, 0)));
            assertEquals("ext", new CatalogueReader(shared).image("ext").orElseThrow().imageId());
        }
        assertEquals("1", scalar(shared, "select 1"), "closing an external database stops no server");
        assertThrows(IllegalArgumentException.class,
                () -> CatalogueDatabase.external("jdbc:mysql://localhost/x", "u", null));
    }

    @Test
    void thePasswordComesFromAFileWhenOneIsGiven() throws Exception {
        Path file = tmp.resolve("pw");
        Files.writeString(file, "from-file\n");
        assertEquals("from-file", CatalogueDatabase.resolvePassword(file));
        String env = System.getenv(CatalogueDatabase.PASSWORD_ENV);
        assertEquals(env == null || env.isEmpty() ? null : env, CatalogueDatabase.resolvePassword(null));
        assertThrows(CatalogueException.class, () -> CatalogueDatabase.resolvePassword(tmp.resolve("missing")));
    }

    @Test
    void aSecondServerOnADirectoryInUseIsRefused() throws Exception {
        Path dir = shared.stateDirectory().orElseThrow();
        CatalogueException error = assertThrows(CatalogueInUseException.class,
                () -> CatalogueDatabase.embedded(dir, 0));
        assertTrue(error.getMessage().contains(dir.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("in use by process " + ProcessHandle.current().pid()),
                error.getMessage());
        assertEquals("1", scalar(shared, "select 1"), "the first server still runs");
        assertTrue(Files.exists(shared.dataDirectory().orElseThrow().resolve("postmaster.pid")));
        // the refused attempt did not release this JVM's lock: a third one is refused the same way
        assertThrows(CatalogueInUseException.class, () -> CatalogueDatabase.embedded(dir, 0));
    }

}
