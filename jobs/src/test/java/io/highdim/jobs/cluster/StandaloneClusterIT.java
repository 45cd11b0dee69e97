package io.highdim.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.testkit.CatalogueRows;
import io.highdim.jobs.testkit.FaultProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code highdim run} submitted to a real Spark standalone cluster (a Master and a Worker in their own JVMs, two
 * executors of one core each, spark-submit in client mode) writes the same catalogue rows as the same run with
 * {@code --master local[2]}. Each run writes to its own embedded PostgreSQL, started here.
 *
 * <p>Needs the jars of a previous build: {@code mvn -q -B -o install -DskipTests}, then
 * {@code mvn -B -o -pl jobs test -Dtest=StandaloneClusterIT}.
 */
class StandaloneClusterIT {
    private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(150);
    private static final double RELATIVE_TOLERANCE = 1e-12;
    /** Tables compared, each with its key order; images without the per-run columns. */
    static final Map<String, String> TABLES = new LinkedHashMap<>();
    static {
        TABLES.put("images", "image_id");
        TABLES.put("channel_stats", "image_id, channel");
        TABLES.put("channel_histograms", "image_id, channel");   // bins merged exactly: equal whatever the order
        TABLES.put("plane_stats", "image_id, z, t, c");
        TABLES.put("pca_results", "image_id");
        TABLES.put("pca_components", "image_id, component");
        TABLES.put("segmentations", "image_id, t, c");
        TABLES.put("segmented_objects", "image_id, t, c, label");
    }
    private static final Set<String> PER_RUN_COLUMNS = Set.of("run_id", "updated_at");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Long> TIMINGS = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private static StandaloneCluster cluster;
    private static volatile CatalogueDatabase clusterDb;
    private static volatile CatalogueDatabase localDb;
    private static volatile CatalogueDatabase killedDb;

    @BeforeAll
    static void startClusterAndDatabases() throws Throwable {
        assertTrue(StandaloneCluster.isJava17(), "Spark 3.5 with Hadoop 3.3 needs Java 17 here; this is "
                + System.getProperty("java.home") + " (" + Runtime.version() + ")");
        long t0 = System.nanoTime();
        StandaloneCluster.Layout layout = StandaloneCluster.Layout.find();
        cluster = StandaloneCluster.create(layout);
        // the jar of the last `mvn install` (this test does not rebuild it)
        System.out.println("submitting " + layout.sparkJar() + " (built " + Files.getLastModifiedTime(layout.sparkJar())
                + ") to a cluster in " + cluster.root());
        TIMINGS.put("spark-home", millisSince(t0));
        // the databases start while the Master and the Worker do
        long t1 = System.nanoTime();
        CompletableFuture<Void> databases = CompletableFuture.runAsync(() -> {
            clusterDb = database("db-cluster");
            localDb = database("db-local");
            killedDb = database("db-killed");
            TIMINGS.put("databases", millisSince(t1));
        });
        Throwable failure = null;
        try {
            cluster.start();
            TIMINGS.put("cluster-start", millisSince(t1));
        } catch (Throwable e) {
            failure = e;
        }
        try {
            databases.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (failure == null) failure = cause;
            else failure.addSuppressed(cause);
        }
        if (failure != null) throw failure;
    }

    private static CatalogueDatabase database(String name) {
        // one per run: the cluster's, the local and the killed run's rows are compared table by table
        CatalogueDatabase db = CatalogueDatabase.embedded(cluster.root().resolve(name), 0);
        cluster.reaper().afterStop(db::close); // runs before the temp folder is deleted
        try { // the server daemonizes: the watchdog stops it if this JVM is killed before it can
            Path pidFile = db.dataDirectory().orElseThrow().resolve("postmaster.pid");
            cluster.reaper().killOnCrash(Long.parseLong(Files.readAllLines(pidFile).get(0).strip()));
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot read the PostgreSQL pid of " + db + ": " + e);
        }
        db.migrate();
        return db;
    }

    @AfterAll
    static void stopEverything() {
        System.out.println("StandaloneClusterIT timings (ms): " + TIMINGS);
        if (cluster != null) cluster.close(); // processes, then the databases, then the temp folder
    }

    @Test
    void runOnAStandaloneClusterWritesTheSameRowsAsALocalRun() throws Exception {
        StandaloneCluster.Layout layout = cluster.layout();
        List<String> inputs = tiffsIn(layout.sampleData());
        assertTrue(inputs.size() >= 2, "expected sample TIFFs in " + layout.sampleData());
        // 1 MB partitions: the larger samples are split over several tasks, whose partials the driver merges
        // --segment: volumes cut into slabs of one or a few planes, labelled on both executors and joined
        List<String> runArgs = List.of("run", "--no-slices", "--partition-mb", "1", "--segment");

        // --- on the cluster: 2 executors of 1 core; tasks start only when both have registered ---
        long t0 = System.nanoTime();
        StandaloneCluster.Submission onCluster = cluster.submit("cluster", cluster.masterUrl(), List.of(
                        "--conf", "spark.executor.instances=2",
                        "--conf", "spark.executor.cores=1",
                        "--conf", "spark.cores.max=2",
                        "--conf", "spark.executor.memory=512m",
                        "--conf", "spark.executor.extraJavaOptions=" + cluster.executorJavaOptions(),
                        "--conf", "spark.driver.extraJavaOptions=" + cluster.driverJavaOptions(),
                        "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                        "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=60s"),
                appArgs(runArgs, clusterDb, layout.sampleData(), labels("cluster")), SUBMIT_TIMEOUT);
        TIMINGS.put("submit-cluster", millisSince(t0));
        if (onCluster.exitCode() != 0) {
            fail(onCluster.describe(60) + executorLogTails() + cluster.tails());
        }
        List<JsonNode> clusterLines = resultLines(onCluster, inputs.size());

        EventLog clusterEvents = EventLog.read(onCluster.eventLogDir());
        Map<String, Integer> perExecutor = clusterEvents.successfulTasksPerExecutor();
        System.out.println("cluster run " + clusterEvents.appId() + ": successful tasks per executor " + perExecutor);
        assertTrue(perExecutor.size() >= 2 && !perExecutor.containsKey("driver"),
                "expected tasks on at least 2 cluster executors, got " + perExecutor + " (" + clusterEvents.appId()
                        + ")" + executorLogTails());
        // the same seen from the Worker's side: one folder per executor, each with its own finished tasks
        Map<String, Integer> finishedInWorkDir = finishedTasksInWorkDir(clusterEvents.appId());
        System.out.println("worker work dir " + clusterEvents.appId() + ": 'Finished task' lines per executor "
                + finishedInWorkDir);
        assertTrue(finishedInWorkDir.values().stream().filter(n -> n > 0).count() >= 2,
                "expected >= 2 executor folders under " + cluster.workDir().resolve(clusterEvents.appId())
                        + " with finished tasks, got " + finishedInWorkDir + executorLogTails());
        JsonNode masterState = cluster.masterState();
        assertTrue(masterState != null && appIds(masterState).contains(clusterEvents.appId()),
                "the Master does not know the application " + clusterEvents.appId() + ": " + masterState);

        // --- the same in local mode ---
        t0 = System.nanoTime();
        StandaloneCluster.Submission local = cluster.submit("local", "local[2]",
                List.of("--conf", "spark.driver.extraJavaOptions=" + cluster.driverJavaOptions()),
                appArgs(runArgs, localDb, layout.sampleData(), labels("local")), SUBMIT_TIMEOUT);
        TIMINGS.put("submit-local", millisSince(t0));
        if (local.exitCode() != 0) fail(local.describe(60));
        List<JsonNode> localLines = resultLines(local, inputs.size());
        Map<String, Integer> localPerExecutor = EventLog.read(local.eventLogDir()).successfulTasksPerExecutor();
        assertEquals(Set.of("driver"), localPerExecutor.keySet(), "local[2] runs its tasks in the driver");
        assertEquals(ids(localLines), ids(clusterLines), "the same images in both runs' output");

        // --- the rows ---
        t0 = System.nanoTime();
        checkCatalogueIsComplete(clusterDb, inputs.size());
        checkCatalogueIsComplete(localDb, inputs.size());
        Comparison comparison = new Comparison();
        for (Map.Entry<String, String> table : TABLES.entrySet()) {
            comparison.table(table.getKey(), rows(clusterDb, table.getKey(), table.getValue()),
                    rows(localDb, table.getKey(), table.getValue()));
        }
        assertSameLabelFiles(labels("cluster"), labels("local"), inputs.size());
        TIMINGS.put("compare", millisSince(t0));
        System.out.println("compared " + comparison.rowCounts + " rows; " + comparison.doubles + " doubles, "
                + comparison.bitIdentical + " of them bit-identical");
        if (!comparison.differences.isEmpty()) {
            fail(comparison.differences.size() + " difference(s) between the cluster run and the local run:\n"
                    + String.join("\n", comparison.differences.subList(0, Math.min(30, comparison.differences.size()))));
        }

        // --- on the cluster again, one executor killed (SIGKILL) while the pass runs: Spark runs its tasks again on
        //     another executor, and the rows are still those of the local run ---
        t0 = System.nanoTime();
        Instant submitted = Instant.now();
        CompletableFuture<StandaloneCluster.Submission> killedRun = CompletableFuture.supplyAsync(() -> {
            try {
                // each stack held back, so the kill lands while tasks run
                return cluster.submit("killed", cluster.masterUrl(), FaultProbe.delay(150), List.of(
                                "--conf", "spark.executor.instances=2",
                                "--conf", "spark.executor.cores=1",
                                "--conf", "spark.cores.max=2",
                                "--conf", "spark.executor.memory=512m",
                                "--conf", "spark.executor.extraJavaOptions=" + cluster.executorJavaOptions(),
                                "--conf", "spark.driver.extraJavaOptions=" + cluster.driverJavaOptions(),
                                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=60s"),
                        appArgs(runArgs, killedDb, layout.sampleData(), labels("killed")), SUBMIT_TIMEOUT);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ProcessHandle victim = awaitExecutors(submitted, 2, killedRun);
        awaitFirstTask(cluster.root().resolve("events-killed"), killedRun);
        Thread.sleep(300); // both executors are inside tasks by now (each stack takes 150 ms)
        victim.destroyForcibly();
        StandaloneCluster.Submission afterKill = killedRun.get(SUBMIT_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
        TIMINGS.put("submit-killed", millisSince(t0));
        if (afterKill.exitCode() != 0) fail(afterKill.describe(60) + executorLogTails() + cluster.tails());
        assertEquals(ids(localLines), ids(resultLines(afterKill, inputs.size())));
        EventLog killedEvents = EventLog.read(afterKill.eventLogDir());
        long lost = killedEvents.events().stream().filter(e -> "SparkListenerTaskEnd".equals(e.path("Event").asText())
                && !"Success".equals(e.path("Task End Reason").path("Reason").asText())).count();
        System.out.println("executor " + victim.pid() + " killed: " + lost + " task(s) lost and run again; successful "
                + "tasks per executor " + killedEvents.successfulTasksPerExecutor());
        assertTrue(lost > 0, "the kill hit running tasks (" + killedEvents.appId() + ")");
        checkCatalogueIsComplete(killedDb, inputs.size());
        Comparison afterLoss = new Comparison();
        for (Map.Entry<String, String> table : TABLES.entrySet()) {
            afterLoss.table(table.getKey(), rows(killedDb, table.getKey(), table.getValue()),
                    rows(localDb, table.getKey(), table.getValue()));
        }
        if (!afterLoss.differences.isEmpty()) {
            fail(afterLoss.differences.size() + " difference(s) between the run that lost an executor and the local "
                    + "run:\n" + String.join("\n", afterLoss.differences.subList(0,
                    Math.min(30, afterLoss.differences.size()))));
        }
    }

    /** Waits for the first task to start, as the application's event log (still in progress) says. */
    private static void awaitFirstTask(Path eventDir, CompletableFuture<?> run) throws Exception {
        long deadline = System.nanoTime() + SUBMIT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(eventDir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    if (Files.readString(f).contains("\"Event\":\"SparkListenerTaskStart\"")) return;
                }
            } catch (java.nio.file.NoSuchFileException | java.io.UncheckedIOException e) {
                // not written yet, or renamed while read
            }
            if (run.isDone()) fail("the application ended before a task started: " + run.get());
            Thread.sleep(50);
        }
        throw new AssertionError("no task started" + executorLogTails());
    }

    /** Waits until {@code n} executor JVMs started after {@code since} run; returns one of them. */
    private static ProcessHandle awaitExecutors(Instant since, int n, CompletableFuture<?> run) throws Exception {
        return awaitExecutors(since, "", n, run, StandaloneClusterIT::executorLogTails);
    }

    /**
     * As {@link #awaitExecutors(Instant, int, CompletableFuture)}, counting only the executor JVMs whose command line
     * holds {@code marker} (e.g. the application's id); {@code logs} says what ran if they do not start in time.
     */
    static ProcessHandle awaitExecutors(Instant since, String marker, int n, CompletableFuture<?> run,
                                        Supplier<String> logs) throws Exception {
        long deadline = System.nanoTime() + SUBMIT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            // the JVM itself, not a shell that started it (YARN's container script) and shares its command line
            List<ProcessHandle> executors = ProcessHandle.allProcesses()
                    .filter(p -> p.info().command().orElse("").endsWith("/java"))
                    .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                    .filter(p -> p.info().commandLine().orElse("").contains(marker))
                    .filter(p -> p.info().startInstant().map(t -> !t.isBefore(since)).orElse(false)).toList();
            if (executors.size() >= n) return executors.get(0);
            if (run.isDone()) fail("the application ended before " + n + " executors ran: " + run.get());
            Thread.sleep(100);
        }
        throw new AssertionError(n + " executors did not start" + logs.get());
    }

    // ---- the runs' output ----

    private static List<String> appArgs(List<String> runArgs, CatalogueDatabase db, Path sampleData, Path output) {
        List<String> args = new ArrayList<>(runArgs);
        args.addAll(List.of("--output", output.toAbsolutePath().toString()));
        // the embedded server's role and its password file (the child's HIGHDIM_DB_PASSWORD is removed)
        args.addAll(io.highdim.jobs.testkit.Cli.catalogueArgs(db));
        args.add(sampleData.toAbsolutePath() + "/");
        return args;
    }

    /** Where a run writes its label volumes. */
    private static Path labels(String run) {
        return cluster.root().resolve("labels-" + run);
    }

    /** The same label volumes, byte for byte, at least one per image. */
    static void assertSameLabelFiles(Path a, Path b, int images) throws IOException {
        Map<Path, byte[]> first = labelFiles(a), second = labelFiles(b);
        assertEquals(first.keySet(), second.keySet(), "the same label volumes");
        assertTrue(first.size() >= images, "label volumes of every image: " + first.keySet());
        for (Path f : first.keySet()) assertTrue(Arrays.equals(first.get(f), second.get(f)), "label volume " + f);
    }

    private static Map<Path, byte[]> labelFiles(Path root) throws IOException {
        Map<Path, byte[]> files = new TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".tif")).toList()) {
                files.put(root.relativize(f), Files.readAllBytes(f));
            }
        }
        return files;
    }

    /** The JSON lines on stdout: one per input file, each with status ok. */
    static List<JsonNode> resultLines(StandaloneCluster.Submission s, int expected) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : s.stdout()) {
            if (line.startsWith("{")) lines.add(JSON.readTree(line));
        }
        assertEquals(expected, lines.size(), "one JSON line per image\n" + s.describe(20));
        for (JsonNode line : lines) {
            assertEquals("ok", line.path("status").asText(), "status of " + line + "\n" + s.describe(20));
        }
        return lines;
    }

    static Set<String> ids(List<JsonNode> lines) {
        return lines.stream().map(l -> l.path("image_id").asText()).collect(Collectors.toCollection(TreeSet::new));
    }

    static List<String> tiffsIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.toLowerCase(Locale.ROOT).matches(".*\\.tiff?$")).sorted().toList();
        }
    }

    /** Spark's event log (JSON lines) of one application. */
    record EventLog(String appId, List<JsonNode> events) {
        static EventLog read(Path dir) throws IOException {
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(Files::isRegularFile).toList();
            }
            assertEquals(1, files.size(), "one event log in " + dir + ": " + files);
            List<JsonNode> events = new ArrayList<>();
            String appId = null;
            for (String line : Files.readAllLines(files.get(0), StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonNode e = JSON.readTree(line);
                events.add(e);
                if ("SparkListenerApplicationStart".equals(e.path("Event").asText())) appId = e.path("App ID").asText();
            }
            return new EventLog(appId, events);
        }

        Map<String, Integer> successfulTasksPerExecutor() {
            Map<String, Integer> out = new TreeMap<>();
            for (JsonNode e : events) {
                if ("SparkListenerTaskEnd".equals(e.path("Event").asText())
                        && "Success".equals(e.path("Task End Reason").path("Reason").asText())) {
                    out.merge(e.path("Task Info").path("Executor ID").asText(), 1, Integer::sum);
                }
            }
            return out;
        }

        /**
         * How many tasks ended with their executor lost ({@code ExecutorLostFailure}) and had their partition of the
         * stage computed by a later attempt that succeeded.
         */
        long tasksLostAndRunAgain() {
            List<String> lost = new ArrayList<>();
            long rerun = 0;
            for (JsonNode e : events) {
                if (!"SparkListenerTaskEnd".equals(e.path("Event").asText())) continue;
                JsonNode info = e.path("Task Info");
                String task = e.path("Stage ID").asText() + "/"
                        + info.path("Partition ID").asText(info.path("Index").asText());
                String reason = e.path("Task End Reason").path("Reason").asText();
                if ("ExecutorLostFailure".equals(reason)) lost.add(task);
                else if ("Success".equals(reason)) while (lost.remove(task)) rerun++;
            }
            return rerun;
        }
    }

    /** Per executor folder {@code WORK/APP/N} of the Worker: how many "Finished task" lines its stderr has. */
    private static Map<String, Integer> finishedTasksInWorkDir(String appId) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        Path app = cluster.workDir().resolve(appId);
        if (!Files.isDirectory(app)) return out;
        try (Stream<Path> s = Files.list(app)) {
            for (Path executor : s.filter(Files::isDirectory).toList()) {
                Path stderr = executor.resolve("stderr");
                int n = 0;
                if (Files.isRegularFile(stderr)) {
                    for (String line : Files.readAllLines(stderr, StandardCharsets.UTF_8)) {
                        if (line.contains("Executor: Finished task")) n++;
                    }
                }
                out.put(executor.getFileName().toString(), n);
            }
        }
        return out;
    }

    private static String executorLogTails() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(cluster.workDir(), 3)) {
            for (Path stderr : s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().toList()) {
                sb.append("\n--- ").append(stderr).append(" (tail) ---\n").append(StandaloneCluster.tail(stderr, 20));
            }
        } catch (IOException e) {
            sb.append("\n(cannot list ").append(cluster.workDir()).append(": ").append(e).append(")");
        }
        return sb.toString();
    }

    private static Set<String> appIds(JsonNode masterState) {
        Set<String> ids = new TreeSet<>();
        for (String list : List.of("activeapps", "completedapps")) {
            for (JsonNode app : masterState.path(list)) ids.add(app.path("id").asText());
        }
        return ids;
    }

    // ---- the catalogue ----

    /** One run succeeded; every image is ok and has all its rows (so the comparison below compares something). */
    static void checkCatalogueIsComplete(CatalogueDatabase db, int images) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertEquals("1 run 1 succeeded", single(st, "select count(*) || ' run ' || count(*) filter "
                    + "(where status = 'succeeded' and command = 'run') || ' succeeded' from runs"), db.toString());
            assertEquals(images + "", single(st, "select count(*) from images where status = 'ok'"), db.toString());
            assertEquals(single(st, "select coalesce(sum(size_c), 0) from images"),
                    single(st, "select count(*) from channel_stats"), "channel_stats rows in " + db);
            assertEquals(single(st, "select coalesce(sum(size_z * size_t * size_c), 0) from images"),
                    single(st, "select count(*) from plane_stats"), "plane_stats rows in " + db);
            assertEquals(single(st, "select count(*) from images where size_c >= 2"),
                    single(st, "select count(*) from pca_results"), "pca_results rows in " + db);
            assertEquals(single(st, "select coalesce(sum(least(size_c, 2)), 0) from images where size_c >= 2"),
                    single(st, "select count(*) from pca_components"), "pca_components rows in " + db);
        }
    }

    private static String single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    /** The rows of a table in key order, each as column -> value (arrays as lists, jsonb as text). */
    static List<Map<String, Object>> rows(CatalogueDatabase db, String table, String orderBy)
            throws SQLException {
        try (Connection c = db.connect()) {
            List<Map<String, Object>> rows = CatalogueRows.values(c, "select * from " + table + " order by " + orderBy,
                    table.equals("images") ? PER_RUN_COLUMNS
                            : table.equals("segmentations") ? Set.of("labels_uri") : Set.of());
            // each run writes its label volumes to a folder of its own, which its result options name
            for (Map<String, Object> row : rows) {
                row.computeIfPresent("result_options", (k, v) -> v.toString().replaceAll("labels-[a-z]+", "labels-RUN"));
            }
            return rows;
        }
    }

    /** Row-by-row comparison; doubles equal within {@value #RELATIVE_TOLERANCE} relative. */
    static final class Comparison {
        final Map<String, Integer> rowCounts = new LinkedHashMap<>();
        final List<String> differences = new ArrayList<>();
        long doubles;
        long bitIdentical;

        void table(String table, List<Map<String, Object>> cluster, List<Map<String, Object>> local) {
            rowCounts.put(table, cluster.size());
            if (cluster.size() != local.size()) {
                differences.add(table + ": " + cluster.size() + " rows on the cluster, " + local.size() + " locally");
            }
            for (int r = 0; r < Math.min(cluster.size(), local.size()); r++) {
                Map<String, Object> a = cluster.get(r), b = local.get(r);
                if (!a.keySet().equals(b.keySet())) {
                    differences.add(table + " row " + r + ": columns " + a.keySet() + " vs " + b.keySet());
                    continue;
                }
                for (String column : a.keySet()) {
                    if (!same(a.get(column), b.get(column))) {
                        differences.add(table + " " + key(table, a) + " ." + column + ": cluster " + a.get(column)
                                + " vs local " + b.get(column));
                    }
                }
            }
        }

        private static String key(String table, Map<String, Object> row) {
            StringBuilder sb = new StringBuilder("[");
            for (String k : TABLES.get(table).split(",\\s*")) sb.append(k).append('=').append(row.get(k)).append(' ');
            return sb.toString().trim() + "]";
        }

        private boolean same(Object a, Object b) {
            if (a instanceof List<?> x && b instanceof List<?> y) {
                if (x.size() != y.size()) return false;
                boolean all = true;
                for (int i = 0; i < x.size(); i++) all &= same(x.get(i), y.get(i));
                return all;
            }
            if (a instanceof Double x && b instanceof Double y) {
                doubles++;
                if (Double.doubleToLongBits(x) == Double.doubleToLongBits(y)) {
                    bitIdentical++;
                    return true;
                }
                return Math.abs(x - y) <= RELATIVE_TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
            }
            return Objects.equals(a, b);
        }
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
