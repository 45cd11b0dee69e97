package io.highdim.jobs.catalogue;

import static io.highdim.jobs.catalogue.CatalogueTestData.commit;
import static io.highdim.jobs.catalogue.CatalogueTestData.fullResults;
import static io.highdim.jobs.testkit.CatalogueRows.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded catalogue is its owner's alone: another local user ({@code nobody}, through {@code runuser} and the
 * system's psql, as an attacker would) cannot log in as the superuser or as the pipeline's role; the role is not
 * superuser and cannot run programs; password file and folders are owner-only. A catalogue made by an earlier version
 * (trust authentication, tables owned by postgres) is migrated on its next start, its rows kept.
 */
class EmbeddedCatalogueAccessTest {
    @TempDir
    static Path tmp;
    static CatalogueDatabase db;

    @BeforeAll
    static void start() {
        db = CatalogueDatabase.embedded(tmp.resolve("state"), 0);
        db.migrate();
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void anotherLocalUserCannotLogIn() throws Exception {
        int port = db.port();
        for (String host : List.of("127.0.0.1", "localhost")) {
            assertRefused(psql("nobody", host, port, "postgres", null), "superuser without a password");
            assertRefused(psql("nobody", host, port, "postgres", "postgres"), "superuser, guessed password");
            assertRefused(psql("nobody", host, port, EmbeddedCatalogueServer.USER, null), "role without a password");
            assertRefused(psql("nobody", host, port, EmbeddedCatalogueServer.USER, "highdim"), "role, guessed password");
        }
        // no Unix socket at all (none of the machine's listening sockets is this server's): nothing to reach
        // through the file system
        try (var sockets = Files.lines(Path.of("/proc/net/unix"))) {
            assertEquals(List.of(), sockets.filter(l -> l.endsWith(".s.PGSQL." + port)).toList());
        }
        // the probe itself works: the owner, with the password from the state folder, gets in
        Psql owner = psql(null, "127.0.0.1", port, EmbeddedCatalogueServer.USER, password(db));
        assertEquals(0, owner.exitCode(), owner.output());
    }

    @Test
    void thePipelineRoleIsNotSuperuserOwnsTheCatalogueAndCannotRunPrograms() throws Exception {
        assertEquals(EmbeddedCatalogueServer.USER, db.user());
        assertEquals("false", scalar(db, "select rolsuper::text from pg_roles where rolname = current_user"));
        assertEquals(EmbeddedCatalogueServer.USER, scalar(db,
                "select nspowner::regrole::text from pg_namespace where nspname = 'public'"));
        assertEquals("0", scalar(db, "select count(*) from pg_tables where schemaname = 'public' and tableowner <> ?",
                EmbeddedCatalogueServer.USER));
        Path witness = tmp.resolve("ran");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            SQLException refused = assertThrows(SQLException.class,
                    () -> s.execute("COPY (SELECT 1) TO PROGRAM 'touch " + witness + "'"));
            assertTrue(refused.getMessage().contains("permission denied"), refused.getMessage());
        }
        assertFalse(Files.exists(witness));
    }

    @Test
    void thePasswordFileAndTheFoldersAreTheOwnersAlone() throws Exception {
        Path state = db.stateDirectory().orElseThrow();
        assertEquals("rw-------", mode(state.resolve(EmbeddedCatalogueServer.PASSWORD_FILE)));
        assertEquals("rw-------", mode(state.resolve(StateFolder.LOCK_FILE)));
        assertEquals("rwx------", mode(state));
        assertEquals("rwx------", mode(db.dataDirectory().orElseThrow()));
        assertEquals(43, password(db).length(), "32 random bytes");
        assertNoTrust(db.dataDirectory().orElseThrow());
        // the superuser's password is not kept anywhere in the state folder
        try (var files = Files.list(state)) {
            assertEquals(List.of(StateFolder.LOCK_FILE, EmbeddedCatalogueServer.PASSWORD_FILE, "postgres"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aCatalogueOfAnEarlierVersionIsMigratedOnItsNextStart() throws Exception {
        Path state = tmp.resolve("old-state");
        Files.createDirectories(state); // earlier versions: the default mode (rwxr-xr-x)
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        // as earlier versions made it: zonky's defaults (initdb -A trust), superuser postgres, tables owned by it
        int oldPort;
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(state.resolve("postgres"))
                .setCleanDataDirectory(false).start()) {
            oldPort = old.getPort();
            CatalogueDatabase asBefore = CatalogueDatabase.external(
                    "jdbc:postgresql://localhost:" + oldPort + "/postgres", "postgres", null);
            asBefore.migrate();
            commit(asBefore, "run-old", List.of(fullResults("old", 2, 1, 2, 0)));
            assertEquals("postgres", scalar(asBefore, "select tableowner from pg_tables where tablename = 'images'"));
            // the hole this fixes, and the proof that the probe finds it: nobody logs in as superuser
            Psql hole = psql("nobody", "127.0.0.1", oldPort, "postgres", null);
            assertEquals(0, hole.exitCode(), "trust lets any local user in: " + hole.output());
        }

        try (CatalogueDatabase migrated = CatalogueDatabase.embedded(state, 0)) {
            migrated.migrate();
            CatalogueReader reader = new CatalogueReader(migrated);
            assertEquals("run-old", reader.image("old").orElseThrow().runId(), "the rows are kept");
            assertTrue(reader.statisticsJson("old").isPresent());
            assertEquals("0", scalar(migrated, "select count(*) from pg_tables where schemaname = 'public' "
                    + "and tableowner <> ?", EmbeddedCatalogueServer.USER), "every table moved to the role");
            assertEquals(EmbeddedCatalogueServer.USER, scalar(migrated,
                    "select tableowner from pg_tables where tablename = 'flyway_schema_history'"));
            // the role writes and replaces rows (tables and their sequences are its own)
            commit(migrated, "run-new", List.of(fullResults("old", 2, 1, 2, 0),
                    fullResults("new", 1, 1, 1, 0)));
            assertEquals("run-new", reader.image("old").orElseThrow().runId());
            assertEquals("false", scalar(migrated, "select rolsuper::text from pg_roles where rolname = current_user"));

            assertNoTrust(migrated.dataDirectory().orElseThrow());
            assertEquals("rw-------", mode(state.resolve(EmbeddedCatalogueServer.PASSWORD_FILE)));
            assertEquals("rwx------", mode(state));
            assertRefused(psql("nobody", "127.0.0.1", migrated.port(), "postgres", null), "superuser after migration");
            assertRefused(psql("nobody", "127.0.0.1", migrated.port(), EmbeddedCatalogueServer.USER, null),
                    "role after migration");
        }
        // and the next start uses what the migration set up: same password, nothing redone
        String password = password(state);
        try (CatalogueDatabase again = CatalogueDatabase.embedded(state, 0)) {
            assertEquals("run-new", new CatalogueReader(again).image("old").orElseThrow().runId());
            assertEquals(password, password(state));
        }
    }

    // ---- helpers ----

    record Psql(int exitCode, String output) {}

    /**
     * The system's psql as {@code osUser} (null: this process's user), with {@code password} (null: none; -w never
     * prompts), running {@code select 1}.
     */
    static Psql psql(String osUser, String host, int port, String dbUser, String password) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (osUser != null) {
            cmd.addAll(List.of("runuser", "-u", osUser, "--"));
        }
        cmd.add("env");
        if (password != null) {
            cmd.add("PGPASSWORD=" + password);
        }
        cmd.addAll(List.of("psql", "-w", "-X", "-h", host, "-p", Integer.toString(port), "-U", dbUser, "-d", "postgres",
                "-c", "select 1"));
        Process p = new ProcessBuilder(cmd).directory(new File("/")).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "psql hung");
        return new Psql(p.exitValue(), out.strip());
    }

    private static void assertRefused(Psql attempt, String what) {
        assertNotEquals(0, attempt.exitCode(), what + ": logged in\n" + attempt.output());
        String out = attempt.output();
        assertTrue(out.contains("password authentication failed") || out.contains("no password supplied")
                || out.contains("pg_hba.conf rejects connection"), what + ": not an authentication failure\n" + out);
    }

    private static void assertNoTrust(Path dataDir) throws Exception {
        for (String line : Files.readAllLines(dataDir.resolve("pg_hba.conf"))) {
            String rule = line.replaceFirst("#.*", "").strip();
            assertFalse(rule.contains("trust") || rule.contains("peer") || rule.contains("ident"), line);
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static String password(CatalogueDatabase db) throws Exception {
        return password(db.stateDirectory().orElseThrow());
    }

    private static String password(Path state) throws Exception {
        return Files.readString(state.resolve(EmbeddedCatalogueServer.PASSWORD_FILE)).strip();
    }
}
