package io.highdim.jobs.catalogue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.highdim.model.SourceFingerprint;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's standing in the catalogue while it lives: it holds an advisory lock on its id on a connection of its own
 * (the lease: PostgreSQL frees it when the process dies, however it dies), marks runs whose lease is free but which
 * are still "running" as failed, claims the files it will read so a concurrent run leaves them alone, and reads what
 * the catalogue holds for those files. {@link #close()} gives the claims and the lease back.
 */
public final class RunLedger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLedger.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One stored image of a file, as an incremental run compares it. {@code source} null: never reused. */
    public record StoredImage(String imageId, String uri, int series, int imageCount, String status,
                              SourceFingerprint source, Map<String, Object> options) {}

    /** The reason a run swept as dead gets: its process ended without closing it. */
    static final String DIED = "its process ended without closing the run (killed, or its machine stopped)";

    private final Connection lease;
    private final String runId;

    private RunLedger(Connection lease, String runId) {
        this.lease = lease;
        this.runId = runId;
    }

    /**
     * Takes the lease of run {@code runId} (then records the run, so no other run ever sees it running without its
     * lease) and marks dead runs failed.
     */
    public static RunLedger open(CatalogueDatabase database, String runId, String command) {
        Connection c = database.connect();
        try {
            try (PreparedStatement lock = c.prepareStatement("select pg_advisory_lock(hashtextextended(?, 0))")) {
                lock.setString(1, runId);
                lock.execute();
            }
            try (PreparedStatement run = c.prepareStatement(
                    "insert into runs (run_id, command) values (?, ?) on conflict (run_id) do nothing")) {
                run.setString(1, runId);
                run.setString(2, command);
                run.executeUpdate();
            }
            RunLedger ledger = new RunLedger(c, runId);
            ledger.sweepDeadRuns();
            return ledger;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c, e);
            throw new CatalogueException("cannot register run " + runId + " in the catalogue", e);
        }
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
        try (PreparedStatement select = lease.prepareStatement("select image_id, uri, series, image_count, status, "
                + "source::text, result_options::text from images where uri = any(?)")) {
            select.setArray(1, lease.createArrayOf("text", uris.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    StoredImage image = new StoredImage(rows.getString(1), rows.getString(2), rows.getInt(3),
                            rows.getInt(4), rows.getString(5), SourceFingerprint.fromMap(map(rows.getString(6))),
                            map(rows.getString(7)));
                    out.computeIfAbsent(image.uri(), k -> new ArrayList<>()).add(image);
                }
            }
        } catch (SQLException e) {
            throw new CatalogueException("reading what the catalogue holds for the inputs failed", e);
        }
        return out;
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
            closeQuietly(lease, null);
        }
    }

    private static Map<String, Object> map(String json) {
        if (json == null) return null;
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
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
