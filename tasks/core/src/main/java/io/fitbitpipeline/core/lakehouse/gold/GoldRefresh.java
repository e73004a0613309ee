package io.fitbitpipeline.core.lakehouse.gold;

import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Gold, in one warehouse transaction: recomputes the gold rows of the keys silver queued as
 * changed, then empties the queues. The queues are locked first, so a silver run that commits
 * meanwhile waits and its changes are kept for the next gold run, never lost.
 */
public final class GoldRefresh {
  private final Warehouse warehouse;
  private final EventLog log;

  public GoldRefresh(Warehouse warehouse, EventLog log) {
    this.warehouse = warehouse;
    this.log = log;
  }

  /** Returns how many changed workouts and MAC addresses were recomputed. */
  public GoldResult run(RunId run) throws SQLException {
    long start = System.nanoTime();
    long sessions;
    long macs;
    try (Connection c = warehouse.connect()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("LOCK silver.changed_sessions, silver.changed_macs, silver.changed_profiles");
        sessions =
            count(
                s,
                "SELECT COUNT(*) FROM (SELECT DISTINCT user_id, workout_id, session_id FROM"
                    + " silver.changed_sessions) x");
        macs = count(s, "SELECT COUNT(DISTINCT mac_address) FROM silver.changed_macs");
        for (String sql : new GoldSql(warehouse.dialect()).statements()) {
          s.execute(sql);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        io.fitbitpipeline.core.warehouse.Transactions.rollback(c, e);
        throw e;
      }
    }
    GoldResult result = new GoldResult(sessions, macs, (System.nanoTime() - start) / 1e9);
    if (sessions + macs > 0) {
      log.info(
          "gold",
          null,
          run,
          "refreshed",
          Map.of("changed_workouts", sessions, "changed_mac_addresses", macs));
    }
    return result;
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
