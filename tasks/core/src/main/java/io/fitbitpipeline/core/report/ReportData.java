package io.fitbitpipeline.core.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.step.StepFailure;
import io.fitbitpipeline.core.warehouse.Tables;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Everything the run report shows, read from the warehouse in one go: the run (fitbit_ops), the
 * data yield of its window (fitbit.data_yield), quarantined files and rejected points, the users
 * who need attention, and the lakehouse's gold tables when they exist and have rows.
 *
 * @param run the run reported on, or null when a window has no recorded run
 * @param yield user to date to the user-day's data_yield row (no entry: no production data)
 * @param gold the lakehouse summary, or null when its gold tables are missing or empty
 */
public record ReportData(
    String run,
    Window window,
    Instant started,
    Instant ended,
    List<ActivityRun> activities,
    List<String> users,
    List<LocalDate> days,
    Map<String, Map<LocalDate, YieldDay>> yield,
    List<Quarantined> quarantined,
    List<RejectGroup> rejects,
    Map<String, List<String>> attention,
    Gold gold) {

  /** Days at the end of the window in which a user needs a valid day. */
  public static final int RECENT_DAYS = 3;

  /** One activity's part of the run (files and points from transform, rows from promote). */
  public record ActivityRun(
      String activity,
      long filesSeen,
      long filesLoaded,
      long filesSkipped,
      long filesQuarantined,
      long pointsRead,
      long rows,
      long rejected,
      long duplicates,
      double seconds,
      String status) {}

  /** A fitbit.data_yield row. */
  public record YieldDay(
      int heartRateMinutes, int validHours, boolean validDay, Long steps, String flags) {}

  public record Quarantined(
      String sourceKey, String activity, String user, LocalDate date, String reason, String run) {}

  /** Rejected points of one activity and kind of reason (the reason without its raw value). */
  public record RejectGroup(
      String activity, String reason, long points, long files, long users, String example) {}

  /** The lakehouse's gold tables, summarised. */
  public record Gold(Map<LocalDate, Long> workoutsPerDay, List<AgeBand> ageBands) {}

  public record AgeBand(String band, long workouts, double minBpm, double avgBpm, double maxBpm) {}

  /** Valid days over the days of the window, 0 to 1. */
  public double validShare(String user) {
    long valid =
        yield.getOrDefault(user, Map.of()).values().stream().filter(YieldDay::validDay).count();
    return days.isEmpty() ? 0 : (double) valid / days.size();
  }

  public long validDays(String user) {
    return yield.getOrDefault(user, Map.of()).values().stream().filter(YieldDay::validDay).count();
  }

  public double seconds() {
    return started == null || ended == null
        ? 0
        : Duration.between(started, ended).toMillis() / 1000.0;
  }

  /**
   * Reads the report of {@code run} (its window from fitbit_ops.pipeline_runs), or of {@code
   * window} (its latest run, if any), or, with neither, of the latest promoted run.
   */
  public static ReportData read(Connection c, RunId run, Window window)
      throws SQLException, IOException {
    String runId = run == null ? null : run.value();
    String batch =
        Arrays.stream(Activity.values())
            .map(a -> "'" + a.id() + "'")
            .collect(Collectors.joining(", ", "(", ")"));
    if (runId != null) {
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT MIN(window_start), MAX(window_end) FROM fitbit_ops.pipeline_runs"
                  + " WHERE run_id = ? AND activity IN "
                  + batch)) {
        s.setString(1, runId);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          if (rs.getDate(1) == null) {
            throw new StepFailure(
                "no run " + runId + " in fitbit_ops.pipeline_runs", StepFailure.MISSING_INPUT);
          }
          window = new Window(rs.getDate(1).toLocalDate(), rs.getDate(2).toLocalDate());
        }
      }
    } else {
      String where =
          window == null
              ? "step = 'promote' AND status = 'succeeded'"
              : "window_start = DATE '"
                  + window.from()
                  + "' AND window_end = DATE '"
                  + window.to()
                  + "'";
      try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT run_id, window_start, window_end FROM fitbit_ops.pipeline_runs WHERE "
                      + where
                      + " AND activity IN "
                      + batch
                      + " ORDER BY started_at DESC, run_id DESC LIMIT 1");
          ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          runId = rs.getString(1);
          if (window == null) {
            window = new Window(rs.getDate(2).toLocalDate(), rs.getDate(3).toLocalDate());
          }
        } else if (window == null) {
          throw new StepFailure(
              "no promoted run in fitbit_ops.pipeline_runs: give --week or --run-id",
              StepFailure.MISSING_INPUT);
        }
      }
    }
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = window.from(); !d.isAfter(window.to()); d = d.plusDays(1)) {
      days.add(d);
    }
    Instant[] span = new Instant[2];
    List<ActivityRun> activities = runId == null ? List.of() : activities(c, runId, batch, span);
    Map<String, Map<LocalDate, YieldDay>> yield = readYield(c, window);
    List<Quarantined> quarantined = quarantined(c, window, runId);
    TreeSet<String> users = new TreeSet<>(yield.keySet());
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT DISTINCT user_id FROM fitbit_ops.file_ledger WHERE user_id IS NOT NULL"
                + " AND date >= ? AND date <= ?")) {
      s.setObject(1, window.from());
      s.setObject(2, window.to());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          users.add(rs.getString(1));
        }
      }
    }
    Map<String, List<String>> attention = new TreeMap<>();
    List<LocalDate> recent = days.subList(Math.max(0, days.size() - RECENT_DAYS), days.size());
    for (String user : users) {
      List<String> reasons = new ArrayList<>();
      Map<LocalDate, YieldDay> own = yield.getOrDefault(user, Map.of());
      if (recent.stream().noneMatch(d -> own.containsKey(d) && own.get(d).validDay())) {
        reasons.add(
            "no valid day in the last "
                + recent.size()
                + " days ("
                + recent.get(0)
                + " to "
                + recent.get(recent.size() - 1)
                + ")");
      }
      long files = quarantined.stream().filter(q -> user.equals(q.user())).count();
      if (files > 0) {
        reasons.add(files + (files == 1 ? " quarantined file" : " quarantined files"));
      }
      if (!reasons.isEmpty()) {
        attention.put(user, reasons);
      }
    }
    return new ReportData(
        runId,
        window,
        span[0],
        span[1],
        activities,
        List.copyOf(users),
        List.copyOf(days),
        yield,
        quarantined,
        rejects(c, window),
        attention,
        gold(c));
  }

  private static List<ActivityRun> activities(
      Connection c, String runId, String batch, Instant[] span) throws SQLException, IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, long[]> transform = new LinkedHashMap<>();
    Map<String, Long> rows = new LinkedHashMap<>();
    Map<String, Instant[]> times = new LinkedHashMap<>();
    Map<String, String> status = new LinkedHashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT activity, step, status, started_at, ended_at, files_seen, files_loaded,"
                + " files_skipped, files_quarantined, points_read, rows_written, points_rejected,"
                + " duplicates, rows_per_table FROM fitbit_ops.pipeline_runs WHERE run_id = ?"
                + " AND activity IN "
                + batch)) {
      s.setString(1, runId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String activity = rs.getString(1);
          String step = rs.getString(2);
          Instant start = rs.getTimestamp(4).toInstant();
          Timestamp endTs = rs.getTimestamp(5);
          Instant end = endTs == null ? start : endTs.toInstant();
          Instant[] t = times.computeIfAbsent(activity, a -> new Instant[] {start, end});
          t[0] = start.isBefore(t[0]) ? start : t[0];
          t[1] = end.isAfter(t[1]) ? end : t[1];
          span[0] = span[0] == null || start.isBefore(span[0]) ? start : span[0];
          span[1] = span[1] == null || end.isAfter(span[1]) ? end : span[1];
          if (!"succeeded".equals(rs.getString(3)) || !status.containsKey(activity)) {
            status.put(activity, step + " " + rs.getString(3));
          }
          // "transform", or one "transform i/n" row per shard of a sharded run: summed.
          if ("transform".equals(step) || step.startsWith("transform ")) {
            long[] v = transform.computeIfAbsent(activity, a -> new long[8]);
            for (int i = 0; i < 8; i++) {
              v[i] += rs.getLong(6 + i);
            }
          }
          if ("promote".equals(step) && rs.getString(14) != null) {
            long sum = 0;
            JsonNode perTable = json.readTree(rs.getString(14));
            for (var e : (Iterable<Map.Entry<String, JsonNode>>) perTable::fields) {
              if (!e.getKey().equals(Tables.FILE_LEDGER.name())) {
                sum += e.getValue().asLong();
              }
            }
            rows.put(activity, sum);
          }
        }
      }
    }
    List<ActivityRun> out = new ArrayList<>();
    for (Activity activity : Activity.values()) {
      String id = activity.id();
      if (!times.containsKey(id)) {
        continue;
      }
      long[] v = transform.getOrDefault(id, new long[8]);
      Instant[] t = times.get(id);
      String s = status.get(id);
      out.add(
          new ActivityRun(
              id,
              v[0],
              v[1],
              v[2],
              v[3],
              v[4],
              rows.getOrDefault(id, 0L),
              v[6],
              v[7],
              Duration.between(t[0], t[1]).toMillis() / 1000.0,
              s.endsWith(" succeeded") ? "succeeded" : s));
    }
    return out;
  }

  private static Map<String, Map<LocalDate, YieldDay>> readYield(Connection c, Window window)
      throws SQLException {
    Map<String, Map<LocalDate, YieldDay>> yield = new TreeMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT user_id, date, heart_rate_minutes, valid_hours, valid_day, steps, flags FROM "
                + Tables.DATA_YIELD.production()
                + " WHERE date >= ? AND date <= ?")) {
      s.setObject(1, window.from());
      s.setObject(2, window.to());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long steps = rs.getLong(6);
          boolean noSteps = rs.wasNull();
          yield
              .computeIfAbsent(rs.getString(1), u -> new TreeMap<>())
              .put(
                  rs.getDate(2).toLocalDate(),
                  new YieldDay(
                      rs.getInt(3),
                      rs.getInt(4),
                      rs.getBoolean(5),
                      noSteps ? null : steps,
                      rs.getString(7)));
        }
      }
    }
    return yield;
  }

  private static List<Quarantined> quarantined(Connection c, Window window, String runId)
      throws SQLException {
    List<Quarantined> out = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT source_key, activity, user_id, date, reason, run_id FROM"
                + " fitbit_ops.file_ledger WHERE status = 'quarantined' AND ((date >= ? AND date"
                + " <= ?) OR (date IS NULL AND run_id = ?)) ORDER BY source_key")) {
      s.setObject(1, window.from());
      s.setObject(2, window.to());
      s.setString(3, runId == null ? "" : runId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Quarantined(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getDate(4) == null ? null : rs.getDate(4).toLocalDate(),
                  rs.getString(5),
                  rs.getString(6)));
        }
      }
    }
    return out;
  }

  /**
   * SQL for the kind of a reject reason: the reason without the raw value it quotes ("value 5000 is
   * outside 0..300" becomes "value is outside 0..300", "level is not an integer: x" becomes "level
   * is not an integer"). Standard functions only: the same on PostgreSQL and Redshift.
   */
  static final String REASON_KIND =
      "CASE WHEN POSITION(' is outside ' IN reason) > 0 THEN SPLIT_PART(reason, ' ', 1)"
          + " || ' is outside ' || SUBSTRING(reason FROM POSITION(' is outside ' IN reason) + 12)"
          + " WHEN POSITION(': ' IN reason) > 0"
          + " THEN SUBSTRING(reason FROM 1 FOR POSITION(': ' IN reason) - 1) ELSE reason END";

  private static List<RejectGroup> rejects(Connection c, Window window) throws SQLException {
    List<RejectGroup> out = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT activity, kind, COUNT(*), COUNT(DISTINCT source_key), COUNT(DISTINCT user_id),"
                + " MIN(COALESCE(raw_value, 'NULL')) FROM (SELECT activity, source_key, user_id,"
                + " raw_value, "
                + REASON_KIND
                + " AS kind FROM fitbit_ops.rejected_points WHERE date >= ? AND date <= ?) r"
                + " GROUP BY activity, kind ORDER BY 3 DESC, 1, 2")) {
      s.setObject(1, window.from());
      s.setObject(2, window.to());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(
              new RejectGroup(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getString(6)));
        }
      }
    }
    return out;
  }

  /** The gold tables' summary, or null when they do not exist or are both empty. */
  private static Gold gold(Connection c) throws SQLException {
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'gold'"
                    + " AND table_name IN ('workout_bpm_summary', 'gym_summary')");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      if (rs.getInt(1) < 2) {
        return null;
      }
    }
    Map<LocalDate, Long> perDay = new TreeMap<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT date, COUNT(*) FROM gold.gym_summary GROUP BY date ORDER BY date");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        perDay.put(rs.getDate(1).toLocalDate(), rs.getLong(2));
      }
    }
    List<AgeBand> bands = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT COALESCE(age, 'unknown') AS band, COUNT(*), MIN(min_bpm), AVG(avg_bpm),"
                    + " MAX(max_bpm) FROM gold.workout_bpm_summary GROUP BY COALESCE(age,"
                    + " 'unknown') ORDER BY 1");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        bands.add(
            new AgeBand(
                rs.getString(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5)));
      }
    }
    return perDay.isEmpty() && bands.isEmpty() ? null : new Gold(perDay, bands);
  }
}
