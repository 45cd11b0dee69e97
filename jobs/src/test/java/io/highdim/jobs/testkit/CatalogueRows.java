package io.highdim.jobs.testkit;

import io.highdim.jobs.catalogue.CatalogueDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tests' one way of reading a catalogue: its result rows as text, to compare two catalogues (a clean run's and a
 * recovered one's) row for row; a query's rows as text or as values; one number or text a query returns.
 */
public final class CatalogueRows {
    /** The result tables. */
    public static final List<String> TABLES = List.of("images", "channel_stats", "plane_stats", "pca_results",
            "pca_components", "planes", "channel_histograms", "projections", "segmentations", "segmented_objects");
    /** The columns that name the run or its time: they differ between equal results. */
    private static final Set<String> RUN_COLUMNS = Set.of("run_id", "updated_at");

    private CatalogueRows() {}

    /** Every result table's rows as text (sorted; the run's columns left out). */
    public static Map<String, List<String>> results(Connection c) throws SQLException {
        return results(c, Set.of());
    }

    /** As {@link #results(Connection)}, on a connection of its own. */
    public static Map<String, List<String>> results(CatalogueDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            return results(c);
        }
    }

    /** The same, also without the columns named (e.g. where the files are: a run over copies elsewhere). */
    public static Map<String, List<String>> results(Connection c, Set<String> leftOut) throws SQLException {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        try (Statement s = c.createStatement()) {
            for (String table : TABLES) {
                List<String> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery("select * from " + table)) {
                    ResultSetMetaData meta = r.getMetaData();
                    while (r.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            String column = meta.getColumnName(i);
                            if (RUN_COLUMNS.contains(column) || leftOut.contains(column)) continue;
                            row.append(column).append('=').append(r.getString(i)).append(' ');
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                tables.put(table, rows);
            }
        }
        return tables;
    }

    /** The one number a query returns (e.g. a count; SQL null is 0). */
    public static long number(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) s.setObject(i + 1, parameters[i]);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) throw new AssertionError("no row: " + sql);
                return r.getLong(1);
            }
        }
    }

    /** As {@link #number(Connection, String, Object...)}, on a connection of its own. */
    public static long number(CatalogueDatabase db, String sql, Object... parameters) throws SQLException {
        try (Connection c = db.connect()) {
            return number(c, sql, parameters);
        }
    }

    /** The first column of the first row a query returns, as text; null when it returns no row (or SQL null). */
    public static String scalar(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) s.setObject(i + 1, parameters[i]);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** As {@link #scalar(Connection, String, Object...)}, on a connection of its own. */
    public static String scalar(CatalogueDatabase db, String sql, Object... parameters) throws SQLException {
        try (Connection c = db.connect()) {
            return scalar(c, sql, parameters);
        }
    }

    /** Each row a query returns as one line of text, its columns joined by " | ", in the query's order. */
    public static List<String> lines(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) row.append(r.getString(i)).append(" | ");
                out.add(row.toString());
            }
        }
        return out;
    }

    /**
     * Each row a query returns as column -> value (arrays as lists, jsonb as text), without the columns in
     * {@code leftOut}: for comparisons that need the numbers, e.g. within a tolerance.
     */
    public static List<Map<String, Object>> values(Connection c, String sql, Set<String> leftOut) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            ResultSetMetaData meta = r.getMetaData();
            while (r.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String column = meta.getColumnName(i);
                    if (leftOut.contains(column)) continue;
                    Object v = r.getObject(i);
                    if (v instanceof Array a) {
                        v = Arrays.asList((Object[]) a.getArray());
                    } else if (v != null && v.getClass().getName().equals("org.postgresql.util.PGobject")) {
                        v = r.getString(i);
                    }
                    row.put(column, v);
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
