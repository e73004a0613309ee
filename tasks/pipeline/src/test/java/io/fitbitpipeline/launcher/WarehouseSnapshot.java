package io.fitbitpipeline.launcher;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one comparison every fault case ends with: per production table (every table of schema
 * fitbit), the row count, the sum of every numeric column and a digest of all rows in key order;
 * the same for the ledger (fitbit_ops.file_ledger) and the rejects (fitbit_ops.rejected_points),
 * without the columns that name the run or the moment (run_id, processed_at), which differ between
 * any two runs. Plus the rows left in staging, which must be none. Two warehouses that hold the
 * same data give equal snapshots whatever runs, retries and failures led there.
 */
record WarehouseSnapshot(Map<String, String> tables) {
  private static final List<String> VOLATILE = List.of("run_id", "processed_at");

  static WarehouseSnapshot of(Connection c) throws SQLException {
    Map<String, String> tables = new TreeMap<>();
    for (String table : tables(c, "fitbit")) {
      tables.put(table, digest(c, table));
    }
    tables.put("fitbit_ops.file_ledger", digest(c, "fitbit_ops.file_ledger"));
    tables.put("fitbit_ops.rejected_points", digest(c, "fitbit_ops.rejected_points"));
    long staged = 0;
    for (String table : tables(c, "fitbit_staging")) {
      staged += count(c, table);
    }
    tables.put("fitbit_staging (rows left)", Long.toString(staged));
    return new WarehouseSnapshot(tables);
  }

  /** The lakehouse's tables: bronze records, every silver result table and gold. */
  static WarehouseSnapshot lakehouse(Connection c) throws SQLException {
    Map<String, String> tables = new TreeMap<>();
    for (String table :
        List.of(
            "bronze.kafka_records",
            "bronze.landing_rows",
            "silver.users",
            "silver.gym_logs",
            "silver.user_profile",
            "silver.user_profile_history",
            "silver.heart_rate",
            "silver.workouts",
            "silver.completed_workouts",
            "silver.workout_bpm",
            "silver.rejected_records",
            "gold.workout_bpm_summary",
            "gold.gym_summary")) {
      tables.put(table, digest(c, table));
    }
    return new WarehouseSnapshot(tables);
  }

  /** The tables whose entries differ, with both values: empty when equal. */
  String differences(WarehouseSnapshot expected) {
    StringBuilder out = new StringBuilder();
    for (String table : union(expected)) {
      String want = expected.tables.get(table);
      String got = tables.get(table);
      if (!java.util.Objects.equals(want, got)) {
        out.append(table).append(": expected ").append(want).append(", got ").append(got);
        out.append('\n');
      }
    }
    return out.toString();
  }

  private List<String> union(WarehouseSnapshot other) {
    java.util.TreeSet<String> all = new java.util.TreeSet<>(tables.keySet());
    all.addAll(other.tables.keySet());
    return new ArrayList<>(all);
  }

  private static List<String> tables(Connection c, String schema) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                    + schema
                    + "' AND table_type = 'BASE TABLE' ORDER BY table_name")) {
      while (rs.next()) {
        names.add(schema + "." + rs.getString(1));
      }
    }
    return names;
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** "rows=N sum(col)=X ... md5=..." over the stable columns, rows in the order of all of them. */
  private static String digest(Connection c, String table) throws SQLException {
    String[] parts = table.split("\\.");
    List<String> columns = new ArrayList<>();
    List<String> numeric = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema"
                    + " = '"
                    + parts[0]
                    + "' AND table_name = '"
                    + parts[1]
                    + "' ORDER BY ordinal_position")) {
      while (rs.next()) {
        String name = rs.getString(1);
        if (VOLATILE.contains(name)) {
          continue;
        }
        columns.add("\"" + name + "\"");
        String type = rs.getString(2);
        if (type.matches("smallint|integer|bigint|numeric|real|double precision")) {
          numeric.add("\"" + name + "\"");
        }
      }
    }
    StringBuilder sql = new StringBuilder("SELECT 'rows=' || COUNT(*)");
    for (String n : numeric) {
      sql.append(" || ' sum(").append(n.replace("\"", "")).append(")=' || COALESCE(SUM(");
      sql.append(n).append("::numeric)::text, '-')");
    }
    String row = "ROW(" + String.join(", ", columns) + ")::text";
    sql.append(" || ' md5=' || COALESCE(MD5(STRING_AGG(")
        .append(row)
        .append(", ',' ORDER BY ")
        .append(row)
        .append(")), '-') FROM ")
        .append(table);
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql.toString())) {
      rs.next();
      return rs.getString(1);
    }
  }
}
