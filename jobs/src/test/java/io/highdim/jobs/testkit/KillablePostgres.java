package io.highdim.jobs.testkit;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.CatalogueException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL (the catalogue's embedded one) that a test can kill with SIGKILL, as a crash or an OOM killer
 * would, and start again on the same data directory and port, so its clients see the same URL go away and come back.
 * Migrated when first started. Not thread-safe: one test drives it.
 */
public final class KillablePostgres implements AutoCloseable {
    /** How long {@link #restart()} keeps trying while the killed server's leftovers (backends, shared memory) go. */
    private static final Duration RESTART_TRIES = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private CatalogueDatabase server;

    private KillablePostgres(Path dataDir, CatalogueDatabase server) {
        this.dataDir = dataDir;
        this.port = server.port();
        this.server = server;
    }

    /** A server with its data in {@code dataDir} (created if missing) on a free port, migrated. */
    public static KillablePostgres start(Path dataDir) {
        CatalogueDatabase db = CatalogueDatabase.embedded(dataDir, 0);
        db.migrate();
        return new KillablePostgres(dataDir.toAbsolutePath().normalize(), db);
    }

    public int port() {
        return port;
    }

    /** jdbc:postgresql://localhost:PORT/postgres (user postgres, no password); the same after a restart. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    /** The running server, e.g. for a CommitQueue or a CatalogueWriter. */
    public CatalogueDatabase database() {
        if (server == null) throw new IllegalStateException("the server was killed; restart() it first");
        return server;
    }

    public boolean isRunning() {
        return server != null;
    }

    /** A new connection to the running server; the caller closes it. */
    public Connection connect() {
        return database().connect();
    }

    /** The postmaster's pid: the first line of postmaster.pid in the data directory. */
    public long postmasterPid() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return Long.parseLong(lines.get(0).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * SIGKILL to the postmaster (no shutdown, no checkpoint: a crash); returns once it and its backends are gone,
     * so the port is closed and clients get "connection refused".
     */
    public void kill() {
        ProcessHandle postmaster = ProcessHandle.of(postmasterPid())
                .orElseThrow(() -> new IllegalStateException("no postmaster process for " + dataDir));
        List<ProcessHandle> backends = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        await(postmaster, Duration.ofSeconds(10));
        // the backends notice their postmaster died and exit by themselves; a restart waits for them anyway
        for (ProcessHandle b : backends) await(b, Duration.ofSeconds(10));
        // zonky's handle: its pg_ctl stop fails (nothing to stop), but it releases its lock on the data directory
        CatalogueDatabase dead = server;
        server = null;
        try {
            dead.close();
        } catch (RuntimeException ignored) {
            // the server is gone already, which is what close() wanted
        }
    }

    /**
     * Starts the server again on the same data directory and port (PostgreSQL replays its WAL: what was committed
     * is there). Retries for a while: a killed server's shared memory or port may take a moment to be free.
     */
    public void restart() {
        if (server != null) throw new IllegalStateException("the server is running");
        long deadline = System.nanoTime() + RESTART_TRIES.toNanos();
        while (true) {
            try {
                server = CatalogueDatabase.embedded(dataDir, port);
                return;
            } catch (CatalogueException e) {
                if (System.nanoTime() > deadline) throw e;
                sleep(250);
            }
        }
    }

    /** Stops the server if it runs (its data stays). */
    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private static void await(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("process " + process.pid() + " did not exit within " + timeout, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
