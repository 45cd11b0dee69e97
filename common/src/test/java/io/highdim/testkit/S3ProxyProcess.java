package io.highdim.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3Proxy (S3-compatible server) started as a separate JVM for tests, so its jars never meet
 * Spark's. Backed by the jclouds {@code filesystem} provider in a temp dir, listening on
 * 127.0.0.1 with a free port, authorization {@code aws-v2-or-v4} with a fixed identity/credential.
 *
 * <p>Typical use:
 * <pre>{@code
 * try (S3ProxyProcess s3 = S3ProxyProcess.start()) {
 *     s3.createBucket("bucket");
 *     s3.upload(localFile, "s3a://bucket/dir/file.tif");
 *     Configuration conf = s3.hadoopConf();           // or s3.sparkConf() for a SparkSession
 * }
 * }</pre>
 * or {@link #shared()} for one instance per JVM (stopped by a shutdown hook).
 *
 * <p>The jar is taken from system property {@value #JAR_PROPERTY}, else found by walking up from
 * {@code user.dir} to {@code common/target/s3proxy/s3proxy.jar} (copied there by common's pom in
 * phase generate-test-resources). System property {@value #PROVIDER_PROPERTY} may select another
 * jclouds provider (e.g. {@code transient}, in memory).
 */
public final class S3ProxyProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3ProxyProcess.class);

    public static final String JAR_PROPERTY = "highdim.s3proxyJar";
    public static final String PROVIDER_PROPERTY = "highdim.s3proxyProvider";
    public static final String ACCESS_KEY = "highdim-access";
    public static final String SECRET_KEY = "highdim-secret-key";
    private static final String JAR_RELATIVE = "common/target/s3proxy/s3proxy.jar";
    private static final long START_TIMEOUT_MS = 60_000;
    private static final int START_ATTEMPTS = 3;

    private static S3ProxyProcess shared;

    private final Process process;
    private final Path tempDir;
    private final Path logFile;
    private final int port;
    private final long startupMillis;
    private final Set<String> buckets = ConcurrentHashMap.newKeySet();
    private final Thread shutdownHook;
    private volatile boolean closed;

    private S3ProxyProcess(Process process, Path tempDir, Path logFile, int port, long startupMillis) {
        this.process = process;
        this.tempDir = tempDir;
        this.logFile = logFile;
        this.port = port;
        this.startupMillis = startupMillis;
        this.shutdownHook = new Thread(this::destroyAndDelete, "s3proxy-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a new S3Proxy process and waits until it answers HTTP (at most ~60 s). */
    public static S3ProxyProcess start() throws IOException {
        Path jar = findJar();
        String provider = System.getProperty(PROVIDER_PROPERTY, "filesystem");
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(jar, provider);
            } catch (PortTakenException e) {
                last = e;  // another process grabbed the free port in between; try another one
                LOG.warn("S3Proxy start attempt {} failed: port taken, retrying", attempt);
            }
        }
        throw last;
    }

    /** One S3Proxy for the whole JVM, started on first use and stopped by a JVM shutdown hook. */
    public static synchronized S3ProxyProcess shared() throws IOException {
        if (shared == null || shared.closed || !shared.process.isAlive()) {
            shared = start();
        }
        return shared;
    }

    private static S3ProxyProcess startOnce(Path jar, String provider) throws IOException {
        Path tempDir = Files.createTempDirectory("highdim-s3proxy-");
        Path dataDir = Files.createDirectories(tempDir.resolve("data"));
        Path logFile = tempDir.resolve("s3proxy.log");
        int port = FreePort.any();
        String endpoint = "http://127.0.0.1:" + port;

        Path props = tempDir.resolve("s3proxy.conf");
        List<String> lines = new ArrayList<>();
        lines.add("s3proxy.endpoint=" + endpoint);
        lines.add("s3proxy.authorization=aws-v2-or-v4");
        lines.add("s3proxy.identity=" + ACCESS_KEY);
        lines.add("s3proxy.credential=" + SECRET_KEY);
        lines.add("s3proxy.ignore-unknown-headers=true");
        lines.add("jclouds.provider=" + provider);
        lines.add("jclouds.identity=" + ACCESS_KEY);
        lines.add("jclouds.credential=" + SECRET_KEY);
        // Properties file syntax: backslashes would be escapes (Windows paths)
        lines.add("jclouds.filesystem.basedir=" + dataDir.toAbsolutePath().toString().replace('\\', '/'));
        Files.write(props, lines, StandardCharsets.UTF_8);

        Path java = Paths.get(System.getProperty("java.home"), "bin",
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win") ? "java.exe" : "java");
        List<String> cmd = List.of(java.toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + tempDir.toAbsolutePath(),
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-jar", jar.toAbsolutePath().toString(),
                "--properties", props.toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(tempDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put("LOG_LEVEL", System.getProperty("highdim.s3proxyLogLevel", "info"));

        long t0 = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
            while (true) {
                if (!p.isAlive()) {
                    String tail = tail(logFile, 80);
                    if (tail.contains("Address already in use") || tail.contains("BindException")) {
                        throw new PortTakenException("S3Proxy could not bind " + endpoint + "\n" + tail);
                    }
                    throw new IOException("S3Proxy exited with code " + p.exitValue() + " before answering on "
                            + endpoint + "; command " + cmd + "\n--- " + logFile + " (tail) ---\n" + tail);
                }
                if (answers(endpoint)) break;
                if (System.nanoTime() > deadline) {
                    throw new IOException("S3Proxy did not answer on " + endpoint + " within " + START_TIMEOUT_MS
                            + " ms; command " + cmd + "\n--- " + logFile + " (tail) ---\n" + tail(logFile, 80));
                }
                Thread.sleep(100);
            }
        } catch (IOException | RuntimeException e) {
            kill(p);
            deleteRecursively(tempDir);
            throw e;
        } catch (InterruptedException e) {
            kill(p);
            deleteRecursively(tempDir);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting S3Proxy", e);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        LOG.info("S3Proxy ({}) up at {} after {} ms, pid {}, log {}", provider, endpoint, millis, p.pid(), logFile);
        return new S3ProxyProcess(p, tempDir, logFile, port, millis);
    }

    /** {@code http://127.0.0.1:PORT} */
    public String endpoint() { return "http://127.0.0.1:" + port; }

    public int port() { return port; }

    /** Milliseconds from process start until S3Proxy answered HTTP. */
    public long startupMillis() { return startupMillis; }

    public Path logFile() { return logFile; }

    /** The last lines of S3Proxy's log, for assertion messages. */
    public String logTail(int lines) { return tail(logFile, lines); }

    /**
     * Creates a bucket (a plain S3 PUT Bucket, SigV2-signed). Succeeds if it already exists.
     * Bucket names: lower case letters, digits, '-' and '.', 3..63 chars.
     */
    public void createBucket(String bucket) {
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("invalid S3 bucket name '" + bucket
                    + "': 3..63 chars of a-z, 0-9, '-', '.', starting and ending with a letter or digit");
        }
        String resource = "/" + bucket;
        String date = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
                .format(ZonedDateTime.now(ZoneOffset.UTC));
        String contentType = "application/octet-stream";
        String stringToSign = "PUT\n\n" + contentType + "\n" + date + "\n" + resource;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(SECRET_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            String signature = Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
            HttpURLConnection c = (HttpURLConnection) new URL(endpoint() + resource).openConnection();
            try {
                c.setRequestMethod("PUT");
                c.setConnectTimeout(5000);
                c.setReadTimeout(30000);
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(0);
                c.setRequestProperty("Date", date);
                c.setRequestProperty("Content-Type", contentType);
                c.setRequestProperty("Authorization", "AWS " + ACCESS_KEY + ":" + signature);
                try (OutputStream out = c.getOutputStream()) {
                    // empty body
                }
                int code = c.getResponseCode();
                String body = readBody(c);
                if (code / 100 != 2 && !(code == 409 && body.contains("BucketAlreadyOwnedByYou"))) {
                    throw new IOException("PUT " + resource + " -> HTTP " + code + ": " + body);
                }
            } finally {
                c.disconnect();
            }
            buckets.add(bucket);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create bucket " + bucket + " on " + endpoint()
                    + "\n--- S3Proxy log (tail) ---\n" + logTail(40), e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** s3a settings for this proxy, as keys without the {@code spark.hadoop.} prefix. */
    public Map<String, String> s3aSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("fs.s3a.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
        m.put("fs.AbstractFileSystem.s3a.impl", "org.apache.hadoop.fs.s3a.S3A");
        m.put("fs.s3a.endpoint", endpoint());
        m.put("fs.s3a.endpoint.region", "us-east-1");
        m.put("fs.s3a.path.style.access", "true");
        m.put("fs.s3a.connection.ssl.enabled", "false");
        m.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        m.put("fs.s3a.access.key", ACCESS_KEY);
        m.put("fs.s3a.secret.key", SECRET_KEY);
        m.put("fs.s3a.bucket.probe", "0");
        // fail fast instead of minutes of retries against a local server
        m.put("fs.s3a.attempts.maximum", "2");
        m.put("fs.s3a.retry.limit", "2");
        m.put("fs.s3a.retry.interval", "100ms");
        m.put("fs.s3a.retry.throttle.limit", "2");
        m.put("fs.s3a.retry.throttle.interval", "100ms");
        m.put("fs.s3a.connection.establish.timeout", "5000");
        m.put("fs.s3a.connection.timeout", "30000");
        return m;
    }

    /** A Hadoop configuration (with Hadoop's defaults) pointing s3a at this proxy. */
    public Configuration hadoopConf() {
        Configuration conf = new Configuration();
        s3aSettings().forEach(conf::set);
        return conf;
    }

    /** The same settings prefixed with {@code spark.hadoop.}, for SparkConf / SparkSession.builder(). */
    public Map<String, String> sparkConf() {
        Map<String, String> m = new LinkedHashMap<>();
        s3aSettings().forEach((k, v) -> m.put("spark.hadoop." + k, v));
        return m;
    }

    /**
     * Uploads a local file to an {@code s3a://bucket/key} URI (overwriting) through Hadoop's FileSystem.
     * Uses {@code FileSystem.create} + a stream copy rather than {@code copyFromLocalFile}: in
     * hadoop-aws 3.3.4 the latter goes through CopyFromLocalOperation, which needs the unshaded
     * commons-collections 3 that is not on a hadoop-client-api/runtime classpath.
     */
    public void upload(Path local, String s3aUri) {
        org.apache.hadoop.fs.Path dest = new org.apache.hadoop.fs.Path(s3aUri);
        try {
            FileSystem fs = dest.getFileSystem(hadoopConf());
            try (InputStream in = Files.newInputStream(local);
                 OutputStream out = fs.create(dest, true)) {
                in.transferTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not upload " + local + " to " + s3aUri
                    + "\n--- S3Proxy log (tail) ---\n" + logTail(40), e);
        }
    }

    /**
     * Stops the process (and any children), closes the cached s3a FileSystems of the buckets created
     * through {@link #createBucket} (the Hadoop FileSystem cache is keyed by bucket, not endpoint, so a
     * later proxy with the same bucket name would otherwise get a client bound to this dead port), and
     * deletes the temp dir.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Configuration conf = hadoopConf();
        for (String bucket : buckets) {
            try {
                FileSystem.get(URI.create("s3a://" + bucket + "/"), conf).close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing s3a filesystem for {}: {}", bucket, e.toString());
            }
        }
        destroyProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // JVM already shutting down
        }
        deleteRecursively(tempDir);
    }

    private void destroyProcess() {
        kill(process);
    }

    private void destroyAndDelete() {
        kill(process);
        deleteRecursively(tempDir);
    }

    private static void kill(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    // ---------------------------------------------------------------------------------------------

    static Path findJar() throws IOException {
        String prop = System.getProperty(JAR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Paths.get(prop);
            if (!Files.isRegularFile(p)) {
                throw new IOException("-D" + JAR_PROPERTY + "=" + prop + " is not a file");
            }
            return p;
        }
        Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = start; d != null; d = d.getParent()) {
            Path candidate = d.resolve(JAR_RELATIVE);
            if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new IOException("S3Proxy jar not found: no " + JAR_RELATIVE + " above " + start
                + " and no -D" + JAR_PROPERTY + "; run `mvn -pl common generate-test-resources` first");
    }

    /** True if anything answers HTTP on the endpoint (S3Proxy answers an anonymous GET / with 403). */
    private static boolean answers(String endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(endpoint + "/").openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() > 0;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static String readBody(HttpURLConnection c) {
        try (InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream()) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) return "(no log file " + file + ")";
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not delete {}: {}", dir, e.toString());
        }
    }

    private static final class PortTakenException extends IOException {
        PortTakenException(String message) { super(message); }
    }
}
