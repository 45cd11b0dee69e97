package io.highdim.jobs.input;

import io.highdim.model.RejectReason;
import io.highdim.model.Rejection;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the local filesystem says of a listed entry, asked with {@code stat}/{@code lstat} and never by opening it.
 * Hadoop's local filesystem calls anything that is not a directory a file (a FIFO too, which then blocks the first
 * read until a writer comes), and its folder listing drops entries it cannot stat (dangling symbolic links, loops).
 */
public final class LocalEntries {
    /** A TIFF-named entry of a folder: a regular file's length and time, or (problem set) why it cannot be read. */
    record Entry(String name, long bytes, long modified, Rejection problem) {}

    // st_mode's file type bits (POSIX), as the JDK's "unix:mode" attribute gives them
    private static final int S_IFMT = 0170000, S_IFIFO = 0010000, S_IFCHR = 0020000, S_IFDIR = 0040000,
            S_IFBLK = 0060000, S_IFSOCK = 0140000;

    private static final String ELOOP = "Too many levels of symbolic links";

    private LocalEntries() {}

    /**
     * Empty if {@code path} (its links followed) is a regular file; else why it is not one. A path that vanished
     * meanwhile is left to the reader, which says so.
     */
    static Optional<Rejection> notARegularFile(Path path) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return Optional.empty();
        }
        return a.isRegularFile() ? Optional.empty() : Optional.of(notARegularFile(path, a));
    }

    private static Rejection notARegularFile(Path path, BasicFileAttributes a) {
        return new Rejection(RejectReason.NOT_A_FILE, a.isDirectory() ? path + " is a directory, not a file"
                : path + " is " + kind(path, a) + ", not a regular file");
    }

    /**
     * The entries of local folder {@code dir} with a TIFF name, each stat'ed once (links followed): a regular file
     * with its length and time, or why it cannot be read — a folder, FIFO, socket or device ({@code NOT_A_FILE}),
     * a dangling symbolic link or a loop ({@code NOT_FOUND}, naming the link and its target). An entry gone since
     * the folder was read is left out.
     */
    static List<Entry> tiffEntries(Path dir) throws IOException {
        List<Path> named = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) if (InputListing.isTiffName(entry.getFileName().toString())) named.add(entry);
        }
        // stat'ed on every core: a stat is a system call of microseconds, and an archive folder has 100 000 entries
        return named.parallelStream().map(LocalEntries::entry).filter(java.util.Objects::nonNull).toList();
    }

    /** A TIFF-named entry as it is now; null if it is gone since the folder was read. */
    private static Entry entry(Path entry) {
        String name = entry.getFileName().toString();
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(entry, BasicFileAttributes.class);
        } catch (IOException e) {
            return problem(entry).map(p -> new Entry(name, 0, 0, p)).orElse(null);
        }
        return a.isRegularFile() ? new Entry(name, a.size(), a.lastModifiedTime().toMillis(), null)
                : new Entry(name, 0, 0, notARegularFile(entry, a));
    }

    private static Optional<Rejection> problem(Path entry) {
        BasicFileAttributes own;
        try {
            own = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return Optional.empty(); // gone since the folder was read
        }
        if (!own.isSymbolicLink()) {
            Optional<Rejection> other = notARegularFile(entry);
            return other.isPresent() ? other : Optional.of(new Rejection(RejectReason.NOT_FOUND,
                    entry + " cannot be read as a file"));
        }
        String target = target(entry);
        try {
            Files.readAttributes(entry, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Optional.of(new Rejection(RejectReason.NOT_FOUND,
                    entry + " is a symbolic link to " + target + ", which does not exist"));
        } catch (FileSystemException e) {
            // ELOOP: the JDK adds "or unable to access attributes of symbolic link" to the system's words
            String why = e.getReason() == null ? e.toString()
                    : e.getReason().startsWith(ELOOP) ? "it loops: " + ELOOP.toLowerCase(java.util.Locale.ROOT)
                    : e.getReason();
            return Optional.of(new Rejection(RejectReason.NOT_FOUND, entry + " is a symbolic link to " + target
                    + " that cannot be followed (" + why + ")"));
        } catch (IOException e) {
            return Optional.of(new Rejection(RejectReason.NOT_FOUND, entry + " is a symbolic link to " + target
                    + " that cannot be followed (" + e + ")"));
        }
        return notARegularFile(entry); // resolves now: a file appeared since the folder was read, or not a file
    }

    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "(unreadable target)";
        }
    }

    private static String kind(Path path, BasicFileAttributes a) {
        if (a.isDirectory()) return "a directory";
        try {
            int type = ((Integer) Files.getAttribute(path, "unix:mode")) & S_IFMT;
            switch (type) {
                case S_IFIFO: return "a FIFO (named pipe)";
                case S_IFSOCK: return "a socket";
                case S_IFCHR: return "a character device";
                case S_IFBLK: return "a block device";
                case S_IFDIR: return "a directory";
                default: break;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            // no POSIX mode here: say no more than that it is not a regular file
        }
        return "a special file";
    }
}
