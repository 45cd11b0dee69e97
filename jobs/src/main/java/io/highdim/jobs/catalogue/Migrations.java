package io.highdim.jobs.catalogue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The catalogue's schema: the Flyway migrations in {@code classpath:db/migration}. */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final String LOCATION = "classpath:db/migration";

    private Migrations() {}

    /**
     * The highest migration in {@code db/migration} ({@code MigrationsTest} checks it against the files): a catalogue
     * already there is used without starting Flyway, which costs about a second of class loading and scanning on
     * every run.
     */
    static final int LATEST = 11;

    /** Brings the schema up to the latest version (idempotent); returns that version. */
    public static String apply(ConnectionSettings settings) {
        if (isCurrent(settings)) {
            LOG.info("catalogue schema at version {} (current)", LATEST);
            return Integer.toString(LATEST);
        }
        try {
            // the loader of this jar, which holds the migrations
            MigrateResult result = Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
                    .locations(LOCATION)
                    .load()
                    .migrate();
            String version = result.targetSchemaVersion != null ? result.targetSchemaVersion
                    : result.initialSchemaVersion;
            LOG.info("catalogue schema at version {} ({} migration(s) applied)", version, result.migrationsExecuted);
            return version;
        } catch (RuntimeException e) {
            throw new CatalogueException("migrating the catalogue at " + settings.shownUrl() + " failed", e);
        }
    }

    /** Whether every migration up to {@link #LATEST} was applied successfully, and none failed. */
    static boolean isCurrent(ConnectionSettings settings) {
        try (Connection c = settings.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select count(*) filter (where success), count(*) filter (where not success), "
                     + "max(case when success then cast(version as integer) end) from flyway_schema_history "
                     + "where version is not null")) {
            return r.next() && r.getInt(1) == LATEST && r.getInt(2) == 0 && r.getInt(3) == LATEST;
        } catch (SQLException | RuntimeException e) {
            return false; // a new catalogue (no history table yet), or anything odd: Flyway decides
        }
    }
}
