package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.warehouse.Tables;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * fitbit.data_yield, kept in step by promote: set-based SQL, the same on PostgreSQL and Redshift,
 * that recomputes the rows of the user-days a promote replaces, in its transaction.
 *
 * <p>Per user-day: heart_rate_minutes = distinct minutes with at least one heart-rate reading;
 * valid_hours = hours with at least {@value #MINUTES_PER_VALID_HOUR} such minutes; valid_day =
 * valid_hours &gt;= the threshold (default {@value #DEFAULT_MIN_VALID_HOURS}, setting
 * YIELD_MIN_VALID_HOURS); steps = the sum of the intraday steps (NULL without steps data); flags =
 * comma-separated facts (see {@link #FLAGS}). A user-day without any production data has no row.
 */
public final class DataYield {
  public static final int DEFAULT_MIN_VALID_HOURS = 10;
  public static final int MINUTES_PER_VALID_HOUR = 30;

  /** The flags, in the order they appear in a row. */
  public static final List<String> FLAGS =
      List.of(
          "steps_without_heart_rate",
          "no_heart_rate",
          "no_steps",
          "daily_intraday_mismatch",
          "partial_day",
          "min_valid_hours=N");

  /** The tables {@link #insertSql} joins, whose rows need no EXISTS probe. */
  private static final Set<String> JOINED =
      Set.of(
          Tables.intraday(Activity.HEART_RATE).production(),
          Tables.intraday(Activity.STEPS).production(),
          Tables.daily(Activity.STEPS).get(0).production());

  /** The user-days being replaced, collected before staging is cleared. */
  static final String DAYS = "promote_yield_days";

  private final int minValidHours;

  public DataYield(int minValidHours) {
    if (minValidHours < 1 || minValidHours > 24) {
      throw new IllegalArgumentException(
          "the valid-day threshold is " + minValidHours + " hours; expected 1 to 24");
    }
    this.minValidHours = minValidHours;
  }

  /**
   * Records the user-days that promoting {@code activities} will replace (their loaded ledger rows
   * in staging). Call in the promote transaction before any staging table is cleared.
   */
  void collectDays(Connection c, Collection<Activity> activities) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TEMPORARY TABLE " + DAYS + " (user_id VARCHAR(256), date DATE)");
    }
    // The activity ids are bound parameters, like every value that reaches SQL.
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO "
                + DAYS
                + " (user_id, date) SELECT DISTINCT user_id, date FROM fitbit_staging.file_ledger"
                + " WHERE status = 'loaded' AND user_id IS NOT NULL AND date IS NOT NULL"
                + " AND activity IN ("
                + activities.stream().map(a -> "?").collect(Collectors.joining(", "))
                + ")")) {
      int i = 1;
      for (Activity activity : activities) {
        s.setString(i++, activity.id());
      }
      s.executeUpdate();
    }
  }

  /**
   * Recomputes the rows of every user-day of {@code window} that has production data, in one
   * transaction of its own: for a warehouse that had data before migration V3, or after a change of
   * the threshold. Rows of user-days without production data any more are removed.
   *
   * @return the rows written
   */
  public long rebuild(Connection c, Window window) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TEMPORARY TABLE " + DAYS + " (user_id VARCHAR(256), date DATE)");
      }
      // The window's dates are bound parameters (every day column is a DATE or a TIMESTAMP).
      insertDays(
          c,
          "INSERT INTO "
              + DAYS
              + " (user_id, date) SELECT DISTINCT user_id, date FROM "
              + Tables.DATA_YIELD.production()
              + " WHERE date >= ? AND date < ?",
          window,
          false);
      for (WarehouseTable table : Tables.activityTables()) {
        insertDays(
            c,
            "INSERT INTO "
                + DAYS
                + " (user_id, date) SELECT DISTINCT user_id, "
                + table.dayExpression("t")
                + " FROM "
                + table.production()
                + " t WHERE t."
                + table.dayColumn()
                + " >= ? AND t."
                + table.dayColumn()
                + " < ?",
            window,
            "ts".equals(table.dayColumn()));
      }
      long rows = recompute(c);
      c.commit();
      return rows;
    } catch (SQLException | RuntimeException e) {
      io.fitbitpipeline.core.warehouse.Transactions.rollback(c, e);
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static void insertDays(Connection c, String sql, Window window, boolean timestamp)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      LocalDate end = window.to().plusDays(1);
      s.setObject(1, timestamp ? window.from().atStartOfDay() : window.from());
      s.setObject(2, timestamp ? end.atStartOfDay() : end);
      s.executeUpdate();
    }
  }

  /** Replaces the data_yield rows of the collected user-days; returns the rows written. */
  long recompute(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate(
          "DELETE FROM "
              + Tables.DATA_YIELD.production()
              + " USING "
              + DAYS
              + " d WHERE "
              + Tables.DATA_YIELD.production()
              + ".user_id = d.user_id AND "
              + Tables.DATA_YIELD.production()
              + ".date = d.date");
      long rows = s.executeUpdate(insertSql(DAYS));
      s.execute("DROP TABLE " + DAYS);
      return rows;
    }
  }

  /**
   * INSERT ... SELECT of the yield rows of the user-days listed in {@code days} (a table of
   * user_id, date). Derived tables only (no CTE, no FILTER, no GREATEST): it runs as is on
   * PostgreSQL and Redshift.
   */
  String insertSql(String days) {
    String hr = Tables.intraday(Activity.HEART_RATE).production();
    String steps = Tables.intraday(Activity.STEPS).production();
    String stepsDaily = Tables.daily(Activity.STEPS).get(0).production();
    // The heart-rate, steps and daily-steps parts below are joined anyway: a row there is that
    // table's EXISTS, so only the other tables are probed, and only for the rare day none of those
    // three has (OR stops at the first true).
    String present =
        "h.user_id IS NOT NULL OR s.user_id IS NOT NULL OR sd.user_id IS NOT NULL\n    OR "
            + Tables.activityTables().stream()
                .filter(t -> !JOINED.contains(t.production()))
                .map(
                    t -> "EXISTS (SELECT 1 FROM " + t.production() + " t WHERE " + sameDay(t) + ")")
                .collect(Collectors.joining("\n    OR "));
    String endOfDay = "d.date + INTERVAL '23 hours'";
    String flags =
        "CASE WHEN s.steps > 0 AND h.user_id IS NULL THEN ',steps_without_heart_rate' ELSE '' END"
            + " || CASE WHEN h.user_id IS NULL AND (s.steps IS NULL OR s.steps = 0)"
            + " THEN ',no_heart_rate' ELSE '' END"
            + " || CASE WHEN s.user_id IS NULL THEN ',no_steps' ELSE '' END"
            + " || CASE WHEN sd.value IS NOT NULL AND s.steps IS NOT NULL AND sd.value <> s.steps"
            + " THEN ',daily_intraday_mismatch' ELSE '' END"
            + " || CASE WHEN (h.last_ts IS NOT NULL OR s.last_ts IS NOT NULL)"
            + " AND (h.last_ts IS NULL OR h.last_ts < "
            + endOfDay
            + ") AND (s.last_ts IS NULL OR s.last_ts < "
            + endOfDay
            + ") THEN ',partial_day' ELSE '' END"
            + (minValidHours == DEFAULT_MIN_VALID_HOURS
                ? ""
                : " || ',min_valid_hours=" + minValidHours + "'");
    return "INSERT INTO "
        + Tables.DATA_YIELD.production()
        + " ("
        + Tables.DATA_YIELD.columnList()
        + ")\nSELECT d.user_id, d.date, COALESCE(h.minutes, 0), COALESCE(h.valid_hours, 0),"
        + "\n  CASE WHEN COALESCE(h.valid_hours, 0) >= "
        + minValidHours
        + " THEN TRUE ELSE FALSE END,"
        + "\n  s.steps,"
        + "\n  NULLIF(SUBSTRING("
        + flags
        + " FROM 2), '')"
        + "\nFROM (SELECT DISTINCT user_id, date FROM "
        + days
        + ") d"
        // Heart rate: distinct minutes per hour, then per day. The hour is DATE_TRUNC, a
        // timestamp, not EXTRACT, a numeric on PostgreSQL: sorting every reading by hour is the
        // statement's largest cost, and numeric keys made it about a quarter slower. The join keeps
        // the plain range on ts (the steps join's precomputed bounds made PostgreSQL hash-join and
        // sort all readings on disk here): each user-day is read from the (user_id, ts) key in
        // order, so the sort by hour is one of already ordered runs.
        + "\nLEFT JOIN (SELECT user_id, date, SUM(minutes) AS minutes,"
        + " SUM(CASE WHEN minutes >= "
        + MINUTES_PER_VALID_HOUR
        + " THEN 1 ELSE 0 END) AS valid_hours, MAX(last_ts) AS last_ts"
        + "\n  FROM (SELECT t.user_id, x.date,"
        + " COUNT(DISTINCT DATE_TRUNC('minute', t.ts)) AS minutes, MAX(t.ts) AS last_ts"
        + "\n    FROM "
        + hr
        + " t JOIN (SELECT DISTINCT user_id, date FROM "
        + days
        + ") x ON t.user_id = x.user_id AND t.ts >= x.date AND t.ts < x.date + INTERVAL '1 day'"
        + "\n    GROUP BY t.user_id, x.date, DATE_TRUNC('hour', t.ts)) hh"
        + "\n  GROUP BY user_id, date) h ON h.user_id = d.user_id AND h.date = d.date"
        // Steps: the intraday sum and the last reading. The day's bounds are computed once per
        // user-day: without statistics (a first promote) this is a hash join on user_id that
        // compares every reading with each day of its user.
        + "\nLEFT JOIN (SELECT t.user_id, x.date, SUM(t.value) AS steps, MAX(t.ts) AS last_ts"
        + "\n  FROM "
        + steps
        + " t JOIN (SELECT DISTINCT user_id, date, CAST(date AS TIMESTAMP) AS day_start,"
        + " CAST(date AS TIMESTAMP) + INTERVAL '1 day' AS day_end FROM "
        + days
        + ") x ON t.user_id = x.user_id AND t.ts >= x.day_start AND t.ts < x.day_end"
        + "\n  GROUP BY t.user_id, x.date) s ON s.user_id = d.user_id AND s.date = d.date"
        + "\nLEFT JOIN "
        + stepsDaily
        + " sd ON sd.user_id = d.user_id AND sd.date = d.date"
        + "\nWHERE "
        + present;
  }

  private static String sameDay(WarehouseTable table) {
    return "ts".equals(table.dayColumn())
        ? "t.user_id = d.user_id AND t.ts >= d.date AND t.ts < d.date + INTERVAL '1 day'"
        : "t.user_id = d.user_id AND t.date = d.date";
  }
}
