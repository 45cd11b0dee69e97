package io.highdim.jobs.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure the processes a test starts (and their children, e.g. the executors a Spark Worker launches) do not
 * outlive it. {@link #stopAll()} stops them: SIGTERM to each registered process (last started first), wait, then
 * SIGKILL to whatever of them or their descendants is still alive. It runs from {@code @AfterAll}, from a JVM
 * shutdown hook, and, if the test JVM is killed with SIGKILL (no hook runs), a small {@code /bin/sh} watchdog that
 * holds a pipe from this JVM sees the pipe close, kills the registered processes by pid (SIGTERM, up to 10 s, then
 * SIGKILL) and deletes the registered folders. The watchdog forgets everything once {@link #stopAll()} has run, so
 * a recycled pid is never hit.
 */
final class ProcessReaper implements AutoCloseable {
    private static final long TERM_WAIT_MS = 15_000;
    private static final long KILL_WAIT_MS = 5_000;
    private static final String WATCHDOG = String.join("\n",
            "pids=; dirs=",
            "alive() { for p in $pids; do kill -0 $p 2>/dev/null && return 0; done; return 1; }",
            "while IFS= read -r line; do",
            "  case \"$line\" in",
            "    done) exit 0 ;;",
            "    'pid '*) pids=\"$pids ${line#pid }\" ;;",
            "    'dir '*) dirs=\"$dirs",
            "${line#dir }\" ;;",
            "  esac",
            "done",
            "if [ -n \"$pids\" ]; then",
            "  kill -TERM $pids 2>/dev/null",
            "  i=0; while [ $i -lt 50 ] && alive; do sleep 0.2; i=$((i+1)); done",
            "  kill -KILL $pids 2>/dev/null",
            "fi",
            "printf '%s\\n' \"$dirs\" | while IFS= read -r d; do [ -n \"$d\" ] && rm -rf -- \"$d\"; done",
            "exit 0");

    private final String name;
    private final List<Process> processes = new ArrayList<>();
    private final List<Runnable> afterStop = new ArrayList<>();
    private final Thread hook;
    private Process watchdog;
    private OutputStream watchdogPipe;
    private boolean stopped;

    ProcessReaper(String name) {
        this.name = name;
        this.hook = new Thread(this::stopAllQuietly, name + "-reaper");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            watchdog = new ProcessBuilder("/bin/sh", "-c", WATCHDOG)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            watchdogPipe = watchdog.getOutputStream();
        } catch (IOException e) {
            watchdog = null; // no /bin/sh: the shutdown hook still covers every exit but SIGKILL
        }
    }

    /** Starts {@code pb} and registers the process; fails if {@link #stopAll()} has already run. */
    synchronized Process start(ProcessBuilder pb) throws IOException {
        if (stopped) throw new IllegalStateException(name + ": already stopped");
        Process p = pb.start();
        processes.add(p);
        tellWatchdog("pid " + p.pid());
        return p;
    }

    /**
     * A process started some other way (e.g. a PostgreSQL server that daemonizes) that only the watchdog should
     * kill, if this JVM dies without running its shutdown hooks; otherwise its owner stops it.
     */
    synchronized void killOnCrash(long pid) {
        tellWatchdog("pid " + pid);
    }

    /** A folder the watchdog deletes (after killing the processes) if this JVM dies without its shutdown hooks. */
    synchronized void deleteOnCrash(java.nio.file.Path dir) {
        tellWatchdog("dir " + dir.toAbsolutePath());
    }

    /**
     * Something to do once the processes are gone (close a database, delete a folder). They run in reverse order
     * of registration, like try-with-resources: register the folder's deletion before what lives in it.
     */
    synchronized void afterStop(Runnable action) {
        afterStop.add(action);
    }

    /**
     * Stops every registered process and its descendants, then runs the {@link #afterStop} actions. Idempotent.
     *
     * @return descriptions of processes that were still alive after SIGKILL (should be empty)
     */
    synchronized List<String> stopAll() {
        if (stopped) return List.of();
        stopped = true;
        List<String> survivors = new ArrayList<>();
        try {
            // snapshot the whole tree first: once a parent is gone its children are re-parented and lost
            Set<ProcessHandle> all = new LinkedHashSet<>();
            for (Process p : processes) {
                p.descendants().forEach(all::add);
                all.add(p.toHandle());
            }
            for (int i = processes.size() - 1; i >= 0; i--) {
                processes.get(i).toHandle().destroy(); // SIGTERM: a Worker kills its executors on the way out
            }
            waitForExit(all, TERM_WAIT_MS);
            for (Process p : processes) p.descendants().forEach(all::add); // started while we waited
            for (ProcessHandle h : all) if (h.isAlive()) h.destroyForcibly();
            waitForExit(all, KILL_WAIT_MS);
            for (ProcessHandle h : all) {
                if (h.isAlive()) survivors.add(h.pid() + " " + h.info().commandLine().orElse("?"));
            }
        } finally {
            tellWatchdog("done");
            if (watchdog != null) {
                try {
                    watchdogPipe.close();
                    watchdog.waitFor(5, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException e) {
                    if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                }
                watchdog.destroyForcibly();
            }
            for (int i = afterStop.size() - 1; i >= 0; i--) {
                Runnable r = afterStop.get(i);
                try {
                    r.run();
                } catch (RuntimeException e) {
                    System.err.println(name + ": clean-up step failed: " + e);
                }
            }
        }
        return survivors;
    }

    @Override
    public void close() {
        List<String> survivors = stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        if (!survivors.isEmpty()) {
            throw new IllegalStateException(name + ": processes survived SIGKILL: " + survivors);
        }
    }

    private void stopAllQuietly() {
        List<String> survivors = stopAll();
        if (!survivors.isEmpty()) System.err.println(name + ": processes survived SIGKILL: " + survivors);
    }

    private void tellWatchdog(String line) {
        if (watchdogPipe == null) return;
        try {
            watchdogPipe.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            watchdogPipe.flush();
        } catch (IOException e) {
            // watchdog gone: the shutdown hook is left
        }
    }

    private static void waitForExit(Set<ProcessHandle> handles, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (ProcessHandle h : handles) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                return; // timed out: the caller escalates
            }
        }
    }
}
