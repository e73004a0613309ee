package io.fitbitpipeline.core.lakehouse.silver;

import static io.fitbitpipeline.core.lakehouse.Sql.deleteUsing;
import static io.fitbitpipeline.core.lakehouse.Sql.same;
import static io.fitbitpipeline.core.lakehouse.Sql.tempTable;

import io.fitbitpipeline.core.lakehouse.LakehouseTables;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.util.ArrayList;
import java.util.List;

/**
 * The silver rules of LAKEHOUSE_FORMAT.md as incremental, set-based SQL. Every statement starts
 * from the keys that the run's new events touch (silver.batch_*), and recomputes those keys' rows
 * from the whole event history: so the result depends only on the records received, never on their
 * order or on how they were split across runs, and a run costs what its keys cost.
 */
public final class SilverSql {
  private static final String SESSION = "user_id, workout_id, session_id";
  private static final List<String> SESSION_KEY = List.of("user_id", "workout_id", "session_id");
  private static final String PROFILE =
      "dob, sex, gender, first_name, last_name, street_address, city, state, zip";

  private SilverSql() {}

  /** The statements, in order; run in the silver transaction after the batch tables are full. */
  public static List<String> statements() {
    List<String> sql = new ArrayList<>();
    // The keys this run touches.
    sql.addAll(
        tempTable(
            "s_hr_keys",
            "SELECT DISTINCT device_id, time FROM " + batch(LakehouseTables.BPM_EVENTS)));
    sql.addAll(
        tempTable(
            "s_sessions",
            "SELECT DISTINCT " + SESSION + " FROM " + batch(LakehouseTables.WORKOUT_EVENTS)));
    sql.addAll(
        tempTable(
            "s_users",
            "SELECT DISTINCT user_id FROM " + batch(LakehouseTables.REGISTRATION_EVENTS)));
    sql.addAll(
        tempTable(
            "s_gym_keys",
            "SELECT DISTINCT mac_address, gym, login FROM "
                + batch(LakehouseTables.GYM_LOGIN_EVENTS)));
    sql.addAll(
        tempTable(
            "s_profiles",
            "SELECT DISTINCT user_id FROM " + batch(LakehouseTables.USER_INFO_EVENTS)));

    // The history every rule is recomputed from.
    for (WarehouseTable events : LakehouseTables.EVENTS) {
      String columns = events.quotedColumnList();
      sql.add(
          "INSERT INTO silver."
              + events.name()
              + " ("
              + columns
              + ") SELECT "
              + columns
              + " FROM "
              + batch(events));
    }

    // A user whose registration changes may leave a MAC address: its gym rows change too.
    sql.add(
        "INSERT INTO silver.changed_macs (mac_address) SELECT u.mac_address FROM silver.users u"
            + " JOIN s_users k ON u.user_id = k.user_id");

    // heart_rate: per (device_id, time) the record with the higher partition/offset.
    sql.add(deleteUsing("silver.heart_rate", "s_hr_keys", List.of("device_id", "time")));
    sql.add(
        "INSERT INTO silver.heart_rate (device_id, time, heartrate, valid)"
            + " SELECT device_id, time, heartrate, heartrate >= 20 AND heartrate <= 250 FROM ("
            + " SELECT e.device_id, e.time, e.heartrate, ROW_NUMBER() OVER (PARTITION BY"
            + " e.device_id, e.time ORDER BY e.\"partition\" DESC, e.\"offset\" DESC) AS rn"
            + " FROM silver.bpm_events e JOIN s_hr_keys k ON "
            + same("e", "k", List.of("device_id", "time"))
            + ") x WHERE rn = 1");

    // workouts: per (session, action) the earliest time; completed: start < stop < start + 3 h.
    sql.add(deleteUsing("silver.workouts", "s_sessions", SESSION_KEY));
    sql.add(
        "INSERT INTO silver.workouts ("
            + SESSION
            + ", action, time) SELECT e.user_id, e.workout_id, e.session_id, e.action,"
            + " MIN(e.time) FROM silver.workout_events e JOIN s_sessions k ON "
            + same("e", "k", SESSION_KEY)
            + " GROUP BY e.user_id, e.workout_id, e.session_id, e.action");
    sql.add(deleteUsing("silver.completed_workouts", "s_sessions", SESSION_KEY));
    sql.add(
        "INSERT INTO silver.completed_workouts ("
            + SESSION
            + ", start_time, end_time) SELECT s.user_id, s.workout_id, s.session_id, s.time,"
            + " p.time FROM silver.workouts s JOIN silver.workouts p ON "
            + same("s", "p", SESSION_KEY)
            + " JOIN s_sessions k ON "
            + same("s", "k", SESSION_KEY)
            + " WHERE s.action = 'start' AND p.action = 'stop' AND s.time < p.time"
            + " AND p.time < s.time + INTERVAL '3 hours'");

    // users: the earliest registration (ties broken by device, then MAC: still order-free).
    sql.add(deleteUsing("silver.users", "s_users", List.of("user_id")));
    sql.add(
        "INSERT INTO silver.users (user_id, device_id, mac_address, registered_at)"
            + " SELECT user_id, device_id, mac_address, registered_at FROM ("
            + " SELECT e.user_id, e.device_id, e.mac_address, e.registered_at, ROW_NUMBER() OVER"
            + " (PARTITION BY e.user_id ORDER BY e.registered_at, e.device_id, e.mac_address)"
            + " AS rn FROM silver.registration_events e JOIN s_users k ON e.user_id = k.user_id"
            + ") x WHERE rn = 1");
    sql.add(
        "INSERT INTO silver.changed_macs (mac_address) SELECT u.mac_address FROM silver.users u"
            + " JOIN s_users k ON u.user_id = k.user_id");

    // gym_logs: per (mac_address, gym, login) the greatest logout.
    sql.add(deleteUsing("silver.gym_logs", "s_gym_keys", List.of("mac_address", "gym", "login")));
    sql.add(
        "INSERT INTO silver.gym_logs (mac_address, gym, login, logout) SELECT e.mac_address,"
            + " e.gym, e.login, MAX(e.logout) FROM silver.gym_login_events e JOIN s_gym_keys k ON "
            + same("e", "k", List.of("mac_address", "gym", "login"))
            + " GROUP BY e.mac_address, e.gym, e.login");
    sql.add(
        "INSERT INTO silver.changed_macs (mac_address) SELECT DISTINCT mac_address FROM"
            + " s_gym_keys");

    // user_profile (SCD1): the latest record (ties: higher partition/offset); none if a delete.
    sql.add(deleteUsing("silver.user_profile", "s_profiles", List.of("user_id")));
    sql.add(
        "INSERT INTO silver.user_profile (user_id, "
            + PROFILE
            + ", updated_at) SELECT user_id, "
            + PROFILE
            + ", updated_at FROM (SELECT e.user_id, e.update_type, e.updated_at, "
            + prefixed("e", PROFILE)
            + ", ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.updated_at DESC,"
            + " e.\"partition\" DESC, e.\"offset\" DESC) AS rn FROM silver.user_info_events e"
            + " JOIN s_profiles k ON e.user_id = k.user_id) x"
            + " WHERE rn = 1 AND update_type <> 'delete'");

    // user_profile_history (SCD2): a version per distinct new/update time, closed by the user's
    // next record of any kind; a delete closes the version before it and makes none itself.
    sql.add(deleteUsing("silver.user_profile_history", "s_profiles", List.of("user_id")));
    sql.add(
        "INSERT INTO silver.user_profile_history (user_id, "
            + PROFILE
            + ", valid_from, valid_to, is_current) SELECT v.user_id, "
            + prefixed("v", PROFILE)
            + ", v.updated_at, n.next_at, n.next_at IS NULL FROM (SELECT e.user_id,"
            + " e.updated_at, "
            + prefixed("e", PROFILE)
            + ", ROW_NUMBER() OVER (PARTITION BY e.user_id, e.updated_at ORDER BY"
            + " e.\"partition\" DESC, e.\"offset\" DESC) AS rn FROM silver.user_info_events e"
            + " JOIN s_profiles k ON e.user_id = k.user_id"
            + " WHERE e.update_type IN ('new', 'update')) v"
            + " JOIN (SELECT t.user_id, t.updated_at, LEAD(t.updated_at) OVER (PARTITION BY"
            + " t.user_id ORDER BY t.updated_at) AS next_at FROM (SELECT DISTINCT e.user_id,"
            + " e.updated_at FROM silver.user_info_events e JOIN s_profiles k ON"
            + " e.user_id = k.user_id) t) n ON n.user_id = v.user_id AND n.updated_at ="
            + " v.updated_at WHERE v.rn = 1");
    sql.add("INSERT INTO silver.changed_profiles (user_id) SELECT user_id FROM s_profiles");

    // workout_bpm: the sessions whose rows may change: their events changed, their user's
    // registration changed, or a reading of their user's device inside them changed.
    sql.addAll(
        tempTable(
            "s_bpm_sessions",
            "SELECT "
                + SESSION
                + " FROM s_sessions UNION SELECT c.user_id, c.workout_id, c.session_id FROM"
                + " silver.completed_workouts c JOIN s_users k ON c.user_id = k.user_id"
                + " UNION SELECT c.user_id, c.workout_id, c.session_id FROM"
                + " silver.completed_workouts c JOIN silver.users u ON u.user_id = c.user_id"
                + " JOIN s_hr_keys h ON h.device_id = u.device_id AND h.time > c.start_time"
                + " AND h.time <= c.end_time"));
    sql.add(deleteUsing("silver.workout_bpm", "s_bpm_sessions", SESSION_KEY));
    sql.add(
        "INSERT INTO silver.workout_bpm ("
            + SESSION
            + ", start_time, end_time, time, heartrate) SELECT c.user_id, c.workout_id,"
            + " c.session_id, c.start_time, c.end_time, h.time, h.heartrate"
            + " FROM silver.completed_workouts c JOIN s_bpm_sessions k ON "
            + same("c", "k", SESSION_KEY)
            + " JOIN silver.users u ON u.user_id = c.user_id"
            + " JOIN silver.heart_rate h ON h.device_id = u.device_id AND h.time > c.start_time"
            + " AND h.time <= c.end_time WHERE h.valid");
    sql.add(
        "INSERT INTO silver.changed_sessions ("
            + SESSION
            + ") SELECT "
            + SESSION
            + " FROM s_bpm_sessions");

    for (String temp :
        List.of(
            "s_hr_keys", "s_sessions", "s_users", "s_gym_keys", "s_profiles", "s_bpm_sessions")) {
      sql.add("DROP TABLE " + temp);
    }
    return List.copyOf(sql);
  }

  /**
   * Counts the run's records of a source that repeat an earlier record (same identity, earlier
   * position): they are duplicates, not rejects. Run after the history insert.
   */
  public static String duplicates(
      WarehouseTable events, List<String> identity, List<String> position) {
    return "SELECT COUNT(*) FROM "
        + batch(events)
        + " b WHERE EXISTS (SELECT 1 FROM silver."
        + events.name()
        + " e WHERE "
        + same("e", "b", identity)
        + " AND "
        + io.fitbitpipeline.core.lakehouse.Sql.before("e", "b", position)
        + ")";
  }

  static String batch(WarehouseTable events) {
    return LakehouseTables.SILVER + "." + LakehouseTables.batchOf(events).name();
  }

  private static String prefixed(String alias, String columns) {
    return alias + "." + columns.replace(", ", ", " + alias + ".");
  }
}
