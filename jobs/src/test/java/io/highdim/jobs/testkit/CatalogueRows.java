package io.highdim.jobs.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A catalogue's result rows as text, to compare two catalogues (a clean run's and a recovered one's) row for row. */
public final class CatalogueRows {
    /** The result tables. */
    public static final List<String> TABLES = List.of("images", "channel_stats", "plane_stats", "pca_results",
            "pca_components", "planes", "channel_histograms", "projections");
    /** The columns that name the run or its time: they differ between equal results. */
    private static final Set<String> RUN_COLUMNS = Set.of("run_id", "updated_at");

    private CatalogueRows() {}

    /** Every result table's rows as text (sorted; the run's columns left out). */
    public static Map<String, List<String>> results(Connection c) throws SQLException {
        return results(c, Set.of());
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

    /** The one number a query returns (e.g. a count). */
    public static long number(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
