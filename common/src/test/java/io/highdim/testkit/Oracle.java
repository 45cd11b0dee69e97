package io.highdim.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the independent tools tests compare against: Debian's python3 (numpy, tifffile, sklearn) and libtiff. */
public final class Oracle {
    public static final String PYTHON = "/usr/bin/python3";

    private Oracle() {}

    /** Runs a command; fails with its output when it exits non-zero. Returns stdout. */
    public static String run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("oracle", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(log.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
            if (p.exitValue() != 0) {
                throw new IOException("exit " + p.exitValue() + ": " + command + "\n" + Files.readString(log));
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Runs a python script from the test resources (oracle/NAME) with arguments. */
    public static String python(String script, String... args) throws IOException, InterruptedException {
        Path file = Files.createTempFile("oracle", ".py");
        try (var in = Oracle.class.getResourceAsStream("/oracle/" + script)) {
            if (in == null) throw new IOException("no test resource oracle/" + script);
            Files.write(file, in.readAllBytes());
        }
        try {
            List<String> cmd = new ArrayList<>(List.of(PYTHON, file.toString()));
            cmd.addAll(List.of(args));
            return run(cmd);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
