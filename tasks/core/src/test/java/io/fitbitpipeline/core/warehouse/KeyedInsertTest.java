package io.fitbitpipeline.core.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.step.LocalServers;
import io.fitbitpipeline.core.warehouse.KeyedInsert.Way;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * KeyedInsert on the real server: the way it picks from the rows that stay, the rows and the key it
 * leaves behind, and a duplicate key failing on either way with the key given back by the caller's
 * savepoint.
 */
class KeyedInsertTest {
  private static final String TABLE = "keyed_insert_test.readings";
  private static final String KEY = "PRIMARY KEY (user_id, ts)";

  private final KeyedInsert keyedInsert = new KeyedInsert();
  private Connection c;

  @BeforeEach
  void table() throws Exception {
    PipelineConfig config = LocalServers.get().config("raw-keyed-insert", "lake-keyed-insert");
    c = DriverManager.getConnection(config.jdbcUrl(), config.warehouseUser(), "");
    execute("DROP SCHEMA IF EXISTS keyed_insert_test CASCADE");
    execute("CREATE SCHEMA keyed_insert_test");
    execute(
        "CREATE TABLE "
            + TABLE
            + " (user_id TEXT NOT NULL, ts INTEGER NOT NULL, value INTEGER, "
            + KEY
            + ")");
    execute("CREATE TABLE keyed_insert_test.staged (user_id TEXT, ts INTEGER, value INTEGER)");
    c.setAutoCommit(false);
  }

  @AfterEach
  void drop() throws SQLException {
    c.rollback();
    c.setAutoCommit(true);
    execute("DROP SCHEMA keyed_insert_test CASCADE");
    c.close();
  }

  @Test
  void anEmptyTableIsTruncatedAndItsKeyBuiltAfterTheInsert() throws SQLException {
    stage("u1", 0, 50);
    assertInsertedWithKey(50, Way.TRUNCATE_AND_REBUILD_KEY, 50);
  }

  @Test
  void rowsThatStayAreKeptWhenTheyAreNoMoreThanTheIncoming() throws SQLException {
    execute("INSERT INTO " + TABLE + " SELECT 'u0', g, g FROM generate_series(1, 30) g");
    stage("u1", 0, 30);
    assertInsertedWithKey(30, Way.REBUILD_KEY, 60);
  }

  /** Inserts what is staged, commits, and checks the way, the rows and the key afterwards. */
  private void assertInsertedWithKey(long incoming, Way way, long rowsAfter) throws SQLException {
    KeyedInsert.Result result = keyedInsert.insert(c, TABLE, insertStaged(), incoming);
    c.commit();
    assertEquals(new KeyedInsert.Result(incoming, way), result);
    assertEquals(rowsAfter, count(TABLE));
    assertKeyEnforced();
  }

  @Test
  void aLargerTableKeepsItsKeyWhetherItsStatisticsAreKnownOrNot() throws SQLException {
    execute("INSERT INTO " + TABLE + " SELECT 'u0', g, g FROM generate_series(1, 100) g");
    stage("u1", 0, 10);
    assertEquals(
        new KeyedInsert.Result(10, Way.KEEP_KEY), keyedInsert.insert(c, TABLE, insertStaged(), 10));
    c.commit();
    c.setAutoCommit(true);
    execute("ANALYZE " + TABLE);
    c.setAutoCommit(false);
    stage("u2", 0, 10);
    assertEquals(
        new KeyedInsert.Result(10, Way.KEEP_KEY),
        keyedInsert.insert(
            c,
            TABLE,
            "INSERT INTO "
                + TABLE
                + " SELECT 'u2', ts, value FROM keyed_insert_test.staged WHERE user_id = 'u2'",
            10));
    c.commit();
    assertEquals(120, count(TABLE));
    assertKeyEnforced();
  }

  @Test
  void rowsDeletedInTheTransactionDoNotCountAsStaying() throws SQLException {
    execute("INSERT INTO " + TABLE + " SELECT 'u1', g, g FROM generate_series(0, 99) g");
    execute("DELETE FROM " + TABLE);
    stage("u1", 0, 100);
    KeyedInsert.Result result = keyedInsert.insert(c, TABLE, insertStaged(), 100);
    c.commit();
    assertEquals(Way.TRUNCATE_AND_REBUILD_KEY, result.way());
    assertEquals(100, count(TABLE));
  }

  @Test
  void aDuplicateKeyFailsOnEitherWayAndTheSavepointGivesTheKeyBack() throws SQLException {
    // Rebuilding: the duplicate is found when the key is added back.
    stage("u1", 0, 10);
    stage("u1", 9, 1);
    assertDuplicateFailsAndLeavesTable(11, 0);
    // Keeping the key: the duplicate is one of the rows that stay.
    execute("DELETE FROM keyed_insert_test.staged");
    execute("INSERT INTO " + TABLE + " SELECT 'u0', g, g FROM generate_series(1, 100) g");
    stage("u0", 100, 10);
    assertDuplicateFailsAndLeavesTable(10, 100);
    c.commit();
    assertKeyEnforced();
  }

  private void assertDuplicateFailsAndLeavesTable(long incoming, long rowsBefore)
      throws SQLException {
    Savepoint before = c.setSavepoint();
    SQLException e =
        assertThrows(
            SQLException.class, () -> keyedInsert.insert(c, TABLE, insertStaged(), incoming));
    assertEquals("23505", e.getSQLState(), e.getMessage());
    c.rollback(before);
    assertEquals(rowsBefore, count(TABLE));
  }

  /** The key is back under its name with its columns, and a second row of a key is refused. */
  private void assertKeyEnforced() throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    + " WHERE conrelid = '"
                    + TABLE
                    + "'::regclass AND contype = 'p'")) {
      rs.next();
      assertEquals("readings_pkey", rs.getString(1));
      assertEquals(KEY, rs.getString(2));
    }
    Savepoint before = c.setSavepoint();
    SQLException e =
        assertThrows(
            SQLException.class,
            () ->
                execute(
                    "INSERT INTO " + TABLE + " SELECT user_id, ts, 0 FROM " + TABLE + " LIMIT 1"));
    assertEquals("23505", e.getSQLState(), e.getMessage());
    c.rollback(before);
  }

  private static String insertStaged() {
    return "INSERT INTO " + TABLE + " SELECT user_id, ts, value FROM keyed_insert_test.staged";
  }

  private void stage(String user, int from, int rows) throws SQLException {
    execute(
        "INSERT INTO keyed_insert_test.staged SELECT '"
            + user
            + "', g, g FROM generate_series("
            + from
            + ", "
            + (from + rows - 1)
            + ") g");
  }

  private long count(String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void execute(String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
