package io.highdim.jobs.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The launcher ({@code io.highdim.jobs.HighdimCli}) in a JVM of its own, as a user starts it: this JVM's java, class
 * path and Java 17 module flags (the --add-opens list Spark needs), SPARK_LOCAL_IP=127.0.0.1. Its stdout and stderr
 * are read as it runs, so neither pipe fills up.
 */
public final class LauncherProcess implements AutoCloseable {
    /** What a finished launcher did. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** How many of the images it reported have this status ("ok", "unchanged", ...). */
        public long statusCount(String status) {
            return stdout.lines().filter(l -> l.contains("\"status\":\"" + status + "\"")).count();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private final Process process;
    private final CompletableFuture<String> stdout;
    private final CompletableFuture<String> stderr;

    private LauncherProcess(Process process) {
        this.process = process;
        this.stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        this.stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    }

    /** Runs {@code highdim ARGS} to its end; kills it (SIGKILL) and fails if it takes longer than {@code timeout}. */
    public static Result run(Duration timeout, String... args) {
        try (LauncherProcess launcher = start(args)) {
            return launcher.await(timeout);
        }
    }

    /** As {@link #run(Duration, String...)}, with JVM options of its own (e.g. {@code -Xmx1g}). */
    public static Result run(Duration timeout, List<String> jvmOptions, String... args) {
        try (LauncherProcess launcher = start(jvmOptions, args)) {
            return launcher.await(timeout);
        }
    }

    /** As {@link #run(Duration, List, String...)}, with {@code faults} injected into its passes. */
    public static Result run(Duration timeout, FaultProbe faults, List<String> jvmOptions, String... args) {
        try (LauncherProcess launcher = start(faults, jvmOptions, java.util.Map.of(), args)) {
            return launcher.await(timeout);
        }
    }

    /** Starts {@code highdim ARGS}; {@link #kill()} or {@link #close()} stops it. */
    public static LauncherProcess start(String... args) {
        return start(List.of(), args);
    }

    /** As {@link #start(String...)} with these JVM options; the heap is 1 GB unless they say otherwise. */
    public static LauncherProcess start(List<String> jvmOptions, String... args) {
        return start(jvmOptions, java.util.Map.of(), args);
    }

    /** As {@link #start(String...)}, with {@code faults} injected into its passes. */
    public static LauncherProcess start(FaultProbe faults, String... args) {
        return start(faults, List.of(), java.util.Map.of(), args);
    }

    /** As {@link #start(List, String...)}, with these environment variables besides this JVM's. */
    public static LauncherProcess start(List<String> jvmOptions, java.util.Map<String, String> env, String... args) {
        return start(null, jvmOptions, env, args);
    }

    /**
     * As {@link #start(List, java.util.Map, String...)}; with {@code faults} (not null) the main class is
     * {@link ProbedLauncher}, the launcher with them in its passes.
     */
    public static LauncherProcess start(FaultProbe faults, List<String> jvmOptions, java.util.Map<String, String> env,
                                        String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(moduleFlags());
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Xmx"))) cmd.add("-Xmx1g");
        cmd.addAll(jvmOptions);
        if (faults != null) cmd.addAll(faults.jvmOptions());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(faults != null ? ProbedLauncher.class.getName() : "io.highdim.jobs.HighdimCli");
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().putAll(env);
        try {
            Process p = builder.start();
            p.getOutputStream().close();
            return new LauncherProcess(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd.get(0), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the end; kills it (SIGKILL) and throws an AssertionError with its output after {@code timeout}. */
    public Result await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError("the launcher did not finish within " + timeout + "\n" + result());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new AssertionError("interrupted", e);
        }
        return result();
    }

    /** SIGKILL to the launcher JVM (no shutdown hook runs), as a crash would; waits until it is gone. */
    public Result kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result();
    }

    /** Kills it if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) kill();
    }

    private Result result() {
        return new Result(process.exitValue(), stdout.join(), stderr.join());
    }

    /** This JVM's module flags (from the test's argLine); not its heap size, agents or debugger. */
    private static List<String> moduleFlags() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.equals("-XX:+IgnoreUnrecognizedVMOptions")
                        || a.startsWith("-Djdk.reflect"))
                .toList();
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read: " + e + ")";
        }
    }
}
