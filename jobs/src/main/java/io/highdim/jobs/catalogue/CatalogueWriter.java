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
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what a run did with each image to the catalogue with plain JDBC, for {@link Run#commit}, on one connection
 * kept from one call to the next (a new backend per transaction cost the server more CPU than a batch of small
 * images' rows: its start, the password exchange, its caches warmed again); after a failure the next call connects
 * anew (the database may have been restarted). Failures are thrown as {@link CatalogueException}. One thread at a
 * time.
 */
final class CatalogueWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogueWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule("highdim-catalogue").addSerializer(new OptionalAsValue()));

    private final CatalogueDatabase database;
    private Connection connection;

    CatalogueWriter(CatalogueDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /**
     * Writes what run {@code runId} did with these images in ONE transaction; on any failure nothing of this call
     * is kept (earlier rows stay as they were). Per image (see {@link ImageRowsWriter#add}): the images row is
     * upserted; a rejected image loses all its results; a processed one gets its computed parts replaced and keeps
     * the rest.
     * Running it twice with the same outcomes leaves one set of rows. The run's row must exist ({@link Run#open}).
     * {@code provenance} says with each image where its rows come from ({@code images.source},
     * {@code images.result_options}: what the next incremental run compares); null: nothing.
     *
     * @throws IllegalArgumentException (before touching the database) for a null or incomplete outcome, or an image
     *     id given twice
     */
    void replace(String runId, List<? extends ImageOutcome> outcomes, Function<ImageOutcome, Provenance> provenance) {
        requireId(runId, "runId");
        Objects.requireNonNull(outcomes, "outcomes");
        validate(outcomes);
        if (outcomes.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try {
            if (connection == null) {
                connection = database.connect();
                connection.setAutoCommit(false);
            }
            try (ImageRowsWriter rows = new ImageRowsWriter(connection, runId, provenance)) {
                for (ImageOutcome outcome : outcomes) {
                    rows.add(outcome); // a per-image commit would flush and commit here
                }
                rows.flush();
            }
            connection.commit();
        } catch (SQLException | RuntimeException | AssertionError e) {
            Throwable failure = e;
            if (e instanceof AssertionError && isClosed()) {
                // PgJDBC's batch code asserts that getAutoCommit cannot fail, which it does on a connection the
                // server closed (a shutdown, a restart): the connection broke, which a retry may get past
                failure = new SQLException("the connection to the catalogue broke: " + e.getMessage(), "08006", e);
            }
            drop(failure);
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error error) throw error;
            throw new CatalogueException("writing the results of run " + runId + " for " + outcomes.size()
                    + " image(s) failed; nothing was written", failure);
        }
        LOG.debug("catalogue: wrote results of run {} for {} image(s) in {} ms", runId, outcomes.size(),
                (System.nanoTime() - start) / 1_000_000);
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
                if (components.isPresent() && Arrays.stream(components.get()).mapToInt(c -> c.length).distinct()
                        .count() > 1) {
                    throw new IllegalArgumentException("image " + id + ": PCA components of different lengths");
                }
            }
        }
    }

    private static void requireId(String id, String what) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
    }

    private boolean isClosed() {
        try {
            return connection == null || connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** After a failure: the transaction rolled back, the connection closed (the next call opens another). */
    private void drop(Throwable cause) {
        if (connection == null) return;
        try (Connection c = connection) {
            connection = null;
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        if (connection == null) return;
        try (Connection c = connection) {
            connection = null;
        } catch (SQLException e) {
            LOG.debug("closing the catalogue writer's connection: {}", e.getMessage());
        }
    }

    static String toJson(Object value) {
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
