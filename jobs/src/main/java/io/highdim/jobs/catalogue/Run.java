package io.highdim.jobs.catalogue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.highdim.model.ImageOutcome;
import io.highdim.model.Provenance;
import io.highdim.model.RunStatus;
import io.highdim.model.SourceFingerprint;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run in the catalogue, from open to finish: the only writer of its {@code runs} row. Opening it takes an
 * advisory lock on its id on a connection of its own (the lease: PostgreSQL frees it when the process dies, however it
 * dies), records the run, and marks runs whose lease is free but which are still "running" as failed. The run then
 * reads what the catalogue holds for its files, claims the ones it will read (so a concurrent run leaves them alone)
 * and reads what the catalogue holds for those again, commits images against itself ({@link #commit}, one transaction each call) and is finished with its status, reason
 * and summary in one statement ({@link #finish}). {@link #close()} gives the claims and the lease back.
 */
public final class Run implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Run.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectReader MAP_READER = JSON.readerFor(new TypeReference<Map<String, Object>>() {});

    /** One stored image of a file, as an incremental run compares it. {@code source} null: never reused. */
    public record StoredImage(String imageId, String uri, int series, int imageCount, String status,
                              SourceFingerprint source, Map<String, Object> options) {}

    /** The reason a run swept as dead gets: its process ended without closing it. */
    static final String DIED = "its process ended without closing the run (killed, or its machine stopped)";

    private final CatalogueDatabase database;
    private final Connection lease;
    private final String runId;
    /** The images' rows, on a connection of its own kept between commits. */
    private final CatalogueWriter writer;

    private Run(CatalogueDatabase database, Connection lease, String runId) {
        this.database = database;
        this.writer = new CatalogueWriter(database);
        this.lease = lease;
        this.runId = runId;
    }

    /** A new run's id: what ran, when (no colons: ids appear in file names and URLs) and 8 random hex digits. */
    public static String newId(String kind, Instant startedAt) {
        return kind + "-" + startedAt.toString().replace(":", "") + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Takes the lease of run {@code runId}, then records the run as running (so no other run ever sees it running
     * without its lease; opening a run id again resets its row), and marks dead runs failed. {@code options} is any
     * value Jackson can serialise (the validated options), stored as jsonb ({@code null}: {@code {}});
     * {@code startedAt} null: now.
     *
     * @throws IllegalArgumentException (before touching the database) if the options cannot be rendered as JSON
     */
    public static Run open(CatalogueDatabase database, String runId, String command, List<String> inputs,
                           Object options, Instant startedAt) {
        if (runId == null || runId.isBlank()) throw new IllegalArgumentException("runId is missing");
        String inputsJson = CatalogueWriter.toJson(inputs == null ? List.of() : inputs);
        String optionsJson = options == null ? "{}" : CatalogueWriter.toJson(options);
        Connection c = database.connect();
        try {
            try (PreparedStatement lock = c.prepareStatement("select pg_advisory_lock(hashtextextended(?, 0))")) {
                lock.setString(1, runId);
                lock.execute();
            }
            try (PreparedStatement run = c.prepareStatement("insert into runs (run_id, started_at, finished_at, "
                    + "status, command, inputs, options) values (?, coalesce(?, now()), null, ?, ?, cast(? as jsonb), "
                    + "cast(? as jsonb)) on conflict (run_id) do update set started_at = excluded.started_at, "
                    + "finished_at = null, status = excluded.status, reason = null, command = excluded.command, "
                    + "inputs = excluded.inputs, options = excluded.options")) {
                new StatementParameters(run).text(runId).timestamp(startedAt).text(RunStatus.RUNNING.label())
                        .text(command).text(inputsJson).text(optionsJson);
                run.executeUpdate();
            }
            Run opened = new Run(database, c, runId);
            opened.sweepDeadRuns();
            return opened;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c, e);
            throw new CatalogueException("cannot register run " + runId + " in the catalogue", e);
        }
    }

    public String id() {
        return runId;
    }

    /** Runs still "running" whose process is gone (their lease is free): failed, their claims dropped. */
    List<String> sweepDeadRuns() throws SQLException {
        List<String> dead = new ArrayList<>();
        // the lock is tried in a statement of its own: if it is free, the run's process has died
        try (PreparedStatement running = lease.prepareStatement(
                "select run_id from runs where status = 'running' and run_id <> ?")) {
            running.setString(1, runId);
            try (ResultSet rows = running.executeQuery()) {
                while (rows.next()) dead.add(rows.getString(1));
            }
        }
        List<String> swept = new ArrayList<>();
        for (String other : dead) {
            try (PreparedStatement probe = lease.prepareStatement(
                    "select pg_try_advisory_lock(hashtextextended(?, 0))")) {
                probe.setString(1, other);
                try (ResultSet r = probe.executeQuery()) {
                    if (!r.next() || !r.getBoolean(1)) continue; // alive
                }
            }
            try (PreparedStatement fail = lease.prepareStatement(
                    "update runs set status = 'failed', finished_at = coalesce(finished_at, now()), "
                            + "reason = coalesce(reason, ?) where run_id = ? and status = 'running'");
                 PreparedStatement unlock = lease.prepareStatement(
                         "select pg_advisory_unlock(hashtextextended(?, 0))")) {
                fail.setString(1, DIED);
                fail.setString(2, other);
                fail.executeUpdate();
                unlock.setString(1, other);
                unlock.execute();
            }
            swept.add(other);
        }
        try (PreparedStatement orphans = lease.prepareStatement("delete from image_claims c using runs r "
                + "where c.run_id = r.run_id and r.status <> 'running'")) {
            orphans.executeUpdate();
        }
        if (!swept.isEmpty()) {
            LOG.warn("runs {} were still marked running but their processes are gone: marked failed", swept);
        }
        return swept;
    }

    /**
     * Claims {@code uris} for this run. Returns the uris another live run holds, with that run's id: this run must
     * leave them alone.
     */
    public Map<String, String> claim(Collection<String> uris) {
        // one order for every run, so two runs claiming overlapping sets never wait on each other in a cycle
        List<String> sorted = new ArrayList<>(new TreeSet<>(uris));
        try {
            Array array = lease.createArrayOf("text", sorted.toArray());
            try (PreparedStatement claim = lease.prepareStatement("insert into image_claims (uri, run_id) "
                    + "select u, ? from unnest(?::text[]) u on conflict (uri) do nothing")) {
                claim.setString(1, runId);
                claim.setArray(2, array);
                claim.executeUpdate();
            }
            return claims(lease, sorted, runId);
        } catch (SQLException e) {
            throw new CatalogueException("claiming the inputs of run " + runId + " failed", e);
        }
    }

    /** The uris of {@code uris} that other live runs hold, with their ids; claims none. */
    public Map<String, String> heldByOthers(Collection<String> uris) {
        try {
            return claims(lease, uris, runId);
        } catch (SQLException e) {
            throw new CatalogueException("reading the catalogue's claims failed", e);
        }
    }

    /** The uris of {@code uris} that live runs hold, with their ids (for a dry run, which claims nothing). */
    public static Map<String, String> claims(CatalogueDatabase database, Collection<String> uris) {
        try (Connection c = database.connect()) {
            return claims(c, uris, "");
        } catch (SQLException e) {
            throw new CatalogueException("reading the catalogue's claims failed", e);
        }
    }

    private static Map<String, String> claims(Connection c, Collection<String> uris, String except)
            throws SQLException {
        Map<String, String> held = new HashMap<>();
        try (PreparedStatement select = c.prepareStatement("select c.uri, c.run_id from image_claims c "
                + "join runs r using (run_id) where c.uri = any(?) and c.run_id <> ? and r.status = 'running'")) {
            select.setArray(1, c.createArrayOf("text", uris.toArray()));
            select.setString(2, except);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) held.put(rows.getString(1), rows.getString(2));
            }
        }
        return held;
    }

    /** What the catalogue holds for these files, by uri (files it has never seen are absent). */
    public Map<String, List<StoredImage>> stored(Collection<String> uris) {
        return stored(lease, uris);
    }

    /** As {@link #stored(Collection)}, on a connection of its own (a dry run, which registers no run). */
    public static Map<String, List<StoredImage>> stored(CatalogueDatabase database, Collection<String> uris) {
        try (Connection c = database.connect()) {
            return stored(c, uris);
        } catch (SQLException e) {
            throw new CatalogueException("reading what the catalogue holds for the inputs failed", e);
        }
    }

    private static Map<String, List<StoredImage>> stored(Connection lease, Collection<String> uris) {
        Map<String, List<StoredImage>> out = new HashMap<>();
        // the fingerprint's fields as columns: 100 000 small JSON texts took a second to parse
        try (PreparedStatement select = lease.prepareStatement("select image_id, uri, series, image_count, status, "
                + "jsonb_typeof(source->'bytes') = 'number' and jsonb_typeof(source->'modified') = 'number' "
                + "and jsonb_typeof(source->'head_xxh64') = 'string', source->>'bytes', source->>'modified', "
                + "source->>'etag', source->>'head_xxh64', result_options::text from images where uri = any(?)")) {
            select.setArray(1, lease.createArrayOf("text", uris.toArray()));
            // a run's images share their options: each distinct text is parsed once
            Map<String, Optional<Map<String, Object>>> options = new HashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    // a missing or malformed fingerprint is none: it never matches, and the file is read
                    SourceFingerprint source = rows.getBoolean(6) ? SourceFingerprint.fromFields(rows.getString(7),
                            rows.getString(8), rows.getString(9), rows.getString(10)) : null;
                    StoredImage image = new StoredImage(rows.getString(1), rows.getString(2), rows.getInt(3),
                            rows.getInt(4), rows.getString(5), source,
                            options.computeIfAbsent(rows.getString(11), json -> Optional.ofNullable(map(json)))
                                    .orElse(null));
                    out.computeIfAbsent(image.uri(), k -> new ArrayList<>()).add(image);
                }
            }
        } catch (SQLException e) {
            throw new CatalogueException("reading what the catalogue holds for the inputs failed", e);
        }
        return out;
    }

    /**
     * Writes what this run did with these images in ONE transaction (see {@link CatalogueWriter#replace}), on the
     * writer's connection, not the lease's (which may have died with a database restarted meanwhile). One thread at a
     * time.
     */
    public void commit(List<? extends ImageOutcome> outcomes, Function<ImageOutcome, Provenance> provenance) {
        writer.replace(runId, outcomes, provenance);
    }

    /**
     * Records the run's end: its status, finished_at now, why it failed in one line ({@code null}: no reason) and
     * what it did ({@code null}: nothing counted, e.g. it failed before its plan), on a connection of its own.
     *
     * @throws IllegalArgumentException for {@link RunStatus#RUNNING}, which is no end
     */
    public void finish(RunStatus status, String reason, RunSummary summary) {
        Objects.requireNonNull(status, "status");
        if (status == RunStatus.RUNNING) {
            throw new IllegalArgumentException("run " + runId + " cannot finish as " + status.label());
        }
        String counts = summary == null ? "" : ", ok_count = ?, rejected_count = ?, unchanged_count = ?, "
                + "skipped_count = ?, failed_count = ?, bytes_read = ?, stages = cast(? as jsonb)";
        try (Connection c = database.connect(); PreparedStatement update = c.prepareStatement(
                "update runs set finished_at = now(), status = ?, reason = ?" + counts + " where run_id = ?")) {
            StatementParameters p = new StatementParameters(update).text(status.label()).text(reason);
            if (summary != null) {
                p.integer(summary.ok()).integer(summary.rejected()).integer(summary.unchanged())
                        .integer(summary.skipped()).integer(summary.failed()).bigint(summary.bytesRead())
                        .text(CatalogueWriter.toJson(summary.stageSeconds()));
            }
            p.text(runId);
            if (update.executeUpdate() == 0) throw new CatalogueException("no run " + runId + " to finish");
        } catch (SQLException e) {
            throw new CatalogueException("recording the end of run " + runId + " failed", e);
        }
    }

    /** Why a run failed, in one line for {@code runs.reason}: the first line of the message, else the type. */
    public static String reason(Throwable cause) {
        String message = cause.getMessage();
        if (message == null || message.isBlank()) return cause.getClass().getName();
        return message.strip().lines().findFirst().orElse(message);
    }

    /** The database's URL (without credentials) and, if embedded, its data directory: for messages. */
    String where() {
        return database.connectionSettings().shownUrl()
                + database.dataDirectory().map(d -> ", embedded, data in " + d).orElse("");
    }

    /** Gives the claims and the lease back (closing the lease connection frees the lock even if the delete fails). */
    @Override
    public void close() {
        try (PreparedStatement release = lease.prepareStatement("delete from image_claims where run_id = ?")) {
            release.setString(1, runId);
            release.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("could not give back the claims of run {} ({}); the next run drops them", runId, e.getMessage());
        } finally {
            try {
                writer.close();
            } finally {
                closeQuietly(lease, null);
            }
        }
    }

    private static Map<String, Object> map(String json) {
        if (json == null) return null;
        try {
            return MAP_READER.readValue(json);
        } catch (IOException e) {
            return null; // unreadable: treated as absent, so the image is recomputed
        }
    }

    private static void closeQuietly(Connection c, Exception cause) {
        try {
            c.close();
        } catch (SQLException e) {
            if (cause != null) cause.addSuppressed(e);
        }
    }
}
