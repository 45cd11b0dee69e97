package io.highdim.jobs.catalogue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the catalogue lives and how to get a JDBC connection to it: an external PostgreSQL server, or (the default)
 * an embedded PostgreSQL whose data directory is kept between runs. A facade over {@link ConnectionSettings},
 * {@link EmbeddedCatalogueServer} and {@link Migrations}.
 *
 * <p>The password is never logged and never appears in {@link #toString()}.
 */
public final class CatalogueDatabase implements AutoCloseable {
    /** Environment variable holding the external server's password. */
    public static final String PASSWORD_ENV = ConnectionSettings.PASSWORD_ENV;

    private final ConnectionSettings settings;
    private final EmbeddedCatalogueServer server;

    private CatalogueDatabase(ConnectionSettings settings, EmbeddedCatalogueServer server) {
        this.settings = settings;
        this.server = server;
    }

    /**
     * An external server. {@code password} may be null (e.g. trust or peer authentication); see
     * {@link #resolvePassword(Path)} for reading it from {@value #PASSWORD_ENV} or a file.
     *
     * @throws IllegalArgumentException if {@code jdbcUrl} is not a PostgreSQL JDBC URL
     */
    public static CatalogueDatabase external(String jdbcUrl, String user, String password) {
        return new CatalogueDatabase(new ConnectionSettings(jdbcUrl, user, password), null);
    }

    /** See {@link ConnectionSettings#resolvePassword(Path)}. */
    public static String resolvePassword(Path passwordFile) {
        return ConnectionSettings.resolvePassword(passwordFile);
    }

    /**
     * The default: an embedded PostgreSQL with its data in the state folder {@code stateDir}, kept between runs;
     * {@code port > 0}: that port, else a free one. See {@link EmbeddedCatalogueServer#start(Path, int)} (incl. who
     * may connect, one process per state folder, and recovery after a crash).
     */
    public static CatalogueDatabase embedded(Path stateDir, int port) {
        EmbeddedCatalogueServer server = EmbeddedCatalogueServer.start(stateDir, port);
        return new CatalogueDatabase(server.connectionSettings(), server);
    }

    public String jdbcUrl() {
        return settings.jdbcUrl();
    }

    public String user() {
        return settings.user();
    }

    public ConnectionSettings connectionSettings() {
        return settings;
    }

    /** True if this object started (and {@link #close()} stops) an embedded server. */
    public boolean isEmbedded() {
        return server != null;
    }

    /** The embedded server's PostgreSQL data directory, if embedded. */
    public Optional<Path> dataDirectory() {
        return Optional.ofNullable(server).map(EmbeddedCatalogueServer::dataDirectory);
    }

    /** The embedded server's state folder (data directory, password file, lock), if embedded. */
    public Optional<Path> stateDirectory() {
        return Optional.ofNullable(server).map(EmbeddedCatalogueServer::stateDirectory);
    }

    /** The embedded server's port, or -1 for an external server. */
    public int port() {
        return server == null ? -1 : server.port();
    }

    /** See {@link ConnectionSettings#connectionProperties()}. */
    public Properties connectionProperties() {
        return settings.connectionProperties();
    }

    /** A new connection (auto-commit on); the caller closes it. */
    public Connection connect() {
        return settings.connect();
    }

    /** Applies the Flyway migrations (idempotent). */
    public void migrate() {
        Migrations.apply(settings);
    }

    /** Stops the embedded server if this object started one; for an external server, does nothing. */
    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    public String toString() {
        return "CatalogueDatabase[" + settings
                + (server != null ? ", embedded in " + server.dataDirectory() : ", external") + "]";
    }
}
