package io.highdim.jobs.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * A file under {@code --output} (or {@code --scores}) could not be written: a disk full, a folder we may not write,
 * a read-only mount. Not the user's input (no image is rejected for it) and not a bug of ours: the output store is
 * broken, so every image after it would fail the same way, and the run fails (exit 1) with this one line; the images
 * committed before it stay. Its message names the file and the system's reason, e.g.
 * {@code cannot write /data/out/img/slices/z0_t0_c0.png: No space left on device}.
 */
public final class OutputWriteException extends UncheckedIOException {
    private final String path;

    public OutputWriteException(String uri, IOException cause) {
        super("cannot write " + shown(uri) + ": " + reason(cause), cause);
        this.path = shown(uri);
    }

    /** The file, as a local path when it is one, else its URI. */
    public String path() { return path; }

    /** A {@code file:} URI as the path a user typed; other URIs as they are. */
    static String shown(String uri) {
        try {
            URI u = URI.create(uri);
            if ("file".equals(u.getScheme()) && u.getPath() != null) return u.getPath();
        } catch (IllegalArgumentException e) {
            // not a URI: shown as it is
        }
        return uri;
    }

    /** The system's words for why (strerror), without the path java.nio puts in front of them. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException a && a.getReason() == null) return "Permission denied";
        if (e instanceof NoSuchFileException n && n.getReason() == null) return "No such file or directory";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }
}
