package io.highdim.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.highdim.jobs.testkit.KillablePostgres;
import io.highdim.testkit.FreePort;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * the catalogue rows and label volumes of the same run with {@code --master local[2]}; YARN reports each application
 * SUCCEEDED, and a driver that fails FAILED (spark-submit's exit code alone does not tell).
 *
 * <p>One executor of two cores, 512 MB heap and 384 MB overhead, in a container whose memory YARN enforces.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnRunIT {
    private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(150);
    private static final Pattern SUBMITTED = Pattern.compile("Submitted application (application_\\d+_\\d+)");
    private static final List<String> RUN_ARGS = List.of("run", "--no-slices", "--partition-mb", "1", "--segment");

    private static final Map<String, Long> TIMINGS = Collections.synchronizedMap(new LinkedHashMap<>());
    private static StandaloneCluster spark; // the SPARK_HOME and spark-submit; no Master or Worker
    private static HdfsProcesses hdfs;
    private static YarnProcesses yarn;
    private static final Map<String, KillablePostgres> DATABASES = Collections.synchronizedMap(new LinkedHashMap<>());
    private static List<String> inputs;
    private static List<JsonNode> localLines;
    /** Every YARN run's settings, as {@code --conf} pairs (set once the SPARK_HOME is known). */
    private static List<String> yarnConfs;

    @BeforeAll
    static void start() throws Throwable {
        assertTrue(StandaloneCluster.isJava17(), "Spark 3.5 with Hadoop 3.3 needs Java 17 here");
        long t0 = System.nanoTime();
        spark = StandaloneCluster.create(StandaloneCluster.Layout.find());
        inputs = StandaloneClusterIT.tiffsIn(spark.layout().sampleData());
        yarnConfs = List.of(
                // the Spark jars are on the NodeManager's machine already: nothing to upload or localize
                "--conf", "spark.yarn.jars=local:" + spark.sparkHome().resolve("jars") + "/*",
                "--conf", "spark.yarn.maxAppAttempts=1",
                "--conf", "spark.executor.instances=1",
                "--conf", "spark.executor.cores=2",
                "--conf", "spark.executor.memory=512m",
                "--conf", "spark.executor.memoryOverhead=384m",
                "--conf", "spark.driver.memory=1g",
                "--conf", "spark.yarn.am.memory=512m",
                "--conf", "spark.executor.extraJavaOptions=" + spark.executorJavaOptions(),
                "--conf", "spark.driver.extraJavaOptions=" + spark.driverJavaOptions(),
                "--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
                "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=60s");
        // the databases start while HDFS and YARN do
        CompletableFuture<Void> databases = CompletableFuture.runAsync(() -> {
            for (String run : List.of("local", "client", "cluster")) DATABASES.put(run, database(run));
        });
        try {
            hdfs = HdfsProcesses.start();
            TIMINGS.put("hdfs-start", millisSince(t0));
            yarn = YarnProcesses.start(hdfs);
            TIMINGS.put("yarn-start", millisSince(t0));
            for (String f : inputs) hdfs.upload(spark.layout().sampleData().resolve(f), "/in/" + f);
        } finally {
            databases.get(120, TimeUnit.SECONDS);
        }
        TIMINGS.put("databases+upload", millisSince(t0));

        long t1 = System.nanoTime();
        StandaloneCluster.Submission local = spark.submit("local", "local[2]", "client", Map.of(), null,
                List.of("--conf", "spark.driver.extraJavaOptions=" + spark.driverJavaOptions()),
                appArgs("local"), SUBMIT_TIMEOUT);
        TIMINGS.put("submit-local", millisSince(t1));
        if (local.exitCode() != 0) fail(local.describe(60));
        localLines = StandaloneClusterIT.resultLines(local, inputs.size());
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
        for (int i = 0; i < yarnConfs.size(); i += 2) cmd.addAll(List.of("--conf", yarnConfs.get(i + 1)));
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
        ApplicationReport app = submitted.get(0);
        if (s.exitCode() != 0) fail(s.describe(60) + logs(app));
        assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), app + logs(app));
        assertSameAsLocal("client", StandaloneClusterIT.resultLines(s, inputs.size()));
    }

    @Test
    @Order(2)
    void clusterModeWritesTheRowsAndFilesOfALocalRunAndYarnSaysSucceeded() throws Exception {
        long t0 = System.nanoTime();
        KillablePostgres db = DATABASES.get("cluster");
        // the driver runs in a container: the password reaches it in the application master's environment
        StandaloneCluster.Submission s = submit("cluster", "cluster",
                List.of("--conf", "spark.yarn.appMasterEnv.HIGHDIM_DB_PASSWORD=" + db.password()),
                List.of("--jdbc-url", db.jdbcUrl(), "--db-user", db.user()));
        TIMINGS.put("submit-cluster", millisSince(t0));
        ApplicationReport app = application(s);
        if (s.exitCode() != 0) fail(s.describe(60) + logs(app));
        assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), app + logs(app));
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
        StandaloneCluster.Submission s = submit("failing", "cluster", List.of(), List.of("--jdbc-url",
                "jdbc:postgresql://127.0.0.1:" + FreePort.any() + "/postgres", "--db-user", "nobody"));
        TIMINGS.put("submit-failing", millisSince(t0));
        ApplicationReport app = application(s);
        assertEquals(FinalApplicationStatus.FAILED, app.getFinalApplicationStatus(), app + s.describe(30) + logs(app));
        assertNotEquals(0, s.exitCode(), s.describe(30));
    }

    // ---- the runs ----

    private static StandaloneCluster.Submission submit(String run, String deployMode, List<String> extraSparkArgs,
                                                       List<String> catalogue) throws Exception {
        List<String> sparkArgs = new ArrayList<>(List.of("--name", "highdim-" + run));
        sparkArgs.addAll(yarnConfs);
        sparkArgs.addAll(extraSparkArgs);
        List<String> app = new ArrayList<>(RUN_ARGS);
        app.addAll(List.of("--output", hdfs.uri() + "/labels-" + run));
        app.addAll(catalogue);
        app.add(hdfs.uri() + "/in/");
        return spark.submit(run, "yarn", deployMode, Map.of("HADOOP_CONF_DIR", yarn.clientConfDir().toString()),
                null, sparkArgs, app, SUBMIT_TIMEOUT);
    }

    private static List<String> appArgs(String run) {
        List<String> app = new ArrayList<>(RUN_ARGS);
        app.addAll(List.of("--output", hdfs.uri() + "/labels-" + run));
        app.addAll(DATABASES.get(run).catalogueArgs());
        app.add(hdfs.uri() + "/in/");
        return app;
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

    /** The rows in the run's catalogue and its label volumes on HDFS are those of the local run. */
    private static void assertSameAsLocal(String run, List<JsonNode> lines) throws Exception {
        long t0 = System.nanoTime();
        assertEquals(StandaloneClusterIT.ids(localLines), StandaloneClusterIT.ids(lines),
                "the same images in both runs' output");
        KillablePostgres db = DATABASES.get(run), local = DATABASES.get("local");
        StandaloneClusterIT.checkCatalogueIsComplete(db.database(), inputs.size());
        StandaloneClusterIT.checkCatalogueIsComplete(local.database(), inputs.size());
        StandaloneClusterIT.Comparison comparison = new StandaloneClusterIT.Comparison();
        for (Map.Entry<String, String> table : StandaloneClusterIT.TABLES.entrySet()) {
            comparison.table(table.getKey(),
                    StandaloneClusterIT.rows(db.database(), table.getKey(), table.getValue()),
                    StandaloneClusterIT.rows(local.database(), table.getKey(), table.getValue()));
        }
        System.out.println(run + " mode: compared " + comparison.rowCounts + " rows; " + comparison.doubles
                + " doubles, " + comparison.bitIdentical + " of them bit-identical");
        if (!comparison.differences.isEmpty()) {
            fail(comparison.differences.size() + " difference(s) between the " + run + " mode run and the local run:\n"
                    + String.join("\n", comparison.differences.subList(0, Math.min(30, comparison.differences.size()))));
        }
        StandaloneClusterIT.assertSameLabelFiles(fromHdfs("labels-" + run), fromHdfs("labels-local"), inputs.size());
        TIMINGS.put("compare-" + run, millisSince(t0));
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
    private static String logs(ApplicationReport app) {
        StringBuilder sb = new StringBuilder("\n" + app.getDiagnostics());
        Path dir = yarn.containerLogs(app.getApplicationId());
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
