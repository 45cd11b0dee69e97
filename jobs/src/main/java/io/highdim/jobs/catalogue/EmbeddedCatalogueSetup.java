package io.highdim.jobs.catalogue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the embedded catalogue's data directory reachable by its owner only, while no server runs on it: every
 * connection authenticates with scram-sha-256 ({@link #PG_HBA}); the pipeline connects as {@value #ROLE}, a role that
 * is not superuser and owns the catalogue's schema and tables; its random password is kept in
 * {@code <state folder>/}{@value #PASSWORD_FILE} (mode 0600). The superuser {@code postgres} gets no password at all
 * (and pg_hba rejects it), so nobody can log in as superuser: its powers (COPY ... TO PROGRAM) are out of reach.
 *
 * <p>The role is created and given the tables in single-user mode ({@code postgres --single}), which listens on no
 * port and no socket: there is no moment where a server accepts connections without a password. The password file
 * is moved into place last, so its presence means the setup is complete; a setup cut short is done again.
 */
final class EmbeddedCatalogueSetup {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCatalogueSetup.class);

    /** The pipeline's role: owns the schema {@code public} and every table in it; not superuser. */
    static final String ROLE = "highdim";
    static final String PASSWORD_FILE = "catalogue.password";
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    /** No trust, no peer (as root the server runs in a user namespace, where every local user looks the same). */
    static final String PG_HBA = """
            # Written by highdim: only the role highdim, with the password in the state folder's catalogue.password
            # (mode 0600); the superuser has no password and is refused. highdim rewrites this file if it changes.
            local   all   postgres                 reject
            host    all   postgres   all           reject
            local   all   all                      scram-sha-256
            host    all   all        127.0.0.1/32  scram-sha-256
            host    all   all        ::1/128       scram-sha-256
            """;

    private EmbeddedCatalogueSetup() {}

    /**
     * Creates {@code dataDir} (initdb) if it has no cluster yet, and sets up or migrates its access if that is not
     * done already (a data directory of an earlier version: trust authentication, tables owned by postgres).
     * Returns {@value #ROLE}'s password. The caller holds the state folder's lock; no server runs on {@code dataDir}.
     */
    static String prepare(PostgresBinaries binaries, Path stateDir, Path dataDir) {
        try {
            if (!Files.isRegularFile(dataDir.resolve("PG_VERSION"))) {
                initdb(binaries, stateDir, dataDir);
            }
            Path passwordFile = stateDir.resolve(PASSWORD_FILE);
            if (isSetUp(passwordFile, dataDir)) {
                return Files.readString(passwordFile, StandardCharsets.US_ASCII).strip();
            }
            LOG.info("setting up owner-only access to the embedded catalogue in {}", dataDir);
            String password = randomSecret();
            Path pending = stateDir.resolve(PASSWORD_FILE + ".new");
            writePrivate(pending, password + "\n");
            singleUser(binaries, dataDir, accessSql(password), password);
            Files.writeString(dataDir.resolve("pg_hba.conf"), PG_HBA, StandardCharsets.US_ASCII);
            Files.move(pending, passwordFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return password;
        } catch (IOException e) {
            throw new CatalogueException("cannot set up the embedded catalogue in " + dataDir + ": " + e, e);
        }
    }

    /** Done before, and nothing changed since: our pg_hba.conf, and a password file only its owner can read. */
    private static boolean isSetUp(Path passwordFile, Path dataDir) throws IOException {
        if (!Files.isRegularFile(passwordFile, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (!Files.getPosixFilePermissions(passwordFile).equals(OWNER_READ_WRITE)) {
            LOG.warn("{} was readable by others: a new password replaces it", passwordFile);
            return false;
        }
        Path hba = dataDir.resolve("pg_hba.conf");
        return Files.isRegularFile(hba) && Files.readString(hba, StandardCharsets.US_ASCII).equals(PG_HBA);
    }

    /**
     * The role (created if missing) with a new password; the schema, its tables, views and free-standing sequences
     * (identity and serial sequences move with their table) handed to it; the superuser's password removed.
     */
    static List<String> accessSql(String password) {
        return List.of(
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN CREATE ROLE "
                        + ROLE + "; END IF; END$$;",
                "ALTER ROLE " + ROLE + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
                        + "PASSWORD '" + password + "';",
                "ALTER SCHEMA public OWNER TO " + ROLE + ";",
                "DO $$DECLARE r record; BEGIN FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c "
                        + "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
                        + "AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.classid = "
                        + "'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))) "
                        + "LOOP EXECUTE format('ALTER %s %s OWNER TO " + ROLE + "', CASE r.relkind "
                        + "WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' "
                        + "ELSE 'TABLE' END, r.name); END LOOP; END$$;",
                "ALTER ROLE postgres PASSWORD NULL;");
    }

    /**
     * A new cluster, made in a sibling folder and renamed into place (a crash leaves no half-made data directory).
     * initdb requires a superuser password for scram-sha-256; it is random and forgotten: {@link #accessSql} removes it.
     */
    private static void initdb(PostgresBinaries binaries, Path stateDir, Path dataDir) throws IOException {
        long start = System.nanoTime();
        Path partial = dataDir.resolveSibling(dataDir.getFileName() + ".initdb");
        deleteTree(partial);
        Path superuserPassword = stateDir.resolve("initdb.password");
        writePrivate(superuserPassword, randomSecret() + "\n");
        try {
            run(binaries.command("initdb", "-D", partial.toString(), "-U", "postgres", "--auth=scram-sha-256",
                    "--pwfile=" + superuserPassword, "-E", "UTF-8", "--no-instructions"), null, null, "initdb");
        } finally {
            Files.deleteIfExists(superuserPassword);
        }
        Files.writeString(partial.resolve("pg_hba.conf"), PG_HBA, StandardCharsets.US_ASCII);
        Files.move(partial, dataDir, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("initdb of {} in {} ms", dataDir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Runs statements in single-user mode; any error stops it with a non-zero exit ({@code exit_on_error}). */
    private static void singleUser(PostgresBinaries binaries, Path dataDir, List<String> statements, String secret)
            throws IOException {
        run(binaries.command("postgres", "--single", "-D", dataDir.toString(), "-c", "exit_on_error=on", "postgres"),
                String.join("\n", statements) + "\n", secret, "postgres --single");
    }

    private static void run(List<String> command, String stdin, String secret, String name) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(name + " did not finish within 5 minutes");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + name, e);
        }
        if (process.exitValue() != 0) {
            // PostgreSQL echoes a failed statement: never show the password
            String shown = secret == null ? output : output.replace(secret, "***");
            throw new IOException(name + " failed (exit " + process.exitValue() + "): " + shown.strip());
        }
    }

    /** 32 random bytes, base64url: no quote or backslash, so it can sit in SQL and in a password file as it is. */
    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Created with mode 0600 from the start (never readable by others, not even for a moment). */
    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)),
                content.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
