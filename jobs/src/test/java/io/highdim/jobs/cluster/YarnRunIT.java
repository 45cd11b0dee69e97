package io.highdim.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.highdim.jobs.testkit.FaultProbe;
import io.highdim.jobs.testkit.KillablePostgres;
import io.highdim.testkit.FreePort;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shipped jar submitted to a real YARN ({@link YarnProcesses}: a ResourceManager and a NodeManager in their own
 * JVMs) over a real HDFS ({@link HdfsProcesses}), with {@code HADOOP_CONF_DIR} naming both: in client deploy mode as
 * a user submits from a clone ({@code scripts/highdim --master yarn run …}), in cluster deploy mode with SparkSubmit
 * from the project's own jars (spark-yarn among them), as a distribution's {@code spark-submit} does. Inputs and
 * output are on HDFS, the catalogue in a PostgreSQL server of its own per run ({@code --jdbc-url}). Each run writes
 * the catalogue rows and label volumes of the same run with {@code --master local[2]} over the local sample files
 * (started while HDFS and YARN start); YARN reports each application SUCCEEDED, and a driver that fails FAILED
 * (spark-submit's exit code alone does not tell). The cluster mode run loses one executor mid-pass (SIGKILL of its
 * JVM): Spark runs the executor's tasks again, and the rows and files are still the local run's.
 *
 * <p>Executors of 512 MB heap and 384 MB overhead, in containers whose memory YARN enforces: in client mode one of two
 * cores; in cluster mode two of one core each beside the driver's container (1 GB heap, 384 MB overhead), 3.2 of the
 * NodeManager's 4 GB.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnRunIT {
    private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(150);
    private static final Pattern SUBMITTED = Pattern.compile("Submitted application (application_\\d+_\\d+)");
    private static final List<String> RUN_ARGS = List.of("run", "--no-slices", "--partition-mb", "1", "--segment");
    /** Each stack held back in the cluster mode run: a task outlasts the moments between its log line and the kill. */
    private static final long STACK_DELAY_MS = 50;
    /** The executor JVM's option that names its container's log folder (YARN fills in the folder). */
    private static final Pattern CONTAINER_LOG_DIR =
            Pattern.compile("-Dspark\\.yarn\\.app\\.container\\.log\\.dir=(\\S+)");

    private static final Map<String, Long> TIMINGS = Collections.synchronizedMap(new LinkedHashMap<>());
    private static StandaloneCluster spark; // the SPARK_HOME and spark-submit; no Master or Worker
    private static HdfsProcesses hdfs;
    private static YarnProcesses yarn;
    private static final Map<String, KillablePostgres> DATABASES = Collections.synchronizedMap(new LinkedHashMap<>());
    private static List<String> inputs;
    private static List<JsonNode> localLines;

    @BeforeAll
    static void start() throws Throwable {
        assertTrue(StandaloneCluster.isJava17(), "Spark 3.5 with Hadoop 3.3 needs Java 17 here");
        long t0 = System.nanoTime();
        spark = StandaloneCluster.create(StandaloneCluster.Layout.find());
        Path samples = spark.layout().sampleData();
        inputs = StandaloneClusterIT.tiffsIn(samples);
        // the local run (over the sample files, its labels in a local folder) and the databases start while HDFS and
        // YARN do
        CompletableFuture<StandaloneCluster.Submission> localRun = CompletableFuture.supplyAsync(() -> {
            DATABASES.put("local", database("local"));
            long t1 = System.nanoTime();
            List<String> app = new ArrayList<>(RUN_ARGS);
            app.addAll(List.of("--output", localLabels().toString()));
            app.addAll(DATABASES.get("local").catalogueArgs());
            app.add(samples.toAbsolutePath() + "/");
            try {
                StandaloneCluster.Submission local = spark.submit("local", "local[2]", List.of("--conf",
                        "spark.driver.extraJavaOptions=" + spark.driverJavaOptions()), app, SUBMIT_TIMEOUT);
                TIMINGS.put("submit-local", millisSince(t1));
                return local;
            } catch (IOException e) {
                throw new CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        });
        CompletableFuture<Void> databases = CompletableFuture.runAsync(() -> {
            for (String run : List.of("client", "cluster")) DATABASES.put(run, database(run));
        });
        Throwable failure = null;
        try {
            hdfs = HdfsProcesses.start();
            TIMINGS.put("hdfs-start", millisSince(t0));
            yarn = YarnProcesses.start(hdfs);
            TIMINGS.put("yarn-start", millisSince(t0));
            for (String f : inputs) hdfs.upload(samples.resolve(f), "/in/" + f);
            TIMINGS.put("upload", millisSince(t0));
        } catch (Throwable e) {
            failure = e;
        }
        StandaloneCluster.Submission local = null;
        try {
            databases.get(120, TimeUnit.SECONDS);
            local = localRun.get(SUBMIT_TIMEOUT.toSeconds() + 120, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (failure == null) failure = cause;
            else failure.addSuppressed(cause);
        }
        if (failure != null) throw failure;
        TIMINGS.put("local-run+servers", millisSince(t0));
        if (local.exitCode() != 0) fail(local.describe(60));
        localLines = StandaloneClusterIT.resultLines(local, inputs.size());
    }

    /** Where the local run writes its label volumes. */
    private static Path localLabels() {
        return spark.root().resolve("labels-local");
    }

    /**
     * Every YARN run's settings, as {@code --conf} pairs: {@code executors} of {@code cores} each, and these options
     * for the driver's JVM too (in cluster mode, the one in the application master's container).
     */
    private static List<String> yarnConfs(int executors, int cores, List<String> driverOptions) {
        String driver = String.join(" ", spark.driverJavaOptions(), String.join(" ", driverOptions)).trim();
        return List.of(
                // the Spark jars are on the NodeManager's machine already: nothing to upload or localize
                "--conf", "spark.yarn.jars=local:" + spark.sparkHome().resolve("jars") + "/*",
                "--conf", "spark.yarn.maxAppAttempts=1",
                "--conf", "spark.executor.instances=" + executors,
                "--conf", "spark.executor.cores=" + cores,
                "--conf", "spark.executor.memory=512m",
                "--conf", "spark.executor.memoryOverhead=384m",
                "--conf", "spark.driver.memory=1g",
                "--conf", "spark.yarn.am.memory=512m",
                "--conf", "spark.executor.extraJavaOptions=" + spark.executorJavaOptions(),
                "--conf", "spark.driver.extraJavaOptions=" + driver,
                "--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
                "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=60s");
    }

    private static KillablePostgres database(String run) {
        KillablePostgres pg = KillablePostgres.start(spark.root().resolve("pg-" + run));
        spark.reaper().afterStop(pg::close); // runs before the temp folder is deleted
        spark.reaper().killOnCrash(pg.postmasterPid()); // it daemonizes: the watchdog's if this JVM is killed
        return pg;
    }

    @AfterAll
    static void stop() {
        System.out.println("YarnRunIT timings (ms): " + TIMINGS);
        if (yarn != null) yarn.close();
        if (hdfs != null) hdfs.close();
        if (spark != null) spark.close(); // then the databases, then the temp folder
    }

    /**
     * Client mode as a user without a Spark distribution runs it: {@code HADOOP_CONF_DIR=… scripts/highdim --master
     * yarn run …} (the launcher's own SparkSubmit, its SPARK_HOME of the build's jars, conf/spark-defaults.conf).
     */
    @Test
    @Order(1)
    void clientModeFromTheLauncherWritesTheRowsAndFilesOfALocalRun() throws Exception {
        long t0 = System.nanoTime();
        Set<ApplicationId> before = new HashSet<>();
        for (ApplicationReport a : yarn.applications()) before.add(a.getApplicationId());
        List<String> cmd = new ArrayList<>(List.of("bash", spark.layout().repoRoot().resolve("scripts/highdim").toString(),
                "--master", "yarn", "--deploy-mode", "client"));
        List<String> confs = yarnConfs(1, 2, List.of());
        for (int i = 0; i < confs.size(); i += 2) cmd.addAll(List.of("--conf", confs.get(i + 1)));
        cmd.addAll(RUN_ARGS);
        cmd.addAll(List.of("--output", hdfs.uri() + "/labels-client"));
        cmd.addAll(DATABASES.get("client").catalogueArgs());
        cmd.add(hdfs.uri() + "/in/");
        Path out = spark.root().resolve("launcher-client.out"), err = spark.root().resolve("launcher-client.err");
        ProcessBuilder b = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        for (String key : List.of("HIGHDIM_SERVER", "SPARK_CONF_DIR", "SPARK_HOME", "YARN_CONF_DIR",
                "HIGHDIM_DB_PASSWORD")) {
            b.environment().remove(key);
        }
        b.environment().put("HADOOP_CONF_DIR", yarn.clientConfDir().toString());
        b.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().put("HIGHDIM_JAVA_OPTS", "-Xmx1g");
        b.environment().put("HIGHDIM_LOG_FILE", spark.root().resolve("launcher-client.log").toString());
        Process p = b.start();
        boolean done = p.waitFor(SUBMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        StandaloneCluster.Submission s = new StandaloneCluster.Submission("launcher-client", done ? p.exitValue() : -1,
                Files.readAllLines(out, StandardCharsets.UTF_8), out, err, null, millisSince(t0));
        TIMINGS.put("launcher-client", millisSince(t0));
        List<ApplicationReport> submitted = new ArrayList<>();
        for (ApplicationReport a : yarn.applications()) if (!before.contains(a.getApplicationId())) submitted.add(a);
        assertEquals(1, submitted.size(), "one application submitted to YARN by the launcher: " + submitted + "\n"
                + s.describe(40) + yarn.tails());
        if (s.exitCode() != 0) fail(s.describe(60) + logs(submitted.get(0).getApplicationId()));
        ApplicationReport app = yarn.endedReport(submitted.get(0).getApplicationId(), Duration.ofSeconds(30));
        assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(),
                app + logs(app.getApplicationId()));
        assertSameAsLocal("client", StandaloneClusterIT.resultLines(s, inputs.size()));
    }

    /**
     * Cluster mode, with two executors of one core: once tasks run, one executor's JVM is killed (SIGKILL); Spark runs
     * its tasks again (the event log says which), and the run still succeeds with the local run's rows and files.
     */
    @Test
    @Order(2)
    void clusterModeLosesAnExecutorMidPassAndStillWritesTheRowsAndFilesOfALocalRun() throws Exception {
        long t0 = System.nanoTime();
        KillablePostgres db = DATABASES.get("cluster");
        Set<ApplicationId> before = applicationIds();
        Instant submitted = Instant.now();
        // the driver runs in a container: the password reaches it in the application master's environment, the
        // probe's settings in its JVM options
        FaultProbe probe = FaultProbe.delay(STACK_DELAY_MS);
        List<String> sparkArgs = new ArrayList<>(yarnConfs(2, 1, probe.jvmOptions()));
        sparkArgs.addAll(List.of("--conf", "spark.yarn.appMasterEnv.HIGHDIM_DB_PASSWORD=" + db.password()));
        CompletableFuture<StandaloneCluster.Submission> run = CompletableFuture.supplyAsync(() -> {
            try {
                return submit("cluster", "cluster", probe, sparkArgs,
                        List.of("--jdbc-url", db.jdbcUrl(), "--db-user", db.user()));
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        ApplicationId id = awaitNewApplication(before, run);
        ProcessHandle victim = StandaloneClusterIT.awaitExecutors(submitted, id.toString(), 2, run, () -> logs(id));
        awaitRunningTask(victim, run, id);
        victim.destroyForcibly();
        TIMINGS.put("kill-cluster", millisSince(t0));
        StandaloneCluster.Submission s = run.get(SUBMIT_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
        TIMINGS.put("submit-cluster", millisSince(t0));
        ApplicationReport app = application(s);
        if (s.exitCode() != 0) fail(s.describe(60) + logs(id));
        assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), app + logs(id));
        StandaloneClusterIT.EventLog events = StandaloneClusterIT.EventLog.read(s.eventLogDir());
        long rerun = events.tasksLostAndRunAgain();
        System.out.println("cluster mode: executor " + victim.pid() + " killed; " + rerun + " task(s) lost with it and "
                + "run again; successful tasks per executor " + events.successfulTasksPerExecutor());
        assertTrue(rerun > 0, "tasks lost with the killed executor and run again (" + events.appId() + ")" + logs(id));
        // the driver's stdout is its container's, which the NodeManager keeps
        Path stdout = driverStdout(app);
        StandaloneCluster.Submission driver = new StandaloneCluster.Submission("cluster-driver", s.exitCode(),
                Files.readAllLines(stdout, StandardCharsets.UTF_8), stdout, stdout.resolveSibling("stderr"),
                s.eventLogDir(), s.millis());
        assertSameAsLocal("cluster", StandaloneClusterIT.resultLines(driver, inputs.size()));
    }

    @Test
    @Order(3)
    void aDriverThatFailsIsAFailedApplication() throws Exception {
        long t0 = System.nanoTime();
        // nothing listens there: the run fails (exit 1) before its pass
        StandaloneCluster.Submission s = submit("failing", "cluster", null, yarnConfs(1, 2, List.of()), List.of(
                "--jdbc-url", "jdbc:postgresql://127.0.0.1:" + FreePort.any() + "/postgres", "--db-user", "nobody"));
        TIMINGS.put("submit-failing", millisSince(t0));
        ApplicationReport app = application(s);
        assertEquals(FinalApplicationStatus.FAILED, app.getFinalApplicationStatus(),
                app + s.describe(30) + logs(app.getApplicationId()));
        assertNotEquals(0, s.exitCode(), s.describe(30));
    }

    // ---- the runs ----

    /** spark-submit with {@code sparkArgs} (those of {@link #yarnConfs} among them); the driver's faults, or null. */
    private static StandaloneCluster.Submission submit(String run, String deployMode, FaultProbe faults,
                                                       List<String> sparkArgs, List<String> catalogue)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--name", "highdim-" + run));
        args.addAll(sparkArgs);
        List<String> app = new ArrayList<>(RUN_ARGS);
        app.addAll(List.of("--output", hdfs.uri() + "/labels-" + run));
        app.addAll(catalogue);
        app.add(hdfs.uri() + "/in/");
        return spark.submit(run, "yarn", deployMode, Map.of("HADOOP_CONF_DIR", yarn.clientConfDir().toString()),
                faults, args, app, SUBMIT_TIMEOUT);
    }

    private static Set<ApplicationId> applicationIds() throws IOException {
        Set<ApplicationId> ids = new HashSet<>();
        for (ApplicationReport a : yarn.applications()) ids.add(a.getApplicationId());
        return ids;
    }

    /** Waits for the ResourceManager to know an application that was not in {@code before}. */
    private static ApplicationId awaitNewApplication(Set<ApplicationId> before, CompletableFuture<?> run)
            throws Exception {
        long deadline = System.nanoTime() + SUBMIT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ApplicationId id : applicationIds()) if (!before.contains(id)) return id;
            if (run.isDone()) fail("spark-submit ended before YARN knew its application: " + run.get() + yarn.tails());
            Thread.sleep(100);
        }
        throw new AssertionError("no application submitted to YARN" + yarn.tails());
    }

    /** Waits until the executor's container log says that a task runs in it now (started, not yet finished). */
    private static void awaitRunningTask(ProcessHandle executor, CompletableFuture<?> run, ApplicationId app)
            throws Exception {
        String commandLine = executor.info().commandLine().orElse("");
        Matcher m = CONTAINER_LOG_DIR.matcher(commandLine);
        if (!m.find()) fail("no container log folder in the executor's command line: " + commandLine);
        Path stderr = Path.of(m.group(1), "stderr");
        long deadline = System.nanoTime() + SUBMIT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(stderr)) {
                String log = Files.readString(stderr, StandardCharsets.UTF_8);
                if (count(log, "Executor: Running task ") > count(log, "Executor: Finished task ")) return;
            }
            if (run.isDone()) fail("the application ended before a task ran in " + stderr + ": " + run.get());
            Thread.sleep(20);
        }
        throw new AssertionError("no task ran in " + stderr + logs(app));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) n++;
        return n;
    }

    /** The application spark-submit submitted (its log names it), as the ResourceManager reports it now. */
    private static ApplicationReport application(StandaloneCluster.Submission s) throws IOException {
        Matcher m = SUBMITTED.matcher(Files.readString(s.stderrFile(), StandardCharsets.UTF_8));
        if (!m.find()) fail("spark-submit names no YARN application\n" + s.describe(40) + yarn.tails());
        return yarn.report(ApplicationId.fromString(m.group(1)));
    }

    /** The stdout of the application master's container: in cluster mode, the driver's. */
    private static Path driverStdout(ApplicationReport app) throws IOException {
        try (Stream<Path> s = Files.list(yarn.containerLogs(app.getApplicationId()))) {
            return s.filter(p -> p.getFileName().toString().endsWith("_000001")).findFirst()
                    .orElseThrow(() -> new AssertionError("no application master container for " + app))
                    .resolve("stdout");
        }
    }

    /**
     * The rows in the run's catalogue and its label volumes on HDFS are those of the local run, where the local run's
     * rows name the sample folder and its output folder, the run's name HDFS's {@code /in/} and its output there.
     */
    private static void assertSameAsLocal(String run, List<JsonNode> lines) throws Exception {
        long t0 = System.nanoTime();
        assertEquals(StandaloneClusterIT.ids(localLines), StandaloneClusterIT.ids(lines),
                "the same images in both runs' output");
        KillablePostgres db = DATABASES.get(run), local = DATABASES.get("local");
        StandaloneClusterIT.checkCatalogueIsComplete(db.database(), inputs.size());
        StandaloneClusterIT.checkCatalogueIsComplete(local.database(), inputs.size());
        StandaloneClusterIT.Comparison comparison = new StandaloneClusterIT.Comparison();
        Map<String, String> onHdfs = Map.of(localInputFolder(), hdfs.uri() + "/in/",
                spark.root() + "/", hdfs.uri() + "/");
        for (Map.Entry<String, String> table : StandaloneClusterIT.TABLES.entrySet()) {
            comparison.table(table.getKey(),
                    StandaloneClusterIT.rows(db.database(), table.getKey(), table.getValue()),
                    relocated(StandaloneClusterIT.rows(local.database(), table.getKey(), table.getValue()), onHdfs));
        }
        System.out.println(run + " mode: compared " + comparison.rowCounts + " rows; " + comparison.doubles
                + " doubles, " + comparison.bitIdentical + " of them bit-identical");
        if (!comparison.differences.isEmpty()) {
            fail(comparison.differences.size() + " difference(s) between the " + run + " mode run and the local run:\n"
                    + String.join("\n", comparison.differences.subList(0, Math.min(30, comparison.differences.size()))));
        }
        StandaloneClusterIT.assertSameLabelFiles(fromHdfs("labels-" + run), localLabels(), inputs.size());
        TIMINGS.put("compare-" + run, millisSince(t0));
    }

    /** The folder of the local run's inputs as its output lines name them (one for all images). */
    private static String localInputFolder() {
        Set<String> folders = new HashSet<>();
        for (JsonNode line : localLines) {
            String uri = line.path("uri").asText();
            folders.add(uri.substring(0, uri.lastIndexOf('/') + 1));
        }
        assertEquals(1, folders.size(), "the local run's inputs in one folder: " + localLines);
        return folders.iterator().next();
    }

    /** The rows with each text value's prefixes (keys of {@code prefixes}) replaced by their values. */
    private static List<Map<String, Object>> relocated(List<Map<String, Object>> rows, Map<String, String> prefixes) {
        for (Map<String, Object> row : rows) {
            row.replaceAll((column, v) -> {
                if (!(v instanceof String text)) return v;
                for (Map.Entry<String, String> p : prefixes.entrySet()) text = text.replace(p.getKey(), p.getValue());
                return text;
            });
        }
        return rows;
    }

    /** A copy of HDFS's {@code /name} in the test's folder (once). */
    private static Path fromHdfs(String name) throws IOException {
        Path local = spark.root().resolve("from-hdfs").resolve(name);
        if (Files.isDirectory(local)) return local;
        Files.createDirectories(local.getParent());
        try (FileSystem fs = FileSystem.newInstance(URI.create(hdfs.uri()), hdfs.clientConf())) {
            fs.copyToLocalFile(new org.apache.hadoop.fs.Path(hdfs.uri() + "/" + name),
                    new org.apache.hadoop.fs.Path(local.toUri()));
        }
        return local;
    }

    /** The application's container logs (tails) and the servers', for failure messages. */
    private static String logs(ApplicationId app) {
        StringBuilder sb = new StringBuilder();
        try {
            sb.append('\n').append(yarn.report(app).getDiagnostics());
        } catch (IOException e) {
            sb.append("\n(no report of ").append(app).append(": ").append(e).append(')');
        }
        Path dir = yarn.containerLogs(app);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.walk(dir, 2)) {
                for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                    sb.append("\n--- ").append(f).append(" (tail) ---\n").append(StandaloneCluster.tail(f, 25));
                }
            } catch (IOException e) {
                sb.append("\n(cannot list ").append(dir).append(": ").append(e).append(')');
            }
        }
        return sb + yarn.tails();
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
