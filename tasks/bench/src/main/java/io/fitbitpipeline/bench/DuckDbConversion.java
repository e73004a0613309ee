package io.fitbitpipeline.bench;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.activity.ValueKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference: DuckDB converting the same files to the same intraday rows (read_json + unnest,
 * user and date from the object key, snappy Parquet), on a fixed number of threads. It does no
 * validation beyond typing, and writes the intraday tables only (they are 99.9 % of the rows).
 */
final class DuckDbConversion {
  private DuckDbConversion() {}

  static Map<Activity, double[]> run(Path week, Path out, int threads) throws Exception {
    Files.createDirectories(out);
    Map<Activity, double[]> totals = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET threads = " + threads);
      s.execute("SET preserve_insertion_order = false");
      for (Activity activity : Activity.values()) {
        Path target = out.resolve(activity.id() + "_intraday.parquet");
        s.execute(
            "COPY ("
                + select(activity, week)
                + ") TO '"
                + target
                + "' (FORMAT parquet, COMPRESSION snappy)");
        totals.put(activity, countAndSum(s, "read_parquet('" + target + "')"));
      }
    }
    return totals;
  }

  static String select(Activity activity, Path week) {
    String valueType = activity.intradayKind() == ValueKind.INTEGER ? "INTEGER" : "DOUBLE";
    String point =
        "STRUCT(\"time\" VARCHAR, \"value\" "
            + valueType
            + (activity.hasLevelAndMets() ? ", \"level\" INTEGER, \"mets\" INTEGER" : "")
            + ")";
    String columns = "{'" + activity.intradayField() + "': 'STRUCT(dataset " + point + "[])'}";
    String key = "'([^/]+)/([0-9]{4}-[0-9]{2}-[0-9]{2})/[^/]+$'";
    return "SELECT regexp_extract(filename, "
        + key
        + ", 1) AS user_id, CAST(regexp_extract(filename, "
        + key
        + ", 2) AS DATE) + CAST(p.\"time\" AS TIME) AS ts, p.\"value\" AS value"
        + (activity.hasLevelAndMets() ? ", p.level AS level, p.mets / 10.0 AS mets" : "")
        + " FROM (SELECT filename, unnest(\""
        + activity.intradayField()
        + "\".dataset) AS p FROM read_json('"
        + week
        + "/*/*/"
        + activity.id()
        + ".json', columns = "
        + columns
        + ", filename = true, format = 'auto'))";
  }

  /** {rows, sum of value} of a Parquet source, read by DuckDB (the check that outputs agree). */
  static double[] countAndSum(Statement s, String source) throws SQLException {
    try (ResultSet r = s.executeQuery("SELECT count(*), coalesce(sum(value), 0) FROM " + source)) {
      r.next();
      return new double[] {r.getLong(1), r.getDouble(2)};
    }
  }

  /** Reads the transform core's Parquet output back: the rows really written. */
  static Map<Activity, double[]> readBack(Path coreOut) throws SQLException {
    Map<Activity, double[]> totals = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      for (Activity activity : Activity.values()) {
        totals.put(
            activity,
            countAndSum(
                s,
                "read_parquet('"
                    + coreOut
                    + "/"
                    + activity.id()
                    + "-t*/"
                    + activity.id()
                    + "_intraday-*.parquet')"));
      }
    }
    return totals;
  }
}
