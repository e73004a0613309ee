package io.fitbitpipeline.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;

/**
 * fitbit_ops.pipeline_runs: one row per run, activity and step, written as the step starts and
 * rewritten as it ends, so a retry replaces its failed attempt instead of adding to it.
 */
public final class PipelineRuns {
  private final Warehouse warehouse;
  private final Clock clock;
  private final ObjectMapper json;

  public PipelineRuns(Warehouse warehouse, Clock clock, ObjectMapper json) {
    this.warehouse = warehouse;
    this.clock = clock;
    this.json = json;
  }

  /** Records that a step started; returns its start time for {@link #finished}. */
  public Instant started(RunId run, Activity activity, StepName step, Window window)
      throws SQLException {
    return started(run, activity.id(), step.id(), window);
  }

  /**
   * The same for any part of the platform: {@code subject} goes to the activity column (the
   * lakehouse writes its topic or source there), {@code step} to the step column.
   */
  public Instant started(RunId run, String subject, String step, Window window)
      throws SQLException {
    Instant now = clock.instant();
    write(run, subject, step, window, "running", now, null, new StepStats(), null);
    return now;
  }

  public void finished(
      RunId run,
      Activity activity,
      StepName step,
      Window window,
      Instant startedAt,
      String status,
      StepStats stats,
      String message)
      throws SQLException {
    finished(run, activity.id(), step.id(), window, startedAt, status, stats, message);
  }

  public void finished(
      RunId run,
      String subject,
      String step,
      Window window,
      Instant startedAt,
      String status,
      StepStats stats,
      String message)
      throws SQLException {
    write(run, subject, step, window, status, startedAt, clock.instant(), stats, message);
  }

  private void write(
      RunId run,
      String subject,
      String step,
      Window window,
      String status,
      Instant startedAt,
      Instant endedAt,
      StepStats stats,
      String message)
      throws SQLException {
    try (Connection c = warehouse.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement delete =
              c.prepareStatement(
                  "DELETE FROM fitbit_ops.pipeline_runs WHERE run_id = ? AND activity = ? AND step = ?");
          PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO fitbit_ops.pipeline_runs (run_id, activity, step, window_start,"
                      + " window_end, status, started_at, ended_at, files_seen, files_loaded,"
                      + " files_skipped, files_quarantined, points_read, rows_written,"
                      + " points_rejected, duplicates, rows_per_table, message)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        delete.setString(1, run.value());
        delete.setString(2, subject);
        delete.setString(3, step);
        delete.executeUpdate();
        int i = 1;
        insert.setString(i++, run.value());
        insert.setString(i++, subject);
        insert.setString(i++, step);
        insert.setObject(i++, window.from());
        insert.setObject(i++, window.to());
        insert.setString(i++, status);
        insert.setTimestamp(i++, Timestamp.from(startedAt));
        insert.setTimestamp(i++, endedAt == null ? null : Timestamp.from(endedAt));
        insert.setLong(i++, stats.filesSeen);
        insert.setLong(i++, stats.filesLoaded);
        insert.setLong(i++, stats.filesSkipped);
        insert.setLong(i++, stats.filesQuarantined);
        insert.setLong(i++, stats.pointsRead);
        insert.setLong(i++, stats.rowsWritten);
        insert.setLong(i++, stats.pointsRejected);
        insert.setLong(i++, stats.duplicates);
        insert.setString(i++, toJson(stats));
        insert.setString(i, message == null ? null : truncate(message));
        insert.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        io.fitbitpipeline.core.warehouse.Transactions.rollback(c, e);
        throw e;
      }
    }
  }

  private String toJson(StepStats stats) {
    try {
      return json.writeValueAsString(stats.rowsPerTable);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String truncate(String message) {
    return message.length() > 4000 ? message.substring(0, 4000) : message;
  }

  /** The run's statistics as one JSON object: {run_id, window, activities: {a: {step: {...}}}}. */
  public ObjectNode report(RunId run) throws SQLException {
    ObjectNode report = json.createObjectNode();
    report.put("run_id", run.value());
    ObjectNode activities = report.putObject("activities");
    long lateFiles = 0;
    java.util.Map<String, Long> unrecognisedByActivity = new java.util.HashMap<>();
    try (Connection c = warehouse.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT activity, step, window_start, window_end, status, files_seen,"
                    + " files_loaded, files_skipped, files_quarantined, points_read, rows_written,"
                    + " points_rejected, duplicates, rows_per_table, started_at, ended_at, message"
                    + " FROM fitbit_ops.pipeline_runs WHERE run_id = ? ORDER BY activity, started_at")) {
      s.setString(1, run.value());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          report.put("window", rs.getString(3) + ".." + rs.getString(4));
          ObjectNode step = activities.with(rs.getString(1)).putObject(rs.getString(2));
          step.put("status", rs.getString(5));
          step.put("files_seen", rs.getLong(6));
          step.put("files_loaded", rs.getLong(7));
          step.put("files_skipped", rs.getLong(8));
          step.put("files_quarantined", rs.getLong(9));
          step.put("points_read", rs.getLong(10));
          step.put("rows_written", rs.getLong(11));
          step.put("points_rejected", rs.getLong(12));
          step.put("duplicates", rs.getLong(13));
          try {
            step.set(
                "rows_per_table",
                json.readTree(rs.getString(14) == null ? "{}" : rs.getString(14)));
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            step.put("rows_per_table", rs.getString(14));
          }
          Timestamp start = rs.getTimestamp(15);
          Timestamp end = rs.getTimestamp(16);
          if (start != null && end != null) {
            step.put("seconds", (end.getTime() - start.getTime()) / 1000.0);
          }
          if (rs.getString(17) != null) {
            step.put("message", rs.getString(17));
          }
          // "extract", or "extract i/n" for each shard of a sharded run.
          if (rs.getString(2).equals("extract") || rs.getString(2).startsWith("extract ")) {
            JsonNode perTable = step.path("rows_per_table");
            lateFiles += perTable.path("late_files").asLong();
            // Every activity's extract sees the same unrecognised objects; shards split them.
            unrecognisedByActivity.merge(
                rs.getString(1), perTable.path("unrecognised_files").asLong(), Long::sum);
          }
        }
      }
    }
    // New or changed files from the lookback weeks, and objects in the window that name no
    // activity (the extract rows' rows_per_table and message say more).
    report.put("late_files", lateFiles);
    report.put(
        "unrecognised_files",
        unrecognisedByActivity.values().stream().mapToLong(Long::longValue).max().orElse(0));
    return report;
  }
}
