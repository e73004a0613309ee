package io.fitbitpipeline.core.warehouse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * Applies the committed migration files that the warehouse has not seen yet, in one transaction.
 */
public final class Migrations {
  /** The table that records applied migrations; every dialect accepts this DDL. */
  public static final String SCHEMA_VERSION_DDL =
      "CREATE TABLE IF NOT EXISTS fitbit_ops.schema_version (version VARCHAR(200) NOT NULL,"
          + " applied_at TIMESTAMPTZ NOT NULL)";

  private final WarehouseDialect dialect;

  public Migrations(WarehouseDialect dialect) {
    this.dialect = dialect;
  }

  /** Returns how many migrations were applied. */
  public int apply(Connection connection) throws SQLException, IOException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      dialect.lockForMigration(connection);
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + WarehouseTable.OPS);
      statement.execute(SCHEMA_VERSION_DDL);
      Set<String> applied = new HashSet<>();
      try (ResultSet rs = statement.executeQuery("SELECT version FROM fitbit_ops.schema_version")) {
        while (rs.next()) {
          applied.add(rs.getString(1));
        }
      }
      int count = 0;
      for (String version : MigrationScripts.VERSIONS) {
        if (applied.contains(version)) {
          continue;
        }
        for (String sql : read(version).split(";\\s*\\n")) {
          String trimmed = stripComments(sql);
          if (!trimmed.isBlank()) {
            statement.execute(trimmed);
          }
        }
        statement.execute(
            "INSERT INTO fitbit_ops.schema_version VALUES ('" + version + "', CURRENT_TIMESTAMP)");
        count++;
      }
      connection.commit();
      return count;
    } catch (SQLException | IOException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private String read(String version) throws IOException {
    String path = "/db/migration/" + dialect.id() + "/" + version + ".sql";
    try (InputStream in = Migrations.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("migration " + path + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String stripComments(String sql) {
    StringBuilder out = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (!line.stripLeading().startsWith("--")) {
        out.append(line).append('\n');
      }
    }
    return out.toString().trim();
  }
}
