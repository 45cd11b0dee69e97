package io.highdim.jobs.testkit;

import io.highdim.jobs.HighdimCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs the launcher in this JVM (on the shared Spark session) and captures what it prints. */
public final class Cli {
    public record Result(int exitCode, String stdout, String stderr) {
        public List<String> lines() { return stdout.lines().filter(l -> !l.isBlank()).toList(); }
    }

    private Cli() {}

    public static synchronized Result run(String... args) {
        SharedSpark.session();
        PrintStream original = System.out, originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = HighdimCli.commandLine().execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
        }
    }

    /** The --jdbc-url options for the shared test database. */
    public static List<String> catalogueArgs() {
        List<String> a = new ArrayList<>();
        a.add("--jdbc-url");
        a.add(SharedCatalogue.database().jdbcUrl());
        a.add("--db-user");
        a.add(SharedCatalogue.database().user());
        return a;
    }
}
