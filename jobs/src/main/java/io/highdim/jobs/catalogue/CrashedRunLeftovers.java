package io.highdim.jobs.catalogue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a crashed run leaves in the embedded catalogue's data directory: a {@code postmaster.pid} of a dead process,
 * or a server still running that no process owns any more. Cleared by the next start, while it holds the state
 * folder's lock (so the server it finds is not another live run's).
 */
final class CrashedRunLeftovers {
    private static final Logger LOG = LoggerFactory.getLogger(CrashedRunLeftovers.class);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

    private CrashedRunLeftovers() {}

    /**
     * If {@code dir/postmaster.pid} names a process that is gone (or is not a postgres), remove the file. If it names
     * a live postgres running on {@code dir}, it is the server of a crashed run (the caller holds the state folder's
     * lock, so no live highdim process has it): shut it down. Left alone: a server that a process of an earlier
     * highdim version holds (zonky's {@code epg-lock} is taken), and one we cannot tell about; the caller then finds
     * {@code postmaster.pid} still there and says the catalogue is in use.
     */
    static void clear(Path dir) {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid = readPid(pidFile);
        Optional<ProcessHandle> process = pid > 0 ? ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                : Optional.empty();
        Optional<String> command = process.flatMap(p -> p.info().command());
        Optional<Path> workingDir = process.flatMap(p -> workingDirectory(p.pid()));
        boolean gone = process.isEmpty()
                || command.isPresent() && !isPostgres(command.get())
                // a postgres of another cluster that got the recycled pid: postgres runs in its data directory
                || command.isPresent() && workingDir.isPresent() && !sameFile(workingDir.get(), dir);
        if (gone) {
            LOG.warn("removing the stale {} left by a crashed run (process {} is gone or is not its server)", pidFile, pid);
            deleteQuietly(pidFile);
            return;
        }
        if (command.isEmpty() || workingDir.isEmpty() || heldByLiveProcess(dir.resolve("epg-lock"))) {
            return; // cannot tell what it is, or an earlier version's live process runs this server: leave it
        }
        ProcessHandle postmaster = process.get();
        LOG.warn("stopping the PostgreSQL server (pid {}) that a crashed run left running on {}", pid, dir);
        postmaster.destroy(); // SIGTERM: smart shutdown; its clients died with the crashed JVM
        try {
            postmaster.onExit().get(ORPHAN_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogueException("interrupted while stopping the orphaned PostgreSQL server " + pid);
        } catch (Exception e) {
            throw new CatalogueException("the orphaned PostgreSQL server (pid " + pid + ") on " + dir
                    + " did not stop within " + ORPHAN_STOP_WAIT.toSeconds() + " s; stop it by hand");
        }
        deleteQuietly(pidFile); // a clean shutdown removes it; be sure
    }

    private static long readPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).strip());
        } catch (IOException | NumberFormatException e) {
            return -1; // unreadable or half-written: stale
        }
    }

    private static boolean isPostgres(String command) {
        String name = Path.of(command).getFileName().toString();
        return name.equals("postgres") || name.equals("postmaster");
    }

    private static Optional<Path> workingDirectory(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.normalize().equals(b.normalize());
        }
    }

    private static boolean heldByLiveProcess(Path lockFile) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this JVM
        } catch (IOException e) {
            return true; // cannot tell: be careful
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.toString());
        }
    }
}
