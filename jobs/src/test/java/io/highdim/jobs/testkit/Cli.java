package io.highdim.jobs.testkit;

import io.highdim.jobs.HighdimCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the launcher in this JVM (on the shared Spark session) and captures what it prints. */
public final class Cli {
    public record Result(int exitCode, String stdout) {
        public List<String> lines() { return stdout.lines().filter(l -> !l.isBlank()).toList(); }
    }

    private Cli() {}

    public static synchronized Result run(String... args) {
        SharedSpark.session();
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new HighdimCli()).execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
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
