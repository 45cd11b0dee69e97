package io.highdim.jobs.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The service's bearer token, kept in a file only its owner can read (0600): {@code serve} generates one into its
 * state folder at each start ({@value #FILE_NAME}) unless given {@code --token-file}; the launcher's client reads it
 * from there or from {@code HIGHDIM_TOKEN}. The value is never printed or logged, only the file's path. JDK only:
 * {@link RunClient} runs with the jobs jar alone on its class path.
 */
public final class ServiceToken {
    /** The generated token's name in the state folder. */
    public static final String FILE_NAME = "serve-token";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private ServiceToken() {}

    /** The token file under {@code stateDir}. */
    public static Path defaultFile(Path stateDir) {
        return stateDir.resolve(FILE_NAME);
    }

    /**
     * A new random token (256 bits) written to {@code file}, readable by its owner only from the moment it exists
     * (created 0600 under a temporary name, then renamed over any older token). Returns the token.
     */
    public static String generate(Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        Path temp = Files.createTempFile(dir, ".serve-token-", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return token;
    }

    /**
     * The token held in {@code file} (its first line, trimmed). Refused (IllegalArgumentException, with the
     * reason in one line) when the file is missing, empty, or readable or writable by others than its owner: a
     * token others can read protects nothing.
     */
    public static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("token file " + file + ": not a file");
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(mode)) {
            throw new IllegalArgumentException("token file " + file + " is readable or writable by others (mode "
                    + PosixFilePermissions.toString(mode) + "): chmod 600 it");
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
        if (token.isEmpty()) throw new IllegalArgumentException("token file " + file + " is empty");
        return token;
    }
}
