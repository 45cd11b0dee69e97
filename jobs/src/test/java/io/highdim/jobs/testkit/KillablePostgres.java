package io.highdim.jobs.testkit;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.CatalogueException;
import io.highdim.jobs.catalogue.EmbeddedCatalogueServer;
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
 * would, and start again on the same state folder and port, so its clients see the same URL go away and come back.
 * Migrated when first started. Not thread-safe: one test drives it.
 */
public final class KillablePostgres implements AutoCloseable {
    /** How long {@link #restart()} keeps trying while the killed server's leftovers (backends, shared memory) go. */
    private static final Duration RESTART_TRIES = Duration.ofSeconds(30);

    private final Path stateDir;
    private final int port;
    private CatalogueDatabase server;

    private KillablePostgres(Path stateDir, CatalogueDatabase server) {
        this.stateDir = stateDir;
        this.port = server.port();
        this.server = server;
    }

    /** A server with its state folder {@code stateDir} (created if missing) on a free port, migrated. */
    public static KillablePostgres start(Path stateDir) {
        CatalogueDatabase db = CatalogueDatabase.embedded(stateDir, 0);
        db.migrate();
        return new KillablePostgres(stateDir.toAbsolutePath().normalize(), db);
    }

    public int port() {
        return port;
    }

    /** jdbc:postgresql://localhost:PORT/postgres; the same after a restart. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + EmbeddedCatalogueServer.DATABASE;
    }

    /** The pipeline's role (not superuser), whose password is in {@link #passwordFile()}. */
    public String user() {
        return EmbeddedCatalogueServer.USER;
    }

    /** The state folder's password file (mode 0600), as --db-password-file takes it. */
    public Path passwordFile() {
        return stateDir.resolve(EmbeddedCatalogueServer.PASSWORD_FILE);
    }

    /** The role's password. */
    public String password() {
        try {
            return Files.readString(passwordFile()).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** --jdbc-url, --db-user and --db-password-file for this server, for a launcher's command line. */
    public List<String> catalogueArgs() {
        return List.of("--jdbc-url", jdbcUrl(), "--db-user", user(), "--db-password-file", passwordFile().toString());
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
            List<String> lines = Files.readAllLines(stateDir.resolve(EmbeddedCatalogueServer.DATA_DIRECTORY).resolve("postmaster.pid"), StandardCharsets.UTF_8);
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
                .orElseThrow(() -> new IllegalStateException("no postmaster process for " + stateDir));
        List<ProcessHandle> backends = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        await(postmaster, Duration.ofSeconds(10));
        // the backends notice their postmaster died and exit by themselves; a restart waits for them anyway
        for (ProcessHandle b : backends) await(b, Duration.ofSeconds(10));
        // our handle: its pg_ctl stop fails (nothing to stop), but it releases the state folder's lock
        CatalogueDatabase dead = server;
        server = null;
        try {
            dead.close();
        } catch (RuntimeException ignored) {
            // the server is gone already, which is what close() wanted
        }
    }

    /**
     * Starts the server again on the same state folder and port (PostgreSQL replays its WAL: what was committed
     * is there). Retries for a while: a killed server's shared memory or port may take a moment to be free.
     */
    public void restart() {
        if (server != null) throw new IllegalStateException("the server is running");
        long deadline = System.nanoTime() + RESTART_TRIES.toNanos();
        while (true) {
            try {
                server = CatalogueDatabase.embedded(stateDir, port);
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
