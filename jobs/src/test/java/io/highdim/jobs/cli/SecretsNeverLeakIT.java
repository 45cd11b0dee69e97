package io.highdim.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.highdim.jobs.testkit.KillablePostgres;
import io.highdim.jobs.testkit.LauncherProcess;
import io.highdim.testkit.S3ProxyProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database password and the S3 keys never reach anything a user or an operator reads: the launcher's output and
 * log, Spark's event log, the catalogue (runs.options and every other text), {@code show runs}, and the error of a
 * run refused by the database. A real PostgreSQL asking for the password (scram-sha-256) and a real S3Proxy asking
 * for the keys; each launcher in a JVM of its own.
 */
class SecretsNeverLeakIT {
    private static final String WRONG_PASSWORD = "pw-0b5d22c4-wrong-one";
    private static final String BUCKET = "hd-leaks";
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir Path work;

    @Test
    void noSecretInAnyOutput() throws Exception {
        Path eventLog = Files.createDirectories(work.resolve("events"));
        // a server of its own: its password must appear in none of the outputs checked
        try (KillablePostgres pg = KillablePostgres.start(work.resolve("pg"));
             S3ProxyProcess s3 = S3ProxyProcess.start()) {
            // the embedded server asks for its role's password (scram-sha-256), kept in its state folder
            String password = pg.password();
            List<String> secrets = List.of(password, WRONG_PASSWORD, S3ProxyProcess.SECRET_KEY,
                    S3ProxyProcess.ACCESS_KEY);
            s3.createBucket(BUCKET);
            try (Stream<Path> files = Files.list(Paths.get("..", "sample-data"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".tif")).toList()) {
                    s3.upload(f, "s3a://" + BUCKET + "/in/" + f.getFileName());
                }
            }
            List<String> jvm = new ArrayList<>(List.of("-Dspark.eventLog.enabled=true",
                    "-Dspark.eventLog.dir=" + eventLog.toUri()));
            s3.sparkConf().forEach((k, v) -> jvm.add("-D" + k + "=" + v));
            String[] catalogue = {"--jdbc-url", pg.jdbcUrl(), "--db-user", pg.user()};

            List<LauncherProcess.Result> results = new ArrayList<>();
            LauncherProcess.Result run = launch(jvm, Map.of("HIGHDIM_DB_PASSWORD", password), "run", "--output",
                    "s3a://" + BUCKET + "/out", "--z", "0", catalogue, "s3a://" + BUCKET + "/in/*.tif");
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals(4, run.statusCount("ok"), run.toString());
            results.add(run);
            // a password file instead of the environment, and show runs
            LauncherProcess.Result show = launch(List.of(), Map.of(), "show", "runs", "--jdbc-url", pg.jdbcUrl(),
                    "--db-user", pg.user(), "--db-password-file", pg.passwordFile().toString());
            assertEquals(0, show.exitCode(), show.toString());
            assertTrue(show.stdout().contains("\"status\" : \"succeeded\""), show.toString());
            results.add(show);
            // refused by the database: the error says so, and names neither password
            LauncherProcess.Result refused = launch(jvm, Map.of("HIGHDIM_DB_PASSWORD", WRONG_PASSWORD), "run",
                    "--no-slices", catalogue, "s3a://" + BUCKET + "/in/*.tif");
            assertEquals(1, refused.exitCode(), refused.toString());
            assertTrue((refused.stdout() + refused.stderr()).contains("password authentication failed"),
                    refused.toString());
            results.add(refused);
            // a password in the URL: messages show the URL with it blanked
            LauncherProcess.Result inUrl = launch(List.of(), Map.of(), "show", "runs", "--jdbc-url",
                    pg.jdbcUrl() + "?password=" + WRONG_PASSWORD, "--db-user", pg.user());
            assertEquals(1, inUrl.exitCode(), inUrl.toString());
            assertTrue((inUrl.stdout() + inUrl.stderr()).contains("password=***"), inUrl.toString());
            results.add(inUrl);

            Map<String, String> outputs = new LinkedHashMap<>();
            for (int i = 0; i < results.size(); i++) {
                outputs.put("launcher " + i + " stdout", results.get(i).stdout());
                outputs.put("launcher " + i + " stderr", results.get(i).stderr());
            }
            try (Stream<Path> logs = Files.walk(eventLog)) {
                for (Path f : logs.filter(Files::isRegularFile).toList()) outputs.put(f.toString(), Files.readString(f));
            }
            // the event log lists the run's Spark properties, the secret ones among them, with their values redacted
            assertTrue(outputs.entrySet().stream().anyMatch(e -> e.getKey().contains("events")
                    && e.getValue().contains("spark.hadoop.fs.s3a.secret.key")), "Spark's event log has the settings");
            outputs.put("catalogue", catalogueText(pg));
            for (Map.Entry<String, String> o : outputs.entrySet()) {
                for (String secret : secrets) {
                    assertFalse(o.getValue().contains(secret), o.getKey() + " contains the secret " + secret);
                }
            }
        }
    }

    private LauncherProcess.Result launch(List<String> jvm, Map<String, String> env, Object... args) {
        List<String> flat = new ArrayList<>();
        for (Object a : args) {
            if (a instanceof String[] many) flat.addAll(List.of(many));
            else flat.add((String) a);
        }
        try (LauncherProcess p = LauncherProcess.start(jvm, env, flat.toArray(new String[0]))) {
            return p.await(TIMEOUT);
        }
    }

    /** Every row of every table of the catalogue, as text. */
    private static String catalogueText(KillablePostgres pg) throws Exception {
        StringBuilder all = new StringBuilder();
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("select table_name from information_schema.tables "
                    + "where table_schema = 'public'")) {
                while (r.next()) tables.add(r.getString(1));
            }
            for (String t : tables) {
                try (ResultSet r = s.executeQuery("select t::text from " + t + " t")) {
                    while (r.next()) all.append(t).append(": ").append(r.getString(1)).append('\n');
                }
            }
        }
        assertTrue(all.toString().contains("runs: "), "the catalogue has runs");
        return all.toString();
    }
}
