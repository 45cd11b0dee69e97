package io.highdim.jobs.testkit;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.cli.HighdimCommand;
import io.highdim.jobs.compute.PassProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the launcher in this JVM (on the shared Spark session) and captures what it prints. */
public final class Cli {
    public record Result(int exitCode, String stdout, String stderr) {
        public List<String> lines() { return stdout.lines().filter(l -> !l.isBlank()).toList(); }
    }

    private Cli() {}

    public static Result run(String... args) {
        return run(PassProbe.NONE, args);
    }

    /** As {@link #run(String...)}, {@code probe} watching the pass's pixel work (e.g. a {@link FaultProbe}). */
    public static synchronized Result run(PassProbe probe, String... args) {
        SharedSpark.session();
        PrintStream original = System.out, originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = HighdimCommand.commandLine(probe).execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
        }
    }

    /** The --jdbc-url options for the shared test database. */
    public static List<String> catalogueArgs() {
        return catalogueArgs(SharedCatalogue.database());
    }

    /** --jdbc-url, --db-user and --db-password-file (the state folder's password file) for an embedded server. */
    public static List<String> catalogueArgs(CatalogueDatabase embedded) {
        Path passwordFile = embedded.stateDirectory().orElseThrow()
                .resolve(io.highdim.jobs.catalogue.EmbeddedCatalogueServer.PASSWORD_FILE);
        return new ArrayList<>(List.of("--jdbc-url", embedded.jdbcUrl(), "--db-user", embedded.user(),
                "--db-password-file", passwordFile.toString()));
    }
}
