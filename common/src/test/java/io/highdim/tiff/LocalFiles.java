package io.highdim.tiff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;

/** Where the shared test corpus lives, and opening local files through the Hadoop path the jobs use. */
public final class LocalFiles {
    private LocalFiles() {}

    /** ../shared beside the repository (set by the build as highdim.sharedDir). */
    public static Path sharedDir() {
        String dir = System.getProperty("highdim.sharedDir");
        Path p = dir != null ? Paths.get(dir) : Paths.get("..", "..", "shared");
        if (!Files.isDirectory(p)) p = Paths.get("..", "shared");
        return p.toAbsolutePath().normalize();
    }

    public static Path externalTiffDir() {
        Path p = sharedDir().resolve("external-tiff");
        if (!Files.isDirectory(p)) throw new IllegalStateException("shared corpus not found at " + p);
        return p;
    }

    public static RangeReader open(Path file) throws IOException {
        return HadoopRangeReader.open(file.toUri().toString(), new Configuration());
    }
}
