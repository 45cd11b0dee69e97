package io.highdim.jobs.catalogue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL (io.zonky) whose data directory is kept between runs, so a later process sees what an
 * earlier one wrote; and the recovery of a data directory that a crashed run left behind.
 */
public final class EmbeddedCatalogueServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCatalogueServer.class);

    /** The embedded server's superuser and database (trust authentication on localhost, no password). */
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final EmbeddedPostgres server;
    private final Path dataDir;
    /** The JVM stops (a signal, an exit): PostgreSQL stops with it instead of running on as an orphan. */
    private final Runnable stopOnExit = this::close;

    private EmbeddedCatalogueServer(EmbeddedPostgres server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    /**
     * Starts a server on {@code dataDir}: created (initdb) if missing, kept otherwise. {@code port > 0}: that port,
     * else a free one. A {@code postmaster.pid} left by a dead process is removed, and a server left running by a
     * crashed JVM (no live process holds the directory) is shut down first, so a crash doesn't block the next run.
     */
    public static EmbeddedCatalogueServer start(Path dataDir, int port) {
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
                    .setPgBinaryResolver(EmbeddedCatalogueServer::bundledBinaries)
                    // stopped by a hook of ours, after the runs it serves are closed (ShutdownOrder): zonky's own
                    // JVM hook would run beside theirs and stop it while they record their end
                    .setRegisterShutdownHook(false)
                    // zonky turns both off (it is made for throw-away test databases: `postgres -F`); the catalogue
                    // is kept, so a commit must be on disk when it returns, and a power cut must not corrupt the
                    // data directory (with fsync off PostgreSQL may lose or tear pages it believes written). The
                    // -c that follows zonky's -F wins.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (IOException | RuntimeException e) {
            boolean locked = e instanceof OverlappingFileLockException
                    || e.getMessage() != null && e.getMessage().startsWith("could not lock");
            if (locked) {
                throw new CatalogueInUseException("the embedded catalogue in " + dir + " is in use by another process "
                        + "(a running `serve` holds it: send pipeline commands there with HIGHDIM_SERVER, ask its HTTP "
                        + "API, or stop it first)", e);
            }
            throw new CatalogueException("cannot start the embedded PostgreSQL on " + dir, e);
        }
        LOG.info("embedded PostgreSQL on port {} with data in {} started in {} ms", pg.getPort(), dir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        EmbeddedCatalogueServer server = new EmbeddedCatalogueServer(pg, dir);
        ShutdownHookManager.get().addShutdownHook(server.stopOnExit, ShutdownOrder.DATABASE, STOP_WAIT.toSeconds(),
                TimeUnit.SECONDS);
        return server;
    }

    /**
     * The PostgreSQL bundle of the binaries jar on the classpath (Linux x86-64 in the shipped jar). zonky's default
     * resolver first looks for a distribution-specific bundle by scanning every jar of the classpath twice (about
     * 0.3 s with Spark's 200 jars, on every start); only the generic bundles exist.
     */
    private static InputStream bundledBinaries(String system, String architecture) throws IOException {
        String name = "postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-"
                + architecture.toLowerCase(java.util.Locale.ROOT) + ".txz";
        InputStream bundle = EmbeddedCatalogueServer.class.getClassLoader().getResourceAsStream(name);
        if (bundle == null) {
            throw new IOException("no embedded PostgreSQL binaries for " + system + " " + architecture + " on the "
                    + "classpath (" + name + "); use an external catalogue with --jdbc-url");
        }
        return bundle;
    }

    public int port() {
        return server.getPort();
    }

    public Path dataDirectory() {
        return dataDir;
    }

    /** How to connect: localhost, this server's port, its superuser without a password. */
    public ConnectionSettings connectionSettings() {
        return new ConnectionSettings("jdbc:postgresql://localhost:" + port() + "/" + DATABASE, USER, null);
    }

    /** Stops the server (its data stays). */
    @Override
    public void close() {
        try {
            ShutdownHookManager.get().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // the JVM is stopping: this is the hook, or it will find the server stopped
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new CatalogueException("stopping the embedded PostgreSQL on " + dataDir + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "embedded PostgreSQL on port " + port() + " in " + dataDir;
    }

    // ---- crash recovery for the data directory ----

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
