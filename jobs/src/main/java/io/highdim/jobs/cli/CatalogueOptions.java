package io.highdim.jobs.cli;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.catalogue.CommitRetry;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the catalogue lives: an embedded PostgreSQL under --state-dir (default), or an external server. */
public class CatalogueOptions {
    @Option(names = "--jdbc-url", description = "External PostgreSQL, e.g. jdbc:postgresql://db:5432/highdim. "
            + "Default: an embedded PostgreSQL with its data under --state-dir.")
    String jdbcUrl;

    @Option(names = "--db-user", defaultValue = "postgres", description = "Database user (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--db-password-file", description = "File holding the database password. "
            + "Otherwise the environment variable HIGHDIM_DB_PASSWORD is used. Never logged.")
    Path passwordFile;

    @Option(names = "--state-dir", defaultValue = ".highdim", description = "Folder (mode 0700) for the embedded "
            + "database's data, password and lock (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--db-port", defaultValue = "0", converter = OptionConverters.Port.class,
            description = "Port of the embedded database (default: any free).")
    int port;

    @Option(names = "--commit-retry-seconds", defaultValue = "" + CommitRetry.DEFAULT_WINDOW_SECONDS,
            converter = OptionConverters.Seconds.class, description = "How long commits are retried while the "
            + "database is unreachable, before the run fails (default: ${DEFAULT-VALUE}; 0: fail at once).")
    long commitRetrySeconds;

    boolean isExternal() { return jdbcUrl != null; }

    /** How commits are retried while the database is unreachable (--commit-retry-seconds). */
    public CommitRetry commitRetry() {
        return CommitRetry.ofSeconds(commitRetrySeconds);
    }

    /** {@link #open()} for a background thread. */
    CatalogueDatabase openUnchecked() {
        try {
            return open();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public CatalogueDatabase open() throws IOException {
        CatalogueDatabase db;
        if (jdbcUrl != null) {
            db = CatalogueDatabase.external(jdbcUrl, user, CatalogueDatabase.resolvePassword(passwordFile));
        } else {
            db = CatalogueDatabase.embedded(stateDir, port);
        }
        db.migrate();
        return db;
    }
}
