package io.highdim.jobs.catalogue;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The catalogue's schema: the Flyway migrations in {@code classpath:db/migration}. */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final String LOCATION = "classpath:db/migration";

    private Migrations() {}

    /** Brings the schema up to the latest version (idempotent); returns that version. */
    public static String apply(ConnectionSettings settings) {
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
            throw new CatalogueException("migrating the catalogue at " + settings.jdbcUrl() + " failed", e);
        }
    }
}
