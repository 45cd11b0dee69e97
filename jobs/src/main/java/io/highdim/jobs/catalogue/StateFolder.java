package io.highdim.jobs.catalogue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder holding the embedded catalogue (its data, its password, its lock), opened by one process at a time: an
 * exclusive lock on {@value #LOCK_FILE}, which holds the pid of the process that has it. Only its owner may enter the
 * folder (mode 0700). Whatever is done to the data directory (crash recovery, initdb, migration, start) is done while
 * holding the lock, so two processes never both start or clean up the same server.
 */
final class StateFolder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateFolder.class);
    static final String LOCK_FILE = "catalogue.lock";
    /** What marks a folder as a highdim state folder (that we may make private): any of these in it. */
    private static final Set<String> OURS = Set.of("postgres", LOCK_FILE, EmbeddedCatalogueSetup.PASSWORD_FILE,
            "reruns");
    /**
     * The folders this JVM holds. Checked before the lock file is opened: closing a second channel on it would
     * release this process's lock (POSIX locks belong to the process, not to the channel).
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StateFolder(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} if missing (mode 0700) and takes its lock.
     *
     * @throws CatalogueInUseException if another process (or this one) holds it; the message names its pid
     */
    static StateFolder open(Path dir) {
        Path folder = dir.toAbsolutePath().normalize();
        if (!HELD.add(folder)) {
            throw inUse(folder, Long.toString(ProcessHandle.current().pid()));
        }
        FileChannel channel = null;
        try {
            makePrivate(folder);
            channel = FileChannel.open(folder.resolve(LOCK_FILE), Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = holderPid(channel);
                channel.close();
                HELD.remove(folder);
                throw inUse(folder, holder);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new StateFolder(folder, channel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            HELD.remove(folder);
            if (e instanceof CatalogueException c) {
                throw c;
            }
            throw new CatalogueException("cannot open the state folder " + folder + ": " + e, e);
        }
    }

    private static CatalogueInUseException inUse(Path folder, String holderPid) {
        return new CatalogueInUseException("the embedded catalogue in " + folder + " is in use by process " + holderPid
                + " (a running `serve` or another run; send pipeline commands to a `serve` with HIGHDIM_SERVER, or "
                + "wait for that process to end)", null);
    }

    Path dir() {
        return dir;
    }

    /** Releases the lock (the file stays: removing it would let two processes lock two different files). */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            LOG.warn("releasing the lock on {} failed: {}", dir.resolve(LOCK_FILE), e.toString());
        }
        closeQuietly(channel);
        HELD.remove(dir);
    }

    /**
     * The pid the holder wrote. It writes it just after taking the lock: a loser that comes in between reads an empty
     * file, so it looks again for a moment.
     */
    private static String holderPid(FileChannel channel) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            int n = channel.read(buffer, 0);
            String text = n <= 0 ? "" : new String(buffer.array(), 0, n, StandardCharsets.US_ASCII).strip();
            if (text.matches("\\d+")) {
                return text;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return "(unknown pid)";
    }

    /**
     * A new folder is made 0700. An existing one that is ours (owned by this user, empty or holding our data) is made
     * 0700 too: earlier versions created it with the default mode. Anything else (e.g. a shared folder such as /tmp
     * given as --state-dir) is left as it is; the files we put in it are 0600 and the data directory 0700 anyway.
     */
    private static void makePrivate(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder.getParent());
            try {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
                return;
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // created by a concurrent start: treated like any existing folder
            }
        }
        int mode = (Integer) Files.getAttribute(folder, "unix:mode");
        boolean ownedByUs = (Integer) Files.getAttribute(folder, "unix:uid") == PostgresBinaries.currentUid();
        boolean sticky = (mode & 01000) != 0;
        if ((mode & 077) == 0 || !ownedByUs || sticky) {
            return;
        }
        boolean ours;
        try (var entries = Files.list(folder)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).toList();
            ours = names.isEmpty() || names.stream().anyMatch(OURS::contains);
        }
        if (ours) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
            LOG.info("made the state folder {} private (mode 0700)", folder);
        } else {
            LOG.warn("the state folder {} holds other files and is open to other users (mode {}): left as it is",
                    folder, Integer.toOctalString(mode & 0777));
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
