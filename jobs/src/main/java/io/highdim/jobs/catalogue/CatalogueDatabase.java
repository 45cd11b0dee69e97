package io.highdim.jobs.catalogue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the catalogue lives and how to get a JDBC connection to it: an external PostgreSQL server, or (the default)
 * an embedded PostgreSQL whose data directory is kept between runs.
 *
 * <p>The password is never logged and never appears in {@link #toString()}.
 */
public final class CatalogueDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogueDatabase.class);

    /** Environment variable holding the external server's password. */
    public static final String PASSWORD_ENV = "HIGHDIM_DB_PASSWORD";
    /** The embedded server's superuser and database (trust authentication on localhost, no password). */
    public static final String EMBEDDED_USER = "postgres";
    public static final String EMBEDDED_DATABASE = "postgres";

    private static final String DRIVER = "org.postgresql.Driver";
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final EmbeddedPostgres server;
    private final Path dataDir;

    private CatalogueDatabase(String jdbcUrl, String user, String password, EmbeddedPostgres server, Path dataDir) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.server = server;
        this.dataDir = dataDir;
    }

    /**
     * An external server. {@code password} may be null (e.g. trust or peer authentication); see
     * {@link #resolvePassword(Path)} for reading it from {@value #PASSWORD_ENV} or a file.
     */
    public static CatalogueDatabase external(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db): " + jdbcUrl);
        }
        return new CatalogueDatabase(jdbcUrl, user, password, null, null);
    }

    /**
     * The password for an external server: the first line of {@code passwordFile} if one is given, else the
     * environment variable {@value #PASSWORD_ENV}, else null.
     */
    public static String resolvePassword(Path passwordFile) {
        if (passwordFile != null) {
            try {
                List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                return lines.isEmpty() ? "" : lines.get(0).strip();
            } catch (IOException e) {
                throw new CatalogueException("cannot read the password file " + passwordFile, e);
            }
        }
        String fromEnv = System.getenv(PASSWORD_ENV);
        return fromEnv == null || fromEnv.isEmpty() ? null : fromEnv;
    }

    /**
     * The default: an embedded PostgreSQL (io.zonky) whose data directory is {@code dataDir}: created (initdb) if
     * missing, kept between runs so a later process sees what an earlier one wrote. {@code port > 0}: that port,
     * else a free one. A {@code postmaster.pid} left by a dead process is removed, and a server left running by a
     * crashed JVM (no live process holds the directory) is shut down first, so a crash doesn't block the next run.
     */
    public static CatalogueDatabase embedded(Path dataDir, int port) {
        Objects.requireNonNull(dataDir, "dataDir");
        if (port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CatalogueException("cannot create the catalogue data directory " + dir, e);
        }
        clearStalePostmaster(dir);
        long start = System.nanoTime();
        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPort(Math.max(port, 0))
                    .setPGStartupWait(STARTUP_WAIT)
                    // zonky turns this off; the catalogue is kept, so a commit should be durable
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (IOException | RuntimeException e) {
            boolean locked = e instanceof OverlappingFileLockException
                    || e.getMessage() != null && e.getMessage().startsWith("could not lock");
            String hint = locked ? " (the data directory is in use by another server of this or another process)" : "";
            throw new CatalogueException("cannot start the embedded PostgreSQL on " + dir + hint, e);
        }
        LOG.info("embedded PostgreSQL on port {} with data in {} started in {} ms", pg.getPort(), dir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/" + EMBEDDED_DATABASE;
        return new CatalogueDatabase(url, EMBEDDED_USER, null, pg, dir);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    /** True if this object started (and {@link #close()} stops) an embedded server. */
    public boolean isEmbedded() {
        return server != null;
    }

    /** The embedded server's data directory, if embedded. */
    public Optional<Path> dataDirectory() {
        return Optional.ofNullable(dataDir);
    }

    /** The embedded server's port, or -1 for an external server. */
    public int port() {
        return server == null ? -1 : server.getPort();
    }

    /**
     * A fresh copy of the connection properties (user, password if any, driver, reWriteBatchedInserts=true), for
     * {@code DataFrameWriter.jdbc(jdbcUrl(), table, connectionProperties())}.
     */
    public Properties connectionProperties() {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("driver", DRIVER);
        properties.setProperty("reWriteBatchedInserts", "true");
        properties.setProperty("ApplicationName", "highdim");
        return properties;
    }

    /** A new connection (auto-commit on); the caller closes it. */
    public Connection connect() {
        try {
            // the driver directly, not DriverManager: under Spark the driver may sit in a child class loader
            Connection connection = new org.postgresql.Driver().connect(jdbcUrl, connectionProperties());
            if (connection == null) {
                throw new CatalogueException("the PostgreSQL driver does not accept the URL " + jdbcUrl);
            }
            return connection;
        } catch (SQLException e) {
            throw new CatalogueException("cannot connect to " + jdbcUrl + " as " + user, e);
        }
    }

    /** Applies the Flyway migrations in {@code classpath:db/migration} (idempotent). */
    public void migrate() {
        try {
            MigrateResult result = Flyway.configure(CatalogueDatabase.class.getClassLoader())
                    .dataSource(jdbcUrl, user, password)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            LOG.info("catalogue schema at version {} ({} migration(s) applied)",
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                    result.migrationsExecuted);
        } catch (RuntimeException e) {
            throw new CatalogueException("migrating the catalogue at " + jdbcUrl + " failed", e);
        }
    }

    /** Stops the embedded server if this object started one; for an external server, does nothing. */
    @Override
    public void close() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new CatalogueException("stopping the embedded PostgreSQL on " + dataDir + " failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "CatalogueDatabase[" + jdbcUrl + ", user=" + user
                + (server != null ? ", embedded in " + dataDir : ", external") + "]";
    }

    // ---- crash recovery for the embedded data directory ----

    /**
     * If {@code dir/postmaster.pid} names a process that is gone (or is not a postgres), remove the file. If it names
     * a live postgres that no JVM holds (zonky's {@code epg-lock} is free), it is the server of a crashed run: shut
     * it down. A postgres held by a live JVM is left alone (starting then fails with "could not lock").
     */
    static void clearStalePostmaster(Path dir) {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid = readPid(pidFile);
        Optional<ProcessHandle> process = pid > 0 ? ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                : Optional.empty();
        Optional<String> command = process.flatMap(p -> p.info().command());
        Optional<Path> workingDir = process.flatMap(p -> workingDirectory(p.pid()));
        boolean gone = process.isEmpty()
                || command.isPresent() && !isPostgres(command.get())
                // a postgres of another cluster that got the recycled pid: postgres runs in its data directory
                || command.isPresent() && workingDir.isPresent() && !sameFile(workingDir.get(), dir);
        if (gone) {
            LOG.warn("removing the stale {} left by a crashed run (process {} is gone or is not its server)", pidFile, pid);
            deleteQuietly(pidFile);
            return;
        }
        if (command.isEmpty() || workingDir.isEmpty() || heldByLiveProcess(dir.resolve("epg-lock"))) {
            return; // cannot tell what it is, or another live highdim process runs this server: leave it
        }
        ProcessHandle postmaster = process.get();
        LOG.warn("stopping the PostgreSQL server (pid {}) that a crashed run left running on {}", pid, dir);
        postmaster.destroy(); // SIGTERM: smart shutdown; its clients died with the crashed JVM
        try {
            postmaster.onExit().get(ORPHAN_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogueException("interrupted while stopping the orphaned PostgreSQL server " + pid);
        } catch (Exception e) {
            throw new CatalogueException("the orphaned PostgreSQL server (pid " + pid + ") on " + dir
                    + " did not stop within " + ORPHAN_STOP_WAIT.toSeconds() + " s; stop it by hand");
        }
        deleteQuietly(pidFile); // a clean shutdown removes it; be sure
    }

    private static long readPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).strip());
        } catch (IOException | NumberFormatException e) {
            return -1; // unreadable or half-written: stale
        }
    }

    private static boolean isPostgres(String command) {
        String name = Path.of(command).getFileName().toString();
        return name.equals("postgres") || name.equals("postmaster");
    }

    private static Optional<Path> workingDirectory(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.normalize().equals(b.normalize());
        }
    }

    private static boolean heldByLiveProcess(Path lockFile) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this JVM
        } catch (IOException e) {
            return true; // cannot tell: be careful
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.toString());
        }
    }
}
