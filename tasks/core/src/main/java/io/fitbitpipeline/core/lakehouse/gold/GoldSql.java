package io.fitbitpipeline.core.lakehouse.gold;

import static io.fitbitpipeline.core.lakehouse.Sql.deleteUsing;
import static io.fitbitpipeline.core.lakehouse.Sql.same;
import static io.fitbitpipeline.core.lakehouse.Sql.tempTable;

import io.fitbitpipeline.core.warehouse.WarehouseDialect;
import java.util.ArrayList;
import java.util.List;

/**
 * The gold rules of LAKEHOUSE_FORMAT.md, recomputed for the keys silver queued as changed
 * (silver.changed_*): the same text on Redshift and PostgreSQL but for the dialect's interval
 * arithmetic.
 */
public final class GoldSql {
  private static final List<String> SESSION_KEY = List.of("user_id", "workout_id", "session_id");

  /** Age bands, lower bound inclusive: (upper bound exclusive, label). */
  private static final int[] BOUNDS = {18, 25, 35, 45, 55, 65, 75, 85, 95};

  private static final String[] LABELS = {
    "under 18", "18-25", "25-35", "35-45", "45-55", "55-65", "65-75", "75-85", "85-95"
  };

  private final WarehouseDialect dialect;

  public GoldSql(WarehouseDialect dialect) {
    this.dialect = dialect;
  }

  public List<String> statements() {
    List<String> sql = new ArrayList<>();
    sql.addAll(
        tempTable(
            "g_sessions",
            "SELECT user_id, workout_id, session_id FROM silver.changed_sessions"
                + " UNION SELECT c.user_id, c.workout_id, c.session_id FROM"
                + " silver.completed_workouts c JOIN silver.changed_profiles p"
                + " ON p.user_id = c.user_id"));
    sql.addAll(
        tempTable(
            "g_macs",
            "SELECT mac_address FROM silver.changed_macs UNION SELECT u.mac_address FROM"
                + " silver.users u JOIN silver.changed_sessions k ON u.user_id = k.user_id"));

    // workout_bpm_summary: per completed workout with readings; demographics from the current
    // profile (none: NULLs), age in whole years on the workout's start date.
    sql.add(deleteUsing("gold.workout_bpm_summary", "g_sessions", SESSION_KEY));
    String day = "CAST(b.start_time AS DATE)";
    String age =
        "EXTRACT(YEAR FROM "
            + day
            + ") - EXTRACT(YEAR FROM p.dob) - CASE WHEN EXTRACT(MONTH FROM "
            + day
            + ") * 100 + EXTRACT(DAY FROM "
            + day
            + ") < EXTRACT(MONTH FROM p.dob) * 100 + EXTRACT(DAY FROM p.dob) THEN 1 ELSE 0 END";
    sql.add(
        "INSERT INTO gold.workout_bpm_summary (user_id, workout_id, session_id, age, gender,"
            + " city, state, min_bpm, avg_bpm, max_bpm, num_recordings) SELECT s.user_id,"
            + " s.workout_id, s.session_id, "
            + ageBand("s.age")
            + ", s.gender, s.city, s.state, s.min_bpm, s.avg_bpm, s.max_bpm, s.num_recordings"
            + " FROM (SELECT b.user_id, b.workout_id, b.session_id, p.gender, p.city, p.state, "
            + age
            // An exact decimal mean: a double sum would depend on the order rows are read.
            + " AS age, MIN(b.heartrate) AS min_bpm,"
            + " CAST(AVG(CAST(b.heartrate AS DECIMAL(18, 6))) AS DOUBLE PRECISION) AS avg_bpm,"
            + " MAX(b.heartrate) AS max_bpm, COUNT(*) AS num_recordings"
            + " FROM silver.workout_bpm b JOIN g_sessions k ON "
            + same("b", "k", SESSION_KEY)
            + " LEFT JOIN silver.user_profile p ON p.user_id = b.user_id"
            + " GROUP BY b.user_id, b.workout_id, b.session_id, b.start_time, p.dob, p.gender,"
            + " p.city, p.state) s");

    // gym_summary: a visit of a registered MAC and a completed workout of its user that starts
    // between login and logout (inclusive); dated by the login.
    sql.add(deleteUsing("gold.gym_summary", "g_macs", List.of("mac_address")));
    sql.add(
        "INSERT INTO gold.gym_summary (date, gym, mac_address, workout_id, session_id,"
            + " minutes_in_gym, minutes_exercising) SELECT CAST(l.login AS DATE), l.gym,"
            + " l.mac_address, c.workout_id, c.session_id, "
            + minutes("l.login", "l.logout")
            + ", "
            + minutes("c.start_time", "c.end_time")
            + " FROM silver.gym_logs l JOIN (SELECT DISTINCT mac_address FROM g_macs) k"
            + " ON l.mac_address = k.mac_address"
            + " JOIN silver.users u ON u.mac_address = l.mac_address"
            + " JOIN silver.completed_workouts c ON c.user_id = u.user_id"
            + " AND c.start_time >= l.login AND c.start_time <= l.logout");

    sql.add("DELETE FROM silver.changed_sessions");
    sql.add("DELETE FROM silver.changed_macs");
    sql.add("DELETE FROM silver.changed_profiles");
    sql.add("DROP TABLE g_sessions");
    sql.add("DROP TABLE g_macs");
    return List.copyOf(sql);
  }

  private String minutes(String from, String to) {
    return "CAST(ROUND(CAST("
        + dialect.secondsBetween(from, to)
        + " / 60.0 AS DECIMAL(20, 6)), 2) AS DOUBLE PRECISION)";
  }

  static String ageBand(String age) {
    StringBuilder sql = new StringBuilder("CASE WHEN " + age + " IS NULL THEN NULL");
    for (int i = 0; i < BOUNDS.length; i++) {
      sql.append(" WHEN ")
          .append(age)
          .append(" < ")
          .append(BOUNDS[i])
          .append(" THEN '")
          .append(LABELS[i])
          .append("'");
    }
    return sql.append(" ELSE '95+' END").toString();
  }
}
