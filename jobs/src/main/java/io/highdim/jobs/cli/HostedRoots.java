package io.highdim.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * The folders a client of {@code serve --runs} may name: inputs under a read root ({@code --allow-read}), outputs
 * under a write root ({@code --allow-write}); both default to the server's working folder. Paths are compared as
 * real paths ({@code ..} and symlinks resolved); a path that does not exist yet is its nearest existing parent's real
 * path plus the rest. Only local files: a URI of another filesystem (s3a://, hdfs://) would be read or written with
 * the server's credentials, so it is refused. What a check finds outside is a one-line reason naming the roots.
 * The check is made when the run starts: a symlink swapped inside a root while the run reads is followed, so roots
 * should be folders only trusted users can write to.
 */
public record HostedRoots(List<Path> read, List<Path> write) {
    /** Hadoop's glob characters: a path's components from the first one holding any are a pattern. */
    private static final String GLOB = "*?[]{}\\";
    /** How deep below an output folder existing symlinks are looked for (output/image_id/kind). */
    private static final int OUTPUT_LINK_DEPTH = 2;

    public HostedRoots {
        read = List.copyOf(read);
        write = List.copyOf(write);
    }

    /**
     * The roots as real paths; an IllegalArgumentException naming the first that is not an existing folder.
     */
    public static HostedRoots of(List<Path> read, List<Path> write) {
        return new HostedRoots(real("--allow-read", read), real("--allow-write", write));
    }

    private static List<Path> real(String option, List<Path> roots) {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            try {
                if (!Files.isDirectory(root)) throw new IOException("not a folder");
                out.add(root.toRealPath());
            } catch (IOException e) {
                throw new IllegalArgumentException(option + " " + root + ": not a folder");
            }
        }
        return out;
    }

    /**
     * Why a run may not read {@code input} (a path, glob or URI as the command will take it), or empty. For a glob,
     * the folder before its first pattern component; the files it matches are checked once listed ({@link
     * #listedRefusal}).
     */
    Optional<String> readRefusal(String input, Configuration hadoop) {
        return refusal(input, hadoop, read, "read", "--allow-read", true);
    }

    /** Why a run may not read the listed file {@code uri} (a file's name, never a pattern), or empty. */
    Optional<String> listedRefusal(String uri, Configuration hadoop) {
        return refusal(uri, hadoop, read, "read", "--allow-read", false);
    }

    /** Why a run may not write under {@code output} (a path or URI), or empty; symlinks already below it included. */
    Optional<String> writeRefusal(String output, Configuration hadoop) {
        Optional<String> refused = refusal(output, hadoop, write, "write", "--allow-write", false);
        if (refused.isPresent()) return refused;
        Path folder = localPath(output, hadoop);
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        try (Stream<Path> below = Files.walk(folder, OUTPUT_LINK_DEPTH)) {
            for (Path p : (Iterable<Path>) below::iterator) {
                if (Files.isSymbolicLink(p) && !within(resolved(p), write)) {
                    return Optional.of(output + ": " + p + " is a symlink out of the folders this server writes ("
                            + roots(write) + ")");
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.of(output + ": cannot be checked (" + e.getMessage() + ")");
        }
        return Optional.empty();
    }

    private Optional<String> refusal(String named, Configuration hadoop, List<Path> roots, String verb, String option,
                                     boolean glob) {
        Path local = localPath(named, hadoop);
        if (local == null) {
            return Optional.of(named + ": a server " + verb + "s local files only, in " + roots(roots) + " (serve "
                    + option + "; other filesystems would be used with the server's credentials)");
        }
        Path fixed = glob ? beforePattern(local) : local;
        Path real;
        try {
            real = resolved(fixed);
        } catch (IOException e) {
            return Optional.of(named + ": cannot resolve " + fixed + " (" + e.getMessage() + ")");
        }
        if (within(real, roots)) return Optional.empty();
        return Optional.of(named + ": outside the folders this server may " + verb + " (" + roots(roots)
                + "; serve " + option + ")");
    }

    /** The local path {@code pathOrUri} names, as Hadoop will access it; null for another filesystem. */
    private static Path localPath(String pathOrUri, Configuration hadoop) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(pathOrUri);
        java.net.URI uri = path.toUri();
        String scheme = uri.getScheme() != null ? uri.getScheme() : FileSystem.getDefaultUri(hadoop).getScheme();
        boolean local = "file".equals(scheme) && (uri.getAuthority() == null || uri.getAuthority().isEmpty());
        return local ? Paths.get(uri.getPath()).toAbsolutePath().normalize() : null;
    }

    /** The components before the first one holding a glob character. */
    private static Path beforePattern(Path path) {
        Path fixed = path.getRoot();
        for (Path component : path) {
            if (component.toString().chars().anyMatch(c -> GLOB.indexOf(c) >= 0)) break;
            fixed = fixed.resolve(component);
        }
        return fixed;
    }

    /**
     * The real path of {@code path}, or of its nearest existing parent with the rest appended. A dangling symlink
     * exists (as a link) but has no real path: an IOException, so it is refused, never followed later.
     */
    static Path resolved(Path path) throws IOException {
        Path existing = path;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing == null) return path;
        return existing.toRealPath().resolve(existing.relativize(path)).normalize();
    }

    private static boolean within(Path real, List<Path> roots) {
        return roots.stream().anyMatch(real::startsWith);
    }

    private static String roots(List<Path> roots) {
        return String.join(", ", roots.stream().map(Path::toString).toList());
    }
}
