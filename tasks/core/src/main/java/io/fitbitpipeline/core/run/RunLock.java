package io.fitbitpipeline.core.run;

import io.fitbitpipeline.core.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One whole-window run of the batch pipeline at a time, from extract to promote. Runs share the
 * staging tables and, with the lookback weeks, nearly always overlapping windows, so a second run
 * waits for the first instead of both staging the same files; after the wait its extract finds the
 * files in the ledger and loads nothing twice.
 *
 * <p>PostgreSQL: a session advisory lock, released when the holder's connection ends (a killed
 * process holds nothing); the waiter names the holder (its run id is the connection's
 * application_name). Redshift: LOCK on a one-row table in a transaction kept open for the run.
 */
public final class RunLock implements AutoCloseable {
  /** The advisory lock key of whole-window runs (migrations use 7305721). */
  static final long KEY = 7305722L;

  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration REMIND = Duration.ofMinutes(1);

  private final Connection connection;
  private final boolean postgres;

  private RunLock(Connection connection, boolean postgres) {
    this.connection = connection;
    this.postgres = postgres;
  }

  /**
   * Takes the lock, waiting as long as another run holds it; {@code waiting} hears whom it waits
   * for (when the wait starts, when the holder changes, and every minute).
   */
  public static RunLock acquire(Warehouse warehouse, RunId run, Consumer<String> waiting)
      throws SQLException, InterruptedException {
    Connection c = warehouse.connect();
    try {
      if (!warehouse.dialect().id().equals("postgresql")) {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE IF NOT EXISTS fitbit_ops.run_lock (holder VARCHAR(300))");
          s.execute("LOCK fitbit_ops.run_lock");
        }
        return new RunLock(c, false);
      }
      try (PreparedStatement name =
          c.prepareStatement("SELECT set_config('application_name', ?, false)")) {
        name.setString(1, truncate("fitbit run " + run.value()));
        name.execute();
      }
      String lastHolder = null;
      long remindAt = 0;
      while (true) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + KEY + ")")) {
          rs.next();
          if (rs.getBoolean(1)) {
            return new RunLock(c, true);
          }
        }
        String holder = holder(c);
        long now = System.nanoTime();
        if (!Objects.equals(holder, lastHolder) || now >= remindAt) {
          waiting.accept(
              "waiting for the run lock, held by "
                  + (holder == null ? "another run" : holder)
                  + " (one whole-window run at a time)");
          lastHolder = holder;
          remindAt = now + REMIND.toNanos();
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (SQLException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static String holder(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT a.application_name, a.backend_start FROM pg_locks l"
                    + " JOIN pg_stat_activity a ON a.pid = l.pid"
                    + " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0"
                    + " AND l.objid = "
                    + KEY)) {
      if (!rs.next()) {
        return null;
      }
      String name = rs.getString(1);
      return (name == null || name.isBlank() ? "a session without a name" : "'" + name + "'")
          + " (connected since "
          + rs.getTimestamp(2).toInstant()
          + ")";
    }
  }

  private static String truncate(String name) {
    // PostgreSQL keeps 63 bytes of application_name.
    return name.length() > 63 ? name.substring(0, 63) : name;
  }

  @Override
  public void close() throws SQLException {
    try (connection) {
      if (postgres) {
        try (Statement s = connection.createStatement()) {
          s.execute("SELECT pg_advisory_unlock(" + KEY + ")");
        }
      } else {
        connection.commit();
      }
    }
  }
}
