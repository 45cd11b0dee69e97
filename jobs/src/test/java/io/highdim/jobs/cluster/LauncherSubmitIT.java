package io.highdim.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.testkit.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/highdim --master spark://… run …}, as a user types it, submits the run to a real standalone cluster
 * (the Master and Worker of {@link StandaloneCluster}) with SparkSubmit from the build's own jars: one JSON line per
 * image, exit 0, the tasks on the cluster's executors, and the settings of {@code conf/spark-defaults.conf} with a
 * {@code --properties-file}'s over them. Wrong Spark options are usage errors: one line, exit 2, nothing started.
 */
class LauncherSubmitIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path work;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aRunSubmittedToAStandaloneClusterPrintsItsImagesAndUsesBothSettingsFiles() throws Exception {
        StandaloneCluster.Layout layout = StandaloneCluster.Layout.find();
        long t0 = System.nanoTime();
        // the run's catalogue (an embedded PostgreSQL of its own) starts while the Master and the Worker do
        CompletableFuture<CatalogueDatabase> catalogue = CompletableFuture.supplyAsync(
                () -> CatalogueDatabase.embedded(work.resolve("catalogue"), 0));
        try (StandaloneCluster cluster = StandaloneCluster.create(layout);
             CatalogueDatabase db = catalogue.get(120, TimeUnit.SECONDS)) {
            cluster.start();
            long started = System.nanoTime();
            Path events = Files.createDirectories(work.resolve("events"));
            Path userConf = work.resolve("my-spark.conf");
            // one executor of one core and a small heap (the Worker offers 2 cores, 2g)
            Files.writeString(userConf, "spark.executor.cores 1\nspark.cores.max 1\nspark.executor.memory 512m\n");
            int images;
            try (Stream<Path> s = Files.list(layout.sampleData())) {
                images = (int) s.filter(p -> p.toString().matches(".*\\.tiff?$")).count();
            }
            List<String> args = new ArrayList<>(List.of("--master", cluster.masterUrl(), "--properties-file",
                    userConf.toString(), "--conf", "spark.eventLog.enabled=true",
                    "--conf", "spark.eventLog.dir=" + events.toUri(),
                    "run", "--no-slices", "--output", work.resolve("out").toString()));
            args.addAll(Cli.catalogueArgs(db));
            args.add(layout.sampleData() + "/");
            Result r = launcher(layout.repoRoot(), args.toArray(String[]::new));
            System.out.printf("LauncherSubmitIT: cluster and catalogue up in %d ms, the submitted run took %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(started - t0), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertEquals(0, r.exitCode, r.describe());
            List<JsonNode> lines = new ArrayList<>();
            for (String line : r.stdout.split("\n")) if (line.startsWith("{")) lines.add(JSON.readTree(line));
            assertEquals(images, lines.size(), "one JSON line per image\n" + r.describe());
            for (JsonNode line : lines) assertEquals("ok", line.path("status").asText(), r.describe());

            StandaloneClusterIT.EventLog log = StandaloneClusterIT.EventLog.read(events);
            Map<String, Integer> perExecutor = log.successfulTasksPerExecutor();
            assertTrue(!perExecutor.isEmpty() && !perExecutor.containsKey("driver"),
                    "tasks on the cluster's executors, got " + perExecutor);
            JsonNode env = log.events().stream()
                    .filter(e -> "SparkListenerEnvironmentUpdate".equals(e.path("Event").asText()))
                    .findFirst().orElseThrow().path("Spark Properties");
            assertEquals("1", property(env, "spark.executor.cores"), "the --properties-file's setting");
            assertEquals(cluster.masterUrl(), property(env, "spark.master"));
            // conf/spark-defaults.conf's, under the user's file
            assertTrue(property(env, "spark.executor.extraJavaOptions").contains("-XX:+UseParallelGC"),
                    "conf/spark-defaults.conf's executor options: " + env);
            assertTrue(property(env, "spark.driver.extraJavaOptions").contains("--add-opens"),
                    "conf/spark-defaults.conf's Java 17 openings: " + env);
        }
    }

    @Test
    void wrongSparkOptionsAreOneLineUsageErrors() throws Exception {
        Path root = StandaloneCluster.Layout.find().repoRoot();
        List<List<String>> wrong = List.of(
                List.of("--master"),
                List.of("--master", "spark://127.0.0.1:1", "--deploy-mode", "local", "run", "x"),
                List.of("--master", "spark://127.0.0.1:1", "--deploy-mode"),
                List.of("--master", "spark://127.0.0.1:1", "--conf", "spark.executor.cores", "run", "x"),
                List.of("--master", "spark://127.0.0.1:1", "--properties-file", work.resolve("none").toString(), "run", "x"),
                List.of("--conf", "spark.executor.cores=1", "run", "x"),
                List.of("--master", "spark://127.0.0.1:1"));
        for (List<String> args : wrong) {
            Result r = launcher(root, args.toArray(String[]::new));
            assertEquals(2, r.exitCode, args + ": " + r.describe());
            assertEquals("", r.stdout, args + ": " + r.describe());
            String[] err = r.stderr.strip().split("\n");
            assertEquals(1, err.length, args + ": one line\n" + r.describe());
            assertTrue(err[0].startsWith("highdim: "), args + ": " + r.describe());
        }
    }

    private static String property(JsonNode env, String key) {
        JsonNode v = env.path(key);
        assertFalse(v.isMissingNode(), "no " + key + " in the application's environment: " + env);
        return v.asText();
    }

    private record Result(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    private Result launcher(Path root, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("scripts/highdim").toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(work, "launcher", ".out"), err = Files.createTempFile(work, "launcher", ".err");
        ProcessBuilder b = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        for (String key : List.of("HIGHDIM_SERVER", "HIGHDIM_JAVA_OPTS", "SPARK_CONF_DIR", "SPARK_HOME",
                "HADOOP_CONF_DIR", "YARN_CONF_DIR", "HIGHDIM_DB_PASSWORD")) {
            b.environment().remove(key);
        }
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().put("HIGHDIM_JAVA_OPTS", "-Xmx1g");
        b.environment().put("HIGHDIM_LOG_FILE", work.resolve("highdim.log").toString());
        Process p = b.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        return new Result(p.isAlive() ? -1 : p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
