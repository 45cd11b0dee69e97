package io.highdim.jobs.catalogue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.highdim.model.ImageOutcome;
import io.highdim.model.PcaResult;
import io.highdim.model.Provenance;
import io.highdim.model.RunStatus;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes runs and what they did with each image to the catalogue with plain JDBC. Each call opens its own
 * connection. Failures are thrown as {@link CatalogueException}.
 */
public final class CatalogueWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogueWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule("highdim-catalogue").addSerializer(new OptionalAsValue()));

    private final CatalogueDatabase database;

    public CatalogueWriter(CatalogueDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** A new run's id: what ran, when (no colons: ids appear in file names and URLs) and 8 random hex digits. */
    public static String newRunId(String kind, Instant startedAt) {
        return kind + "-" + startedAt.toString().replace(":", "") + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Records that a run started (status "running", started_at now). Starting a run id again resets it (status,
     * start time, command, inputs and options; finished_at cleared). {@code options} is any value Jackson can
     * serialise (a record of the validated options, a map, ...), stored as jsonb; an {@code Optional} is written as
     * its value or null; null options are stored as {@code {}}.
     *
     * @throws IllegalArgumentException (before touching the database) if the options cannot be rendered as JSON
     */
    public void startRun(String runId, String command, List<String> inputs, Object options) {
        startRun(runId, command, inputs, options, null);
    }

    /**
     * As {@link #startRun(String, String, List, Object)}, with the time the run really started ({@code null}: now),
     * for a run whose database came up after its work began.
     */
    public void startRun(String runId, String command, List<String> inputs, Object options, Instant startedAt) {
        requireId(runId, "runId");
        String inputsJson = toJson(inputs == null ? List.of() : inputs);
        String optionsJson = options == null ? "{}" : toJson(options);
        String sql = "insert into runs (run_id, started_at, finished_at, status, command, inputs, options) "
                + "values (?, coalesce(?, now()), null, ?, ?, cast(? as jsonb), cast(? as jsonb)) "
                + "on conflict (run_id) do update set started_at = excluded.started_at, finished_at = null, "
                + "status = excluded.status, reason = null, command = excluded.command, inputs = excluded.inputs, "
                + "options = excluded.options";
        try (Connection connection = database.connect(); PreparedStatement insert = connection.prepareStatement(sql)) {
            new StatementParameters(insert).text(runId).timestamp(startedAt).text(RunStatus.RUNNING.label()).text(command)
                    .text(inputsJson).text(optionsJson);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new CatalogueException("recording the start of run " + runId + " failed", e);
        }
    }

    /**
     * Records that a run ended: its status and finished_at now.
     *
     * @throws IllegalArgumentException for {@link RunStatus#RUNNING}, which is no end
     * @throws CatalogueException if the run was never started
     */
    public void finishRun(String runId, RunStatus status) {
        finishRun(runId, status, null);
    }

    /** As {@link #finishRun(String, RunStatus)}, with why it failed in one line ({@code runs.reason}; null: none). */
    public void finishRun(String runId, RunStatus status, String reason) {
        requireId(runId, "runId");
        Objects.requireNonNull(status, "status");
        if (status == RunStatus.RUNNING) {
            throw new IllegalArgumentException("run " + runId + " cannot finish as " + status.label());
        }
        try (Connection connection = database.connect();
             PreparedStatement update = connection.prepareStatement(
                     "update runs set finished_at = now(), status = ?, reason = ? where run_id = ?")) {
            new StatementParameters(update).text(status.label()).text(reason).text(runId);
            if (update.executeUpdate() == 0) {
                throw new CatalogueException("no run " + runId + " to finish (startRun was not called)");
            }
        } catch (SQLException e) {
            throw new CatalogueException("recording the end of run " + runId + " failed", e);
        }
    }

    /**
     * Writes what run {@code runId} did with these images in ONE transaction; on any failure nothing of this call
     * is kept (earlier rows stay as they were). Per image (see {@link ImageRowsWriter#add}): the images row is
     * upserted; a rejected image loses all its results; a processed one gets its computed parts replaced and keeps
     * the rest.
     * Running it twice with the same outcomes leaves one set of rows. The run row is created (status "running") if
     * {@link #startRun} was not called.
     *
     * @throws IllegalArgumentException (before touching the database) for a null or incomplete outcome, or an image
     *     id given twice
     */
    public void replace(String runId, List<? extends ImageOutcome> outcomes) {
        replace(runId, outcomes, null);
    }

    /**
     * As {@link #replace(String, List)}, recording with each image where its rows come from ({@code images.source},
     * {@code images.result_options}: what the next incremental run compares); {@code provenance} null: nothing.
     */
    public void replace(String runId, List<? extends ImageOutcome> outcomes,
                        Function<ImageOutcome, Provenance> provenance) {
        requireId(runId, "runId");
        Objects.requireNonNull(outcomes, "outcomes");
        validate(outcomes);
        if (outcomes.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try {
                ensureRun(connection, runId);
                try (ImageRowsWriter rows = new ImageRowsWriter(connection, runId, provenance)) {
                    for (ImageOutcome outcome : outcomes) {
                        rows.add(outcome); // a per-image commit would flush and commit here
                    }
                    rows.flush();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new CatalogueException("writing the results of run " + runId + " for " + outcomes.size()
                    + " image(s) failed; nothing was written", e);
        }
        LOG.debug("catalogue: wrote results of run {} for {} image(s) in {} ms", runId, outcomes.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Records what a run did (counts, pixel bytes read, seconds per stage) on its runs row. */
    public void recordSummary(String runId, RunSummary summary) {
        requireId(runId, "runId");
        try (Connection connection = database.connect(); PreparedStatement update = connection.prepareStatement(
                "update runs set ok_count = ?, rejected_count = ?, unchanged_count = ?, skipped_count = ?, "
                        + "failed_count = ?, bytes_read = ?, stages = cast(? as jsonb) where run_id = ?")) {
            new StatementParameters(update).integer(summary.ok()).integer(summary.rejected())
                    .integer(summary.unchanged()).integer(summary.skipped()).integer(summary.failed())
                    .bigint(summary.bytesRead()).text(toJson(summary.stageSeconds())).text(runId);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new CatalogueException("recording the counts of run " + runId + " failed", e);
        }
    }

    private static void ensureRun(Connection connection, String runId) throws SQLException {
        try (PreparedStatement run = connection.prepareStatement(
                "insert into runs (run_id) values (?) on conflict (run_id) do nothing")) {
            run.setString(1, runId);
            run.executeUpdate();
        }
    }

    private static void validate(List<? extends ImageOutcome> outcomes) {
        Set<String> seen = new HashSet<>();
        for (ImageOutcome outcome : outcomes) {
            if (outcome == null || outcome.image() == null) {
                throw new IllegalArgumentException("an outcome without an image");
            }
            String id = outcome.imageId();
            requireId(id, "imageId");
            if (!seen.add(id)) {
                throw new IllegalArgumentException("image " + id + " is given more than once");
            }
            if (outcome.image().uri() == null) {
                throw new IllegalArgumentException("image " + id + " has no uri");
            }
            if (outcome instanceof ImageOutcome.Rejected rejected) {
                if (rejected.rejection() == null || rejected.geometry() == null) {
                    throw new IllegalArgumentException("rejected image " + id + " without a rejection or geometry");
                }
            } else if (outcome instanceof ImageOutcome.Processed processed) {
                if (processed.geometry() == null || processed.results() == null) {
                    throw new IllegalArgumentException("processed image " + id + " without geometry or results");
                }
                Optional<double[][]> components = processed.results().pca().map(PcaResult::components);
                if (components.isPresent() && Arrays.asList(components.get()).contains(null)) {
                    throw new IllegalArgumentException("image " + id + ": a PCA component is null");
                }
            }
        }
    }

    private static void requireId(String id, String what) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot render as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** An Optional (of the run's options) as its value or null, without jackson-datatype-jdk8 on the classpath. */
    @SuppressWarnings("rawtypes")
    private static final class OptionalAsValue extends StdSerializer<Optional> {
        private static final long serialVersionUID = 1L;

        OptionalAsValue() {
            super(Optional.class);
        }

        @Override
        public void serialize(Optional value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            if (value.isPresent()) {
                provider.defaultSerializeValue(value.get(), generator);
            } else {
                generator.writeNull();
            }
        }
    }
}
