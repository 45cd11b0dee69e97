package io.highdim.jobs.catalogue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL programs (initdb, postgres, pg_ctl) of the zonky binaries jar on the classpath, unpacked once per
 * user into a cache folder only that user can write ({@code $XDG_CACHE_HOME/highdim} or {@code ~/.cache/highdim}).
 * Not zonky's shared {@code /tmp/embedded-pg}: another local user could plant programs there that we would run.
 */
final class PostgresBinaries {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    /** Unpacked (or found) once per JVM: reading and hashing the 10 MB bundle takes a while. */
    private static PostgresBinaries cached;

    private final Path home;
    private final boolean asRoot;

    private PostgresBinaries(Path home, boolean asRoot) {
        this.home = home;
        this.asRoot = asRoot;
    }

    /** The unpacked binaries, unpacking them first if this user has not yet. */
    static synchronized PostgresBinaries unpacked() {
        if (cached != null && Files.isRegularFile(cached.home.resolve("bin/postgres"))) {
            return cached;
        }
        String bundle = "postgres-" + System.getProperty("os.name").toLowerCase(Locale.ROOT) + "-"
                + ("amd64".equals(System.getProperty("os.arch")) ? "x86_64" : System.getProperty("os.arch")) + ".txz";
        try {
            Path cache = privateCacheFolder();
            byte[] archive = readBundle(bundle);
            Path home = cache.resolve("postgres-" + sha256(archive).substring(0, 16));
            if (!Files.isRegularFile(home.resolve("bin/postgres"))) {
                unpack(archive, cache, home);
            }
            cached = new PostgresBinaries(home, isRoot());
            return cached;
        } catch (IOException e) {
            throw new CatalogueException("cannot unpack the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * The command line running one of the programs. PostgreSQL refuses to run as root: as root (containers, CI) it
     * runs in a user namespace of its own ({@code unshare -U}), where it is not root, as zonky does.
     */
    List<String> command(String program, String... args) {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.add("unshare");
            command.add("-U");
        }
        command.add(home.resolve("bin").resolve(program).toString());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * {@code $XDG_CACHE_HOME/highdim} or {@code ~/.cache/highdim}; for a user without a writable home (e.g. a service
     * account), {@code <java.io.tmpdir>/highdim-<uid>}, which must then be this user's own.
     */
    private static Path privateCacheFolder() throws IOException {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        try {
            return privateFolder(base, "highdim");
        } catch (IOException e) {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            LOG.info("no cache folder under {} ({}): using {}", base, e.toString(), tmp);
            return privateFolder(tmp, "highdim-" + currentUid());
        }
    }

    private static Path privateFolder(Path base, String name) throws IOException {
        Path cache = base.resolve(name);
        if (!Files.isDirectory(cache, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(base);
            try {
                Files.createDirectory(cache, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException raced) {
                // another process made it: checked below like any existing folder
            }
        }
        int owner = (Integer) Files.getAttribute(cache, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(cache);
        if (!Files.isDirectory(cache, java.nio.file.LinkOption.NOFOLLOW_LINKS) || owner != currentUid()
                || permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new AccessDeniedException(cache + " is not a folder only this user can write (its programs would "
                    + "run as this user); remove it or make it yours with mode 0700");
        }
        return cache;
    }

    private static byte[] readBundle(String name) throws IOException {
        try (InputStream in = PostgresBinaries.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no embedded PostgreSQL binaries for this system on the classpath (" + name
                        + "); use an external catalogue with --jdbc-url");
            }
            return in.readAllBytes();
        }
    }

    /** Unpacks into a fresh sibling folder, then renames it into place: a crash or a concurrent unpack leaves no half. */
    private static void unpack(byte[] archive, Path cache, Path home) throws IOException {
        long start = System.nanoTime();
        Path partial = Files.createTempDirectory(cache, "unpacking-");
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(
                new BufferedInputStream(new java.io.ByteArrayInputStream(archive))))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextTarEntry()) != null) {
                Path target = partial.resolve(entry.getName()).normalize();
                if (!target.startsWith(partial)) {
                    throw new IOException("unexpected entry in the PostgreSQL bundle: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink() || entry.isLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                    if ((entry.getMode() & 0100) != 0 || entry.getName().replaceFirst("^\\./", "").startsWith("bin/")) {
                        target.toFile().setExecutable(true, true);
                    }
                }
            }
            Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("unpacked the embedded PostgreSQL into {} in {} ms", home, (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            if (!Files.isRegularFile(home.resolve("bin/postgres"))) {
                throw e;
            } // else another process unpacked the same bundle at the same time: use theirs
        } finally {
            deleteTree(partial);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isRoot() {
        return currentUid() == 0;
    }

    /** This process's user id: /proc/self belongs to it. */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new CatalogueException("cannot tell this process's user id (/proc/self): " + e, e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", root, e.toString());
        }
    }
}
