package io.fitbitpipeline.core.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * An INSERT ... SELECT of a week of rows into a PostgreSQL table whose primary key is enforced,
 * done the cheaper of two ways, inside the caller's transaction.
 *
 * <p>Keeping the key's B-tree up to date row by row costs about 1.3 us a row; dropping the key,
 * inserting and adding it back costs one sort of the whole table, about 0.6 us a row of what the
 * table then holds (docs/performance.md, "Promote": 2.19 M heart-rate rows into an empty table 4.1
 * s keeping the key, 2.4 s rebuilding it; into a table already holding 6.6 M rows 3.8 s keeping it,
 * 6.1 s rebuilding it). So the key is rebuilt only while the rows that stay in the table are no
 * more than the rows coming in: the first load of a warehouse, a backfill, a rerun of everything.
 * Where nothing stays, the table is also truncated first: PostgreSQL writes a table truncated in
 * the same transaction without WAL when wal_level is minimal (the local stand-in), else no harm.
 *
 * <p>A rebuild holds the table's ACCESS EXCLUSIVE lock until the transaction ends: readers of that
 * table wait for the promote instead of reading the rows it replaces, and promotes take turns
 * ({@link WarehouseDialect#lockPromotes}). A duplicate key fails either way with SQLSTATE 23505, on
 * the INSERT or on adding the key back, and the caller's rollback to a savepoint restores the key.
 */
public final class KeyedInsert {
  /** How the rows went in. */
  public enum Way {
    /** The key was kept and updated row by row. */
    KEEP_KEY,
    /** The key was dropped and built again after the insert. */
    REBUILD_KEY,
    /** As REBUILD_KEY, on a table first truncated because none of its rows stayed. */
    TRUNCATE_AND_REBUILD_KEY
  }

  /** The outcome: rows inserted and the way. */
  public record Result(long rows, Way way) {}

  /**
   * Runs {@code insert}, an INSERT ... SELECT into {@code table} (schema.name), that brings {@code
   * incoming} rows; rows the caller deleted earlier in the transaction no longer count as staying.
   */
  public Result insert(Connection c, String table, String insert, long incoming)
      throws SQLException {
    PrimaryKey key = incoming > 0 ? PrimaryKey.of(c, table) : null;
    long staying = key == null ? Long.MAX_VALUE : rowsStaying(c, table, incoming);
    if (staying > incoming) {
      return new Result(update(c, insert), Way.KEEP_KEY);
    }
    Way way = Way.REBUILD_KEY;
    if (staying == 0) {
      update(c, "TRUNCATE " + table);
      way = Way.TRUNCATE_AND_REBUILD_KEY;
    }
    update(c, "ALTER TABLE " + table + " DROP CONSTRAINT " + key.name());
    long rows = update(c, insert);
    update(c, "ALTER TABLE " + table + " ADD CONSTRAINT " + key.name() + " " + key.definition());
    return new Result(rows, way);
  }

  /**
   * The rows {@code table} holds, counted only up to {@code incoming + 1}: the statistics answer
   * first when they show a table clearly larger (a weekly promote into a warehouse of many weeks
   * then costs no scan); they may be stale, so a smaller or unknown estimate is checked by a scan
   * that stops after {@code incoming + 1} rows.
   */
  private static long rowsStaying(Connection c, String table, long incoming) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT reltuples FROM pg_class WHERE oid = to_regclass(?)")) {
      s.setString(1, table);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next() && rs.getDouble(1) > 2.0 * incoming) {
          return Long.MAX_VALUE;
        }
      }
    }
    try (PreparedStatement s =
        c.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM " + table + " LIMIT ?) r")) {
      s.setLong(1, incoming + 1);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long update(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      return s.executeLargeUpdate(sql);
    }
  }

  /** A table's primary-key constraint as the catalog holds it, to be added back as it was. */
  private record PrimaryKey(String name, String definition) {
    static PrimaryKey of(Connection c, String table) throws SQLException {
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint"
                  + " WHERE conrelid = to_regclass(?) AND contype = 'p'")) {
        s.setString(1, table);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? new PrimaryKey(rs.getString(1), rs.getString(2)) : null;
        }
      }
    }
  }
}
