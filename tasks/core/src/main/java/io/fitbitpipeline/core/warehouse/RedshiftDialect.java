package io.fitbitpipeline.core.warehouse;

import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.StagedFile;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Amazon Redshift: DISTKEY(user_id) so a user's rows sit on one slice, sort keys on the table key
 * for range scans by user and time, ENCODE AUTO, and COPY straight from the lake's Parquet with a
 * manifest so that exactly the run's files are loaded.
 */
public final class RedshiftDialect implements WarehouseDialect {
  /** Identifiers and short codes; everything else of type TEXT may be long (reasons, keys). */
  private static final Set<String> SHORT_TEXT =
      Set.of(
          "user_id",
          "activity",
          "status",
          "step",
          "zone_name",
          "content_hash",
          "raw_time",
          // The lakehouse's identifiers and codes.
          "topic",
          "source",
          "etag",
          "batch_id",
          "mac_address",
          "update_type",
          "action",
          "sex",
          "gender",
          "state",
          "age");

  private final LakeLayout lake;
  private final String iamRole;

  public RedshiftDialect(LakeLayout lake, String iamRole) {
    this.lake = lake;
    this.iamRole = iamRole;
  }

  @Override
  public String id() {
    return "redshift";
  }

  @Override
  public String sqlType(Column column) {
    if (column.type() == ColumnType.TEXT) {
      return SHORT_TEXT.contains(column.name()) ? "VARCHAR(256)" : "VARCHAR(65535)";
    }
    return WarehouseDialect.super.sqlType(column);
  }

  @Override
  public String secondsBetween(String from, String to) {
    // Redshift has no EXTRACT(EPOCH FROM interval); DATEDIFF counts whole units.
    return "(DATEDIFF(microsecond, " + from + ", " + to + ") / 1000000.0)";
  }

  @Override
  public String createTable(WarehouseTable table, String schema, boolean withKey) {
    // Redshift does not enforce keys; declared ones still inform the planner.
    boolean byUser = table.columns().stream().anyMatch(c -> c.name().equals("user_id"));
    List<String> sortKey =
        table.key().isEmpty() ? List.of(table.columns().get(0).name()) : table.key();
    return createTableBody(table, schema, withKey)
        + (byUser ? "\nDISTKEY (user_id)" : "\nDISTSTYLE AUTO")
        + "\nSORTKEY ("
        + sortKey.stream().map(WarehouseDialect::quote).collect(Collectors.joining(", "))
        + ")\nENCODE AUTO";
  }

  @Override
  public void lockStaging(Connection connection, io.fitbitpipeline.core.activity.Activity activity)
      throws SQLException {
    // No advisory locks: the activity's first staging table stands for its staging.
    try (Statement statement = connection.createStatement()) {
      statement.execute("LOCK " + Tables.of(activity).get(0).staging());
    }
  }

  @Override
  public void lockForMigration(Connection connection) throws SQLException {
    // Redshift has no advisory locks: lock the version table, creating it first if need be.
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + WarehouseTable.OPS);
      statement.execute(Migrations.SCHEMA_VERSION_DDL);
      statement.execute("LOCK fitbit_ops.schema_version");
    }
  }

  /** The COPY statement for one load; public so its SQL can be tested without a cluster. */
  public String copySql(StagingLoad load) {
    return "COPY "
        + load.target()
        + " ("
        + load.table().quotedColumnList()
        + ")\nFROM '"
        + lake.uri(load.copyManifestKey())
        + "'\nIAM_ROLE '"
        + iamRole.replace("'", "''")
        + "'\nFORMAT AS PARQUET\nMANIFEST";
  }

  @Override
  public long copyToStaging(Connection connection, StagingLoad load) throws SQLException {
    if (iamRole.isBlank()) {
      throw new SQLException(
          "REDSHIFT_IAM_ROLE is not set: Redshift COPY needs a role to read the lake");
    }
    if (load.files().isEmpty()) {
      return 0;
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(copySql(load));
    } catch (SQLException e) {
      throw new SQLException(
          "COPY into " + load.target() + " failed: " + e.getMessage() + loadErrors(connection), e);
    }
    return load.files().stream().mapToLong(StagedFile::rows).sum();
  }

  /**
   * Reads the failed COPY's rows from SYS_LOAD_ERROR_DETAIL, for a message that says what broke.
   */
  private static String loadErrors(Connection connection) {
    String sql =
        "SELECT file_name, column_name, error_code, error_message FROM sys_load_error_detail"
            + " WHERE query_id = pg_last_copy_id() ORDER BY start_time LIMIT 5";
    try {
      connection.rollback();
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery(sql)) {
        StringBuilder details = new StringBuilder();
        while (rs.next()) {
          details
              .append("\n  ")
              .append(rs.getString(1).trim())
              .append(" column ")
              .append(rs.getString(2) == null ? "?" : rs.getString(2).trim())
              .append(": ")
              .append(rs.getInt(3))
              .append(" ")
              .append(rs.getString(4).trim());
        }
        return details.length() == 0 ? "" : "; load errors:" + details;
      }
    } catch (SQLException e) {
      return "; SYS_LOAD_ERROR_DETAIL unreadable: " + e.getMessage();
    }
  }
}
