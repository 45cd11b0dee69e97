package io.highdim.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the independent tools tests compare against: Debian's python3 (numpy, tifffile, sklearn, PIL) and libtiff.
 * The one Python runner of the tests: a missing interpreter or a Python error fails the test, it does not skip it.
 */
public final class Oracle {
    private static final String PYTHON = "/usr/bin/python3";

    private Oracle() {}

    /** Runs a command; fails with its output when it exits non-zero. Returns stdout. */
    public static String run(List<String> command) throws IOException, InterruptedException {
        return run(null, command);
    }

    /**
     * Runs a command in {@code dir} (null: the current folder), reading stdout and stderr concurrently so neither
     * pipe fills up; an IOException with both when it exits non-zero or takes over five minutes.
     */
    public static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (dir != null) builder.directory(dir.toFile());
        Process p = builder.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + err.join() + out.join());
        }
        return out.join();
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs Python code (the text of a script, {@code python3 -c}) in {@code dir} (null: the current folder). */
    public static String pythonCode(Path dir, String code, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-c", code));
        cmd.addAll(List.of(args));
        return run(dir, cmd);
    }

    /** Modules the oracle scripts may import (test resources oracle/NAME), copied beside the script when present. */
    private static final List<String> MODULES = List.of("seed_axes.py", "display8.py");

    /** Runs a python script from the test resources (oracle/NAME) with arguments. */
    public static String python(String script, String... args) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("oracle");
        try {
            for (String name : MODULES) copyResource(name, dir, false);
            Path file = copyResource(script, dir, true);
            List<String> cmd = new ArrayList<>(List.of(PYTHON, file.toString()));
            cmd.addAll(List.of(args));
            return run(cmd);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Path copyResource(String name, Path dir, boolean required) throws IOException {
        try (var in = Oracle.class.getResourceAsStream("/oracle/" + name)) {
            if (in == null) {
                if (required) throw new IOException("no test resource oracle/" + name);
                return null;
            }
            Path file = dir.resolve(name);
            Files.write(file, in.readAllBytes());
            return file;
        }
    }
}
