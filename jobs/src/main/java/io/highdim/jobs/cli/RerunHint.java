package io.highdim.jobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.jobs.catalogue.CatalogueDatabase;
import io.highdim.jobs.spec.PassSpec;
import io.highdim.jobs.spec.ResultOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * Whether the same command (subcommand, inputs; with the embedded catalogue also the result-shaping options) ran to
 * its end before on this catalogue. A nightly rerun over an archive is then planned before Spark is started, and one
 * that finds nothing new never starts it: Spark's start shares the cores with the plan (2 of the 4 s such a rerun
 * took over 1000 files). Only when Spark starts depends on it, never what the run does: a wrong hint costs seconds.
 * An external catalogue is asked ({@code runs}); the embedded one is not up yet when Spark must start, so a marker
 * file under {@code --state-dir} says it.
 */
final class RerunHint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RerunHint() {}

    static boolean ranBefore(PassSpec spec, CatalogueOptions catalogue, CatalogueDatabase external) {
        if (external == null) return Files.isRegularFile(marker(spec, catalogue));
        try (Connection c = external.connect(); PreparedStatement q = c.prepareStatement("select exists (select 1 "
                + "from runs where command = ? and inputs = cast(? as jsonb) and status = 'succeeded')")) {
            q.setString(1, spec.command());
            q.setString(2, JSON.writeValueAsString(spec.inputs()));
            try (ResultSet r = q.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        } catch (SQLException | JsonProcessingException | RuntimeException e) {
            return false;
        }
    }

    /** Marks the command as run to its end, for the embedded catalogue (the external one has its runs row). */
    static void record(PassSpec spec, CatalogueOptions catalogue) {
        if (catalogue.isExternal()) return;
        Path file = marker(spec, catalogue);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "");
        } catch (IOException | SecurityException e) {
            // only when Spark starts depends on it
        }
    }

    private static Path marker(PassSpec spec, CatalogueOptions catalogue) {
        String key = spec.command() + "\n" + spec.inputs() + "\n" + ResultOptions.of(spec);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return catalogue.stateDir.resolve("reruns").resolve(HexFormat.of().formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
