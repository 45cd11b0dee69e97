package io.highdim.jobs.catalogue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * How to reach the catalogue's PostgreSQL: JDBC URL, user and password. The password is never logged and never
 * appears in {@link #toString()}.
 */
public final class ConnectionSettings {
    /** Environment variable holding the external server's password. */
    public static final String PASSWORD_ENV = "HIGHDIM_DB_PASSWORD";

    private static final String DRIVER = "org.postgresql.Driver";

    private final String jdbcUrl;
    private final String user;
    private final String password;

    /**
     * {@code password} may be null (e.g. trust or peer authentication); see {@link #resolvePassword(Path)}.
     *
     * @throws IllegalArgumentException if {@code jdbcUrl} is not a PostgreSQL JDBC URL
     */
    public ConnectionSettings(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db): " + jdbcUrl);
        }
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
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

    /** The URL as messages show it: {@code user=} and {@code password=} parameters blanked. */
    public String shownUrl() {
        return withoutCredentials(jdbcUrl);
    }

    private static final java.util.regex.Pattern CREDENTIALS =
            java.util.regex.Pattern.compile("(?i)([?&;](?:user|password)=)[^&;\\s)]*");

    /** {@code text} with any user=/password= parameters (of a JDBC URL in it) blanked, so it can be logged. */
    public static String withoutCredentials(String text) {
        return text == null ? null : CREDENTIALS.matcher(text).replaceAll("$1***");
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    /** For Flyway, which takes the three separately; not public so that it stays in this package. */
    String password() {
        return password;
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
            throw new CatalogueException("cannot connect to " + shownUrl() + " as " + user, e);
        }
    }

    /** URL and user; never the password. */
    @Override
    public String toString() {
        return shownUrl() + ", user=" + user;
    }
}
