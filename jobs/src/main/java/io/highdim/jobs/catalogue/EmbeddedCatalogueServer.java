package io.highdim.jobs.catalogue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL (the binaries of the zonky bundle): its data directory {@code <state folder>/postgres} is
 * kept between runs, so a later process sees what an earlier one wrote. One process at a time per state folder
 * ({@link StateFolder}); only its owner can log in ({@link EmbeddedCatalogueSetup}): the server listens on localhost
 * only, has no Unix socket, and takes scram-sha-256 passwords. Stopped by {@link #close()} or, failing that, when
 * the JVM exits (a shutdown hook: normal exit, SIGTERM, SIGINT; after the runs it serves closed, see
 * {@link ShutdownOrder}); a server left by
 * a JVM killed outright (SIGKILL) is stopped by the next start ({@link CrashedRunLeftovers}).
 *
 * <p>zonky's own {@code EmbeddedPostgres} is not used: it runs initdb with trust authentication, connects as the
 * superuser without a password, and unpacks its programs into a folder under /tmp that any local user can prepare.
 */
public final class EmbeddedCatalogueServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCatalogueServer.class);

    /** The role the pipeline connects as (not superuser; owns the catalogue's tables) and its database. */
    public static final String USER = EmbeddedCatalogueSetup.ROLE;
    public static final String DATABASE = "postgres";
    /** The data directory's name in the state folder. */
    public static final String DATA_DIRECTORY = "postgres";
    /** The file in the state folder holding {@link #USER}'s password (mode 0600). */
    public static final String PASSWORD_FILE = EmbeddedCatalogueSetup.PASSWORD_FILE;

    private static final int STARTUP_WAIT_SECONDS = 60;
    private static final int STOP_WAIT_SECONDS = 30;
    /**
     * Besides port and addresses: commits on disk when they return (zonky used to start it with fsync and
     * synchronous_commit off, as for a throw-away test database), times in UTC, connections for many executors.
     */
    private static final List<String> SERVER_SETTINGS = List.of("listen_addresses=localhost",
            "unix_socket_directories=", "fsync=on", "synchronous_commit=on", "timezone=UTC", "max_connections=300");

    private final StateFolder state;
    private final PostgresBinaries binaries;
    private final Path dataDir;
    private final int port;
    private final String password;
    /** The JVM stops (a signal, an exit): PostgreSQL stops with it, last ({@link ShutdownOrder#DATABASE}). */
    private final Runnable stopAtExit = this::stop;
    private boolean stopped;

    private EmbeddedCatalogueServer(StateFolder state, PostgresBinaries binaries, Path dataDir, int port,
            String password) {
        this.state = state;
        this.binaries = binaries;
        this.dataDir = dataDir;
        this.port = port;
        this.password = password;
    }

    /**
     * Starts the server of the state folder {@code stateDir} (created if missing): its data directory is created
     * (initdb) or kept, and set up or migrated to owner-only access. {@code port > 0}: that port, else a free one.
     * What a crashed run left (a stale {@code postmaster.pid}, an orphaned server) is cleared first.
     *
     * @throws CatalogueInUseException if another process has the state folder (its pid is in the message)
     */
    public static EmbeddedCatalogueServer start(Path stateDir, int port) {
        Objects.requireNonNull(stateDir, "stateDir");
        if (port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        StateFolder state = StateFolder.open(stateDir);
        try {
            Path dataDir = state.dir().resolve(DATA_DIRECTORY);
            CrashedRunLeftovers.clear(dataDir);
            Path pidFile = dataDir.resolve("postmaster.pid");
            if (Files.exists(pidFile)) {
                String pid = Files.readAllLines(pidFile).stream().findFirst().orElse("?").strip();
                throw new CatalogueInUseException("the embedded catalogue in " + state.dir() + " is in use by "
                        + "PostgreSQL process " + pid + ", which another program started (stop it first)", null);
            }
            long start = System.nanoTime();
            PostgresBinaries binaries = PostgresBinaries.unpacked();
            String password = EmbeddedCatalogueSetup.prepare(binaries, state.dir(), dataDir);
            EmbeddedCatalogueServer server = new EmbeddedCatalogueServer(state, binaries, dataDir,
                    port > 0 ? port : freePort(), password);
            server.startPostmaster();
            LOG.info("embedded PostgreSQL on port {} with data in {} started in {} ms", server.port, dataDir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            return server;
        } catch (IOException | RuntimeException e) {
            state.close();
            if (e instanceof CatalogueException c) {
                throw c;
            }
            throw new CatalogueException("cannot start the embedded PostgreSQL in " + state.dir() + ": " + e, e);
        }
    }

    public int port() {
        return port;
    }

    /** The PostgreSQL data directory ({@code <state folder>/postgres}). */
    public Path dataDirectory() {
        return dataDir;
    }

    public Path stateDirectory() {
        return state.dir();
    }

    /** How to connect: localhost, this server's port, the pipeline's role and its password. */
    public ConnectionSettings connectionSettings() {
        return new ConnectionSettings("jdbc:postgresql://localhost:" + port + "/" + DATABASE, USER, password);
    }

    /** Stops the server (its data stays) and releases the state folder. */
    @Override
    public void close() {
        try {
            ShutdownHookManager.get().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) anyway; stop() is done once
        }
        stop();
    }

    @Override
    public String toString() {
        return "embedded PostgreSQL on port " + port + " in " + dataDir;
    }

    private void startPostmaster() throws IOException {
        StringBuilder options = new StringBuilder("-p ").append(port);
        for (String setting : SERVER_SETTINGS) {
            options.append(" -c ").append(setting.endsWith("=") ? setting + "''" : setting);
        }
        Process pgCtl = new ProcessBuilder(binaries.command("pg_ctl", "-D", dataDir.toString(), "-o",
                options.toString(), "-w", "-t", Integer.toString(STARTUP_WAIT_SECONDS), "start"))
                .redirectErrorStream(true).start();
        pgCtl.getOutputStream().close();
        // the server inherits pg_ctl's output: its log lines go to ours for as long as it runs
        Deque<String> lastLines = new ArrayDeque<>();
        Thread logger = new Thread(() -> forwardLog(pgCtl, lastLines), "postgres-log-" + port);
        logger.setDaemon(true);
        logger.start();
        ShutdownHookManager.get().addShutdownHook(stopAtExit, ShutdownOrder.DATABASE, STOP_WAIT_SECONDS + 10,
                TimeUnit.SECONDS);
        boolean ready;
        try {
            ready = pgCtl.waitFor(STARTUP_WAIT_SECONDS + 30, TimeUnit.SECONDS) && pgCtl.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready = false;
        }
        if (ready) {
            try (Connection c = connectionSettings().connect()) {
                return; // up, and the role logs in with its password
            } catch (CatalogueException | SQLException e) {
                close();
                throw new CatalogueException("the embedded PostgreSQL in " + dataDir + " started, but " + USER
                        + " cannot log in: " + e.getMessage(), e);
            }
        }
        pgCtl.destroyForcibly();
        close();
        String log;
        synchronized (lastLines) {
            log = String.join(" | ", lastLines);
        }
        throw new CatalogueException("the embedded PostgreSQL in " + dataDir + " did not start on port " + port
                + ": " + log);
    }

    private static void forwardLog(Process pgCtl, Deque<String> lastLines) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(pgCtl.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                LOG.info("postgres: {}", line);
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > 10) {
                        lastLines.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("the embedded PostgreSQL's output ended: {}", e.toString());
        }
    }

    /**
     * The JVM exits without {@link #close()}: the other shutdown hooks (serve's, a run's own) get a moment to finish
     * with the database and close it themselves, then it is stopped anyway.
     */
    /**
     * pg_ctl stop (fast: open transactions roll back), then the state folder's lock goes. Once; a second caller waits
     * for the first to finish (a shutdown hook must not return while the server is still stopping).
     */
    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            if (Files.exists(dataDir.resolve("postmaster.pid"))) {
                Process pgCtl = new ProcessBuilder(binaries.command("pg_ctl", "-D", dataDir.toString(), "-m", "fast",
                        "-w", "-t", Integer.toString(STOP_WAIT_SECONDS), "stop"))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!pgCtl.waitFor(STOP_WAIT_SECONDS + 10, TimeUnit.SECONDS) || pgCtl.exitValue() != 0) {
                    LOG.warn("pg_ctl stop of the embedded PostgreSQL in {} failed; the next start stops it", dataDir);
                }
            }
        } catch (IOException e) {
            LOG.warn("stopping the embedded PostgreSQL in {} failed: {}", dataDir, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
