package io.fitbitpipeline.core.warehouse;

import java.sql.Connection;
import java.sql.SQLException;

/** What every step does when its transaction fails. */
public final class Transactions {
  private Transactions() {}

  /**
   * Rolls back after {@code failure}. When the connection itself is gone (the backend was
   * terminated, the server restarted), the rollback fails too, with "This connection has been
   * closed": that must not replace the failure that says why, so it is only attached to it.
   */
  public static void rollback(Connection c, Exception failure) {
    try {
      c.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }
}
